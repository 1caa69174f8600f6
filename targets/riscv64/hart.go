package riscv64

import (
	"sync/atomic"
	"time"

	"github.com/gemu-project/gemu/translate"
)

// System mode: a hart with the privileged architecture (RISC-V ISA manual,
// Volume II "Privileged Architecture", version 1.12; section numbers below
// are that volume's). The machine (package system) owns the harts, their
// goroutines and the devices; a Hart is the CPU's side: CSRs, traps,
// interrupts and the Sv39/Sv48 MMU (hartmmu.go).

// Privilege levels (§1.2).
const (
	PrivU = 0
	PrivS = 1
	PrivM = 3
)

// mstatus fields (§3.1.6).
const (
	msSIE  = 1 << 1
	msMIE  = 1 << 3
	msSPIE = 1 << 5
	msMPIE = 1 << 7
	msSPP  = 1 << 8
	msMPP  = 3 << 11
	msFS   = 3 << 13
	msMPRV = 1 << 17
	msSUM  = 1 << 18
	msMXR  = 1 << 19
	msTVM  = 1 << 20
	msTW   = 1 << 21
	msTSR  = 1 << 22
	msUXL  = 2 << 32 // XLEN 64 for U and S, read-only
	msSXL  = 2 << 34
	msSD   = 1 << 63

	mstatusWritable = msSIE | msMIE | msSPIE | msMPIE | msSPP | msMPP | msFS | msMPRV |
		msSUM | msMXR | msTVM | msTW | msTSR
	sstatusMask = msSIE | msSPIE | msSPP | msFS | msSUM | msMXR | msUXL | msSD
)

// Interrupt numbers (mip/mie bits, §3.1.9).
const (
	IntSSI = 1
	IntMSI = 3
	IntSTI = 5
	IntMTI = 7
	IntSEI = 9
	IntMEI = 11
)

// Exception causes (§3.1.15, Table 3.6).
const (
	causeFetchMisaligned = 0
	causeFetchAccess     = 1
	causeIllegal         = 2
	causeBreakpoint      = 3
	causeLoadMisaligned  = 4
	causeLoadAccess      = 5
	causeStoreMisaligned = 6
	causeStoreAccess     = 7
	causeEcallU          = 8
	causeFetchPage       = 12
	causeLoadPage        = 13
	causeStorePage       = 15
	causeInterrupt       = 1 << 63
)

// Context-tag mode bits of system-mode blocks (translate.SoftMMU.Fetch):
// the privilege level and whether the FPU is off (FP instructions are
// then illegal, mstatus.FS = Off).
const (
	tagPrivMask = 3
	tagFPOff    = 4
)

// PhysBus is the machine's physical address map as a hart sees it: one
// RAM region reached directly and device registers through ReadIO/WriteIO.
type PhysBus interface {
	ReadIO(pa uint64, size int) (uint64, bool)
	WriteIO(pa uint64, size int, v uint64) bool
}

// HartConfig is what the machine gives a hart.
type HartConfig struct {
	ID      int
	RAMBase uint64
	RAM     []byte // host memory of the RAM region
	Bus     PhysBus
	Code    *CodePages    // RAM pages holding translated code (shared by all harts)
	Time    func() uint64 // the machine's mtime (TimebaseHz ticks)
	TimerAt func(ticks uint64, fire func()) (cancel func())
	Sstc    bool // implement stimecmp (the Sstc extension)
	SvMode  int  // the widest satp mode: 8 (Sv39) or 9 (Sv48)
}

// Hart is one RISC-V hardware thread in system mode.
type Hart struct {
	HartConfig
	CPU *translate.CPU

	priv uint8
	// CSRs (hartcsr.go). mip holds the bits software writes (SSIP, STIP,
	// SEIP); lines holds the ones devices drive (MSIP, MTIP, MEIP, SEIP).
	mstatus, medeleg, mideleg, mie, mip                    uint64
	mtvec, mepc, mcause, mtval, mscratch, mcounteren       uint64
	menvcfg, mcountinhibit                                 uint64
	stvec, sepc, scause, stval, sscratch, scounteren, satp uint64
	senvcfg, stimecmp                                      uint64
	pmpcfg                                                 [4]uint64
	pmpaddr                                                [16]uint64
	lines                                                  atomic.Uint64
	stimerCancel                                           func()
	wake                                                   chan struct{}
	wfiSpins                                               int // WFIs in a row that returned at once
	mmu                                                    mmuState
}

// NewHart makes hart cfg.ID on a system-mode engine, in M-mode at pc 0.
func NewHart(e *translate.Engine, cfg HartConfig) *Hart {
	h := &Hart{HartConfig: cfg, wake: make(chan struct{}, 1)}
	if h.SvMode == 0 {
		h.SvMode = satpSv39
	}
	h.CPU = e.NewCPU()
	h.CPU.Env = h
	h.CPU.SetMMU(h)
	h.mmu.init(h)
	h.Code.harts = append(h.Code.harts, h)
	h.Reset(0)
	return h
}

