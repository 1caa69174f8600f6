package linuxuser

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/gemu-project/gemu/internal/testenv"
)

// needTool: see testenv.NeedTool.
func needTool(t *testing.T, name string) string { return testenv.NeedTool(t, name) }

var (
	buildMu  sync.Mutex
	buildDir string
	built    = map[string]string{}
)

// build compiles testdata/<name> once per test run: kind "riscv64" is a
// static riscv64 glibc binary, "native" the host build of the same C, and
// "go-riscv64" a static Go program.
func build(t *testing.T, name, kind string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	key := name + "/" + kind
	if p, ok := built[key]; ok {
		return p
	}
	if buildDir == "" {
		d, err := os.MkdirTemp("", "gemu-linuxuser-")
		if err != nil {
			t.Fatal(err)
		}
		buildDir = d
	}
	src := name
	if !filepath.IsAbs(name) {
		src, _ = filepath.Abs(filepath.Join("testdata", name))
	}
	// One folder per kind keeps the base names equal (argv[0] is printed).
	out := filepath.Join(buildDir, kind, strings.TrimSuffix(filepath.Base(name), ".c"))
	os.MkdirAll(filepath.Dir(out), 0o755)
	var cmd *exec.Cmd
	switch kind {
	case "riscv64":
		cmd = exec.Command(needTool(t, "riscv64-linux-gnu-gcc"), "-static", "-O2", "-pthread", "-o", out, src)
	case "riscv64-dyn":
		cmd = exec.Command(needTool(t, "riscv64-linux-gnu-gcc"), "-O2", "-o", out, src)
	case "native":
		cmd = exec.Command(needTool(t, "gcc"), "-O2", "-pthread", "-o", out, src)
	case "go-riscv64":
		cmd = exec.Command(needTool(t, "go"), "build", "-o", out, ".")
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=riscv64", "CGO_ENABLED=0")
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", key, err, msg)
	}
	built[key] = out
	return out
}

// result is what a program run produced.
type result struct {
	stdout, stderr string
	code           int // exit status, or -1 when killed
	signal         syscall.Signal
}

func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		ws := ee.Sys().(syscall.WaitStatus)
		r.code = ws.ExitStatus()
		if ws.Signaled() {
			r.signal = ws.Signal()
		}
	default:
		t.Fatal(err)
	}
	return r
}

// runGuest runs a riscv64 guest under gemu in a child process.
func runGuest(t *testing.T, bin string, args []string, env ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--", "riscv64", bin}, args...)...)
	cmd.Env = append(append(os.Environ(), guestEnv+"=1"), env...)
	return runCmd(t, cmd)
}

func runNative(t *testing.T, bin string, args []string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"LANG=C", "PATH=/usr/bin:/bin"}
	return runCmd(t, cmd)
}

// compare runs a C program natively and under gemu and wants equal output and status.
func compare(t *testing.T, name string, args func(bin string) []string) result {
	t.Helper()
	guest, native := build(t, name, "riscv64"), build(t, name, "native")
	g := runGuest(t, guest, args(guest))
	n := runNative(t, native, args(native))
	if g.stdout != n.stdout || g.code != n.code || g.signal != n.signal {
		t.Errorf("%s differs.\ngemu (status %d, signal %v):\n%s\nstderr:\n%s\nnative (status %d, signal %v):\n%s",
			name, g.code, g.signal, g.stdout, g.stderr, n.code, n.signal, n.stdout)
	}
	return g
}

func fixed(a ...string) func(string) []string { return func(string) []string { return a } }

func TestE2EHello(t *testing.T) {
	g := compare(t, "hello.c", fixed("3", "two words"))
	if g.stderr != "to stderr\n" {
		t.Errorf("stderr %q", g.stderr)
	}
}

func TestE2EFileIO(t *testing.T) {
	compare(t, "fileio.c", func(string) []string { return []string{t.TempDir()} })
}

func TestE2EThreads(t *testing.T) { compare(t, "threads.c", fixed()) }

func TestE2EMainThreadExit(t *testing.T) { compare(t, "mainexit.c", fixed()) }

func TestE2EMemory(t *testing.T) { compare(t, "memory.c", fixed()) }

