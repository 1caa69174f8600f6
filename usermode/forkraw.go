package usermode

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The host side of fork (fork.go): a raw clone whose child runs only
// system calls, like Go's own forkAndExecInChild (syscall/exec_linux.go):
// //go:nosplit so the stack never grows, no allocation, no write
// barriers, no runtime calls, every signal blocked until execve. All the
// data the child reads is prepared by the parent in a forkJob.

// copyRange is a private guest mapping the child writes into the memfd.
type copyRange struct {
	host   unsafe.Pointer // host address
	length uintptr
	off    int64 // offset in the memory area of the memfd
	anon   bool  // anonymous: pages never touched need not be read
	// cowOnly: file-backed, and the child maps the file: only the pages
	// the process changed (anonymous copies) are written.
	cowOnly bool
	noRead  bool // host PROT_NONE: made readable first
}

// forkJob is everything the raw child uses.
type forkJob struct {
	exe       hostExe
	args, env []string
	argvp     []*byte
	envp      []*byte
	ranges    []copyRange
	fds       []int32 // descriptors whose FD_CLOEXEC the child clears
	mfd       int
	data      int64    // start of the memory area in the memfd
	procRoot  uintptr  // the host's procfs (hostProcRoot)
	pagemap   *byte    // "self/pagemap", in procRoot
	buf       []uint64 // pagemap entries
	msg       []byte
	hold      uint64 // heldAcrossExec, added to the mask for the execve
	// shareVM: the child shares the parent's memory until its execve
	// (vforkRaw) instead of copying the parent's page tables.
	shareVM bool
}

// pagemapBatch is how many pages' /proc/self/pagemap entries are read at once.
const pagemapBatch = 512

// setup fills in the job; nothing is allocated after this.
func (j *forkJob) setup(ranges []copyRange, data int64, mfd int, fds []int32, env []string) error {
	var err error
	if j.argvp, err = syscall.SlicePtrFromStrings(j.args); err != nil {
		return err
	}
	if j.envp, err = syscall.SlicePtrFromStrings(env); err != nil {
		return err
	}
	root, err := HostProcRoot()
	if err != nil {
		return err
	}
	j.procRoot = uintptr(root)
	if j.pagemap, err = syscall.BytePtrFromString("self/pagemap"); err != nil {
		return err
	}
	j.ranges, j.data, j.mfd, j.fds = ranges, data, mfd, append(fds, int32(mfd))
	j.buf = make([]uint64, pagemapBatch)
	j.msg = []byte("gemu: fork: cannot execute gemu again in the child\n")
	j.hold = HeldAcrossExec()
	if j.shareVM && vforkStack == nil {
		if vforkStack, err = unix.Mmap(-1, 0, vforkStackSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS); err != nil {
			j.shareVM = false
		}
	}
	return nil
}

// forkRaw clones the host process (flags: the exit signal and namespace
// flags) and runs the child side; in the parent it returns the child's pid.
//
//go:nosplit
//go:norace
func forkRaw(j *forkJob, flags uintptr) (int, unix.Errno) {
	if j.shareVM {
		return vforkRaw(j, flags)
	}
	all := ^uint64(0)
	var old uint64
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&all)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	r, e := hostClone(flags)
	if e == 0 && r == 0 {
		forkChild(j, &old)
	}
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	return int(r), unix.Errno(e)
}

// hostClone is a copy-on-write clone with flags (the exit signal in the
// low byte); with CloneNewtime it is a clone3 with CLONE_NEWTIME
// (struct clone_args: flags at 0, exit_signal at 32; no stack: as fork).
//
//go:nosplit
//go:norace
func hostClone(flags uintptr) (uintptr, syscall.Errno) {
	if flags&CloneNewtime == 0 {
		r, _, e := syscall.RawSyscall6(syscall.SYS_CLONE, flags, 0, 0, 0, 0, 0)
		return r, e
	}
	var args [11]uint64
	args[0] = uint64(flags&^(CloneNewtime|0xff)) | 0x80
	args[4] = uint64(flags & 0xff)
	r, _, e := syscall.RawSyscall6(unix.SYS_CLONE3, uintptr(unsafe.Pointer(&args)), unsafe.Sizeof(args), 0, 0, 0, 0)
	return r, e
}

