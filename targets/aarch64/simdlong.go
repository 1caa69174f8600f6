package aarch64

import "github.com/gemu-project/gemu/translate"

// AdvSIMD three different (widening/narrowing) and by-element classes
// (ARM ARM C4.1.91).

// longFn computes one wide result from the wide accumulator/first operand
// d, and the (extended) operands a and b; x.es is the wide size.
type longFn func(x *lctx, d, a, b uint64) uint64

// sqdmull is the saturating doubled product (x.es is the wide size).
func sqdmull(x *lctx, a, b uint64) uint64 {
	p := int64(a) * int64(b)
	half := x.es / 2
	if p == int64(1)<<(2*half-2) { // MIN * MIN
		x.sat = true
		return sMax(x.es)
	}
	return uint64(2 * p)
}

func absDiff(a, b uint64) uint64 {
	if int64(a) > int64(b) {
		return a - b
	}
	return b - a
}

// v3diff is indexed by U<<4 | opcode; wide = Vn holds wide elements (W
// forms); hn = narrow the high half (ADDHN …); sizes as in vop.
type diffOp struct {
	f           longFn
	wide, hn    bool
	sizes       uint8
	noUnsigned  bool
	satWidening bool
}

var v3diff = map[uint32]diffOp{
	0x0: {f: func(x *lctx, d, a, b uint64) uint64 { return a + b }, sizes: sz012},
	0x1: {f: func(x *lctx, d, a, b uint64) uint64 { return a + b }, wide: true, sizes: sz012},
	0x2: {f: func(x *lctx, d, a, b uint64) uint64 { return a - b }, sizes: sz012},
	0x3: {f: func(x *lctx, d, a, b uint64) uint64 { return a - b }, wide: true, sizes: sz012},
	0x4: {f: func(x *lctx, d, a, b uint64) uint64 { return a + b }, wide: true, hn: true, sizes: sz012},
	0x5: {f: func(x *lctx, d, a, b uint64) uint64 { return d + absDiff(a, b) }, sizes: sz012},
	0x6: {f: func(x *lctx, d, a, b uint64) uint64 { return a - b }, wide: true, hn: true, sizes: sz012},
	0x7: {f: func(x *lctx, d, a, b uint64) uint64 { return absDiff(a, b) }, sizes: sz012},
	0x8: {f: func(x *lctx, d, a, b uint64) uint64 { return d + a*b }, sizes: sz012},
	0x9: {f: func(x *lctx, d, a, b uint64) uint64 { return lSqadd(x, d, sqdmull(x, a, b)) }, sizes: sz12, noUnsigned: true},
	0xa: {f: func(x *lctx, d, a, b uint64) uint64 { return d - a*b }, sizes: sz012},
	0xb: {f: func(x *lctx, d, a, b uint64) uint64 { return lSqsub(x, d, sqdmull(x, a, b)) }, sizes: sz12, noUnsigned: true},
	0xc: {f: func(x *lctx, d, a, b uint64) uint64 { return a * b }, sizes: sz012},
	0xd: {f: func(x *lctx, d, a, b uint64) uint64 { return sqdmull(x, a, b) }, sizes: sz12, noUnsigned: true},
	0xe: {f: func(x *lctx, d, a, b uint64) uint64 { return pmull8(a, b) }, sizes: sz0, noUnsigned: true},
}

func pmull8(a, b uint64) uint64 {
	var r uint64
	for i := uint(0); i < 8; i++ {
		if b>>i&1 != 0 {
			r ^= (a & 0xff) << i
		}
	}
	return r
}

// ARM ARM C4.1.91 "Advanced SIMD (scalar) three different".
func lowerV3Diff(b *translate.Builder, d *inst, scalar bool) bool {
	v := vfields(d)
	v.scalar = scalar
	u, opc, size := d.x>>29&1, field(d.x, 12, 4), field(d.x, 22, 2)
	o, ok := v3diff[opc]
	if !ok || o.sizes>>size&1 == 0 || (u == 1 && o.noUnsigned) || (scalar && opc != 9 && opc != 0xb && opc != 0xd) {
		return false
	}
	if f := longFast(v, opc, u == 0); f != nil {
		call(b, f, op{Dst: v.d, A: v.n, B: v.m, Vec: longVecForm(v, opc, u == 0)})
		return true
	}
	return vcall(b, longOp(v, o, u == 0, u == 1 && o.hn))
}

// longVecKinds are the widening ops tier 2 computes inline (vec.go).
var longVecKinds = map[uint32]translate.VecKind{0x0: translate.VecAddLong, 0x2: translate.VecSubLong,
	0x8: translate.VecMlaLong, 0xa: translate.VecMlsLong, 0xc: translate.VecMulLong}

