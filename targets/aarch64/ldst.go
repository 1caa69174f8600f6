package aarch64

import "github.com/gemu-project/gemu/translate"

// Loads and stores (ARM ARM C4.1.88). Every integer and scalar FP form
// lowers to generic load/store ops. Writeback comes after the access, so
// a faulting access leaves the base register unchanged.
var ldstRows = []row{
	{mask: 0x3b000000, match: 0x18000000, names: "LDR LDRSW PRFM", lower: lowerLdLiteral},
	{mask: 0x3a000000, match: 0x28000000, names: "STP LDP STNP LDNP LDPSW", lower: lowerLdStPair},
	{mask: 0x3b200000, match: 0x38000000, names: "STUR LDUR STURB LDURB STURH LDURH LDURSB LDURSH LDURSW PRFUM " +
		"STR LDR STRB LDRB STRH LDRH LDRSB LDRSH LDRSW STTR LDTR STTRB LDTRB STTRH LDTRH LDTRSB LDTRSH LDTRSW",
		lower: lowerLdStImm9},
	{mask: 0x3b200c00, match: 0x38200800, names: "STR LDR STRB LDRB STRH LDRH LDRSB LDRSH LDRSW PRFM", lower: lowerLdStReg},
	{mask: 0x3b000000, match: 0x39000000, names: "STR LDR STRB LDRB STRH LDRH LDRSB LDRSH LDRSW PRFM", lower: lowerLdStUImm},
}

// access describes one load/store register form.
type access struct {
	code  code  // the integer load/store op, or the FP element op
	load  bool  // a load (else a store)
	sx32  bool  // sign-extending load into a W register: zero-extend after
	fp    bool  // Rt is a SIMD&FP register
	q     bool  // 128-bit FP access (two 64-bit ops)
	shift uint8 // log2 of the access size (the immediate scale)
	prfm  bool  // prefetch: no access at all
}

var (
	intLoads  = [4]code{translate.OpLoad8, translate.OpLoad16, translate.OpLoad32, translate.OpLoad64}
	intSLoads = [4]code{translate.OpLoad8S, translate.OpLoad16S, translate.OpLoad32S, translate.OpLoad64}
	stores    = [4]code{translate.OpStore8, translate.OpStore16, translate.OpStore32, translate.OpStore64}
)

// decodeAccess maps size (x[31:30]), V (x[26]) and opc (x[23:22]) to an
// access (ARM ARM C4.1.88, "Load/store register" opc tables).
func decodeAccess(x uint32) (access, bool) {
	size, opc := x>>30, x>>22&3
	if x>>26&1 != 0 {
		switch {
		case opc < 2:
			return access{code: pick(opc == 1, intLoads[size], stores[size]), load: opc == 1, fp: true, shift: uint8(size)}, true
		case size == 0:
			return access{code: pick(opc == 3, translate.OpLoad64, translate.OpStore64), load: opc == 3, fp: true, q: true, shift: 4}, true
		}
		return access{}, false
	}
	switch {
	case opc == 0:
		return access{code: stores[size], shift: uint8(size)}, true
	case opc == 1:
		return access{code: intLoads[size], load: true, shift: uint8(size)}, true
	case size == 3 && opc == 2:
		return access{prfm: true, shift: 3}, true
	case opc == 2 && size < 3:
		return access{code: intSLoads[size], load: true, shift: uint8(size)}, true
	case opc == 3 && size < 2:
		return access{code: intSLoads[size], load: true, sx32: true, shift: uint8(size)}, true
	}
	return access{}, false
}

func pick(c bool, a, b code) code {
	if c {
		return a
	}
	return b
}

// rtSlots returns the register slots an access moves: the integer register
// (XZR-based) or the FP register's low and high halves.
func (a access) rtSlots(rt uint32) (lo, hi uint8) {
	if a.fp {
		return vlo(rt), vhi(rt)
	}
	if a.load {
		return xw(rt), 0
	}
	return xr(rt), 0
}

// emitAccess emits the memory op(s) of a at base+off.
func emitAccess(b *translate.Builder, a access, rt uint32, base uint8, off int64) {
	if a.prfm {
		return
	}
	lo, hi := a.rtSlots(rt)
	if a.load {
		emit(b, a.code, lo, base, 0, off)
		switch {
		case a.q:
			emit(b, a.code, hi, base, 0, off+8)
		case a.fp:
			movI(b, hi, 0) // scalar writes zero the rest of the vector
		case a.sx32:
			fix32(b, false, lo)
		}
		return
	}
	emit(b, a.code, 0, base, lo, off)
	if a.q {
		emit(b, a.code, 0, base, hi, off+8)
	}
}

// safeBase returns the base slot for an access with writeback: when a load
// also writes the base register (CONSTRAINED UNPREDICTABLE), the base is
// copied first and the writeback wins, as in QEMU.
func safeBase(b *translate.Builder, a access, rn uint8, rts ...uint32) uint8 {
	if a.load && !a.fp {
		for _, rt := range rts {
			if xw(rt) == rn {
				mov(b, tmp3, rn)
				return tmp3
			}
		}
	}
	return rn
}

