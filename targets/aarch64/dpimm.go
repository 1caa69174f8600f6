package aarch64

import (
	"math/bits"

	"github.com/gemu-project/gemu/translate"
)

// Data processing — immediate (ARM ARM C4.1.86).
var dpImmRows = []row{
	{mask: 0x1f000000, match: 0x10000000, names: "ADR ADRP", lower: lowerADR},
	{mask: 0x1f800000, match: 0x11000000, names: "ADD ADDS SUB SUBS MOV CMP CMN", lower: lowerAddSubImm},
	{mask: 0x1f800000, match: 0x12000000, names: "AND ORR EOR ANDS MOV TST", lower: lowerLogicImm},
	{mask: 0x1f800000, match: 0x12800000, names: "MOVN MOVZ MOVK MOV", lower: lowerMoveWide},
	{mask: 0x1f800000, match: 0x13000000, names: "SBFM BFM UBFM ASR LSL LSR SBFIZ SBFX BFI BFXIL UBFIZ UBFX SXTB SXTH SXTW UXTB UXTH BFC",
		lower: lowerBitfield},
	{mask: 0x7fa00000, match: 0x13800000, names: "EXTR ROR", lower: lowerExtr},
}

// ARM ARM C6.2.11 ADR, C6.2.12 ADRP. "ADRP Xd; ADD Xd, Xd, #imm" (how
// compilers materialize addresses) becomes one constant.
func lowerADR(b *translate.Builder, d *inst) bool {
	imm := sext(field(d.x, 5, 19)<<2|field(d.x, 29, 2), 21)
	v := int64(d.pc) + imm
	if d.x>>31 != 0 {
		v = int64(d.pc&^0xfff) + imm<<12
	}
	rd := xw(d.rd())
	if rd == translate.RegSink {
		return true
	}
	if next, ok := fuseADRPAdd(b, d); ok {
		v += next
		d.consumed = 1
	}
	movI(b, rd, v)
	return true
}

// fuseADRPAdd reports the immediate of a following "ADD Xd, Xd, #imm" (on
// the same page) that adds to the register the ADRP just wrote. An ADRP
// that starts a block is left alone, so single-stepping (one instruction
// per block) still sees two instructions.
func fuseADRPAdd(b *translate.Builder, d *inst) (int64, bool) {
	if d.x>>31 == 0 {
		return 0, false
	}
	x, ok := nextToFuse(b, d)
	r := d.rd()
	if !ok || x&0xff800000 != 0x91000000 || x&31 != r || x>>5&31 != r {
		return 0, false
	}
	return int64(field(x, 10, 12)) << (12 * field(x, 22, 1)), true
}

// nextToFuse returns the instruction after d when the lowering may fold it
// in: in the same block and page, and d not the first instruction of its
// block (so single-stepping still sees both).
func nextToFuse(b *translate.Builder, d *inst) (uint32, bool) {
	if d.scratch || b.PC() == b.StartPC() || (d.pc+4)%translate.PageSize == 0 || b.Full(d.pc+4) {
		return 0, false
	}
	x, ok, _ := b.Fetch(d.pc+4, 4)
	return x, ok
}

// ARM ARM C6.2.5 ADD (immediate), C6.2.9 ADDS, C6.2.357 SUB, C6.2.363 SUBS.
func lowerAddSubImm(b *translate.Builder, d *inst) bool {
	imm := int64(field(d.x, 10, 12)) << (12 * field(d.x, 22, 1))
	sub, setFlags := d.x>>30&1 != 0, d.x>>29&1 != 0
	rn := xsp(d.rn())
	if setFlags {
		c := translate.OpAddFlags
		if sub {
			c = translate.OpSubFlags
		}
		movI(b, tmp0, imm)
		rd := noteFlags(d, xw(d.rd()), rn, tmp0, sub)
		emitS(b, c, rd, rn, tmp0, d.size())
		return true
	}
	if sub {
		imm = -imm
	}
	rd := xsp(d.rd())
	if imm == 0 {
		mov(b, rd, rn)
	} else {
		emit(b, translate.OpAddI, rd, rn, 0, imm)
	}
	fix32(b, d.sf(), rd)
	return true
}

