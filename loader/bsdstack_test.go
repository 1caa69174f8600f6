package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// fakeArm64 is fakeArch with aarch64's machine and a second HWCAP word.
type fakeArm64 struct{ fakeArch }

func (fakeArm64) Name() string         { return "aarch64" }
func (fakeArm64) Machine() elf.Machine { return elf.EM_AARCH64 }
func (fakeArm64) HWCap2() uint64       { return 0x2a }

// freebsdNote is a PT_NOTE segment with NT_FREEBSD_ABI_TAG for osrel.
func freebsdNote(osrel uint32) seg {
	var b []byte
	b = le32(b, 8)
	b = le32(b, 4)
	b = le32(b, 1)
	b = append(b, "FreeBSD\x00"...)
	b = le32(b, osrel)
	return seg{typ: elf.PT_NOTE, flags: elf.PF_R, vaddr: 0x10f00, data: b, align: 4}
}

// freebsdELF is a minimal static FreeBSD program for m: EI_OSABI as given,
// an ABI note, a read-write PT_GNU_STACK and e_flags 5.
func freebsdELF(m elf.Machine, osabi byte, osrel uint32) []byte {
	e := newELF(text(0x10000, 0x100), freebsdNote(osrel),
		seg{typ: elf.PT_GNU_STACK, flags: elf.PF_R | elf.PF_W})
	e.machine, e.osabi = m, osabi
	b := e.bytes()
	binary.LittleEndian.PutUint32(b[0x30:], 5)
	return b
}

type bsdLoad struct {
	as  *translate.AddressSpace
	img *Image
}

