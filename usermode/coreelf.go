package usermode

import (
	"debug/elf"
	"sort"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// The guest core's ELF layout (fs/binfmt_elf.c elf_core_dump): the ELF
// header, a PT_NOTE and one PT_LOAD per mapping, the notes, then the
// mappings' bytes from the next page boundary. Notes, per thread with the
// dumping thread first: NT_PRSTATUS, then (first thread only) NT_PRPSINFO,
// NT_SIGINFO, NT_AUXV and NT_FILE, then the register notes (write_note_info).

// Note types (include/uapi/linux/elf.h).
const (
	NtPrstatus = 1
	NtPrfpreg  = 2
	NtPrpsinfo = 3
	NtAuxv     = 6
	NtSiginfo  = 0x53494749
	ntFile     = 0x46494c45
)

// elf_prstatus_common (include/linux/elfcore.h) is 112 bytes on the 64-bit
// guests: pr_info (3 ints), pr_cursig, pr_sigpend, pr_sighold, pr_pid,
// pr_ppid, pr_pgrp, pr_sid, four timevals; pr_reg follows, then pr_fpvalid.
const PrstatusCommon = 112

type noteBuf struct{ b []byte }

// add appends one note: namesz, descsz, type, name and desc each padded to 4.
func (n *noteBuf) add(name string, typ uint32, desc []byte) {
	var h [12]byte
	LE.PutUint32(h[0:], uint32(len(name)+1))
	LE.PutUint32(h[4:], uint32(len(desc)))
	LE.PutUint32(h[8:], typ)
	n.b = append(n.b, h[:]...)
	n.b = append(n.b, name...)
	n.b = append(n.b, make([]byte, Align4(len(name)+1)-len(name))...)
	n.b = append(n.b, desc...)
	n.b = append(n.b, make([]byte, Align4(len(desc))-len(desc))...)
}

func Align4(n int) int { return (n + 3) &^ 3 }

// buildCore writes the core of p, t being the thread that took info.
func (p *Process) buildCore(w *coreWriter, t *Thread, info SigInfo) {
	cr, _ := p.arch.(targets.CoreRegs)
	threads := p.stopThreads(t)
	sig := int(info.Signo)
	var notes noteBuf
	for i, th := range threads {
		gregs := []byte(nil)
		if cr != nil {
			gregs = cr.CoreGRegs(th.CPU)
		}
		notes.add("CORE", NtPrstatus, p.prstatus(th, sig, gregs, cr != nil))
		if i == 0 {
			notes.add("CORE", NtPrpsinfo, p.prpsinfo())
			notes.add("CORE", NtSiginfo, info.Encode())
			notes.add("CORE", NtAuxv, p.img.AuxvBytes())
			if f := p.fileNote(); f != nil {
				notes.add("CORE", ntFile, f)
			}
		}
		if cr != nil {
			notes.add("CORE", NtPrfpreg, cr.CoreFPRegs(th.CPU))
			for _, x := range cr.CoreExtra(th.CPU) {
				notes.add("LINUX", x.Type, x.Desc)
			}
		}
	}
	vmas := p.AS.VMAs()
	const ehsize, phsize = 64, 56
	phnum := 1 + len(vmas)
	notesOff := int64(ehsize + phsize*phnum)
	dataOff := (notesOff + int64(len(notes.b)) + translate.PageSize - 1) &^ (translate.PageSize - 1)

	hdr := make([]byte, notesOff)
	copy(hdr, []byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)})
	LE.PutUint16(hdr[16:], uint16(elf.ET_CORE))
	LE.PutUint16(hdr[18:], uint16(p.arch.Machine()))
	LE.PutUint32(hdr[20:], uint32(elf.EV_CURRENT))
	LE.PutUint64(hdr[32:], ehsize) // e_phoff
	LE.PutUint16(hdr[52:], ehsize)
	LE.PutUint16(hdr[54:], phsize)
	LE.PutUint16(hdr[56:], uint16(phnum))
	ph := hdr[ehsize:]
	LE.PutUint32(ph[0:], uint32(elf.PT_NOTE))
	LE.PutUint64(ph[8:], uint64(notesOff))
	LE.PutUint64(ph[32:], uint64(len(notes.b)))
	LE.PutUint64(ph[48:], 4)
	off := dataOff
	for i, v := range vmas {
		e := ph[phsize*(i+1):]
		size := v.End - v.Start
		filesz := uint64(0)
		if v.Prot&(translate.ProtRead|translate.ProtExec) != 0 {
			filesz = size
		}
		flags := elf.ProgFlag(0)
		if v.Prot&translate.ProtRead != 0 {
			flags |= elf.PF_R
		}
		if v.Prot&translate.ProtWrite != 0 {
			flags |= elf.PF_W
		}
		if v.Prot&translate.ProtExec != 0 {
			flags |= elf.PF_X
		}
		LE.PutUint32(e[0:], uint32(elf.PT_LOAD))
		LE.PutUint32(e[4:], uint32(flags))
		LE.PutUint64(e[8:], uint64(off))
		LE.PutUint64(e[16:], v.Start)
		LE.PutUint64(e[32:], filesz)
		LE.PutUint64(e[40:], size)
		LE.PutUint64(e[48:], translate.PageSize)
		off += int64(filesz)
	}
	w.write(hdr)
	w.write(notes.b)
	w.skip(dataOff - w.off)
	for _, v := range vmas {
		if v.Prot&(translate.ProtRead|translate.ProtExec) != 0 {
			p.dumpRange(w, v.Start, v.End)
		}
	}
	w.end()
}

