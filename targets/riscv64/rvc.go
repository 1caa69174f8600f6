package riscv64

import (
	"math/bits"
	"sort"
	"sync"
)

// The C extension: every 16-bit encoding expands to one 32-bit instruction
// (RISC-V ISA manual, Volume I, "C" Standard Extension, RVC instruction set
// listings for RV64). HINT encodings (rd = x0, zero shift amounts, ...)
// expand to instructions without architectural effect; reserved encodings
// are rejected.

type cRow struct {
	mask, match uint16
	name        string
	expand      func(x uint32) (uint32, bool)
}

// 32-bit opcodes used by the expansions.
const (
	opLoad   = 0x03
	opLoadFP = 0x07
	opImm    = 0x13
	opImm32  = 0x1b
	opStore  = 0x23
	opStorFP = 0x27
	opOp     = 0x33
	opLUI    = 0x37
	opOp32   = 0x3b
	opBranch = 0x63
	opJALR   = 0x67
	opJAL    = 0x6f
)

func encI(op, rd, f3, rs1 uint32, imm int64) uint32 {
	return uint32(imm)<<20 | rs1<<15 | f3<<12 | rd<<7 | op
}

func encS(op, f3, rs1, rs2 uint32, imm int64) uint32 {
	u := uint32(imm)
	return u>>5&0x7f<<25 | rs2<<20 | rs1<<15 | f3<<12 | u&31<<7 | op
}

func encR(op, f7, rd, f3, rs1, rs2 uint32) uint32 {
	return f7<<25 | rs2<<20 | rs1<<15 | f3<<12 | rd<<7 | op
}

func encB(f3, rs1, rs2 uint32, imm int64) uint32 {
	u := uint32(imm)
	return u>>12&1<<31 | u>>5&0x3f<<25 | rs2<<20 | rs1<<15 | f3<<12 | u>>1&0xf<<8 | u>>11&1<<7 | opBranch
}

func encJ(rd uint32, imm int64) uint32 {
	u := uint32(imm)
	return u>>20&1<<31 | u>>1&0x3ff<<21 | u>>11&1<<20 | u>>12&0xff<<12 | rd<<7 | opJAL
}

// Field extractors of the compressed formats.
func cRd(x uint32) uint32         { return x >> 7 & 31 } // rd / rs1, inst[11:7]
func cRs2(x uint32) uint32        { return x >> 2 & 31 } // rs2, inst[6:2]
func cRdP(x uint32) uint32        { return 8 + x>>2&7 }  // rd' / rs2', inst[4:2]
func cRs1P(x uint32) uint32       { return 8 + x>>7&7 }  // rs1' / rd', inst[9:7]
func bit(x uint32, i uint) uint32 { return x >> i & 1 }

// cImm6 is the signed imm[5] inst[12], imm[4:0] inst[6:2].
func cImm6(x uint32) int64 { return signExtend(bit(x, 12)<<5|x>>2&31, 6) }

// cShamt is shamt[5] inst[12], shamt[4:0] inst[6:2].
func cShamt(x uint32) int64 { return int64(bit(x, 12)<<5 | x>>2&31) }

// Load/store offsets of the register-based forms.
func cOffW(x uint32) int64 { return int64(x>>10&7<<3 | bit(x, 6)<<2 | bit(x, 5)<<6) }
func cOffD(x uint32) int64 { return int64(x>>10&7<<3 | x>>5&3<<6) }

// Stack-pointer-relative offsets.
func cOffLWSP(x uint32) int64 { return int64(bit(x, 12)<<5 | x>>4&7<<2 | x>>2&3<<6) }
func cOffLDSP(x uint32) int64 { return int64(bit(x, 12)<<5 | x>>5&3<<3 | x>>2&7<<6) }
func cOffSWSP(x uint32) int64 { return int64(x>>9&15<<2 | x>>7&3<<6) }
func cOffSDSP(x uint32) int64 { return int64(x>>10&7<<3 | x>>7&7<<6) }

func cJOff(x uint32) int64 {
	v := bit(x, 12)<<11 | bit(x, 11)<<4 | x>>9&3<<8 | bit(x, 8)<<10 | bit(x, 7)<<6 |
		bit(x, 6)<<7 | x>>3&7<<1 | bit(x, 2)<<5
	return signExtend(v, 12)
}