// Reset puts the hart in its reset state (§3.4) with pc at entry.
func (h *Hart) Reset(entry uint64) {
	h.CPU.R = [256]uint64{}
	h.CPU.PC = entry
	h.CPU.ClearReservation()
	h.priv = PrivM
	h.mstatus = msUXL | msSXL
	h.medeleg, h.mideleg, h.mie, h.mip = 0, 0, 0, 0
	h.mtvec, h.mepc, h.mcause, h.mtval, h.mscratch = 0, 0, 0, 0, 0
	h.mcounteren, h.menvcfg, h.mcountinhibit = 0, 0, 0
	h.stvec, h.sepc, h.scause, h.stval, h.sscratch, h.scounteren = 0, 0, 0, 0, 0, 0
	h.satp, h.senvcfg, h.stimecmp = 0, 0, ^uint64(0)
	h.pmpcfg, h.pmpaddr = [4]uint64{}, [16]uint64{}
	h.contextChanged()
}

// Priv is the current privilege level.
func (h *Hart) Priv() uint8 { return h.priv }

// SetLine drives one device interrupt line of mip (MSIP, MTIP, MEIP or
// SEIP); safe from any goroutine.
func (h *Hart) SetLine(bit uint, level bool) {
	for {
		old := h.lines.Load()
		v := old &^ (1 << bit)
		if level {
			v |= 1 << bit
		}
		if old == v || h.lines.CompareAndSwap(old, v) {
			break
		}
	}
	if level {
		h.Kick()
	}
}

