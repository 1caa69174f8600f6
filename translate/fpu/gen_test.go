package fpu

import (
	"math/rand/v2"
)

// Operand generators biased toward edge cases, and a table of every
// public operation behind one signature, shared by the tests.

func field(f *format, x uint64) uint64 { return x >> f.frac & f.expMax }

func withField(f *format, x, fld uint64) uint64 {
	return x&^(f.expMax<<f.frac) | fld<<f.frac
}

// genBits returns a random encoding of f, mostly finite, biased toward
// zeros, subnormals, the normal-range edges, NaNs and short significands.
func genBits(r *rand.Rand, f *format) uint64 {
	sign := uint64(r.IntN(2)) * f.sign
	frac := r.Uint64() & f.fracMask
	if r.IntN(2) == 0 { // short significand: exact results and ties
		frac &^= 1<<uint(r.IntN(int(f.frac)+1)) - 1
	}
	var fld uint64
	switch r.IntN(14) {
	case 0:
		switch r.IntN(7) {
		case 0:
			return sign
		case 1:
			return sign | f.inf
		case 2:
			return f.defNaN()
		case 3:
			return sign | f.inf | f.quiet | frac
		case 4:
			return sign | f.inf | (frac&^f.quiet | 1<<uint(r.IntN(int(f.frac-1))))
		case 5:
			return sign | f.maxFin
		default:
			return sign | 1
		}
	case 1: // subnormal
		frac = r.Uint64() & f.fracMask >> uint(r.IntN(int(f.frac)))
		return sign | frac | 1
	case 2:
		fld = 1 + uint64(r.IntN(3))
	case 3:
		fld = f.expMax - 1 - uint64(r.IntN(3))
	case 4:
		frac = []uint64{0, 1, f.fracMask, f.fracMask - 1, f.quiet, f.quiet - 1}[r.IntN(6)]
		fld = 1 + r.Uint64N(f.expMax-1)
	case 5:
		fld = uint64(f.bias) + r.Uint64N(5) - 2
	case 6: // fast-path exponent thresholds
		fld = []uint64{loErr64, loErr64 + 1, loErr64 - 1, 567, 568, 59, 58, 2023, 2024, 1523, 1524}[r.IntN(11)] & f.expMax
		if fld == 0 || fld == f.expMax {
			fld = 1
		}
	default:
		fld = 1 + r.Uint64N(f.expMax-1)
	}
	return sign | fld<<f.frac | frac
}

// sameClass reports whether b is a finite encoding of f with a's sign.
func sameClass(f *format, a, b uint64) bool {
	return b < f.sign<<1 && b&f.sign == a&f.sign && !f.isNaN(b) && !f.isInf(b)
}

// genPair returns operands biased toward cancellation and results near
// the underflow and overflow thresholds.
func genPair(r *rand.Rand, f *format) (uint64, uint64) {
	a := genBits(r, f)
	if f.isNaN(a) || f.isInf(a) || f.isZero(a) {
		return a, genBits(r, f)
	}
	switch r.IntN(6) {
	case 0: // near-equal magnitude, mostly opposite sign
		b := a + uint64(r.IntN(7)) - 3
		if !sameClass(f, a, b) {
			b = a
		}
		if r.IntN(4) != 0 {
			b ^= f.sign
		}
		return a, b
	case 1: // same exponent
		b := a&^f.fracMask | r.Uint64()&f.fracMask
		return a, b ^ uint64(r.IntN(2))*f.sign
	case 2: // product or quotient near a range edge
		b := genBits(r, f)
		if f.isNaN(b) || f.isInf(b) || f.isZero(b) {
			return a, b
		}
		ea := int(field(f, a))
		targets := []int{1, 2, 0, -int(f.frac), int(f.expMax) - 1, int(f.expMax)}
		t := targets[r.IntN(len(targets))] + r.IntN(3) - 1
		fb := t + f.bias - ea // for a*b
		if r.IntN(2) == 0 {
			fb = ea - t + f.bias // for a/b
		}
		if fb < 1 {
			fb = 1
		}
		if fb > int(f.expMax)-1 {
			fb = int(f.expMax) - 1
		}
		return a, withField(f, b, uint64(fb))
	}
	return a, genBits(r, f)
}

