package linuxuser

import (
	"encoding/binary"
	"runtime"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// The futex2 calls (kernel/futex/syscalls.c) on the host futex words of
// the guest's: the word's size is FUTEX2_SIZE_* in the flags, and struct
// futex_waitv {u64 val; u64 uaddr; u32 flags; u32 reserved} carries guest
// addresses that become host ones (include/uapi/linux/futex.h). vmsplice
// takes a guest iovec array as readv does.

const (
	futexWaitvSize = 24
	futexWaitvMax  = 128 // FUTEX_WAITV_MAX
	futex2SizeMask = 3   // FUTEX2_SIZE_U8..U64
)

func init() {
	register(
		row{"futex_wake", sysFutexWake, kinds(aPtr, aHex, aInt, aHex), syscalls.RetInt, syscalls.Full,
			"host futex on the guest word"},
		row{"futex_wait", sysFutexWait, kinds(aPtr, aHex, aHex, aHex, aPtr, aInt), syscalls.RetInt, syscalls.Full,
			"host futex on the guest word, interruptible"},
		row{"futex_waitv", sysFutexWaitv, kinds(aPtr, aInt, aHex, aPtr, aInt), syscalls.RetInt, syscalls.Full,
			"host futexes on the guest words, interruptible"},
		row{"futex_requeue", sysFutexRequeue, kinds(aPtr, aHex, aInt, aInt), syscalls.RetInt, syscalls.Full,
			"host futexes on the guest words"},
		row{"vmsplice", sysVmsplice, kinds(aInt, aPtr, aInt, aHex), syscalls.RetInt, syscalls.Full,
			"the guest's iovecs as host ones, interruptible"},
	)
}

// futex2Ptr is the host view of a guest futex word of the size flags say.
func futex2Ptr(t *Thread, addr, flags uint64) uintptr {
	p := t.UserRange(addr, 1<<(flags&futex2SizeMask))
	if p == usermode.BadUserPtr {
		p |= uintptr(addr & 7) // the host checks the alignment first
	}
	return p
}

func sysFutexWake(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_FUTEX_WAKE, futex2Ptr(t, a[0], a[3]), uintptr(a[1]), uintptr(int32(a[2])), uintptr(uint32(a[3])), 0, 0))
}

// sysFutexWait is futex_wait(uaddr, val, mask, flags, timeout, clockid):
// an absolute timeout, so an interrupted wait restarts under SA_RESTART
// (kernel/futex/syscalls.c returns -ERESTARTSYS for it).
func sysFutexWait(t *Thread, a *Args) uint64 {
	host, ts := futex2Ptr(t, a[0], a[3]), t.UserRange(a[4], linux.TimespecSize)
	return t.Interruptible(usermode.RestartSys, func() (int, error) {
		return usermode.Raw(unix.SYS_FUTEX_WAIT, host, uintptr(a[1]), uintptr(a[2]), uintptr(uint32(a[3])), ts, uintptr(int32(a[5])))
	})
}

// hostWaitv copies n guest struct futex_waitv with host word addresses;
// the host checks the rest (flags, alignment, reserved) in its order. An
// array the guest cannot read goes as its host view, which the host fails.
func hostWaitv(t *Thread, addr, n uint64) ([]byte, uintptr) {
	if n == 0 || n > futexWaitvMax {
		return nil, t.UserRange(addr, futexWaitvSize)
	}
	b, err := t.ReadBytes(addr, n*futexWaitvSize)
	if err != nil {
		return nil, t.UserRange(addr, n*futexWaitvSize)
	}
	le := binary.LittleEndian
	for i := uint64(0); i < n; i++ {
		w := b[i*futexWaitvSize:]
		le.PutUint64(w[8:], uint64(futex2Ptr(t, le.Uint64(w[8:]), uint64(le.Uint32(w[16:])))))
	}
	return b, uintptr(unsafe.Pointer(&b[0]))
}

func sysFutexWaitv(t *Thread, a *Args) uint64 {
	b, p := hostWaitv(t, a[0], uint64(uint32(a[1])))
	ts := t.UserRange(a[3], linux.TimespecSize)
	r := t.Interruptible(usermode.RestartSys, func() (int, error) {
		return usermode.Raw(unix.SYS_FUTEX_WAITV, p, uintptr(uint32(a[1])), uintptr(uint32(a[2])), ts, uintptr(int32(a[4])), 0)
	})
	runtime.KeepAlive(b)
	return r
}

// sysFutexRequeue is futex_requeue(waiters[2], flags, nr_wake, nr_requeue).
func sysFutexRequeue(t *Thread, a *Args) uint64 {
	b, p := hostWaitv(t, a[0], 2)
	r := usermode.Ret(usermode.Raw(unix.SYS_FUTEX_REQUEUE, p, uintptr(uint32(a[1])), uintptr(int32(a[2])), uintptr(int32(a[3])), 0, 0))
	runtime.KeepAlive(b)
	return r
}

func sysVmsplice(t *Thread, a *Args) uint64 {
	fd := fdArg(a[0])
	iov, p := t.HostIovecs(a[1], a[2])
	r := t.Interruptible(usermode.RestartSys, func() (int, error) {
		return usermode.Raw(unix.SYS_VMSPLICE, uintptr(fd), p, uintptr(a[2]), uintptr(uint32(a[3])), 0, 0)
	})
	runtime.KeepAlive(iov)
	return r
}
