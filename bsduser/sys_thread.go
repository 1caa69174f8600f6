package bsduser

import (
	"math"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

func init() {
	register(
		def("thr_new", sysThrNew, aPtr, aInt),
		noReturn("thr_exit", sysThrExit, aPtr),
		def("thr_self", sysThrSelf, aPtr),
		def("thr_kill", sysThrKill, aInt, aInt),
		def("thr_set_name", sysThrSetName, aInt, aStr),
		def("sched_yield", func(t *Thread, a *Args) uint64 { runtime.Gosched(); return 0 }),
		partial("_umtx_op", sysUmtxOp, "WAIT, WAIT_UINT(_PRIVATE), WAKE(_PRIVATE), NWAKE_PRIVATE; not the mutex, condition, rwlock and semaphore operations",
			aPtr, aInt, aHex, aPtr, aPtr),
		def("cpuset_getaffinity", sysCpusetGetaffinity, aInt, aInt, aInt, aInt, aPtr),
	)
}

// sysThrNew starts a thread as sys/kern/kern_thr.c thread_create and
// cpu_set_upcall do: the argument in the first argument register, the
// stack at stack_base+stack_size aligned down to 16, the entry in the
// link register too, the TLS pointer set; the new thread's id is stored
// (as a long) at child_tid and parent_tid before either thread runs on.
func sysThrNew(t *Thread, a *Args) uint64 {
	if a[1] < 80 || a[1] > freebsd.ThrParamSize {
		return usermode.Errno(unix.EINVAL)
	}
	b, err := t.ReadBytes(a[0], a[1])
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	tp := freebsd.DecodeThrParam(b)
	p := t.P
	conv, err := conventionFor(p.Arch())
	if err != nil {
		return usermode.Errno(unix.EINVAL)
	}
	child := t.CPU.Clone()
	child.PC = tp.StartFunc
	child.R[conv.arg0] = tp.Arg
	child.R[conv.link] = tp.StartFunc
	p.Arch().SetSP(child, (tp.StackBase+tp.StackSize)&^15)
	if tp.TLSBase != 0 {
		p.Arch().SetTLS(child, tp.TLSBase+tlsOffset(p.Arch().Name()))
	}
	var fault bool
	t.StartThread(child, func(nt *Thread) {
		for _, at := range []uint64{tp.ChildTID, tp.ParentTID} {
			if at != 0 && storeLong(nt, at, uint64(nt.TID)) != nil {
				fault = true
			}
		}
	})
	if fault {
		return usermode.Errno(unix.EFAULT)
	}
	return 0
}

// tlsOffset is what cpu_set_user_tls adds to the TLS base: riscv's tp
// points TP_OFFSET (16) past it (FreeBSD sys/riscv/include/tls.h).
func tlsOffset(arch string) uint64 {
	if arch == "riscv64" {
		return 16
	}
	return 0
}

// storeLong writes a guest long.
func storeLong(t *Thread, addr, v uint64) error {
	var b [8]byte
	le.PutUint64(b[:], v)
	return t.WriteBytes(addr, b[:])
}

// sysThrExit ends the thread: *state, when given, becomes 1 and its
// waiters are woken (kern_thr.c kern_thr_exit: suword_lwpid and
// kern_umtx_wake); the last thread's exit ends the process with 0.
func sysThrExit(t *Thread, a *Args) uint64 {
	if a[0] != 0 && storeLong(t, a[0], 1) == nil {
		umtxWake(t, a[0], math.MaxInt32, privateKey(t, a[0], false))
	}
	t.Exited = true
	t.NoResult = true
	return 0
}

func sysThrSelf(t *Thread, a *Args) uint64 {
	return usermode.OK(storeLong(t, a[0], uint64(t.TID)))
}

// sysThrKill signals a thread of this process; signal 0 checks that it
// exists (kern_thr.c sys_thr_kill: ESRCH otherwise).
func sysThrKill(t *Thread, a *Args) uint64 {
	sig, e := hostSignal(a[1])
	if e != 0 {
		return e
	}
	target := t.P.Thread(int(a[0]))
	if target == nil {
		return usermode.Errno(unix.ESRCH)
	}
	if sig == 0 {
		return 0
	}
	t.P.Send(target, t, t.SenderInfo(sig, siLWP))
	return 0
}

// siLWP is Linux's SI_TKILL, which a FreeBSD siginfo shows as SI_LWP.
const siLWP = usermode.SiTkill

// sysThrSetName names the host thread when the target is the caller.
func sysThrSetName(t *Thread, a *Args) uint64 {
	name, e := t.ReadPath(a[1])
	if e != 0 {
		return e
	}
	if id := int64(a[0]); id != -1 && id != int64(t.TID) {
		if t.P.Thread(int(id)) == nil {
			return usermode.Errno(unix.ESRCH)
		}
		return 0
	}
	if len(name) > 15 {
		name = name[:15]
	}
	b := append([]byte(name), 0)
	unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&b[0])), 0, 0, 0)
	return 0
}

// sysCpusetGetaffinity answers for this process and its threads with
// the host's affinity, in FreeBSD's cpuset_t bit order (the same as
// Linux's cpu_set_t: bit n of word n/64).
func sysCpusetGetaffinity(t *Thread, a *Args) uint64 {
	size := a[3]
	if size%8 != 0 || size == 0 || size > 4096 {
		return usermode.Errno(unix.ERANGE)
	}
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return usermode.ErrRet(err)
	}
	out := make([]byte, size)
	copy(out, usermode.StructBytes(&set))
	return usermode.OK(t.WriteBytes(a[4], out))
}
