package tests

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// binfmtDir is where binfmt_misc is mounted (gemu binfmt mounts it).
const binfmtDir = "/proc/sys/fs/binfmt_misc"

// nobody runs a program without root's rights.
var nobody = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}

// binfmtRig registers bin/gemu with binfmt_misc under a name prefix of
// the test's own (the hidden --name-prefix), which also keeps gemu's
// conflict check to entries under it: the machine's own entries are
// neither disabled nor removed. binfmt_misc tries the newest entry first,
// so the test's entries are the ones that run guest programs meanwhile.
type binfmtRig struct {
	gemu, prefix string
}

func newBinfmtRig(t *testing.T) *binfmtRig {
	gemu := gemuBin(t)
	if strings.HasPrefix(filepath.Base(gemu), "qemu-") {
		t.Skip("GEMU_BIN is qemu-user: gemu binfmt is gemu's own command")
	}
	if os.Geteuid() != 0 {
		t.Fatal("TestBinfmt needs root: it registers binfmt_misc entries (CI runs the tests as root)")
	}
	r := &binfmtRig{gemu: gemu, prefix: fmt.Sprintf("gemu-test-%d-", os.Getpid())}
	t.Cleanup(func() { r.cleanup(t) })
	return r
}

// cmd runs `gemu binfmt SUBCOMMAND FLAGS... --name-prefix PREFIX`.
func (r *binfmtRig) cmd(t *testing.T, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	return run(t, append([]string{r.gemu, "binfmt"}, append(args, "--name-prefix", r.prefix)...), baseEnv(dir), dir)
}

// install runs gemu binfmt install with flags; it must succeed.
func (r *binfmtRig) install(t *testing.T, flags ...string) {
	t.Helper()
	res := r.cmd(t, append([]string{"install"}, flags...)...)
	if res.code != 0 {
		t.Fatalf("gemu binfmt install %v: status %d\n%s%s", flags, res.code, res.stdout, res.stderr)
	}
}

// cleanup uninstalls, then removes whatever is left under the prefix:
// only the test's own entries carry it.
func (r *binfmtRig) cleanup(t *testing.T) {
	r.cmd(t, "uninstall")
	des, _ := os.ReadDir(binfmtDir)
	for _, de := range des {
		if strings.HasPrefix(de.Name(), r.prefix) {
			os.WriteFile(filepath.Join(binfmtDir, de.Name()), []byte("-1"), 0)
		}
	}
	os.Remove(filepath.Join("/run/gemu", r.prefix+"binfmt-replaced"))
}

// execProg execs path directly (the kernel, not gemu, starts it) with
// argv (argv[0] as given) in dir, optionally as another user. A path
// without a slash is exec'd as it is, relative to dir.
func execProg(t *testing.T, attr *syscall.SysProcAttr, dir, path string, argv ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Path, cmd.Err, cmd.Args = path, nil, argv
	cmd.Dir, cmd.Env, cmd.SysProcAttr = dir, baseEnv(dir), attr
	res, ok := runCommand(t, ctx, cmd, argv)
	if !ok {
		t.Fatalf("%s: timed out", path)
	}
	return res
}

// copyProg copies a program to dir/name with mode (os.ModeSetuid too).
func copyProg(t *testing.T, src, dir, name string, mode os.FileMode) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, name)
	if err := os.WriteFile(dst, b, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, mode); err != nil {
		t.Fatal(err)
	}
	return dst
}