// dumpRange writes guest [lo, hi) page by page: pages of zeros, and pages
// the host cannot read (a file mapping past its end), become holes. The
// bytes are read with process_vm_readv, which fails on such a page instead
// of raising SIGBUS.
func (p *Process) dumpRange(w *coreWriter, lo, hi uint64) {
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	for a := lo; a < hi && !w.full && w.err == nil; {
		n := min(chunk, hi-a)
		got, _ := unix.ProcessVMReadv(unix.Getpid(), []unix.Iovec{{Base: &buf[0], Len: n}},
			[]unix.RemoteIovec{{Base: p.AS.HostAddr(a), Len: int(n)}}, 0)
		got &^= translate.PageSize - 1
		for i := 0; i < got; i += translate.PageSize {
			if pg := buf[i : i+translate.PageSize]; zeroPage(unsafe.Pointer(&pg[0])) {
				w.skip(translate.PageSize)
			} else {
				w.write(pg)
			}
		}
		if uint64(got) < n { // an unreadable page
			w.skip(translate.PageSize)
			got += translate.PageSize
		}
		a += uint64(got)
	}
}

// stopThreads lists the threads with t first, after giving the others a
// moment to leave guest code (exit was requested of them): their
// registers are then the ones they stopped with.
func (p *Process) stopThreads(t *Thread) []*Thread {
	p.Mu.Lock()
	out := []*Thread{t}
	var others []*Thread
	for _, th := range p.Threads {
		if th != t {
			others = append(others, th)
		}
	}
	p.Mu.Unlock()
	sort.Slice(others, func(i, j int) bool { return others[i].TID < others[j].TID })
	deadline := time.Now().Add(200 * time.Millisecond)
	for _, th := range others {
		for th.inRun.Load() && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	return append(out, others...)
}

// prstatus is struct elf_prstatus for th.
func (p *Process) prstatus(th *Thread, sig int, gregs []byte, fpvalid bool) []byte {
	b := make([]byte, (PrstatusCommon+len(gregs)+4+7)&^7)
	LE.PutUint32(b[0:], uint32(sig))  // pr_info.si_signo
	LE.PutUint16(b[12:], uint16(sig)) // pr_cursig
	p.Mu.Lock()
	LE.PutUint64(b[16:], th.Pending.Mask)
	LE.PutUint64(b[24:], th.Sigmask)
	p.Mu.Unlock()
	LE.PutUint32(b[32:], uint32(th.TID))
	LE.PutUint32(b[36:], uint32(unix.Getppid()))
	LE.PutUint32(b[40:], uint32(unix.Getpgrp()))
	sid, _ := unix.Getsid(0)
	LE.PutUint32(b[44:], uint32(sid))
	copy(b[PrstatusCommon:], gregs)
	if fpvalid {
		LE.PutUint32(b[PrstatusCommon+len(gregs):], 1)
	}
	return b
}

// prpsinfo is struct elf_prpsinfo (136 bytes on the 64-bit guests): state,
// sname, zomb, nice, flag, uid, gid, pid, ppid, pgrp, sid, fname[16],
// psargs[80] (the command line, NULs as spaces).
func (p *Process) prpsinfo() []byte {
	b := make([]byte, 136)
	b[1] = 'R'
	LE.PutUint32(b[16:], uint32(unix.Getuid()))
	LE.PutUint32(b[20:], uint32(unix.Getgid()))
	LE.PutUint32(b[24:], uint32(p.PID))
	LE.PutUint32(b[28:], uint32(unix.Getppid()))
	LE.PutUint32(b[32:], uint32(unix.Getpgrp()))
	sid, _ := unix.Getsid(0)
	LE.PutUint32(b[36:], uint32(sid))
	var comm [16]byte
	unix.Prctl(unix.PR_GET_NAME, uintptr(unsafe.Pointer(&comm[0])), 0, 0, 0)
	copy(b[40:55], comm[:])
	args := p.GuestRange(p.img.ArgStart, min(p.img.ArgEnd, p.img.ArgStart+79))
	copy(b[56:135], strings.TrimRight(strings.ReplaceAll(string(args), "\x00", " "), " "))
	return b
}

// fileNote is NT_FILE: count, page size, {start, end, offset in pages}
// per file mapping, then their names (fs/binfmt_elf.c fill_files_note).
func (p *Process) fileNote() []byte {
	var ents, names []byte
	n := 0
	for _, v := range p.AS.VMAs() {
		if v.Anon || !strings.HasPrefix(v.Name, "/") {
			continue
		}
		var e [24]byte
		LE.PutUint64(e[0:], v.Start)
		LE.PutUint64(e[8:], v.End)
		LE.PutUint64(e[16:], uint64(v.Offset)/translate.PageSize)
		ents = append(ents, e[:]...)
		names = append(append(names, v.Name...), 0)
		n++
	}
	if n == 0 {
		return nil
	}
	var h [16]byte
	LE.PutUint64(h[0:], uint64(n))
	LE.PutUint64(h[8:], translate.PageSize)
	return append(append(h[:], ents...), names...)
}
