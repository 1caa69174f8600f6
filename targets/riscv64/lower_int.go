package riscv64

import "github.com/gemu-project/gemu/translate"

// Integer lowering: RV64I, M, Zba, Zbb, Zbs. Every common instruction is one
// generic op; writes to x0 are dropped at translate time (they are HINTs or
// NOPs without side effects), reads of x0 use R[0], which stays 0.

func emit(b *translate.Builder, code translate.Code, dst, a, bReg uint8, imm int64) {
	b.Emit(translate.Op{Code: code, Dst: dst, A: a, B: bReg, Imm: imm})
}

func movI(b *translate.Builder, dst uint8, v int64) {
	b.Emit(translate.Op{Code: translate.OpMovI, Dst: dst, Imm: v})
}

func mov(b *translate.Builder, dst, src uint8) {
	if src == 0 {
		movI(b, dst, 0)
		return
	}
	b.Emit(translate.Op{Code: translate.OpMov, Dst: dst, A: src})
}

func lowerNop(b *translate.Builder, d *inst) {}

// lowerALU: register-register operations.
func lowerALU(b *translate.Builder, d *inst) {
	if d.rd == 0 {
		return
	}
	rd, rs1, rs2 := d.rd, d.rs1, d.rs2
	switch d.row.code {
	case translate.OpAdd, translate.OpOr, translate.OpXor:
		if rs1 == 0 {
			mov(b, rd, rs2)
			return
		}
		if rs2 == 0 {
			mov(b, rd, rs1)
			return
		}
	case translate.OpSub:
		if rs2 == 0 {
			mov(b, rd, rs1)
			return
		}
	case translate.OpAnd, translate.OpMul, translate.OpMulW:
		if rs1 == 0 || rs2 == 0 {
			movI(b, rd, 0)
			return
		}
	}
	emit(b, d.row.code, rd, rs1, rs2, 0)
}

// lowerALUI: register-immediate operations (including shifts by shamt).
func lowerALUI(b *translate.Builder, d *inst) {
	if d.rd == 0 {
		return
	}
	rd, rs1, imm := d.rd, d.rs1, d.imm
	switch d.row.code {
	case translate.OpAddI, translate.OpOrI, translate.OpXorI:
		if rs1 == 0 {
			movI(b, rd, imm)
			return
		}
		if imm == 0 {
			mov(b, rd, rs1)
			return
		}
	case translate.OpAddIW:
		if rs1 == 0 {
			movI(b, rd, imm)
			return
		}
		if imm == 0 {
			emit(b, translate.OpSext32, rd, rs1, 0, 0)
			return
		}
	case translate.OpAndI, translate.OpSllI, translate.OpSrlI, translate.OpSraI:
		if rs1 == 0 {
			movI(b, rd, 0)
			return
		}
	}
	emit(b, d.row.code, rd, rs1, 0, imm)
}

func lowerUnary(b *translate.Builder, d *inst) {
	if d.rd != 0 {
		emit(b, d.row.code, d.rd, d.rs1, 0, 0)
	}
}

func lowerLUI(b *translate.Builder, d *inst) {
	if d.rd != 0 {
		movI(b, d.rd, d.imm)
	}
}

func lowerAUIPC(b *translate.Builder, d *inst) {
	if d.rd != 0 {
		movI(b, d.rd, int64(d.pc)+d.imm)
	}
}

func lowerJAL(b *translate.Builder, d *inst) {
	if d.rd != 0 {
		movI(b, d.rd, int64(d.next()))
	}
	b.EndJump(d.pc + uint64(d.imm))
}

// lowerJALR: target = (rs1 + imm) &^ 1, computed from rs1's value before rd
// is written (ISA manual, "Unconditional Jumps").
func lowerJALR(b *translate.Builder, d *inst) {
	src := d.rs1
	if d.rd != 0 && d.rd == d.rs1 {
		mov(b, RegTmp0, src)
		src = RegTmp0
	}
	if d.rd != 0 {
		movI(b, d.rd, int64(d.next()))
	}
	b.Emit(translate.Op{Code: translate.OpJumpReg, A: src, Imm: d.imm, C: 1})
}

func lowerBranch(b *translate.Builder, d *inst) {
	taken := d.pc + uint64(d.imm)
	if d.rs1 == d.rs2 { // decided at translate time
		switch d.row.aux {
		case translate.CondEQ, translate.CondGE, translate.CondGEU:
			b.EndJump(taken)
		}
		return // never taken: a no-op
	}
	b.EndBranch(d.row.aux, d.rs1, d.rs2, taken, d.next())
}

// Zba.

func lowerShAdd(b *translate.Builder, d *inst) {
	if d.rd != 0 {
		emit(b, translate.OpShAdd, d.rd, d.rs1, d.rs2, int64(d.row.aux))
	}
}

func lowerShAddUW(b *translate.Builder, d *inst) {
	if d.rd == 0 {
		return
	}
	if d.row.aux == 0 && d.rs2 == 0 { // zext.w
		emit(b, translate.OpZext32, d.rd, d.rs1, 0, 0)
		return
	}
	emit(b, translate.OpShAddUW, d.rd, d.rs1, d.rs2, int64(d.row.aux))
}

func lowerSlliUW(b *translate.Builder, d *inst) {
	if d.rd != 0 {
		emit(b, translate.OpShAddUW, d.rd, d.rs1, 0, d.imm)
	}
}

// Zbs. bclr/bset/binv: rd = rs1 op (1 << (rs2 & 63)).
func lowerBitR(b *translate.Builder, d *inst) {
	if d.rd == 0 {
		return
	}
	movI(b, RegTmp0, 1)
	emit(b, translate.OpSll, RegTmp0, RegTmp0, d.rs2, 0)
	emit(b, d.row.code, d.rd, d.rs1, RegTmp0, 0)
}

func lowerBext(b *translate.Builder, d *inst) {
	if d.rd == 0 {
		return
	}
	emit(b, translate.OpSrl, d.rd, d.rs1, d.rs2, 0)
	emit(b, translate.OpAndI, d.rd, d.rd, 0, 1)
}

func lowerBitI(b *translate.Builder, d *inst) {
	if d.rd == 0 {
		return
	}
	m := int64(1) << d.imm
	if d.row.code == translate.OpAndI {
		m = ^m
	}
	emit(b, d.row.code, d.rd, d.rs1, 0, m)
}

func lowerBexti(b *translate.Builder, d *inst) {
	if d.rd == 0 {
		return
	}
	emit(b, translate.OpSrlI, d.rd, d.rs1, 0, d.imm)
	emit(b, translate.OpAndI, d.rd, d.rd, 0, 1)
}

// System.

func lowerECALL(b *translate.Builder, d *inst) {
	b.Emit(translate.Op{Code: translate.OpSyscall, Imm: int64(d.next())})
}

// lowerEBREAK: a breakpoint at the ebreak's PC (Linux: SIGTRAP/TRAP_BRKPT
// with si_addr = the PC, arch/riscv/kernel/traps.c do_trap_break).
func lowerEBREAK(b *translate.Builder, d *inst) {
	b.Emit(translate.Op{Code: translate.OpTrap, Aux: uint8(translate.ExcBreakpoint), Imm: int64(d.pc)})
}

func lowerFENCEI(b *translate.Builder, d *inst) {
	if b.System() {
		return // stores to code pages already dropped their translations (hartmmu.go)
	}
	b.Emit(translate.Op{Code: translate.OpFlushAll, Imm: int64(d.next())})
}
