package linuxuser

import (
	"sync"
	"time"
	"unsafe"

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
func (t *Thread) putTimespec(addr uint64, sec, nsec int64) uint64 {
	var b [syscalls.TimespecSize]byte
	syscalls.Timespec{Sec: sec, Nsec: nsec}.Encode(b[:])
	return t.putBytes(addr, b[:])
}

func (t *Thread) getTimespec(addr uint64) (unix.Timespec, uint64) {
	b, err := t.readBytes(addr, syscalls.TimespecSize)
	if err != nil {
		return unix.Timespec{}, errno(unix.EFAULT)
	}
	g := syscalls.DecodeTimespec(b)
	return unix.Timespec{Sec: g.Sec, Nsec: g.Nsec}, 0
}

func sysClockGettime(t *Thread, a *Args) uint64 {
	if sec, nsec, ok := fastClock(int32(a[0])); ok {
		return t.putTimespec(a[1], sec, nsec)
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(int32(a[0]), &ts); err != nil {
		return errRet(err)
	}
	return t.putTimespec(a[1], ts.Sec, ts.Nsec)
}

// monoBase ties Go's monotonic clock to CLOCK_MONOTONIC: the host's
// value at monoStart, read between two time.Now calls.
var (
	monoOnce  sync.Once
	monoStart time.Time
	monoBase  int64 // nanoseconds
)

// fastClock reads CLOCK_REALTIME and CLOCK_MONOTONIC through Go's clock,
// which uses the host's vDSO: no host system call, as a native program
// reading them through its vDSO makes none (Go's runtime TestUsingVDSO
// counts them with strace).
func fastClock(id int32) (sec, nsec int64, ok bool) {
	switch id {
	case unix.CLOCK_REALTIME:
		now := time.Now()
		return now.Unix(), int64(now.Nanosecond()), true
	case unix.CLOCK_MONOTONIC:
		monoOnce.Do(func() {
			var ts unix.Timespec
			before := time.Now()
			unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
			after := time.Now()
			monoStart = before.Add(after.Sub(before) / 2)
			monoBase = ts.Nano()
		})
		n := monoBase + int64(time.Since(monoStart))
		return n / 1e9, n % 1e9, true
	}
	return 0, 0, false
}

func sysClockGetres(t *Thread, a *Args) uint64 {
	var ts unix.Timespec
	if err := unix.ClockGetres(int32(a[0]), &ts); err != nil {
		return errRet(err)
	}
	if a[1] == 0 {
		return 0
	}
	return t.putTimespec(a[1], ts.Sec, ts.Nsec)
}

func sysGettimeofday(t *Thread, a *Args) uint64 {
	if a[0] != 0 {
		now := time.Now()
		if e := t.putTimespec(a[0], now.Unix(), int64(now.Nanosecond()/1000)); e != 0 {
			return e
		}
	}
	if a[1] != 0 {
		// struct timezone {minuteswest, dsttime}: Linux keeps it zero by default.
		return t.putBytes(a[1], make([]byte, 8))
	}
	return 0
}

// sysNanosleep sleeps on the host, interruptibly: a guest signal ends it
// with EINTR and the time left (kernel/time/hrtimer.c: restart_block,
// which a handler turns into EINTR). Go's own signals only resume it.
func sysNanosleep(t *Thread, a *Args) uint64 {
	req, e := t.getTimespec(a[0])
	if e != 0 {
		return e
	}
	if req.Nsec < 0 || req.Nsec >= 1e9 || req.Sec < 0 {
		return errno(unix.EINVAL)
	}
	for {
		rem := req
		err := t.hostCall(func() error { return unix.Nanosleep(&req, &rem) })
		if err != unix.EINTR {
			return ok(err)
		}
		if t.sigReady() {
			if a[1] != 0 {
				t.putTimespec(a[1], rem.Sec, rem.Nsec)
			}
			return restartNoHand
		}
		req = rem
	}
}

// timerAbstime is TIMER_ABSTIME (Linux include/uapi/linux/time.h).
const timerAbstime = 1

func sysClockNanosleep(t *Thread, a *Args) uint64 {
	req, e := t.getTimespec(a[2])
	if e != 0 {
		return e
	}
	for {
		rem := req
		err := t.hostCall(func() error {
			_, _, en := unix.Syscall6(unix.SYS_CLOCK_NANOSLEEP, uintptr(a[0]), uintptr(a[1]),
				uintptr(unsafe.Pointer(&req)), uintptr(unsafe.Pointer(&rem)), 0, 0)
			if en != 0 {
				return en
			}
			return nil
		})
		switch {
		case err == nil:
			return 0
		case err != unix.EINTR:
			return errRet(err)
		case t.sigReady():
			if a[1]&timerAbstime == 0 && a[3] != 0 {
				t.putTimespec(a[3], rem.Sec, rem.Nsec)
			}
			return restartNoHand
		case a[1]&timerAbstime == 0:
			req = rem
		}
	}
}

// struct rusage is 144 bytes with the same layout on x86_64 and the 64-bit
// targets (Linux include/uapi/linux/resource.h).
const rusageSize = 144

func sysGetrusage(t *Thread, a *Args) uint64 {
	var ru unix.Rusage
	if err := unix.Getrusage(int(int32(a[0])), &ru); err != nil {
		return errRet(err)
	}
	return t.putBytes(a[1], structBytes(&ru)[:rusageSize])
}

// struct tms: four clock_t (Linux include/uapi/linux/times.h).
func sysTimes(t *Thread, a *Args) uint64 {
	var tms unix.Tms
	r, err := unix.Times(&tms)
	if err != nil {
		return errRet(err)
	}
	if a[0] != 0 {
		if e := t.putBytes(a[0], structBytes(&tms)[:32]); e != 0 {
			return e
		}
	}
	return uint64(r)
}
