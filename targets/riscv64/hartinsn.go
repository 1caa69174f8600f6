package riscv64

import (
	"sync"

	"github.com/gemu-project/gemu/translate"
)

// The privileged instructions of a system-mode hart (Volume II §3.3 and
// §4.2): decoded only for system-mode blocks, illegal in user mode.

var privRows = []row{
	{mask: maskExact, match: 0x30200073, name: "mret", lower: lowerPriv, aux: privMRET},
	{mask: maskExact, match: 0x10200073, name: "sret", lower: lowerPriv, aux: privSRET},
	{mask: maskExact, match: 0x10500073, name: "wfi", lower: lowerPriv, aux: privWFI},
	{mask: 0xfe007fff, match: 0x12000073, name: "sfence.vma", args: [4]argKind{aRs1, aRs2}, lower: lowerPriv, aux: privSfence},
}

const (
	privMRET = iota
	privSRET
	privWFI
	privSfence
)

// decodeSystem is decode for a system-mode block: the privileged rows,
// and CSR instructions whatever their number (checked when they run).
func decodeSystem(x uint32, pc uint64, d *inst) bool {
	if decode(x, pc, d) {
		return true
	}
	if d.len == 4 && d.row != nil && d.row.flags&flagCSR != 0 && d.raw == x {
		return true
	}
	for i := range privRows {
		if r := &privRows[i]; x&r.mask == r.match {
			*d = inst{row: r, pc: pc, raw: x, orig: x, len: 4, rs1: uint8(x >> 15 & 31), rs2: uint8(x >> 20 & 31)}
			return true
		}
	}
	return false
}

// isFPRow reports whether r is an F or D instruction (fpRows).
func isFPRow(r *row) bool {
	fpRowSet.once.Do(func() {
		fpRowSet.m = map[*row]bool{}
		for i := range fpRows {
			fpRowSet.m[&fpRows[i]] = true
		}
	})
	return fpRowSet.m[r]
}

var fpRowSet struct {
	once sync.Once
	m    map[*row]bool
}

func lowerPriv(b *translate.Builder, d *inst) {
	b.Emit(translate.Op{Code: translate.OpCall, Fn: privHelper, Aux: d.row.aux, Imm: int64(d.next())})
	// The helper always leaves the block; this exit is never taken.
	b.Emit(translate.Op{Code: translate.OpExit, Aux: uint8(translate.ExitInterrupt), Imm: int64(d.next())})
}

// privHelper runs mret, sret, wfi and sfence.vma. Each leaves guest code
// (ExitInterrupt or ExitHalt) so the machine looks at interrupts and the
// next block is looked up in the new context.
func privHelper(c *translate.CPU, op *translate.Op) translate.ExitKind {
	h := c.Env.(*Hart)
	tvm, tw, tsr := h.mstatus&msTVM != 0, h.mstatus&msTW != 0, h.mstatus&msTSR != 0
	switch op.Aux {
	case privMRET:
		if h.priv < PrivM {
			break
		}
		h.mret()
		return translate.ExitInterrupt
	case privSRET:
		if h.priv < PrivS || (h.priv == PrivS && tsr) {
			break
		}
		h.sret()
		return translate.ExitInterrupt
	case privWFI:
		if h.priv == PrivU || (h.priv == PrivS && tw) {
			break
		}
		c.PC = uint64(op.Imm)
		return translate.ExitHalt
	case privSfence:
		if h.priv == PrivU || (h.priv == PrivS && tvm) {
			break
		}
		h.flushTLB()
		h.contextChanged()
		c.PC = uint64(op.Imm)
		return translate.ExitInterrupt
	}
	return c.Raise(op, translate.ExcIllegal, 0)
}

// mret returns from an M-mode trap (§3.3.2).
func (h *Hart) mret() {
	mpp := uint8(h.mstatus >> 11 & 3)
	s := h.mstatus &^ (msMIE | msMPP)
	if h.mstatus&msMPIE != 0 {
		s |= msMIE
	}
	s |= msMPIE
	if mpp != PrivM {
		s &^= msMPRV
	}
	h.mstatus = s
	h.priv = mpp
	h.CPU.PC = h.mepc
	h.contextChanged()
}

// sret returns from an S-mode trap (§4.1.1, §3.3.2).
func (h *Hart) sret() {
	spp := uint8(h.mstatus >> 8 & 1)
	s := h.mstatus &^ (msSIE | msSPP | msMPRV)
	if h.mstatus&msSPIE != 0 {
		s |= msSIE
	}
	s |= msSPIE
	h.mstatus = s
	h.priv = spp
	h.CPU.PC = h.sepc
	h.contextChanged()
}
