package aarch64

import "github.com/gemu-project/gemu/translate"

// AdvSIMD vector integer classes: three same, two-register miscellaneous,
// across lanes (ARM ARM C4.1.91, C7.2).

// vop describes one integer operation of a class table.
type vop struct {
	f     laneFn
	acc   laneFn // accumulate into the destination
	pair  bool   // pairwise
	sizes uint8  // allowed size field values (bit i = size i)
}

const (
	sz012  = 0b0111
	szAll  = 0b1111
	sz12   = 0b0110
	sz0    = 0b0001
	sz01   = 0b0011
	sz1    = 0b0010
	szNone = 0
)

// v3same is indexed by U<<5 | opcode (x[29], x[15:11]).
var v3same = map[uint32]vop{
	0x00: {f: lShadd, sizes: sz012}, 0x20: {f: lUhadd, sizes: sz012},
	0x01: {f: lSqadd, sizes: szAll}, 0x21: {f: lUqadd, sizes: szAll},
	0x02: {f: lSrhadd, sizes: sz012}, 0x22: {f: lUrhadd, sizes: sz012},
	0x04: {f: lShsub, sizes: sz012}, 0x24: {f: lUhsub, sizes: sz012},
	0x05: {f: lSqsub, sizes: szAll}, 0x25: {f: lUqsub, sizes: szAll},
	0x06: {f: lCmgt, sizes: szAll}, 0x26: {f: lCmhi, sizes: szAll},
	0x07: {f: lCmge, sizes: szAll}, 0x27: {f: lCmhs, sizes: szAll},
	0x08: {f: lSshl, sizes: szAll}, 0x28: {f: lUshl, sizes: szAll},
	0x09: {f: lSqshl, sizes: szAll}, 0x29: {f: lUqshl, sizes: szAll},
	0x0a: {f: lSrshl, sizes: szAll}, 0x2a: {f: lUrshl, sizes: szAll},
	0x0b: {f: lSqrshl, sizes: szAll}, 0x2b: {f: lUqrshl, sizes: szAll},
	0x0c: {f: lSmax, sizes: sz012}, 0x2c: {f: lUmax, sizes: sz012},
	0x0d: {f: lSmin, sizes: sz012}, 0x2d: {f: lUmin, sizes: sz012},
	0x0e: {f: lSabd, sizes: sz012}, 0x2e: {f: lUabd, sizes: sz012},
	0x0f: {f: lSabd, acc: lAdd, sizes: sz012}, 0x2f: {f: lUabd, acc: lAdd, sizes: sz012},
	0x10: {f: lAdd, sizes: szAll}, 0x30: {f: lSub, sizes: szAll},
	0x11: {f: lCmtst, sizes: szAll}, 0x31: {f: lCmeq, sizes: szAll},
	0x12: {f: lMul, acc: lAdd, sizes: sz012}, 0x32: {f: lMul, acc: lSub, sizes: sz012},
	0x13: {f: lMul, sizes: sz012}, 0x33: {f: lPmul, sizes: sz0},
	0x14: {f: lSmax, pair: true, sizes: sz012}, 0x34: {f: lUmax, pair: true, sizes: sz012},
	0x15: {f: lSmin, pair: true, sizes: sz012}, 0x35: {f: lUmin, pair: true, sizes: sz012},
	0x16: {f: lSqdmulh, sizes: sz12}, 0x36: {f: lSqrdmulh, sizes: sz12},
	0x17: {f: lAdd, pair: true, sizes: szAll},
}

// ARM ARM C4.1.91 "Advanced SIMD (scalar) three same".
// v3Described are the three-same ops tier 2 computes inline
// (translate/vec.go), by U<<5 | opcode.
var v3Described = map[uint32]translate.VecKind{0x31: translate.VecCmpEq, 0x17: translate.VecAddP}

