package riscv64

import (
	"math/bits"
	"sort"
	"sync"

	"github.com/gemu-project/gemu/translate"
)

// An instruction is one decode row (mask, match, name, immediate format,
// operand list, checks) plus one lowering function. Compressed instructions
// are first expanded to their 32-bit equivalents (rvc.go).

// immKind says how a row's immediate is extracted
// (RISC-V ISA manual, Volume I, "Immediate Encoding Variants").
type immKind uint8

const (
	immNone  immKind = iota
	immI             // inst[31:20], sign-extended
	immS             // inst[31:25|11:7], sign-extended
	immB             // branch offset, sign-extended, multiple of 2
	immU             // inst[31:12] << 12, sign-extended
	immJ             // jal offset, sign-extended, multiple of 2
	immShamt         // inst[25:20]
	immCSR           // inst[31:20], unsigned
)

// argKind names one printed operand, in the order the ISA manual lists them.
type argKind uint8

const (
	aNone argKind = iota
	aRd
	aRs1
	aRs2
	aFd
	aFs1
	aFs2
	aFs3
	aImm   // the immediate
	aUimm  // immU printed as the 20-bit field
	aMem   // imm(rs1)
	aPtr   // (rs1)
	aCSR   // the CSR number
	aZimm  // rs1 field as a 5-bit unsigned immediate
	aPred  // fence predecessor set
	aSucc  // fence successor set
	aRM    // rounding mode (printed only when not dynamic)
	aShamt // shift amount
)

// Row flags: extra validity checks the decoder applies.
const (
	flagRM  = 1 << iota // funct3 is a rounding mode: 5 and 6 are reserved
	flagCSR             // the CSR number must be known and writable if written
)

// lowerFn emits the micro-ops of one decoded instruction.
type lowerFn func(b *translate.Builder, d *inst)

// row is one encoding in the decode table.
type row struct {
	mask, match uint32
	name        string
	imm         immKind
	args        [4]argKind
	flags       uint8
	lower       lowerFn
	code        translate.Code // the generic op for simple rows
	aux         uint8          // row-specific parameter (cond, AMO kind, ...)
	size        uint8          // memory access size for atomics
}

// inst is one decoded instruction.
type inst struct {
	row  *row
	pc   uint64
	raw  uint32 // the 32-bit (expanded) encoding
	orig uint32 // the fetched bits (16 for compressed)
	len  uint8  // 2 or 4
	rd   uint8
	rs1  uint8
	rs2  uint8
	rs3  uint8
	rm   uint8
	imm  int64
}

// next is the address of the following instruction.
func (d *inst) next() uint64 { return d.pc + uint64(d.len) }

func signExtend(v uint32, width uint) int64 {
	s := 32 - width
	return int64(int32(v<<s) >> s)
}

func extractImm(k immKind, x uint32) int64 {
	switch k {
	case immI:
		return int64(int32(x) >> 20)
	case immS:
		return int64(int32(x)>>25<<5) | int64(x>>7&31)
	case immB:
		v := x>>31<<12 | x>>7&1<<11 | x>>25&0x3f<<5 | x>>8&0xf<<1
		return signExtend(v, 13)
	case immU:
		return int64(int32(x & 0xfffff000))
	case immJ:
		v := x>>31<<20 | x>>12&0xff<<12 | x>>20&1<<11 | x>>21&0x3ff<<1
		return signExtend(v, 21)
	case immShamt:
		return int64(x >> 20 & 63)
	case immCSR:
		return int64(x >> 20)
	}
	return 0
}

// The decode index: rows bucketed by major opcode (inst[6:2]) and funct3
// (inst[14:12]); a row whose mask leaves funct3 open sits in all eight.
var buckets [256][]*row

func bucketKey(x uint32) uint32 { return x>>2&31 | x>>12&7<<5 }

// buildIndex fills buckets, once, at the first decode (a gemu running
// another guest never needs it).
var buildIndex = sync.OnceFunc(func() {
	all := allRows()
	sort.SliceStable(all, func(i, j int) bool {
		return bits.OnesCount32(all[i].mask) > bits.OnesCount32(all[j].mask)
	})
	for _, r := range all {
		for f3 := uint32(0); f3 < 8; f3++ {
			x := r.match&^(7<<12) | f3<<12
			if x&r.mask != r.match {
				continue
			}
			k := bucketKey(x)
			buckets[k] = append(buckets[k], r)
		}
	}
})

func allRows() []*row {
	var out []*row
	for _, t := range [][]row{intRows, extRows, zbcRows, amoRows, sysRows, fpRows} {
		for i := range t {
			out = append(out, &t[i])
		}
	}
	return out
}

// decode32 decodes a 32-bit encoding. ok is false for illegal and reserved
// encodings and for anything outside the supported ISA.
func decode32(x uint32, d *inst) bool {
	if x&3 != 3 {
		return false
	}
	buildIndex()
	for _, r := range buckets[bucketKey(x)] {
		if x&r.mask != r.match {
			continue
		}
		d.row = r
		d.raw = x
		d.rd = uint8(x >> 7 & 31)
		d.rs1 = uint8(x >> 15 & 31)
		d.rs2 = uint8(x >> 20 & 31)
		d.rs3 = uint8(x >> 27)
		d.rm = uint8(x >> 12 & 7)
		d.imm = extractImm(r.imm, x)
		return r.flags == 0 || checkRow(r, d)
	}
	return false
}

func checkRow(r *row, d *inst) bool {
	if r.flags&flagRM != 0 && (d.rm == 5 || d.rm == 6) {
		return false
	}
	if r.flags&flagCSR != 0 {
		return csrAllowed(d)
	}
	return true
}

// decode decodes the instruction whose low bits were fetched as x (the full
// 32 bits for a standard instruction, the low 16 for a compressed one).
func decode(x uint32, pc uint64, d *inst) bool {
	d.pc = pc
	d.orig = x
	if x&3 == 3 {
		d.len = 4
		return decode32(x, d)
	}
	d.len = 2
	w, ok := expandRVC(uint16(x))
	return ok && decode32(w, d)
}
