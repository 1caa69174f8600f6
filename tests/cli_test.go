package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gemuRun runs bin/gemu with args in a fresh temp dir and a clean environment.
func gemuRun(t *testing.T, env []string, args ...string) result {
	t.Helper()
	tmp := t.TempDir()
	return run(t, append([]string{gemuBin(t)}, args...), baseEnv(tmp, env...), tmp)
}

func mustContain(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s: missing %q in:\n%s", what, w, out)
		}
	}
}

func TestFlagsEnvAndArgv0(t *testing.T) {
	prog := fixture(t, "riscv64", "args")
	r := gemuRun(t, []string{"GEMU_TEST_B=host"}, "-E", "GEMU_TEST_A=set-by-E", "-U", "GEMU_TEST_B", "-0", "renamed", prog, "x")
	mustContain(t, "-E/-U/-0", r.stdout, "argv[0] base=renamed", "GEMU_TEST_A=[set-by-E]", "env GEMU_TEST_B unset", "argv[1]=[x]")
	if r.code != 2 {
		t.Errorf("exit status %d, want argc=2", r.code)
	}
	r = gemuRun(t, []string{"QEMU_SET_ENV=GEMU_TEST_A=from-env", "QEMU_ARGV0=envname"}, prog)
	mustContain(t, "QEMU_SET_ENV/QEMU_ARGV0", r.stdout, "GEMU_TEST_A=[from-env]", "argv[0] base=envname")
}

func TestSeedMakesATRandomDeterministic(t *testing.T) {
	prog := fixture(t, "riscv64", "atrandom")
	a := gemuRun(t, nil, "-seed", "5", prog).stdout
	b := gemuRun(t, []string{"QEMU_RAND_SEED=5"}, prog).stdout
	c := gemuRun(t, nil, "-seed", "6", prog).stdout
	d, e := gemuRun(t, nil, prog).stdout, gemuRun(t, nil, prog).stdout
	if len(a) != 33 || a != b {
		t.Errorf("-seed 5 and QEMU_RAND_SEED=5 differ: %q %q", a, b)
	}
	if a == c || d == e {
		t.Errorf("different seeds or no seed gave equal AT_RANDOM: %q %q %q %q", a, c, d, e)
	}
}

func TestStraceAndLogs(t *testing.T) {
	prog := fixture(t, "riscv64", "hello")
	r := gemuRun(t, nil, "-strace", prog)
	mustContain(t, "-strace", r.stderr, "write(1,", " = 16", "exit_group(0)")
	if r.stdout != "hello from gemu\n" {
		t.Errorf("-strace changed stdout: %q", r.stdout)
	}
	log := filepath.Join(t.TempDir(), "gemu.log")
	r = gemuRun(t, nil, "-d", "in_asm,exec", "-D", log, prog)
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	// The entry block of a static glibc program starts with _start's
	// instructions, disassembled through x/arch.
	mustContain(t, "-d in_asm,exec", string(data), "IN: ", "0x00000000000", "Trace ")
	if r.stderr != "" {
		t.Errorf("-D should keep stderr clean, got %q", r.stderr)
	}
}

