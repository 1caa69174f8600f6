package usermode

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/translate"
)

// fork: clone without CLONE_VM (docs/design.md "fork"). A Go process cannot
// fork and go on running Go code in the child (golang/go#14767: only the
// calling thread exists there, with the runtime's locks in any state). So
// the parent serializes the guest's state into a memfd and clones the
// host process with raw system calls only (forkraw.go); the copy-on-write
// child appends its snapshot of guest memory to the memfd and execve's
// gemu again with the memfd inherited. The re-executed gemu (forkresume.go)
// rebuilds the address space, maps the guest's shared mappings again from
// descriptors kept for them (hostfd.go), restores the calling thread and
// continues the guest after the clone with result 0. The child's host pid
// is its guest pid, and the parent waits for it with the host's wait4.
//
// Other guest threads of the parent keep running: the host clone takes
// its copy of memory at one instant, and holding the process lock and the
// address space's mapping lock across it keeps the signal state and the
// VMA list true to that copy. Only the calling thread goes on in the
// child (fork(2)).
//
// TODO(#4): parent and child share no pages: each child holds an image of
// every page its parent had written (a prefork server pays its heap once
// per worker). Soft-dirty tracking (/proc/self/clear_refs, pagemap bit 55)
// could let children of one parent share the part of the image that did
// not change between forks.

// forkFlags are the clone flags a fork may carry besides the exit signal:
// glibc's fork passes CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD
// (sysdeps/unix/sysv/linux/arch-fork.h). CLONE_VFORK without CLONE_VM is
// accepted as a plain fork (the parent does not wait for the exec).
const forkFlags = linux.CloneChildSettid | linux.CloneChildCleartid | linux.CloneParentSettid |
	linux.CloneSettls | linux.CloneVfork | linux.CloneDetached | linux.CloneUntraced | linux.CloneIO |
	CloneClearSighand | NsFlags

// forkResumeVar announces a fork child to the re-executed gemu:
// "FD,ARCH,OS" (OS: the loader.OS number; absent means Linux).
const forkResumeVar = "GEMU_FORK_RESUME"

// forkMagic starts the memfd: magic, then the encoded state's length
// (forkcodec.go), then the state; guest memory follows from the next page
// boundary.
const forkMagic = "GEMUFRK2"

// forkState is what the child needs besides guest memory.
type forkState struct {
	Arch     string
	Image    loader.Image
	R        [256]uint64
	PC       uint64
	Brk      uint64
	Tramp    uint64
	Sigacts  [linux.NSIG + 1]linux.Sigaction
	Mask     uint64
	Alt      linux.StackT
	ClearTID uint64 // CLONE_CHILD_CLEARTID address
	SetTID   uint64 // CLONE_CHILD_SETTID address
	MmapBase uint64
	MinAddr  uint64
	VMAs     []forkVMA
	Files    []forkFile // file pages of private mappings, mapped before the memfd's
	Cloexec  []int32    // guest fds to mark close-on-exec again
	Shared   []int32    // kept descriptors of shared mappings
	// Persona and Sigpending are what gemu keeps of personality(2) and
	// RLIMIT_SIGPENDING instead of the host (linuxuser/sys_misc.go); fork inherits them.
	Persona    uint32
	Sigpending *unix.Rlimit
	Stack      *unix.Rlimit // the guest's RLIMIT_STACK, kept likewise
	Archive    int32        // the translation archive's descriptor, -1 without one (archive.go)
	Seccomp    string       // the forking thread's seccomp state (seccomp.go marshalSeccomp)
}

// forkVMA is one guest mapping: private ones have their pages at Data
// (from the start of the memory area of the memfd), shared ones are the
// file FD at FDOff.
type forkVMA struct {
	translate.VMA
	Data  int64
	FD    int32
	FDOff int64
}

// forkFile is a piece [Start, End) of private guest memory backed by a
// host file at Off: the child maps the file there (descriptor FD, passed
// across its execve) and only the pages the parent changed (anonymous
// copy-on-write pages) come from the memfd (forkfile.go).
type forkFile struct {
	Start, End uint64
	FD         int32
	Off        int64
}