func TestE2ESysinfo(t *testing.T) {
	compare(t, "sysinfo.c", func(bin string) []string {
		if strings.Contains(bin, "/riscv64/") {
			return []string{bin, "riscv64"}
		}
		return []string{bin, "x86_64"}
	})
}

func TestE2ESignals(t *testing.T) {
	for _, c := range []struct {
		arg string
		sig syscall.Signal
	}{{"segv", syscall.SIGSEGV}, {"abort", syscall.SIGABRT}, {"kill", syscall.SIGTERM}, {"ignored", 0}} {
		t.Run(c.arg, func(t *testing.T) {
			g := compare(t, "crash.c", fixed(c.arg))
			if g.signal != c.sig {
				t.Errorf("killed by %v, want %v", g.signal, c.sig)
			}
		})
	}
}

func TestE2EGo(t *testing.T) {
	bin := build(t, "goprog", "go-riscv64")
	g := runGuest(t, bin, []string{"x", "y"})
	want := "goroutines done: 16 total: 5999910 slept: true\nargs: [x y] riscv64\n"
	if g.stdout != want || g.code != 7 {
		t.Errorf("got status %d output:\n%s\nstderr:\n%s\nwant:\n%s", g.code, g.stdout, g.stderr, want)
	}
}

// riscv64Sysroot is Debian's cross sysroot (libc6-riscv64-cross).
const riscv64Sysroot = "/usr/riscv64-linux-gnu"

// TestE2EDynamic runs a dynamically linked program: PT_INTERP is loaded
// from the -L sysroot and ld.so maps libc with file mmaps.
func TestE2EDynamic(t *testing.T) {
	if _, err := os.Stat(filepath.Join(riscv64Sysroot, "lib/ld-linux-riscv64-lp64d.so.1")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	bin, native := build(t, "hello.c", "riscv64-dyn"), build(t, "hello.c", "native")
	g := runGuest(t, bin, []string{"5", "dyn"}, "GEMU_TEST_PREFIX="+riscv64Sysroot)
	n := runNative(t, native, []string{"5", "dyn"})
	if g.stdout != n.stdout || g.code != 5 {
		t.Errorf("dynamic hello: status %d\n%s\nstderr:\n%s", g.code, g.stdout, g.stderr)
	}
	// Without the sysroot the interpreter is missing: a clear error.
	g = runGuest(t, bin, nil)
	if g.code != 1 || !strings.Contains(g.stderr, "ld-linux-riscv64-lp64d.so.1") {
		t.Errorf("without -L: status %d stderr %q", g.code, g.stderr)
	}
}

// TestE2EStrace checks the QEMU-style -strace lines of a static glibc program.
func TestE2EStrace(t *testing.T) {
	bin := build(t, "hello.c", "riscv64")
	g := runGuest(t, bin, []string{"3"}, "GEMU_TEST_STRACE=1")
	for _, re := range []string{
		`(?m)^\d+ brk\(NULL\) = 0x[0-9a-f]{16}$`,
		`(?m)^\d+ set_tid_address\(0x[0-9a-f]{16}\) = \d+$`,
		`(?m)^\d+ write\(1,0x[0-9a-f]+,\d+\) = \d+$`,
		`(?m)^\d+ exit_group\(3\)$`,
	} {
		if !regexp.MustCompile(re).MatchString(g.stderr) {
			t.Errorf("no line matching %s in:\n%s", re, g.stderr)
		}
	}
}

// The shared fixtures in tests/guest, when present.
func TestE2EFixtures(t *testing.T) {
	for _, name := range []string{"threads.c", "files.c", "intops.c", "hello.c", "args.c"} {
		src, _ := filepath.Abs(filepath.Join("..", "tests", "guest", name))
		if _, err := os.Stat(src); err != nil {
			continue
		}
		t.Run(name, func(t *testing.T) { compare(t, src, fixed()) })
	}
}

// TestE2EFork forks under the test binary's own Reexec (main_test.go).
func TestE2EFork(t *testing.T) {
	g := compare(t, "fork.c", fixed())
	if g.stdout != "child sees global 1 heap 2\nchild exit 8; parent has global 1 heap 2 shared 42\n" {
		t.Errorf("output %q", g.stdout)
	}
}
