package linuxuser

import (
	"encoding/binary"
	"math"
	"time"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// POSIX timers (timer_create(2)) raise virtual guest signals from Go
// timers, with the kernel's rules (kernel/time/posix-timers.c): the host
// judges the clock, ids count up and are never reused at once, a
// periodic timer whose signal is queued is re-armed only when the signal
// is taken, and the expiries missed meanwhile are its overrun count,
// saturated at INT_MAX.

func init() {
	register(
		row{"timer_create", sysTimerCreate, kinds(syscalls.ArgClockID, aPtr, aPtr), syscalls.RetInt, syscalls.Full,
			"SIGEV_SIGNAL, SIGEV_THREAD_ID, SIGEV_THREAD (a signal, as in the kernel), SIGEV_NONE"},
		row{"timer_settime", sysTimerSettime, kinds(aInt, aInt, aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"timer_gettime", sysTimerGettime, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"timer_getoverrun", sysTimerGetoverrun, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"timer_delete", sysTimerDelete, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
	)
}

// sigevent notify kinds (include/uapi/asm-generic/siginfo.h).
const (
	sigevSignal   = 0
	sigevNone     = 1
	sigevThread   = 2
	sigevThreadID = 4
	sigeventSize  = 64
)

// posixTimer is one timer_create timer. Times are nanoseconds on its clock.
type posixTimer struct {
	id       int
	clock    int32 // the clock read for expiries (a thread clock is the creator's)
	sig      int
	notify   int32
	tid      int
	value    uint64
	gen      uint64 // bumped by every settime and delete: older expiries and signals are void
	armed    bool
	expiry   int64
	interval int64
	queued   bool  // its signal is pending and not yet taken
	overrun  int64 // the kernel's it_overrun: expiries missed since the queued one, from -1
	last     int64 // it_overrun_last: what the last taken signal reported
	t        *time.Timer
}

// clockNow reads a timer's clock.
func clockNow(clock int32) int64 {
	var ts unix.Timespec
	unix.ClockGettime(clock, &ts)
	return ts.Nano()
}

// threadCPUClock is the clock id of tid's CPU time (include/linux/posix-timers.h
// MAKE_THREAD_CPUCLOCK with CPUCLOCK_SCHED).
func threadCPUClock(tid int) int32 { return int32(^uint32(tid)<<3 | 6) }

// hostClockCheck asks the host whether clock can carry a timer: EINVAL for
// an unknown clock, EOPNOTSUPP for one without timers (MONOTONIC_RAW, the
// coarse clocks, alarms without an RTC), EPERM for alarms without the
// capability.
func hostClockCheck(clock int32) uint64 {
	ev := make([]byte, sigeventSize)
	binary.LittleEndian.PutUint32(ev[12:], sigevNone)
	var id int32
	_, _, e := unix.Syscall(unix.SYS_TIMER_CREATE, uintptr(clock), uintptr(unsafe.Pointer(&ev[0])),
		uintptr(unsafe.Pointer(&id)))
	if e != 0 {
		return usermode.Errno(e)
	}
	unix.Syscall(unix.SYS_TIMER_DELETE, uintptr(id), 0, 0)
	return 0
}

// sysTimerCreate follows do_timer_create's order: the sigevent is read
// (EFAULT), the clock judged, an id taken, the sigevent judged (EINVAL),
// the id stored (EFAULT); an id taken by a call that then fails is spent.
func sysTimerCreate(t *Thread, a *Args) uint64 {
	var ev []byte
	if a[1] != 0 {
		var err error
		if ev, err = t.ReadBytes(a[1], sigeventSize); err != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	clock := int32(a[0])
	if e := hostClockCheck(clock); e != 0 {
		return e
	}
	p := t.P
	p.Mu.Lock()
	defer p.Mu.Unlock()
	id := newTimerID(p)
	pt := &posixTimer{id: id, clock: clock, sig: linux.SIGALRM, notify: sigevSignal, value: uint64(id), overrun: -1}
	if clock == unix.CLOCK_THREAD_CPUTIME_ID {
		pt.clock = threadCPUClock(t.TID)
	}
	if ev != nil {
		le := binary.LittleEndian
		pt.value, pt.sig, pt.notify = le.Uint64(ev[0:]), int(int32(le.Uint32(ev[8:]))), int32(le.Uint32(ev[12:]))
		pt.tid = int(int32(le.Uint32(ev[16:])))
		if !goodSigevent(p, pt) {
			return usermode.Errno(unix.EINVAL)
		}
	}
	if t.Store32(a[2], uint32(id)) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	lx(p).timers[id] = pt
	return 0
}

// newTimerID takes the next free id (kernel posix_timer_add: counting up,
// wrapping at INT_MAX). Call with p.mu held.
func newTimerID(p *Process) int {
	if lx(p).timers == nil {
		lx(p).timers = map[int]*posixTimer{}
	}
	for {
		id := lx(p).nextTimerID
		lx(p).nextTimerID = (id + 1) & math.MaxInt32
		if lx(p).timers[id] == nil {
			return id
		}
	}
}

// goodSigevent is the kernel's good_sigevent. Call with p.mu held.
func goodSigevent(p *Process, pt *posixTimer) bool {
	switch pt.notify {
	case sigevThreadID:
		if p.Threads[pt.tid] == nil {
			return false
		}
		fallthrough
	case sigevSignal, sigevThread:
		return validSig(pt.sig)
	case sigevNone:
		return true
	}
	return false
}

// timerByID finds a timer; call with p.mu held.
func timerByID(p *Process, id uint64) *posixTimer {
	if id > math.MaxInt32 {
		return nil
	}
	return lx(p).timers[int(id)]
}

// disarm stops pt; its queued signal, if any, no longer re-arms it.
func (pt *posixTimer) disarm() {
	pt.gen++
	pt.armed, pt.queued = false, false
	if pt.t != nil {
		pt.t.Stop()
		pt.t = nil
	}
}

// schedule starts the Go timer for pt's next expiry. Call with p.mu held.
func schedule(p *Process, pt *posixTimer) {
	if pt.notify == sigevNone {
		return // never fires: gettime works the expiry out (common_timer_get)
	}
	gen := pt.gen
	d := time.Duration(max(pt.expiry-clockNow(pt.clock), 0))
	pt.t = time.AfterFunc(d, func() { expire(p, pt, gen) })
}

// expire runs when pt's Go timer fires: the signal is queued, or, if the
// signal is ignored, a periodic timer moves on to its next expiry.
func expire(p *Process, pt *posixTimer, gen uint64) {
	p.Mu.Lock()
	if pt.gen != gen || !pt.armed {
		p.Mu.Unlock()
		return
	}
	if clockNow(pt.clock) < pt.expiry { // a CPU clock runs slower than Go's timers
		schedule(p, pt)
		p.Mu.Unlock()
		return
	}
	var target *Thread
	if pt.notify == sigevThreadID {
		target = p.Threads[pt.tid]
	}
	pt.queued = true
	if pt.interval == 0 {
		pt.armed = false
	}
	info := usermode.SigInfo{Signo: int32(pt.sig), Code: usermode.SiTimer, PID: uint32(pt.id), Value: pt.value, Sys: gen}
	p.Mu.Unlock()
	queued := false
	if pt.notify != sigevThreadID || target != nil {
		queued, _ = p.Post(target, nil, info)
	}
	if queued {
		return
	}
	p.Mu.Lock()
	if pt.gen == gen && pt.queued {
		pt.queued = false
		if pt.interval > 0 {
			pt.overrun += pt.forward(clockNow(pt.clock))
			schedule(p, pt)
		}
	}
	p.Mu.Unlock()
}

// forward moves a periodic timer's expiry past now and returns by how many
// intervals (hrtimer_forward).
func (pt *posixTimer) forward(now int64) int64 {
	if pt.interval <= 0 || now < pt.expiry {
		return 0
	}
	n := (now-pt.expiry)/pt.interval + 1
	pt.expiry += n * pt.interval
	return n
}

// timerTaken runs when a timer's signal is dequeued: a periodic timer is
// re-armed, and the expiries it missed become the overrun count
// (posixtimer_rearm). Call with p.mu held.
func timerTaken(p *Process, info *usermode.SigInfo) {
	pt := timerByID(p, uint64(info.PID))
	if pt == nil || pt.gen != info.Sys || !pt.queued {
		return
	}
	pt.queued = false
	if pt.interval > 0 {
		pt.overrun += pt.forward(clockNow(pt.clock))
		pt.last, pt.overrun = pt.overrun, -1
		schedule(p, pt)
	}
	info.UID = uint32(min(max(pt.last, 0), math.MaxInt32))
}

// getTimerspecs reads a struct itimerspec as nanoseconds; EINVAL for a
// value timespec64_valid refuses.
func getTimerspecs(t *Thread, addr uint64) (interval, value int64, e uint64) {
	b, err := t.ReadBytes(addr, 32)
	if err != nil {
		return 0, 0, usermode.Errno(unix.EFAULT)
	}
	le := binary.LittleEndian
	var v [4]int64
	for i := range v {
		v[i] = int64(le.Uint64(b[8*i:]))
	}
	if v[0] < 0 || v[2] < 0 || uint64(v[1]) >= 1e9 || uint64(v[3]) >= 1e9 {
		return 0, 0, usermode.Errno(unix.EINVAL)
	}
	const maxSec = math.MaxInt64/int64(time.Second) - 1
	sat := func(s, ns int64) int64 { return min(s, maxSec)*int64(time.Second) + ns }
	return sat(v[0], v[1]), sat(v[2], v[3]), 0
}

func putTimerspecs(t *Thread, addr uint64, interval, value int64) uint64 {
	return putTimerPair(t, addr, time.Duration(interval), time.Duration(value), time.Nanosecond)
}

// sysTimerSettime: a NULL new value is EINVAL, an unreadable one EFAULT,
// a bad one EINVAL, then the timer is looked up (EINVAL); the old value
// is written last (EFAULT, the timer already set).
func sysTimerSettime(t *Thread, a *Args) uint64 {
	if a[2] == 0 {
		return usermode.Errno(unix.EINVAL)
	}
	interval, value, e := getTimerspecs(t, a[2])
	if e != 0 {
		return e
	}
	var oi, ov int64
	e = withTimer(t.P, a[0], func(pt *posixTimer) uint64 {
		oi, ov = pt.remaining()
		pt.disarm()
		pt.overrun, pt.last = -1, 0
		if value > 0 {
			if a[1]&timerAbstime == 0 {
				now := clockNow(pt.clock)
				value = min(value, math.MaxInt64-now) + now
			}
			pt.armed, pt.expiry, pt.interval = true, value, interval
			schedule(t.P, pt)
		}
		return 0
	})
	if e == 0 && a[3] != 0 {
		return putTimerspecs(t, a[3], oi, ov)
	}
	return e
}

// remaining is timer_gettime's answer (common_timer_get): a periodic timer
// whose signal waits, or a SIGEV_NONE one, is moved past now first; an
// expired timer still pending says 1 ns. Call with p.mu held.
func (pt *posixTimer) remaining() (interval, value int64) {
	none := pt.notify == sigevNone
	if !pt.armed {
		return 0, 0
	}
	now := clockNow(pt.clock)
	if pt.interval > 0 && (pt.queued || none) {
		pt.overrun += pt.forward(now)
	}
	left := pt.expiry - now
	switch {
	case left > 0:
		return pt.interval, left
	case none:
		return pt.interval, 0
	}
	return pt.interval, 1
}

// withTimer runs fn on timer id with p.mu held; EINVAL when there is none.
func withTimer(p *Process, id uint64, fn func(pt *posixTimer) uint64) uint64 {
	p.Mu.Lock()
	defer p.Mu.Unlock()
	pt := timerByID(p, id)
	if pt == nil {
		return usermode.Errno(unix.EINVAL)
	}
	return fn(pt)
}

func sysTimerGettime(t *Thread, a *Args) uint64 {
	var oi, ov int64
	if e := withTimer(t.P, a[0], func(pt *posixTimer) uint64 { oi, ov = pt.remaining(); return 0 }); e != 0 {
		return e
	}
	return putTimerspecs(t, a[1], oi, ov)
}

func sysTimerGetoverrun(t *Thread, a *Args) uint64 {
	return withTimer(t.P, a[0], func(pt *posixTimer) uint64 { return uint64(min(max(pt.last, 0), math.MaxInt32)) })
}

func sysTimerDelete(t *Thread, a *Args) uint64 {
	return withTimer(t.P, a[0], func(pt *posixTimer) uint64 {
		pt.disarm()
		delete(lx(t.P).timers, pt.id)
		return 0
	})
}
