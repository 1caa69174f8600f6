package gdbstub

import (
	"bufio"
	"debug/elf"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/gemu-project/gemu/targets/aarch64"
	"github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
)

func TestFrameAndChecksum(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"", "$#00"},
		{"OK", "$OK#9a"},
		{"qSupported", "$qSupported#37"},
		{"T05thread:1f;", "$T05thread:1f;#" + hex2(checksum([]byte("T05thread:1f;")))},
	} {
		if got := string(frame([]byte(c.data))); got != c.want {
			t.Errorf("frame(%q) = %q, want %q", c.data, got, c.want)
		}
	}
}

func hex2(b byte) string { return string(appendHex(nil, []byte{b})) }

func TestReadItems(t *testing.T) {
	in := "+junk$m1000,4#" + hex2(checksum([]byte("m1000,4"))) + "-\x03$g#00$X10,2:}\x03}\x04#" + hex2(checksum([]byte("X10,2:}\x03}\x04")))
	r := bufio.NewReader(strings.NewReader(in))
	want := []struct {
		it  item
		err error
	}{
		{item{ack: true}, nil},
		{item{data: []byte("m1000,4")}, nil},
		{item{nak: true}, nil},
		{item{interrupt: true}, nil},
		{item{data: []byte("g")}, errChecksum}, // g sums to 0x67
		{item{data: []byte("X10,2:}\x03}\x04")}, nil},
	}
	for i, w := range want {
		it, err := readItem(r)
		if err != w.err || it.ack != w.it.ack || it.nak != w.it.nak || it.interrupt != w.it.interrupt ||
			string(it.data) != string(w.it.data) {
			t.Fatalf("item %d: %+v %v, want %+v %v", i, it, err, w.it, w.err)
		}
	}
	if _, err := readItem(r); err == nil {
		t.Fatal("no EOF")
	}
}

func TestEscape(t *testing.T) {
	raw := []byte{'a', '$', '#', '}', '*', 0, 0xff}
	esc := escape(raw)
	if string(esc) != "a}\x04}\x03}]}\n\x00\xff" {
		t.Fatalf("escape = %q", esc)
	}
	if got := unescape(esc); string(got) != string(raw) {
		t.Fatalf("unescape = %q", got)
	}
}

func TestParseVCont(t *testing.T) {
	acts, err := parseVCont("s:1f;C0b:20;c")
	if err != nil || len(acts) != 3 {
		t.Fatal(acts, err)
	}
	if a := actionFor(acts, 0x1f); a == nil || !a.step || a.sig != 0 {
		t.Errorf("thread 1f: %+v", a)
	}
	if a := actionFor(acts, 0x20); a == nil || a.step || a.sig != 0x0b {
		t.Errorf("thread 20: %+v", a)
	}
	if a := actionFor(acts, 0x99); a == nil || a.step || a.tid != -1 {
		t.Errorf("default: %+v", a)
	}
	acts, _ = parseVCont("s:1f")
	if actionFor(acts, 0x20) != nil {
		t.Error("a thread without an action must stay stopped")
	}
	for _, bad := range []string{"", "x", "cc", "C", "s:zz"} {
		if _, err := parseVCont(bad); err == nil {
			t.Errorf("parseVCont(%q) accepted", bad)
		}
	}
}

func TestSignalNumbers(t *testing.T) {
	for linux, gdb := range map[int]int{2: 2, 5: 5, 7: 10, 10: 30, 11: 11, 12: 31, 17: 20, 19: 17, 29: 23, 31: 12,
		32: 77, 33: 45, 34: 46, 63: 75, 64: 78} {
		if got := linuxToGDB(linux); got != gdb {
			t.Errorf("linuxToGDB(%d) = %d, want %d", linux, got, gdb)
		}
		if got := gdbToLinux(gdb); got != linux {
			t.Errorf("gdbToLinux(%d) = %d, want %d", gdb, got, linux)
		}
	}
	if linuxToGDB(16) != gdbSigUnknown || gdbToLinux(gdbSigUnknown) != 0 {
		t.Error("SIGSTKFLT")
	}
}

// tdesc is what the tests read back from target.xml.
type tdesc struct {
	Arch     string `xml:"architecture"`
	OSABI    string `xml:"osabi"`
	Features []struct {
		Name string `xml:"name,attr"`
		Regs []struct {
			Name   string `xml:"name,attr"`
			Bits   int    `xml:"bitsize,attr"`
			Type   string `xml:"type,attr"`
			Regnum int    `xml:"regnum,attr"`
		} `xml:"reg"`
	} `xml:"feature"`
}

