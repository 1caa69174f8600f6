package riscv64

import "github.com/gemu-project/gemu/translate"

// Memory access lowering. A load into x0 still accesses memory (it may
// fault), so it writes the sink instead of being dropped.

func lowerLoad(b *translate.Builder, d *inst) {
	emit(b, d.row.code, xd(d.rd), d.rs1, 0, d.imm)
}

func lowerStore(b *translate.Builder, d *inst) {
	emit(b, d.row.code, 0, d.rs1, d.rs2, d.imm)
}

// A extension. aq/rl are ignored: the host atomics used by the core are
// sequentially consistent, which is at least as strong.
func lowerLR(b *translate.Builder, d *inst) {
	b.Emit(translate.Op{Code: translate.OpLR, Dst: xd(d.rd), A: d.rs1, Size: d.row.size})
}

func lowerSC(b *translate.Builder, d *inst) {
	b.Emit(translate.Op{Code: translate.OpSC, Dst: xd(d.rd), A: d.rs1, B: d.rs2, Size: d.row.size})
}

func lowerAmo(b *translate.Builder, d *inst) {
	b.Emit(translate.Op{Code: translate.OpAmo, Dst: xd(d.rd), A: d.rs1, B: d.rs2,
		Aux: d.row.aux, Size: d.row.size})
}

// Floating-point loads and stores move raw bits; FLW NaN-boxes the loaded
// word (ISA manual, "Single-Precision Load and Store Instructions").
func lowerFLW(b *translate.Builder, d *inst) {
	emit(b, translate.OpLoad32, fr(d.rd), d.rs1, 0, d.imm)
	emit(b, translate.OpOrI, fr(d.rd), fr(d.rd), 0, nanBox)
}

func lowerFLD(b *translate.Builder, d *inst) {
	emit(b, translate.OpLoad64, fr(d.rd), d.rs1, 0, d.imm)
}

func lowerFSW(b *translate.Builder, d *inst) {
	emit(b, translate.OpStore32, 0, d.rs1, fr(d.rs2), d.imm)
}

func lowerFSD(b *translate.Builder, d *inst) {
	emit(b, translate.OpStore64, 0, d.rs1, fr(d.rs2), d.imm)
}
