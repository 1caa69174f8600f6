package bsduser

import (
	"math"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"
)

// _umtx_op operations (FreeBSD sys/sys/umtx.h).
const (
	umtxOpWait            = 2
	umtxOpWake            = 3
	umtxOpWaitUint        = 11
	umtxOpWaitUintPrivate = 15
	umtxOpWakePrivate     = 16
	umtxOpNwakePrivate    = 21
)

// sysUmtxOp maps the wait and wake operations onto the host futex of the
// guest word. A wait whose word differs returns 0, not an error
// (sys/kern/kern_umtx.c do_wait); UMTX_OP_WAIT compares a long, of which
// the host futex sees the low 32 bits (a little-endian guest's first word).
func sysUmtxOp(t *Thread, a *Args) uint64 {
	obj, op, val := a[0], int(int32(a[1])), a[2]
	switch op {
	case umtxOpWait, umtxOpWaitUint, umtxOpWaitUintPrivate:
		return umtxWait(t, obj, uint32(val), privateKey(t, obj, op == umtxOpWaitUintPrivate), a[3], a[4])
	case umtxOpWake, umtxOpWakePrivate:
		return umtxWake(t, obj, val, privateKey(t, obj, op == umtxOpWakePrivate))
	case umtxOpNwakePrivate:
		return umtxNwake(t, obj, val)
	}
	t.P.Unimp("gemu: FreeBSD _umtx_op %d not supported", op)
	return usermode.Errno(unix.EINVAL)
}

// privateKey says whether the host futex is private: FreeBSD's shared
// operations on a private mapping use a private key too (kern_umtx.c
// umtx_key_get with AUTO_SHARE), and Linux matches a private waker only
// with private waiters, so only words in shared mappings are shared.
func privateKey(t *Thread, obj uint64, private bool) bool {
	return private || !t.P.AS.SharedAt(obj)
}

func futexOp(op int, private bool) uintptr {
	if private {
		op |= linux.FutexPrivateFlag
	}
	return uintptr(op)
}

// umtxWait waits while the word holds val. The timeout, when given, is a
// struct timespec (relative) or, when size says so, a struct _umtx_time
// with its clock and UMTX_ABSTIME flag.
func umtxWait(t *Thread, obj uint64, val uint32, private bool, size, tsAddr uint64) uint64 {
	if obj&3 != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	op := futexOp(linux.FutexWait, private)
	var ts unix.Timespec
	var tsp unsafe.Pointer
	if tsAddr != 0 {
		n := min(max(size, 16), freebsd.UmtxTimeSize)
		b, err := t.ReadBytes(tsAddr, n)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		ut := freebsd.UmtxTime{}
		if size >= freebsd.UmtxTimeSize {
			ut = freebsd.DecodeUmtxTime(b)
		} else {
			ut.Sec, ut.Nsec = freebsd.DecodeTimespec(b)
		}
		if ut.Nsec < 0 || ut.Nsec >= 1e9 || ut.Sec < 0 {
			return usermode.Errno(unix.EINVAL)
		}
		ts, tsp = unix.Timespec{Sec: ut.Sec, Nsec: ut.Nsec}, unsafe.Pointer(&ts)
		if ut.Flags&freebsd.UMTX_ABSTIME != 0 {
			// An absolute wait: FUTEX_WAIT_BITSET measures against
			// CLOCK_MONOTONIC, or CLOCK_REALTIME with its flag.
			op = futexOp(linux.FutexWaitBitset, private)
			if id, _ := freebsd.ClockToLinux(int(ut.ClockID)); id == unix.CLOCK_REALTIME {
				op |= linux.FutexClockRealtime
			}
		}
	}
	host := t.UserRange(obj, 4)
	r := t.Interruptible(usermode.RestartSys, func() (int, error) {
		_, _, e := unix.Syscall6(unix.SYS_FUTEX, host, op, uintptr(val), uintptr(tsp), 0, math.MaxUint32)
		if e != 0 {
			return 0, e
		}
		return 0, nil
	})
	runtime.KeepAlive(&ts)
	if r == usermode.Errno(unix.EAGAIN) {
		return 0 // the word changed before the wait
	}
	return r
}

// umtxWake wakes up to n waiters (INT_MAX: all).
func umtxWake(t *Thread, obj, n uint64, private bool) uint64 {
	count := uintptr(min(n, math.MaxInt32))
	_, _, e := unix.Syscall6(unix.SYS_FUTEX, t.UserRange(obj, 4), futexOp(linux.FutexWake, private), count, 0, 0, 0)
	if e != 0 {
		return usermode.Errno(e)
	}
	return 0
}

// umtxNwake wakes every waiter on each of the n words whose addresses
// are in the array at obj.
func umtxNwake(t *Thread, obj, n uint64) uint64 {
	b, err := t.ReadBytes(obj, 8*min(n, 4096))
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	for i := 0; i+8 <= len(b); i += 8 {
		umtxWake(t, le.Uint64(b[i:]), math.MaxInt32, true)
	}
	return 0
}