// ARM ARM C6.2.167 LDR (literal), C6.2.177 LDRSW (literal), C7.2.192 LDR
// (literal, SIMD&FP), C6.2.248 PRFM (literal).
func lowerLdLiteral(b *translate.Builder, d *inst) bool {
	opc, v := d.x>>30, d.x>>26&1
	addr := int64(d.pc) + sext(field(d.x, 5, 19), 19)*4
	var a access
	switch {
	case v == 1 && opc < 3:
		a = access{code: translate.OpLoad64, load: true, fp: true, q: opc == 2}
		a.code = [3]code{translate.OpLoad32, translate.OpLoad64, translate.OpLoad64}[opc]
	case v == 1:
		return false
	case opc == 3:
		return true // PRFM
	default:
		a = access{code: [3]code{translate.OpLoad32, translate.OpLoad64, translate.OpLoad32S}[opc], load: true}
	}
	emitAccess(b, a, d.rd(), translate.RegZero, addr)
	return true
}

// Register (immediate) forms with a 9-bit signed offset: ARM ARM C6.2
// LDUR/STUR (unscaled), post-index, LDTR/STTR (unprivileged: ordinary
// accesses at EL0) and pre-index.
func lowerLdStImm9(b *translate.Builder, d *inst) bool {
	a, ok := decodeAccess(d.x)
	kind := field(d.x, 10, 2) // 0 unscaled, 1 post, 2 unprivileged, 3 pre
	if !ok || (a.prfm && kind != 0) || (kind == 2 && a.fp) {
		return false
	}
	imm := sext(field(d.x, 12, 9), 9)
	rn := xsp(d.rn())
	switch kind {
	case 0, 2:
		emitAccess(b, a, d.rd(), rn, imm)
	case 1:
		base := safeBase(b, a, rn, d.rd())
		emitAccess(b, a, d.rd(), base, 0)
		emit(b, translate.OpAddI, rn, base, 0, imm)
	case 3:
		base := safeBase(b, a, rn, d.rd())
		emitAccess(b, a, d.rd(), base, imm)
		emit(b, translate.OpAddI, rn, base, 0, imm)
	}
	return true
}

// Register offset: ARM ARM C6.2.171 LDR (register) and siblings; the
// offset register is extended (UXTW, LSL/UXTX, SXTW, SXTX) and optionally
// scaled by the access size.
func lowerLdStReg(b *translate.Builder, d *inst) bool {
	a, ok := decodeAccess(d.x)
	option := field(d.x, 13, 3)
	if !ok || option&2 == 0 {
		return false
	}
	if a.prfm {
		return true
	}
	rm := xr(d.rm())
	switch option {
	case 2:
		zext32(b, tmp1, rm)
		rm = tmp1
	case 6:
		emit(b, translate.OpSext32, tmp1, rm, 0, 0)
		rm = tmp1
	}
	sh := int64(0)
	if d.x>>12&1 != 0 {
		sh = int64(a.shift)
	}
	emit(b, translate.OpShAdd, tmp1, rm, xsp(d.rn()), sh)
	emitAccess(b, a, d.rd(), tmp1, 0)
	return true
}

// Unsigned scaled 12-bit offset: ARM ARM C6.2.166 LDR (immediate) etc.
func lowerLdStUImm(b *translate.Builder, d *inst) bool {
	a, ok := decodeAccess(d.x)
	if !ok {
		return false
	}
	emitAccess(b, a, d.rd(), xsp(d.rn()), int64(field(d.x, 10, 12))<<a.shift)
	return true
}

// Pairs: ARM ARM C6.2.163 LDP, C6.2.164 LDPSW, C6.2.321 STP, C6.2.162
// LDNP/STNP (no-allocate: ordinary accesses here), with offset, pre- and
// post-index addressing; C7.2.190 LDP/STP (SIMD&FP).
func lowerLdStPair(b *translate.Builder, d *inst) bool {
	opc, v, kind, load := d.x>>30, d.x>>26&1, field(d.x, 23, 2), d.x>>22&1 != 0
	var a access
	switch {
	case opc == 3:
		return false
	case v == 1:
		shift := uint8(2 + opc)
		a = access{load: load, fp: true, shift: shift, q: opc == 2}
		if opc == 0 {
			a.code = pick(load, translate.OpLoad32, translate.OpStore32)
		} else {
			a.code = pick(load, translate.OpLoad64, translate.OpStore64)
		}
	case opc == 1 && (!load || kind == 0): // STGP, LDNP with opc 01
		return false
	case opc == 1: // LDPSW
		a = access{code: translate.OpLoad32S, load: true, shift: 2}
	case opc == 0:
		a = access{code: pick(load, translate.OpLoad32, translate.OpStore32), load: load, shift: 2}
	default:
		a = access{code: pick(load, translate.OpLoad64, translate.OpStore64), load: load, shift: 3}
	}
	rt, rt2 := d.rd(), d.ra()
	imm := sext(field(d.x, 15, 7), 7) << a.shift
	step := int64(1) << a.shift
	rn := xsp(d.rn())
	base := rn
	if kind == 1 || kind == 3 {
		base = safeBase(b, a, rn, rt, rt2)
	}
	off := imm
	if kind == 1 {
		off = 0
	}
	first, second := rt, rt2
	firstOff, secondOff := off, off+step
	if a.load && !a.fp && base == rn && xw(rt) == rn { // load the base last
		first, second = rt2, rt
		firstOff, secondOff = off+step, off
	}
	emitAccess(b, a, first, base, firstOff)
	emitAccess(b, a, second, base, secondOff)
	if kind == 1 || kind == 3 {
		emit(b, translate.OpAddI, rn, base, 0, imm)
	}
	return true
}
