package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

func newAS(t testing.TB) *translate.AddressSpace {
	as, err := translate.NewAddressSpace(fakeArch{}.AddressSpaceSize())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(as.Close)
	return as
}

func loadBytes(t *testing.T, b []byte, argv, envp []string, opts Options) (*translate.AddressSpace, *Image) {
	t.Helper()
	as := newAS(t)
	img, err := LoadReader(as, fakeArch{}, "/bin/prog", bytes.NewReader(b), int64(len(b)), argv, envp, opts)
	if err != nil {
		t.Fatal(err)
	}
	return as, img
}

func vmaAt(as *translate.AddressSpace, addr uint64) (translate.VMA, bool) {
	for _, v := range as.VMAs() {
		if v.Start <= addr && addr < v.End {
			return v, true
		}
	}
	return translate.VMA{}, false
}

func TestLoadExec(t *testing.T) {
	code := text(0x10000, 0x1800)
	data := seg{typ: elf.PT_LOAD, flags: elf.PF_R | elf.PF_W, vaddr: 0x12345, data: []byte("hello, data"),
		memsz: 0x3000, align: 0x1000}
	e := newELF(code, data)
	e.entry = 0x10010
	seed := uint64(42)
	as, img := loadBytes(t, e.bytes(), []string{"prog"}, nil, Options{Seed: &seed})
	if img.Entry != 0x10010 || img.ProgEntry != 0x10010 || img.LoadBias != 0 || img.InterpBase != 0 {
		t.Errorf("entry %#x prog %#x bias %#x", img.Entry, img.ProgEntry, img.LoadBias)
	}
	if img.BrkStart != 0x16000 {
		t.Errorf("brk %#x, want 0x16000", img.BrkStart)
	}
	got := make([]byte, 0x1800)
	if err := as.Read(0x10000, got); err != nil || !bytes.Equal(got, code.data) {
		t.Fatalf("text not loaded: %v", err)
	}
	v, _ := vmaAt(as, 0x10000)
	if v.Prot != translate.ProtRead|translate.ProtExec || v.End != 0x12000 {
		t.Errorf("text vma %+v", v)
	}
	v, _ = vmaAt(as, 0x12345)
	if v.Prot != translate.ProtRead|translate.ProtWrite || v.Start != 0x12000 || v.End != 0x16000 {
		t.Errorf("data vma %+v", v)
	}
	b := make([]byte, 0x3000)
	as.Read(0x12345, b)
	if string(b[:11]) != "hello, data" || !allZero(b[11:]) {
		t.Error("data or bss wrong")
	}
	// The page before the data segment's vaddr is zero too (nothing copied there).
	pre := make([]byte, 0x345)
	as.Read(0x12000, pre)
	if !allZero(pre) {
		t.Error("bytes before p_vaddr in the first data page are not zero")
	}
	// The test writer puts the headers at file offset 64, outside every
	// segment, so AT_PHDR points at a copy on the stack.
	if img.Phdr < img.StackLow || img.Phdr >= img.StackHigh {
		t.Errorf("AT_PHDR %#x not on the stack", img.Phdr)
	}
	ph := make([]byte, 56)
	as.Read(img.Phdr, ph)
	if binary.LittleEndian.Uint32(ph) != uint32(elf.PT_LOAD) || binary.LittleEndian.Uint64(ph[16:]) != 0x10000 {
		t.Errorf("phdr copy %x", ph)
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Two segments sharing a page: both contents survive, protections join.
func TestLoadSharedPage(t *testing.T) {
	code := text(0x10000, 0x900)
	data := seg{typ: elf.PT_LOAD, flags: elf.PF_R | elf.PF_W, vaddr: 0x10a00, data: []byte("DATA"), memsz: 0x2000, align: 0x1000}
	as, img := loadBytes(t, newELF(code, data).bytes(), []string{"p"}, nil, Options{})
	got := make([]byte, 0x900)
	as.Read(0x10000, got)
	if !bytes.Equal(got, code.data) {
		t.Error("text clobbered by the data segment")
	}
	d := make([]byte, 4)
	as.Read(0x10a00, d)
	if string(d) != "DATA" {
		t.Errorf("data %q", d)
	}
	v, _ := vmaAt(as, 0x10000)
	if v.Prot != translate.ProtRead|translate.ProtWrite|translate.ProtExec {
		t.Errorf("shared page prot %d", v.Prot)
	}
	v, _ = vmaAt(as, 0x11000)
	if v.Prot != translate.ProtRead|translate.ProtWrite {
		t.Errorf("bss page prot %d", v.Prot)
	}
	if img.BrkStart != 0x13000 {
		t.Errorf("brk %#x", img.BrkStart)
	}
}

// A segment with no file bytes may have an offset past the end of the
// file, as GNU ld gives a lone .bss: it loads as zeros.
func TestLoadBssPastEOF(t *testing.T) {
	bss := seg{typ: elf.PT_LOAD, flags: elf.PF_R | elf.PF_W, vaddr: 0x20000, off: 1 << 20, memsz: 0x100, align: 0x1000}
	as, _ := loadBytes(t, newELF(text(0x10000, 0x100), bss).bytes(), []string{"p"}, nil, Options{})
	got := make([]byte, 0x100)
	if err := as.Read(0x20000, got); err != nil || !bytes.Equal(got, make([]byte, 0x100)) {
		t.Errorf("bss: %v %x", err, got[:8])
	}
}

func TestLoadPIE(t *testing.T) {
	code := text(0, 0x2000)
	code.align = 0x10000
	phdr := seg{typ: elf.PT_PHDR, vaddr: 0x40, off: 0x40, filesz: 2 * 56}
	code.off = 0x1000
	e := newELF(phdr, code)
	e.typ = elf.ET_DYN
	e.entry = 0x100
	as, img := loadBytes(t, e.bytes(), []string{"p"}, nil, Options{})
	if img.LoadBias == 0 || img.LoadBias%0x10000 != 0 || img.LoadBias < DefaultPIEBase {
		t.Fatalf("PIE bias %#x", img.LoadBias)
	}
	if img.ProgEntry != img.LoadBias+0x100 || img.Phdr != img.LoadBias+0x40 {
		t.Errorf("entry %#x phdr %#x", img.ProgEntry, img.Phdr)
	}
	if _, ok := vmaAt(as, img.LoadBias); !ok {
		t.Error("PIE not mapped at its bias")
	}
	// A base that does not fit moves elsewhere.
	e2 := newELF(text(0, 0x1000))
	e2.typ = elf.ET_DYN
	_, img2 := loadBytes(t, e2.bytes(), nil, nil, Options{PIEBase: fakeArch{}.StackTop() - 0x1000})
	if img2.LoadBias == 0 || img2.LoadBias >= img2.StackLow {
		t.Errorf("fallback bias %#x", img2.LoadBias)
	}
}

func TestLoadPhdrInSegment(t *testing.T) {
	// Headers at file offset 64 inside a segment that maps file offset 0.
	e := newELF(seg{typ: elf.PT_LOAD, flags: elf.PF_R | elf.PF_X, vaddr: 0x10000, off: 0, filesz: 0x1000, memsz: 0x1000, align: 0x1000})
	b := e.bytes()
	b = append(b, make([]byte, 0x1000-len(b))...)
	_, img := loadBytes(t, b, nil, nil, Options{})
	if img.Phdr != 0x10040 || img.Phnum != 1 || img.Phent != 56 {
		t.Errorf("AT_PHDR %#x phnum %d", img.Phdr, img.Phnum)
	}
}

// writeFile stores b as an executable file in dir.
func writeFile(t *testing.T, dir, name string, b []byte) string {
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadInterp(t *testing.T) {
	root := t.TempDir()
	ld := newELF(text(0, 0x1000))
	ld.typ = elf.ET_DYN
	ld.entry = 0x80
	writeFile(t, root, "lib/ld-test.so.1", ld.bytes())
	interp := seg{typ: elf.PT_INTERP, vaddr: 0x10f00, data: []byte("/lib/ld-test.so.1\x00")}
	prog := newELF(text(0x10000, 0x1000), interp)
	p := writeFile(t, t.TempDir(), "prog", prog.bytes())
	as := newAS(t)
	img, err := Load(as, fakeArch{}, p, []string{"prog"}, nil, Options{Prefix: root})
	if err != nil {
		t.Fatal(err)
	}
	if img.Interp != "/lib/ld-test.so.1" || img.InterpBase == 0 || img.Entry != img.InterpBase+0x80 ||
		img.ProgEntry != 0x10000 {
		t.Errorf("interp %q base %#x entry %#x prog entry %#x", img.Interp, img.InterpBase, img.Entry, img.ProgEntry)
	}
	if base := auxVal(img, AT_BASE); base != img.InterpBase {
		t.Errorf("AT_BASE %#x", base)
	}
	got := make([]byte, 16)
	as.Read(img.InterpBase, got)
	if !bytes.Equal(got, ld.segs[0].data[:16]) {
		t.Error("interpreter not loaded")
	}
	// Without the prefix the interpreter is missing: a clear error.
	if _, err := Load(newAS(t), fakeArch{}, p, nil, nil, Options{}); err == nil {
		t.Error("missing interpreter accepted")
	}
}

func auxVal(img *Image, tag uint64) uint64 {
	for _, e := range img.Auxv {
		if e.Tag == tag {
			return e.Val
		}
	}
	return ^uint64(0)
}

func TestStackLayout(t *testing.T) {
	seed := uint64(7)
	argv := []string{"prog", "a b", ""}
	envp := []string{"HOME=/root", "X=1"}
	e := newELF(text(0x10000, 0x100))
	as := newAS(t)
	b := e.bytes()
	img, err := LoadReader(as, platformArch{}, "/bin/prog", bytes.NewReader(b), int64(len(b)), argv, envp,
		Options{Seed: &seed, ExecFn: "/bin/prog", StackSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	checkStack(t, as, img, argv, envp)
	if img.StackHigh != (fakeArch{}).StackTop() || img.StackHigh-img.StackLow != 1<<20 {
		t.Errorf("stack [%#x, %#x)", img.StackLow, img.StackHigh)
	}
	v, _ := vmaAt(as, img.SP)
	if v.Name != "[stack]" || v.Prot != translate.ProtRead|translate.ProtWrite {
		t.Errorf("stack vma %+v", v)
	}
	plat, _ := as.ReadString(auxVal(img, AT_PLATFORM), 64)
	fn, _ := as.ReadString(auxVal(img, AT_EXECFN), 64)
	if plat != "testplat" || fn != "/bin/prog" {
		t.Errorf("platform %q execfn %q", plat, fn)
	}
	// Deterministic AT_RANDOM with a seed.
	r1 := make([]byte, 16)
	as.Read(auxVal(img, AT_RANDOM), r1)
	as2 := newAS(t)
	img2, _ := LoadReader(as2, fakeArch{}, "/bin/prog", bytes.NewReader(b), int64(len(b)), argv, envp, Options{Seed: &seed})
	r2 := make([]byte, 16)
	as2.Read(auxVal(img2, AT_RANDOM), r2)
	if !bytes.Equal(r1, r2) || allZero(r1) {
		t.Errorf("AT_RANDOM not deterministic: %x %x", r1, r2)
	}
	if _, ok := func() (uint64, bool) { v := auxVal(img2, AT_PLATFORM); return v, v != ^uint64(0) }(); ok {
		t.Error("AT_PLATFORM present for a target without a platform")
	}
	// cmdline region: argv strings contiguous.
	cl := make([]byte, img.ArgEnd-img.ArgStart)
	as.Read(img.ArgStart, cl)
	if string(cl) != "prog\x00a b\x00\x00" {
		t.Errorf("cmdline %q", cl)
	}
}

// checkStack walks argc, argv, envp and auxv from the initial SP.
func checkStack(t *testing.T, as *translate.AddressSpace, img *Image, argv, envp []string) {
	t.Helper()
	if img.SP%16 != 0 {
		t.Errorf("sp %#x not 16-byte aligned", img.SP)
	}
	sp := img.SP
	word := func() uint64 {
		v, err := as.Load64(sp)
		if err != nil {
			t.Fatal(err)
		}
		sp += 8
		return v
	}
	if argc := word(); argc != uint64(len(argv)) {
		t.Fatalf("argc %d", argc)
	}
	for _, list := range [][]string{argv, envp} {
		for _, want := range list {
			s, err := as.ReadString(word(), 4096)
			if err != nil || s != want {
				t.Errorf("string %q, want %q (%v)", s, want, err)
			}
		}
		if word() != 0 {
			t.Error("missing NULL terminator")
		}
	}
	var aux []AuxEntry
	for {
		tag, val := word(), word()
		aux = append(aux, AuxEntry{tag, val})
		if tag == AT_NULL {
			break
		}
	}
	if len(aux) != len(img.Auxv) {
		t.Fatalf("auxv on stack %v, image %v", aux, img.Auxv)
	}
	for i := range aux {
		if aux[i] != img.Auxv[i] {
			t.Errorf("auxv[%d] %v != %v", i, aux[i], img.Auxv[i])
		}
	}
	want := map[uint64]uint64{AT_PAGESZ: 4096, AT_CLKTCK: 100, AT_PHENT: 56, AT_HWCAP: 0x112d,
		AT_ENTRY: img.ProgEntry, AT_PHDR: img.Phdr, AT_PHNUM: img.Phnum, AT_SECURE: 0,
		AT_UID: uint64(os.Getuid()), AT_EGID: uint64(os.Getegid()), AT_MINSIGSTKSZ: 1088, AT_HWCAP2: 0,
		AT_BASE: img.InterpBase, AT_FLAGS: 0}
	for tag, v := range want {
		if got := auxVal(img, tag); got != v {
			t.Errorf("auxv tag %d = %#x, want %#x", tag, got, v)
		}
	}
	if len(img.AuxvBytes()) != 16*len(img.Auxv) {
		t.Error("AuxvBytes length")
	}
}

func TestStackTooSmall(t *testing.T) {
	b := newELF(text(0x10000, 0x100)).bytes()
	big := string(make([]byte, 10000))
	_, err := LoadReader(newAS(t), fakeArch{}, "p", bytes.NewReader(b), int64(len(b)),
		[]string{big, big}, nil, Options{StackSize: 8192})
	if err == nil {
		t.Fatal("huge argv fit in an 8 KiB stack")
	}
}

// A program loaded from a file has its segments mapped from it: the VMAs
// are the file's at the segments' page offsets, and the rest of the last
// file page of a segment with a bss reads as zeros although the file holds
// other bytes there (Linux binfmt_elf's padzero).
func TestLoadMapsFile(t *testing.T) {
	code := text(0x10000, 0x1800)
	data := seg{typ: elf.PT_LOAD, flags: elf.PF_R | elf.PF_W, vaddr: 0x12345, data: []byte("hello, data"),
		memsz: 0x3000, align: 0x1000}
	b := append(newELF(code, data).bytes(), bytes.Repeat([]byte{0xee}, 0x2000)...)
	path := writeFile(t, t.TempDir(), "prog", b)
	as := newAS(t)
	if _, err := Load(as, fakeArch{}, path, []string{"prog"}, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 0x1800)
	if err := as.Read(0x10000, got); err != nil || !bytes.Equal(got, code.data) {
		t.Fatalf("text not loaded: %v", err)
	}
	v, _ := vmaAt(as, 0x10000)
	if v.Anon || v.Offset != 0x1000 || v.Name != path || v.Prot != translate.ProtRead|translate.ProtExec {
		t.Errorf("text vma %+v, want the file at offset 0x1000", v)
	}
	v, _ = vmaAt(as, 0x12345)
	if v.Anon || v.Offset != 0x3000 || v.Start != 0x12000 || v.End != 0x13000 || v.Prot != translate.ProtRead|translate.ProtWrite {
		t.Errorf("data vma %+v, want [0x12000, 0x13000) of the file at 0x3000", v)
	}
	if v, _ = vmaAt(as, 0x13000); !v.Anon || v.End != 0x16000 {
		t.Errorf("bss vma %+v, want anonymous up to 0x16000", v)
	}
	bss := make([]byte, 0x3000-11)
	as.Read(0x12345+11, bss)
	if !allZero(bss) {
		t.Error("bss (or the file bytes after p_filesz in its page) not zero")
	}
	msg := make([]byte, 11)
	as.Read(0x12345, msg)
	if string(msg) != "hello, data" {
		t.Errorf("data %q", msg)
	}
}
