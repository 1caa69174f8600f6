// An external test package: the package under test must stay without
// imports in the binary, as it is in gemu.
package nofile_test

import (
	"go/build"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/gemu-project/gemu/internal/nofile"
)

// TestInitBeforeSyscall runs this test binary again under a soft limit
// below the hard one: there Go's syscall package raises the soft limit,
// and nofile.Start must still hold the lowered one.
func TestInitBeforeSyscall(t *testing.T) {
	if soft := os.Getenv("NOFILE_TEST_SOFT"); soft != "" {
		checkChild(t, soft)
		return
	}
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	if rl.Max < 200 {
		t.Skipf("hard RLIMIT_NOFILE %d leaves no room to test", rl.Max)
	}
	// The shell lowers the soft limit for the child alone.
	cmd := exec.Command("/bin/sh", "-c", `ulimit -Sn 100 && exec "$0" -test.run='^TestInitBeforeSyscall$' -test.v`, os.Args[0])
	cmd.Env = append(os.Environ(), "NOFILE_TEST_SOFT=100")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
}

func checkChild(t *testing.T, soft string) {
	want, _ := strconv.ParseUint(soft, 10, 64)
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	if nofile.Start[0] != want || nofile.Start[1] != rl.Max {
		t.Fatalf("nofile.Start = %v, want {%d %d} (the current limit is %v)", nofile.Start, want, rl.Max, rl)
	}
	if rl.Cur == want {
		t.Logf("Go did not raise the soft limit here (%v)", rl)
	}
}

// TestNoImports keeps the package free of imports: one would be
// initialized before it, and package syscall might be among them.
func TestNoImports(t *testing.T) {
	p, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Imports) != 0 {
		t.Fatalf("package nofile imports %v: it must import nothing", p.Imports)
	}
}
