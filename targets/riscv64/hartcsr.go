package riscv64

import "github.com/gemu-project/gemu/translate"

// The privileged CSRs of a system-mode hart (Volume II §2.2 "CSR Listing",
// chapter 3 for M-mode and chapter 4 for S-mode; stimecmp: the Sstc
// extension). Accesses check privilege at run time, so a block's
// translation does not depend on the mode for its CSR instructions.

// CSR numbers (Volume II Tables 2.2-2.6).
const (
	csrSstatus    = 0x100
	csrSie        = 0x104
	csrStvec      = 0x105
	csrScounteren = 0x106
	csrSenvcfg    = 0x10a
	csrSscratch   = 0x140
	csrSepc       = 0x141
	csrScause     = 0x142
	csrStval      = 0x143
	csrSip        = 0x144
	csrStimecmp   = 0x14d
	csrSatp       = 0x180

	csrMstatus       = 0x300
	csrMisa          = 0x301
	csrMedeleg       = 0x302
	csrMideleg       = 0x303
	csrMie           = 0x304
	csrMtvec         = 0x305
	csrMcounteren    = 0x306
	csrMenvcfg       = 0x30a
	csrMcountinhibit = 0x320
	csrMscratch      = 0x340
	csrMepc          = 0x341
	csrMcause        = 0x342
	csrMtval         = 0x343
	csrMip           = 0x344
	csrPmpcfg0       = 0x3a0
	csrPmpaddr0      = 0x3b0
	csrMcycle        = 0xb00
	csrMinstret      = 0xb02
	csrMvendorid     = 0xf11
	csrMarchid       = 0xf12
	csrMimpid        = 0xf13
	csrMhartid       = 0xf14
	csrMconfigptr    = 0xf15
)

// Writable bits.
const (
	medelegMask = 0xb3ff // every exception but ecall from M (§3.1.8)
	sIntMask    = 1<<IntSSI | 1<<IntSTI | 1<<IntSEI
	mieMask     = sIntMask | 1<<IntMSI | 1<<IntMTI | 1<<IntMEI
	sstatusW    = msSIE | msSPIE | msSPP | msFS | msSUM | msMXR
	menvcfgSTCE = 1 << 63
)

// misaValue: RV64 with A, C, D, F, I, M, S and U (§3.1.1).
const misaValue = 2<<62 | 1<<0 | 1<<2 | 1<<3 | 1<<5 | 1<<8 | 1<<12 | 1<<18 | 1<<20

// sysCSRHelper is a CSR instruction in system mode: Dst = CSR, then the
// write when op.C is set; an inaccessible CSR is an illegal instruction.
func sysCSRHelper(c *translate.CPU, op *translate.Op) translate.ExitKind {
	h := c.Env.(*Hart)
	n := uint32(op.Imm)
	write := op.C != 0
	if uint8(n>>8&3) > h.priv || (write && n>>10 == 3) {
		return c.Raise(op, translate.ExcIllegal, 0)
	}
	old, ok := h.readCSR(n)
	if !ok {
		return c.Raise(op, translate.ExcIllegal, 0)
	}
	if write {
		v := c.R[op.A]
		if op.Size == 1 {
			v = uint64(op.B)
		}
		base := h.rmwBase(n, old)
		switch op.Aux {
		case csrRS:
			v |= base
		case csrRC:
			v = base &^ v
		}
		if !h.writeCSR(n, v) {
			return c.Raise(op, translate.ExcIllegal, 0)
		}
	}
	c.R[op.Dst] = old
	return translate.ExitNone
}

// rmwBase is the value a CSRRS or CSRRC modifies: for mip and sip the
// software SEIP bit, not its OR with the PLIC's line that reads return
// (Volume II §3.1.9: "Only the software-writable SEIP bit participates in
// the read-modify-write sequence of a CSRRS or CSRRC instruction"). With
// the OR, OpenSBI's csrs mip, SSIP latched a pending external interrupt
// into a software SEIP no claim could clear: an endless interrupt storm
// that starved the timer (RCU stalls under -smp 2).
func (h *Hart) rmwBase(n uint32, old uint64) uint64 {
	if n == csrMip || n == csrSip {
		const seip = 1 << IntSEI
		return old&^seip | h.mip&seip
	}
	return old
}

// lowerSysCSR: the helper, then (for a write of anything but the FP CSRs)
// the end of the block, as the write may change the context blocks are
// built in or make an interrupt deliverable.
func lowerSysCSR(b *translate.Builder, d *inst) {
	op := translate.Op{Code: translate.OpCall, Fn: sysCSRHelper, Dst: xd(d.rd), A: d.rs1,
		Imm: d.imm, Aux: d.row.aux, Size: d.row.size}
	if d.row.size == 1 {
		op.A, op.B = 0, d.rs1
	}
	if csrWrites(d) {
		op.C = 1
	}
	b.Emit(op)
	if n := uint32(d.imm); op.C != 0 && n > csrFcsr {
		b.Emit(translate.Op{Code: translate.OpExit, Aux: uint8(translate.ExitNone), Imm: int64(d.next())})
	}
}

