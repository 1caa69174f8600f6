package aarch64

import (
	"math/bits"

	"github.com/gemu-project/gemu/translate"
)

// AdvSIMD copy, permute, extract, table lookup and modified immediate
// (ARM ARM C4.1.91). The common moves between general and vector
// registers are generic ops.

// copyElem decodes imm5: the element size (bits) and index; 0 when
// reserved.
func copyElem(imm5 uint32) (uint, int) {
	t := bits.TrailingZeros32(imm5)
	if t > 3 {
		return 0, 0
	}
	return 8 << t, int(imm5 >> (t + 1))
}

// laneSlot returns the register slot and bit offset of element idx.
func laneSlot(lo uint8, es uint, idx int) (uint8, int64) {
	off := uint(idx) * es
	return lo + uint8(off>>6), int64(off & 63)
}

// replicate multiplies an element up to 64 bits.
var replicate = map[uint]uint64{8: 0x0101010101010101, 16: 0x0001000100010001, 32: 0x0000000100000001, 64: 1}

// ARM ARM C4.1.91 "Advanced SIMD copy": DUP (element, general), INS
// (general, element), SMOV, UMOV.
func lowerVCopy(b *translate.Builder, d *inst) bool {
	v := vfields(d)
	op, imm4 := d.x>>29&1, field(d.x, 11, 4)
	es, idx := copyElem(field(d.x, 16, 5))
	if es == 0 {
		return false
	}
	switch {
	case op == 1:
		if !v.q {
			return false
		}
		return lowerInsElem(b, v, es, idx, int(field(d.x, 11, 4)>>bits.TrailingZeros(es/8)))
	case imm4 == 0: // DUP (element)
		if es == 64 && !v.q {
			return false
		}
		src, sh := laneSlot(v.n, es, idx)
		extractElem(b, tmp0, src, sh, es, false)
		dupValue(b, v, es, tmp0)
	case imm4 == 1: // DUP (general)
		if es == 64 && !v.q {
			return false
		}
		src := xr(d.rn())
		if es < 64 {
			emit(b, translate.OpAndI, tmp0, src, 0, int64(emask(es)))
			src = tmp0
		}
		dupValue(b, v, es, src)
	case imm4 == 3: // INS (general)
		if !v.q {
			return false
		}
		insertElem(b, v.d, es, idx, xr(d.rn()))
	case imm4 == 5, imm4 == 7: // SMOV, UMOV
		return lowerMovToGPR(b, d, v, es, idx, imm4 == 5)
	default:
		return false
	}
	return true
}

// extractElem puts element (src, bit offset sh, size es) into dst,
// sign- or zero-extended.
func extractElem(b *translate.Builder, dst, src uint8, sh int64, es uint, signed bool) {
	switch {
	case es == 64:
		mov(b, dst, src)
	case signed:
		emit(b, translate.OpSllI, dst, src, 0, 64-sh-int64(es))
		emit(b, translate.OpSraI, dst, dst, 0, 64-int64(es))
	default:
		if sh == 0 {
			emit(b, translate.OpAndI, dst, src, 0, int64(emask(es)))
			return
		}
		emit(b, translate.OpSrlI, dst, src, 0, sh)
		if sh+int64(es) < 64 {
			emit(b, translate.OpAndI, dst, dst, 0, int64(emask(es)))
		}
	}
}

// dupValue replicates the zero-extended element in src to every lane.
func dupValue(b *translate.Builder, v vinst, es uint, src uint8) {
	if es < 64 {
		movI(b, tmp1, int64(replicate[es]))
		emit(b, translate.OpMul, v.d, src, tmp1, 0)
	} else {
		mov(b, v.d, src)
	}
	if v.q {
		mov(b, v.d+1, v.d)
	} else {
		movI(b, v.d+1, 0)
	}
}