func TestTargetXML(t *testing.T) {
	for _, c := range []struct {
		m        elf.Machine
		arch     string
		features []string
		nregs    int
		named    map[string]int // register -> regnum
	}{
		{elf.EM_AARCH64, "aarch64", []string{"org.gnu.gdb.aarch64.core", "org.gnu.gdb.aarch64.fpu"}, 68,
			map[string]int{"x0": 0, "sp": 31, "pc": 32, "cpsr": 33, "v0": 34, "v31": 65, "fpsr": 66, "fpcr": 67}},
		{elf.EM_RISCV, "riscv:rv64", []string{"org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.fpu", "org.gnu.gdb.riscv.csr"}, 68,
			map[string]int{"zero": 0, "a0": 10, "pc": 32, "ft0": 33, "ft11": 64, "fflags": 65, "frm": 66, "fcsr": 67}},
	} {
		d, err := descFor(c.m)
		if err != nil {
			t.Fatal(err)
		}
		var td tdesc
		if err := xml.Unmarshal([]byte(d.targetXML()), &td); err != nil {
			t.Fatalf("%s: %v", c.arch, err)
		}
		if td.Arch != c.arch || td.OSABI != "GNU/Linux" || len(td.Features) != len(c.features) {
			t.Fatalf("%s: %+v", c.arch, td)
		}
		n := 0
		for i, f := range td.Features {
			if f.Name != c.features[i] {
				t.Errorf("%s: feature %d is %s", c.arch, i, f.Name)
			}
			for _, r := range f.Regs {
				if r.Regnum != n {
					t.Errorf("%s: %s has regnum %d, want %d (g packet order)", c.arch, r.Name, r.Regnum, n)
				}
				if want, ok := c.named[r.Name]; ok && want != r.Regnum {
					t.Errorf("%s: %s regnum %d, want %d", c.arch, r.Name, r.Regnum, want)
				}
				n++
			}
		}
		if n != c.nregs {
			t.Errorf("%s: %d registers, want %d", c.arch, n, c.nregs)
		}
	}
}

// regStub is a stub with one stopped thread on a bare CPU.
func regStub(d *archDesc) (*Stub, *translate.CPU) {
	s := New(nil, nil)
	s.desc = d
	c := &translate.CPU{}
	s.threads[7] = &thread{s: s, tid: 7, cpu: c}
	return s, c
}

func TestRISCVRegisterPackets(t *testing.T) {
	s, c := regStub(riscv64Desc())
	c.R[riscv64.RegA0] = 0x1122334455667788
	c.PC = 0x10632
	c.R[riscv64.RegF0+1] = 0x3ff0000000000000
	c.R[riscv64.RegFflags], c.R[riscv64.RegFrm] = 0x1f, 2
	g := s.registers("g")
	if len(g) != 68*16 {
		t.Fatalf("g reply has %d hex digits", len(g))
	}
	if got := g[10*16 : 11*16]; got != "8877665544332211" {
		t.Errorf("a0 in g = %s", got)
	}
	for _, c := range []struct{ p, want string }{
		{"p0", "0000000000000000"}, {"p20", "3206010000000000"}, {"p22", "000000000000f03f"},
		{"p43", "5f00000000000000"}, {"p44", "E16"},
	} {
		if got := s.registers(c.p); got != c.want {
			t.Errorf("%s = %s, want %s", c.p, got, c.want)
		}
	}
	if s.registers("P0=0100000000000000") != "OK" || c.R[0] != 0 {
		t.Error("x0 must stay zero")
	}
	if s.registers("P43=e100000000000000") != "OK" || c.R[riscv64.RegFrm] != 7 || c.R[riscv64.RegFflags] != 1 {
		t.Errorf("fcsr write: frm=%d fflags=%d", c.R[riscv64.RegFrm], c.R[riscv64.RegFflags])
	}
	if s.registers("P20=0000010000000000") != "OK" || c.PC != 0x10000 {
		t.Errorf("pc write: %#x", c.PC)
	}
	if s.registers("P20=00") != errMalformed {
		t.Error("short register value accepted")
	}
	g = s.registers("g")
	c.R[riscv64.RegA0] = 0
	if s.registers("G"+g) != "OK" || c.R[riscv64.RegA0] != 0x1122334455667788 {
		t.Error("G round trip")
	}
}