// openDir is a temporary directory other users can search.
func openDir(t *testing.T) string {
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestBinfmt: `gemu binfmt install` makes guest programs run when exec'd
// (kernel, binfmt_misc, gemu), with flag P's argv[0], O's descriptor for
// an execute-only program, C's set-id credentials, and a program whose
// path is a gemu subcommand or flag; a conflicting entry needs --replace
// and uninstall enables it again (issue 17).
func TestBinfmt(t *testing.T) {
	r := newBinfmtRig(t)
	r.install(t)
	t.Run("hello", func(t *testing.T) {
		for _, arch := range guestArches() {
			dir := t.TempDir()
			res := execProg(t, nil, dir, fixture(t, arch, "hello"), "hello")
			if res.code != 0 || res.stdout != "hello from gemu\n" {
				t.Errorf("%s hello through binfmt_misc: status %d, stdout %q, stderr %q", arch, res.code, res.stdout, res.stderr)
			}
		}
	})
	t.Run("status", func(t *testing.T) { r.checkStatus(t) })
	t.Run("argv0", func(t *testing.T) { r.checkArgv0(t) })
	t.Run("program-names", func(t *testing.T) { r.checkNames(t) })
	t.Run("open-binary", func(t *testing.T) { r.checkOpenBinary(t) })
	t.Run("credentials", func(t *testing.T) { r.checkCredentials(t) })
	t.Run("conflict", func(t *testing.T) { r.checkConflict(t) })
	t.Run("errors", func(t *testing.T) { r.checkErrors(t) })
	t.Run("uninstall", func(t *testing.T) {
		if res := r.cmd(t, "uninstall"); res.code != 0 {
			t.Fatalf("uninstall: %+v", res)
		}
		des, _ := os.ReadDir(binfmtDir)
		for _, de := range des {
			if strings.HasPrefix(de.Name(), r.prefix) {
				t.Errorf("entry %s left after uninstall", de.Name())
			}
		}
	})
}

func (r *binfmtRig) checkStatus(t *testing.T) {
	res := r.cmd(t, "status")
	self, err := filepath.EvalSymlinks(r.gemu)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "gemu binfmt status", res.stdout, "binfmt_misc on "+binfmtDir+": enabled")
	for _, arch := range guestArches() {
		line := ""
		for _, l := range strings.Split(res.stdout, "\n") {
			if strings.HasPrefix(l, "* "+r.prefix+arch+" ") {
				line = l
			}
		}
		if f := strings.Fields(line); len(f) < 9 || f[2] != "enabled" || f[4] != arch || f[5] != "PF" || f[8] != self {
			t.Errorf("status has no enabled entry of this gemu for %s:\n%s", arch, res.stdout)
		}
	}
}

// checkArgv0: with P the program gets its argv[0]; without, its path.
func (r *binfmtRig) checkArgv0(t *testing.T) {
	dir := t.TempDir()
	native := fixture(t, "x86_64", "args")
	for _, arch := range guestArches() {
		want := execProg(t, nil, dir, native, "renamed", "x")
		got := execProg(t, nil, dir, fixture(t, arch, "args"), "renamed", "x")
		compare(t, arch+" args with P", want, got)
		mustContain(t, arch+" args with P", got.stdout, "argv[0] base=renamed")
	}
	bb, _ := busyboxBin(t, "arm64")
	if res := execProg(t, nil, dir, bb, "echo", "applet", "by", "argv0"); res.stdout != "applet by argv0\n" {
		t.Errorf("busybox exec'd as echo with P: %+v", res)
	}
	r.install(t, "--no-preserve-argv0")
	defer r.install(t)
	for _, arch := range guestArches() {
		want := execProg(t, nil, dir, native, native, "x")
		got := execProg(t, nil, dir, fixture(t, arch, "args"), "renamed", "x")
		compare(t, arch+" args without P", want, got)
	}
}

// checkNames: a program whose path is a gemu subcommand or flag, exec'd
// by that relative path, runs as the program, with and without P.
func (r *binfmtRig) checkNames(t *testing.T) {
	dir := t.TempDir()
	names := []string{"info", "binfmt", "-h", "-version"}
	for _, n := range names {
		copyProg(t, fixture(t, "aarch64", "hello"), dir, n, 0o755)
	}
	for _, flags := range [][]string{nil, {"--no-preserve-argv0"}} {
		r.install(t, append([]string{"--arch", "aarch64"}, flags...)...)
		for _, n := range names {
			if res := execProg(t, nil, dir, n, n); res.code != 0 || res.stdout != "hello from gemu\n" {
				t.Errorf("program %q exec'd by that name (install flags %v): %+v", n, flags, res)
			}
		}
	}
	r.install(t)
}

// checkOpenBinary: an execute-only program runs for a user who cannot
// read it only with flag O, where the kernel opens it for gemu; the
// descriptor it hands gemu is not the guest's.
func (r *binfmtRig) checkOpenBinary(t *testing.T) {
	dir := openDir(t)
	prog := copyProg(t, fixture(t, "aarch64", "hello"), dir, "hello", 0o711)
	res := execProg(t, nobody, dir, prog, "hello")
	if res.code != 1 || !strings.Contains(res.stderr, "permission denied") {
		t.Errorf("execute-only program without flag O: %+v, want gemu unable to read it", res)
	}
	r.install(t, "--open-binary")
	defer r.install(t)
	if res := execProg(t, nobody, dir, prog, "hello"); res.code != 0 || res.stdout != "hello from gemu\n" {
		t.Errorf("execute-only program with flag O: %+v", res)
	}
	bbDir := openDir(t)
	native, _ := busyboxBin(t, "amd64")
	guest, _ := busyboxBin(t, "arm64")
	want := execProg(t, nobody, bbDir, copyProg(t, native, bbDir, "busybox", 0o711), "sh", "-c", "ls /proc/self/fd")
	got := execProg(t, nobody, bbDir, copyProg(t, guest, openDir(t), "busybox", 0o711), "sh", "-c", "ls /proc/self/fd")
	compare(t, "descriptors of an execute-only busybox with flag O", want, got)
}

