package dev

import (
	"sync"
	"sync/atomic"
	"time"
)

// CLINT layout as QEMU 7.2's virt machine builds it (hw/riscv/virt.c: an
// ACLINT SWI block at the CLINT base, an MTIMER block at base+0x4000 with
// mtime at its end; hw/intc/riscv_aclint.c; the RISC-V ACLINT spec's MSWI
// and MTIMER chapters).
const (
	CLINTSize      = 0x10000 // virt_memmap[VIRT_CLINT].size
	clintMTimecmp  = 0x4000  // mtimecmp of hart h at 0x4000 + 8*h
	clintMTime     = 0xbff8  // mtime, 64 bits; 0xbffc is its upper half
	clintMaxHarts  = 4095    // 4 bytes of msip each below 0x4000
	clintLineMSIP  = 0       // line 2*h+clintLineMSIP of c.out
	clintLineMTIP  = 1       // line 2*h+clintLineMTIP of c.out
	clintLinesHart = 2
)

// CLINT is the SiFive core-local interruptor: per-hart msip and mtimecmp,
// and the shared mtime. MTIP of hart h is the level mtime >= mtimecmp[h]; it
// is re-evaluated on every mtimecmp and mtime write and by a host timer
// armed for the moment the comparison turns true, so a hart waiting in WFI
// is woken without polling.
type CLINT struct {
	now   func() uint64
	delta atomic.Uint64 // mtime - now(), changed by mtime writes

	mu     sync.Mutex
	msip   []bool
	cmp    []uint64
	timers []*deadline // the MTIP timer of each hart, nil when MTIP is up
	out    *outLines

	tmu   sync.Mutex
	extra map[*deadline]struct{} // TimerAt deadlines, re-armed on mtime writes
}

// NewCLINT returns a CLINT for harts harts that signals MSIP and MTIP
// through hart, with mtime counting now() (TimebaseHz ticks; the machine
// passes Ticks10MHz()). mtimecmp starts at 0, as QEMU's
// riscv_aclint_mtimer_create leaves it, so MTIP is raised at once until the
// firmware programs mtimecmp (OpenSBI writes all ones at hart init).
func NewCLINT(harts int, hart HartIRQ, now func() uint64) *CLINT {
	if harts < 1 || harts > clintMaxHarts {
		panic("dev: CLINT hart count out of range")
	}
	c := &CLINT{
		now:    now,
		msip:   make([]bool, harts),
		cmp:    make([]uint64, harts),
		timers: make([]*deadline, harts),
		out:    hartLines(harts, hart, MSIP, MTIP),
		extra:  make(map[*deadline]struct{}),
	}
	c.mu.Lock()
	c.evaluateAll()
	c.out.flushUnlock(&c.mu)
	return c
}

// Time returns mtime; the time CSR reads the same value.
func (c *CLINT) Time() uint64 { return c.now() + c.delta.Load() }

// left returns how long until mtime reaches at.
func (c *CLINT) left(at uint64) time.Duration {
	now := c.Time()
	if now >= at {
		return 0
	}
	return ticksToDuration(at - now)
}

// TimerAt runs fire in a goroutine of its own once mtime >= ticks (also
// after an mtime write moves mtime past ticks). cancel stops it; a fire
// already under way still completes, so fire should re-check its condition
// (the hart's Sstc stimecmp compares the time CSR again).
func (c *CLINT) TimerAt(ticks uint64, fire func()) (cancel func()) {
	c.tmu.Lock()
	defer c.tmu.Unlock()
	d := startDeadline(func() time.Duration { return c.left(ticks) }, func(d *deadline) {
		c.forget(d)
		fire()
	})
	c.extra[d] = struct{}{}
	return func() {
		d.stop()
		c.forget(d)
	}
}

func (c *CLINT) forget(d *deadline) {
	c.tmu.Lock()
	delete(c.extra, d)
	c.tmu.Unlock()
}

