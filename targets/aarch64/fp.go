package aarch64

import (
	"math"

	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/translate/fpu"
)

// Floating-point semantics on raw bits through translate/fpu, shared by
// the scalar and vector helpers (ARM ARM shared/functions/float).

// armRM maps FPCR.RMode (RN, RP, RM, RZ) to fpu rounding modes.
var armRM = [4]fpu.RoundingMode{fpu.RNE, fpu.RUP, fpu.RDN, fpu.RTZ}

// fpEnv sets e to the environment FPCR selects: Arm NaN propagation, DN,
// FZ, tininess detected before rounding (FPCR.AH = 0). It fills e in place:
// building a struct and copying it costs a store-forwarding stall.
func fpEnv(e *fpu.Env, c *translate.CPU) {
	fpcr := c.R[RegFPCR]
	e.RM = armRM[fpcr>>22&3]
	e.NaN = fpu.PropagateNaN
	e.DefaultNaN = fpcr&fpcrDN != 0
	e.FlushToZero = fpcr&fpcrFZ != 0
	e.TininessBeforeRounding = true
	e.Flags = 0
	e.InputDenormal = false
}

// fpsrBits maps fpu.Flags (NX UF OF DZ NV) to FPSR (IXC UFC OFC DZC IOC).
var fpsrBits = func() (t [32]uint64) {
	for f := range t {
		for i, bit := range [5]uint64{fpsrIXC, fpsrUFC, fpsrOFC, fpsrDZC, fpsrIOC} {
			if f>>i&1 != 0 {
				t[f] |= bit
			}
		}
	}
	return
}()

// fpDone accrues the exceptions of e into FPSR.
func fpDone(c *translate.CPU, e *fpu.Env) {
	if e.Flags != 0 || e.InputDenormal {
		v := fpsrBits[e.Flags&31]
		if e.InputDenormal {
			v |= fpsrIDC
		}
		c.R[RegFPSR] |= v
	}
}

// Binary operation selectors.
const (
	fMul uint8 = iota
	fDiv
	fAdd
	fSub
	fMax
	fMin
	fMaxNM
	fMinNM
	fNMul
	fAbd    // |a - b| (FABD)
	fMulX   // FMULX: 0 * inf = ±2
	fRecps  // 2 - a*b (FRECPS)
	fRsqrts // (3 - a*b) / 2 (FRSQRTS)
)

const (
	sign32 = 1 << 31
	sign64 = 1 << 63
)

// fpBinary computes one binary operation on an element of size 4 or 8.
func fpBinary(e *fpu.Env, sel, size uint8, a, b uint64) uint64 {
	if size == 4 {
		return uint64(fpBinary32(e, sel, uint32(a), uint32(b)))
	}
	switch sel {
	case fMul:
		return fpu.Mul64(e, a, b)
	case fDiv:
		return fpu.Div64(e, a, b)
	case fAdd:
		return fpu.Add64(e, a, b)
	case fSub:
		return fpu.Sub64(e, a, b)
	case fMax:
		return fpu.MaxArm64(e, a, b)
	case fMin:
		return fpu.MinArm64(e, a, b)
	case fMaxNM:
		return fpu.MaxNumArm64(e, a, b)
	case fMinNM:
		return fpu.MinNumArm64(e, a, b)
	case fNMul:
		return fpu.Mul64(e, a, b) ^ sign64
	case fAbd: // FPAbs(FPSub(a, b)): the sign of a NaN is cleared too
		return fpu.Sub64(e, a, b) &^ sign64
	case fMulX:
		return mulX64(e, a, b)
	case fRecps:
		if !fpu.IsNaN64(a) && !fpu.IsNaN64(b) && isInfZero64(e, a, b) {
			flushIn64(e, a, b)
			return 0x4000000000000000
		}
		return fpu.MulAdd64(e, a^sign64, b, 0x4000000000000000)
	case fRsqrts:
		return rsqrts64(e, a, b)
	}
	return 0
}

