package linuxuser

import (
	"time"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

func init() {
	clk := syscalls.ArgClockID
	register(
		row{"clock_gettime", sysClockGettime, kinds(clk, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"clock_getres", sysClockGetres, kinds(clk, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"gettimeofday", sysGettimeofday, kinds(aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"nanosleep", sysNanosleep, kinds(syscalls.ArgTimespec, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"clock_nanosleep", sysClockNanosleep, kinds(clk, aInt, syscalls.ArgTimespec, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"getrusage", sysGetrusage, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"times", sysTimes, kinds(aPtr), syscalls.RetInt, syscalls.Full, ""},
	)
}

// putTimespec writes a struct timespec (or timeval: same 64-bit layout).
func putTimespec(t *Thread, addr uint64, sec, nsec int64) uint64 {
	var b [linux.TimespecSize]byte
	linux.Timespec{Sec: sec, Nsec: nsec}.Encode(b[:])
	return putBytes(t, addr, b[:])
}

func getTimespec(t *Thread, addr uint64) (unix.Timespec, uint64) {
	b, err := t.ReadBytes(addr, linux.TimespecSize)
	if err != nil {
		return unix.Timespec{}, usermode.Errno(unix.EFAULT)
	}
	g := linux.DecodeTimespec(b)
	return unix.Timespec{Sec: g.Sec, Nsec: g.Nsec}, 0
}

func sysClockGettime(t *Thread, a *Args) uint64 {
	if sec, nsec, ok := usermode.FastClock(int32(a[0])); ok {
		return putTimespec(t, a[1], sec, nsec)
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(int32(a[0]), &ts); err != nil {
		return usermode.ErrRet(err)
	}
	return putTimespec(t, a[1], ts.Sec, ts.Nsec)
}

func sysClockGetres(t *Thread, a *Args) uint64 {
	var ts unix.Timespec
	if err := unix.ClockGetres(int32(a[0]), &ts); err != nil {
		return usermode.ErrRet(err)
	}
	if a[1] == 0 {
		return 0
	}
	return putTimespec(t, a[1], ts.Sec, ts.Nsec)
}

func sysGettimeofday(t *Thread, a *Args) uint64 {
	if a[0] != 0 {
		now := time.Now()
		if e := putTimespec(t, a[0], now.Unix(), int64(now.Nanosecond()/1000)); e != 0 {
			return e
		}
	}
	if a[1] != 0 {
		// struct timezone {minuteswest, dsttime}: Linux keeps it zero by default.
		return putBytes(t, a[1], make([]byte, 8))
	}
	return 0
}

// sysNanosleep sleeps on the host, interruptibly: a guest signal ends it
// with EINTR and the time left (kernel/time/hrtimer.c: restart_block,
// which a handler turns into EINTR), or EFAULT when the time left cannot
// be written (nanosleep_copyout). Go's own signals only resume it.
func sysNanosleep(t *Thread, a *Args) uint64 {
	req, e := getTimespec(t, a[0])
	if e != 0 {
		return e
	}
	if req.Nsec < 0 || req.Nsec >= 1e9 || req.Sec < 0 {
		return usermode.Errno(unix.EINVAL)
	}
	return sleep(t, unix.CLOCK_MONOTONIC, 0, req, a[1])
}

// timerAbstime is TIMER_ABSTIME (Linux include/uapi/linux/time.h).
const timerAbstime = 1

// sysClockNanosleep: a request gemu cannot read goes to the host as a
// faulting pointer, so a bad clock is still EINVAL before the EFAULT
// (kernel/time/posix-timers.c checks the clock first).
func sysClockNanosleep(t *Thread, a *Args) uint64 {
	req, e := getTimespec(t, a[2])
	if e != 0 {
		return hostNanosleep(a[0], a[1], t.UserRange(a[2], linux.TimespecSize), 0)
	}
	return sleep(t, a[0], a[1], req, a[3])
}

// sleep is clock_nanosleep(clock, flags, req, rem) on the host; the time
// left goes to guest rem (relative sleeps only) when a guest signal ends it.
func sleep(t *Thread, clock, flags uint64, req unix.Timespec, rem uint64) uint64 {
	for {
		left := req
		r := usermode.Errno(unix.EINTR) // also when a pending signal stops hostCall from sleeping
		t.HostCall(func() error {
			r = hostNanosleep(clock, flags, uintptr(unsafe.Pointer(&req)), uintptr(unsafe.Pointer(&left)))
			if r == usermode.Errno(unix.EINTR) {
				return unix.EINTR
			}
			return nil
		})
		switch {
		case r != usermode.Errno(unix.EINTR):
			return r
		case t.SigReady():
			if flags&timerAbstime == 0 && rem != 0 && putTimespec(t, rem, left.Sec, left.Nsec) != 0 {
				return usermode.Errno(unix.EFAULT)
			}
			return usermode.RestartNoHand
		case flags&timerAbstime == 0:
			req = left
		}
	}
}

func hostNanosleep(clock, flags uint64, req, rem uintptr) uint64 {
	_, _, e := unix.Syscall6(unix.SYS_CLOCK_NANOSLEEP, uintptr(clock), uintptr(flags), req, rem, 0, 0)
	if e != 0 {
		return usermode.Errno(e)
	}
	return 0
}

// struct rusage is 144 bytes with the same layout on x86_64 and the 64-bit
// targets (Linux include/uapi/linux/resource.h).
const rusageSize = 144

func sysGetrusage(t *Thread, a *Args) uint64 {
	var ru unix.Rusage
	if err := unix.Getrusage(int(int32(a[0])), &ru); err != nil {
		return usermode.ErrRet(err)
	}
	return putBytes(t, a[1], usermode.StructBytes(&ru)[:rusageSize])
}

// struct tms: four clock_t (Linux include/uapi/linux/times.h).
func sysTimes(t *Thread, a *Args) uint64 {
	var tms unix.Tms
	r, err := unix.Times(&tms)
	if err != nil {
		return usermode.ErrRet(err)
	}
	if a[0] != 0 {
		if e := putBytes(t, a[0], usermode.StructBytes(&tms)[:32]); e != 0 {
			return e
		}
	}
	return uint64(r)
}