// Host clone flags (include/uapi/linux/sched.h).
const (
	cloneVM    = 0x100
	cloneVfork = 0x4000
)

// vforkStack is the stack vforkRaw's child runs on: outside Go's heap,
// one for all forks (the parent waits until its child has exec'd).
var vforkStack []byte

const vforkStackSize = 64 << 10

func vforkClone(flags, stack uintptr, j *forkJob, mask *uint64) (pid, errno uintptr)

// vforkRaw is forkRaw whose child shares the parent's memory, as vfork(2)
// does, until its execve: no copy of the page tables at the clone, no
// copy-on-write faults in the parent after it (each with a TLB shootdown
// across the host CPUs), no teardown of a copied address space at the
// child's execve. The parent's thread waits in clone meanwhile, and the
// child writes only the memfd and its own stack (vforkStack); it runs
// while no other guest thread can change guest memory (Thread.fork).
// Ranges the child makes readable are made PROT_NONE again here. Not
// nosplit: the child does not run on this stack.
//
//go:norace
func vforkRaw(j *forkJob, flags uintptr) (int, unix.Errno) {
	all := ^uint64(0)
	var old uint64
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&all)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	top := uintptr(unsafe.Pointer(unsafe.SliceData(vforkStack))) + vforkStackSize
	pid, e := vforkClone(flags|cloneVM|cloneVfork, (top-64)&^15, j, &old)
	for i := 0; i < len(j.ranges); i++ {
		r := (*copyRange)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(j.ranges)), uintptr(i)*unsafe.Sizeof(copyRange{})))
		if r.noRead {
			syscall.RawSyscall(syscall.SYS_MPROTECT, uintptr(r.host), r.length, unix.PROT_NONE)
		}
	}
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	return int(pid), unix.Errno(e)
}

// forkChild writes guest memory, prepares the descriptors and signals,
// and execs gemu; it never returns.
//
//go:nosplit
//go:norace
func forkChild(j *forkJob, mask *uint64) {
	pm, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, j.procRoot, uintptr(unsafe.Pointer(j.pagemap)), unix.O_RDONLY|unix.O_CLOEXEC, 0, 0, 0)
	if e != 0 {
		pm = ^uintptr(0)
	}
	ok := true
	for i := 0; i < len(j.ranges) && ok; i++ {
		r := (*copyRange)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(j.ranges)), uintptr(i)*unsafe.Sizeof(copyRange{})))
		if r.noRead {
			syscall.RawSyscall(syscall.SYS_MPROTECT, uintptr(r.host), r.length, unix.PROT_READ)
		}
		ok = copyOut(j, r, pm)
	}
	if ok {
		for i := 0; i < len(j.fds); i++ {
			fd := *(*int32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(j.fds)), uintptr(i)*4))
			syscall.RawSyscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_SETFD, 0)
		}
		defaultSignals()
		held := *mask | j.hold
		syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&held)), 0, 8, 0, 0)
		syscall.RawSyscall6(unix.SYS_EXECVEAT, j.exe.dirfd, uintptr(unsafe.Pointer(j.exe.path)),
			uintptr(unsafe.Pointer(unsafe.SliceData(j.argvp))), uintptr(unsafe.Pointer(unsafe.SliceData(j.envp))), j.exe.flags, 0)
	}
	syscall.RawSyscall(syscall.SYS_WRITE, 2, uintptr(unsafe.Pointer(unsafe.SliceData(j.msg))), uintptr(len(j.msg)))
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 127, 0, 0)
	}
}

// defaultSignals resets caught signals to SIG_DFL (ignored ones stay
// ignored), so that none reaches a Go handler once the mask is restored;
// execve would reset them anyway (signal(7)). x86_64 struct
// kernel_sigaction is {handler, flags, restorer, mask}.
//
//go:nosplit
//go:norace
func defaultSignals() {
	var dfl, old [4]uint64
	for sig := uintptr(1); sig <= 64; sig++ {
		if sig == uintptr(unix.SIGKILL) || sig == uintptr(unix.SIGSTOP) {
			continue
		}
		_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, sig, 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0)
		if e == 0 && old[0] != 1 { // SIG_IGN
			syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
		}
	}
}