// Fork runs clone without CLONE_VM; it returns the child's pid.
func (t *Thread) Fork(flags, newsp, ptid, tls, ctid uint64) uint64 {
	p := t.P
	if flags&^uint64(forkFlags|0xff) != 0 {
		p.Unimp("gemu: fork with clone flags %#x not supported", flags)
		return Errno(unix.EINVAL)
	}
	if p.Opts.Reexec == nil {
		p.Unimp("gemu: fork needs Options.Reexec")
		return Errno(unix.ENOSYS)
	}
	job, err := p.forkCommand()
	if err != nil {
		return ErrRet(err)
	}
	pid, e := t.forkWith(job, flags, newsp, tls, ctid)
	if e != 0 {
		return Errno(e)
	}
	if flags&linux.CloneParentSettid != 0 {
		p.AS.Store32(ptid, uint32(pid))
	}
	return uint64(pid)
}

// forkCommand prepares the child's execve: gemu through Options.Reexec,
// run from selfExeFD (the very binary that wrote the state).
func (p *Process) forkCommand() (*forkJob, error) {
	env := make([]string, 0, len(os.Environ())+1)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, forkResumeVar+"=") && !strings.HasPrefix(kv, execStateVar+"=") &&
			!strings.HasPrefix(kv, execSeccompVar) {
			env = append(env, kv)
		}
	}
	_, args, env := p.Opts.Reexec(p.img.Path, []string{p.img.Path}, env)
	job := &forkJob{}
	var err error
	if job.exe, err = resolveExe(SelfExe); err != nil {
		return nil, err
	}
	job.args, job.env = args, env
	return job, nil
}

// forkWith snapshots the state into a memfd and clones the host process.
func (t *Thread) forkWith(job *forkJob, flags, newsp, tls, ctid uint64) (int, unix.Errno) {
	p := t.P
	mfd, err := HostFD(func() (int, error) { return unix.MemfdCreate("gemu-fork", unix.MFD_CLOEXEC) })
	if err != nil {
		return 0, err.(unix.Errno)
	}
	defer unix.Close(mfd)
	cloexec := guestCloexecFDs(p, mfd)
	p.ensureArchive()
	syscall.ForkLock.Lock()
	defer syscall.ForkLock.Unlock()
	p.Mu.Lock()
	defer p.Mu.Unlock()
	vmas := p.AS.LockMappings()
	defer p.AS.UnlockMappings()

	st := t.forkState(flags, newsp, tls, ctid)
	st.Cloexec = cloexec
	passed := append([]int32(nil), cloexec...)
	st.Archive = -1
	if p.archive != nil {
		st.Archive = int32(p.archive.FD())
		passed = append(passed, st.Archive)
	}
	files := &forkFiles{fds: map[fdID]int32{}}
	defer files.close()
	ranges, shared := p.forkMemory(&st, vmas, files)
	data, err := writeForkState(mfd, &st)
	if err != nil {
		return 0, unix.EIO
	}
	env := append(job.env, fmt.Sprintf("%s=%d,%s,%d", forkResumeVar, mfd, p.arch.Name(), p.img.OS))
	// The child may share memory until its execve while nothing else
	// can write guest memory: this is the host process's only guest
	// thread, and the child enters no namespace.
	job.shareVM = len(p.Threads) == 1 && ringOwner.Load() == p && flags&NsFlags == 0 &&
		p.Opts.Debugger == nil && copyBound(ranges) <= shareVMLimit
	if err := job.setup(ranges, data, mfd, append(append(passed, shared...), files.list()...), env); err != nil {
		return 0, unix.ENOMEM
	}
	return forkRaw(job, uintptr(flags&(0xff|NsFlags)))
}

// shareVMLimit is how much memory a fork child may have to copy (an upper
// bound: copyBound) while the parent waits for it (vforkRaw): a copy
// takes about 10 µs per 4 KiB page on the project's VM.
const shareVMLimit = 32 << 20

