package linuxuser

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/targets/riscv64"
)

func TestExpandCorePattern(t *testing.T) {
	v := usermode.CoreVals{PID: 42, TID: 43, UID: 1000, GID: 100, Sig: 11, Dumpable: 1, CPU: 3, Time: 1700000000,
		Limit: 1 << 20, Host: "box", Comm: "a/b", Exe: "/usr/bin/prog"}
	for _, c := range []struct {
		pat     string
		usesPid bool
		want    string
	}{
		{"core", false, "core"},
		{"core", true, "core.42"},
		{"core.%p", true, "core.42"},
		{"/var/crash/%e.%p.%s.%t", false, "/var/crash/a!b.42.11.1700000000"},
		{"%E-%f-%u-%g-%i-%I-%P-%d-%c-%C-%h-%%-%z-%", false, "!usr!bin!prog-prog-1000-100-43-43-42-1-1048576-3-box-%--"},
	} {
		if got := usermode.ExpandPattern(c.pat, v, c.usesPid); got != c.want {
			t.Errorf("%q (core_uses_pid %v): %q, want %q", c.pat, c.usesPid, got, c.want)
		}
	}
}

// corePlan keeps the host's core away from the guest's: in a private
// directory for a relative pattern, under another name when the pattern
// tells gemu from its guest (%E), and else by renaming the guest core over
// the host's afterwards.
func TestCorePlan(t *testing.T) {
	v := usermode.CoreVals{PID: 42, Comm: "prog", Exe: "/bin/prog", Limit: 4096}
	hv := v
	hv.Exe, hv.Limit = "/opt/gemu", 1<<62
	target, w := usermode.CorePlan("core", v, hv, false, "/tmp/gemu-core-x")
	if cwd, _ := os.Getwd(); target != filepath.Join(cwd, "core") || w.Dir != "/tmp/gemu-core-x" || w.From != "" || len(w.Unlink) != 0 {
		t.Errorf("relative: %q %+v", target, w)
	}
	target, w = usermode.CorePlan("/cores/%E.%p", v, hv, false, "")
	if target != "/cores/!bin!prog.42" || w.From != "" || len(w.Unlink) != 1 || w.Unlink[0] != "/cores/!opt!gemu.42" {
		t.Errorf("absolute with %%E: %q %+v", target, w)
	}
	target, w = usermode.CorePlan("/cores/core.%e.%p", v, hv, false, "")
	if target != "/cores/.gemu-core-42" || w.From != target || w.To != "/cores/core.prog.42" || len(w.Unlink) != 0 {
		t.Errorf("absolute clash: %q %+v", target, w)
	}
}

// buildCore's file is an ET_CORE for the guest machine that debug/elf
// reads: notes first (NT_PRSTATUS with the registers, NT_PRPSINFO,
// NT_SIGINFO, NT_AUXV, NT_FPREGSET), then the mappings' bytes, zero pages
// as holes; RLIMIT_CORE stops it.
func TestBuildCore(t *testing.T) {
	p, th := testProcess(t)
	scratch(t, p, 0x10000)
	p.AS.Write(0x11000, []byte("guest bytes"))
	th.CPU.PC = 0x10abc
	th.CPU.R[riscv64.RegX0+2] = 0x7ff0 // sp
	name := filepath.Join(t.TempDir(), "core")
	info := usermode.SigInfo{Signo: 11, Code: 1, Fault: true, Addr: 16}
	if !p.WriteCore(name, th, info, 1<<30) {
		t.Fatal("writeCore failed")
	}
	f, err := elf.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Type != elf.ET_CORE || f.Machine != elf.EM_RISCV || f.Class != elf.ELFCLASS64 {
		t.Fatalf("header %v %v %v", f.Type, f.Machine, f.Class)
	}
	if len(f.Progs) != 2 || f.Progs[0].Type != elf.PT_NOTE || f.Progs[1].Type != elf.PT_LOAD {
		t.Fatalf("program headers %+v", f.Progs)
	}
	load := f.Progs[1]
	if load.Vaddr != 0x10000 || load.Memsz != 0x4000 || load.Filesz != 0x4000 || load.Off%4096 != 0 {
		t.Fatalf("PT_LOAD %+v", load.ProgHeader)
	}
	buf := make([]byte, 11)
	load.ReadAt(buf, 0x1000)
	if string(buf) != "guest bytes" {
		t.Fatalf("memory %q", buf)
	}
	notes := make([]byte, f.Progs[0].Filesz)
	f.Progs[0].ReadAt(notes, 0)
	var types []uint32
	for b := notes; len(b) >= 12; {
		namesz, descsz, typ := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[8:])
		desc := b[12+usermode.Align4(int(namesz)):]
		if typ == usermode.NtPrstatus {
			if descsz != 376 || binary.LittleEndian.Uint64(desc[usermode.PrstatusCommon:]) != 0x10abc ||
				binary.LittleEndian.Uint64(desc[usermode.PrstatusCommon+16:]) != 0x7ff0 || binary.LittleEndian.Uint32(desc) != 11 {
				t.Errorf("NT_PRSTATUS: size %d, pc/sp/signal wrong", descsz)
			}
		}
		types = append(types, typ)
		b = desc[usermode.Align4(int(descsz)):]
	}
	want := []uint32{usermode.NtPrstatus, usermode.NtPrpsinfo, usermode.NtSiginfo, usermode.NtAuxv, usermode.NtPrfpreg}
	if len(types) != len(want) {
		t.Fatalf("notes %x, want %x", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("notes %x, want %x", types, want)
		}
	}
	// Zero pages are holes: the file takes less than its length.
	var st unix.Stat_t
	unix.Stat(name, &st)
	if st.Blocks*512 >= st.Size {
		t.Errorf("no holes: %d bytes in %d blocks", st.Size, st.Blocks)
	}
	if p.WriteCore(name, th, info, 5000) {
		t.Error("a core over RLIMIT_CORE was complete")
	}
}
