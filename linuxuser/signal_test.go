package linuxuser

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestE2ESignalDelivery runs each case of testdata/signals.c under gemu
// and natively: handlers, siginfo, frames, masks, restarts, timers.
func TestE2ESignalDelivery(t *testing.T) {
	for _, c := range []struct {
		arg string
		sig syscall.Signal
	}{
		{"segv", 0}, {"ill", 0}, {"info", 0}, {"altstack", 0}, {"resethand", syscall.SIGUSR1},
		{"nodefer", 0}, {"mask", 0}, {"eintr", 0}, {"thread", 0}, {"itimer", 0}, {"wait", 0},
		{"pipe", syscall.SIGPIPE}, {"storm", 0},
	} {
		t.Run(c.arg, func(t *testing.T) {
			g := compare(t, "signals.c", fixed(c.arg))
			if g.signal != c.sig {
				t.Errorf("killed by %v, want %v", g.signal, c.sig)
			}
		})
	}
}

// TestE2EKillFromOutside sends SIGTERM to gemu: the guest dies of it with
// the native wait status (143 in a shell).
func TestE2EKillFromOutside(t *testing.T) {
	bin := build(t, "signals.c", "riscv64")
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "riscv64", bin, "term")
	cmd.Env = append(os.Environ(), guestEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		t.Fatalf("got %q", line)
	}
	time.Sleep(20 * time.Millisecond) // the guest is in pause()
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("status %v (%v), want killed by SIGTERM", ws, err)
	}
}

// TestE2EGoSignals runs a Go program using os/signal and relying on async
// preemption (SIGURG frames) to finish.
func TestE2EGoSignals(t *testing.T) {
	bin := build(t, "gosignal", "go-riscv64")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$", "--", "riscv64", bin)
	cmd.Env = append(os.Environ(), guestEnv+"=1")
	g := runCmd(t, cmd)
	want := "got user defined signal 1\npreempted: true\n"
	if g.stdout != want || g.code != 0 {
		t.Errorf("status %d output:\n%s\nstderr:\n%s\nwant:\n%s", g.code, g.stdout, g.stderr, want)
	}
	if strings.Contains(g.stderr, "fatal") {
		t.Error(g.stderr)
	}
}

// TestE2EExecve follows an execve chain through /proc/self/exe (foreign:
// gemu re-invoked) into a native /bin/echo.
func TestE2EExecve(t *testing.T) { compare(t, "execchain.c", fixed("3")) }

// TestE2ESpawn runs posix_spawn (of itself through /proc/self/exe, and of
// a native program), vfork and system() with waitpid statuses.
func TestE2ESpawn(t *testing.T) { compare(t, "spawn.c", fixed()) }
