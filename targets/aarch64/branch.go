package aarch64

import "github.com/gemu-project/gemu/translate"

// Branches, exception generation (ARM ARM C4.1.87).
var branchRows = []row{
	{mask: 0x7c000000, match: 0x14000000, names: "B BL", lower: lowerB},
	{mask: 0x7e000000, match: 0x34000000, names: "CBZ CBNZ", lower: lowerCB},
	{mask: 0x7e000000, match: 0x36000000, names: "TBZ TBNZ", lower: lowerTB},
	{mask: 0xff000010, match: 0x54000000, names: "B", lower: lowerBcond},
	{mask: 0xfffffc1f, match: 0xd61f0000, names: "BR", lower: lowerBR},
	{mask: 0xfffffc1f, match: 0xd63f0000, names: "BLR", lower: lowerBR},
	{mask: 0xfffffc1f, match: 0xd65f0000, names: "RET", lower: lowerBR},
	{mask: 0xffffffff, match: 0xd69f03e0, names: "ERET", lower: sigill},
	{mask: 0xffffffff, match: 0xd6bf03e0, names: "DRPS", lower: sigill},
	{mask: 0xffe0001f, match: 0xd4000001, names: "SVC", lower: lowerSVC},
	{mask: 0xffe0001f, match: 0xd4000002, names: "HVC", lower: sigill},
	{mask: 0xffe0001f, match: 0xd4000003, names: "SMC", lower: sigill},
	{mask: 0xffe0001f, match: 0xd4200000, names: "BRK", lower: lowerBRK},
	{mask: 0xffe0001f, match: 0xd4400000, names: "HLT", lower: sigill},
	{mask: 0xffe0001c, match: 0xd4a00000, names: "DCPS1 DCPS2 DCPS3", lower: lowerDCPS},
	{mask: 0xffff0000, match: 0x00000000, names: "UDF", lower: sigill},
}

// ARM ARM C6.2.26 B, C6.2.35 BL.
func lowerB(b *translate.Builder, d *inst) bool {
	target := uint64(int64(d.pc) + sext(field(d.x, 0, 26), 26)*4)
	if d.x>>31 != 0 {
		movI(b, RegLR, d.next())
	}
	b.EndJump(target)
	return true
}

// ARM ARM C6.2.47 CBNZ, C6.2.48 CBZ.
func lowerCB(b *translate.Builder, d *inst) bool {
	target := uint64(int64(d.pc) + sext(field(d.x, 5, 19), 19)*4)
	rt := xr(d.rd())
	if !d.sf() && rt != translate.RegZero {
		zext32(b, tmp0, rt)
		rt = tmp0
	}
	cond := translate.CondEQ
	if d.x>>24&1 != 0 {
		cond = translate.CondNE
	}
	b.EndBranch(cond, rt, translate.RegZero, target, uint64(d.next()))
	return true
}

// ARM ARM C6.2.373 TBNZ, C6.2.374 TBZ.
func lowerTB(b *translate.Builder, d *inst) bool {
	target := uint64(int64(d.pc) + sext(field(d.x, 5, 14), 14)*4)
	bit := uint8(d.x>>31<<5 | field(d.x, 19, 5))
	cond := translate.CondBitClear
	if d.x>>24&1 != 0 {
		cond = translate.CondBitSet
	}
	b.EndBranch(cond, xr(d.rd()), bit, target, uint64(d.next()))
	return true
}

// ARM ARM C6.2.27 B.cond. AL and NV branch always.
func lowerBcond(b *translate.Builder, d *inst) bool {
	target := uint64(int64(d.pc) + sext(field(d.x, 5, 19), 19)*4)
	cc := uint8(d.x & 15)
	if cc >= 14 {
		b.EndJump(target)
		return true
	}
	if cond, a, bb, ok := fusedCond(&d.prev, cc); ok {
		b.EndBranch(cond, a, bb, target, uint64(d.next()))
		return true
	}
	b.EndBranch(translate.CondArm+cc, RegNZCV, 0, target, uint64(d.next()))
	return true
}

// fusedCond turns condition cc after a recorded compare into a register
// comparison (the flags are still computed: later code may read them).
func fusedCond(f *flagSrc, cc uint8) (cond, a, b uint8, ok bool) {
	switch {
	case !f.valid:
		return 0, 0, 0, false
	case cc == 0:
		return translate.CondEQ, f.zslot, translate.RegZero, true
	case cc == 1:
		return translate.CondNE, f.zslot, translate.RegZero, true
	case !f.cmp:
		return 0, 0, 0, false
	}
	switch cc {
	case 2: // HS
		return translate.CondGEU, f.a, f.b, true
	case 3: // LO
		return translate.CondLTU, f.a, f.b, true
	case 8: // HI
		return translate.CondLTU, f.b, f.a, true
	case 9: // LS
		return translate.CondGEU, f.b, f.a, true
	case 10: // GE
		return translate.CondGE, f.a, f.b, true
	case 11: // LT
		return translate.CondLT, f.a, f.b, true
	case 12: // GT
		return translate.CondLT, f.b, f.a, true
	case 13: // LE
		return translate.CondGE, f.b, f.a, true
	}
	return 0, 0, 0, false
}

// ARM ARM C6.2.38 BR, C6.2.36 BLR, C6.2.254 RET. BLR reads Rn before
// writing X30 (BLR X30 branches to the old X30).
func lowerBR(b *translate.Builder, d *inst) bool {
	rn := xr(d.rn())
	if d.x>>21&3 == 1 { // BLR
		if rn == RegLR {
			mov(b, tmp0, rn)
			rn = tmp0
		}
		movI(b, RegLR, d.next())
	}
	b.Emit(op{Code: translate.OpJumpReg, A: rn})
	return true
}

// ARM ARM C6.2.385 SVC: the Linux system call (number in X8).
func lowerSVC(b *translate.Builder, d *inst) bool {
	b.Emit(op{Code: translate.OpSyscall, Imm: d.next()})
	return true
}

// ARM ARM C6.2.40 BRK: Linux raises SIGTRAP/TRAP_BRKPT at the PC
// (arch/arm64/kernel/debug-monitors.c brk_handler).
func lowerBRK(b *translate.Builder, d *inst) bool {
	b.EndFault(translate.ExcBreakpoint, d.pc)
	return true
}

// DCPS1..3 (LL = 1..3) are undefined at EL0.
func lowerDCPS(b *translate.Builder, d *inst) bool {
	if d.x&3 == 0 {
		return false
	}
	return sigill(b, d)
}