// genTriple returns FMA operands; c often nearly cancels a*b.
func genTriple(r *rand.Rand, f *format) (uint64, uint64, uint64) {
	a, b := genPair(r, f)
	if r.IntN(3) != 0 {
		return a, b, genBits(r, f)
	}
	var e Env
	p := e.mul(f, a, b)
	if f.isNaN(p) {
		return a, b, genBits(r, f)
	}
	c := p ^ f.sign
	d := c
	switch r.IntN(4) {
	case 0:
		d += uint64(r.IntN(5)) - 2
	case 1:
		d = withField(f, c, (field(f, c)+uint64(r.IntN(5))-2)&f.expMax)
	}
	if sameClass(f, c, d) {
		c = d
	}
	return a, b, c
}

// genInt returns integer bit patterns near interesting magnitudes.
func genInt(r *rand.Rand) uint64 {
	switch r.IntN(6) {
	case 0:
		return uint64(r.IntN(41)) - 20
	case 1:
		v := uint64(1)<<uint(r.IntN(64)) + uint64(r.IntN(5)) - 2
		if r.IntN(2) == 0 {
			v = -v
		}
		return v
	case 2:
		return []uint64{1 << 63, 1<<63 - 1, ^uint64(0), 1 << 53, 1<<53 + 1, 1<<24 + 1, 1<<31 - 1, 1 << 31, 1<<32 - 1, 1 << 32}[r.IntN(10)]
	case 3:
		return r.Uint64() >> uint(r.IntN(64)) << uint(r.IntN(20))
	}
	return r.Uint64()
}

