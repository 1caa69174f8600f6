package aarch64

import "github.com/gemu-project/gemu/translate"

// Data processing — register (ARM ARM C4.1.89).
var dpRegRows = []row{
	{mask: 0x1f000000, match: 0x0a000000, names: "AND BIC ORR ORN EOR EON ANDS BICS MOV MVN TST", lower: lowerLogicReg},
	{mask: 0x1f200000, match: 0x0b000000, names: "ADD ADDS SUB SUBS CMN CMP NEG NEGS", lower: lowerAddSubReg},
	{mask: 0x1f200000, match: 0x0b200000, names: "ADD ADDS SUB SUBS CMN CMP", lower: lowerAddSubExt},
	{mask: 0x1fe0fc00, match: 0x1a000000, names: "ADC ADCS SBC SBCS NGC NGCS", lower: lowerAdc},
	{mask: 0x3fe00c10, match: 0x3a400000, names: "CCMN CCMP", lower: lowerCCmp},
	{mask: 0x3fe00c10, match: 0x3a400800, names: "CCMN CCMP", lower: lowerCCmp},
	{mask: 0x3fe00800, match: 0x1a800000, names: "CSEL CSINC CSINV CSNEG CINC CSET CINV CSETM CNEG", lower: lowerCSel},
	{mask: 0x5fe00000, match: 0x1ac00000, names: "UDIV SDIV LSLV LSRV ASRV RORV LSL LSR ASR ROR CRC32B CRC32H CRC32W CRC32X CRC32CB CRC32CH CRC32CW CRC32CX",
		lower: lowerDP2},
	{mask: 0x5fe00000, match: 0x5ac00000, names: "RBIT REV16 REV REV32 CLZ CLS", lower: lowerDP1},
	{mask: 0x1f000000, match: 0x1b000000, names: "MADD MSUB SMADDL SMSUBL SMULH UMADDL UMSUBL UMULH MUL MNEG SMULL SMNEGL UMULL UMNEGL",
		lower: lowerDP3},
}

// shiftedOperand returns the slot holding Rm shifted by the imm6 field
// (LSL, LSR, ASR, ROR), using tmp1 (ARM ARM ShiftReg).
func shiftedOperand(b *translate.Builder, d *inst) uint8 {
	rm, amt := xr(d.rm()), int64(field(d.x, 10, 6))
	if amt == 0 || rm == translate.RegZero {
		return rm
	}
	codes := [2][4]code{
		{translate.OpSllI, translate.OpSrlIW, translate.OpSraIW, translate.OpRorIW},
		{translate.OpSllI, translate.OpSrlI, translate.OpSraI, translate.OpRorI},
	}
	sf := 0
	if d.sf() {
		sf = 1
	}
	emit(b, codes[sf][field(d.x, 22, 2)], tmp1, rm, 0, amt)
	return tmp1
}

// ARM ARM C6.2.14 AND (shifted register) and its siblings.
func lowerLogicReg(b *translate.Builder, d *inst) bool {
	if !d.sf() && field(d.x, 15, 1) != 0 {
		return false
	}
	rn, rm := xr(d.rn()), shiftedOperand(b, d)
	rd := xw(d.rd())
	opc := d.x>>29&3<<1 | field(d.x, 21, 1)
	if opc < 6 && rd == translate.RegSink {
		return true
	}
	switch {
	case opc == 2 && rn == translate.RegZero: // MOV
		mov(b, rd, rm)
		fix32(b, d.sf(), rd)
		return true
	case opc == 3 && rn == translate.RegZero: // MVN
		emit(b, translate.OpXorI, rd, rm, 0, -1)
		fix32(b, d.sf(), rd)
		return true
	}
	codes := [8]code{translate.OpAnd, translate.OpAndn, translate.OpOr, translate.OpOrn,
		translate.OpXor, translate.OpXnor, translate.OpAnd, translate.OpAndn}
	t := rd
	if t == translate.RegSink {
		t = tmp0
	}
	emit(b, codes[opc], t, rn, rm, 0)
	if opc >= 6 {
		b.Emit(op{Code: translate.OpLogicFlags, A: t, C: RegNZCV, Size: d.size()})
		if d.sf() || rd != translate.RegSink {
			d.flags = flagSrc{valid: true, zslot: t}
		}
	}
	fix32(b, d.sf(), rd)
	return true
}