// copyBound is the most the child of ranges writes into the memfd: the
// private memory it copies whole or page by page, not the file pages it
// maps.
func copyBound(ranges []copyRange) uintptr {
	var n uintptr
	for _, r := range ranges {
		if !r.cowOnly {
			n += r.length
		}
	}
	return n
}

// forkState captures the calling thread and process. Call with p.mu held.
func (t *Thread) forkState(flags, newsp, tls, ctid uint64) forkState {
	p, c := t.P, t.CPU
	saved := c.R
	p.conv.SetSyscallResult(c, 0)
	if newsp != 0 {
		p.arch.SetSP(c, newsp)
	}
	if flags&linux.CloneSettls != 0 {
		p.arch.SetTLS(c, tls)
	}
	st := forkState{Arch: p.arch.Name(), Image: *p.img, R: c.R, PC: c.PC, Brk: p.Brk, Tramp: p.tramp,
		Sigacts: p.Sigacts, Mask: t.Sigmask, Alt: t.Altstack, MmapBase: p.AS.MmapBase, MinAddr: p.AS.MinAddr,
		Persona: p.Persona, Sigpending: p.Sigpending.Load(), Stack: p.StackLimit.Load(),
		Seccomp: marshalSeccomp(t.seccomp.Load())}
	c.R = saved
	if flags&CloneClearSighand != 0 {
		clearHandlers(&st.Sigacts)
	}
	if flags&linux.CloneChildCleartid != 0 {
		st.ClearTID = ctid
	}
	if flags&linux.CloneChildSettid != 0 {
		st.SetTID = ctid
	}
	return st
}

// clearHandlers is CLONE_CLEAR_SIGHAND: handled signals go back to
// SIG_DFL, ignored ones stay ignored (clone(2)).
func clearHandlers(acts *[linux.NSIG + 1]linux.Sigaction) {
	for i, a := range acts {
		if a.Handler != linux.SigIgn {
			acts[i] = linux.Sigaction{}
		}
	}
}

// forkMemory lays out guest memory for the child: private mappings are
// copied into the memfd, shared ones are mapped again from the kept
// descriptors. It returns the ranges to copy and the kept descriptors.
func (p *Process) forkMemory(st *forkState, vmas []translate.VMA, files *forkFiles) ([]copyRange, []int32) {
	var ranges []copyRange
	var shared []int32
	used := map[fdID]bool{}
	base := p.AS.Base()
	hostMaps, _ := hostFileMappings(base, base+uintptr(p.AS.Limit()))
	var data int64
	private := func(v translate.VMA) {
		v.SysV = 0 // a copy, no longer the segment
		st.VMAs = append(st.VMAs, forkVMA{VMA: v, Data: data, FD: -1})
		ranges = p.copyRanges(ranges, v, data, hostMaps, st, files)
		data += int64(v.End - v.Start)
	}
	for _, v := range vmas {
		if !v.Shared {
			private(v)
			continue
		}
		if forkShm(v) {
			st.VMAs = append(st.VMAs, forkVMA{VMA: v, FD: -1})
			continue
		}
		for _, part := range splitShared(v, base, hostMaps) {
			fd, ok := p.Backing.lookup(part.id)
			if !ok {
				// Mapped before gemu kept descriptors, or not a file we
				// know: the child gets a private copy.
				p.Unimp("gemu: fork: shared mapping at %#x is copied, not shared", part.v.Start)
				private(part.v)
				continue
			}
			if !used[part.id] {
				shared = append(shared, int32(fd))
			}
			used[part.id] = true
			st.VMAs = append(st.VMAs, forkVMA{VMA: part.v, FD: int32(fd), FDOff: part.off})
		}
	}
	p.Backing.prune(used)
	st.Shared = shared
	return ranges, shared
}

