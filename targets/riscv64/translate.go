package riscv64

import "github.com/gemu-project/gemu/translate"

// Translate decodes and lowers the block starting at b.PC(): up to a
// terminator, an illegal instruction, a fetch fault, the instruction cap
// or the end of the page.
// ZeroRegister tells the translator that R[0] (x0) always reads 0: the
// lowering reads it as a source and never writes it (regs.go).
func (*Arch) ZeroRegister() uint8 { return RegX0 }

func (a *Arch) Translate(b *translate.Builder) {
	var d inst
	for {
		pc := b.PC()
		x, ok, bad := b.Fetch(pc, 2)
		if ok && x&3 == 3 {
			x, ok, bad = b.Fetch(pc, 4)
		}
		if !ok {
			fetchFault(b, bad)
			return
		}
		sys := b.System()
		ok = sys && decodeSystem(x, pc, &d) || !sys && decode(x, pc, &d)
		if ok && sys && b.ContextTag()&tagFPOff != 0 && isFPRow(d.row) {
			ok = false // mstatus.FS is Off (Volume II §3.1.6.6)
		}
		if !ok {
			// Linux reports SIGILL/ILL_ILLOPC with si_addr = the PC
			// (arch/riscv/kernel/traps.c, do_trap_insn_illegal).
			b.EndFault(translate.ExcIllegal, pc)
			b.Next(int(d.len))
			return
		}
		d.row.lower(b, &d)
		b.Next(int(d.len))
		if b.Ended() {
			return
		}
		if next := b.PC(); b.Full(next) {
			b.EndJump(next)
			return
		}
	}
}

// fetchFault ends the block at an instruction that cannot be fetched. When
// instructions precede it, the block just ends there so the fault is
// raised when (and if) execution reaches it.
func fetchFault(b *translate.Builder, bad uint64) {
	if b.PC() != b.StartPC() {
		b.EndJump(b.PC())
		return
	}
	// The Builder does not say whether the page is unmapped or just not
	// executable, so a helper decides at run time.
	b.Emit(translate.Op{Code: translate.OpCall, Fn: fetchFaultHelper, Imm: int64(bad)})
	b.EndFault(translate.ExcUnmapped, bad)
}

// fetchFaultHelper raises the fetch's exception (CPU.FetchFault).
func fetchFaultHelper(c *translate.CPU, op *translate.Op) translate.ExitKind {
	return c.FetchFault(op, uint64(op.Imm))
}

// BlockTemps tells tier 2 that RegTmp0..RegTmp2 are block-local: dead
// wherever a block starts, so direct exits need not store them.
func (*Arch) BlockTemps() (first, n uint8) { return RegTmp0, 3 }