func (h *Hart) readCSR(n uint32) (uint64, bool) {
	switch {
	case n <= csrFcsr:
		return h.readFPCSR(n)
	case n >= 0xc00 && n < 0xc20:
		return h.counter(n)
	case n >= csrPmpcfg0 && n < csrPmpcfg0+4:
		if n%2 != 0 {
			return 0, false // RV64 has only the even pmpcfg registers
		}
		return h.pmpcfg[n-csrPmpcfg0], true
	case n >= csrPmpaddr0 && n < csrPmpaddr0+16:
		return h.pmpaddr[n-csrPmpaddr0], true
	case n >= 0xb03 && n < 0xb20, n >= 0x323 && n < 0x340: // mhpmcounterN, mhpmeventN
		return 0, true
	}
	switch n {
	case csrSstatus:
		return h.readMstatus() & sstatusMask, true
	case csrSie:
		return h.mie & h.mideleg, true
	case csrSip:
		return h.pending() & h.mideleg, true
	case csrStvec:
		return h.stvec, true
	case csrScounteren:
		return h.scounteren, true
	case csrSenvcfg:
		return h.senvcfg, true
	case csrSscratch:
		return h.sscratch, true
	case csrSepc:
		return h.sepc, true
	case csrScause:
		return h.scause, true
	case csrStval:
		return h.stval, true
	case csrStimecmp:
		return h.stimecmp, h.stimecmpAllowed()
	case csrSatp:
		return h.satp, !(h.priv == PrivS && h.mstatus&msTVM != 0)
	}
	return h.readMCSR(n)
}

func (h *Hart) readMCSR(n uint32) (uint64, bool) {
	switch n {
	case csrMstatus:
		return h.readMstatus(), true
	case csrMisa:
		return misaValue, true
	case csrMedeleg:
		return h.medeleg, true
	case csrMideleg:
		return h.mideleg, true
	case csrMie:
		return h.mie, true
	case csrMip:
		return h.pending(), true
	case csrMtvec:
		return h.mtvec, true
	case csrMcounteren:
		return h.mcounteren, true
	case csrMenvcfg:
		return h.menvcfg, true
	case csrMcountinhibit:
		return h.mcountinhibit, true
	case csrMscratch:
		return h.mscratch, true
	case csrMepc:
		return h.mepc, true
	case csrMcause:
		return h.mcause, true
	case csrMtval:
		return h.mtval, true
	case csrMcycle, csrMinstret:
		return h.Time(), true
	case csrMvendorid, csrMarchid, csrMimpid, csrMconfigptr:
		return 0, true
	case csrMhartid:
		return uint64(h.ID), true
	}
	return 0, false
}

func (h *Hart) readMstatus() uint64 {
	s := h.mstatus
	if s&msFS == msFS {
		s |= msSD
	}
	return s
}

// counter reads cycle, time, instret and hpmcounterN from a lower mode:
// mcounteren (and scounteren for U) must allow it (§3.1.11, §4.1.5).
func (h *Hart) counter(n uint32) (uint64, bool) {
	bit := uint64(1) << (n - 0xc00)
	if (h.priv < PrivM && h.mcounteren&bit == 0) || (h.priv == PrivU && h.scounteren&bit == 0) {
		return 0, false
	}
	if n <= csrInstret {
		return h.Time(), true // cycle and instret count at the timebase, as time
	}
	return 0, true
}

func (h *Hart) readFPCSR(n uint32) (uint64, bool) {
	if h.mstatus&msFS == 0 || n == 0 {
		return 0, false
	}
	return csrRead(h.CPU, n), true
}

// stimecmpAllowed: below M, stimecmp needs menvcfg.STCE and
// mcounteren.TM (Sstc v1.0: "When the TM bit in the mcounteren register is
// clear, attempts to access the stimecmp register while executing in
// S-mode will cause an illegal instruction exception").
func (h *Hart) stimecmpAllowed() bool {
	return h.Sstc && (h.priv == PrivM || h.menvcfg&menvcfgSTCE != 0 && h.mcounteren&2 != 0)
}

