package tests

// Foreign programs in a root that has neither gemu's binary nor /proc:
// a debootstrap --foreign chroot entered through binfmt_misc (flag F),
// where `sh -c 'echo hi | grep h'` used to die with SIGBUS in the fork
// child. gemu reaches its own executable and the host's procfs through
// descriptors (linuxuser/hostproc.go): one opened at start, or a procfs
// mount of its own that no path leads to.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needRoot fails in CI (which runs as root) and skips elsewhere.
func needRoot(t *testing.T, why string) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if inCI() {
		t.Fatalf("%s needs root (CI runs as root)", why)
	}
	t.Skipf("%s needs root", why)
}

// noProcScript forks (a pipeline, a command substitution), execs in place,
// and execs with another QEMU_UNAME, which starts a new gemu.
const noProcScript = `echo hi | busybox cat; X=$(echo sub); echo "$X"; busybox ls /proc | busybox wc -l; QEMU_UNAME=9.9.9 /bin/busybox true && echo execed`

func TestNoProcChroot(t *testing.T) {
	needRoot(t, "a chroot and a mount namespace")
	bb, _ := busyboxBin(t, "arm64")
	native, _ := busyboxBin(t, "amd64")
	gemu := gemuBin(t)
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Fatal("unshare (util-linux) missing")
	}
	for _, c := range []struct{ name, busybox string }{{"native", native}, {"gemu", bb}} {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			root := filepath.Join(tmp, "root")
			if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(root, "proc"), 0o755); err != nil {
				t.Fatal(err)
			}
			copyFile(t, c.busybox, filepath.Join(root, "bin", "busybox"))
			// The chroot is entered by the guest itself (busybox chroot):
			// gemu starts outside, then neither its binary nor /proc is
			// in its root. Outside, /proc is unmounted too (a private
			// mount namespace), so gemu's own start has no /proc either.
			inner := []string{c.busybox, "chroot", root, "/bin/busybox", "sh", "-c", noProcScript}
			if c.name == "gemu" {
				inner = append([]string{gemu}, inner...)
			}
			argv := append([]string{unshare, "--mount", "--propagation", "private", "sh", "-c",
				`umount -l /proc && exec "$@"`, "sh"}, inner...)
			got := run(t, argv, baseEnv(tmp), tmp)
			want := "hi\nsub\n0\nexeced\n"
			if got.code != 0 || got.stdout != want {
				t.Fatalf("exit %d, stdout %q, want %q\nstderr:\n%s", got.code, got.stdout, want, tail(got.stderr))
			}
			if strings.Contains(got.stderr, "gemu") {
				t.Errorf("gemu complained:\n%s", got.stderr)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}