func cBOff(x uint32) int64 {
	v := bit(x, 12)<<8 | x>>10&3<<3 | x>>5&3<<6 | x>>3&3<<1 | bit(x, 2)<<5
	return signExtend(v, 9)
}

var cRows = []cRow{
	// Quadrant 0.
	{0xe003, 0x0000, "c.addi4spn", func(x uint32) (uint32, bool) {
		imm := int64(x>>11&3<<4 | x>>7&15<<6 | bit(x, 6)<<2 | bit(x, 5)<<3)
		return encI(opImm, cRdP(x), 0, RegSP, imm), imm != 0
	}},
	{0xe003, 0x2000, "c.fld", func(x uint32) (uint32, bool) {
		return encI(opLoadFP, cRdP(x), 3, cRs1P(x), cOffD(x)), true
	}},
	{0xe003, 0x4000, "c.lw", func(x uint32) (uint32, bool) {
		return encI(opLoad, cRdP(x), 2, cRs1P(x), cOffW(x)), true
	}},
	{0xe003, 0x6000, "c.ld", func(x uint32) (uint32, bool) {
		return encI(opLoad, cRdP(x), 3, cRs1P(x), cOffD(x)), true
	}},
	{0xe003, 0xa000, "c.fsd", func(x uint32) (uint32, bool) {
		return encS(opStorFP, 3, cRs1P(x), cRdP(x), cOffD(x)), true
	}},
	{0xe003, 0xc000, "c.sw", func(x uint32) (uint32, bool) {
		return encS(opStore, 2, cRs1P(x), cRdP(x), cOffW(x)), true
	}},
	{0xe003, 0xe000, "c.sd", func(x uint32) (uint32, bool) {
		return encS(opStore, 3, cRs1P(x), cRdP(x), cOffD(x)), true
	}},

	// Quadrant 1.
	{0xe003, 0x0001, "c.addi", func(x uint32) (uint32, bool) {
		if cRd(x) == 0 {
			return encI(opImm, 0, 0, 0, 0), true // c.nop (non-zero imm: HINT)
		}
		return encI(opImm, cRd(x), 0, cRd(x), cImm6(x)), true
	}},
	{0xe003, 0x2001, "c.addiw", func(x uint32) (uint32, bool) {
		return encI(opImm32, cRd(x), 0, cRd(x), cImm6(x)), cRd(x) != 0
	}},
	{0xe003, 0x4001, "c.li", func(x uint32) (uint32, bool) {
		return encI(opImm, cRd(x), 0, 0, cImm6(x)), true
	}},
	{0xef83, 0x6101, "c.addi16sp", func(x uint32) (uint32, bool) {
		v := bit(x, 12)<<9 | bit(x, 6)<<4 | bit(x, 5)<<6 | x>>3&3<<7 | bit(x, 2)<<5
		imm := signExtend(v, 10)
		return encI(opImm, RegSP, 0, RegSP, imm), imm != 0
	}},
	{0xe003, 0x6001, "c.lui", func(x uint32) (uint32, bool) {
		imm := cImm6(x)
		return uint32(imm)<<12 | cRd(x)<<7 | opLUI, imm != 0
	}},
	{0xec03, 0x8001, "c.srli", func(x uint32) (uint32, bool) {
		return encI(opImm, cRs1P(x), 5, cRs1P(x), cShamt(x)), true
	}},
	{0xec03, 0x8401, "c.srai", func(x uint32) (uint32, bool) {
		return encI(opImm, cRs1P(x), 5, cRs1P(x), cShamt(x)|0x400), true
	}},
	{0xec03, 0x8801, "c.andi", func(x uint32) (uint32, bool) {
		return encI(opImm, cRs1P(x), 7, cRs1P(x), cImm6(x)), true
	}},
	{0xfc63, 0x8c01, "c.sub", cArith(opOp, 0x20, 0)},
	{0xfc63, 0x8c21, "c.xor", cArith(opOp, 0, 4)},
	{0xfc63, 0x8c41, "c.or", cArith(opOp, 0, 6)},
	{0xfc63, 0x8c61, "c.and", cArith(opOp, 0, 7)},
	{0xfc63, 0x9c01, "c.subw", cArith(opOp32, 0x20, 0)},
	{0xfc63, 0x9c21, "c.addw", cArith(opOp32, 0, 0)},
	{0xe003, 0xa001, "c.j", func(x uint32) (uint32, bool) { return encJ(0, cJOff(x)), true }},
	{0xe003, 0xc001, "c.beqz", func(x uint32) (uint32, bool) { return encB(0, cRs1P(x), 0, cBOff(x)), true }},
	{0xe003, 0xe001, "c.bnez", func(x uint32) (uint32, bool) { return encB(1, cRs1P(x), 0, cBOff(x)), true }},

	// Quadrant 2.
	{0xe003, 0x0002, "c.slli", func(x uint32) (uint32, bool) {
		return encI(opImm, cRd(x), 1, cRd(x), cShamt(x)), true
	}},
	{0xe003, 0x2002, "c.fldsp", func(x uint32) (uint32, bool) {
		return encI(opLoadFP, cRd(x), 3, RegSP, cOffLDSP(x)), true
	}},
	{0xe003, 0x4002, "c.lwsp", func(x uint32) (uint32, bool) {
		return encI(opLoad, cRd(x), 2, RegSP, cOffLWSP(x)), cRd(x) != 0
	}},
	{0xe003, 0x6002, "c.ldsp", func(x uint32) (uint32, bool) {
		return encI(opLoad, cRd(x), 3, RegSP, cOffLDSP(x)), cRd(x) != 0
	}},
	{0xf07f, 0x8002, "c.jr", func(x uint32) (uint32, bool) {
		return encI(opJALR, 0, 0, cRd(x), 0), cRd(x) != 0
	}},
	{0xf003, 0x8002, "c.mv", func(x uint32) (uint32, bool) {
		return encR(opOp, 0, cRd(x), 0, 0, cRs2(x)), true
	}},
	{0xffff, 0x9002, "c.ebreak", func(x uint32) (uint32, bool) { return 0x00100073, true }},
	{0xf07f, 0x9002, "c.jalr", func(x uint32) (uint32, bool) {
		return encI(opJALR, RegRA, 0, cRd(x), 0), true
	}},
	{0xf003, 0x9002, "c.add", func(x uint32) (uint32, bool) {
		return encR(opOp, 0, cRd(x), 0, cRd(x), cRs2(x)), true
	}},
	{0xe003, 0xa002, "c.fsdsp", func(x uint32) (uint32, bool) {
		return encS(opStorFP, 3, RegSP, cRs2(x), cOffSDSP(x)), true
	}},
	{0xe003, 0xc002, "c.swsp", func(x uint32) (uint32, bool) {
		return encS(opStore, 2, RegSP, cRs2(x), cOffSWSP(x)), true
	}},
	{0xe003, 0xe002, "c.sdsp", func(x uint32) (uint32, bool) {
		return encS(opStore, 3, RegSP, cRs2(x), cOffSDSP(x)), true
	}},
}

// cArith expands the CA-format register-register operations.
func cArith(op, f7, f3 uint32) func(x uint32) (uint32, bool) {
	return func(x uint32) (uint32, bool) {
		return encR(op, f7, cRs1P(x), f3, cRs1P(x), cRdP(x)), true
	}
}

// cBuckets indexes cRows by quadrant and funct3 (inst[1:0], inst[15:13]).
var cBuckets [32][]*cRow

func cKey(x uint16) uint16 { return x&3 | x>>13<<2 }

// buildCIndex fills cBuckets at the first compressed decode.
var buildCIndex = sync.OnceFunc(func() {
	rows := make([]*cRow, len(cRows))
	for i := range cRows {
		rows[i] = &cRows[i]
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return bits.OnesCount16(rows[i].mask) > bits.OnesCount16(rows[j].mask)
	})
	for _, r := range rows {
		k := cKey(r.match)
		cBuckets[k] = append(cBuckets[k], r)
	}
})

// expandRVC returns the 32-bit equivalent of a compressed instruction.
func expandRVC(x uint16) (uint32, bool) {
	buildCIndex()
	for _, r := range cBuckets[cKey(x)&31] {
		if x&r.mask == r.match {
			return r.expand(uint32(x))
		}
	}
	return 0, false
}