// decodeBitMasks is the ARM ARM DecodeBitMasks (shared/functions/bitmasks)
// for logical immediates: the wmask, or false for a reserved encoding.
func decodeBitMasks(n, imms, immr uint32, sf bool) (uint64, bool) {
	l := bits.Len32(n<<6|^imms&63) - 1
	if l < 1 || (!sf && l > 5) {
		return 0, false
	}
	levels := uint32(1)<<l - 1
	s, r := imms&levels, immr&levels
	if s == levels {
		return 0, false // all-ones element: reserved
	}
	esize := uint(1) << l
	elem := ones(uint(s) + 1)
	if r != 0 { // rotate right within esize
		elem = (elem>>r | elem<<(esize-uint(r))) & ones(esize)
	}
	for e := esize; e < 64; e *= 2 {
		elem |= elem << e
	}
	return elem & wmask(sf), true
}

// ARM ARM C6.2.13 AND (immediate), C6.2.205 ORR, C6.2.99 EOR, C6.2.15 ANDS.
func lowerLogicImm(b *translate.Builder, d *inst) bool {
	n := field(d.x, 22, 1)
	if !d.sf() && n != 0 {
		return false
	}
	m, ok := decodeBitMasks(n, field(d.x, 10, 6), field(d.x, 16, 6), d.sf())
	if !ok {
		return false
	}
	rn := xr(d.rn())
	switch d.x >> 29 & 3 {
	case 0: // AND: a 32-bit mask also clears bits 63:32
		emit(b, translate.OpAndI, xsp(d.rd()), rn, 0, int64(m))
	case 1:
		rd := xsp(d.rd())
		if rn == translate.RegZero {
			movI(b, rd, int64(m))
			return true
		}
		emit(b, translate.OpOrI, rd, rn, 0, int64(m))
		fix32(b, d.sf(), rd)
	case 2:
		rd := xsp(d.rd())
		emit(b, translate.OpXorI, rd, rn, 0, int64(m))
		fix32(b, d.sf(), rd)
	case 3: // ANDS
		rd := xw(d.rd())
		t := rd
		if t == translate.RegSink {
			t = tmp0
		}
		emit(b, translate.OpAndI, t, rn, 0, int64(m))
		b.Emit(op{Code: translate.OpLogicFlags, A: t, C: RegNZCV, Size: d.size()})
		d.flags = flagSrc{valid: true, zslot: t} // a 32-bit mask leaves bits 63:32 clear
	}
	return true
}

// ARM ARM C6.2.191 MOVN, C6.2.192 MOVZ, C6.2.190 MOVK.
func lowerMoveWide(b *translate.Builder, d *inst) bool {
	opc, hw := d.x>>29&3, field(d.x, 21, 2)
	if opc == 1 || (!d.sf() && hw >= 2) {
		return false
	}
	sh := 16 * hw
	v := uint64(field(d.x, 5, 16)) << sh
	rd := xw(d.rd())
	if rd == translate.RegSink {
		return true
	}
	switch opc {
	case 0:
		movI(b, rd, int64(^v&wmask(d.sf())))
	case 2:
		movI(b, rd, int64(v))
	case 3:
		emit(b, translate.OpAndI, rd, rd, 0, int64(wmask(d.sf())&^(0xffff<<sh)))
		if v != 0 {
			emit(b, translate.OpOrI, rd, rd, 0, int64(v))
		}
	}
	return true
}

