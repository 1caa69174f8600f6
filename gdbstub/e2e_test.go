package gdbstub

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gemu-project/gemu/internal/testenv"
)

// End-to-end: real gdb-multiarch in batch mode against bin/gemu -g
// running a small static C program, for both guest architectures.

const guestC = `#include <stdio.h>
volatile int counter = 1;
int main(int argc, char **argv) {
	(void)argv;
	printf("hello %d\n", argc);
	if (argc > 1)
		*(volatile int *)16 = 1;
	counter = 7;
	return counter - 4;
}
`

var e2eCompilers = map[string]string{"riscv64": "riscv64-linux-gnu-gcc", "aarch64": "aarch64-linux-gnu-gcc"}

// The register a program's argc arrives in at main.
var argcReg = map[string]string{"riscv64": "a0", "aarch64": "x0"}

var (
	gemuOnce sync.Once
	gemuPath string
	gemuErr  error
)

// buildGemu builds cmd/gemu once per test binary run.
func buildGemu(t *testing.T) string {
	t.Helper()
	gemuOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Dir(filepath.Dir(file))
		dir, err := os.MkdirTemp("", "gemu-gdbstub-test")
		if err != nil {
			gemuErr = err
			return
		}
		gemuPath = filepath.Join(dir, "gemu")
		cmd := exec.Command("go", "build", "-o", gemuPath, "./cmd/gemu")
		cmd.Dir, cmd.Env = root, append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			gemuErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if gemuErr != nil {
		t.Fatal(gemuErr)
	}
	return gemuPath
}

func buildGuest(t *testing.T, arch string) string {
	t.Helper()
	cc := testenv.NeedTool(t, e2eCompilers[arch])
	dir := t.TempDir()
	src := filepath.Join(dir, "prog.c")
	if err := os.WriteFile(src, []byte(guestC), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "prog")
	if out, err := exec.Command(cc, "-g", "-O0", "-static", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cc, err, out)
	}
	return bin
}

func symbol(t *testing.T, path, name string) uint64 {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("%s: no symbol %s", path, name)
	return 0
}

// guestRun is a gemu -g process.
type guestRun struct {
	cmd    *exec.Cmd
	port   string
	stdout bytes.Buffer
	stderr *bufio.Reader
	done   chan error
}

// startGemu starts gemu -g addr prog args and, for -g 0, reads the port
// it prints.
func startGemu(t *testing.T, gemu, addr, prog string, args ...string) *guestRun {
	t.Helper()
	return startGemuWith(t, addr, nil, gemu, append([]string{"-g", addr, prog}, args...)...)
}

// startGemuWith starts gemu with args; setup may adjust the command
// (environment, inherited files). addr is the -g address given.
func startGemuWith(t *testing.T, addr string, setup func(*exec.Cmd), gemu string, args ...string) *guestRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, gemu, args...)
	if setup != nil {
		setup(cmd)
	}
	g := &guestRun{cmd: cmd, port: addr, done: make(chan error, 1)}
	cmd.Stdout = &g.stdout
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	g.stderr = bufio.NewReader(errPipe)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if addr == "0" {
		line, err := g.stderr.ReadString('\n')
		m := regexp.MustCompile(`^gemu: gdbstub listening on tcp:127\.0\.0\.1:(\d+)\n$`).FindStringSubmatch(line)
		if err != nil || m == nil {
			cmd.Process.Kill()
			t.Fatalf("gemu -g 0 printed %q (%v)", line, err)
		}
		g.port = m[1]
	}
	go func() {
		rest, _ := g.stderr.ReadString(0)
		err := cmd.Wait()
		if rest != "" {
			err = fmt.Errorf("%v; stderr: %s", err, rest)
		}
		g.done <- err
	}()
	return g
}

// wait returns gemu's exit code.
func (g *guestRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case err := <-g.done:
		if g.cmd.ProcessState == nil {
			t.Fatalf("gemu: %v", err)
		}
		return g.cmd.ProcessState.ExitCode() // -1: killed by a signal
	case <-time.After(time.Minute):
		g.cmd.Process.Kill()
		t.Fatal("gemu did not exit")
	}
	return -1
}

