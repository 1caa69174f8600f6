package dev

import (
	"fmt"
	"sync"
)

// PLIC layout of QEMU 7.2's virt machine (include/hw/riscv/virt.h: the
// VIRT_PLIC_* and VIRT_IRQCHIP_* constants; hw/intc/sifive_plic.c), which
// follows the RISC-V PLIC spec's memory map and the SiFive FU540 manual's
// PLIC chapter.
const (
	PLICSources    = 96 // VIRT_IRQCHIP_NUM_SOURCES, counting the unused source 0
	plicWords      = (PLICSources + 31) / 32
	plicPriorities = 8 // 3 priority bits (VIRT_IRQCHIP_NUM_PRIO_BITS): 0..7
	plicPending    = 0x1000
	plicEnable     = 0x2000
	plicEnableStep = 0x80
	plicContext    = 0x200000
	plicContextLen = 0x1000
	plicClaim      = 4 // claim/complete, after the threshold, in a context
)

// PLICSize returns the size of the PLIC's region for harts harts, each with
// an M-mode and an S-mode context (VIRT_PLIC_SIZE in QEMU).
func PLICSize(harts int) uint64 {
	return plicContext + uint64(2*harts)*plicContextLen
}

// PLIC is the platform-level interrupt controller. Context 2*h is hart h's
// M mode and drives its MEIP; context 2*h+1 is its S mode and drives SEIP
// (QEMU virt's hart config "MS" per hart). Each source has a level-triggered
// gateway: a high input makes the source pending, a claim takes the
// pending bit away, and no new request is forwarded until the claim is
// completed; a completion of a source whose input is still high makes it
// pending again (RISC-V PLIC spec, "Interrupt Gateways").
type PLIC struct {
	mu        sync.Mutex
	prio      [PLICSources]uint32
	input     [plicWords]uint32 // levels of the input lines
	pending   [plicWords]uint32
	claimed   [plicWords]uint32
	enable    [][plicWords]uint32 // per context
	threshold []uint32            // per context
	out       *outLines
}

// NewPLIC returns a PLIC for harts harts that signals MEIP and SEIP through
// hart. Everything starts at zero (sifive_plic_reset), so every source is
// masked (priority 0 never interrupts) until the guest programs it.
func NewPLIC(harts int, hart HartIRQ) *PLIC {
	if harts < 1 || plicEnable+uint64(2*harts)*plicEnableStep > plicContext {
		panic("dev: PLIC hart count out of range")
	}
	return &PLIC{
		enable:    make([][plicWords]uint32, 2*harts),
		threshold: make([]uint32, 2*harts),
		out:       hartLines(harts, hart, MEIP, SEIP),
	}
}

// Size returns the size of the PLIC's region.
func (p *PLIC) Size() uint64 { return PLICSize(len(p.threshold) / 2) }

// IRQ returns the input line of source (1..PLICSources-1). Calling it with
// the line's current level again is harmless.
func (p *PLIC) IRQ(source int) IRQLine {
	if source < 1 || source >= PLICSources {
		panic(fmt.Sprintf("dev: PLIC source %d out of range", source))
	}
	w, bit := source/32, uint32(1)<<(source%32)
	return func(level bool) {
		p.mu.Lock()
		if level {
			p.input[w] |= bit
			if p.claimed[w]&bit == 0 {
				p.pending[w] |= bit
			}
		} else {
			// A lowered line withdraws a request not yet claimed, as
			// sifive_plic_irq_request clears the pending bit.
			p.input[w] &^= bit
			p.pending[w] &^= bit
		}
		p.update()
		p.out.flushUnlock(&p.mu)
	}
}

// best returns the pending, enabled, unclaimed source of context ctx with
// the highest priority above its threshold, the lowest-numbered one on a
// tie, or 0 (PLIC spec, "Interrupt Priorities"; sifive_plic_claimed).
func (p *PLIC) best(ctx int) int {
	src, top := 0, p.threshold[ctx]
	for w := range plicWords {
		cand := p.pending[w] &^ p.claimed[w] & p.enable[ctx][w]
		for b := 0; cand != 0; b++ {
			if cand&1 != 0 && p.prio[32*w+b] > top {
				src, top = 32*w+b, p.prio[32*w+b]
			}
			cand >>= 1
		}
	}
	return src
}

