//go:build linux && amd64

package fdtable

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/gemu-project/gemu/internal/nofile"
)

func TestTarget(t *testing.T) {
	for _, c := range []struct{ soft, hard, want uint64 }{
		{1024, 1 << 20, 1024 + Room},
		{64, 1 << 20, 1000 + Room},
		{20000, 20000, 1000 + Room}, // no room above the soft limit: at 1000
		{256, 256, 192},             // at half the limit
		{60, 60, 0},                 // the first table holds it
		{0, 0, 0},                   // unknown
	} {
		if got := Target(c.soft, c.hard); got != c.want {
			t.Errorf("Target(%d, %d) = %d, want %d", c.soft, c.hard, got, c.want)
		}
	}
}

// childReport is what this test binary, started again by the test, says of
// its own start.
type childReport struct {
	FDSize    uint64
	ExecFn    string
	Args, Env []string
	FDs       []int
	Soft      uint64
}

// TestChildStart starts this test binary from a process whose table is
// small: its init must have gone through the trampoline (AT_EXECFN is the
// descriptor it ran from), with a grown table, the same argv (empty
// arguments too), the exact environment, no descriptor more and the soft
// RLIMIT_NOFILE it was started with.
func TestChildStart(t *testing.T) {
	if os.Getenv("FDTABLE_CHILD") != "" {
		report(t)
		return
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-test.run=^TestChildStart$", "", "two words"}
	// The runtime would keep cgroup files open (as cmd/gemu/main.go says).
	env := []string{"GODEBUG=containermaxprocs=0,updatemaxprocs=0", "FDTABLE_CHILD=1", "NO_EQUALS_SIGN", "EMPTY=", "PATH=" + os.Getenv("PATH")}
	var saved syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &saved); err != nil {
		t.Fatal(err)
	}
	lowered := saved
	lowered.Cur = 300
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lowered); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = env
	out, err := cmd.Output()
	syscall.Setrlimit(syscall.RLIMIT_NOFILE, &saved)
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	line, _, _ := bytes.Cut(out, []byte("\n"))
	var got childReport
	if err := json.Unmarshal(line, &got); err != nil {
		t.Fatalf("child said %q: %v", out, err)
	}
	if want := Target(300, nofile.Start[1]); got.FDSize <= want {
		t.Errorf("child's table has %d slots, want more than %d", got.FDSize, want)
	}
	if !strings.HasPrefix(got.ExecFn, "/dev/fd/") {
		t.Errorf("child's AT_EXECFN %q: it did not start through the trampoline", got.ExecFn)
	}
	if want := append([]string{self}, args...); !reflect.DeepEqual(got.Args, want) {
		t.Errorf("child's argv %q, want %q", got.Args, want)
	}
	sort.Strings(env)
	if !reflect.DeepEqual(got.Env, env) {
		t.Errorf("child's environment %q, want %q", got.Env, env)
	}
	if want := []int{0, 1, 2}; !reflect.DeepEqual(got.FDs, want) {
		t.Errorf("child's descriptors %v, want %v", got.FDs, want)
	}
	if got.Soft != 300 {
		t.Errorf("child's soft RLIMIT_NOFILE %d, want 300", got.Soft)
	}
}

func report(t *testing.T) {
	var r childReport
	r.FDSize, _ = fdSize()
	r.Args = procStrings("/proc/self/cmdline")
	r.Env = procStrings("/proc/self/environ")
	sort.Strings(r.Env)
	r.Soft = nofile.Start[0]
	aux, _ := readAux()
	r.ExecFn = aux.execFn
	r.FDs = openAtStart
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.Write(append(data, '\n'))
}

// openAtStart lists the descriptors below 10 open when the package's
// variables are initialized: in the trampoline's exec of the test binary,
// right after it, before the runtime's poller or the test opens any.
var openAtStart = func() []int {
	var fds []int
	for fd := range 10 {
		if _, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0); errno == 0 {
			fds = append(fds, fd)
		}
	}
	return fds
}()
