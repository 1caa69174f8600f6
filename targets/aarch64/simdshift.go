package aarch64

import (
	"math/bits"

	"github.com/gemu-project/gemu/translate"
)

// AdvSIMD shift by immediate, three different and by-element classes
// (ARM ARM C4.1.91), vector and scalar forms.

// shiftImmFields decodes immh:immb: the element size from the top set bit
// of immh, and the raw 7-bit value.
func shiftImmFields(x uint32) (es uint, raw uint) {
	immh := field(x, 19, 4)
	if immh == 0 {
		return 0, 0
	}
	return 8 << (bits.Len32(immh) - 1), uint(field(x, 16, 7))
}

// ARM ARM C4.1.91 "Advanced SIMD (scalar) shift by immediate".
func lowerShiftImm(b *translate.Builder, d *inst, scalar bool) bool {
	v := vfields(d)
	v.scalar = scalar
	es, raw := shiftImmFields(d.x)
	u, opc := d.x>>29&1, field(d.x, 11, 5)
	k := u<<5 | opc
	if es == 0 {
		return false
	}
	v.es = es
	right, left := 2*es-raw, raw-es
	switch {
	case opc >= 0x10 && opc <= 0x13: // narrowing right shifts
		if es == 64 || (scalar && k <= 0x11) {
			return false // no 128-bit source; SHRN/RSHRN have no scalar form
		}
		if k == 0x10 && !scalar {
			return vcall(b, shrnFast(v, right))
		}
		return vcall(b, narrowShift(v, k, right))
	case opc == 0x14:
		if scalar || es == 64 {
			return false
		}
		return vcall(b, widen(v, func(x *lctx, a, _ uint64) uint64 { return a << left }, u == 0))
	case opc == 0x1c || opc == 0x1f:
		return lowerFixedVec(b, v, k, right)
	case es == 64 && !v.q && !scalar:
		return false
	case scalar && es != 64 && opc != 0x0e && opc != 0x0c:
		return false // only the saturating left shifts have B/H/S scalar forms
	}
	mode := shSigned
	if u == 1 {
		mode = 0
	}
	switch opc {
	case 0x00, 0x02, 0x04, 0x06: // [SU][R]SHR, [SU][R]SRA
		if opc&4 != 0 {
			mode |= shRound
		}
		f := func(x *lctx, a, _ uint64) uint64 { return shiftRight(x, a, right, mode) }
		var acc laneFn
		if opc&2 != 0 {
			acc = lAdd
		}
		return vcall(b, elementwise(v, f, acc, false, 0))
	case 0x08: // SRI
		if u == 0 {
			return false
		}
		m := ushr(emask(es), right)
		return vcall(b, elementwise3(v, func(x *lctx, d, a, _ uint64) uint64 {
			return d&^m | ushr(a, right)
		}, false))
	case 0x0a: // SHL, SLI
		m := emask(es) << left
		if u == 0 {
			return vcall(b, unary(v, func(x *lctx, a, _ uint64) uint64 { return a << left }, false, 0))
		}
		return vcall(b, elementwise3(v, func(x *lctx, d, a, _ uint64) uint64 { return d&^m | a<<left }, false))
	case 0x0c: // SQSHLU
		if u == 0 {
			return false
		}
		return vcall(b, unary(v, func(x *lctx, a, _ uint64) uint64 {
			return shiftLeft(x, a, left, shSigned|shSat|shUnsignedResult)
		}, false, 0))
	case 0x0e: // SQSHL, UQSHL (immediate)
		return vcall(b, unary(v, func(x *lctx, a, _ uint64) uint64 { return shiftLeft(x, a, left, mode|shSat) }, false, 0))
	}
	return false
}

// narrowShift: SHRN, RSHRN, SQSHRN, SQRSHRN, UQSHRN, UQRSHRN, SQSHRUN,
// SQRSHRUN (k = U<<5 | opcode); v.es is the narrow element size.
func narrowShift(v vinst, k uint32, sh uint) translate.HelperFn {
	round := k&1 != 0
	var sat func(x *lctx, r uint64) uint64
	signed := true
	switch k &^ 1 {
	case 0x10: // SHRN, RSHRN: truncate
		sat = func(x *lctx, r uint64) uint64 { return r }
	case 0x12: // SQSHRN
		sat = func(x *lctx, r uint64) uint64 { return satS(x, int64(r)) }
	case 0x30: // SQSHRUN
		sat = func(x *lctx, r uint64) uint64 { return satU(x, int64(r)) }
	case 0x32: // UQSHRN
		signed = false
		sat = func(x *lctx, r uint64) uint64 {
			if r > emask(x.es) {
				x.sat = true
				return emask(x.es)
			}
			return r
		}
	}
	if k < 0x12 {
		signed = false
	}
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		x := newCtx(c, v.es, false, 0)
		es := v.es
		a, r := readV(c, v.n), readV(c, v.d)
		n := 64 / int(es)
		if v.scalar {
			n = 1
		}
		var half uint64
		for i := 0; i < n; i++ {
			wide := lane(&a, i, 2*es)
			mode := 0
			if signed {
				mode = shSigned
			}
			if round {
				mode |= shRound
			}
			y := shiftRight(&lctx{es: 2 * es}, wide, sh, mode)
			if signed && 2*es < 64 {
				y = uint64(sx(y, 2*es))
			}
			half |= sat(x, y) & emask(es) << (uint(i) * es)
		}
		switch {
		case v.q && !v.scalar:
			r[1] = half
		default:
			r = vec{half, 0}
		}
		c.R[v.d], c.R[v.d+1] = r[0], r[1]
		x.finish(c)
		return translate.ExitNone
	}
}

// lowerFixedVec: SCVTF/UCVTF (0x1c, 0x3c) and FCVTZS/FCVTZU (0x1f, 0x3f)
// with fbits on 32- or 64-bit elements.
func lowerFixedVec(b *translate.Builder, v vinst, k uint32, fbits uint) bool {
	if v.es < 32 || (v.es == 64 && !v.q && !v.scalar) {
		return false
	}
	signed := k < 0x20
	if k&31 == 0x1c {
		return vcall(b, unary(v, func(x *lctx, a, _ uint64) uint64 {
			if signed {
				a = wsext(a, x.es)
			}
			return intToFP(&x.e, a, signed, uint8(x.es/8), fbits)
		}, true, 0))
	}
	return vcall(b, unary(v, func(x *lctx, a, _ uint64) uint64 {
		return fpToInt(&x.e, a, uint8(x.es/8), rmode(&x.e, rndZ), signed, x.es, fbits)
	}, true, 0))
}

// shrnFast is SHRN: each 2*es element shifted right and truncated.
func shrnFast(v vinst, sh uint) translate.HelperFn {
	es := v.es
	n := 64 / es
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		a := vec{c.R[v.n], c.R[v.n+1]}
		var half uint64
		for i := uint(0); i < n; i++ {
			w := a[i*2*es/64] >> (i * 2 * es % 64)
			half |= w >> sh & emask(es) << (i * es)
		}
		if v.q {
			c.R[v.d+1] = half
		} else {
			c.R[v.d], c.R[v.d+1] = half, 0
		}
		return translate.ExitNone
	}
}