func TestAArch64RegisterPackets(t *testing.T) {
	s, c := regStub(aarch64Desc())
	c.R[aarch64.RegSP] = 0xffffffe580
	c.R[aarch64.RegNZCV] = 0x60000000
	c.R[aarch64.RegV0+2*3], c.R[aarch64.RegV0+2*3+1] = 0x0706050403020100, 0x0f0e0d0c0b0a0908
	c.R[aarch64.RegFPCR] = 0x2000000
	if g := s.registers("g"); len(g) != (31*8+8+8+4+32*16+4+4)*2 {
		t.Fatalf("g reply has %d hex digits", len(g))
	}
	for _, c := range []struct{ p, want string }{
		{"p1f", "80e5ffffff000000"}, {"p21", "00000060"}, {"p25", "000102030405060708090a0b0c0d0e0f"},
		{"p43", "00000002"},
	} {
		if got := s.registers(c.p); got != c.want {
			t.Errorf("%s = %s, want %s", c.p, got, c.want)
		}
	}
	if s.registers("P21=ffffffff") != "OK" || c.R[aarch64.RegNZCV] != 0xf0000000 {
		t.Errorf("cpsr write keeps NZCV only: %#x", c.R[aarch64.RegNZCV])
	}
}

func TestStopReplies(t *testing.T) {
	s, c := regStub(riscv64Desc())
	c.PC = 0x1000
	for _, tc := range []struct {
		ev   stopEvent
		want string
	}{
		{stopEvent{kind: evStart, tid: 7}, "T05thread:7;"},
		{stopEvent{kind: evSignal, tid: 7, sig: 11}, "T0bthread:7;"},
		{stopEvent{kind: evSignal, tid: 7, sig: 10}, "T1ethread:7;"},
		{stopEvent{kind: evInterrupt, tid: 7}, "T02thread:7;"},
		{stopEvent{kind: evTrap, tid: 7, stop: translate.DebugStop{Reason: translate.StopStep}}, "T05thread:7;"},
		{stopEvent{kind: evTrap, tid: 7, stop: translate.DebugStop{Reason: translate.StopBreakpoint}}, "T05thread:7;swbreak:;"},
		{stopEvent{kind: evTrap, tid: 7, stop: translate.DebugStop{Reason: translate.StopWatch, Addr: 0x75000,
			Kind: translate.WatchWrite}}, "T05thread:7;watch:75000;"},
		{stopEvent{kind: evTrap, tid: 7, stop: translate.DebugStop{Reason: translate.StopWatch, Addr: 0x75004,
			Kind: translate.WatchRead}}, "T05thread:7;rwatch:75004;"},
		{stopEvent{kind: evTrap, tid: 7, stop: translate.DebugStop{Reason: translate.StopWatch, Addr: 8,
			Kind: translate.WatchAccess}}, "T05thread:7;awatch:8;"},
	} {
		if got := s.stopReply(&tc.ev); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.ev, got, tc.want)
		}
	}
	s.hwBreaks[0x1000] = true
	ev := stopEvent{kind: evTrap, tid: 7, stop: translate.DebugStop{Reason: translate.StopBreakpoint}}
	if got := s.stopReply(&ev); got != "T05thread:7;hwbreak:;" {
		t.Errorf("hardware breakpoint: %s", got)
	}
}

func TestQueries(t *testing.T) {
	s, _ := regStub(riscv64Desc())
	s.threads[9] = &thread{s: s, tid: 9, cpu: &translate.CPU{}}
	for _, c := range []struct{ q, want string }{
		{"qSupported:multiprocess+;swbreak+", supported},
		{"qfThreadInfo", "m7,9"},
		{"qsThreadInfo", "l"},
		{"qAttached", "1"},
		{"qC", "QC7"},
		{"qTStatus", ""},
		{"qXfer:features:read:other.xml:0,10", "E00"},
	} {
		if got := s.query(c.q); got != c.want {
			t.Errorf("%s = %q, want %q", c.q, got, c.want)
		}
	}
	if got, _ := s.answer("Hg9"); got != "OK" || s.regThread().tid != 9 {
		t.Error("Hg9")
	}
	if got, _ := s.answer("Hg5"); got != "E02" {
		t.Error("Hg of a dead thread")
	}
	if got, _ := s.answer("T9"); got != "OK" {
		t.Error("T9")
	}
	if got, _ := s.answer("T5"); got != "E01" {
		t.Error("T5")
	}
	xmlText := riscv64Desc().targetXML()
	if got := s.query("qXfer:features:read:target.xml:0,10"); got != "m"+xmlText[:0x10] {
		t.Errorf("first chunk %q", got)
	}
	if got := s.query("qXfer:features:read:target.xml:10,100000"); got != "l"+xmlText[0x10:] {
		t.Error("last chunk")
	}
}

func TestXferChunkEscapes(t *testing.T) {
	data := []byte{1, '#', 2, '$', 3}
	if got := xferChunk(data, 0, 2); got != "m\x01}\x03" {
		t.Errorf("%q", got)
	}
	if got := xferChunk(data, 2, 10); got != "l\x02}\x04\x03" {
		t.Errorf("%q", got)
	}
	if got := xferChunk(data, 5, 10); got != "l" {
		t.Errorf("%q", got)
	}
}