// Kick makes the hart look at its interrupts soon: it leaves guest code
// at the next block boundary and wakes from WFI.
func (h *Hart) Kick() {
	h.CPU.RequestExit()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// pending is mip as the hart sees it (§3.1.9): the software bits, the
// device lines, and STIP from stimecmp under Sstc (Sstc spec §2.1).
func (h *Hart) pending() uint64 {
	p := h.mip | h.lines.Load()
	if h.sstcOn() {
		p &^= 1 << IntSTI
		if h.Time() >= h.stimecmp {
			p |= 1 << IntSTI
		}
	}
	return p
}

func (h *Hart) sstcOn() bool { return h.Sstc && h.menvcfg&(1<<63) != 0 }

// interruptPriority is the order of §3.1.9: MEI, MSI, MTI, SEI, SSI, STI.
var interruptPriority = [...]uint{IntMEI, IntMSI, IntMTI, IntSEI, IntSSI, IntSTI}

// nextInterrupt is the interrupt the hart takes now, if any (§3.1.9):
// "Interrupts to M-mode take priority over any interrupts to lower
// privilege modes", then the order of interruptPriority within a mode.
func (h *Hart) nextInterrupt() (uint, bool) {
	p := h.pending() & h.mie
	if p == 0 {
		return 0, false
	}
	mOn := h.priv < PrivM || h.mstatus&msMIE != 0
	sOn := h.priv < PrivS || (h.priv == PrivS && h.mstatus&msSIE != 0)
	if m := p &^ h.mideleg; mOn && m != 0 {
		return firstInterrupt(m), true
	}
	if s := p & h.mideleg; sOn && s != 0 {
		return firstInterrupt(s), true
	}
	return 0, false
}

// firstInterrupt is the highest-priority interrupt in the non-empty set p.
func firstInterrupt(p uint64) uint {
	for _, i := range interruptPriority {
		if p&(1<<i) != 0 {
			return i
		}
	}
	return 0
}

// TakeInterrupt enters the trap handler of a deliverable interrupt and
// reports whether there was one.
func (h *Hart) TakeInterrupt() bool {
	i, ok := h.nextInterrupt()
	if ok {
		h.trap(causeInterrupt|uint64(i), 0, h.CPU.PC)
	}
	return ok
}

// checkInterrupts makes the hart leave guest code when an interrupt is
// deliverable (after a CSR write, an xRET).
func (h *Hart) checkInterrupts() {
	if _, ok := h.nextInterrupt(); ok {
		h.CPU.RequestExit()
	}
}

// trap enters M or S mode for cause at pc (§3.1.6.1, §3.1.7, §4.1.1).
func (h *Hart) trap(cause, tval, pc uint64) {
	intr := cause&causeInterrupt != 0
	code := cause &^ causeInterrupt
	deleg := h.medeleg
	if intr {
		deleg = h.mideleg
		h.wfiSpins = 0
	}
	if h.priv <= PrivS && deleg&(1<<code) != 0 {
		h.scause, h.sepc, h.stval = cause, pc, tval
		s := h.mstatus &^ (msSPIE | msSPP | msSIE)
		if h.mstatus&msSIE != 0 {
			s |= msSPIE
		}
		if h.priv == PrivS {
			s |= msSPP
		}
		h.mstatus = s
		h.priv = PrivS
		h.CPU.PC = trapVector(h.stvec, cause)
	} else {
		h.mcause, h.mepc, h.mtval = cause, pc, tval
		s := h.mstatus &^ (msMPIE | msMPP | msMIE)
		if h.mstatus&msMIE != 0 {
			s |= msMPIE
		}
		s |= uint64(h.priv) << 11
		h.mstatus = s
		h.priv = PrivM
		h.CPU.PC = trapVector(h.mtvec, cause)
	}
	h.CPU.ClearReservation()
	h.contextChanged()
}

// trapVector is the handler address: vectored mode sends interrupts to
// BASE + 4*cause (§3.1.7).
func trapVector(tvec, cause uint64) uint64 {
	base := tvec &^ 3
	if tvec&3 == 1 && cause&causeInterrupt != 0 {
		return base + 4*(cause&^causeInterrupt)
	}
	return base
}

// contextChanged is called whenever the mode, satp or mstatus change:
// cached indirect-jump targets may belong to another context now.
func (h *Hart) contextChanged() {
	h.updateContext()
	h.CPU.FlushJumpCache()
}

// HandleExit turns a translate exit into the architectural event: a
// trap for exceptions and ecalls, a wait for WFI. stop reports whether
// the machine wants the hart back (WFI then returns early).
func (h *Hart) HandleExit(k translate.ExitKind, stop func() bool) {
	c := h.CPU
	switch k {
	case translate.ExitSyscall: // ecall: c.PC is the next instruction
		h.trap(causeEcallU+uint64(h.priv), 0, c.PC-4)
	case translate.ExitException:
		cause, tval := exceptionCause(c.Exit)
		h.trap(cause, tval, c.PC)
	case translate.ExitHalt:
		h.waitForInterrupt(stop)
	}
	h.TakeInterrupt()
}

// exceptionCause maps the core's exception to a RISC-V cause and tval.
func exceptionCause(x translate.ExitInfo) (cause, tval uint64) {
	pick := func(fetch, load, store uint64) uint64 {
		switch x.Access {
		case translate.AccessFetch:
			return fetch
		case translate.AccessStore:
			return store
		}
		return load
	}
	switch x.Exception {
	case translate.ExcBreakpoint:
		return causeBreakpoint, x.Addr
	case translate.ExcPageFault:
		return pick(causeFetchPage, causeLoadPage, causeStorePage), x.Addr
	case translate.ExcUnmapped, translate.ExcProtection, translate.ExcNoBacking:
		return pick(causeFetchAccess, causeLoadAccess, causeStoreAccess), x.Addr
	case translate.ExcMisaligned:
		return pick(causeFetchMisaligned, causeLoadMisaligned, causeStoreMisaligned), x.Addr
	}
	return causeIllegal, 0
}

// waitForInterrupt is WFI (§3.3.3): it returns once an interrupt is
// pending and enabled in mie (whatever the global enables), or when the
// machine asks.
func (h *Hart) waitForInterrupt(stop func() bool) {
	if h.pending()&h.mie != 0 {
		// WFI returns at once, and the guest may loop on it with an
		// interrupt it does not take (OpenSBI's parked harts with MSIP
		// pending): after a while such a loop waits between rounds, for
		// a kick (a new interrupt, as the IPI that comes with what it
		// waits for) or wfiSpinWait, so it does not take a host core
		// and the Go scheduler's time from the harts that work.
		if h.wfiSpins++; h.wfiSpins > wfiSpinLimit && !stop() {
			t := time.NewTimer(wfiSpinWait)
			select {
			case <-h.wake:
			case <-t.C:
			}
			t.Stop()
		}
		return
	}
	h.wfiSpins = 0
	for h.pending()&h.mie == 0 && !stop() {
		t := time.NewTimer(wfiPoll)
		select {
		case <-h.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// wfiPoll bounds a WFI's sleep: the machine's stop requests and Sstc's
// comparison are rechecked at least this often.
const wfiPoll = 20 * time.Millisecond

// A WFI loop that never sleeps and takes no interrupt waits up to
// wfiSpinWait per round after wfiSpinLimit rounds.
const (
	wfiSpinLimit = 64
	wfiSpinWait  = time.Millisecond
)

// CodePages marks the RAM pages that hold translated code, so stores and
// device writes there drop the translations (translate.Engine.InvalidatePhys).
type CodePages struct {
	base  uint64
	bits  []atomic.Uint32
	harts []*Hart // whose soft TLBs must lose store entries of new code pages
}

// NewCodePages covers size bytes of RAM at base.
func NewCodePages(base, size uint64) *CodePages {
	return &CodePages{base: base, bits: make([]atomic.Uint32, (size/translate.PageSize+31)/32)}
}

// mark records that pa's page holds code; it reports whether that is new.
func (p *CodePages) mark(pa uint64) bool {
	n := (pa - p.base) / translate.PageSize
	bit := uint32(1) << (n % 32)
	w := &p.bits[n/32]
	return w.Load()&bit == 0 && w.Or(bit)&bit == 0
}

func (p *CodePages) has(pa uint64) bool {
	n := (pa - p.base) / translate.PageSize
	return p.bits[n/32].Load()&(1<<(n%32)) != 0
}

// Written reports whether pa's page held code and forgets it.
func (p *CodePages) Written(pa uint64) bool {
	n := (pa - p.base) / translate.PageSize
	w := &p.bits[n/32]
	bit := uint32(1) << (n % 32)
	if w.Load()&bit == 0 {
		return false
	}
	w.And(^bit)
	return true
}