func fpBinary32(e *fpu.Env, sel uint8, a, b uint32) uint32 {
	switch sel {
	case fMul:
		return fpu.Mul32(e, a, b)
	case fDiv:
		return fpu.Div32(e, a, b)
	case fAdd:
		return fpu.Add32(e, a, b)
	case fSub:
		return fpu.Sub32(e, a, b)
	case fMax:
		return fpu.MaxArm32(e, a, b)
	case fMin:
		return fpu.MinArm32(e, a, b)
	case fMaxNM:
		return fpu.MaxNumArm32(e, a, b)
	case fMinNM:
		return fpu.MinNumArm32(e, a, b)
	case fNMul:
		return fpu.Mul32(e, a, b) ^ sign32
	case fAbd:
		return fpu.Sub32(e, a, b) &^ sign32
	case fMulX:
		return uint32(mulX32(e, a, b))
	case fRecps:
		if !fpu.IsNaN32(a) && !fpu.IsNaN32(b) && isInfZero32(e, a, b) {
			flushIn32(e, a, b)
			return 0x40000000
		}
		return fpu.MulAdd32(e, a^sign32, b, 0x40000000)
	case fRsqrts:
		return rsqrts32(e, a, b)
	}
	return 0
}

// isInfZero reports whether {a, b} is {±inf, ±0} after FZ flushing.
func isInfZero64(e *fpu.Env, a, b uint64) bool {
	z := func(x uint64) bool { return x<<1 == 0 || (e.FlushToZero && x&0x7ff0000000000000 == 0) }
	inf := func(x uint64) bool { return x<<1 == 0x7ff0000000000000<<1 }
	return inf(a) && z(b) || z(a) && inf(b)
}

func isInfZero32(e *fpu.Env, a, b uint32) bool {
	z := func(x uint32) bool { return x<<1 == 0 || (e.FlushToZero && x&0x7f800000 == 0) }
	inf := func(x uint32) bool { return x<<1 == 0x7f800000<<1 }
	return inf(a) && z(b) || z(a) && inf(b)
}

// ARM ARM FPMulX: like FPMul, but inf * 0 is 2.0 with the product's sign.
func mulX64(e *fpu.Env, a, b uint64) uint64 {
	if !fpu.IsNaN64(a) && !fpu.IsNaN64(b) && isInfZero64(e, a, b) {
		flushIn64(e, a, b)
		return (a^b)&sign64 | 0x4000000000000000
	}
	return fpu.Mul64(e, a, b)
}

func mulX32(e *fpu.Env, a, b uint32) uint32 {
	if !fpu.IsNaN32(a) && !fpu.IsNaN32(b) && isInfZero32(e, a, b) {
		flushIn32(e, a, b)
		return (a^b)&sign32 | 0x40000000
	}
	return fpu.Mul32(e, a, b)
}

// flushIn records IDC for denormal inputs flushed by FZ.
func flushIn64(e *fpu.Env, xs ...uint64) {
	for _, x := range xs {
		if e.FlushToZero && x&0x7ff0000000000000 == 0 && x<<1 != 0 {
			e.InputDenormal = true
		}
	}
}

func flushIn32(e *fpu.Env, xs ...uint32) {
	for _, x := range xs {
		if e.FlushToZero && x&0x7f800000 == 0 && x<<1 != 0 {
			e.InputDenormal = true
		}
	}
}

// ARM ARM FPRSqrtStepFused: (3 - a*b) / 2 in one rounding, a negated
// first; inf * 0 gives 1.5. It is computed as 1.5 - (a/2)*b (or a*(b/2))
// when halving an operand is exact; when both are tiny the product is far
// below the rounding point of 3 and (3 - a*b) halves exactly.
func rsqrts64(e *fpu.Env, a, b uint64) uint64 {
	if !fpu.IsNaN64(a) && !fpu.IsNaN64(b) && isInfZero64(e, a, b) {
		flushIn64(e, a, b)
		return 0x3ff8000000000000
	}
	const half = 0x3fe0000000000000
	switch {
	case fpu.IsNaN64(a) || fpu.IsNaN64(b):
	case a>>52&0x7ff > 1 && a>>52&0x7ff < 0x7ff:
		a -= 1 << 52
		return fpu.MulAdd64(e, a^sign64, b, 0x3ff8000000000000)
	case b>>52&0x7ff > 1 && b>>52&0x7ff < 0x7ff:
		b -= 1 << 52
		return fpu.MulAdd64(e, a^sign64, b, 0x3ff8000000000000)
	}
	r := fpu.MulAdd64(e, a^sign64, b, 0x4008000000000000)
	if fpu.IsNaN64(r) || fpu.IsNaN64(a) || fpu.IsNaN64(b) {
		return r
	}
	return fpu.Mul64(e, r, half)
}

