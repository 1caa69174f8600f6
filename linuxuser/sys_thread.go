package linuxuser

import (
	"encoding/binary"
	"runtime"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

func init() {
	register(
		row{"exit", sysExit, kinds(aInt), syscalls.RetNone, syscalls.Full, ""},
		row{"exit_group", sysExitGroup, kinds(aInt), syscalls.RetNone, syscalls.Full, ""},
		row{"clone", sysClone, kinds(syscalls.ArgCloneFlags, aPtr, aPtr, aPtr, aPtr), syscalls.RetInt, syscalls.Partial,
			"threads, vfork/posix_spawn (CLONE_VM|CLONE_VFORK), fork (re-executes gemu in the child)"},
		row{"clone3", sysClone3, kinds(aPtr, aLong), syscalls.RetInt, syscalls.Partial,
			"as clone, with CLONE_NEWTIME; set_tid and CLONE_INTO_CGROUP are ENOSYS"},
		row{"set_tid_address", sysSetTidAddress, kinds(aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"set_robust_list", sysSetRobustList, kinds(aPtr, aLong), syscalls.RetInt, syscalls.Partial,
			"recorded; not walked at thread death"},
		row{"get_robust_list", sysGetRobustList, kinds(aInt, aPtr, aPtr), syscalls.RetInt, syscalls.Partial,
			"this process's threads; another process's head is in its gemu (EPERM)"},
		row{"futex", sysFutex, kinds(aPtr, syscalls.ArgFutexOp, aInt, aPtr, aPtr, aInt), syscalls.RetInt, syscalls.Full,
			"host futex on the guest word"},
		row{"gettid", sysGettid, kinds(), syscalls.RetInt, syscalls.Full, ""},
		row{"getpid", sysGetpid, kinds(), syscalls.RetInt, syscalls.Full, ""},
		row{"getppid", sysGetppid, kinds(), syscalls.RetInt, syscalls.Full, ""},
		row{"sched_yield", sysSchedYield, kinds(), syscalls.RetInt, syscalls.Full, ""},
		row{"sched_getaffinity", sysSchedGetaffinity, kinds(aInt, aLong, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"sched_setaffinity", sysSchedSetaffinity, kinds(aInt, aLong, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"rseq", nil, nil, syscalls.RetInt, syscalls.Unimplemented, "ENOSYS: glibc runs without rseq"},
	)
}

func sysExit(t *Thread, a *Args) uint64 {
	t.Exited = true
	t.ExitCode = int(a[0] & 0xff)
	return 0
}

func sysExitGroup(t *Thread, a *Args) uint64 {
	t.Exited = true
	t.P.Exit(usermode.Status{Code: int(a[0] & 0xff)})
	return 0
}

// Clone flags a new guest thread may carry (glibc pthread_create, Go newosproc).
const threadFlags = linux.CloneVM | linux.CloneFS | linux.CloneFiles | linux.CloneSighand |
	linux.CloneThread | linux.CloneSysvsem | linux.CloneSettls | linux.CloneParentSettid |
	linux.CloneChildCleartid | linux.CloneChildSettid | linux.CloneDetached

// sysClone creates threads. Argument order is the generic one on riscv64
// and aarch64: flags, newsp, parent_tid, tls, child_tid (Linux kernel/fork.c).
func sysClone(t *Thread, a *Args) uint64 {
	flags, ptid := a[0]&(1<<32-1), a[2] // kernel/fork.c clone: lower_32_bits
	if flags&linux.ClonePidfd != 0 && flags&linux.CloneParentSettid != 0 {
		return usermode.Errno(unix.EINVAL) // both would use parent_tid (kernel/fork.c)
	}
	return cloneWith(t, flags, a[1], ptid, a[3], a[4], ptid)
}

// cloneWith is clone and clone3; pidfdAt is where CLONE_PIDFD stores the
// child's pidfd (parent_tid for clone, the pidfd field for clone3).
func cloneWith(t *Thread, flags, newsp, ptid, tls, ctid, pidfdAt uint64) uint64 {
	if flags&linux.ClonePidfd == 0 {
		return cloneProcess(t, flags, newsp, ptid, tls, ctid)
	}
	if flags&(linux.CloneThread|linux.CloneDetached) != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	// The kernel stores the pidfd before the child may run and makes no
	// child when it cannot (kernel/fork.c copy_process: put_user).
	if _, err := t.P.AS.Slice(pidfdAt, 4, translate.ProtWrite); err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	r := cloneProcess(t, flags&^linux.ClonePidfd, newsp, ptid, tls, ctid)
	if usermode.IsErr(r) {
		return r
	}
	// The child is gemu's host child and cannot be reaped before the guest
	// has its pid, so a pidfd opened now refers to it (pidfd_open(2)).
	fd, err := unix.PidfdOpen(int(r), 0)
	if err != nil {
		return usermode.ErrRet(err)
	}
	unix.CloseOnExec(fd)
	t.P.AS.Store32(pidfdAt, uint32(fd))
	return r
}

// cloneProcess creates a thread, a fork child or a vfork child.
func cloneProcess(t *Thread, flags, newsp, ptid, tls, ctid uint64) uint64 {
	if flags&linux.CloneVM != 0 && flags&linux.CloneVfork != 0 && flags&linux.CloneThread == 0 {
		defer landlockVforking(t)()
		return t.Vfork(flags, newsp, ptid, tls, ctid)
	}
	if flags&linux.CloneVM == 0 {
		return t.Fork(flags, newsp, ptid, tls, ctid)
	}
	if flags&linux.CloneThread == 0 {
		// TODO(#4): CLONE_VM processes other than vfork.
		t.P.Unimp("gemu: clone flags %#x not supported", flags)
		return usermode.Errno(unix.ENOSYS)
	}
	if flags&^uint64(threadFlags|0xff) != 0 || flags&linux.CloneSighand == 0 {
		return usermode.Errno(unix.EINVAL)
	}
	p := t.P
	child := t.CPU.Clone()
	p.Convention().SetSyscallResult(child, 0)
	if newsp != 0 {
		p.Arch().SetSP(child, newsp)
	}
	if flags&linux.CloneSettls != 0 {
		p.Arch().SetTLS(child, tls)
	}
	return uint64(t.StartThread(child, func(nt *Thread) {
		inheritLandlock(t, nt)
		if flags&linux.CloneParentSettid != 0 {
			p.AS.Store32(ptid, uint32(nt.TID))
		}
		if flags&linux.CloneChildSettid != 0 {
			p.AS.Store32(ctid, uint32(nt.TID))
		}
		if flags&linux.CloneChildCleartid != 0 {
			nt.ClearTID = ctid
		}
	}))
}

// readExtensible reads an extensible struct of size bytes (clone_args,
// open_how): at least minSize, at most a page, and zero past the known
// size, as the kernel's copy_struct_from_user requires (E2BIG otherwise).
func readExtensible(t *Thread, addr, size, minSize, known uint64) ([]byte, uint64) {
	if size < minSize {
		return nil, usermode.Errno(unix.EINVAL)
	}
	if size > translate.PageSize {
		return nil, usermode.Errno(unix.E2BIG)
	}
	b, err := t.ReadBytes(addr, size)
	if err != nil {
		return nil, usermode.Errno(unix.EFAULT)
	}
	for _, c := range b[min(size, known):] {
		if c != 0 {
			return nil, usermode.Errno(unix.E2BIG)
		}
	}
	return b, 0
}

// struct clone_args sizes and the clone3-only flags (Linux
// include/uapi/linux/sched.h).
const (
	cloneArgsSize0  = 64 // up to tls
	cloneArgsSize   = 88 // with set_tid, set_tid_size, cgroup
	maxPidNSLevel   = 32 // include/linux/pid_namespace.h MAX_PID_NS_LEVEL
	cloneIntoCgroup = 0x200000000
)

// sysClone3 decodes struct clone_args and goes the way of clone: the
// checks are kernel/fork.c copy_clone_args_from_user and
// clone3_args_valid; the new stack pointer is stack+stack_size, as on
// every architecture whose stack grows down.
func sysClone3(t *Thread, a *Args) uint64 {
	size := a[1]
	b, e := readExtensible(t, a[0], size, cloneArgsSize0, cloneArgsSize)
	if e != 0 {
		return e
	}
	var f [cloneArgsSize / 8]uint64
	for i := range f {
		if uint64(8*i+8) <= size {
			f[i] = binary.LittleEndian.Uint64(b[8*i:])
		}
	}
	flags, pidfd, ctid, ptid, sig, stack, stackSize, tls := f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]
	setTID, setTIDSize, cgroup := f[8], f[9], f[10]
	// kernel/fork.c: copy_clone_args_from_user checks set_tid, the exit
	// signal and the cgroup, then clone3_args_valid the flags.
	switch {
	case setTIDSize > maxPidNSLevel || (setTID == 0) != (setTIDSize == 0):
		return usermode.Errno(unix.EINVAL)
	case sig&^0xff != 0 || sig > linux.NSIG:
		return usermode.Errno(unix.EINVAL)
	case flags&cloneIntoCgroup != 0 && (cgroup > 1<<31-1 || size < cloneArgsSize):
		return usermode.Errno(unix.EINVAL)
	case flags&^(1<<32-1|usermode.CloneClearSighand|cloneIntoCgroup) != 0 ||
		flags&(linux.CloneDetached|0xff&^cloneNewtime) != 0: // clone3_args_valid
		return usermode.Errno(unix.EINVAL)
	case flags&(linux.CloneThread|linux.CloneParent) != 0 && sig != 0:
		return usermode.Errno(unix.EINVAL)
	case (stack == 0) != (stackSize == 0):
		return usermode.Errno(unix.EINVAL)
	case flags&usermode.CloneClearSighand != 0 && flags&linux.CloneSighand != 0:
		return usermode.Errno(unix.EINVAL)
	case flags&cloneIntoCgroup != 0:
		if _, err := unix.FcntlInt(uintptr(cgroup), unix.F_GETFD, 0); err != nil {
			return usermode.Errno(unix.EBADF) // kernel/cgroup/cgroup.c cgroup_css_set_fork
		}
		fallthrough
	case setTID != 0:
		t.P.Unimp("gemu: clone3 flags %#x (set_tid, cgroup) not supported", flags) // TODO(#4)
		return usermode.Errno(unix.ENOSYS)
	}
	newsp := uint64(0)
	if stack != 0 {
		newsp = stack + stackSize
	}
	if flags&cloneNewtime != 0 {
		flags = flags&^cloneNewtime | usermode.CloneNewtime
	}
	return cloneWith(t, flags|sig, newsp, ptid, tls, ctid, pidfd)
}

func sysSetTidAddress(t *Thread, a *Args) uint64 {
	t.ClearTID = a[0]
	return uint64(t.TID)
}

// robustListHeadSize is sizeof(struct robust_list_head) on 64-bit (Linux include/uapi/linux/futex.h).
const robustListHeadSize = 24

func sysSetRobustList(t *Thread, a *Args) uint64 {
	if a[1] != robustListHeadSize {
		return usermode.Errno(unix.EINVAL)
	}
	t.RobustList, t.RobustLen = a[0], a[1]
	return 0
}

// sysGetRobustList: the thread is looked up (ESRCH), then the length is
// written and the head (kernel/futex/syscalls.c). Another process's list
// is in its own gemu: EPERM.
func sysGetRobustList(t *Thread, a *Args) uint64 {
	target := t
	if pid := int(int32(a[0])); pid != 0 {
		target = t.P.Thread(pid)
		if target == nil {
			if unix.Kill(pid, 0) == unix.ESRCH || pid < 0 {
				return usermode.Errno(unix.ESRCH)
			}
			return usermode.Errno(unix.EPERM)
		}
	}
	if t.P.AS.Store64(a[2], robustListHeadSize) != nil || t.P.AS.Store64(a[1], target.RobustList) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return 0
}

// sysFutex runs the host futex on the host address of the guest word, so
// waiters and wakers in any thread (or process, for shared mappings) meet.
func sysFutex(t *Thread, a *Args) uint64 {
	// The host checks the words (alignment EINVAL, then EFAULT) after the
	// timeout, the clock flag and the command, as kernel/futex/syscalls.c
	// does: it gets their host views.
	uaddr, op, val, arg4, uaddr2, val3 := a[0], a[1], a[2], a[3], a[4], a[5]
	cmd := op &^ (linux.FutexPrivateFlag | linux.FutexClockRealtime)
	host, host2 := futexPtr(t, uaddr), uintptr(0)
	switch cmd {
	case linux.FutexRequeue, linux.FutexCmpRequeue, linux.FutexWakeOp, linux.FutexCmpRequeuePI,
		linux.FutexWaitRequeuePI:
		host2 = futexPtr(t, uaddr2)
	}
	switch cmd {
	case linux.FutexWait, linux.FutexWaitBitset, linux.FutexLockPI, linux.FutexLockPI2,
		linux.FutexWaitRequeuePI:
		return futexWait(t, host, op, val, arg4, host2, val3)
	}
	// arg4 is val2 (a count) for the other commands.
	r, _, e := unix.Syscall6(unix.SYS_FUTEX, host, uintptr(op), uintptr(val), uintptr(arg4), host2, uintptr(val3))
	if e != 0 {
		return usermode.Errno(e)
	}
	return uint64(r)
}

// futexPtr is the host view of a guest futex word; one beyond the address
// space keeps its misalignment, which the host checks first.
func futexPtr(t *Thread, addr uint64) uintptr {
	p := t.UserRange(addr, 4)
	if p == usermode.BadUserPtr {
		p |= uintptr(addr & 3)
	}
	return p
}

// futexWait copies the guest timeout (same struct timespec layout on
// 64-bit hosts and guests) and waits.
func futexWait(t *Thread, host uintptr, op, val, tsAddr uint64, host2 uintptr, val3 uint64) uint64 {
	var ts unix.Timespec
	var tsp unsafe.Pointer
	if tsAddr != 0 {
		b, err := t.ReadBytes(tsAddr, linux.TimespecSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		g := linux.DecodeTimespec(b)
		ts = unix.Timespec{Sec: g.Sec, Nsec: g.Nsec}
		tsp = unsafe.Pointer(&ts)
	}
	// Interrupted by a guest signal: ERESTARTSYS without a timeout,
	// restart_block (EINTR under a handler) with one (kernel/futex/waitwake.c).
	code := usermode.RestartSys
	if tsp != nil {
		code = usermode.RestartNoHand
	}
	r := t.Interruptible(code, func() (int, error) {
		r, _, e := unix.Syscall6(unix.SYS_FUTEX, host, uintptr(op), uintptr(val), uintptr(tsp), host2, uintptr(val3))
		if e != 0 {
			return 0, e
		}
		return int(r), nil
	})
	runtime.KeepAlive(&ts)
	return r
}

func sysGettid(t *Thread, a *Args) uint64 { return uint64(t.TID) }
func sysGetpid(t *Thread, a *Args) uint64 { return uint64(t.P.PID) }
func sysGetppid(t *Thread, a *Args) uint64 {
	if t.P.Vfork != nil {
		return uint64(t.P.Vfork.Parent.PID)
	}
	return uint64(unix.Getppid())
}

func sysSchedYield(t *Thread, a *Args) uint64 {
	unix.Syscall(unix.SYS_SCHED_YIELD, 0, 0, 0)
	return 0
}

// maxCPUSetBytes bounds the host buffer for affinity masks.
const maxCPUSetBytes = 8192

func sysSchedGetaffinity(t *Thread, a *Args) uint64 {
	n := min(a[1], maxCPUSetBytes)
	if n < 8 {
		return usermode.Errno(unix.EINVAL)
	}
	buf := make([]byte, n)
	r, _, e := unix.RawSyscall(unix.SYS_SCHED_GETAFFINITY, uintptr(a[0]), uintptr(n), uintptr(unsafe.Pointer(&buf[0])))
	if e != 0 {
		return usermode.Errno(e)
	}
	if t.WriteBytes(a[2], buf[:r]) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return uint64(r)
}

func sysSchedSetaffinity(t *Thread, a *Args) uint64 {
	if a[1] == 0 {
		return usermode.Errno(unix.EINVAL)
	}
	buf, err := t.ReadBytes(a[2], min(a[1], maxCPUSetBytes))
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	_, _, e := unix.RawSyscall(unix.SYS_SCHED_SETAFFINITY, uintptr(a[0]), uintptr(len(buf)), uintptr(unsafe.Pointer(&buf[0])))
	if e != 0 {
		return usermode.Errno(e)
	}
	return 0
}