// evaluate sets the wanted MTIP of hart h from mtime and mtimecmp and arms
// a host timer when the compare lies ahead (riscv_aclint_mtimer_write_timecmp
// in QEMU). c.mu is held.
func (c *CLINT) evaluate(h int) {
	if t := c.timers[h]; t != nil {
		t.stop()
		c.timers[h] = nil
	}
	at := c.cmp[h]
	up := c.Time() >= at
	c.out.want[clintLinesHart*h+clintLineMTIP] = up
	if !up {
		c.timers[h] = startDeadline(func() time.Duration { return c.left(at) },
			func(d *deadline) { c.timerFired(h, d) })
	}
}

func (c *CLINT) evaluateAll() {
	for h := range c.cmp {
		c.evaluate(h)
	}
}

// timerFired is the host timer callback of hart h's MTIP.
func (c *CLINT) timerFired(h int, d *deadline) {
	c.mu.Lock()
	if c.timers[h] == d {
		c.timers[h] = nil
		c.evaluate(h)
	}
	c.out.flushUnlock(&c.mu)
}

// Read implements Device. msip is 32 bits wide; mtimecmp and mtime accept
// 32-bit halves or whole 64-bit accesses (QEMU's riscv_aclint ops).
func (c *CLINT) Read(off uint64, size int) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case off < clintMTimecmp:
		h := int(off / 4)
		if size == 4 && off%4 == 0 && h < len(c.msip) && c.msip[h] {
			return 1
		}
		return 0
	case off < clintMTimecmp+8*uint64(len(c.cmp)):
		return readHalf(c.cmp[(off-clintMTimecmp)/8], off%8, size)
	case off == clintMTime || off == clintMTime+4:
		return readHalf(c.Time(), off-clintMTime, size)
	}
	return 0
}

// readHalf reads a 64-bit register at byte offset at (0 or 4) with an
// access of size bytes; other shapes read 0.
func readHalf(v, at uint64, size int) uint64 {
	switch {
	case at == 0 && size == 8:
		return v
	case at == 0 && size == 4:
		return v & 0xffffffff
	case at == 4 && size == 4:
		return v >> 32
	}
	return 0
}

// writeHalf returns old with the part an access of size bytes at byte
// offset at (0 or 4) writes replaced by v, and false for other shapes.
func writeHalf(old, at uint64, size int, v uint64) (uint64, bool) {
	switch {
	case at == 0 && size == 8:
		return v, true
	case at == 0 && size == 4:
		return old&^0xffffffff | v&0xffffffff, true
	case at == 4 && size == 4:
		return old&0xffffffff | v<<32, true
	}
	return old, false
}

// Write implements Device.
func (c *CLINT) Write(off uint64, size int, v uint64) {
	c.mu.Lock()
	switch {
	case off < clintMTimecmp:
		c.writeMSIP(off, size, v)
	case off < clintMTimecmp+8*uint64(len(c.cmp)):
		h := int((off - clintMTimecmp) / 8)
		if n, ok := writeHalf(c.cmp[h], off%8, size, v); ok {
			c.cmp[h] = n
			c.evaluate(h)
		}
	case off == clintMTime || off == clintMTime+4:
		c.writeMTime(off-clintMTime, size, v)
	}
	c.out.flushUnlock(&c.mu)
}

// writeMSIP: bit 0 of hart h's word is its MSIP (ACLINT spec, MSWI; the
// upper 31 bits are zero). c.mu is held.
func (c *CLINT) writeMSIP(off uint64, size int, v uint64) {
	h := int(off / 4)
	if size != 4 || off%4 != 0 || h >= len(c.msip) {
		return
	}
	c.msip[h] = v&1 != 0
	c.out.want[clintLinesHart*h+clintLineMSIP] = c.msip[h]
}

// writeMTime moves mtime by changing its offset from now(), then
// re-evaluates every hart's MTIP (QEMU's riscv_aclint_mtimer_write does the
// same) and re-arms the TimerAt deadlines. c.mu is held.
func (c *CLINT) writeMTime(at uint64, size int, v uint64) {
	raw := c.now()
	n, ok := writeHalf(raw+c.delta.Load(), at, size, v)
	if !ok {
		return
	}
	c.delta.Store(n - raw)
	c.evaluateAll()
	c.tmu.Lock()
	for d := range c.extra {
		d.recheck()
	}
	c.tmu.Unlock()
}