func loadFreeBSD(t *testing.T, arch targets.Arch, b []byte, argv, envp []string, seed uint64) bsdLoad {
	t.Helper()
	as := newAS(t)
	img, err := LoadReader(as, arch, "/bin/prog", bytes.NewReader(b), int64(len(b)), argv, envp,
		Options{OS: OSFreeBSD, Seed: &seed, StackSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return bsdLoad{as, img}
}

// TestFreeBSDStack walks the argument block from SP word by word, as
// libc's and Go's start-up code read it, and checks every auxv entry.
func TestFreeBSDStack(t *testing.T) {
	argv := []string{"prog", "a b", ""}
	envp := []string{"HOME=/root", "X=1"}
	for _, arch := range []targets.Arch{fakeArm64{}, fakeArch{}} {
		t.Run(arch.Machine().String(), func(t *testing.T) {
			l := loadFreeBSD(t, arch, freebsdELF(arch.Machine(), 9, 1400097), argv, envp, 7)
			img := l.img
			if img.OS != OSFreeBSD || img.OSRel != 1400097 || !img.SPInArg0 || img.SP%16 != 0 {
				t.Fatalf("os %v osrel %d spInArg0 %v sp %#x", img.OS, img.OSRel, img.SPInArg0, img.SP)
			}
			r := &stackReader{t: t, as: l.as, pos: img.SP}
			if argc := r.word(); argc != 3 {
				t.Fatalf("argc %d", argc)
			}
			argvAddr := r.pos
			r.strings(argv)
			envvAddr := r.pos
			r.strings(envp)
			aux := r.auxv()
			if len(aux) != len(img.Auxv) {
				t.Fatalf("auxv on the stack %v, image %v", aux, img.Auxv)
			}
			want := wantFreeBSDAuxv(arch, img, argvAddr, envvAddr)
			for i, e := range aux {
				if i >= len(want) || e != want[i] || img.Auxv[i] != e {
					t.Errorf("auxv[%d] = %v (image %v), want %v", i, e, img.Auxv[i], want[min(i, len(want)-1)])
				}
			}
			// The kernel copies AT_COUNT pairs: zeros after AT_NULL.
			for i := len(aux); i < bsdATCount; i++ {
				if tag, val := r.word(), r.word(); tag != 0 || val != 0 {
					t.Errorf("auxv slot %d after AT_NULL: %d %#x", i, tag, val)
				}
			}
			checkFreeBSDBlobs(t, l, arch.Machine(), argvAddr, envvAddr)
		})
	}
}

// wantFreeBSDAuxv is the expected vector, in freebsd_copyout_auxargs order.
func wantFreeBSDAuxv(arch targets.Arch, img *Image, argvAddr, envvAddr uint64) []AuxEntry {
	want := []AuxEntry{
		{3, img.Phdr}, {4, 56}, {5, 3}, {6, 4096}, {8, 0}, {9, 0x10000}, {7, 0}, {24, 5},
		{15, auxVal(img, 15)}, {18, 1400097}, {16, auxVal(img, 16)}, {17, 64},
		{19, uint64(runtime.NumCPU())}, {20, auxVal(img, 20)}, {21, 24}, {23, 3}, {25, 0x112d},
	}
	if arch.Machine() == elf.EM_AARCH64 {
		want = append(want, AuxEntry{26, 0x2a})
	}
	return append(want, AuxEntry{27, 0}, AuxEntry{28, 3}, AuxEntry{29, argvAddr},
		AuxEntry{30, 2}, AuxEntry{31, envvAddr}, AuxEntry{32, img.PSStrings},
		AuxEntry{35, arch.StackTop()}, AuxEntry{36, 1 << 20}, AuxEntry{0, 0})
}

// checkFreeBSDBlobs checks what the pointer entries point at.
func checkFreeBSDBlobs(t *testing.T, l bsdLoad, m elf.Machine, argvAddr, envvAddr uint64) {
	t.Helper()
	img, as := l.img, l.as
	if s, _ := as.ReadString(auxVal(img, BSD_AT_EXECPATH), 4096); s != img.Path {
		t.Errorf("AT_EXECPATH %q, want %q", s, img.Path)
	}
	canary := make([]byte, 64)
	as.Read(auxVal(img, BSD_AT_CANARY), canary)
	seed := uint64(7)
	if !bytes.Equal(canary, randomBytes(&seed, 64)) || allZero(canary) {
		t.Errorf("canary %x", canary)
	}
	ps := make([]uint64, 3)
	for i := range ps {
		ps[i], _ = as.Load64(auxVal(img, BSD_AT_PAGESIZES) + 8*uint64(i))
	}
	wantPS := []uint64{4096, 2 << 20, 1 << 30}
	if m == elf.EM_RISCV {
		wantPS[2] = 0
	}
	for i := range ps {
		if ps[i] != wantPS[i] {
			t.Errorf("pagesizes %#x, want %#x", ps, wantPS)
			break
		}
	}
	// struct ps_strings at the top of the stack.
	if img.PSStrings != img.StackHigh-32 {
		t.Errorf("ps_strings at %#x, stack top %#x", img.PSStrings, img.StackHigh)
	}
	a, _ := as.Load64(img.PSStrings)
	na, _ := as.Load32(img.PSStrings + 8)
	e, _ := as.Load64(img.PSStrings + 16)
	ne, _ := as.Load32(img.PSStrings + 24)
	if a != argvAddr || na != 3 || e != envvAddr || ne != 2 {
		t.Errorf("ps_strings %#x %d %#x %d", a, na, e, ne)
	}
	cl := make([]byte, img.EnvEnd-img.ArgStart)
	as.Read(img.ArgStart, cl)
	if string(cl) != "prog\x00a b\x00\x00HOME=/root\x00X=1\x00" || img.ArgEnd != img.EnvStart {
		t.Errorf("argument strings %q", cl)
	}
}

// stackReader reads words from guest memory upwards.
type stackReader struct {
	t   *testing.T
	as  *translate.AddressSpace
	pos uint64
}

func (r *stackReader) word() uint64 {
	v, err := r.as.Load64(r.pos)
	if err != nil {
		r.t.Fatal(err)
	}
	r.pos += 8
	return v
}

// strings reads a NULL-terminated vector and checks its strings.
func (r *stackReader) strings(want []string) {
	for _, w := range want {
		if s, err := r.as.ReadString(r.word(), 4096); err != nil || s != w {
			r.t.Errorf("string %q, want %q (%v)", s, w, err)
		}
	}
	if r.word() != 0 {
		r.t.Error("vector without its NULL")
	}
}

func (r *stackReader) auxv() []AuxEntry {
	var aux []AuxEntry
	for {
		tag, val := r.word(), r.word()
		aux = append(aux, AuxEntry{tag, val})
		if tag == AT_NULL {
			return aux
		}
	}
}

// The ABI note alone brands a program whose EI_OSABI is 0; a static PIE
// gets its load bias as AT_BASE, as FreeBSD gives it.
func TestFreeBSDNoteBrandAndPIE(t *testing.T) {
	e := newELF(text(0, 0x100), freebsdNote(1302001))
	e.typ, e.entry = elf.ET_DYN, 0x40
	l := loadFreeBSD(t, fakeArch{}, e.bytes(), []string{"p"}, nil, 1)
	if l.img.OS != OSFreeBSD || l.img.OSRel != 1302001 {
		t.Errorf("os %v osrel %d", l.img.OS, l.img.OSRel)
	}
	if base := auxVal(l.img, AT_BASE); base == 0 || base != l.img.LoadBias {
		t.Errorf("AT_BASE %#x, bias %#x", base, l.img.LoadBias)
	}
}

func TestFreeBSDOldABI(t *testing.T) {
	b := freebsdELF(elf.EM_RISCV, 9, 1100122)
	const want = "FreeBSD 11 binaries (before the ino64 ABI) are not supported"
	_, err := LoadReader(newAS(t), fakeArch{}, "old", bytes.NewReader(b), int64(len(b)), nil, nil,
		Options{OS: OSFreeBSD})
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("load: %v", err)
	}
	if _, osKind, err := ProbeReader(bytes.NewReader(b), int64(len(b)), "old"); osKind != OSFreeBSD ||
		err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("probe: %v %v", osKind, err)
	}
}

// A Linux load keeps its layout: no FreeBSD fields.
func TestLinuxLoadHasNoFreeBSDFields(t *testing.T) {
	_, img := loadBytes(t, newELF(text(0x10000, 0x100)).bytes(), []string{"p"}, nil, Options{})
	if img.SPInArg0 || img.PSStrings != 0 || img.OS != OSLinux {
		t.Errorf("Linux image %+v", img)
	}
}

// TestLoadRealGoFreeBSD loads a Go program built for freebsd/arm64 here.
func TestLoadRealGoFreeBSD(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	goTool := needTool(t, "go")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module p\n\ngo 1.21\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { println(\"hi\") }\n"), 0o644)
	bin := filepath.Join(dir, "p")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=freebsd", "GOARCH=arm64", "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	f, err := os.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	p, err := parse(f, st.Size(), bin)
	if err != nil || p.machine != elf.EM_AARCH64 || brandOf(f, st.Size(), p).os != OSFreeBSD {
		t.Fatalf("parse %v: not a FreeBSD aarch64 program", err)
	}
	img, err := Load(newAS(t), fakeArm64{}, bin, []string{bin}, nil, Options{OS: OSFreeBSD})
	if err != nil {
		t.Fatal(err)
	}
	if img.OSRel < ino64First || !img.SPInArg0 || auxVal(img, AT_PHDR) == 0 {
		t.Errorf("osrel %d spInArg0 %v phdr %#x", img.OSRel, img.SPInArg0, auxVal(img, AT_PHDR))
	}
}
