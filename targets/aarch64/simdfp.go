package aarch64

import (
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/translate/fpu"
)

// AdvSIMD floating-point vector operations (ARM ARM C7.2): lanes of 32 or
// 64 bits through the same fpu routines as the scalar instructions.

// fpLane returns the lane function of a binary FP operation; the common
// ones call fpu directly instead of dispatching on the selector.
func fpLane(sel uint8) laneFn {
	switch sel {
	case fAdd:
		return func(x *lctx, a, b uint64) uint64 {
			if x.es == 64 {
				return fpu.Add64(&x.e, a, b)
			}
			return uint64(fpu.Add32(&x.e, uint32(a), uint32(b)))
		}
	case fSub:
		return func(x *lctx, a, b uint64) uint64 {
			if x.es == 64 {
				return fpu.Sub64(&x.e, a, b)
			}
			return uint64(fpu.Sub32(&x.e, uint32(a), uint32(b)))
		}
	case fMul:
		return func(x *lctx, a, b uint64) uint64 {
			if x.es == 64 {
				return fpu.Mul64(&x.e, a, b)
			}
			return uint64(fpu.Mul32(&x.e, uint32(a), uint32(b)))
		}
	}
	return func(x *lctx, a, b uint64) uint64 { return fpBinary(&x.e, sel, uint8(x.es/8), a, b) }
}

// Comparison lanes: quiet for equality, signalling otherwise (ARM ARM
// FPCompareEQ, FPCompareGE, FPCompareGT).
func fcmpLane(kind uint8, abs bool) laneFn {
	return func(x *lctx, a, b uint64) uint64 {
		if abs {
			a &^= 1 << (x.es - 1)
			b &^= 1 << (x.es - 1)
		}
		r := fpCompare(&x.e, uint8(x.es/8), a, b, kind != cmpEQ)
		switch kind {
		case cmpEQ:
			return bool2mask(r == fpu.Equal)
		case cmpGE:
			return bool2mask(r == fpu.Equal || r == fpu.Greater)
		}
		return bool2mask(r == fpu.Greater)
	}
}

const (
	cmpEQ uint8 = iota
	cmpGE
	cmpGT
)

// fcmpZeroLane compares with +0.0; swap makes it 0 OP a (FCMLE, FCMLT).
func fcmpZeroLane(kind uint8, swap bool) laneFn {
	f := fcmpLane(kind, false)
	return func(x *lctx, a, _ uint64) uint64 {
		if swap {
			return f(x, 0, a)
		}
		return f(x, a, 0)
	}
}

func fmlaLane(neg bool) func(x *lctx, d, a, b uint64) uint64 {
	return func(x *lctx, d, a, b uint64) uint64 {
		if neg {
			a ^= 1 << (x.es - 1)
		}
		return fpMulAdd(&x.e, uint8(x.es/8), a, b, d)
	}
}

// v3sameFP is indexed by U<<4 | a<<3 | (opcode - 0x18), a = size<1>;
// values are (kind, selector): kind 0 elementwise, 1 pairwise, 2 compare,
// 3 FMLA/FMLS (selector 1 = FMLS), 4 compare of absolute values.
type fpv struct {
	kind uint8
	sel  uint8
}

var v3sameFP = map[uint32]fpv{
	0x00: {0, fMaxNM}, 0x01: {3, 0}, 0x02: {0, fAdd}, 0x03: {0, fMulX}, 0x04: {2, cmpEQ}, 0x06: {0, fMax}, 0x07: {0, fRecps},
	0x08: {0, fMinNM}, 0x09: {3, 1}, 0x0a: {0, fSub}, 0x0e: {0, fMin}, 0x0f: {0, fRsqrts},
	0x10: {1, fMaxNM}, 0x12: {1, fAdd}, 0x13: {0, fMul}, 0x14: {2, cmpGE}, 0x15: {4, cmpGE}, 0x16: {1, fMax}, 0x17: {0, fDiv},
	0x18: {1, fMinNM}, 0x1a: {0, fAbd}, 0x1c: {2, cmpGT}, 0x1d: {4, cmpGT}, 0x1e: {1, fMin},
}

