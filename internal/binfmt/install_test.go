package binfmt

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeMount is a directory laid out as binfmt_misc: register and status
// files and the given entry files. Writes append (System.write), so a
// test sees every write a file got.
func fakeMount(t *testing.T, entries map[string]string) System {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"register": "", "status": "enabled\n"}
	for n, c := range entries {
		files[n] = c
	}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return System{Dir: dir}
}

// contents is a file's text ("" when it cannot be read).
func contents(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

func installer(t *testing.T, sys System, out *strings.Builder) Installer {
	dir := t.TempDir()
	in := Installer{Sys: sys, BinfmtD: filepath.Join(dir, "binfmt.d"), StateFile: filepath.Join(dir, "run", "state")}
	if out != nil {
		in.Out = out
	}
	return in
}

func TestListAndStatus(t *testing.T) {
	sys := fakeMount(t, map[string]string{"qemu-aarch64": qemuAarch64, "broken": "what\n"})
	if !sys.Mounted() || !sys.Enabled() {
		t.Errorf("fake mount: mounted %v enabled %v", sys.Mounted(), sys.Enabled())
	}
	if _, err := sys.List(); err == nil {
		t.Error("List of an unreadable entry: no error")
	}
	os.Remove(filepath.Join(sys.Dir, "broken"))
	list, err := sys.List()
	if err != nil || len(list) != 1 || list[0].Name != "qemu-aarch64" {
		t.Errorf("List = %+v, %v", list, err)
	}
	if (System{Dir: t.TempDir()}).Mounted() {
		t.Error("an empty directory counts as mounted")
	}
}

func TestInstallConflictNeedsReplace(t *testing.T) {
	sys := fakeMount(t, map[string]string{"qemu-aarch64": qemuAarch64})
	var out strings.Builder
	in := installer(t, sys, &out)
	entries := []Entry{
		target(t, "riscv64").Entry("gemu-riscv64", "/usr/bin/gemu", "FP"),
		target(t, "aarch64").Entry("gemu-aarch64", "/usr/bin/gemu", "FP"),
	}
	err := in.Install(entries, false, true)
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Entry.Name != "gemu-aarch64" || len(ce.Others) != 1 || ce.Others[0].Name != "qemu-aarch64" {
		t.Fatalf("Install without replace: %v", err)
	}
	if !strings.Contains(err.Error(), "qemu-aarch64 (interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P) already runs ELF aarch64 programs") {
		t.Errorf("conflict message: %v", err)
	}
	if reg := contents(filepath.Join(sys.Dir, "register")); reg != "" || out.Len() != 0 {
		t.Errorf("a refused install changed something: register %q, said %q", reg, out.String())
	}

	if err := in.Install(entries, true, true); err != nil {
		t.Fatal(err)
	}
	reg := contents(filepath.Join(sys.Dir, "register"))
	line0, _ := entries[0].Line()
	line1, _ := entries[1].Line()
	if reg != line0+line1 {
		t.Errorf("register got %q", reg)
	}
	if q := contents(filepath.Join(sys.Dir, "qemu-aarch64")); !strings.HasSuffix(q, "0") {
		t.Errorf("qemu-aarch64 not disabled: %q", q)
	}
	if s := contents(in.StateFile); !strings.HasSuffix(s, "\ngemu-aarch64\tqemu-aarch64\n") {
		t.Errorf("state file %q", s)
	}
	conf := contents(in.ConfPath("gemu-aarch64"))
	if !strings.HasPrefix(conf, "# gemu: ELF aarch64 programs run by /usr/bin/gemu") || !strings.HasSuffix(conf, "\n"+line1+"\n") {
		t.Errorf("binfmt.d file %q", conf)
	}
	for _, w := range []string{"registered gemu-riscv64: ELF riscv64 programs run by /usr/bin/gemu (flags PF)",
		"disabled qemu-aarch64 (interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P) in favour of gemu-aarch64",
		"wrote " + in.ConfPath("gemu-riscv64")} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
}

// TestInstallScopeAndReinstall: entries out of scope or disabled are no
// conflict, and an entry of the same name is replaced, not a conflict.
func TestInstallScopeAndReinstall(t *testing.T) {
	sys := fakeMount(t, map[string]string{"qemu-aarch64": qemuAarch64,
		"t-aarch64": strings.Replace(qemuAarch64, "/usr/libexec/qemu-binfmt/aarch64-binfmt-P", "/old/gemu", 1),
		"t-other":   strings.Replace(qemuAarch64, "enabled", "disabled", 1)})
	in := installer(t, sys, nil)
	in.Scope = "t-"
	if err := in.Install([]Entry{target(t, "aarch64").Entry("t-aarch64", "/new/gemu", "F")}, false, false); err != nil {
		t.Fatal(err)
	}
	if f := contents(filepath.Join(sys.Dir, "t-aarch64")); !strings.HasSuffix(f, "-1") {
		t.Errorf("the old t-aarch64 was not removed first: %q", f)
	}
	if reg := contents(filepath.Join(sys.Dir, "register")); !strings.Contains(reg, ":/new/gemu:F") {
		t.Errorf("register %q", reg)
	}
	if _, err := os.Stat(in.StateFile); err == nil {
		t.Error("a state file without anything replaced")
	}
}

func TestUninstallRestores(t *testing.T) {
	ours := "enabled\ninterpreter /usr/bin/gemu\nflags: PF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\n" +
		"mask ffffffffffffff00fffffffffffffffffeffffff\n"
	sys := fakeMount(t, map[string]string{"gemu-aarch64": ours,
		"qemu-aarch64": strings.Replace(qemuAarch64, "enabled", "disabled", 1),
		"qemu-riscv64": "disabled\ninterpreter /q\nflags: \noffset 0\nmagic 7f454c46\n"})
	var out strings.Builder
	in := installer(t, sys, &out)
	if err := in.record("gemu-aarch64", "qemu-aarch64"); err != nil {
		t.Fatal(err)
	}
	if err := in.record("gemu-riscv64", "qemu-riscv64"); err != nil {
		t.Fatal(err)
	}
	if err := in.writeConf(target(t, "aarch64").Entry("gemu-aarch64", "/usr/bin/gemu", "PF")); err != nil {
		t.Fatal(err)
	}
	if err := in.Uninstall([]string{"gemu-aarch64"}, true); err != nil {
		t.Fatal(err)
	}
	if f := contents(filepath.Join(sys.Dir, "gemu-aarch64")); !strings.HasSuffix(f, "-1") {
		t.Errorf("gemu-aarch64 not removed: %q", f)
	}
	if f := contents(filepath.Join(sys.Dir, "qemu-aarch64")); !strings.HasSuffix(f, "1") || strings.HasSuffix(f, "-1") {
		t.Errorf("qemu-aarch64 not enabled again: %q", f)
	}
	if f := contents(filepath.Join(sys.Dir, "qemu-riscv64")); strings.HasSuffix(f, "1") {
		t.Errorf("qemu-riscv64 enabled by uninstalling gemu-aarch64: %q", f)
	}
	if s := contents(in.StateFile); strings.Contains(s, "qemu-aarch64") || !strings.Contains(s, "gemu-riscv64\tqemu-riscv64") {
		t.Errorf("state file after uninstall: %q", s)
	}
	if _, err := os.Stat(in.ConfPath("gemu-aarch64")); err == nil {
		t.Error("binfmt.d file left")
	}
	if err := in.Uninstall([]string{"gemu-riscv64"}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(in.StateFile); err == nil {
		t.Error("empty state file left")
	}
	for _, w := range []string{"removed gemu-aarch64", "enabled qemu-aarch64 again", "removed " + in.ConfPath("gemu-aarch64"),
		"gemu-riscv64 is not registered", "enabled qemu-riscv64 again"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
}
