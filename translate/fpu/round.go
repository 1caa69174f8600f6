package fpu

import "math/bits"

// Internal working form of a finite non-zero value: sign, exponent exp
// and significand sig with value = sig * 2^(exp-62). Normalized sig has
// its leading one at bit 62; bits below the format's precision are
// round/sticky bits ("jamming" a lost non-zero tail into bit 0).

// unpack returns the normalized exponent and significand of a finite
// non-zero encoding x (normal or subnormal, IEEE 754-2019 §3.4).
func (f *format) unpack(x uint64) (int, uint64) {
	be := int(x >> f.frac & f.expMax)
	m := x & f.fracMask
	if be == 0 {
		s := bits.LeadingZeros64(m) - 1
		return 1 - f.bias - s + int(62-f.frac), m << uint(s)
	}
	return be - f.bias, (m | 1<<f.frac) << (62 - f.frac)
}

// shrJam shifts sig right by n, ORing any lost bits into bit 0.
func shrJam(sig uint64, n uint) uint64 {
	if n == 0 {
		return sig
	}
	if n >= 64 {
		if sig != 0 {
			return 1
		}
		return 0
	}
	lost := sig << (64 - n)
	sig >>= n
	if lost != 0 {
		sig |= 1
	}
	return sig
}

// normalize moves the leading one of a non-zero sig to bit 62. Left
// shifts must only be needed when the low bits are exact, or by one bit.
func normalize(exp int, sig uint64) (int, uint64) {
	if sig>>63 != 0 {
		return exp + 1, sig>>1 | sig&1
	}
	s := bits.LeadingZeros64(sig) - 1
	return exp - s, sig << uint(s)
}

// roundBits drops the low n (1..63) bits of sig rounding per rm for a
// value of sign neg, and reports whether any dropped bit was set.
func roundBits(sig uint64, n uint, neg bool, rm RoundingMode) (uint64, bool) {
	q := sig >> n
	rem := sig & (1<<n - 1)
	if rem == 0 {
		return q, false
	}
	half := uint64(1) << (n - 1)
	switch rm {
	case RTZ:
	case RDN:
		if neg {
			q++
		}
	case RUP:
		if !neg {
			q++
		}
	case RMM:
		if rem >= half {
			q++
		}
	default:
		if rem > half || rem == half && q&1 != 0 {
			q++
		}
	}
	return q, true
}

// roundPack rounds sign*sig*2^(exp-62) to format f in mode rm, raising
// NX/UF/OF as IEEE 754-2019 §7.4-7.6 and ARM ARM FPRoundBase describe.
func (e *Env) roundPack(f *format, sign uint64, exp int, sig uint64, rm RoundingMode) uint64 {
	exp, sig = normalize(exp, sig)
	if exp < 1-f.bias {
		return e.roundTiny(f, sign, exp, sig, rm)
	}
	q, inexact := roundBits(sig, 62-f.frac, sign != 0, rm)
	if q>>(f.frac+1) != 0 {
		q >>= 1
		exp++
	}
	if exp > f.bias {
		return e.overflow(f, sign, rm)
	}
	if inexact {
		e.Flags |= NX
	}
	return sign | uint64(exp+f.bias)<<f.frac | q&f.fracMask
}

// roundTiny handles results below the normal range (exp < emin).
func (e *Env) roundTiny(f *format, sign uint64, exp int, sig uint64, rm RoundingMode) uint64 {
	emin := 1 - f.bias
	if e.FlushToZero && f.ftz {
		// ARM ARM FPRoundBase: flush before rounding, UFC without IXC.
		e.Flags |= UF
		return sign
	}
	neg := sign != 0
	tiny := true
	if !e.TininessBeforeRounding && exp == emin-1 {
		// Tiny after rounding only if rounding to full precision with
		// unbounded exponent stays below 2^emin (IEEE 754-2019 §7.5).
		q, _ := roundBits(sig, 62-f.frac, neg, rm)
		tiny = q>>(f.frac+1) == 0
	}
	n := uint(62-f.frac) + uint(emin-exp)
	if n > 63 {
		sig, n = 1, 63 // below half the smallest subnormal: sticky only
	}
	q, inexact := roundBits(sig, n, neg, rm)
	if inexact {
		e.Flags |= NX
		if tiny {
			e.Flags |= UF
		}
	}
	// A carry into bit f.frac yields the smallest normal, as encoded.
	return sign | q
}

// overflow returns the overflowed result for rm (IEEE 754-2019 §7.4):
// infinity, or the largest finite number when rounding toward zero.
func (e *Env) overflow(f *format, sign uint64, rm RoundingMode) uint64 {
	e.Flags |= OF | NX
	toInf := true
	switch rm {
	case RTZ:
		toInf = false
	case RDN:
		toInf = sign != 0
	case RUP:
		toInf = sign == 0
	}
	if toInf {
		return sign | f.inf
	}
	return sign | f.maxFin
}

// shr128Jam shifts the 128-bit hi:lo right by n with sticky jamming.
func shr128Jam(hi, lo uint64, n int) (uint64, uint64) {
	switch {
	case n <= 0:
		return hi, lo
	case n < 64:
		lost := lo << uint(64-n)
		lo = lo>>uint(n) | hi<<uint(64-n)
		hi >>= uint(n)
		if lost != 0 {
			lo |= 1
		}
	case n < 128:
		lost := lo | hi<<uint(128-n)
		lo, hi = hi>>uint(n-64), 0
		if lost != 0 {
			lo |= 1
		}
	default:
		if hi|lo != 0 {
			lo = 1
		}
		hi = 0
	}
	return hi, lo
}

// shl128 shifts hi:lo left by n (0..127).
func shl128(hi, lo uint64, n uint) (uint64, uint64) {
	if n >= 64 {
		return lo << (n - 64), 0
	}
	if n == 0 {
		return hi, lo
	}
	return hi<<n | lo>>(64-n), lo << n
}
