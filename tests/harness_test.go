package tests

// Helpers shared by the end-to-end tests: where things are, how to run a
// program with a deadline, and how to compare two runs.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gemu-project/gemu/internal/testenv"
)

// runTimeout bounds every single program run, so a hung emulator fails its
// test instead of hanging the whole suite.
const runTimeout = 60 * time.Second

// repoRoot is the repository's top directory, found from this file's path.
var repoRoot = func() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("tests: cannot find the source directory")
	}
	return filepath.Dir(filepath.Dir(file))
}()

// inCI reports whether the CI environment variable is set (CI=true in CI).
// There, a missing binary or fixture is a failure, never a skip.
func inCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "0" && v != "false"
}

// gemuBin returns the emulator under test: $GEMU_BIN if set (useful to run
// the suite against qemu-riscv64 as a stand-in), else bin/gemu.
func gemuBin(t *testing.T) string {
	t.Helper()
	p := os.Getenv("GEMU_BIN")
	if p == "" {
		p = filepath.Join(repoRoot, "bin", "gemu")
	} else if !strings.Contains(p, "/") {
		lp, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("GEMU_BIN=%s: not found on PATH", p)
		}
		p = lp
	}
	// Stat also tells go test's cache that the result depends on this file.
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("emulator binary missing: %v (run `make build`, or set GEMU_BIN)", err)
	}
	return p
}

// fixture returns the path of a built guest program for arch
// (x86_64, riscv64, aarch64). Missing: fail in CI, skip elsewhere.
func fixture(t *testing.T, arch, name string) string {
	t.Helper()
	p := filepath.Join(repoRoot, "tests", "build", arch, name)
	if _, err := os.Stat(p); err != nil {
		if inCI() {
			t.Fatalf("fixture %s missing (CI must build it: make fixtures): %v", p, err)
		}
		t.Skipf("fixture %s missing: run make fixtures", p)
	}
	return p
}

// guestArches lists the guest architectures to test: $GEMU_ARCHES (comma or
// space separated), default both targets.
func guestArches() []string {
	v := os.Getenv("GEMU_ARCHES")
	if v == "" {
		v = "riscv64,aarch64"
	}
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
}

// selected reports whether a test case is enabled by $GEMU_FIXTURES (a comma
// or space separated list of case names; empty means all).
func selected(name string) bool {
	v := os.Getenv("GEMU_FIXTURES")
	if v == "" {
		return true
	}
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		if f == name {
			return true
		}
	}
	return false
}

// qemuFor finds qemu-<arch> on PATH. Missing: t.Log outside CI (returns ""),
// failure in CI, where `make deps` installs it.
func qemuFor(t *testing.T, arch string) string {
	t.Helper()
	p, err := exec.LookPath("qemu-" + arch)
	if err != nil {
		if inCI() {
			t.Errorf("qemu-%s not on PATH (make deps installs qemu-user)", arch)
		} else {
			t.Logf("qemu-%s not on PATH: no comparison with qemu", arch)
		}
		return ""
	}
	return p
}

// result is what one program run produced.
type result struct {
	stdout, stderr string
	code           int // exit status, or 128+signal like a shell
}

// run starts argv[0] with argv[1:], the given environment and working
// directory, and no stdin; it fails the test if the run cannot start or takes
// longer than runTimeout.
func run(t *testing.T, argv []string, env []string, dir string) result {
	t.Helper()
	return runIn(t, argv, env, dir, false)
}

// runIn is run, in a private network namespace when netns is set
// (netns_test.go).
func runIn(t *testing.T, argv []string, env []string, dir string, netns bool) result {
	t.Helper()
	res, ok := runUntil(t, argv, env, dir, netns)
	if !ok {
		t.Fatalf("%s: timed out after %v\nstdout tail:\n%s\nstderr tail:\n%s",
			strings.Join(argv, " "), runTimeout, tail(res.stdout), tail(res.stderr))
	}
	return res
}

// runUntil is runIn that reports a run taking longer than runTimeout
// (ok false) instead of failing the test: for qemu-user as a reference,
// which hangs on some Go programs.
func runUntil(t *testing.T, argv []string, env []string, dir string, netns bool) (result, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	shown := argv
	if netns {
		argv = netnsCommand(t, argv)
		env = append(env[:len(env):len(env)], netnsExecVar+"=1")
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Dir = dir
	if netns {
		cmd.SysProcAttr = testenv.NetnsAttr()
	}
	return runCommand(t, ctx, cmd, shown)
}

// runCommand runs cmd, made with exec.CommandContext(ctx, ...), to its
// end; ok is false when ctx's deadline ended it. shown names it in
// failures.
func runCommand(t *testing.T, ctx context.Context, cmd *exec.Cmd, shown []string) (res result, ok bool) {
	t.Helper()
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res = result{stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		return res, false
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.code = 128 + int(ws.Signal())
		}
	default:
		t.Fatalf("%s: %v", strings.Join(shown, " "), err)
	}
	return res, true
}

// baseEnv is the whole environment of every run, so that native and emulated
// runs see the same variables (and no QEMU_* from the caller leaks in).
// GEMU_JIT is passed on: `make test` runs the suite with tier 2 forced on
// and off through it.
func baseEnv(tmp string, extra ...string) []string {
	env := []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C", "LC_ALL=C", "HOME=" + tmp, "TMPDIR=" + tmp}
	if v := os.Getenv("GEMU_JIT"); v != "" {
		env = append(env, "GEMU_JIT="+v)
	}
	return append(env, extra...)
}

// compare reports differences between a reference run and another run.
func compare(t *testing.T, who string, want, got result) {
	t.Helper()
	if d := firstDiff(want.stdout, got.stdout); d != "" {
		t.Errorf("%s: stdout differs from native: %s", who, d)
	}
	if d := firstDiff(want.stderr, got.stderr); d != "" {
		t.Errorf("%s: stderr differs from native: %s", who, d)
	}
	if want.code != got.code {
		t.Errorf("%s: exit status %d, native %d\nstderr tail:\n%s", who, got.code, want.code, tail(got.stderr))
	}
}

// firstDiff describes the first differing line of two outputs, or "".
func firstDiff(want, got string) string {
	if want == got {
		return ""
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("line %d (of %d native, %d here)\n  native: %q\n  here:   %q", i+1, len(wl), len(gl), w, g)
		}
	}
	return "outputs differ"
}

// tail returns the last few lines of s, for error messages.
func tail(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > 12 {
		lines = append([]string{"..."}, lines[len(lines)-12:]...)
	}
	return strings.Join(lines, "\n")
}