// addSub emits Rd = Rn ± op2: flag-setting forms write NZCV; 32-bit forms
// use the flag ops with a discarded flags slot to get a zero-extended
// result in one op.
func addSub(b *translate.Builder, d *inst, rd, rn, rm uint8) {
	sub, setFlags := d.x>>30&1 != 0, d.x>>29&1 != 0
	switch {
	case setFlags || !d.sf():
		c := translate.OpAddFlags
		if sub {
			c = translate.OpSubFlags
		}
		flags := uint8(RegNZCV)
		if !setFlags {
			flags = translate.RegSink
		} else {
			rd = noteFlags(d, rd, rn, rm, sub)
		}
		b.Emit(op{Code: c, Dst: rd, A: rn, B: rm, C: flags, Size: d.size()})
	case rd == translate.RegSink:
	case sub:
		emit(b, translate.OpSub, rd, rn, rm, 0)
	case rm == translate.RegZero:
		mov(b, rd, rn)
	default:
		emit(b, translate.OpAdd, rd, rn, rm, 0)
	}
}

// noteFlags records a flag-setting add/sub for a following B.cond and
// returns the destination slot to use: CMP/CMN keep the result in tmp2.
func noteFlags(d *inst, rd, rn, rm uint8, sub bool) uint8 {
	if rd == translate.RegSink {
		rd = tmp2
	}
	d.flags = flagSrc{valid: true, zslot: rd}
	if sub && d.sf() && rd != rn && rd != rm {
		d.flags.cmp, d.flags.a, d.flags.b = true, rn, rm
	}
	return rd
}

// ARM ARM C6.2.7 ADD (shifted register), C6.2.359 SUB (shifted register).
func lowerAddSubReg(b *translate.Builder, d *inst) bool {
	if field(d.x, 22, 2) == 3 || (!d.sf() && field(d.x, 15, 1) != 0) {
		return false
	}
	addSub(b, d, xw(d.rd()), xr(d.rn()), shiftedOperand(b, d))
	return true
}

// extendOperand returns the slot holding Rm extended by option (ARM ARM
// ExtendReg), before the left shift.
func extendOperand(b *translate.Builder, d *inst, dst uint8) uint8 {
	rm, option := xr(d.rm()), field(d.x, 13, 3)
	if rm == translate.RegZero {
		return rm
	}
	codes := [8]code{translate.OpZext8, translate.OpZext16, translate.OpZext32, translate.OpNop,
		translate.OpSext8, translate.OpSext16, translate.OpSext32, translate.OpNop}
	c := codes[option]
	if c == translate.OpNop || (!d.sf() && option&3 >= 2) { // X, or W in a 32-bit op
		return rm
	}
	emit(b, c, dst, rm, 0, 0)
	return dst
}

// ARM ARM C6.2.3 ADD (extended register), C6.2.356 SUB (extended register).
func lowerAddSubExt(b *translate.Builder, d *inst) bool {
	sh := int64(field(d.x, 10, 3))
	if sh > 4 || field(d.x, 22, 2) != 0 {
		return false
	}
	rn := xsp(d.rn())
	rd := xsp(d.rd())
	setFlags := d.x>>29&1 != 0
	if setFlags {
		rd = xw(d.rd())
	}
	rm := extendOperand(b, d, tmp1)
	if !setFlags && d.x>>30&1 == 0 && d.sf() && rm != translate.RegZero {
		emit(b, translate.OpShAdd, rd, rm, rn, sh)
		return true
	}
	if sh != 0 && rm != translate.RegZero {
		emit(b, translate.OpSllI, tmp1, rm, 0, sh)
		rm = tmp1
	}
	addSub(b, d, rd, rn, rm)
	return true
}

