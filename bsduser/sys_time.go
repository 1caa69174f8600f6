package bsduser

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

func init() {
	register(
		def("clock_gettime", sysClockGettime, aInt, aPtr),
		def("clock_getres", sysClockGetres, aInt, aPtr),
		def("gettimeofday", sysGettimeofday, aPtr, aPtr),
		def("nanosleep", sysNanosleep, aPtr, aPtr),
		def("clock_nanosleep", sysClockNanosleep, aInt, aHex, aPtr, aPtr),
	)
}

func clockArg(v uint64) (int, uint64) {
	id, ok := freebsd.ClockToLinux(int(int32(v)))
	if !ok {
		return 0, usermode.Errno(unix.EINVAL)
	}
	return id, 0
}

func putTimespec(t *Thread, addr uint64, ts unix.Timespec) uint64 {
	return usermode.OK(t.WriteBytes(addr, freebsd.TimespecBytes(ts.Sec, ts.Nsec)))
}

func sysClockGettime(t *Thread, a *Args) uint64 {
	id, e := clockArg(a[0])
	if e != 0 {
		return e
	}
	if sec, nsec, ok := usermode.FastClock(int32(id)); ok {
		return putTimespec(t, a[1], unix.Timespec{Sec: sec, Nsec: nsec})
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(int32(id), &ts); err != nil {
		return usermode.ErrRet(err)
	}
	return putTimespec(t, a[1], ts)
}

func sysClockGetres(t *Thread, a *Args) uint64 {
	id, e := clockArg(a[0])
	if e != 0 {
		return e
	}
	var ts unix.Timespec
	if err := unix.ClockGetres(int32(id), &ts); err != nil {
		return usermode.ErrRet(err)
	}
	if a[1] == 0 {
		return 0
	}
	return putTimespec(t, a[1], ts)
}

// sysGettimeofday: struct timeval is {time_t, suseconds_t (long)}; the
// time zone, when asked for, is zero (FreeBSD keeps none in the kernel).
func sysGettimeofday(t *Thread, a *Args) uint64 {
	var tv unix.Timeval
	if err := unix.Gettimeofday(&tv); err != nil {
		return usermode.ErrRet(err)
	}
	if a[0] != 0 && t.WriteBytes(a[0], usermode.StructBytes(&tv)) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	if a[1] != 0 && t.WriteBytes(a[1], make([]byte, 8)) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return 0
}

func sysNanosleep(t *Thread, a *Args) uint64 {
	return sleepCall(t, unix.CLOCK_MONOTONIC, 0, a[0], a[1])
}

// sysClockNanosleep returns its error instead of setting errno, as
// FreeBSD's does (sys/kern/kern_time.c sys_clock_nanosleep); the
// convention then reports success with the errno as the value.
func sysClockNanosleep(t *Thread, a *Args) uint64 {
	id, e := clockArg(a[0])
	if e == 0 {
		flags := 0
		if a[1]&1 != 0 { // TIMER_ABSTIME 1 (FreeBSD sys/sys/time.h)
			flags = unix.TIMER_ABSTIME
		}
		e = sleepCall(t, id, flags, a[2], a[3])
	}
	if usermode.IsErr(e) && e != usermode.RestartSys {
		return uint64(freebsd.ErrnoFromLinux(int(-int64(e))))
	}
	return e
}

// sleepCall sleeps on the host clock, interruptible by guest signals;
// the time left goes to rem when a signal ends it.
func sleepCall(t *Thread, clock, flags int, reqAddr, remAddr uint64) uint64 {
	b, err := t.ReadBytes(reqAddr, 16)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	sec, nsec := freebsd.DecodeTimespec(b)
	if nsec < 0 || nsec >= int64(time.Second) || sec < 0 {
		return usermode.Errno(unix.EINVAL)
	}
	req := unix.Timespec{Sec: sec, Nsec: nsec}
	var rem unix.Timespec
	r := t.Interruptible(usermode.RestartNoHand, func() (int, error) {
		return 0, unix.ClockNanosleep(int32(clock), flags, &req, &rem)
	})
	if r == usermode.RestartNoHand && remAddr != 0 && flags == 0 {
		putTimespec(t, remAddr, rem)
	}
	return r
}
