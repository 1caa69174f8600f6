// Package dev holds the memory-mapped devices of gemu's riscv64 "virt"
// machine, laid out as QEMU 7.2's hw/riscv/virt.c lays them out: an
// NS16550A UART, the SiFive PLIC, the SiFive CLINT, the SiFive test
// finisher, the Goldfish RTC, and the Bus that maps them into the physical
// address space.
//
// Devices are shared by the hart goroutines and by host I/O goroutines, so
// each one guards its state with its own mutex. Interrupt outputs are
// decided under that mutex and signalled after it is released (see
// outLines), so a receiver (the PLIC, a hart) may take its own locks.
package dev

import "sync"

// Device is a memory-mapped register block; off is relative to the region's
// base, size is 1, 2, 4 or 8.
type Device interface {
	Read(off uint64, size int) uint64
	Write(off uint64, size int, v uint64)
}

// IRQLine raises (true) or lowers (false) one interrupt input
// (level-triggered).
type IRQLine func(level bool)

// HartIRQ sets or clears a pending interrupt bit of a hart's mip; safe from
// any goroutine. An implementation must not call back into the device that
// signals it, and must not wait for the hart it signals to leave an MMIO
// access (use an atomic mip and a wake-up).
type HartIRQ interface {
	SetPending(hart int, bit uint, level bool)
}

// Interrupt bits of mip (RISC-V privileged spec, "Machine Interrupt
// Registers (mip and mie)").
const (
	MSIP uint = 3  // machine software interrupt
	MTIP uint = 7  // machine timer interrupt
	SEIP uint = 9  // supervisor external interrupt
	MEIP uint = 11 // machine external interrupt
)

// outLines carries a device's output lines to their receivers. The device
// decides the wanted levels under its own lock; flushUnlock then signals
// each line whose level changed, after that lock is released but in the
// order the decisions were made (it takes mu before letting the device lock
// go), so the receivers never see a stale level win over a newer one.
type outLines struct {
	mu    sync.Mutex
	set   func(line int, level bool)
	want  []bool // guarded by the device's lock
	level []bool // last signalled; guarded by mu
	todo  []int  // guarded by mu
}

func newOutLines(n int, set func(line int, level bool)) *outLines {
	return &outLines{set: set, want: make([]bool, n), level: make([]bool, n)}
}

// flushUnlock is called with dev locked and returns with it unlocked, having
// signalled every line whose wanted level differs from the signalled one.
// The receivers run without dev held; they must not call back into the
// device (its lines' mu is held while they run).
func (o *outLines) flushUnlock(dev *sync.Mutex) {
	o.mu.Lock()
	o.todo = o.todo[:0]
	for i, w := range o.want {
		if w != o.level[i] {
			o.level[i] = w
			o.todo = append(o.todo, i)
		}
	}
	dev.Unlock()
	for _, i := range o.todo {
		o.set(i, o.level[i])
	}
	o.mu.Unlock()
}

// hartLines returns outLines where line i drives bit bits[i%len(bits)] of
// hart i/len(bits).
func hartLines(harts int, hart HartIRQ, bits ...uint) *outLines {
	n := len(bits)
	return newOutLines(harts*n, func(line int, level bool) {
		hart.SetPending(line/n, bits[line%n], level)
	})
}

// oneLine returns outLines with a single line driving irq (nil: no wire).
func oneLine(irq IRQLine) *outLines {
	return newOutLines(1, func(_ int, level bool) {
		if irq != nil {
			irq(level)
		}
	})
}
