package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Process creation: fork (tests/guest/fork.c) and a Go guest's os/exec
// (tests/guest/goexec). Each mode runs natively and under gemu, which must
// agree exactly. qemu-user, when installed, runs the modes it can (it
// cannot exec a foreign program without binfmt_misc, and its clone3 may be
// missing), and only its stdout and exit status are compared: it reports
// the children that die of SIGSEGV on its own stderr.

// spawnCase is one program and the modes it runs in.
type spawnCase struct {
	prog  string
	modes [][]string // argument lists; qemu runs only the first
}

var spawnCases = []spawnCase{
	{prog: "fork", modes: [][]string{nil, {"strict"}}},
	{prog: "goexec", modes: [][]string{nil, {"self"}}},
}

func TestSpawn(t *testing.T) {
	for _, arch := range guestArches() {
		for _, c := range spawnCases {
			if !selected(c.prog) {
				continue
			}
			t.Run(arch+"/"+c.prog, func(t *testing.T) {
				t.Parallel()
				runSpawnCase(t, arch, c)
			})
		}
	}
}

func runSpawnCase(t *testing.T, arch string, c spawnCase) {
	gemu := gemuBin(t)
	native := fixture(t, "x86_64", c.prog)
	guest := fixture(t, arch, c.prog)
	invoke := func(prefix []string, args []string) result {
		tmp := t.TempDir()
		argv := append(append([]string{}, prefix...), args...)
		return run(t, argv, baseEnv(tmp), tmp)
	}
	q := qemuFor(t, arch)
	for i, mode := range c.modes {
		name := strings.Join(append([]string{c.prog}, mode...), " ")
		want := invoke(nil, append([]string{native}, mode...))
		if want.code != 0 {
			t.Fatalf("native %s exited %d: the fixture itself is broken\nstdout:\n%s\nstderr:\n%s",
				name, want.code, tail(want.stdout), tail(want.stderr))
		}
		compare(t, "gemu "+name, want, invoke([]string{gemu}, append([]string{guest}, mode...)))
		if i == 0 && q != "" && q != gemu {
			tmp := t.TempDir()
			got, ok := runUntil(t, append([]string{q, guest}, mode...), baseEnv(tmp), tmp, false)
			if !ok {
				// qemu-user 7.2 hangs now and then on Go programs (goexec).
				t.Logf("qemu-%s %s: timed out after %v, not compared", arch, name, runTimeout)
				continue
			}
			got.stderr = want.stderr
			compare(t, "qemu-"+arch+" "+name, want, got)
		}
	}
}

// A foreign program a gemu process execs runs in that gemu (execve in
// place, usermode/exec_here.go): busybox sh runs busybox in a fork child
// and then in itself. strace shows gemu's host execve calls: the first
// start and the fork child's re-execution only (an execveat of gemu's own
// descriptor; the execveat probes with AT_EXECVE_CHECK and no argv start
// nothing). With GEMU_EXEC=host (the
// control) each of the two execs is a new gemu too, and so is an exec
// whose environment sets one of gemu's variables otherwise.
func TestExecInPlace(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Fatal("strace missing (make deps installs it)")
	}
	for _, arch := range guestArches() {
		if arch != "aarch64" {
			continue // the only foreign busybox the tests fetch
		}
		bb, _ := busyboxBin(t, "arm64")
		gemu := gemuBin(t)
		for _, mode := range []string{"", "host", "env"} {
			// env: the first program's environment sets one of gemu's
			// variables differently, so it gets a gemu of its own.
			script := bb + " true; " + bb + " echo in place"
			if mode == "env" {
				script = "QEMU_UNAME=9.9.9 " + script
			}
			tmp := t.TempDir()
			log := filepath.Join(tmp, "strace.log")
			argv := []string{strace, "-f", "-qq", "-e", "trace=execve,execveat", "-o", log, gemu, bb, "sh", "-c", script}
			got := run(t, argv, baseEnv(tmp, "GEMU_EXEC="+strings.TrimSuffix(mode, "env")), tmp)
			if got.code != 0 || got.stdout != "in place\n" {
				t.Fatalf("mode %q: exit %d, stdout %q, stderr %s", mode, got.code, got.stdout, tail(got.stderr))
			}
			b, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			// A call another thread's output splits shows as
			// "execve(... <unfinished ...>" and "<... execve resumed>) = 0".
			// gemu's start through internal/fdtable's trampoline is two
			// more execs of the same argv in the same process: one start.
			starts := 0
			lastArgv := map[string]string{}
			for _, line := range strings.Split(string(b), "\n") {
				pid, _, _ := strings.Cut(line, " ")
				switch {
				case strings.Contains(line, "NULL, NULL"): // AT_EXECVE_CHECK
				case isExec(line) && lastArgv[pid] == execArgv(line):
				case isExec(line) && (strings.Contains(line, "<unfinished") || strings.Contains(line, "= 0")):
					lastArgv[pid] = execArgv(line)
					starts++
				case strings.Contains(line, "execve") && strings.Contains(line, "= -1"):
					t.Errorf("mode %q: a failed execve: %s", mode, line)
				}
			}
			// gemu, the fork child, then each exec that starts a gemu
			want := map[string]int{"": 2, "host": 4, "env": 3}[mode]
			if starts != want {
				t.Errorf("mode %q: %d host execve calls, want %d:\n%s", mode, starts, want, b)
			}
		}
	}
}

// execArgv is the argv of an strace execve or execveat line.
func execArgv(line string) string {
	_, rest, _ := strings.Cut(line, "[")
	argv, _, _ := strings.Cut(rest, "]")
	return argv
}

// isExec reports whether an strace line is an execve or execveat call.
func isExec(line string) bool {
	return strings.Contains(line, "execve(") || strings.Contains(line, "execveat(")
}
