package aarch64

import "github.com/gemu-project/gemu/translate"

// Translate decodes and lowers the block starting at b.PC(): up to a
// terminator, an unallocated instruction, a fetch fault, the instruction cap
// or the end of the page.
func (a *Arch) Translate(b *translate.Builder) {
	m := a.model
	if m == nil {
		m = models[defaultModel]
	}
	d := inst{m: m}
	for {
		pc := b.PC()
		if pc&3 != 0 {
			// PC alignment fault: Linux sends SIGBUS/BUS_ADRALN at the PC
			// (arch/arm64/kernel/fault.c do_sp_pc_abort).
			b.EndFault(translate.ExcMisaligned, pc)
			b.Next(4)
			return
		}
		x, ok, bad := b.Fetch(pc, 4)
		if !ok {
			fetchFault(b, bad)
			return
		}
		d.x, d.pc = x, pc
		d.prev, d.flags = d.flags, flagSrc{}
		d.row = lookup(x)
		if d.row == nil || !m.has(d.row.feat) || !d.row.lower(b, &d) {
			b.EndFault(translate.ExcIllegal, pc)
		}
		b.Next(4)
		for ; d.consumed > 0; d.consumed-- {
			b.Next(4)
		}
		if b.Ended() {
			return
		}
		if next := b.PC(); b.Full(next) {
			b.EndJump(next)
			return
		}
	}
}

// fetchFault ends the block before an instruction that cannot be fetched;
// when it is the first one, a helper raises the fetch's exception
// (CPU.FetchFault: unmapped, or mapped without execute permission).
func fetchFault(b *translate.Builder, bad uint64) {
	if b.PC() != b.StartPC() {
		b.EndJump(b.PC())
		return
	}
	b.Emit(op{Code: translate.OpCall, Fn: fetchFaultHelper, Imm: int64(bad)})
	b.EndFault(translate.ExcUnmapped, bad)
}

func fetchFaultHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return c.FetchFault(o, uint64(o.Imm))
}

// BlockTemps tells tier 2 that RegTmp0..RegTmp0+7 are block-local: dead
// wherever a block starts, so direct exits need not store them.
func (*Arch) BlockTemps() (first, n uint8) { return RegTmp0, 8 }

// HelperScratch tells lockstep that the helpers' lane context is not
// architectural state: a helper leaves it set, tier 2's inline SIMD does not.
func (*Arch) HelperScratch() (first, n uint8) { return regScratch, 8 }
