package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FreeBSD guests (#18). The Go programs in tests/guest-freebsd are built
// for freebsd/arm64 (Go has no freebsd/riscv64 port) and for linux/amd64;
// the FreeBSD build under gemu must print what the Linux build prints
// natively. The freestanding raw*.c programs, built for both guests,
// print the text in raw*.expected (derived from FreeBSD's sources).

// bsdCase is one FreeBSD guest program run.
type bsdCase struct {
	name     string   // case name (subtest name, GEMU_FIXTURES)
	args     []string // arguments after argv[0]
	env      []string // extra environment variables
	wantCode int      // exit status of the native (or expected) run
	raw      bool     // a raw program: compared with raw*.expected, on both guests
}

var bsdCases = []bsdCase{
	{name: "gohello", args: []string{"a", "b"}, env: []string{"GEMU_TEST_A="}, wantCode: 2},
	{name: "gosync"},
	{name: "gofiles"},
	{name: "gonetexec"},
	{name: "gosignal"},
	{name: "rawbasic", args: []string{"one", "two words"}, raw: true},
	{name: "rawsignal", raw: true},
	{name: "rawfault", raw: true},
	{name: "rawfork", raw: true},
	{name: "rawkqueue", raw: true},
	{name: "rawthread", raw: true},
}

func TestFreeBSDPrograms(t *testing.T) {
	for _, c := range bsdCases {
		if !selected(c.name) {
			continue
		}
		archs := []string{"aarch64"}
		if c.raw {
			archs = append(archs, "riscv64")
		}
		for _, arch := range archs {
			t.Run(arch+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				runBSDCase(t, arch, c)
			})
		}
	}
}

func runBSDCase(t *testing.T, arch string, c bsdCase) {
	gemu := gemuBin(t)
	if strings.HasPrefix(filepath.Base(gemu), "qemu-") {
		t.Skip("qemu-user runs no FreeBSD programs on Linux")
	}
	guest := fixture(t, "freebsd-"+arch, c.name)
	invoke := func(argv ...string) result {
		tmp := t.TempDir()
		return run(t, append(argv, c.args...), baseEnv(tmp, c.env...), tmp)
	}
	var want result
	if c.raw {
		b, err := os.ReadFile(filepath.Join(repoRoot, "tests", "guest-freebsd", c.name+".expected"))
		if err != nil {
			t.Fatal(err)
		}
		want = result{stdout: string(b), code: c.wantCode}
	} else {
		want = invoke(fixture(t, "x86_64", c.name))
		if want.code != c.wantCode {
			t.Fatalf("native %s exited %d, want %d: the fixture itself is broken\nstderr:\n%s",
				c.name, want.code, c.wantCode, tail(want.stderr))
		}
	}
	compare(t, filepath.Base(gemu), want, invoke(gemu, guest))
}

// TestFreeBSDSyscallListing: `gemu info syscalls --os freebsd` lists the
// table that drives dispatch.
func TestFreeBSDSyscallListing(t *testing.T) {
	gemu := gemuBin(t)
	if strings.HasPrefix(filepath.Base(gemu), "qemu-") {
		t.Skip("gemu's own command")
	}
	tmp := t.TempDir()
	r := run(t, []string{gemu, "info", "syscalls", "--os", "freebsd", "--arch", "aarch64"}, baseEnv(tmp), tmp)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"455  thr_new                  full", "454  _umtx_op                 partial",
		"\nfreebsd/aarch64: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("listing lacks %q", want)
		}
	}
	r = run(t, []string{gemu, "info", "syscalls", "--os", "netbsd"}, baseEnv(tmp), tmp)
	if r.code != 1 || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("unknown OS: exit %d, stderr %q; want 1 and one line", r.code, r.stderr)
	}
}

// TestFreeBSDBadArch: a FreeBSD program for a CPU gemu does not run as
// FreeBSD, x86_64 included (never run natively), gets one line and 1.
func TestFreeBSDBadArch(t *testing.T) {
	gemu := gemuBin(t)
	if strings.HasPrefix(filepath.Base(gemu), "qemu-") {
		t.Skip("gemu's contract")
	}
	src, err := os.ReadFile(fixture(t, "freebsd-aarch64", "rawbasic"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for name, machine := range map[string]byte{"x86_64": 62, "ppc64": 21} {
		b := append([]byte(nil), src...)
		b[18], b[19] = machine, 0 // e_machine
		p := filepath.Join(tmp, "freebsd-"+name)
		if err := os.WriteFile(p, b, 0o755); err != nil {
			t.Fatal(err)
		}
		r := run(t, []string{gemu, p}, baseEnv(tmp), tmp)
		if r.code != 1 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 ||
			!strings.Contains(r.stderr, "FreeBSD") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 1 and one line about FreeBSD", name, r.code, r.stdout, r.stderr)
		}
	}
}

// TestFreeBSDStrace: -strace shows FreeBSD's calls by their names and a
// failed call with the errno the guest sees (EAGAIN is 35 on FreeBSD).
func TestFreeBSDStrace(t *testing.T) {
	gemu := gemuBin(t)
	if strings.HasPrefix(filepath.Base(gemu), "qemu-") {
		t.Skip("gemu's own flag")
	}
	tmp := t.TempDir()
	for _, arch := range []string{"aarch64", "riscv64"} {
		r := run(t, []string{gemu, "-strace", fixture(t, "freebsd-"+arch, "rawkqueue")}, baseEnv(tmp), tmp)
		if r.code != 0 {
			t.Fatalf("%s: exit %d", arch, r.code)
		}
		for _, want := range []string{" kqueue() = ", ",16) = -1 errno=35 (Resource temporarily unavailable)\n", " exit(0)\n"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: -strace lacks %q:\n%s", arch, want, tail(r.stderr))
			}
		}
	}
}
