package fpu

import (
	"math"
	"math/bits"
)

// Conversions (IEEE 754-2019 §5.4.1, §5.8, §5.9). Integer conversions
// take an explicit rounding mode because both ISAs encode static modes.

// toInt converts x to an n-bit integer, returned as two's complement
// bits. RISC-V "F" extension fcvt rules: out-of-range values saturate
// with NV (no NX), NaN gives the largest positive value with NV, and
// an in-range non-integral value raises NX. Arm FPToFixed agrees
// except that NaN gives 0, which callers apply via IsNaN64/IsNaN32.
func (e *Env) toInt(f *format, x uint64, rm RoundingMode, n uint, signed bool) uint64 {
	x = e.flush(f, x)
	maxPos, negLim := ^uint64(0)>>(64-n), uint64(0)
	if signed {
		maxPos >>= 1
		negLim = maxPos + 1
	}
	neg := x&f.sign != 0
	sat := maxPos
	if neg && !f.isNaN(x) {
		sat = -negLim
	}
	switch {
	case f.isNaN(x) || f.isInf(x):
		e.Flags |= NV
		return sat
	case f.isZero(x):
		return 0
	}
	exp, sig := f.unpack(x)
	if exp >= 64 {
		e.Flags |= NV
		return sat
	}
	var q uint64
	inexact := false
	if exp >= 62 {
		q = sig << uint(exp-62)
	} else {
		q, inexact = roundShift(sig, uint(62-exp), neg, rm)
	}
	if neg && q > negLim || !neg && q > maxPos {
		e.Flags |= NV
		return sat
	}
	if inexact {
		e.Flags |= NX
	}
	if neg {
		return -q
	}
	return q
}

// roundShift is roundBits for any shift n >= 1 (larger shifts only
// keep a sticky bit).
func roundShift(sig uint64, n uint, neg bool, rm RoundingMode) (uint64, bool) {
	if n > 63 {
		sig, n = 1, 63
	}
	return roundBits(sig, n, neg, rm)
}

// fromInt converts the integer (-1)^neg * m to format f (exact unless
// m exceeds the precision; then NX).
func (e *Env) fromInt(f *format, neg bool, m uint64, rm RoundingMode) uint64 {
	var sign uint64
	if neg {
		sign = f.sign
	}
	if m == 0 {
		return 0
	}
	k := 63 - bits.LeadingZeros64(m)
	if k == 63 {
		return e.roundPack(f, sign, 63, m>>1|m&1, rm)
	}
	return e.roundPack(f, sign, k, m<<uint(62-k), rm)
}

// convertNaN converts a NaN between formats: the default NaN, or the
// sign and leading payload bits kept with the quiet bit set (ARM ARM
// FPConvertNaN).
func (e *Env) convertNaN(from, to *format, x uint64) uint64 {
	if from.isSNaN(x) {
		e.Flags |= NV
	}
	if e.canonical() {
		return to.defNaN()
	}
	frac := x & from.fracMask
	if from.frac > to.frac {
		frac >>= from.frac - to.frac
	} else {
		frac <<= to.frac - from.frac
	}
	var sign uint64
	if x&from.sign != 0 {
		sign = to.sign
	}
	return sign | to.inf | to.quiet | frac
}

// convert converts x between binary formats, rounding with rm.
func (e *Env) convert(from, to *format, x uint64, rm RoundingMode) uint64 {
	x = e.flush(from, x)
	var sign uint64
	if x&from.sign != 0 {
		sign = to.sign
	}
	switch {
	case from.isNaN(x):
		return e.convertNaN(from, to, x)
	case from.isInf(x):
		return sign | to.inf
	case from.isZero(x):
		return sign
	}
	exp, sig := from.unpack(x)
	return e.roundPack(to, sign, exp, sig, rm)
}