// copyOut writes the pages of r that may hold data into the memfd: pages
// of an anonymous mapping that are neither present nor swapped were never
// written (proc(5) /proc/pid/pagemap: bit 63 present, bit 62 swapped), and
// all-zero pages are left as holes, which read back as zeros. File-backed
// ranges are copied whole (copyFile).
//
//go:nosplit
//go:norace
func copyOut(j *forkJob, r *copyRange, pm uintptr) bool {
	const page = 4096
	if !r.anon && !r.cowOnly {
		return copyFile(j, r, 0, r.length)
	}
	buf := unsafe.Pointer(unsafe.SliceData(j.buf))
	run, runLen := r.host, uintptr(0)
	for done := uintptr(0); done < r.length; done += pagemapBatch * page {
		n := min(r.length-done, pagemapBatch*page) / page
		known := false
		if pm != ^uintptr(0) {
			got, _, e := syscall.RawSyscall6(syscall.SYS_PREAD64, pm, uintptr(buf), n*8, uintptr(unsafe.Add(r.host, done))/page*8, 0, 0)
			known = e == 0 && got == n*8
		}
		if r.cowOnly && !known {
			// Which pages changed is unknown: all of them go.
			if (runLen != 0 && !writeRun(j, r, run, runLen)) || !copyFile(j, r, done, min(r.length, done+n*page)) {
				return false
			}
			runLen = 0
			continue
		}
		for k := uintptr(0); k < n; k++ {
			addr := unsafe.Add(r.host, done+k*page)
			entry := *(*uint64)(unsafe.Add(buf, k*8))
			var keep bool
			switch {
			case r.cowOnly:
				// proc(5) pagemap: bit 63 present, 62 swapped, 61 a file
				// page. A present page that is no file page is a private copy.
				keep = entry&(1<<63) != 0 && entry&(1<<61) == 0 || entry&(1<<62) != 0
			default:
				keep = (!known || entry&(3<<62) != 0) && !zeroPage(addr)
			}
			if keep {
				if runLen == 0 {
					run = addr
				}
				runLen += page
				continue
			}
			if runLen != 0 && !writeRun(j, r, run, runLen) {
				return false
			}
			runLen = 0
		}
	}
	return runLen == 0 || writeRun(j, r, run, runLen)
}

// copyFile writes [from, to) of a file-backed range through the kernel, which
// reports EFAULT where a read would raise SIGBUS (pages beyond the end of
// the file, mmap(2)); those pages are left out.
//
//go:nosplit
//go:norace
func copyFile(j *forkJob, r *copyRange, from, to uintptr) bool {
	const page = 4096
	for done := from; done < to; {
		addr := unsafe.Add(r.host, done)
		w, _, e := syscall.RawSyscall6(syscall.SYS_PWRITE64, uintptr(j.mfd), uintptr(addr), to-done,
			uintptr(j.data+r.off)+done, 0, 0)
		switch {
		case e == syscall.EINTR:
		case e == syscall.EFAULT || (e == 0 && w == 0):
			done = (done + page) &^ (page - 1)
		case e != 0:
			return false
		default:
			done += w
		}
	}
	return true
}

// zeroPage reports whether the page at addr holds only zeros.
//
//go:nosplit
//go:norace
func zeroPage(addr unsafe.Pointer) bool {
	for i := uintptr(0); i < 4096; i += 8 {
		if *(*uint64)(unsafe.Add(addr, i)) != 0 {
			return false
		}
	}
	return true
}

// writeRun writes host bytes [addr, addr+n) of r to their place in the memfd.
//
//go:nosplit
//go:norace
func writeRun(j *forkJob, r *copyRange, addr unsafe.Pointer, n uintptr) bool {
	off := uintptr(j.data+r.off) + (uintptr(addr) - uintptr(r.host))
	for n > 0 {
		w, _, e := syscall.RawSyscall6(syscall.SYS_PWRITE64, uintptr(j.mfd), uintptr(addr), n, off, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 || w == 0 {
			return false
		}
		addr, n, off = unsafe.Add(addr, w), n-w, off+w
	}
	return true
}