// writeCSR stores v (WARL fields legalised); false is an illegal write.
func (h *Hart) writeCSR(n uint32, v uint64) bool {
	switch {
	case n <= csrFcsr:
		csrWrite(h.CPU, n, v)
		return true
	case n >= csrPmpcfg0 && n < csrPmpcfg0+4:
		h.pmpcfg[n-csrPmpcfg0] = v
		return true
	case n >= csrPmpaddr0 && n < csrPmpaddr0+16:
		h.pmpaddr[n-csrPmpaddr0] = v & (1<<54 - 1)
		return true
	case n >= 0xb00 && n < 0xb20, n >= 0x323 && n < 0x340:
		return true // counters and events: read-only zero or the clock here
	}
	switch n {
	case csrSstatus:
		h.setMstatus(h.mstatus&^sstatusW | v&sstatusW)
	case csrSie:
		h.mie = h.mie&^(h.mideleg&sIntMask) | v&h.mideleg&sIntMask
		h.checkInterrupts()
	case csrSip:
		m := h.mideleg & (1 << IntSSI)
		h.mip = h.mip&^m | v&m
		h.checkInterrupts()
	case csrStvec:
		h.stvec = legalTvec(v)
	case csrScounteren:
		h.scounteren = uint64(uint32(v))
	case csrSenvcfg:
		h.senvcfg = v & 1
	case csrSscratch:
		h.sscratch = v
	case csrSepc:
		h.sepc = v &^ 1
	case csrScause:
		h.scause = v
	case csrStval:
		h.stval = v
	case csrStimecmp:
		if !h.stimecmpAllowed() {
			return false
		}
		h.setStimecmp(v)
	case csrSatp:
		return h.setSatp(v)
	default:
		return h.writeMCSR(n, v)
	}
	return true
}

func (h *Hart) writeMCSR(n uint32, v uint64) bool {
	switch n {
	case csrMstatus:
		h.setMstatus(v)
	case csrMisa:
	case csrMedeleg:
		h.medeleg = v & medelegMask
	case csrMideleg:
		h.mideleg = v & sIntMask
		h.checkInterrupts()
	case csrMie:
		h.mie = v & mieMask
		h.checkInterrupts()
	case csrMip:
		m := uint64(1<<IntSSI | 1<<IntSEI)
		if !h.sstcOn() {
			m |= 1 << IntSTI
		}
		h.mip = h.mip&^m | v&m
		h.checkInterrupts()
	case csrMtvec:
		h.mtvec = legalTvec(v)
	case csrMcounteren:
		h.mcounteren = uint64(uint32(v))
	case csrMenvcfg:
		m := uint64(1)
		if h.Sstc {
			m |= menvcfgSTCE
		}
		h.menvcfg = v & m
		h.checkInterrupts()
	case csrMcountinhibit:
		h.mcountinhibit = uint64(uint32(v))
	case csrMscratch:
		h.mscratch = v
	case csrMepc:
		h.mepc = v &^ 1
	case csrMcause:
		h.mcause = v
	case csrMtval:
		h.mtval = v
	case csrMvendorid, csrMarchid, csrMimpid, csrMhartid, csrMconfigptr:
		return false
	default:
		return false
	}
	return true
}

// setMstatus legalises and stores mstatus: MPP 2 is reserved (WARL, kept
// at U), an enabled FPU is always reported Dirty (allowed by §3.1.6.6),
// UXL and SXL are fixed at 64 bits.
func (h *Hart) setMstatus(v uint64) {
	v &= mstatusWritable
	if v&msMPP == 2<<11 {
		v &^= msMPP
	}
	if v&msFS != 0 {
		v |= msFS
	}
	h.mstatus = v | msUXL | msSXL
	h.contextChanged()
	h.checkInterrupts()
}

// setSatp: an unsupported mode leaves satp unchanged (§4.1.11); ASIDs
// are 16 bits.
func (h *Hart) setSatp(v uint64) bool {
	mode := int(v >> 60)
	if h.priv == PrivS && h.mstatus&msTVM != 0 {
		return false
	}
	if mode != satpBare && mode != satpSv39 && !(mode == satpSv48 && h.SvMode >= satpSv48) {
		return true
	}
	h.satp = v & (0xf<<60 | 0xffff<<44 | (1<<44 - 1))
	if mode == satpBare {
		h.satp = 0
	}
	h.flushTLB()
	h.contextChanged()
	return true
}

// setStimecmp arms the host timer that raises STIP when time reaches v.
func (h *Hart) setStimecmp(v uint64) {
	h.stimecmp = v
	if h.stimerCancel != nil {
		h.stimerCancel()
		h.stimerCancel = nil
	}
	if h.Time() >= v {
		h.checkInterrupts()
		return
	}
	if h.TimerAt != nil {
		h.stimerCancel = h.TimerAt(v, h.Kick)
	}
}

// legalTvec keeps the direct and vectored modes; reserved modes become
// direct (WARL).
func legalTvec(v uint64) uint64 {
	if v&3 >= 2 {
		return v &^ 3
	}
	return v
}