// lowerV3SameFP: k = U<<5 | opcode (opcode >= 0x18); size<1> is "a".
func lowerV3SameFP(b *translate.Builder, d *inst, v vinst, k uint32) bool {
	sz, a := field(d.x, 22, 1), field(d.x, 23, 1)
	if sz == 1 && !v.q && !v.scalar {
		return false
	}
	o, ok := v3sameFP[k>>5<<4|a<<3|(k&31-0x18)]
	if !ok {
		return false
	}
	v.es = 32 << sz
	switch o.kind {
	case 0:
		return vcall(b, elementwise(v, fpLane(o.sel), nil, true, 0))
	case 1:
		return vcall(b, pairwise(v, fpLane(o.sel), true))
	case 2, 4:
		return vcall(b, elementwise(v, fcmpLane(o.sel, o.kind == 4), nil, true, 0))
	}
	return vcall(b, elementwise3(v, fmlaLane(o.sel == 1), true))
}

// lowerV2MiscFP handles the FP two-register miscellaneous encodings;
// k = U<<5 | opcode.
func lowerV2MiscFP(b *translate.Builder, d *inst, v vinst, k uint32) bool {
	sz, a := field(d.x, 22, 1), field(d.x, 23, 1)
	switch {
	case k&31 == 0x16 || k == 0x17:
		return lowerFCvtNL(b, d, v, k, sz, a)
	case sz == 1 && !v.q && !v.scalar:
		return false
	}
	v.es = 32 << sz
	key := k>>5<<6 | a<<5 | k&31
	switch key {
	case 0x2c:
		return vcall(b, elementwise(v, fcmpZeroLane(cmpGT, false), nil, true, 0))
	case 0x2d:
		return vcall(b, elementwise(v, fcmpZeroLane(cmpEQ, false), nil, true, 0))
	case 0x2e:
		return vcall(b, elementwise(v, fcmpZeroLane(cmpGT, true), nil, true, 0))
	case 0x6c:
		return vcall(b, elementwise(v, fcmpZeroLane(cmpGE, false), nil, true, 0))
	case 0x6d:
		return vcall(b, elementwise(v, fcmpZeroLane(cmpGE, true), nil, true, 0))
	case 0x2f, 0x6f: // FABS, FNEG: sign-bit operations on both halves
		signs := int64(-1<<63 | 1<<31)
		if v.es == 64 {
			signs = -1 << 63
		}
		c, imm := translate.OpXorI, signs
		if key == 0x2f {
			c, imm = translate.OpAndI, ^signs
		}
		emit(b, c, v.d, v.n, 0, imm)
		if v.q {
			emit(b, c, v.d+1, v.n+1, 0, imm)
		} else {
			movI(b, v.d+1, 0)
		}
		return true
	case 0x7f:
		return vcall(b, unary(v, fpUnaryLane(fSqrt, 0), true, 0))
	case 0x3f: // FRECPX (scalar only)
		if !v.scalar {
			return false
		}
		return vcall(b, unary(v, fpUnaryLane(fRecpx, 0), true, 0))
	case 0x3c, 0x7c: // URECPE, URSQRTE (32-bit vectors only)
		if sz != 0 || v.scalar {
			return false
		}
		return vcall(b, unary(v, uEstimateLane(key == 0x7c), false, 0))
	case 0x3d:
		return vcall(b, unary(v, fpUnaryLane(fRecpe, 0), true, 0))
	case 0x7d:
		return vcall(b, unary(v, fpUnaryLane(fRsqrte, 0), true, 0))
	}
	return lowerVRoundCvt(b, v, key)
}

// lowerVRoundCvt: FRINT*, FCVT{N,M,A,P,Z}{S,U}, SCVTF, UCVTF vectors.
func lowerVRoundCvt(b *translate.Builder, v vinst, key uint32) bool {
	frint := map[uint32]int64{0x18: int64(rndN), 0x19: int64(rndM), 0x38: int64(rndP), 0x39: int64(rndZ),
		0x58: int64(rndA), 0x59: int64(rndFPCR) | 1<<8, 0x79: int64(rndFPCR)}
	if imm, ok := frint[key]; ok {
		return vcall(b, unary(v, fpUnaryLane(fRint, imm), true, 0))
	}
	cvt := map[uint32]uint8{0x1a: rndN, 0x1b: rndM, 0x1c: rndA, 0x3a: rndP, 0x3b: rndZ,
		0x5a: rndN, 0x5b: rndM, 0x5c: rndA, 0x7a: rndP, 0x7b: rndZ}
	if rm, ok := cvt[key]; ok {
		signed := key < 0x40
		return vcall(b, unary(v, func(x *lctx, a, _ uint64) uint64 {
			return fpToInt(&x.e, a, uint8(x.es/8), rmode(&x.e, rm), signed, x.es, 0)
		}, true, 0))
	}
	if key == 0x1d || key == 0x5d { // SCVTF, UCVTF
		signed := key == 0x1d
		return vcall(b, unary(v, func(x *lctx, a, _ uint64) uint64 {
			if signed {
				a = wsext(a, x.es)
			}
			return intToFP(&x.e, a, signed, uint8(x.es/8), 0)
		}, true, 0))
	}
	return false
}

