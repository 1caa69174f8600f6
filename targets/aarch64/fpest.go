package aarch64

import (
	"github.com/gemu-project/gemu/translate/fpu"
)

// Reciprocal and reciprocal square root estimates (ARM ARM
// shared/functions/float FPRecipEstimate, FPRSqrtEstimate, FPRecpX,
// RecipEstimate, RecipSqrtEstimate, UnsignedRecipEstimate,
// UnsignedRSqrtEstimate), bit-exact to the pseudocode.

// fpParts splits a single (size 4) or double into sign, biased exponent
// and a 52-bit fraction; FZ flushes denormal inputs.
func fpParts(e *fpu.Env, size uint8, a uint64) (sign, exp, frac uint64, nan bool) {
	if size == 4 {
		a32 := flushed32(e, uint32(a))
		return uint64(a32 >> 31), uint64(a32 >> 23 & 0xff), uint64(a32&0x7fffff) << 29, fpu.IsNaN32(a32)
	}
	a = flushed64(e, a)
	return a >> 63, a >> 52 & 0x7ff, a & (1<<52 - 1), fpu.IsNaN64(a)
}

func fpPack(size uint8, sign, exp, frac uint64) uint64 {
	if size == 4 {
		return sign<<31 | exp<<23 | frac>>29
	}
	return sign<<63 | exp<<52 | frac
}

// processNaN quiets a NaN operand (ARM ARM FPProcessNaN).
func processNaN(e *fpu.Env, size uint8, a uint64) uint64 {
	if size == 4 {
		return uint64(fpu.Add32(e, uint32(a), 0)) // NaN + 0: the NaN processed
	}
	return fpu.Add64(e, a, 0)
}

func recipEstimateInt(a uint64) uint64 {
	a = a*2 + 1
	b := (1 << 19) / a
	return (b + 1) / 2
}

func rsqrtEstimateInt(a uint64) uint64 {
	if a < 256 {
		a = a*2 + 1
	} else {
		a = (a>>1<<1 + 1) * 2
	}
	b := uint64(512)
	for a*(b+1)*(b+1) < 1<<28 {
		b++
	}
	return (b + 1) / 2
}

func recipEstimate(e *fpu.Env, size uint8, a uint64) uint64 {
	sign, exp, frac, nan := fpParts(e, size, a)
	emax, bias := uint64(0xff), int64(253)
	if size == 8 {
		emax, bias = 0x7ff, 2045
	}
	switch {
	case nan:
		return processNaN(e, size, a)
	case exp == emax:
		return fpPack(size, sign, 0, 0)
	case exp == 0 && frac == 0:
		e.Flags |= fpu.DZ
		return fpPack(size, sign, emax, 0)
	case exp == 0 && frac>>50 == 0: // |value| < 2^-(bias of the format)-2
		e.Flags |= fpu.OF | fpu.NX
		inf := e.RM == fpu.RNE || (e.RM == fpu.RUP && sign == 0) || (e.RM == fpu.RDN && sign == 1)
		if inf {
			return fpPack(size, sign, emax, 0)
		}
		return fpPack(size, sign, emax-1, 1<<52-1)
	case e.FlushToZero && exp >= uint64(bias): // the result would be denormal
		e.Flags |= fpu.UF
		return fpPack(size, sign, 0, 0)
	}
	x := int64(exp)
	if x == 0 {
		if frac>>51&1 == 0 {
			x = -1
			frac = frac << 2 & (1<<52 - 1)
		} else {
			frac = frac << 1 & (1<<52 - 1)
		}
	}
	est := recipEstimateInt(1<<8 | frac>>44)
	rexp := bias - x
	frac = (est & 0xff) << 44
	switch rexp {
	case 0:
		frac = 1<<51 | frac>>1
	case -1:
		frac = 1<<50 | frac>>2
		rexp = 0
	}
	return fpPack(size, sign, uint64(rexp), frac)
}

func rsqrtEstimate(e *fpu.Env, size uint8, a uint64) uint64 {
	sign, exp, frac, nan := fpParts(e, size, a)
	emax, bias := uint64(0xff), int64(380)
	if size == 8 {
		emax, bias = 0x7ff, 3068
	}
	switch {
	case nan:
		return processNaN(e, size, a)
	case exp == 0 && frac == 0:
		e.Flags |= fpu.DZ
		return fpPack(size, sign, emax, 0)
	case sign == 1:
		e.Flags |= fpu.NV
		return fpPack(size, 0, emax, 1<<51)
	case exp == emax:
		return 0
	}
	x := int64(exp)
	if x == 0 {
		for frac>>51&1 == 0 {
			frac = frac << 1 & (1<<52 - 1)
			x--
		}
		frac = frac << 1 & (1<<52 - 1)
	}
	var scaled uint64
	if x&1 == 0 {
		scaled = 1<<8 | frac>>44
	} else {
		scaled = 1<<7 | frac>>45
	}
	rexp := (bias - x) / 2
	est := rsqrtEstimateInt(scaled)
	return fpPack(size, 0, uint64(rexp), (est&0xff)<<44)
}

// recpx is FRECPX: the exponent inverted, fraction zero.
func recpx(e *fpu.Env, size uint8, a uint64) uint64 {
	sign, exp, _, nan := fpParts(e, size, a)
	emax := uint64(0xff)
	if size == 8 {
		emax = 0x7ff
	}
	switch {
	case nan:
		return processNaN(e, size, a)
	case exp == 0:
		return fpPack(size, sign, emax-1, 0)
	}
	return fpPack(size, sign, ^exp&emax, 0)
}

// uEstimateLane is URECPE (sqrt false) or URSQRTE on 32-bit lanes.
func uEstimateLane(sqrt bool) laneFn {
	return func(x *lctx, a, _ uint64) uint64 {
		if sqrt {
			if a>>30 == 0 {
				return 0xffffffff
			}
			return rsqrtEstimateInt(a>>23) << 23
		}
		if a>>31 == 0 {
			return 0xffffffff
		}
		return recipEstimateInt(a>>23) << 23
	}
}
