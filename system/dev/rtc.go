package dev

import (
	"sync"
	"time"
)

// Goldfish RTC registers (Android's GOLDFISH-VIRTUAL-HARDWARE.TXT, Linux's
// drivers/rtc/rtc-goldfish.c, QEMU's hw/rtc/goldfish_rtc.c). The counter is
// nanoseconds since the Unix epoch.
const (
	GoldfishRTCSize = 0x1000 // virt_memmap[VIRT_RTC].size

	rtcTimeLow     = 0x00 // reading it latches TIME_HIGH
	rtcTimeHigh    = 0x04
	rtcAlarmLow    = 0x08 // writing it arms the alarm
	rtcAlarmHigh   = 0x0c
	rtcIRQEnabled  = 0x10
	rtcClearAlarm  = 0x14
	rtcAlarmStatus = 0x18
	rtcClearIRQ    = 0x1c
)

// GoldfishRTC is the Goldfish real-time clock with its one-shot alarm.
type GoldfishRTC struct {
	now func() time.Time

	mu         sync.Mutex
	offset     uint64 // counter minus now() in ns; guest writes move it
	timeHigh   uint32
	alarmNext  uint64
	alarm      *deadline // the armed alarm (QEMU's alarm_running), or nil
	irqPending bool
	irqEnabled bool
	line       *outLines
}

// NewGoldfishRTC returns the RTC reading now() (nil: time.Now) and driving
// irq.
func NewGoldfishRTC(now func() time.Time, irq IRQLine) *GoldfishRTC {
	if now == nil {
		now = time.Now
	}
	return &GoldfishRTC{now: now, line: oneLine(irq)}
}

// count returns the counter; r.mu is held.
func (r *GoldfishRTC) count() uint64 { return uint64(r.now().UnixNano()) + r.offset }

// Read implements Device; the registers are 32 bits wide.
func (r *GoldfishRTC) Read(off uint64, size int) uint64 {
	if size != 4 {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch off {
	case rtcTimeLow:
		c := r.count()
		r.timeHigh = uint32(c >> 32)
		return c & 0xffffffff
	case rtcTimeHigh:
		return uint64(r.timeHigh)
	case rtcAlarmLow:
		return r.alarmNext & 0xffffffff
	case rtcAlarmHigh:
		return r.alarmNext >> 32
	case rtcIRQEnabled:
		return b2u(r.irqEnabled)
	case rtcAlarmStatus:
		return b2u(r.alarm != nil)
	}
	return 0
}

// Write implements Device. A TIME_LOW or TIME_HIGH write replaces that half
// of the counter by moving its offset (Linux's set_time writes HIGH, then
// LOW); an ALARM_LOW write arms the alarm for ALARM_HIGH:ALARM_LOW.
func (r *GoldfishRTC) Write(off uint64, size int, v uint64) {
	if size != 4 {
		return
	}
	v &= 0xffffffff
	r.mu.Lock()
	switch off {
	case rtcTimeLow, rtcTimeHigh:
		c := r.count()
		n, _ := writeHalf(c, off, 4, v)
		r.offset += n - c
	case rtcAlarmLow:
		r.alarmNext = r.alarmNext&^0xffffffff | v
		r.setAlarm()
	case rtcAlarmHigh:
		r.alarmNext = r.alarmNext&0xffffffff | v<<32
	case rtcIRQEnabled:
		r.irqEnabled = v&1 != 0
	case rtcClearAlarm:
		r.clearAlarm()
	case rtcClearIRQ:
		r.irqPending = false
	}
	r.line.want[0] = r.irqPending && r.irqEnabled
	r.line.flushUnlock(&r.mu)
}

// setAlarm arms the alarm, or raises the interrupt at once when its time
// has come. r.mu is held.
func (r *GoldfishRTC) setAlarm() {
	r.clearAlarm()
	now := r.count()
	if r.alarmNext <= now {
		r.irqPending = true
		return
	}
	// The alarm is due when now() reaches the counter value minus the
	// offset of this moment; a later time write does not move it (QEMU
	// arms its timer the same way).
	due := r.alarmNext - r.offset
	r.alarm = startDeadline(func() time.Duration {
		n := uint64(r.now().UnixNano())
		if n >= due {
			return 0
		}
		return time.Duration(min(due-n, uint64(maxWait)))
	}, r.alarmFired)
}

// clearAlarm disarms the alarm; r.mu is held.
func (r *GoldfishRTC) clearAlarm() {
	if r.alarm != nil {
		r.alarm.stop()
		r.alarm = nil
	}
}

// alarmFired is the host timer callback of alarm d.
func (r *GoldfishRTC) alarmFired(d *deadline) {
	r.mu.Lock()
	if r.alarm == d {
		r.alarm = nil
		r.irqPending = true
		r.line.want[0] = r.irqEnabled
	}
	r.line.flushUnlock(&r.mu)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