// ARM ARM C6.2.1 ADC, C6.2.2 ADCS, C6.2.264 SBC, C6.2.265 SBCS.
func lowerAdc(b *translate.Builder, d *inst) bool {
	codes := [4]code{translate.OpAdc, translate.OpAdcFlags, translate.OpSbc, translate.OpSbcFlags}
	c := codes[d.x>>29&3]
	rd := xw(d.rd())
	if rd == translate.RegSink && d.x>>29&1 == 0 {
		return true
	}
	emitS(b, c, rd, xr(d.rn()), xr(d.rm()), d.size())
	return true
}

// ARM ARM C6.2.50 CCMN, C6.2.52 CCMP (register and immediate).
func lowerCCmp(b *translate.Builder, d *inst) bool {
	rm := xr(d.rm())
	if d.x>>11&1 != 0 { // immediate form: imm5 in the Rm field
		movI(b, tmp0, int64(d.rm()))
		rm = tmp0
	}
	size := d.size()
	if d.x>>30&1 == 0 {
		size |= 0x10 // CCMN: flags of Rn + op2
	}
	b.Emit(op{Code: translate.OpSetFlags, A: xr(d.rn()), B: rm, C: RegNZCV,
		Aux: uint8(field(d.x, 12, 4)), Imm: int64(d.x&15) << 28, Size: size})
	return true
}

// ARM ARM C6.2.69 CSEL, C6.2.75 CSINC, C6.2.76 CSINV, C6.2.77 CSNEG.
func lowerCSel(b *translate.Builder, d *inst) bool {
	rd := xw(d.rd())
	if rd == translate.RegSink {
		return true
	}
	b.Emit(op{Code: translate.OpCondSel, Dst: rd, A: xr(d.rn()), B: xr(d.rm()), C: RegNZCV,
		Aux: uint8(field(d.x, 12, 4)), Imm: int64(d.x>>30&1<<1 | field(d.x, 10, 1)), Size: d.size()})
	return true
}

// Data-processing (2 source): ARM ARM C6.2.376 UDIV, C6.2.267 SDIV,
// C6.2.180 LSLV, C6.2.183 LSRV, C6.2.22 ASRV, C6.2.258 RORV, C6.2.79 CRC32.
func lowerDP2(b *translate.Builder, d *inst) bool {
	opc := field(d.x, 10, 6)
	if d.x>>29&1 != 0 {
		return false
	}
	rd, rn, rm := xw(d.rd()), xr(d.rn()), xr(d.rm())
	switch {
	case opc == 2 || opc == 3:
		c := translate.OpUDivA64
		if opc == 3 {
			c = translate.OpSDivA64
		}
		b.Emit(op{Code: c, Dst: rd, A: rn, B: rm, Size: d.size()})
	case opc >= 8 && opc <= 11:
		shifts := [2][4]code{
			{translate.OpSllW, translate.OpSrlW, translate.OpSraW, translate.OpRorW},
			{translate.OpSll, translate.OpSrl, translate.OpSra, translate.OpRor},
		}
		if d.sf() {
			emit(b, shifts[1][opc-8], rd, rn, rm, 0)
		} else {
			emit(b, shifts[0][opc-8], rd, rn, rm, 0)
			fix32(b, false, rd)
		}
	case opc >= 16 && opc <= 23:
		return lowerCRC32(b, d)
	default:
		return false
	}
	return true
}