// gdb runs gdb-multiarch in batch mode with the commands, connected to port.
func gdb(t *testing.T, prog, port string, cmds ...string) string {
	t.Helper()
	return gdbAt(t, prog, "127.0.0.1:"+port, cmds...)
}

// gdbAt is gdb with any target remote address.
func gdbAt(t *testing.T, prog, addr string, cmds ...string) string {
	t.Helper()
	gdbPath := testenv.NeedTool(t, "gdb-multiarch")
	args := []string{"-batch", "-nx", "-ex", "set confirm off", "-ex", "set pagination off",
		"-ex", "file " + prog, "-ex", "target remote " + addr}
	for _, c := range cmds {
		args = append(args, "-ex", c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, gdbPath, args...).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("gdb timed out:\n%s", out)
	}
	_ = err // gdb's status reflects the last command; the output is checked
	return string(out)
}

func mustMatch(t *testing.T, out, pattern string) []string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("gdb output does not match %q:\n%s", pattern, out)
	}
	return m
}

func TestGDBSessions(t *testing.T) {
	testenv.NeedTool(t, "gdb-multiarch")
	gemu := buildGemu(t)
	for _, arch := range []string{"riscv64", "aarch64"} {
		t.Run(arch, func(t *testing.T) {
			prog := buildGuest(t, arch)
			port := debugSession(t, gemu, arch, prog)
			restartSession(t, gemu, prog, port)
			signalSession(t, gemu, prog)
			detachSession(t, gemu, prog)
			if arch == "riscv64" {
				addressSessions(t, gemu, prog)
			}
		})
	}
}