// An op is one public operation over uint64-carried operands.
type op struct {
	name string
	in   *format // operand format; nil for integer operands
	n    int     // operand count
	fn   func(e *Env, a, b, c uint64) uint64
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

var allOps = []op{
	{"Add64", &f64, 2, func(e *Env, a, b, c uint64) uint64 { return Add64(e, a, b) }},
	{"Sub64", &f64, 2, func(e *Env, a, b, c uint64) uint64 { return Sub64(e, a, b) }},
	{"Mul64", &f64, 2, func(e *Env, a, b, c uint64) uint64 { return Mul64(e, a, b) }},
	{"Div64", &f64, 2, func(e *Env, a, b, c uint64) uint64 { return Div64(e, a, b) }},
	{"Sqrt64", &f64, 1, func(e *Env, a, b, c uint64) uint64 { return Sqrt64(e, a) }},
	{"MulAdd64", &f64, 3, func(e *Env, a, b, c uint64) uint64 { return MulAdd64(e, a, b, c) }},
	{"Add32", &f32, 2, func(e *Env, a, b, c uint64) uint64 { return uint64(Add32(e, uint32(a), uint32(b))) }},
	{"Sub32", &f32, 2, func(e *Env, a, b, c uint64) uint64 { return uint64(Sub32(e, uint32(a), uint32(b))) }},
	{"Mul32", &f32, 2, func(e *Env, a, b, c uint64) uint64 { return uint64(Mul32(e, uint32(a), uint32(b))) }},
	{"Div32", &f32, 2, func(e *Env, a, b, c uint64) uint64 { return uint64(Div32(e, uint32(a), uint32(b))) }},
	{"Sqrt32", &f32, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(Sqrt32(e, uint32(a))) }},
	{"MulAdd32", &f32, 3, func(e *Env, a, b, c uint64) uint64 {
		return uint64(MulAdd32(e, uint32(a), uint32(b), uint32(c)))
	}},
	{"Min64", &f64, 2, func(e *Env, a, b, c uint64) uint64 { return Min64(e, a, b) }},
	{"Max64", &f64, 2, func(e *Env, a, b, c uint64) uint64 { return Max64(e, a, b) }},
	{"MinArm64", &f64, 2, func(e *Env, a, b, c uint64) uint64 { return MinArm64(e, a, b) }},
	{"MaxNumArm64", &f64, 2, func(e *Env, a, b, c uint64) uint64 { return MaxNumArm64(e, a, b) }},
	{"Min32", &f32, 2, func(e *Env, a, b, c uint64) uint64 { return uint64(Min32(e, uint32(a), uint32(b))) }},
	{"MaxArm32", &f32, 2, func(e *Env, a, b, c uint64) uint64 { return uint64(MaxArm32(e, uint32(a), uint32(b))) }},
	{"MinNumArm32", &f32, 2, func(e *Env, a, b, c uint64) uint64 {
		return uint64(MinNumArm32(e, uint32(a), uint32(b)))
	}},
	{"Compare64", &f64, 2, func(e *Env, a, b, c uint64) uint64 { return uint64(Compare64(e, a, b, c&1 != 0)) }},
	{"Compare32", &f32, 2, func(e *Env, a, b, c uint64) uint64 {
		return uint64(Compare32(e, uint32(a), uint32(b), c&1 != 0))
	}},
	{"Le64", &f64, 2, func(e *Env, a, b, c uint64) uint64 { return b2u(Le64(e, a, b)) }},
	{"Eq32", &f32, 2, func(e *Env, a, b, c uint64) uint64 { return b2u(Eq32(e, uint32(a), uint32(b))) }},
	{"Class64", &f64, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(Class64(a)) }},
	{"Class32", &f32, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(Class32(uint32(a))) }},
	{"F64ToI64", &f64, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(F64ToI64(e, a, e.RM)) }},
	{"F64ToU64", &f64, 1, func(e *Env, a, b, c uint64) uint64 { return F64ToU64(e, a, e.RM) }},
	{"F64ToI32", &f64, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(F64ToI32(e, a, e.RM)) }},
	{"F64ToU32", &f64, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(F64ToU32(e, a, e.RM)) }},
	{"F32ToI64", &f32, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(F32ToI64(e, uint32(a), e.RM)) }},
	{"F32ToU64", &f32, 1, func(e *Env, a, b, c uint64) uint64 { return F32ToU64(e, uint32(a), e.RM) }},
	{"F32ToI32", &f32, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(F32ToI32(e, uint32(a), e.RM)) }},
	{"F32ToU32", &f32, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(F32ToU32(e, uint32(a), e.RM)) }},
	{"I64ToF64", nil, 1, func(e *Env, a, b, c uint64) uint64 { return I64ToF64(e, int64(a), e.RM) }},
	{"U64ToF64", nil, 1, func(e *Env, a, b, c uint64) uint64 { return U64ToF64(e, a, e.RM) }},
	{"I32ToF64", nil, 1, func(e *Env, a, b, c uint64) uint64 { return I32ToF64(e, int32(a), e.RM) }},
	{"U32ToF64", nil, 1, func(e *Env, a, b, c uint64) uint64 { return U32ToF64(e, uint32(a), e.RM) }},
	{"I64ToF32", nil, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(I64ToF32(e, int64(a), e.RM)) }},
	{"U64ToF32", nil, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(U64ToF32(e, a, e.RM)) }},
	{"I32ToF32", nil, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(I32ToF32(e, int32(a), e.RM)) }},
	{"U32ToF32", nil, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(U32ToF32(e, uint32(a), e.RM)) }},
	{"F32ToF64", &f32, 1, func(e *Env, a, b, c uint64) uint64 { return F32ToF64(e, uint32(a)) }},
	{"F64ToF32", &f64, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(F64ToF32(e, a)) }},
	{"F16ToF32", &f16, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(F16ToF32(e, uint16(a))) }},
	{"F32ToF16", &f32, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(F32ToF16(e, uint32(a))) }},
	{"F16ToF64", &f16, 1, func(e *Env, a, b, c uint64) uint64 { return F16ToF64(e, uint16(a)) }},
	{"F64ToF16", &f64, 1, func(e *Env, a, b, c uint64) uint64 { return uint64(F64ToF16(e, a)) }},
	{"RoundToIntegral64", &f64, 1, func(e *Env, a, b, c uint64) uint64 {
		return RoundToIntegral64(e, a, e.RM, c&1 != 0)
	}},
	{"RoundToIntegral32", &f32, 1, func(e *Env, a, b, c uint64) uint64 {
		return uint64(RoundToIntegral32(e, uint32(a), e.RM, c&1 != 0))
	}},
}

// genArgs returns operands suited to o.
func genArgs(r *rand.Rand, o *op) (uint64, uint64, uint64) {
	switch {
	case o.in == nil:
		return genInt(r), 0, 0
	case o.n == 3:
		return genTriple(r, o.in)
	}
	a, b := genPair(r, o.in)
	return a, b, r.Uint64()
}

// envFrom decodes a random environment configuration.
func envFrom(rm RoundingMode, cfg uint8) Env {
	return Env{
		RM:                     rm,
		NaN:                    NaNMode(cfg & 1),
		DefaultNaN:             cfg&2 != 0,
		FlushToZero:            cfg&4 != 0,
		TininessBeforeRounding: cfg&8 != 0,
	}
}