// insertElem writes the low es bits of src into element idx of register lo.
func insertElem(b *translate.Builder, lo uint8, es uint, idx int, src uint8) {
	dst, sh := laneSlot(lo, es, idx)
	if es == 64 {
		mov(b, dst, src)
		return
	}
	emit(b, translate.OpAndI, tmp1, src, 0, int64(emask(es)))
	if sh != 0 {
		emit(b, translate.OpSllI, tmp1, tmp1, 0, sh)
	}
	emit(b, translate.OpAndI, dst, dst, 0, int64(^(emask(es) << sh)))
	emit(b, translate.OpOr, dst, dst, tmp1, 0)
}

// lowerInsElem: INS (element), Vd.T[i1] = Vn.T[i2].
func lowerInsElem(b *translate.Builder, v vinst, es uint, i1, i2 int) bool {
	src, sh := laneSlot(v.n, es, i2)
	extractElem(b, tmp0, src, sh, es, false)
	insertElem(b, v.d, es, i1, tmp0)
	return true
}

// lowerMovToGPR: SMOV (to W for B/H with Q=0, to X with Q=1) and UMOV
// (W for B/H/S with Q=0, X for D with Q=1).
func lowerMovToGPR(b *translate.Builder, d *inst, v vinst, es uint, idx int, signed bool) bool {
	switch {
	case signed && (es == 64 || (es == 32 && !v.q)):
		return false
	case !signed && ((es == 64) != v.q):
		return false
	}
	src, sh := laneSlot(v.n, es, idx)
	rd := xw(d.rd())
	extractElem(b, rd, src, sh, es, signed)
	if signed && !v.q {
		fix32(b, false, rd)
	}
	return true
}

// ARM ARM C4.1.91 "Advanced SIMD permute": UZP1/2, TRN1/2, ZIP1/2.
func lowerVPerm(b *translate.Builder, d *inst) bool {
	v := vfields(d)
	opc := field(d.x, 12, 3)
	if opc == 0 || opc == 4 || (v.es == 64 && !v.q) {
		return false
	}
	part := int(opc >> 2) // 0: the "1" forms, 1: the "2" forms
	k := v.count()
	pick := [4]func(i int) (bool, int){
		1: func(i int) (bool, int) { return i >= k/2, 2*i%k + part },   // UZP
		2: func(i int) (bool, int) { return i&1 == 1, i&^1 + part },    // TRN
		3: func(i int) (bool, int) { return i&1 == 1, part*k/2 + i/2 }, // ZIP
	}[opc&3]
	return vcall(b, func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		a, m := readV(c, v.n), readV(c, v.m)
		var r vec
		for i := 0; i < k; i++ {
			fromM, j := pick(i)
			src := &a
			if fromM {
				src = &m
			}
			setLane(&r, i, v.es, lane(src, j, v.es))
		}
		writeV(c, v.d, r, v.q)
		return translate.ExitNone
	})
}

// ARM ARM C7.2.43 EXT: bytes imm4.. of Vm:Vn.
func lowerVExt(b *translate.Builder, d *inst) bool {
	v := vfields(d)
	pos := uint(field(d.x, 11, 4))
	if field(d.x, 22, 2) != 0 || (!v.q && pos >= 8) {
		return false
	}
	if !v.q { // 64-bit: (m.lo:n.lo) >> 8*pos, as one EXTR-like op
		if pos == 0 {
			mov(b, v.d, v.n)
		} else {
			b.Emit(op{Code: translate.OpExtr, Dst: v.d, A: v.m, B: v.n, Imm: int64(8 * pos), Size: 8})
		}
		movI(b, v.d+1, 0)
		return true
	}
	// 128-bit: the halves are 64-bit windows of the words n.lo, n.hi,
	// m.lo, m.hi, computed into temporaries (Vd may be Vn or Vm). GCM's
	// Karatsuba and SHA-512's operand pairing make EXT hot.
	words := [4]uint8{v.n, v.n + 1, v.m, v.m + 1}
	w, sh := pos/8, int64(8*(pos%8))
	for h, t := range [2]uint8{tmp0, tmp1} {
		lo := words[w+uint(h)]
		if sh == 0 {
			mov(b, t, lo)
		} else {
			b.Emit(op{Code: translate.OpExtr, Dst: t, A: words[w+uint(h)+1], B: lo, Imm: sh, Size: 8})
		}
	}
	mov(b, v.d, tmp0)
	mov(b, v.d+1, tmp1)
	return true
}