func lowerV3SameAny(b *translate.Builder, d *inst, scalar bool) bool {
	v := vfields(d)
	v.scalar = scalar
	u, opc, size := d.x>>29&1, field(d.x, 11, 5), field(d.x, 22, 2)
	if opc >= 0x18 {
		return lowerV3SameFP(b, d, v, u<<5|opc)
	}
	if opc == 3 && !scalar {
		return lowerVLogic(b, v, u<<2|size)
	}
	o, ok := v3same[u<<5|opc]
	if !ok || o.sizes>>size&1 == 0 || (size == 3 && !v.q && !scalar) {
		return false
	}
	if k, ok := v3Described[u<<5|opc]; ok && !scalar { // CMEQ, ADDP: also described for tier 2
		fn := byteFast3(v, u<<5|opc)
		switch {
		case fn != nil:
		case o.pair:
			fn = pairwise(v, o.f, false)
		default:
			fn = elementwise(v, o.f, o.acc, false, 0)
		}
		f := translate.VecForm{Kind: k, Flags: uint8(size)}
		if !v.q {
			f.Flags |= translate.VecHalf
		}
		call(b, fn, op{Dst: v.d, A: v.n, B: v.m, Vec: f})
		return true
	}
	if f := byteFast3(v, u<<5|opc); f != nil {
		return vcall(b, f)
	}
	if opc == 0x10 && !scalar { // ADD, SUB: also described for tier 2
		f := translate.VecForm{Kind: translate.VecAdd, Flags: uint8(size)}
		if u == 1 {
			f.Kind = translate.VecSub
		}
		if !v.q {
			f.Flags |= translate.VecHalf
		}
		call(b, elementwise(v, o.f, o.acc, false, 0), op{Dst: v.d, A: v.n, B: v.m, Vec: f})
		return true
	}
	if o.pair {
		return vcall(b, pairwise(v, o.f, false))
	}
	return vcall(b, elementwise(v, o.f, o.acc, false, 0))
}

// lowerVLogic: AND, BIC, ORR (MOV), ORN, EOR as generic ops; BSL, BIT, BIF
// by helper.
func lowerVLogic(b *translate.Builder, v vinst, k uint32) bool {
	switch k {
	case 0:
		simpleLogic(b, v, translate.OpAnd)
	case 1:
		simpleLogic(b, v, translate.OpAndn)
	case 2:
		simpleLogic(b, v, translate.OpOr)
	case 3:
		simpleLogic(b, v, translate.OpOrn)
	case 4:
		simpleLogic(b, v, translate.OpXor)
	default:
		v.es = 64
		sel := [3]func(x *lctx, d, a, b uint64) uint64{
			func(_ *lctx, d, a, b uint64) uint64 { return a&d | b&^d }, // BSL
			func(_ *lctx, d, a, b uint64) uint64 { return a&b | d&^b }, // BIT
			func(_ *lctx, d, a, b uint64) uint64 { return d&b | a&^b }, // BIF
		}[k-5]
		f := translate.VecForm{Kind: []translate.VecKind{translate.VecBitSel, translate.VecBitInsT, translate.VecBitInsF}[k-5]}
		if !v.q {
			f.Flags = translate.VecHalf
		}
		call(b, elementwise3(v, sel, false), op{Dst: v.d, A: v.n, B: v.m, Vec: f})
		return true
	}
	return true
}

// Two-register miscellaneous (integer part), indexed by U<<5 | opcode.
var v2misc = map[uint32]vop{
	0x03: {f: lSuqadd, sizes: szAll}, 0x23: {f: lUsqadd, sizes: szAll},
	0x04: {f: lCls, sizes: sz012}, 0x24: {f: lClz, sizes: sz012},
	0x07: {f: lSqabs, sizes: szAll}, 0x27: {f: lSqneg, sizes: szAll},
	0x08: {f: lCmgt0, sizes: szAll}, 0x28: {f: lCmge0, sizes: szAll},
	0x09: {f: lCmeq0, sizes: szAll}, 0x29: {f: lCmle0, sizes: szAll},
	0x0a: {f: lCmlt0, sizes: szAll},
	0x0b: {f: lAbs, sizes: szAll}, 0x2b: {f: lNeg, sizes: szAll},
}

