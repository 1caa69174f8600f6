package dev

import (
	"sync"
	"time"
)

// TimebaseHz is the rate of mtime and of the time CSR on QEMU's virt
// machine: 10 MHz (RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ in QEMU's
// include/hw/intc/riscv_aclint.h; the device tree's timebase-frequency).
const TimebaseHz = 10_000_000

// tickNanos is the length of one timebase tick.
const tickNanos = int64(time.Second) / TimebaseHz

// maxWait bounds one host timer; a farther deadline is re-armed when it
// runs out (a mtimecmp of all ones would otherwise overflow a Duration).
const maxWait = time.Hour

// Ticks10MHz returns a clock that counts TimebaseHz ticks from the moment of
// the call. It reads Go's monotonic clock, so host wall-clock steps do not
// move it. The machine passes it to NewCLINT as now.
func Ticks10MHz() func() uint64 {
	start := time.Now()
	return func() uint64 {
		return uint64(time.Since(start).Nanoseconds() / tickNanos)
	}
}

// ticksToDuration converts a tick count to a host duration, capped at
// maxWait.
func ticksToDuration(ticks uint64) time.Duration {
	if ticks >= uint64(maxWait.Nanoseconds()/tickNanos) {
		return maxWait
	}
	return time.Duration(int64(ticks) * tickNanos)
}

// deadline runs fire once, in a goroutine of its own, after left reports
// that no time is left. The host timer only says when to look again: when
// it runs out left is asked anew and the timer re-armed if the clock it
// measures has not got there yet (a clock set back, or a fake one in
// tests). left is called with the deadline's own lock held, so it must not
// take a device lock.
type deadline struct {
	mu   sync.Mutex
	t    *time.Timer
	done bool
	left func() time.Duration
	fire func(d *deadline)
}

// startDeadline arms a deadline. fire never runs before startDeadline
// returns, so a caller may hold the lock fire takes.
func startDeadline(left func() time.Duration, fire func(d *deadline)) *deadline {
	d := &deadline{left: left, fire: fire}
	d.mu.Lock()
	d.arm(left())
	d.mu.Unlock()
	return d
}

// arm (re)starts the host timer; d.mu is held.
func (d *deadline) arm(wait time.Duration) {
	if d.t != nil {
		d.t.Stop()
	}
	d.t = time.AfterFunc(min(max(wait, 0), maxWait), d.check)
}

// check runs when the host timer expires.
func (d *deadline) check() {
	d.mu.Lock()
	if d.done {
		d.mu.Unlock()
		return
	}
	if wait := d.left(); wait > 0 {
		d.arm(wait)
		d.mu.Unlock()
		return
	}
	d.done = true
	d.mu.Unlock()
	d.fire(d)
}

// stop cancels the deadline. A fire that has already begun is not
// interrupted, so fire must tolerate running after stop (check that it is
// still wanted).
func (d *deadline) stop() {
	d.mu.Lock()
	d.done = true
	if d.t != nil {
		d.t.Stop()
	}
	d.mu.Unlock()
}

// recheck re-arms the host timer after the measured clock jumped.
func (d *deadline) recheck() {
	d.mu.Lock()
	if !d.done {
		d.arm(d.left())
	}
	d.mu.Unlock()
}
