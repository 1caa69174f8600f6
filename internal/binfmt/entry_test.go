package binfmt

import (
	"debug/elf"
	"strings"
	"testing"

	_ "github.com/gemu-project/gemu/targets/aarch64"
	_ "github.com/gemu-project/gemu/targets/riscv64"
)

// qemuAarch64 is an entry file as the kernel shows a qemu-user-binfmt
// style registration (written for this test from entry_status's format).
const qemuAarch64 = `enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: POCF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
`

func target(t *testing.T, name string) Target {
	t.Helper()
	for _, tg := range Targets() {
		if tg.Name == name {
			return tg
		}
	}
	t.Fatalf("no target %s in %v", name, Targets())
	return Target{}
}

func TestTargetEntryLine(t *testing.T) {
	cases := map[string]string{
		"aarch64": `:gemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:` +
			`\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/gemu:PF`,
		"riscv64": `:gemu-riscv64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00:` +
			`\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/gemu:PF`,
	}
	for arch, want := range cases {
		e := target(t, arch).Entry("gemu-"+arch, "/usr/bin/gemu", "FP")
		got, err := e.Line()
		if err != nil || got != want {
			t.Errorf("%s line:\n got %s (%v)\nwant %s", arch, got, err, want)
		}
		if m, ok := e.ELF(); !ok || m.String() != "ELF "+arch {
			t.Errorf("%s entry matches %v %v", arch, m, ok)
		}
	}
}

func TestLineDelimiterAndChecks(t *testing.T) {
	e := target(t, "aarch64").Entry("gemu-aarch64", "/opt/a:b/gemu", "F")
	line, err := e.Line()
	if err != nil || !strings.HasPrefix(line, "|gemu-aarch64|M||") || !strings.HasSuffix(line, "|/opt/a:b/gemu|F") {
		t.Errorf("interpreter with ':' gives %q, %v", line, err)
	}
	for _, name := range []string{"", "a/b", "register", "status", ".."} {
		if _, err := target(t, "aarch64").Entry(name, "/g", "").Line(); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
	ext := Entry{Name: "py", Extension: "py", Interpreter: "/usr/bin/python3"}
	if line, err := ext.Line(); err != nil || line != ":py:E::py::/usr/bin/python3:" {
		t.Errorf("extension entry: %q %v", line, err)
	}
}

func TestNormFlags(t *testing.T) {
	for in, want := range map[string]string{"FP": "PF", "C": "OC", "CFPx": "POCF", "": "", "OO": "O"} {
		if got := NormFlags(in); got != want {
			t.Errorf("NormFlags(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseQemuEntry(t *testing.T) {
	e, err := Parse("qemu-aarch64", []byte(qemuAarch64))
	if err != nil {
		t.Fatal(err)
	}
	if !e.Enabled || e.Interpreter != "/usr/libexec/qemu-binfmt/aarch64-binfmt-P" || e.Flags != "POCF" || e.Offset != 0 {
		t.Errorf("parsed %+v", e)
	}
	m, ok := e.ELF()
	if !ok || m != (ELFMatch{Machine: elf.EM_AARCH64, Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB}) {
		t.Errorf("ELF() = %v %v", m, ok)
	}
	if !Overlaps(e, target(t, "aarch64").Entry("gemu-aarch64", "/g", "")) {
		t.Error("qemu-aarch64 and gemu-aarch64 should overlap")
	}
	if Overlaps(e, target(t, "riscv64").Entry("gemu-riscv64", "/g", "")) {
		t.Error("qemu-aarch64 and gemu-riscv64 should not overlap")
	}
	// The round trip: the line registering what was parsed.
	line, err := e.Line()
	if err != nil || !strings.HasPrefix(line, `:qemu-aarch64:M::\x7f\x45\x4c\x46\x02`) || !strings.HasSuffix(line, ":POCF") {
		t.Errorf("line %q %v", line, err)
	}
}

func TestParseOtherEntries(t *testing.T) {
	ext, err := Parse("python", []byte("disabled\ninterpreter /usr/bin/python3\nflags: \nextension .py\n"))
	if err != nil || ext.Enabled || ext.Extension != "py" || ext.Flags != "" || ext.Describe() != "extension .py" {
		t.Errorf("extension entry: %+v %v", ext, err)
	}
	// A 32-bit big-endian ELF (mips), and magic that is not an ELF header.
	mips, err := Parse("qemu-mips", []byte("enabled\ninterpreter /q\nflags: F\noffset 0\n"+
		"magic 7f454c4601020100000000000000000000020008\nmask ffffffffffffff00fffffffffffffffffffeffff\n"))
	if err != nil || mips.Describe() != "ELF mips 32-bit big-endian" {
		t.Errorf("mips entry: %q %v", mips.Describe(), err)
	}
	jar, err := Parse("jar", []byte("enabled\ninterpreter /usr/bin/jexec\nflags: \noffset 0\nmagic 504b0304\n"))
	if err != nil || jar.Mask != nil || jar.Describe() != `magic "PK\x03\x04" at 0` {
		t.Errorf("jar entry: %q %+v %v", jar.Describe(), jar, err)
	}
	for _, bad := range []string{"", "maybe\n", "enabled\nflags: F\n", "enabled\ninterpreter /x\nmagic zz\n",
		"enabled\ninterpreter /x\nmagic 7f45\nmask ff\n"} {
		if _, err := Parse("bad", []byte(bad)); err == nil {
			t.Errorf("Parse accepted %q", bad)
		}
	}
}

func TestOverlaps(t *testing.T) {
	a := Entry{Magic: []byte{1, 2, 3}}
	cases := []struct {
		b    Entry
		want bool
	}{
		{Entry{Magic: []byte{1, 2, 3}}, true},
		{Entry{Magic: []byte{1, 2}}, true},                                    // a prefix
		{Entry{Magic: []byte{1, 9}}, false},                                   // differs at 1
		{Entry{Magic: []byte{1, 9}, Mask: []byte{0xff, 0}}, true},             // masked out
		{Entry{Offset: 2, Magic: []byte{3, 4}}, true},                         // agrees where both look
		{Entry{Offset: 2, Magic: []byte{4}}, false},                           // disagrees there
		{Entry{Offset: 3, Magic: []byte{7}}, true},                            // nothing in common
		{Entry{Magic: []byte{0, 2, 3}, Mask: []byte{0xfe, 0xff, 0xff}}, true}, // low bit free
		{Entry{Extension: "x", Interpreter: "/i"}, false},
	}
	for _, c := range cases {
		if got := Overlaps(a, c.b); got != c.want {
			t.Errorf("Overlaps(%v, %+v) = %v, want %v", a.Magic, c.b, got, c.want)
		}
		if got := Overlaps(c.b, a); got != c.want {
			t.Errorf("Overlaps(%+v, %v) = %v, want %v (reversed)", c.b, a.Magic, got, c.want)
		}
	}
}