// ARM ARM C4.1.91 "Advanced SIMD (scalar) two-register miscellaneous".
func lowerV2Misc(b *translate.Builder, d *inst, scalar bool) bool {
	v := vfields(d)
	v.scalar = scalar
	u, opc, size := d.x>>29&1, field(d.x, 12, 5), field(d.x, 22, 2)
	k := u<<5 | opc
	if scalar && !scalarMisc(k, size) {
		return false
	}
	switch {
	case opc >= 0x0c && opc != 0x12 && opc != 0x13 && opc != 0x14:
		return lowerV2MiscFP(b, d, v, k)
	case k == 0x05 && size == 0:
		call(b, unary(v, lCnt, false, 0), op{Dst: vlo(d.rd()), A: vlo(d.rn()), Vec: byteVec(translate.VecCntB, v)})
		return true
	case k == 0x25 && size == 0:
		v.es = 64
		return vcall(b, unary(v, lNot, false, 0))
	case k == 0x25 && size == 1:
		v.es = 8
		return vcall(b, unary(v, lRbit, false, 0))
	case opc <= 1:
		return lowerVRev(b, v, k, size)
	case opc == 2 || opc == 6:
		if size == 3 {
			return false
		}
		return vcall(b, pairLong(v, u == 0, opc == 6))
	case opc >= 0x12 && opc <= 0x14:
		return lowerVNarrowMisc(b, d, v, k, size)
	}
	o, ok := v2misc[k]
	if !ok || o.sizes>>size&1 == 0 || (size == 3 && !v.q && !scalar) {
		return false
	}
	if k == 0x09 && v.es == 8 && !scalar {
		return vcall(b, cmeqZeroBytes(v))
	}
	if opc == 3 { // SUQADD/USQADD accumulate: d = f(d, n)
		return vcall(b, elementwise3(v, func(x *lctx, dd, a, _ uint64) uint64 { return o.f(x, dd, a) }, false))
	}
	return vcall(b, unary(v, o.f, false, 0))
}

// scalarMisc reports whether a two-register miscellaneous encoding has a
// scalar form (ARM ARM "Advanced SIMD scalar two-register miscellaneous").
func scalarMisc(k, size uint32) bool {
	switch opc := k & 31; {
	case opc == 3 || opc == 7:
		return true
	case opc >= 8 && opc <= 0xb:
		return size == 3 && k != 0x2a
	case k == 0x32 || opc == 0x14:
		return size < 3
	case k == 0x36:
		return true
	case opc >= 0x0c && opc <= 0x0e, opc >= 0x1a && opc <= 0x1d:
		return size >= 2 || (opc >= 0x1a && opc <= 0x1d)
	case k == 0x1f:
		return size >= 2 // FRECPX
	}
	return false
}

// lowerVRev: REV64 (k 0x00), REV32 (0x20), REV16 (0x01): reverse the
// elements inside each 64-, 32- or 16-bit container, by swapping adjacent
// blocks of es, 2es, … bits up to half the container in each 64-bit half
// (REV32 .16B makes SHA message words native: it had a fifth of Go's
// SHA-256 time as a per-lane loop).
func lowerVRev(b *translate.Builder, v vinst, k, size uint32) bool {
	container := map[uint32]uint{0x00: 64, 0x20: 32, 0x01: 16}[k]
	if container == 0 || v.es >= container {
		return false
	}
	var shifts [3]uint
	var masks [3]uint64 // the low block of each pair
	levels := 0
	for s := v.es; s < container; s *= 2 {
		for i := uint(0); i < 64; i += 2 * s {
			masks[levels] |= ones(s) << i
		}
		shifts[levels] = s
		levels++
	}
	halves := uint8(1)
	if v.q {
		halves = 2
	}
	return vcall(b, func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		var r vec
		for h := uint8(0); h < halves; h++ {
			x := c.R[v.n+h]
			for l := 0; l < levels; l++ {
				x = x>>shifts[l]&masks[l] | x&masks[l]<<shifts[l]
			}
			r[h] = x
		}
		c.R[v.d], c.R[v.d+1] = r[0], r[1]
		return translate.ExitNone
	})
}

// pairLong: SADDLP/UADDLP and the accumulating SADALP/UADALP.
func pairLong(v vinst, signed, acc bool) translate.HelperFn {
	n := nlanes(2*v.es, v.q)
	w := wzext
	if signed {
		w = wsext
	}
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		a, d := readV(c, v.n), readV(c, v.d)
		var r vec
		for i := 0; i < n; i++ {
			s := w(lane(&a, 2*i, v.es), v.es) + w(lane(&a, 2*i+1, v.es), v.es)
			if acc {
				s += lane(&d, i, 2*v.es)
			}
			setLane(&r, i, 2*v.es, s)
		}
		writeV(c, v.d, r, v.q)
		return translate.ExitNone
	}
}