func rsqrts32(e *fpu.Env, a, b uint32) uint32 {
	if !fpu.IsNaN32(a) && !fpu.IsNaN32(b) && isInfZero32(e, a, b) {
		flushIn32(e, a, b)
		return 0x3fc00000
	}
	switch {
	case fpu.IsNaN32(a) || fpu.IsNaN32(b):
	case a>>23&0xff > 1 && a>>23&0xff < 0xff:
		a -= 1 << 23
		return fpu.MulAdd32(e, a^sign32, b, 0x3fc00000)
	case b>>23&0xff > 1 && b>>23&0xff < 0xff:
		b -= 1 << 23
		return fpu.MulAdd32(e, a^sign32, b, 0x3fc00000)
	}
	r := fpu.MulAdd32(e, a^sign32, b, 0x40400000)
	if fpu.IsNaN32(r) || fpu.IsNaN32(a) || fpu.IsNaN32(b) {
		return r
	}
	return fpu.Mul32(e, r, 0x3f000000)
}

// Unary operation selectors.
const (
	fSqrt uint8 = iota
	fRint       // round to integral: Imm = rounding (0..4, 5 = FPCR), exact when Imm bit 8
	fRecpe
	fRsqrte
	fRecpx
)

// rounding selectors for FRINT* and FCVT*: N, P, M, Z, A, then FPCR.
const (
	rndN uint8 = iota
	rndP
	rndM
	rndZ
	rndA
	rndFPCR
)

// rmode resolves a rounding selector.
func rmode(e *fpu.Env, sel uint8) fpu.RoundingMode {
	switch sel {
	case rndN:
		return fpu.RNE
	case rndP:
		return fpu.RUP
	case rndM:
		return fpu.RDN
	case rndZ:
		return fpu.RTZ
	case rndA:
		return fpu.RMM
	}
	return e.RM
}

// fpToInt converts element a (size 4 or 8) to a signed or unsigned integer
// of width bits (32 or 64) after scaling by 2^fbits, saturating; NaN gives
// 0 (ARM ARM FPToFixed). The result is zero-extended from width.
func fpToInt(e *fpu.Env, a uint64, size uint8, rm fpu.RoundingMode, signed bool, width, fbits uint) uint64 {
	if size == 4 {
		a = fpu.F32ToF64(&fpu.Env{}, flushed32(e, uint32(a))) // exact
	} else {
		a = flushed64(e, a)
	}
	if fpu.IsNaN64(a) {
		e.Flags |= fpu.NV
		return 0
	}
	if fbits != 0 {
		a = math.Float64bits(math.Ldexp(math.Float64frombits(a), int(fbits)))
	}
	var r uint64
	switch {
	case signed && width == 64:
		r = uint64(fpu.F64ToI64(e, a, rm))
	case signed:
		r = uint64(uint32(fpu.F64ToI32(e, a, rm)))
	case width == 64:
		r = fpu.F64ToU64(e, a, rm)
	default:
		r = uint64(fpu.F64ToU32(e, a, rm))
	}
	return r
}

func flushed64(e *fpu.Env, a uint64) uint64 {
	if e.FlushToZero && a&0x7ff0000000000000 == 0 && a<<1 != 0 {
		e.InputDenormal = true
		return a & sign64
	}
	return a
}

func flushed32(e *fpu.Env, a uint32) uint32 {
	if e.FlushToZero && a&0x7f800000 == 0 && a<<1 != 0 {
		e.InputDenormal = true
		return a & sign32
	}
	return a
}

// intToFP converts an integer (already sign- or zero-extended to 64 bits)
// to an element of size 4 or 8, then divides by 2^fbits (exact: the
// quotient of a 64-bit integer by at most 2^64 is a normal number).
func intToFP(e *fpu.Env, v uint64, signed bool, size uint8, fbits uint) uint64 {
	var r uint64
	switch {
	case signed && size == 8:
		r = fpu.I64ToF64(e, int64(v), e.RM)
	case size == 8:
		r = fpu.U64ToF64(e, v, e.RM)
	case signed:
		r = uint64(fpu.I64ToF32(e, int64(v), e.RM))
	default:
		r = uint64(fpu.U64ToF32(e, v, e.RM))
	}
	if fbits == 0 || r<<1 == 0 {
		return r
	}
	if size == 8 {
		return math.Float64bits(math.Ldexp(math.Float64frombits(r), -int(fbits)))
	}
	return uint64(math.Float32bits(float32(math.Ldexp(float64(math.Float32frombits(uint32(r))), -int(fbits)))))
}
