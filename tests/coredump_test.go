package tests

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCoreDumpGDB (#20 class 2): a guest that dies of SIGSEGV with
// RLIMIT_CORE unlimited gives its parent a wait status with WCOREDUMP and
// leaves a core file of the guest machine, named as core_pattern says (or
// gemu_<prog>_<time>_<pid>.core for a pipe), that gdb-multiarch reads: the
// faulting pc and a backtrace through the program's frames. gemu's own
// (host) core leaves nothing behind. tests/guest/coredump.c compares the
// wait statuses with native runs.
func TestCoreDumpGDB(t *testing.T) {
	gemu := gemuBin(t)
	if strings.HasPrefix(filepath.Base(gemu), "qemu-") {
		t.Skip("GEMU_BIN is qemu-user, which does not set WCOREDUMP")
	}
	gdb, err := exec.LookPath("gdb-multiarch")
	if err != nil {
		if inCI() {
			t.Fatal("gdb-multiarch not on PATH (make deps installs it)")
		}
		t.Skip("gdb-multiarch not on PATH")
	}
	pattern := strings.TrimSpace(readFile(t, "/proc/sys/kernel/core_pattern"))
	usesPid := strings.TrimSpace(readFile(t, "/proc/sys/kernel/core_uses_pid")) == "1"
	for _, arch := range guestArches() {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			prog := fixture(t, arch, "crash")
			tmp := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
			defer cancel()
			cmd := exec.CommandContext(ctx, "/bin/sh", "-c", `ulimit -c unlimited && exec "$0" "$1"`, gemu, prog)
			cmd.Dir, cmd.Env = tmp, baseEnv(tmp)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("want a death by SIGSEGV, got %v\n%s", err, out)
			}
			ws := ee.Sys().(syscall.WaitStatus)
			if !ws.Signaled() || ws.Signal() != syscall.SIGSEGV || !ws.CoreDump() {
				t.Fatalf("wait status %#x: want SIGSEGV with WCOREDUMP\n%s", uint32(ws), out)
			}
			core := coreFile(t, tmp, pattern, usesPid, cmd.Process.Pid)
			gout, err := exec.CommandContext(ctx, gdb, "-nx", "-batch", "-ex", "info registers pc", "-ex", "bt",
				prog, core).CombinedOutput()
			if err != nil {
				t.Fatalf("gdb-multiarch: %v\n%s", err, gout)
			}
			for _, want := range []string{"SIGSEGV", "<inner+", "in inner", "in outer", "in main"} {
				if !strings.Contains(string(gout), want) {
					t.Errorf("gdb output lacks %q:\n%s", want, gout)
				}
			}
			// The watcher removes gemu's own core and its directory.
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				left, _ := filepath.Glob(filepath.Join(tmp, "gemu-core-*"))
				if len(left) == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("gemu's host core left behind: %v", left)
				}
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// coreFile is the guest core the run left in dir, for the patterns whose
// names this test knows.
func coreFile(t *testing.T, dir, pattern string, usesPid bool, pid int) string {
	t.Helper()
	var name string
	switch {
	case strings.HasPrefix(pattern, "|"):
		m, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("gemu_crash_*_%d.core", pid)))
		if len(m) != 1 {
			t.Fatalf("core_pattern is a pipe: want one gemu_crash_*_%d.core, got %v", pid, m)
		}
		return m[0]
	case pattern == "core" && !usesPid:
		name = "core"
	case pattern == "core" || pattern == "core.%p":
		name = fmt.Sprintf("core.%d", pid)
	default:
		t.Skipf("core_pattern %q: this test knows core, core.%%p and pipes", pattern)
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no core file: %v", err)
	}
	return p
}