func fpUnaryLane(sel uint8, imm int64) laneFn {
	return func(x *lctx, a, _ uint64) uint64 { return fpUnary(&x.e, sel, uint8(x.es/8), a, imm) }
}

// lowerFCvtNL: FCVTN/FCVTN2 (0x16), FCVTXN/FCVTXN2 (0x36), FCVTL/FCVTL2
// (0x17). sz selects single<->double (1) or half<->single (0).
func lowerFCvtNL(b *translate.Builder, d *inst, v vinst, k, sz, a uint32) bool {
	if a != 0 || (k == 0x36 && sz == 0) {
		return false
	}
	from, to := uint8(4), uint8(2)
	if sz == 1 {
		from, to = 8, 4
	}
	if v.scalar && k != 0x36 {
		return false
	}
	if k == 0x17 { // widen
		v.es = uint(to) * 8
		return vcall(b, widenFP(v, to, from))
	}
	v.es = uint(to) * 8
	odd := k == 0x36
	return vcall(b, narrowFP(v, from, to, odd))
}

func narrowFP(v vinst, from, to uint8, odd bool) translate.HelperFn {
	n := 64 / int(v.es)
	if v.scalar {
		n = 1
	}
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		var e fpu.Env
		fpEnv(&e, c)
		a, r := readV(c, v.n), readV(c, v.d)
		var half uint64
		for i := 0; i < n; i++ {
			x := lane(&a, i, 2*v.es)
			var y uint64
			if odd { // round to odd: truncate, then set the lsb if inexact
				t := e
				t.RM, t.Flags = fpu.RTZ, 0
				y = fpConvert(&t, x, from, to)
				if t.Flags&fpu.NX != 0 && !fpu.IsNaN32(uint32(y)) {
					y |= 1
				}
				e.Flags |= t.Flags
				e.InputDenormal = e.InputDenormal || t.InputDenormal
			} else {
				y = fpConvert(&e, x, from, to)
			}
			half |= y & emask(v.es) << (uint(i) * v.es)
		}
		if v.q && !v.scalar {
			r[1] = half
		} else {
			r = vec{half, 0}
		}
		c.R[v.d], c.R[v.d+1] = r[0], r[1]
		fpDone(c, &e)
		return translate.ExitNone
	}
}

func widenFP(v vinst, from, to uint8) translate.HelperFn {
	n := 64 / int(v.es)
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		var e fpu.Env
		fpEnv(&e, c)
		a := readV(c, v.n)
		src := vec{a[0]}
		if v.q {
			src[0] = a[1]
		}
		var r vec
		for i := 0; i < n; i++ {
			setLane(&r, i, 2*v.es, fpConvert(&e, lane(&src, i, v.es), from, to))
		}
		c.R[v.d], c.R[v.d+1] = r[0], r[1]
		fpDone(c, &e)
		return translate.ExitNone
	}
}

// lowerVAcrossFP: FMAXNMV, FMINNMV (0x0c), FMAXV, FMINV (0x0f); 4S only.
func lowerVAcrossFP(b *translate.Builder, d *inst, v vinst, u, opc uint32) bool {
	sz, a := field(d.x, 22, 1), field(d.x, 23, 1)
	if u != 1 || sz != 0 || !v.q {
		return false
	}
	v.es = 32
	sel := map[uint32]uint8{0x0c: fMaxNM, 0x2c: fMinNM, 0x0f: fMax, 0x2f: fMin}[a<<5|opc]
	return vcall(b, reduce(v, fpLane(sel), nil, 32, true))
}