func TestCLIErrorsAndInfo(t *testing.T) {
	prog := fixture(t, "riscv64", "hello")
	cases := []struct {
		args []string
		code int
		out  string // expected in stdout+stderr
	}{
		{[]string{"-version"}, 0, "gemu version"},
		{[]string{"-cpu", "help"}, 0, "rv64"},
		{[]string{"-d", "help"}, 0, "in_asm"},
		{[]string{"info", "targets"}, 0, "riscv64"},
		{[]string{"info", "syscalls", "--os", "linux", "--arch", "riscv64"}, 0, "56   openat                   full"},
		{[]string{"info", "syscalls", "--os", "plan9"}, 1, `OS "plan9" is not supported`},
		{[]string{}, 1, "no program given"},
		{[]string{"-no-such-flag", prog}, 1, "flag provided but not defined: -no-such-flag"},
		{[]string{"-d", "bogus", prog}, 1, `unknown -d item "bogus"`},
		{[]string{"-cpu", "pentium", prog}, 1, "pentium"},
		{[]string{"-B", "0x1000", prog}, 1, "-B is not supported"},
		{[]string{"-one-insn-per-tb", prog}, 0, "hello from gemu"},
		{[]string{"-d", "page", prog}, 0, "r-xp"},
		{[]string{"-jit", "bogus", prog}, 1, `-jit: "bogus" is not on, off, force or lockstep`},
		{[]string{"-jit", "lockstep", "-d", "jit", prog}, 0, "runs compared with the interpreter, "}, // a run cut short by a host signal under load is not compared
	}
	for _, c := range cases {
		r := gemuRun(t, nil, c.args...)
		out := r.stdout + r.stderr
		if r.code != c.code || !strings.Contains(out, c.out) || strings.Contains(out, "goroutine ") {
			t.Errorf("gemu %v: status %d output %q; want status %d containing %q", c.args, r.code, out, c.code, c.out)
		}
	}
}

// TestStraceDecoding checks -strace's struct decoding, signal lines and
// thread-id prefixes (QEMU's format).
func TestStraceDecoding(t *testing.T) {
	r := gemuRun(t, nil, "-strace", fixture(t, "aarch64", "sockets"), "2")
	mustContain(t, "-strace sockets", r.stderr,
		"socket(PF_INET,SOCK_STREAM|SOCK_CLOEXEC,0) = 3",
		`bind(3,{sin_family=AF_INET,sin_port=htons(0),sin_addr=inet_addr("127.0.0.1")},16) = 0`,
		"--- SIGALRM {si_signo=SIGALRM, si_code=",
		" = -1 errno=4 (Interrupted system call)")

	r = gemuRun(t, nil, "-strace", fixture(t, "riscv64", "threads"))
	tids := map[string]bool{}
	for _, l := range strings.Split(r.stderr, "\n") {
		if f := strings.Fields(l); len(f) > 1 && strings.Contains(f[1], "(") {
			tids[f[0]] = true
		}
	}
	if len(tids) < 2 {
		t.Errorf("-strace of a threaded guest shows %d thread ids, want several:\n%s", len(tids), tail(r.stderr))
	}
}

