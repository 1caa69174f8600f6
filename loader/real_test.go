package loader

import (
	"debug/elf"
	"github.com/gemu-project/gemu/internal/testenv"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// needTool: see testenv.NeedTool.
func needTool(t *testing.T, name string) string { return testenv.NeedTool(t, name) }

// TestLoadRealStatic loads a static riscv64 glibc program built here.
func TestLoadRealStatic(t *testing.T) {
	gcc := needTool(t, "riscv64-linux-gnu-gcc")
	dir := t.TempDir()
	src := filepath.Join(dir, "p.c")
	os.WriteFile(src, []byte("#include <stdio.h>\nint x = 5; int y[1000];\nint main(void){printf(\"%d\\n\", x+y[3]);return 0;}\n"), 0o644)
	bin := filepath.Join(dir, "p")
	if out, err := exec.Command(gcc, "-static", "-O2", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	ef, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	m, osName, err := Probe(bin)
	if err != nil || m != elf.EM_RISCV || osName != OSLinux {
		t.Fatalf("probe %v %v %v", m, osName, err)
	}
	as := newAS(t)
	argv, envp := []string{bin, "one"}, []string{"A=1"}
	img, err := Load(as, fakeArch{}, bin, argv, envp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if img.Entry != ef.Entry || img.Interp != "" || img.Path != bin {
		t.Errorf("entry %#x (want %#x) interp %q path %q", img.Entry, ef.Entry, img.Interp, img.Path)
	}
	var end uint64
	for _, p := range ef.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		end = max(end, pageUp(p.Vaddr+p.Memsz))
		want := elfProt(p.Flags)
		v, ok := vmaAt(as, p.Vaddr)
		if !ok || v.Prot != want {
			t.Errorf("segment %#x: vma %+v, want prot %d", p.Vaddr, v, want)
		}
		got := make([]byte, p.Filesz)
		as.Read(p.Vaddr, got)
		fileBytes := make([]byte, p.Filesz)
		p.ReadAt(fileBytes, 0)
		if string(got) != string(fileBytes) {
			t.Errorf("segment %#x contents differ from the file", p.Vaddr)
		}
		bss := make([]byte, p.Memsz-p.Filesz)
		as.Read(p.Vaddr+p.Filesz, bss)
		if !allZero(bss) {
			t.Errorf("segment %#x bss not zero", p.Vaddr)
		}
	}
	if img.BrkStart != end {
		t.Errorf("brk %#x, want %#x", img.BrkStart, end)
	}
	// AT_PHDR points at the program headers inside the first segment.
	ph := make([]byte, 56*len(ef.Progs))
	as.Read(img.Phdr, ph)
	raw := make([]byte, len(ph))
	f, _ := os.Open(bin)
	defer f.Close()
	f.ReadAt(raw, 64)
	if string(ph) != string(raw) || img.Phnum != uint64(len(ef.Progs)) {
		t.Errorf("AT_PHDR %#x does not show the program headers", img.Phdr)
	}
	checkStack(t, as, img, argv, envp)
	if v, _ := vmaAt(as, img.Phdr); v.Prot&translate.ProtRead == 0 {
		t.Error("program headers not readable")
	}
}