// ARM ARM C6.2.30 BFM, C6.2.266 SBFM, C6.2.377 UBFM and their aliases.
func lowerBitfield(b *translate.Builder, d *inst) bool {
	opc, n := d.x>>29&3, field(d.x, 22, 1)
	r, s := field(d.x, 16, 6), field(d.x, 10, 6)
	if opc == 3 || (n != 0) != d.sf() || (!d.sf() && (r|s) >= 32) {
		return false
	}
	rd, rn := xw(d.rd()), xr(d.rn())
	if rd == translate.RegSink {
		return true
	}
	w := uint32(32)
	if d.sf() {
		w = 64
	}
	switch opc {
	case 0:
		sbfm(b, rd, rn, r, s, w)
	case 1:
		ubfm(b, tmp0, rn, r, s, w)
		m := ones(uint(s-r) + 1)
		if s < r {
			m = ones(uint(s)+1) << (w - r)
		}
		emit(b, translate.OpAndI, rd, rd, 0, int64(wmask(d.sf())&^m))
		emit(b, translate.OpOr, rd, rd, tmp0, 0)
	case 2:
		ubfm(b, rd, rn, r, s, w)
	}
	return true
}

// ubfm places the unsigned bitfield of src described by (immr, imms) into
// dst, zero-extended.
func ubfm(b *translate.Builder, dst, src uint8, r, s, w uint32) {
	switch {
	case s >= r && s == w-1 && r != 0: // LSR
		if w == 64 {
			emit(b, translate.OpSrlI, dst, src, 0, int64(r))
		} else {
			emit(b, translate.OpSrlIW, dst, src, 0, int64(r))
		}
	case s >= r && r == 0:
		emit(b, translate.OpAndI, dst, src, 0, int64(ones(uint(s)+1)))
	case s >= r:
		emit(b, translate.OpSrlI, dst, src, 0, int64(r))
		emit(b, translate.OpAndI, dst, dst, 0, int64(ones(uint(s-r)+1)))
	case w == 64 && s+1 == r: // LSL
		emit(b, translate.OpSllI, dst, src, 0, int64(63-s))
	default: // field s:0 moves up to bit w-r
		emit(b, translate.OpSllI, dst, src, 0, int64(63-s))
		emit(b, translate.OpSrlI, dst, dst, 0, int64(63-s-(w-r)))
	}
}

// sbfm places the sign-extended bitfield of src described by (immr, imms).
func sbfm(b *translate.Builder, dst, src uint8, r, s, w uint32) {
	switch {
	case r == 0 && s == 7:
		emit(b, translate.OpSext8, dst, src, 0, 0)
	case r == 0 && s == 15:
		emit(b, translate.OpSext16, dst, src, 0, 0)
	case r == 0 && s == 31:
		emit(b, translate.OpSext32, dst, src, 0, 0)
	case s == w-1 && w == 64: // ASR
		emit(b, translate.OpSraI, dst, src, 0, int64(r))
	case s == w-1: // ASR (32-bit)
		emit(b, translate.OpSraIW, dst, src, 0, int64(r))
	case s >= r:
		emit(b, translate.OpSllI, dst, src, 0, int64(63-s))
		emit(b, translate.OpSraI, dst, dst, 0, int64(63-s+r))
	default:
		emit(b, translate.OpSllI, dst, src, 0, int64(63-s))
		emit(b, translate.OpSraI, dst, dst, 0, int64(63-s-(w-r)))
	}
	if w == 32 {
		zext32(b, dst, dst)
	}
}

// ARM ARM C6.2.106 EXTR (ROR (immediate) when Rn == Rm).
func lowerExtr(b *translate.Builder, d *inst) bool {
	n, lsb := field(d.x, 22, 1), field(d.x, 10, 6)
	if d.x>>29&3 != 0 || (n != 0) != d.sf() || (!d.sf() && lsb >= 32) {
		return false
	}
	rd := xw(d.rd())
	if rd == translate.RegSink {
		return true
	}
	b.Emit(op{Code: translate.OpExtr, Dst: rd, A: xr(d.rn()), B: xr(d.rm()), Imm: int64(lsb), Size: d.size()})
	return true
}
