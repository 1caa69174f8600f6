package loader

import (
	"bytes"
	"debug/elf"
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	data := seg{typ: elf.PT_LOAD, flags: elf.PF_R | elf.PF_W, vaddr: 0x20000, data: []byte("data"), align: 0x1000}
	cases := []struct {
		name string
		mk   func() []byte
		want string
	}{
		{"empty", func() []byte { return nil }, "not an ELF file"},
		{"script", func() []byte { return []byte("#!/bin/sh\necho hi\n") }, "not an ELF file"},
		{"class32", func() []byte { e := newELF(text(0x10000, 16)); e.class = 1; return e.bytes() }, "32-bit"},
		{"badclass", func() []byte { e := newELF(text(0x10000, 16)); e.class = 7; return e.bytes() }, "invalid ELF class"},
		{"bigendian", func() []byte { e := newELF(text(0x10000, 16)); e.data = 2; return e.bytes() }, "big-endian"},
		{"shortheader", func() []byte { return newELF(text(0x10000, 16)).bytes()[:40] }, "truncated ELF header"},
		{"reloc", func() []byte { e := newELF(text(0x10000, 16)); e.typ = elf.ET_REL; return e.bytes() }, "not an executable"},
		{"nophdrs", func() []byte { e := newELF(); return e.bytes() }, "no program headers"},
		{"phentsize", func() []byte { e := newELF(text(0x10000, 16)); e.phentsize = 32; return e.bytes() }, "program header size"},
		{"phdrs-beyond-eof", func() []byte { e := newELF(text(0x10000, 16)); e.phoff = 1 << 40; return e.bytes() }, "program headers beyond end"},
		{"many-phdrs", func() []byte { e := newELF(text(0x10000, 16)); e.phnum = 2000; return e.bytes() }, "too many"},
		{"phdrs-truncated", func() []byte { e := newELF(text(0x10000, 16)); e.phnum = 100; return e.bytes() }, "program headers beyond end"},
		{"noload", func() []byte {
			return newELF(seg{typ: elf.PT_NOTE, data: []byte("xxxx")}).bytes()
		}, "no loadable segments"},
		{"filesz>memsz", func() []byte {
			s := text(0x10000, 64)
			s.memsz = 16
			return newELF(s).bytes()
		}, "file size"},
		{"segment-beyond-eof", func() []byte {
			s := text(0x10000, 64)
			s.filesz = 1 << 20
			s.memsz = 1 << 20
			return newELF(s).bytes()
		}, "beyond end of file"},
		{"offset-beyond-eof", func() []byte {
			s := text(0x10000, 64)
			s.off = 1 << 50
			return newELF(s).bytes()
		}, "beyond end of file"},
		{"overlap", func() []byte { return newELF(text(0x10000, 0x2000), text(0x11000, 16)).bytes() }, "overlapping"},
		{"addr-overflow", func() []byte {
			s := text(0xffff_ffff_ffff_f000, 16)
			s.memsz = 0x2000
			return newELF(s).bytes()
		}, "outside the address space"},
		{"badalign", func() []byte { s := text(0x10000, 16); s.align = 0x1800; return newELF(s).bytes() }, "alignment"},
		{"badinterp", func() []byte {
			return newELF(text(0x10000, 16), seg{typ: elf.PT_INTERP, data: []byte("/lib/ld.so")}).bytes()
		}, "PT_INTERP"},
		{"x86", func() []byte { e := newELF(text(0x10000, 16)); e.machine = elf.EM_X86_64; return e.bytes() }, "ELF for x86-64 is not a supported guest (supported: riscv64)"},
		{"truncated-data", func() []byte { e := newELF(text(0x10000, 0x100), data); e.truncate = 0x1040; return e.bytes() }, "beyond end of file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.mk()
			_, _, err := ProbeReader(bytes.NewReader(b), int64(len(b)), "./x")
			if err == nil {
				as := newAS(t)
				_, err = LoadReader(as, fakeArch{}, "./x", bytes.NewReader(b), int64(len(b)), nil, nil, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if !strings.HasPrefix(err.Error(), "./x: ") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not a one-line message about ./x", err)
			}
		})
	}
}

func TestNotELFIs(t *testing.T) {
	_, _, err := ProbeReader(bytes.NewReader([]byte("#!/bin/sh")), 9, "s")
	if !errors.Is(err, ErrNotELF) {
		t.Fatalf("%v is not ErrNotELF", err)
	}
}

func TestProbeOS(t *testing.T) {
	note := func(name string, typ uint32, desc []byte) []byte {
		var b []byte
		b = le32(b, uint32(len(name)+1))
		b = le32(b, uint32(len(desc)))
		b = le32(b, typ)
		b = append(b, name...)
		b = append(b, 0)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return append(b, desc...)
	}
	gnuLinux := note("GNU", 1, []byte{0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0})
	freebsd := note("FreeBSD", 1, le32(nil, 1400097))
	cases := []struct {
		osabi byte
		notes []byte
		want  OS
	}{
		{0, nil, OSLinux},
		{3, nil, OSLinux},
		{9, nil, OSFreeBSD},
		{0, gnuLinux, OSLinux},
		{0, freebsd, OSFreeBSD},
		{0, append(note("Go", 4, []byte("buildid!")), freebsd...), OSFreeBSD},
		{0, []byte{0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 1, 0, 0, 0}, OSLinux},
	}
	for i, c := range cases {
		e := newELF(text(0x10000, 64))
		e.osabi = c.osabi
		if c.notes != nil {
			e.segs = append(e.segs, seg{typ: elf.PT_NOTE, vaddr: 0x10100, data: c.notes})
		}
		b := e.bytes()
		m, os, err := ProbeReader(bytes.NewReader(b), int64(len(b)), "x")
		if err != nil || m != elf.EM_RISCV || os != c.want {
			t.Errorf("case %d: %v %v %v, want %v", i, m, os, err, c.want)
		}
	}
}

func le32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}
