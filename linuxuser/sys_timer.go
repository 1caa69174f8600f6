package linuxuser

import (
	"encoding/binary"
	"time"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// Interval and POSIX timers raise virtual guest signals from Go timers
// (setitimer(2), timer_create(2)); the host's own timers stay Go's.

func init() {
	register(
		row{"setitimer", sysSetitimer, kinds(aInt, aPtr, aPtr), syscalls.RetInt, syscalls.Partial,
			"ITIMER_REAL; TODO(#4): ITIMER_VIRTUAL/PROF are accepted but never fire"},
		row{"getitimer", sysGetitimer, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Partial, "ITIMER_REAL"},
	)
}

// gtimer is one armed Go timer with an optional period; gen invalidates
// callbacks of a timer that was re-armed or deleted.
type gtimer struct {
	gen      uint64
	deadline time.Time
	interval time.Duration
	t        *time.Timer
}

// arm (re)starts g; fire runs on expiry with p.mu held. Call with p.mu held.
func (g *gtimer) arm(p *Process, d, interval time.Duration, fire func()) {
	g.stop()
	g.interval = interval
	g.deadline = time.Now().Add(d)
	gen := g.gen
	var cb func()
	cb = func() {
		p.Mu.Lock()
		if g.gen != gen {
			p.Mu.Unlock()
			return
		}
		if g.interval > 0 {
			g.deadline = g.deadline.Add(g.interval)
			g.t = time.AfterFunc(time.Until(g.deadline), cb)
		} else {
			g.deadline = time.Time{}
		}
		fire()
		p.Mu.Unlock()
	}
	g.t = time.AfterFunc(d, cb)
}

func (g *gtimer) stop() {
	g.gen++
	if g.t != nil {
		g.t.Stop()
		g.t = nil
	}
	g.deadline = time.Time{}
}

// remaining is the time to the next expiry (0 when disarmed); an armed
// timer whose expiry is being handled reports 1 µs, as the kernel's
// itimer_get_remtime does.
func (g *gtimer) remaining() time.Duration {
	if g.deadline.IsZero() {
		return 0
	}
	return max(time.Until(g.deadline), time.Microsecond)
}

// itimerState is ITIMER_REAL.
type itimerState struct{ real gtimer }

// struct itimerval / itimerspec: {interval, value}, two 16-byte
// timeval/timespec (64-bit layout on every target here).
func durOf(sec, sub int64, unit time.Duration) time.Duration {
	return time.Duration(sec)*time.Second + time.Duration(sub)*unit
}

func putTimerPair(t *Thread, addr uint64, interval, value time.Duration, unit time.Duration) uint64 {
	var b [32]byte
	le := binary.LittleEndian
	le.PutUint64(b[0:], uint64(interval/time.Second))
	le.PutUint64(b[8:], uint64(interval%time.Second/unit))
	le.PutUint64(b[16:], uint64(value/time.Second))
	le.PutUint64(b[24:], uint64(value%time.Second/unit))
	return putBytes(t, addr, b[:])
}

func getTimerPair(t *Thread, addr uint64, unit time.Duration) (interval, value time.Duration, e uint64) {
	b, err := t.ReadBytes(addr, 32)
	if err != nil {
		return 0, 0, usermode.Errno(unix.EFAULT)
	}
	le := binary.LittleEndian
	is, isub := int64(le.Uint64(b[0:])), int64(le.Uint64(b[8:]))
	vs, vsub := int64(le.Uint64(b[16:])), int64(le.Uint64(b[24:]))
	if isub < 0 || vsub < 0 || isub >= int64(time.Second/unit) || vsub >= int64(time.Second/unit) || is < 0 || vs < 0 {
		return 0, 0, usermode.Errno(unix.EINVAL)
	}
	return durOf(is, isub, unit), durOf(vs, vsub, unit), 0
}

// itimerReal is ITIMER_REAL (include/uapi/linux/time.h).
const itimerReal = 0

func sysSetitimer(t *Thread, a *Args) uint64 {
	// kernel/time/itimer.c: the new value is copied and checked (EFAULT,
	// EINVAL) before the timer kind is.
	which := a[0]
	var interval, value time.Duration
	if a[1] != 0 {
		var e uint64
		if interval, value, e = getTimerPair(t, a[1], time.Microsecond); e != 0 {
			return e
		}
	}
	if which > 2 {
		return usermode.Errno(unix.EINVAL)
	}
	if which != itimerReal {
		t.P.Unimp("gemu: setitimer(%d) never fires", which)
		if a[2] != 0 {
			return putTimerPair(t, a[2], 0, 0, time.Microsecond)
		}
		return 0
	}
	p := t.P
	p.Mu.Lock()
	g := &lx(p).itimer.real
	oi, ov := g.interval, g.remaining()
	if a[1] != 0 {
		g.stop()
		g.interval = 0
		if value > 0 {
			g.arm(p, value, interval, func() { sendLocked(p, usermode.SigInfo{Signo: linux.SIGALRM, Code: usermode.SiKernel}) })
		}
	}
	p.Mu.Unlock()
	if a[2] != 0 {
		return putTimerPair(t, a[2], oi, ov, time.Microsecond)
	}
	return 0
}

func sysGetitimer(t *Thread, a *Args) uint64 {
	if a[0] > 2 {
		return usermode.Errno(unix.EINVAL)
	}
	var oi, ov time.Duration
	if a[0] == itimerReal {
		t.P.Mu.Lock()
		oi, ov = lx(t.P).itimer.real.interval, lx(t.P).itimer.real.remaining()
		t.P.Mu.Unlock()
	}
	return putTimerPair(t, a[1], oi, ov, time.Microsecond)
}

// sendLocked sends a timer signal from a Go timer callback that holds p.mu.
func sendLocked(p *Process, info usermode.SigInfo) {
	p.Mu.Unlock()
	p.Send(nil, nil, info)
	p.Mu.Lock()
}