// roundInt rounds x to an integral value in the same format (IEEE
// 754-2019 §5.9 roundToIntegral*, ARM ARM FPRoundInt); exact selects
// roundToIntegralExact (NX when the value changes, Arm FRINTX).
func (e *Env) roundInt(f *format, x uint64, rm RoundingMode, exact bool) uint64 {
	x = e.flush(f, x)
	switch {
	case f.isNaN(x):
		return e.nan1(f, x)
	case f.isInf(x) || f.isZero(x):
		return x
	}
	exp, sig := f.unpack(x)
	if exp >= int(f.frac) {
		return x // already integral
	}
	neg := x&f.sign != 0
	q, inexact := roundShift(sig, uint(62-exp), neg, rm)
	if inexact && exact {
		e.Flags |= NX
	}
	if q == 0 {
		return x & f.sign
	}
	return e.fromInt(f, neg, q, rm)
}

// F64ToI64 converts a to int64 (RISC-V fcvt.l.d, Arm FCVT*S).
func F64ToI64(e *Env, a uint64, rm RoundingMode) int64 {
	if fastPath && normal64(a) {
		x := math.Float64frombits(a)
		if v := hostRound(x, rm); v >= -0x1p63 && v < 0x1p63 {
			if v != x {
				e.Flags |= NX
			}
			return int64(v)
		}
	}
	return int64(e.toInt(&f64, a, rm, 64, true))
}

// F64ToU64 converts a to uint64 (RISC-V fcvt.lu.d).
func F64ToU64(e *Env, a uint64, rm RoundingMode) uint64 {
	return e.toInt(&f64, a, rm, 64, false)
}

// F64ToI32 converts a to int32 (RISC-V fcvt.w.d); callers sign-extend.
func F64ToI32(e *Env, a uint64, rm RoundingMode) int32 {
	if fastPath && normal64(a) {
		x := math.Float64frombits(a)
		if v := hostRound(x, rm); v >= -0x1p31 && v < 0x1p31 {
			if v != x {
				e.Flags |= NX
			}
			return int32(v)
		}
	}
	return int32(e.toInt(&f64, a, rm, 32, true))
}

// F64ToU32 converts a to uint32 (RISC-V fcvt.wu.d).
func F64ToU32(e *Env, a uint64, rm RoundingMode) uint32 {
	return uint32(e.toInt(&f64, a, rm, 32, false))
}

// F32ToI64 converts a to int64 (RISC-V fcvt.l.s).
func F32ToI64(e *Env, a uint32, rm RoundingMode) int64 {
	return int64(e.toInt(&f32, uint64(a), rm, 64, true))
}

// F32ToU64 converts a to uint64 (RISC-V fcvt.lu.s).
func F32ToU64(e *Env, a uint32, rm RoundingMode) uint64 {
	return e.toInt(&f32, uint64(a), rm, 64, false)
}

// F32ToI32 converts a to int32 (RISC-V fcvt.w.s).
func F32ToI32(e *Env, a uint32, rm RoundingMode) int32 {
	if fastPath && normal32(a) {
		x := f32to64(a)
		if v := hostRound(x, rm); v >= -0x1p31 && v < 0x1p31 {
			if v != x {
				e.Flags |= NX
			}
			return int32(v)
		}
	}
	return int32(e.toInt(&f32, uint64(a), rm, 32, true))
}

// F32ToU32 converts a to uint32 (RISC-V fcvt.wu.s).
func F32ToU32(e *Env, a uint32, rm RoundingMode) uint32 {
	return uint32(e.toInt(&f32, uint64(a), rm, 32, false))
}

func abs64(x int64) (bool, uint64) {
	if x < 0 {
		return true, -uint64(x)
	}
	return false, uint64(x)
}

// I64ToF64 converts x to binary64 (RISC-V fcvt.d.l).
func I64ToF64(e *Env, x int64, rm RoundingMode) uint64 {
	if fastPath && x >= -1<<53 && x <= 1<<53 {
		return math.Float64bits(float64(x)) // exact
	}
	neg, m := abs64(x)
	return e.fromInt(&f64, neg, m, rm)
}

// U64ToF64 converts x to binary64 (RISC-V fcvt.d.lu).
func U64ToF64(e *Env, x uint64, rm RoundingMode) uint64 {
	return e.fromInt(&f64, false, x, rm)
}