// ARM ARM C7.2.335 TBL, C7.2.336 TBX: byte lookup in 1-4 consecutive
// table registers; out-of-range indexes give 0 (TBL) or keep Vd (TBX).
func lowerVTbl(b *translate.Builder, d *inst) bool {
	v := vfields(d)
	if field(d.x, 22, 2) != 0 {
		return false
	}
	nregs := int(field(d.x, 13, 2)) + 1
	tbx := d.x>>12&1 != 0
	first := d.rn()
	return vcall(b, func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		var table [4]vec
		for i := 0; i < nregs; i++ {
			table[i] = readV(c, vlo(first+uint32(i)))
		}
		idx, r := readV(c, v.m), readV(c, v.d)
		for i := 0; i < nlanes(8, v.q); i++ {
			j := int(lane(&idx, i, 8))
			if j < 16*nregs {
				setLane(&r, i, 8, lane(&table[j/16], j%16, 8))
			} else if !tbx {
				setLane(&r, i, 8, 0)
			}
		}
		writeV(c, v.d, r, v.q)
		return translate.ExitNone
	})
}

// advSIMDExpandImm is ARM ARM AdvSIMDExpandImm.
func advSIMDExpandImm(op, cmode, imm8 uint32) uint64 {
	i := uint64(imm8)
	switch cmode >> 1 {
	case 0:
		return i * replicate[32]
	case 1:
		return i << 8 * replicate[32]
	case 2:
		return i << 16 * replicate[32]
	case 3:
		return i << 24 * replicate[32]
	case 4:
		return i * replicate[16]
	case 5:
		return i << 8 * replicate[16]
	case 6:
		if cmode&1 == 0 {
			return (i<<8 | 0xff) * replicate[32]
		}
		return (i<<16 | 0xffff) * replicate[32]
	}
	switch {
	case cmode&1 == 0 && op == 0:
		return i * replicate[8]
	case cmode&1 == 0:
		var r uint64
		for b := uint(0); b < 8; b++ {
			if i>>b&1 != 0 {
				r |= 0xff << (8 * b)
			}
		}
		return r
	case op == 0:
		return vfpExpandImm(imm8, 4) * replicate[32]
	}
	return vfpExpandImm(imm8, 8)
}

// ARM ARM C4.1.91 "Advanced SIMD modified immediate": MOVI, MVNI, ORR,
// BIC (vector, immediate), FMOV (vector, immediate).
func lowerVModImm(b *translate.Builder, d *inst) bool {
	v := vfields(d)
	op, cmode, o2 := d.x>>29&1, field(d.x, 12, 4), field(d.x, 11, 1)
	imm8 := field(d.x, 16, 3)<<5 | field(d.x, 5, 5)
	if o2 != 0 || (cmode == 15 && op == 1 && !v.q) {
		return false
	}
	imm := advSIMDExpandImm(op, cmode, imm8)
	orBic := cmode < 12 && cmode&1 == 1 && (cmode < 8 || cmode < 12)
	switch {
	case orBic && op == 0: // ORR
		emit(b, translate.OpOrI, v.d, v.d, 0, int64(imm))
		if v.q {
			emit(b, translate.OpOrI, v.d+1, v.d+1, 0, int64(imm))
		}
	case orBic: // BIC
		emit(b, translate.OpAndI, v.d, v.d, 0, int64(^imm))
		if v.q {
			emit(b, translate.OpAndI, v.d+1, v.d+1, 0, int64(^imm))
		}
	default:
		if op == 1 && cmode < 14 { // MVNI
			imm = ^imm
		}
		movI(b, v.d, int64(imm))
		if v.q {
			movI(b, v.d+1, int64(imm))
		}
	}
	if !v.q {
		movI(b, v.d+1, 0)
	}
	return true
}
