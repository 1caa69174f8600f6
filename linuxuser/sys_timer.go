package linuxuser

import (
	"encoding/binary"
	"time"

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
		row{"timer_create", sysTimerCreate, kinds(syscalls.ArgClockID, aPtr, aPtr), syscalls.RetInt, syscalls.Full,
			"SIGEV_SIGNAL, SIGEV_THREAD_ID, SIGEV_NONE"},
		row{"timer_settime", sysTimerSettime, kinds(aInt, aInt, aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"timer_gettime", sysTimerGettime, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"timer_getoverrun", sysTimerGetoverrun, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"timer_delete", sysTimerDelete, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
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
		p.mu.Lock()
		if g.gen != gen {
			p.mu.Unlock()
			return
		}
		if g.interval > 0 {
			g.deadline = g.deadline.Add(g.interval)
			g.t = time.AfterFunc(time.Until(g.deadline), cb)
		} else {
			g.deadline = time.Time{}
		}
		fire()
		p.mu.Unlock()
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

func (t *Thread) putTimerPair(addr uint64, interval, value time.Duration, unit time.Duration) uint64 {
	var b [32]byte
	le := binary.LittleEndian
	le.PutUint64(b[0:], uint64(interval/time.Second))
	le.PutUint64(b[8:], uint64(interval%time.Second/unit))
	le.PutUint64(b[16:], uint64(value/time.Second))
	le.PutUint64(b[24:], uint64(value%time.Second/unit))
	return t.putBytes(addr, b[:])
}

func (t *Thread) getTimerPair(addr uint64, unit time.Duration) (interval, value time.Duration, e uint64) {
	b, err := t.readBytes(addr, 32)
	if err != nil {
		return 0, 0, errno(unix.EFAULT)
	}
	le := binary.LittleEndian
	is, isub := int64(le.Uint64(b[0:])), int64(le.Uint64(b[8:]))
	vs, vsub := int64(le.Uint64(b[16:])), int64(le.Uint64(b[24:]))
	if isub < 0 || vsub < 0 || isub >= int64(time.Second/unit) || vsub >= int64(time.Second/unit) || is < 0 || vs < 0 {
		return 0, 0, errno(unix.EINVAL)
	}
	return durOf(is, isub, unit), durOf(vs, vsub, unit), 0
}

// itimerReal is ITIMER_REAL (include/uapi/linux/time.h).
const itimerReal = 0

func sysSetitimer(t *Thread, a *Args) uint64 {
	which := a[0]
	if which > 2 {
		return errno(unix.EINVAL)
	}
	var interval, value time.Duration
	if a[1] != 0 {
		var e uint64
		if interval, value, e = t.getTimerPair(a[1], time.Microsecond); e != 0 {
			return e
		}
	}
	if which != itimerReal {
		t.p.unimp("gemu: setitimer(%d) never fires", which)
		if a[2] != 0 {
			return t.putTimerPair(a[2], 0, 0, time.Microsecond)
		}
		return 0
	}
	p := t.p
	p.mu.Lock()
	g := &p.itimer.real
	oi, ov := g.interval, g.remaining()
	if a[1] != 0 {
		g.stop()
		g.interval = 0
		if value > 0 {
			g.arm(p, value, interval, func() { p.sendLocked(sigInfo{signo: syscalls.SIGALRM, code: siKernel}) })
		}
	}
	p.mu.Unlock()
	if a[2] != 0 {
		return t.putTimerPair(a[2], oi, ov, time.Microsecond)
	}
	return 0
}

func sysGetitimer(t *Thread, a *Args) uint64 {
	if a[0] > 2 {
		return errno(unix.EINVAL)
	}
	var oi, ov time.Duration
	if a[0] == itimerReal {
		t.p.mu.Lock()
		oi, ov = t.p.itimer.real.interval, t.p.itimer.real.remaining()
		t.p.mu.Unlock()
	}
	return t.putTimerPair(a[1], oi, ov, time.Microsecond)
}

// sendLocked sends a timer signal from a Go timer callback that holds p.mu.
func (p *Process) sendLocked(info sigInfo) {
	p.mu.Unlock()
	p.send(nil, nil, info)
	p.mu.Lock()
}

// sigevent notify kinds (include/uapi/asm-generic/siginfo.h).
const (
	sigevSignal   = 0
	sigevNone     = 1
	sigevThread   = 2
	sigevThreadID = 4
)

// posixTimer is one timer_create timer.
type posixTimer struct {
	clock   int32
	sig     int
	notify  int32
	tid     int
	value   uint64
	overrun int
	g       gtimer
}

func sysTimerCreate(t *Thread, a *Args) uint64 {
	clock := int32(a[0])
	var ts unix.Timespec
	if unix.ClockGetres(clock, &ts) != nil {
		return errno(unix.EINVAL)
	}
	pt := &posixTimer{clock: clock, sig: syscalls.SIGALRM, notify: sigevSignal}
	le := binary.LittleEndian
	if a[1] != 0 {
		b, err := t.readBytes(a[1], 64)
		if err != nil {
			return errno(unix.EFAULT)
		}
		pt.value, pt.sig, pt.notify = le.Uint64(b[0:]), int(int32(le.Uint32(b[8:]))), int32(le.Uint32(b[12:]))
		pt.tid = int(int32(le.Uint32(b[16:])))
		switch pt.notify {
		case sigevNone:
		case sigevSignal, sigevThreadID:
			if !validSig(pt.sig) {
				return errno(unix.EINVAL)
			}
			if pt.notify == sigevThreadID && t.p.thread(pt.tid) == nil {
				return errno(unix.EINVAL)
			}
		default:
			return errno(unix.EINVAL) // SIGEV_THREAD is the C library's business
		}
	}
	p := t.p
	p.mu.Lock()
	if p.timers == nil {
		p.timers = map[int]*posixTimer{}
	}
	id := 0
	for p.timers[id] != nil {
		id++
	}
	if a[1] == 0 {
		pt.value = uint64(id)
	}
	p.timers[id] = pt
	p.mu.Unlock()
	if t.store32(a[2], uint32(id)) != nil {
		p.mu.Lock()
		delete(p.timers, id)
		p.mu.Unlock()
		return errno(unix.EFAULT)
	}
	return 0
}

// timerByID finds a timer; call with p.mu held.
func (p *Process) timerByID(id uint64) *posixTimer {
	if id > 1<<31 {
		return nil
	}
	return p.timers[int(id)]
}

// timerAbs converts an absolute expiry on clock to a delay.
func timerAbs(clock int32, v time.Duration) time.Duration {
	var now unix.Timespec
	unix.ClockGettime(clock, &now)
	return v - durOf(now.Sec, now.Nsec, time.Nanosecond)
}

func sysTimerSettime(t *Thread, a *Args) uint64 {
	interval, value, e := t.getTimerPair(a[2], time.Nanosecond)
	if e != 0 {
		return e
	}
	p := t.p
	p.mu.Lock()
	pt := p.timerByID(a[0])
	if pt == nil {
		p.mu.Unlock()
		return errno(unix.EINVAL)
	}
	oi, ov := pt.g.interval, pt.g.remaining()
	pt.g.stop()
	pt.g.interval = 0
	if value > 0 {
		if a[1]&timerAbstime != 0 {
			value = max(timerAbs(pt.clock, value), 0)
		}
		id := a[0]
		pt.g.arm(p, value, interval, func() { p.fireTimer(pt, id) })
	}
	p.mu.Unlock()
	if a[3] != 0 {
		return t.putTimerPair(a[3], oi, ov, time.Nanosecond)
	}
	return 0
}

// fireTimer raises a timer's signal (SI_TIMER: si_timerid, si_overrun,
// si_value). An expiry while the last one is pending counts as an overrun.
func (p *Process) fireTimer(pt *posixTimer, id uint64) {
	if pt.notify == sigevNone {
		return
	}
	var target *Thread
	if pt.notify == sigevThreadID {
		if target = p.threads[pt.tid]; target == nil {
			return
		}
	}
	pend := p.shared.mask
	if target != nil {
		pend = target.pending.mask
	}
	if pend&sigBit(pt.sig) != 0 && pt.sig < syscalls.SIGRTMIN {
		pt.overrun++
		return
	}
	info := sigInfo{signo: int32(pt.sig), code: siTimer, pid: uint32(id), uid: uint32(pt.overrun), value: pt.value}
	pt.overrun = 0
	p.mu.Unlock()
	p.send(target, nil, info)
	p.mu.Lock()
}

func sysTimerGettime(t *Thread, a *Args) uint64 {
	p := t.p
	p.mu.Lock()
	pt := p.timerByID(a[0])
	if pt == nil {
		p.mu.Unlock()
		return errno(unix.EINVAL)
	}
	oi, ov := pt.g.interval, pt.g.remaining()
	p.mu.Unlock()
	return t.putTimerPair(a[1], oi, ov, time.Nanosecond)
}

func sysTimerGetoverrun(t *Thread, a *Args) uint64 {
	p := t.p
	p.mu.Lock()
	defer p.mu.Unlock()
	pt := p.timerByID(a[0])
	if pt == nil {
		return errno(unix.EINVAL)
	}
	return uint64(pt.overrun)
}

func sysTimerDelete(t *Thread, a *Args) uint64 {
	p := t.p
	p.mu.Lock()
	defer p.mu.Unlock()
	pt := p.timerByID(a[0])
	if pt == nil {
		return errno(unix.EINVAL)
	}
	pt.g.stop()
	delete(p.timers, int(a[0]))
	return 0
}