// copyRanges appends the pieces of private mapping v (at data in the
// memfd) for the child to copy, cut where the host pages change from
// anonymous to file-backed: only in anonymous host memory does a page
// that is not present read as zeros (a fork child maps its own memory
// image from a file). A file the child can map too (forkfile.go) is
// recorded in st.Files, and of its pages only the changed ones are copied.
func (p *Process) copyRanges(out []copyRange, v translate.VMA, data int64, hostMaps []hostMapping,
	st *forkState, files *forkFiles) []copyRange {
	noRead := v.Prot&(translate.ProtRead|translate.ProtWrite|translate.ProtExec) == 0
	add := func(lo, hi uint64, anon, cowOnly bool) {
		if lo < hi {
			out = append(out, copyRange{host: p.AS.HostPtr(lo), length: uintptr(hi - lo),
				off: data + int64(lo-v.Start), anon: anon, cowOnly: cowOnly, noRead: noRead})
		}
	}
	base := p.AS.Base()
	pos := v.Start
	for _, m := range hostMaps {
		s, e := max(v.Start, uint64(m.start-base)), min(v.End, uint64(m.end-base))
		if m.start < base || s >= e {
			continue
		}
		add(pos, s, true, false)
		fd, ok := files.open(m)
		if ok {
			st.Files = append(st.Files, forkFile{Start: s, End: e, FD: fd, Off: m.off + int64(uintptr(s)+base-m.start)})
		}
		add(s, e, false, ok)
		pos = e
	}
	add(pos, v.End, true, false)
	return out
}

// sharedPart is a piece of a shared guest mapping backed by one host file.
type sharedPart struct {
	v   translate.VMA
	id  fdID
	off int64
}

// splitShared cuts a shared guest VMA along the host's file mappings.
func splitShared(v translate.VMA, base uintptr, maps []hostMapping) []sharedPart {
	var out []sharedPart
	lo, hi := base+uintptr(v.Start), base+uintptr(v.End)
	for _, m := range maps {
		s, e := max(lo, m.start), min(hi, m.end)
		if s >= e {
			continue
		}
		part := v
		part.Start, part.End = uint64(s-base), uint64(e-base)
		part.Offset = v.Offset + int64(part.Start-v.Start)
		out = append(out, sharedPart{v: part, id: m.id, off: m.off + int64(s-m.start)})
	}
	return out
}

// guestCloexecFDs lists the guest's close-on-exec descriptors: the child
// clears the flag so they survive its execve, the resumed gemu sets it
// again. gemu's own descriptors (and skip, the state memfd) are left out.
func guestCloexecFDs(p *Process, skip int) []int32 {
	fds, _ := listFDs()
	var out []int32
	for _, fd := range fds {
		if fd == skip || isInternal(fd) || p.Backing.isShared(fd) {
			continue
		}
		f, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err == nil && f&unix.FD_CLOEXEC != 0 {
			out = append(out, int32(fd))
		}
	}
	return out
}

// writeForkState writes the header and the state; it returns where the
// memory area starts.
func writeForkState(fd int, st *forkState) (int64, error) {
	state := encodeForkState(st)
	out := make([]byte, 16, 16+len(state))
	copy(out, forkMagic)
	binary.LittleEndian.PutUint64(out[8:], uint64(len(state)))
	out = append(out, state...)
	for off := 0; off < len(out); {
		n, err := unix.Pwrite(fd, out[off:], int64(off))
		if err != nil {
			return 0, err
		}
		off += n
	}
	return int64(PageUp(uint64(len(out)))), nil
}

// NsFlags are the namespace flags of clone and unshare
// (include/uapi/linux/sched.h); CLONE_NEWTIME shares its bit with the
// exit signal in clone, so only unshare and clone3 have it.
const NsFlags = linux.CloneNewns | linux.CloneNewcgroup | linux.CloneNewuts | linux.CloneNewipc |
	linux.CloneNewuser | linux.CloneNewpid | linux.CloneNewnet | CloneNewtime

// CloneNewtime stands for clone3's CLONE_NEWTIME (0x80) among clone's
// flags, where 0x80 belongs to the exit signal; hostClone makes a host
// clone3 of it.
const CloneNewtime = 1 << 62

const CloneClearSighand = 0x100000000
