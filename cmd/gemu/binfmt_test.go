package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gemu-project/gemu/internal/binfmt"
)

// runCapture runs gemu's command line and returns what it wrote.
func runCapture(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out strings.Builder
	app := newApp("", nil)
	app.Writer = &out
	err := app.Run(append([]string{"gemu"}, args...))
	return out.String(), err
}

// fakeGemu is an executable file standing in for the gemu binary.
func fakeGemu(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "gemu")
	if err := os.WriteFile(p, []byte("#!/bin/true\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBinfmtPrint(t *testing.T) {
	gemu := fakeGemu(t)
	got, err := runCapture(t, "binfmt", "print", "--arch", "arm64", "--path", gemu, "--credentials")
	if err != nil {
		t.Fatal(err)
	}
	want := "# gemu: ELF aarch64 programs run by " + gemu + " (gemu binfmt; binfmt.d(5))\n" +
		`:gemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:` +
		`\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:` + gemu + ":POCF\n"
	if got != want {
		t.Errorf("binfmt print:\n got %q\nwant %q", got, want)
	}
	got, err = runCapture(t, "binfmt", "print", "--path", gemu, "--no-fix-binary", "--no-preserve-argv0")
	if err != nil || strings.Count(got, "\n:gemu-") != 2 || !strings.Contains(got, ":"+gemu+":\n") {
		t.Errorf("binfmt print of every target without flags: %q %v", got, err)
	}
	if _, err := runCapture(t, "binfmt", "print", "--arch", "mips"); err == nil || !strings.Contains(err.Error(), `unknown arch "mips"`) {
		t.Errorf("unknown arch: %v", err)
	}
}

func TestWriteStatus(t *testing.T) {
	qemu, err := binfmt.Parse("qemu-aarch64", []byte("disabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n"+
		"flags: POCF\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n"))
	if err != nil {
		t.Fatal(err)
	}
	var ours []binfmt.Entry
	for _, tg := range binfmt.Targets() {
		ours = append(ours, tg.Entry("gemu-"+tg.Name, "/usr/bin/gemu", "FP"))
	}
	py := binfmt.Entry{Name: "python3", Enabled: true, Extension: "py", Interpreter: "/usr/bin/python3"}
	var out strings.Builder
	writeStatus(&out, append(ours, qemu, py), "gemu-", "/usr/bin/gemu")
	want := []string{
		"NAME STATE MATCHES FLAGS WHO INTERPRETER",
		"* gemu-aarch64 enabled ELF aarch64 PF this gemu /usr/bin/gemu",
		"* gemu-riscv64 enabled ELF riscv64 PF this gemu /usr/bin/gemu",
		"qemu-aarch64 disabled ELF aarch64 POCF qemu /usr/libexec/qemu-binfmt/aarch64-binfmt-P",
		"python3 enabled extension .py - - /usr/bin/python3",
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		got = append(got, strings.Join(strings.Fields(l), " "))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("status:\n%s\nwant (spacing aside):\n%s", out.String(), strings.Join(want, "\n"))
	}
}
