package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPlainGoBuild builds gemu as `go install` does, without the
// Makefile's tags and link flags, and checks that the guest sees the
// RLIMIT_NOFILE it was started with, as under `make build`'s gemu (issue
// 17: an entry point set by a link flag used to save it). CGO_ENABLED=0
// as the README's install line says: with cgo the net package links libc
// dynamically, and such a gemu cannot start in a foreign chroot.
func TestPlainGoBuild(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not on PATH: %v", err)
	}
	gemu := filepath.Join(t.TempDir(), "gemu")
	build := exec.Command(goTool, "build", "-o", gemu, "./cmd/gemu")
	build.Dir = repoRoot
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/gemu: %v\n%s", err, out)
	}
	native, _ := busyboxBin(t, "amd64")
	guest, _ := busyboxBin(t, "arm64")
	// The shell lowers the soft limit below the hard one; Go raises it
	// again at start, and gemu must give the guest the lowered one.
	lowered := func(argv ...string) []string {
		return append([]string{"/bin/sh", "-c", `ulimit -Sn 256 && exec "$@"`, "sh"}, argv...)
	}
	dir := t.TempDir()
	script := []string{"sh", "-c", "ulimit -n; ulimit -Hn"}
	want := run(t, lowered(append([]string{native}, script...)...), baseEnv(dir), dir)
	if want.stdout == "" || want.code != 0 {
		t.Fatalf("native busybox ulimit: %+v", want)
	}
	compare(t, "plain go build gemu", want, run(t, lowered(append([]string{gemu, guest}, script...)...), baseEnv(dir), dir))

	// fdbudget starts a gemu under a soft limit of 64 (it execs itself).
	for _, arch := range guestArches() {
		want := run(t, []string{fixture(t, "x86_64", "fdbudget")}, baseEnv(dir), dir)
		compare(t, "plain go build gemu "+arch+" fdbudget", want, run(t, []string{gemu, fixture(t, arch, "fdbudget")}, baseEnv(dir), dir))
	}
}