// checkCredentials: with flag C a set-uid-root program run by another
// user runs with its owner's effective id and AT_SECURE, as natively.
func (r *binfmtRig) checkCredentials(t *testing.T) {
	r.install(t, "--credentials")
	defer r.install(t)
	dir := openDir(t)
	want := execProg(t, nobody, dir, copyProg(t, fixture(t, "x86_64", "args"), dir, "args", os.ModeSetuid|0o755), "args")
	mustContain(t, "native set-uid args", want.stdout, "AT_SECURE=1")
	for _, arch := range guestArches() {
		gdir := openDir(t)
		got := execProg(t, nobody, gdir, copyProg(t, fixture(t, arch, "args"), gdir, "args", os.ModeSetuid|0o755), "args")
		compare(t, arch+" set-uid args with flag C", want, got)
	}
}

// checkConflict: another enabled entry for aarch64 programs under the
// prefix makes install fail until --replace, which disables it; uninstall
// enables it again. The other entry runs gemu too, so that aarch64
// programs elsewhere on the machine still run meanwhile.
func (r *binfmtRig) checkConflict(t *testing.T) {
	other := r.prefix + "other-aarch64"
	line := fmt.Sprintf(`:%s:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:`+
		`\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:%s:F`, other, r.gemu)
	if err := os.WriteFile(filepath.Join(binfmtDir, "register"), []byte(line), 0); err != nil {
		t.Fatalf("registering %s: %v", other, err)
	}
	res := r.cmd(t, "install", "--arch", "aarch64")
	if res.code != 1 || !strings.Contains(res.stderr, other) || !strings.Contains(res.stderr, "--replace") ||
		strings.Count(res.stderr, "\n") != 1 {
		t.Errorf("install over %s without --replace: %+v, want one line naming it and --replace", other, res)
	}
	res = r.cmd(t, "install", "--arch", "aarch64", "--replace")
	mustContain(t, "install --replace", res.stdout, "disabled "+other)
	if st := entryState(t, other); st != "disabled" {
		t.Errorf("%s is %s after install --replace", other, st)
	}
	res = r.cmd(t, "uninstall", "--arch", "aarch64")
	mustContain(t, "uninstall", res.stdout, "removed "+r.prefix+"aarch64", "enabled "+other+" again")
	if st := entryState(t, other); st != "enabled" {
		t.Errorf("%s is %s after uninstall", other, st)
	}
	os.WriteFile(filepath.Join(binfmtDir, other), []byte("-1"), 0)
	r.install(t)
}

// entryState is the first line of an entry's file: enabled or disabled.
func entryState(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join(binfmtDir, name))
	if err != nil {
		t.Fatal(err)
	}
	state, _, _ := strings.Cut(string(b), "\n")
	return state
}

// checkErrors: bad input gets one line and status 1.
func (r *binfmtRig) checkErrors(t *testing.T) {
	dir := openDir(t)
	cases := []struct {
		attr *syscall.SysProcAttr
		args []string
		want string
	}{
		{nil, []string{"install", "--arch", "sparc"}, `unknown arch "sparc" (have: `},
		{nil, []string{"print", "--path", "/nonexistent/gemu"}, "--path /nonexistent/gemu: no such file or directory"},
		{nobody, []string{"install"}, "binfmt install: needs root"},
		{nobody, []string{"uninstall"}, "binfmt uninstall: needs root"},
	}
	for _, c := range cases {
		argv := append([]string{r.gemu, "binfmt"}, append(c.args, "--name-prefix", r.prefix)...)
		res := execProg(t, c.attr, dir, r.gemu, argv...)
		if res.code != 1 || !strings.Contains(res.stderr, c.want) || strings.Count(res.stderr, "\n") != 1 {
			t.Errorf("gemu binfmt %v: %+v, want status 1 and one line with %q", c.args, res, c.want)
		}
	}
}