// Data-processing (1 source): ARM ARM C6.2.251 RBIT, C6.2.256 REV16,
// C6.2.257 REV32, C6.2.255 REV, C6.2.64 CLZ, C6.2.63 CLS.
func lowerDP1(b *translate.Builder, d *inst) bool {
	opc := field(d.x, 10, 6)
	if d.x>>29&1 != 0 || field(d.x, 16, 5) != 0 || opc > 5 || (opc == 3 && !d.sf()) {
		return false
	}
	rd, rn := xw(d.rd()), xr(d.rn())
	if rd == translate.RegSink {
		return true
	}
	switch opc {
	case 0:
		b.Emit(op{Code: translate.OpRbit, Dst: rd, A: rn, Size: d.size()})
	case 1:
		lowerRev16(b, d, rd, rn)
	case 2:
		emit(b, translate.OpRev8, rd, rn, 0, 0)
		if d.sf() { // REV32: swap the bytes of each word
			emit(b, translate.OpRorI, rd, rd, 0, 32)
		} else {
			emit(b, translate.OpSrlI, rd, rd, 0, 32)
		}
	case 3:
		emit(b, translate.OpRev8, rd, rn, 0, 0)
	case 4:
		if d.sf() {
			emit(b, translate.OpClz, rd, rn, 0, 0)
		} else {
			emit(b, translate.OpClzW, rd, rn, 0, 0)
		}
	case 5:
		lowerCLS(b, d, rd, rn)
	}
	return true
}

// REV16: swap the bytes of each halfword.
func lowerRev16(b *translate.Builder, d *inst, rd, rn uint8) {
	const m = 0x00ff00ff00ff00ff
	emit(b, translate.OpSrlI, tmp0, rn, 0, 8)
	emit(b, translate.OpAndI, tmp0, tmp0, 0, int64(m&wmask(d.sf())))
	emit(b, translate.OpAndI, tmp1, rn, 0, int64(m&wmask(d.sf())))
	emit(b, translate.OpSllI, tmp1, tmp1, 0, 8)
	emit(b, translate.OpOr, rd, tmp0, tmp1, 0)
}

// CLS x = CLZ(x ^ (x >>s 1)) - 1 on the sign-extended value; a 32-bit
// operand, sign-extended to 64 bits, has 32 more equal leading bits.
func lowerCLS(b *translate.Builder, d *inst, rd, rn uint8) {
	src, adj := rn, int64(-1)
	if !d.sf() {
		emit(b, translate.OpSext32, tmp0, rn, 0, 0)
		src, adj = tmp0, -33
	}
	emit(b, translate.OpSraI, tmp1, src, 0, 1)
	emit(b, translate.OpXor, tmp1, tmp1, src, 0)
	emit(b, translate.OpClz, tmp1, tmp1, 0, 0)
	emit(b, translate.OpAddI, rd, tmp1, 0, adj)
}

// Data-processing (3 source): ARM ARM C6.2.186 MADD, C6.2.206 MSUB,
// C6.2.287 SMADDL, C6.2.294 SMSUBL, C6.2.295 SMULH, UMADDL, UMSUBL, UMULH.
func lowerDP3(b *translate.Builder, d *inst) bool {
	op31, o0 := field(d.x, 21, 3), field(d.x, 15, 1)
	if d.x>>29&3 != 0 || (op31 != 0 && !d.sf()) {
		return false
	}
	rd, rn, rm, ra := xw(d.rd()), xr(d.rn()), xr(d.rm()), xr(d.ra())
	switch op31 {
	case 0:
	case 1, 5: // widening: extend the 32-bit operands
		ext := translate.OpSext32
		if op31 == 5 {
			ext = translate.OpZext32
		}
		emit(b, ext, tmp0, rn, 0, 0)
		emit(b, ext, tmp1, rm, 0, 0)
		rn, rm = tmp0, tmp1
	case 2, 6:
		if o0 != 0 {
			return false
		}
		c := translate.OpMulh
		if op31 == 6 {
			c = translate.OpMulhu
		}
		emit(b, c, rd, rn, rm, 0)
		return true
	default:
		return false
	}
	if rd == translate.RegSink {
		return true
	}
	switch {
	case ra == translate.RegZero && o0 == 0:
		emit(b, translate.OpMul, rd, rn, rm, 0)
	case o0 == 0:
		emit(b, translate.OpMul, tmp2, rn, rm, 0)
		emit(b, translate.OpAdd, rd, tmp2, ra, 0)
	default:
		emit(b, translate.OpMul, tmp2, rn, rm, 0)
		emit(b, translate.OpSub, rd, ra, tmp2, 0)
	}
	fix32(b, d.sf(), rd)
	return true
}