// update sets each context's wanted interrupt line. p.mu is held.
func (p *PLIC) update() {
	for ctx := range p.threshold {
		p.out.want[ctx] = p.best(ctx) != 0
	}
}

// claim returns the best source of ctx and marks it claimed.
func (p *PLIC) claim(ctx int) uint64 {
	src := p.best(ctx)
	if src != 0 {
		w, bit := src/32, uint32(1)<<(src%32)
		p.pending[w] &^= bit
		p.claimed[w] |= bit
	}
	return uint64(src)
}

// complete ends the claim of src; QEMU 7.2 accepts any source number below
// the source count, enabled or not.
func (p *PLIC) complete(src uint64) {
	if src == 0 || src >= PLICSources {
		return
	}
	w, bit := src/32, uint32(1)<<(src%32)
	p.claimed[w] &^= bit
	if p.input[w]&bit != 0 {
		p.pending[w] |= bit
	}
}

// Read implements Device; the PLIC only takes 32-bit accesses.
func (p *PLIC) Read(off uint64, size int) uint64 {
	if size != 4 || off%4 != 0 {
		return 0
	}
	p.mu.Lock()
	var v uint64
	switch {
	case off < 4*PLICSources:
		v = uint64(p.prio[off/4])
	case off >= plicPending && off < plicPending+4*plicWords:
		v = uint64(p.pending[(off-plicPending)/4])
	case off >= plicEnable && off < plicContext:
		if ctx, w, ok := p.enableAt(off); ok {
			v = uint64(p.enable[ctx][w])
		}
	case off >= plicContext:
		ctx, reg := p.context(off)
		switch {
		case ctx < 0:
		case reg == 0:
			v = uint64(p.threshold[ctx])
		case reg == plicClaim:
			v = p.claim(ctx)
			p.update()
		}
	}
	p.out.flushUnlock(&p.mu)
	return v
}

// Write implements Device. Pending bits are read-only; priorities and
// thresholds keep their low 3 bits (WARL, as sifive_plic_write does when
// the priority count is a power of two).
func (p *PLIC) Write(off uint64, size int, v uint64) {
	if size != 4 || off%4 != 0 {
		return
	}
	p.mu.Lock()
	switch {
	case off < 4*PLICSources:
		if off != 0 { // source 0 does not exist (PLIC spec)
			p.prio[off/4] = uint32(v % plicPriorities)
		}
	case off >= plicEnable && off < plicContext:
		if ctx, w, ok := p.enableAt(off); ok {
			p.enable[ctx][w] = uint32(v)
			p.enable[ctx][0] &^= 1 // source 0 is never enabled
		}
	case off >= plicContext:
		ctx, reg := p.context(off)
		switch {
		case ctx < 0:
		case reg == 0:
			p.threshold[ctx] = uint32(v % plicPriorities)
		case reg == plicClaim:
			p.complete(v)
		}
	}
	p.update()
	p.out.flushUnlock(&p.mu)
}

// enableAt returns the context and word of the enable register at off (in
// the enable block); ok is false past the last context or word.
func (p *PLIC) enableAt(off uint64) (ctx, w int, ok bool) {
	c := (off - plicEnable) / plicEnableStep
	i := (off - plicEnable) % plicEnableStep / 4
	if c >= uint64(len(p.enable)) || i >= plicWords {
		return 0, 0, false
	}
	return int(c), int(i), true
}

// context splits off (in the context block) into a context and a register
// offset; ctx is -1 past the last context.
func (p *PLIC) context(off uint64) (ctx int, reg uint64) {
	c := (off - plicContext) / plicContextLen
	if c >= uint64(len(p.threshold)) {
		return -1, 0
	}
	return int(c), (off - plicContext) % plicContextLen
}