// lowerVNarrowMisc: XTN, SQXTUN (0x12), SHLL (0x33), SQXTN/UQXTN (0x14).
func lowerVNarrowMisc(b *translate.Builder, d *inst, v vinst, k, size uint32) bool {
	if size == 3 {
		return false
	}
	switch k {
	case 0x12:
		return vcall(b, narrow(v, func(x *lctx, a, _ uint64) uint64 { return a }))
	case 0x32:
		return vcall(b, narrow(v, func(x *lctx, a, _ uint64) uint64 { return satU(x, sx(a, 2*x.es)) }))
	case 0x14:
		return vcall(b, narrow(v, func(x *lctx, a, _ uint64) uint64 { return satS(x, sx(a, 2*x.es)) }))
	case 0x34:
		return vcall(b, narrow(v, func(x *lctx, a, _ uint64) uint64 {
			if a > emask(x.es) {
				x.sat = true
				return emask(x.es)
			}
			return a
		}))
	case 0x33: // SHLL: widen and shift left by the element size
		return vcall(b, widen(v, func(x *lctx, a, _ uint64) uint64 { return a << x.es }, false))
	}
	return false
}

// narrow: each 2*es element of Vn becomes an es element written to the
// lower half (Q = 0) or upper half (Q = 1, the "2" forms) of Vd.
func narrow(v vinst, f laneFn) translate.HelperFn {
	n := 64 / int(v.es)
	if v.scalar {
		n = 1
	}
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		x := newCtx(c, v.es, false, 0)
		a, r := readV(c, v.n), readV(c, v.d)
		var half uint64
		for i := 0; i < n; i++ {
			half |= f(x, lane(&a, i, 2*v.es), 0) & emask(v.es) << (uint(i) * v.es)
		}
		if v.q && !v.scalar {
			r[1] = half
		} else {
			r = vec{half, 0}
		}
		c.R[v.d], c.R[v.d+1] = r[0], r[1]
		x.finish(c)
		return translate.ExitNone
	}
}

// widen: each es element of the lower (Q = 0) or upper (Q = 1) half of Vn
// becomes a 2*es element; f sees the sign- or zero-extended element.
func widen(v vinst, f laneFn, signed bool) translate.HelperFn {
	n := 64 / int(v.es)
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		x := newCtx(c, v.es, false, 0)
		a := readV(c, v.n)
		src := vec{a[0]}
		if v.q {
			src[0] = a[1]
		}
		var r vec
		for i := 0; i < n; i++ {
			e := lane(&src, i, v.es)
			if signed {
				e = wsext(e, v.es)
			}
			setLane(&r, i, 2*v.es, f(x, e, 0))
		}
		c.R[v.d], c.R[v.d+1] = r[0], r[1]
		return translate.ExitNone
	}
}

// ARM ARM C4.1.91 "Advanced SIMD across lanes".
// byteVec describes a byte-wise vector helper for tier 2 (translate/vec.go).
func byteVec(k translate.VecKind, v vinst) translate.VecForm {
	f := translate.VecForm{Kind: k}
	if !v.q {
		f.Flags = translate.VecHalf
	}
	return f
}

func lowerVAcross(b *translate.Builder, d *inst) bool {
	v := vfields(d)
	u, opc, size := d.x>>29&1, field(d.x, 12, 5), field(d.x, 22, 2)
	if opc == 0x0c || opc == 0x0f {
		return lowerVAcrossFP(b, d, v, u, opc)
	}
	if size == 3 || (size == 2 && !v.q) {
		return false
	}
	w := wzext
	if u == 0 {
		w = wsext
	}
	switch u<<5 | opc {
	case 0x03, 0x23: // SADDLV, UADDLV
		f := translate.VecForm{}
		if u == 1 && v.es == 8 {
			f = byteVec(translate.VecAddlvB, v)
		}
		call(b, reduce(v, lAdd, w, 2*v.es, false), op{Dst: vlo(d.rd()), A: vlo(d.rn()), Vec: f})
		return true
	case 0x0a:
		return vcall(b, reduce(v, func(x *lctx, a, b uint64) uint64 { return uint64(max(int64(a), int64(b))) }, wsext, v.es, false))
	case 0x2a:
		return vcall(b, reduce(v, lUmax, wzext, v.es, false))
	case 0x1a:
		return vcall(b, reduce(v, func(x *lctx, a, b uint64) uint64 { return uint64(min(int64(a), int64(b))) }, wsext, v.es, false))
	case 0x3a:
		return vcall(b, reduce(v, lUmin, wzext, v.es, false))
	case 0x1b:
		return vcall(b, reduce(v, lAdd, wzext, v.es, false))
	}
	return false
}