// longVecForm describes a widening op for tier 2 (VecNone: the helper).
func longVecForm(v vinst, opc uint32, signed bool) translate.VecForm {
	f := translate.VecForm{Kind: longVecKinds[opc]}
	switch v.es {
	case 8:
		f.Flags = translate.VecES8
	case 16:
		f.Flags = translate.VecES16
	case 32:
		f.Flags = translate.VecES32
	default:
		return translate.VecForm{}
	}
	if signed {
		f.Flags |= translate.VecSigned
	}
	if v.q {
		f.Flags |= translate.VecHigh
	}
	return f
}

// longFast is the vector form of the plain widening operations (xADDL,
// xADDW, xSUBL, xSUBW, xABAL, xABDL, xMLAL, xMLSL, xMULL; the most used,
// e.g. by gcc's vectorised multiply-accumulate loops) without the generic
// lane context: nil for the others.
func longFast(v vinst, opc uint32, signed bool) translate.HelperFn {
	switch opc {
	case 0x0, 0x1, 0x2, 0x3, 0x5, 0x7, 0x8, 0xa, 0xc:
	default:
		return nil
	}
	es := v.es
	n, we := 64/es, 2*es
	mask, wmask := emask(es), emask(we)
	wide := opc == 0x1 || opc == 0x3
	sh0 := 64 - es // sign extension: x<<sh0 then arithmetic >>sh0
	hi := uint8(0)
	if v.q {
		hi = 1
	}
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		nw := [2]uint64{c.R[v.n], c.R[v.n+1]}
		dw := [2]uint64{c.R[v.d], c.R[v.d+1]}
		nh, mh := c.R[v.n+hi], c.R[v.m+hi]
		var r [2]uint64
		for i := uint(0); i < n; i++ {
			b, a := mh>>(i*es)&mask, nh>>(i*es)&mask
			if signed {
				b, a = uint64(int64(b<<sh0)>>sh0), uint64(int64(a<<sh0)>>sh0)
			}
			w, sh := i*we/64, i*we%64
			if wide {
				a = nw[w] >> sh & wmask
			}
			d := dw[w] >> sh & wmask
			var y uint64
			switch opc {
			case 0x0, 0x1:
				y = a + b
			case 0x2, 0x3:
				y = a - b
			case 0x5:
				y = d + absDiff(a, b)
			case 0x7:
				y = absDiff(a, b)
			case 0x8:
				y = d + a*b
			case 0xa:
				y = d - a*b
			default:
				y = a * b
			}
			r[w] |= y & wmask << sh
		}
		c.R[v.d], c.R[v.d+1] = r[0], r[1]
		return translate.ExitNone
	}
}

// longOp runs a three-different operation: elements of the lower (Q = 0)
// or upper (Q = 1) halves of Vn/Vm are extended to 2*es.
func longOp(v vinst, o diffOp, signed, round bool) translate.HelperFn {
	es := v.es
	n := 64 / int(es)
	if v.scalar {
		n = 1
	}
	ext := wzext
	if signed {
		ext = wsext
	}
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		x := newCtx(c, 2*es, false, 0)
		an, bm, dd := readV(c, v.n), readV(c, v.m), readV(c, v.d)
		nh, mh := vec{an[0]}, vec{bm[0]}
		if v.q && !v.scalar {
			nh[0], mh[0] = an[1], bm[1]
		}
		var r vec
		var half uint64
		for i := 0; i < n; i++ {
			var a uint64
			if o.wide {
				a = ext(lane(&an, i, 2*es), 2*es)
			} else {
				a = ext(lane(&nh, i, es), es)
			}
			bv := ext(v.second(&mh, i, es), es)
			switch {
			case v.byElem:
				bv = ext(lane(&bm, v.idx, es), es)
			case o.hn:
				bv = lane(&bm, i, 2*es)
			}
			y := o.f(x, lane(&dd, i, 2*es), a, bv)
			if o.hn {
				h := y >> es
				if round {
					h = (y + 1<<(es-1)) >> es
				}
				half |= h & emask(es) << (uint(i) * es)
				continue
			}
			setLane(&r, i, 2*es, y)
		}
		if o.hn {
			r = vec{half, 0}
			if v.q {
				r = vec{dd[0], half}
			}
		}
		c.R[v.d], c.R[v.d+1] = r[0], r[1]
		x.finish(c)
		return translate.ExitNone
	}
}

