package usermode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/translate"
)

// The child side of fork (fork.go): gemu started again with
// GEMU_FORK_RESUME=FD,ARCH,OS rebuilds the parent's guest from the memfd FD.

// ResumeArch reports whether env announces a fork child, and its guest
// architecture and OS: the command line then has nothing to load.
func ResumeArch(env []string) (string, loader.OS, bool) {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, forkResumeVar+"="); ok {
			_, rest, found := strings.Cut(v, ",")
			arch, osNum, _ := strings.Cut(rest, ",")
			n, _ := strconv.Atoi(osNum)
			return arch, loader.OS(n), found
		}
	}
	return "", loader.OSLinux, false
}

// takeForkResume removes the resume variable from env; fd is -1 without it.
func takeForkResume(env []string) (int, []string) {
	fd := -1
	out := env[:0:0]
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, forkResumeVar+"="); ok {
			n, _, _ := strings.Cut(v, ",")
			if x, err := strconv.Atoi(n); err == nil {
				fd = x
			}
			continue
		}
		out = append(out, kv)
	}
	return fd, out
}

// forkResume is the calling thread of the fork, to start in Run.
type forkResume struct {
	r        [256]uint64
	pc       uint64
	mask     uint64
	alt      linux.StackT
	clearTID uint64
	setTID   uint64
	seccomp  *SeccompState
}

// resumeProcess rebuilds a forked guest from the state in memfd fd.
func resumeProcess(p *Process, fd int) error {
	defer unix.Close(fd)
	st, data, err := readForkState(fd)
	if err != nil {
		return fmt.Errorf("fork child: %v", err)
	}
	if st.Arch != p.arch.Name() {
		return fmt.Errorf("fork child: state is for %s, not %s", st.Arch, p.arch.Name())
	}
	as := p.AS
	as.MmapBase, as.MinAddr = st.MmapBase, st.MinAddr
	defer closeForkFiles(st.Files)
	for _, v := range st.VMAs {
		if err := restoreVMA(as, v, fd, data, st.Files); err != nil {
			return fmt.Errorf("fork child: mapping %#x-%#x: %v", v.Start, v.End, err)
		}
	}
	for _, sfd := range st.Shared {
		p.Backing.Add(int(sfd))
		unix.Close(int(sfd))
	}
	for _, cfd := range st.Cloexec {
		unix.FcntlInt(uintptr(cfd), unix.F_SETFD, unix.FD_CLOEXEC)
	}
	if st.Archive >= 0 {
		p.adoptArchive(int(st.Archive))
	}
	p.ForkImage = true
	img := st.Image
	p.img, p.Brk, p.tramp, p.Sigacts = &img, st.Brk, st.Tramp, st.Sigacts
	p.Persona = st.Persona
	p.Sigpending.Store(st.Sigpending)
	p.StackLimit.Store(st.Stack)
	sc, err := unmarshalSeccomp(st.Seccomp)
	if err != nil {
		return err
	}
	p.resume = &forkResume{r: st.R, pc: st.PC, mask: st.Mask, alt: st.Alt, clearTID: st.ClearTID, setTID: st.SetTID,
		seccomp: sc}
	return nil
}

// readForkState decodes the header and the state; it returns where the
// memory area starts.
func readForkState(fd int) (*forkState, int64, error) {
	var hdr [16]byte
	if n, err := unix.Pread(fd, hdr[:], 0); err != nil || n != len(hdr) || string(hdr[:8]) != forkMagic {
		return nil, 0, errors.New("bad state header")
	}
	size := binary.LittleEndian.Uint64(hdr[8:])
	if size > 1<<30 {
		return nil, 0, errors.New("bad state size")
	}
	b := make([]byte, size)
	for off := 0; off < len(b); {
		n, err := unix.Pread(fd, b[off:], int64(16+off))
		if err != nil || n == 0 {
			return nil, 0, errors.New("short state")
		}
		off += n
	}
	st, err := decodeForkState(b)
	if err != nil {
		return nil, 0, err
	}
	return st, int64(PageUp(16 + size)), nil
}

// restoreVMA maps one guest mapping again: a shared one from its kept
// descriptor, a private one from the files passed (forkfile.go) and the
// memfd.
func restoreVMA(as *translate.AddressSpace, v forkVMA, fd int, data int64, files []forkFile) error {
	if v.SysV != 0 {
		return restoreShm(as, v.VMA)
	}
	if v.FD >= 0 {
		return as.RestoreVMA(v.VMA, int(v.FD), v.FDOff, nil)
	}
	return as.RestoreVMA(v.VMA, -1, 0, func(host []byte) error {
		if err := mapForkFiles(files, v.Start, host); err != nil {
			return err
		}
		return mapData(fd, host, data+v.Data)
	})
}

// mapData maps the parts of the memfd the parent wrote, from off on,
// privately over host (copy-on-write, nothing is copied now); the holes
// (lseek(2) SEEK_DATA/SEEK_HOLE on tmpfs) stay the fresh anonymous pages
// they read as.
func mapData(fd int, host []byte, off int64) error {
	end := off + int64(len(host))
	for pos := off; pos < end; {
		d, err := unix.Seek(fd, pos, unix.SEEK_DATA)
		if err == unix.ENXIO || (err == nil && d >= end) {
			return nil // no more data
		}
		if err != nil {
			return err
		}
		h, err := unix.Seek(fd, d, unix.SEEK_HOLE)
		if err != nil {
			return err
		}
		h = min(h, end)
		_, err = unix.MmapPtr(fd, d, unsafe.Pointer(&host[d-off]), uintptr(h-d), unix.PROT_READ|unix.PROT_WRITE,
			unix.MAP_PRIVATE|unix.MAP_FIXED)
		if err != nil {
			return err
		}
		pos = h
	}
	return nil
}

// startResumed makes the fork's calling thread the first thread of the
// child: it returns from clone with 0 (in the saved registers).
func (p *Process) startResumed(cpu *translate.CPU) *Thread {
	r := p.resume
	cpu.R, cpu.PC = r.r, r.pc
	t := p.NewThread(cpu, unix.Gettid())
	p.Mu.Lock()
	t.Sigmask, t.Altstack, t.ClearTID = r.mask, r.alt, r.clearTID
	t.seccomp.Store(r.seccomp)
	p.Mu.Unlock()
	if r.setTID != 0 {
		p.AS.Store32(r.setTID, uint32(t.TID))
	}
	t.Wake.Store(true) // host signals may have been queued before the thread existed
	p.resume = nil
	return t
}