// TestRenamedGemu: a gemu named gemu-<suffix> where the suffix names no
// target (a renamed download) runs any guest, taking the target from the
// ELF; gemu-<target>-static still forces its target (issue 17).
func TestRenamedGemu(t *testing.T) {
	gemu := gemuBin(t)
	dir := t.TempDir()
	link := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(gemu, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, name := range []string{"gemu-static", "gemu-linux-amd64", "gemu-v0.1"} {
		bin := link(name)
		for _, arch := range guestArches() {
			r := run(t, []string{bin, fixture(t, arch, "hello")}, baseEnv(dir), dir)
			if r.code != 0 || r.stdout != "hello from gemu\n" {
				t.Errorf("%s %s hello: status %d, stdout %q, stderr %q", name, arch, r.code, r.stdout, r.stderr)
			}
		}
	}
	r := run(t, []string{link("gemu-aarch64-static"), fixture(t, "riscv64", "hello")}, baseEnv(dir), dir)
	if r.code != 1 || !strings.Contains(r.stderr, "Invalid ELF image for this architecture") {
		t.Errorf("gemu-aarch64-static on a riscv64 program: status %d, stderr %q; want the target forced", r.code, r.stderr)
	}
}

// TestHostProgramRunsNatively: an x86-64 program given to gemu is not
// refused but executed as it is, with the argv (-0 applied), environment
// (-E/-U applied) and RLIMIT_NOFILE it would have natively (issue 17).
func TestHostProgramRunsNatively(t *testing.T) {
	prog := fixture(t, "x86_64", "args")
	dir := t.TempDir()
	want := run(t, []string{"/bin/bash", "-c", `exec -a renamed "$0" x 'y z'`, prog}, baseEnv(dir, "GEMU_TEST_A=set"), dir)
	got := run(t, []string{gemuBin(t), "-E", "GEMU_TEST_A=set", "-U", "GEMU_TEST_B", "-0", "renamed", prog, "x", "y z"},
		baseEnv(dir, "GEMU_TEST_B=gone"), dir)
	compare(t, "gemu on an x86-64 program", want, got)
	mustContain(t, "x86-64 args", got.stdout, "argv[0] base=renamed", "env GEMU_TEST_A=[set]", "env GEMU_TEST_B unset")

	busybox, _ := busyboxBin(t, "amd64")
	lowered := []string{"/bin/sh", "-c", `ulimit -Sn 256 && exec "$@"`, "sh"}
	script := []string{busybox, "sh", "-c", "ulimit -n"}
	want = run(t, append(lowered, script...), baseEnv(dir), dir)
	compare(t, "gemu on x86-64 busybox under ulimit -Sn 256", want, run(t, append(append(lowered, gemuBin(t)), script...), baseEnv(dir), dir))

	r := run(t, []string{gemuBin(t), "-g", "0", prog}, baseEnv(dir), dir)
	if r.code != 1 || !strings.Contains(r.stderr, "runs natively") {
		t.Errorf("gemu -g on an x86-64 program: status %d, stderr %q; want a one-line refusal", r.code, r.stderr)
	}
}

// TestSignalWhileWaitingForGDB: while gemu -g waits for gdb to connect,
// SIGTERM and SIGINT end it by their default action, as they would end
// the program natively (issue 17), and a signal ignored when gemu started
// stays ignored.
func TestSignalWhileWaitingForGDB(t *testing.T) {
	prog := fixture(t, "aarch64", "hello")
	for _, c := range []struct {
		name      string
		ignoreINT bool
		send      []syscall.Signal
		want      syscall.Signal
	}{
		{"SIGTERM", false, []syscall.Signal{syscall.SIGTERM}, syscall.SIGTERM},
		{"SIGINT", false, []syscall.Signal{syscall.SIGINT}, syscall.SIGINT},
		{"SIGINT ignored then SIGTERM", true, []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}, syscall.SIGTERM},
	} {
		t.Run(c.name, func(t *testing.T) {
			sock := filepath.Join(t.TempDir(), "gdb.sock")
			argv := []string{gemuBin(t), "-g", "unix:" + sock, prog}
			if c.ignoreINT {
				argv = append([]string{"/bin/sh", "-c", `trap "" INT && exec "$@"`, "sh"}, argv...)
			}
			ws, stderr := signalWaiting(t, argv, sock, c.send)
			if !ws.Signaled() || ws.Signal() != c.want {
				t.Errorf("gemu -g waiting, sent %v: wait status %#x, want killed by %v; stderr:\n%s", c.send, ws, c.want, stderr)
			}
			if _, err := os.Stat(sock); err == nil {
				t.Errorf("the -g socket %s is left behind", sock)
			}
		})
	}
}

// signalWaiting starts argv (a gemu -g unix:sock), waits until the socket
// exists, sends sigs 200 ms apart and returns how the process ended and
// its stderr.
func signalWaiting(t *testing.T, argv []string, sock string, sigs []syscall.Signal) (syscall.WaitStatus, string) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(runTimeout):
			cmd.Process.Kill()
		}
	}()
	for i := 0; i < 500; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // the program is probed, gemu waits in accept
	for _, s := range sigs {
		cmd.Process.Signal(s)
		time.Sleep(200 * time.Millisecond)
	}
	cmd.Wait()
	return cmd.ProcessState.Sys().(syscall.WaitStatus), stderr.String()
}