// I32ToF64 converts x to binary64 (always exact).
func I32ToF64(e *Env, x int32, rm RoundingMode) uint64 {
	return math.Float64bits(float64(x))
}

// U32ToF64 converts x to binary64 (always exact).
func U32ToF64(e *Env, x uint32, rm RoundingMode) uint64 {
	return math.Float64bits(float64(x))
}

// I64ToF32 converts x to binary32 (RISC-V fcvt.s.l).
func I64ToF32(e *Env, x int64, rm RoundingMode) uint32 {
	neg, m := abs64(x)
	return uint32(e.fromInt(&f32, neg, m, rm))
}

// U64ToF32 converts x to binary32 (RISC-V fcvt.s.lu).
func U64ToF32(e *Env, x uint64, rm RoundingMode) uint32 {
	return uint32(e.fromInt(&f32, false, x, rm))
}

// I32ToF32 converts x to binary32 (RISC-V fcvt.s.w).
func I32ToF32(e *Env, x int32, rm RoundingMode) uint32 {
	if fastPath && x >= -1<<24 && x <= 1<<24 {
		return math.Float32bits(float32(x)) // exact
	}
	neg, m := abs64(int64(x))
	return uint32(e.fromInt(&f32, neg, m, rm))
}

// U32ToF32 converts x to binary32 (RISC-V fcvt.s.wu).
func U32ToF32(e *Env, x uint32, rm RoundingMode) uint32 {
	return uint32(e.fromInt(&f32, false, uint64(x), rm))
}

// F32ToF64 widens a (exact; sNaN raises NV, NaNs per the NaN mode).
func F32ToF64(e *Env, a uint32) uint64 {
	if fastPath && normal32(a) {
		return math.Float64bits(f32to64(a))
	}
	return e.convert(&f32, &f64, uint64(a), e.RM)
}

// F64ToF32 narrows a rounding with e.RM.
func F64ToF32(e *Env, a uint64) uint32 {
	if fastPath && normal64(a) {
		if r, st := fin32(e, math.Float64frombits(a), 0); st == stDone {
			return r
		} else if r, ok := redo32(e, r, st); ok {
			return r
		}
	}
	return uint32(e.convert(&f64, &f32, a, e.RM))
}

// F16ToF32 widens an IEEE binary16 value.
func F16ToF32(e *Env, a uint16) uint32 { return uint32(e.convert(&f16, &f32, uint64(a), e.RM)) }

// F32ToF16 narrows to IEEE binary16 rounding with e.RM.
func F32ToF16(e *Env, a uint32) uint16 { return uint16(e.convert(&f32, &f16, uint64(a), e.RM)) }

// F16ToF64 widens an IEEE binary16 value.
func F16ToF64(e *Env, a uint16) uint64 { return e.convert(&f16, &f64, uint64(a), e.RM) }

// F64ToF16 narrows to IEEE binary16 rounding with e.RM (one rounding).
func F64ToF16(e *Env, a uint64) uint16 { return uint16(e.convert(&f64, &f16, a, e.RM)) }

// RoundToIntegral64 rounds a to an integral binary64 value in mode rm
// (Arm FRINT*, RISC-V Zfa fround/froundnx); exact raises NX when the
// value changes (FRINTX, froundnx).
func RoundToIntegral64(e *Env, a uint64, rm RoundingMode, exact bool) uint64 {
	if fastPath && normal64(a) {
		x := math.Float64frombits(a)
		v := hostRound(x, rm)
		if exact && v != x {
			e.Flags |= NX
		}
		return math.Float64bits(v)
	}
	return e.roundInt(&f64, a, rm, exact)
}

// RoundToIntegral32 is RoundToIntegral64 for binary32.
func RoundToIntegral32(e *Env, a uint32, rm RoundingMode, exact bool) uint32 {
	if fastPath && normal32(a) {
		x := math.Float32frombits(a)
		v := float32(hostRound(float64(x), rm))
		if exact && v != x {
			e.Flags |= NX
		}
		return math.Float32bits(v)
	}
	return uint32(e.roundInt(&f32, uint64(a), rm, exact))
}