// addressSessions: QEMU_GDB=unix:PATH, and -g fd:3 with a listener the
// parent opened.
func addressSessions(t *testing.T, gemu, prog string) {
	sock := filepath.Join(t.TempDir(), "gdb.sock")
	g := startGemuWith(t, "", func(c *exec.Cmd) { c.Env = append(os.Environ(), "QEMU_GDB=unix:"+sock) }, gemu, prog)
	var out string
	for try := 0; try < 50; try++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	out = gdbAt(t, prog, sock, "continue")
	mustMatch(t, out, `exited with code 03\]`)
	if code := g.wait(t); code != 3 {
		t.Errorf("unix: gemu exit code %d", code)
	}
	if _, err := os.Stat(sock); err == nil {
		t.Error("the socket file is left behind")
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ln.(*net.TCPListener).File()
	ln.Close()
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	g = startGemuWith(t, port, func(c *exec.Cmd) { c.ExtraFiles = []*os.File{f} }, gemu, "-g", "fd:3", prog)
	f.Close()
	out = gdb(t, prog, port, "continue")
	mustMatch(t, out, `exited with code 03\]`)
	if code := g.wait(t); code != 3 {
		t.Errorf("fd: gemu exit code %d", code)
	}
}

// debugSession: break at main, registers, disassembly, stepi, a write
// then a read watchpoint, the exit code. It returns the port used.
func debugSession(t *testing.T, gemu, arch, prog string) string {
	g := startGemu(t, gemu, "0", prog)
	out := gdb(t, prog, g.port,
		"break *main", "continue",
		"info registers pc "+argcReg[arch], "x/4i $pc",
		"stepi", "print $pc",
		"watch counter", "continue", "rwatch counter", "continue", "continue")
	main := symbol(t, prog, "main")
	mustMatch(t, out, `Breakpoint 1, main `)
	pc := mustMatch(t, out, `(?m)^pc\s+0x([0-9a-f]+)\s+0x[0-9a-f]+ <main>`)
	if v, _ := strconv.ParseUint(pc[1], 16, 64); v != main {
		t.Errorf("pc %#x at the breakpoint, main is %#x", v, main)
	}
	mustMatch(t, out, `(?m)^`+argcReg[arch]+`\s+0x1\s+1$`) // argc
	mustMatch(t, out, `(?m)^=> 0x[0-9a-f]+ <main>:.*\n\s+0x[0-9a-f]+ <main\+\d+>:.*\n\s+0x[0-9a-f]+ <main\+\d+>:.*\n\s+0x[0-9a-f]+ <main\+\d+>:`)
	step := mustMatch(t, out, `\$1 = \(void \(\*\)\(\)\) 0x([0-9a-f]+) <main\+(\d+)>`)
	if step[2] != "2" && step[2] != "4" {
		t.Errorf("stepi went to main+%s", step[2])
	}
	mustMatch(t, out, `Hardware watchpoint 2: counter\s+Old value = 1\s+New value = 7`)
	mustMatch(t, out, `Hardware read watchpoint 3: counter\s+Value = 7`)
	mustMatch(t, out, `exited with code 03\]`)
	if code := g.wait(t); code != 3 {
		t.Errorf("gemu exit code %d, want 3", code)
	}
	if g.stdout.String() != "hello 1\n" {
		t.Errorf("guest output %q", g.stdout.String())
	}
	return g.port
}

// restartSession: gemu listens on the same port straight after the
// previous session (whose server side is in TIME_WAIT: gemu closed
// first), which needs SO_REUSEADDR on the listener.
func restartSession(t *testing.T, gemu, prog, port string) {
	if !timeWait(t, port) {
		t.Errorf("no TIME_WAIT connection on port %s after the session", port)
	}
	g := startGemu(t, gemu, port, prog)
	var out string
	for try := 0; try < 50; try++ {
		out = gdb(t, prog, port, "continue")
		if !strings.Contains(out, "Connection refused") {
			break
		}
		time.Sleep(100 * time.Millisecond) // not listening yet
	}
	mustMatch(t, out, `exited with code 03\]`)
	if code := g.wait(t); code != 3 {
		t.Errorf("restarted gemu exit code %d", code)
	}
}

// signalSession: a SIGSEGV stops the guest, then kills it (X packet).
func signalSession(t *testing.T, gemu, prog string) {
	g := startGemu(t, gemu, "0", prog, "crash")
	out := gdb(t, prog, g.port, "continue", "continue")
	mustMatch(t, out, `Program received signal SIGSEGV`)
	mustMatch(t, out, `Program terminated with signal SIGSEGV`)
	if code := g.wait(t); code != -1 {
		t.Errorf("gemu exit code %d after SIGSEGV", code)
	}
}

// detachSession: after a breakpoint, detach; the guest runs on alone.
func detachSession(t *testing.T, gemu, prog string) {
	g := startGemu(t, gemu, "0", prog)
	out := gdb(t, prog, g.port, "break main", "continue", "detach")
	mustMatch(t, out, `Breakpoint 1, main `)
	mustMatch(t, out, `\[Inferior 1 \(Remote target\) detached\]`)
	if code := g.wait(t); code != 3 {
		t.Errorf("gemu exit code %d after detach", code)
	}
	if g.stdout.String() != "hello 1\n" {
		t.Errorf("guest output %q", g.stdout.String())
	}
}

// timeWait reports whether a TCP connection with local port port is in
// TIME_WAIT (/proc/net/tcp and tcp6: state 06, ports in hex).
func timeWait(t *testing.T, port string) bool {
	p, _ := strconv.Atoi(port)
	suffix := fmt.Sprintf(":%04X", p)
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) > 3 && strings.HasSuffix(fields[1], suffix) && fields[3] == "06" {
				return true
			}
		}
	}
	return false
}

// TestGDBFlag: -g is in --help, and a bad address is refused before the
// program runs.
func TestGDBFlag(t *testing.T) {
	gemu := buildGemu(t)
	out, _ := exec.Command(gemu, "--help").CombinedOutput()
	if !strings.Contains(string(out), "-g address") || !strings.Contains(string(out), "QEMU_GDB") {
		t.Errorf("--help does not show -g:\n%s", out)
	}
	for _, addr := range []string{"unix:", "fd:notanfd", "tcp:localhost:99999"} {
		cmd := exec.Command(gemu, "-g", addr, "/bin/true")
		out, err := cmd.CombinedOutput()
		if err == nil || cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), "gemu: -g: ") {
			t.Errorf("-g %s: %v %q", addr, err, out)
		}
	}
}