// ARM ARM C4.1.91 "Advanced SIMD (scalar) x indexed element".
func lowerVElem(b *translate.Builder, d *inst, scalar bool) bool {
	v := vfields(d)
	v.scalar, v.byElem = scalar, true
	u, opc, size := d.x>>29&1, field(d.x, 12, 4), field(d.x, 22, 2)
	h, l, m := field(d.x, 11, 1), field(d.x, 21, 1), field(d.x, 20, 1)
	k := u<<4 | opc
	if size >= 2 && (k == 0x1 || k == 0x5 || k == 0x9 || k == 0x19) { // FP
		sz := size & 1
		if sz == 1 && (l == 1 || (!v.q && !scalar)) {
			return false
		}
		v.es, v.m = 32<<sz, vlo(m<<4|d.rm()&15)
		v.idx = int(h<<1 | l)
		if sz == 1 {
			v.idx = int(h)
		}
		switch k {
		case 0x1, 0x5:
			return vcall(b, elementwise3(v, fmlaLane(k == 0x5), true))
		case 0x9:
			return vcall(b, elementwise(v, fpLane(fMul), nil, true, 0))
		}
		return vcall(b, elementwise(v, fpLane(fMulX), nil, true, 0))
	}
	switch size {
	case 1:
		v.idx, v.m = int(h<<2|l<<1|m), vlo(d.rm()&15)
	case 2:
		v.idx, v.m = int(h<<1|l), vlo(m<<4|d.rm()&15)
	default:
		return false
	}
	if scalar && k != 0x3 && k != 0x7 && k != 0xb && k != 0xc && k != 0xd && k != 0x1d && k != 0x1f {
		return false
	}
	switch k {
	case 0x10, 0x14, 0x8: // MLA, MLS, MUL
		acc := map[uint32]laneFn{0x10: lAdd, 0x14: lSub}[k]
		return vcall(b, elementwise(v, lMul, acc, false, 0))
	case 0xc:
		return vcall(b, elementwise(v, lSqdmulh, nil, false, 0))
	case 0xd:
		return vcall(b, elementwise(v, lSqrdmulh, nil, false, 0))
	case 0x1d, 0x1f: // SQRDMLAH, SQRDMLSH (FEAT_RDM)
		if !d.model().has(featRDM) {
			return false
		}
		return vcall(b, elementwise3(v, sqrdmlah(k == 0x1f), false))
	case 0xe, 0x1e: // SDOT, UDOT (FEAT_DotProd)
		if !d.model().has(featDot) || size != 2 || scalar {
			return false
		}
		return vcall(b, dotProduct(v, k == 0xe))
	}
	long := map[uint32]uint32{0x2: 0x8, 0x12: 0x8, 0x6: 0xa, 0x16: 0xa, 0xa: 0xc, 0x1a: 0xc, 0x3: 0x9, 0x7: 0xb, 0xb: 0xd}
	if op, ok := long[k]; ok {
		return vcall(b, longOp(v, v3diff[op], u == 0, false))
	}
	return false
}

// sqrdmlah is SQRDMLAH/SQRDMLSH: d = sat((d << es ± 2ab + 2^(es-1)) >> es),
// computed at half scale so 32-bit elements fit in an int64.
func sqrdmlah(sub bool) func(x *lctx, d, a, b uint64) uint64 {
	return func(x *lctx, d, a, b uint64) uint64 {
		es := x.es
		p := sx(a, es) * sx(b, es)
		if sub {
			p = -p
		}
		v := sx(d, es)<<(es-1) + p + int64(1)<<(es-2)
		return satS(x, v>>(es-1))
	}
}

// dotProduct is SDOT/UDOT: each 32-bit lane of Vd accumulates the sum of
// four byte products (by element: the same 4-byte group of Vm).
func dotProduct(v vinst, signed bool) translate.HelperFn {
	n := nlanes(32, v.q)
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		a, bm, d := readV(c, v.n), readV(c, v.m), readV(c, v.d)
		var r vec
		for i := 0; i < n; i++ {
			g := i
			if v.byElem {
				g = v.idx
			}
			s := lane(&d, i, 32)
			for j := 0; j < 4; j++ {
				x, y := lane(&a, 4*i+j, 8), lane(&bm, 4*g+j, 8)
				if signed {
					s += uint64(sx(x, 8) * sx(y, 8))
				} else {
					s += x * y
				}
			}
			setLane(&r, i, 32, s)
		}
		writeV(c, v.d, r, v.q)
		return translate.ExitNone
	}
}

// ARM ARM C4.1.91 "Advanced SIMD (scalar) three same extra": SQRDMLAH,
// SQRDMLSH (FEAT_RDM), SDOT, UDOT (FEAT_DotProd).
func lowerV3Extra(b *translate.Builder, d *inst, scalar bool) bool {
	v := vfields(d)
	v.scalar = scalar
	u, opc, size := d.x>>29&1, field(d.x, 11, 4), field(d.x, 22, 2)
	switch {
	case u == 1 && opc <= 1 && (size == 1 || size == 2) && d.model().has(featRDM):
		if size == 3 && !v.q {
			return false
		}
		return vcall(b, elementwise3(v, sqrdmlah(opc == 1), false))
	case opc == 2 && size == 2 && !scalar && d.model().has(featDot):
		return vcall(b, dotProduct(v, u == 0))
	}
	return false
}
