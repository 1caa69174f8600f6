package fpu

import "math"

// Host fast paths. They apply when all operands are normal and the
// host's round-to-nearest-even result lies safely inside the normal
// range; then FlushToZero, tininess and NaN rules cannot matter. The
// exact rounding error (or its sign) comes from an error-free
// transformation, so NX is exact and directed modes move the RNE
// result by at most one ulp. RMM always takes the software path.

// fastPath enables the host fast paths; tests turn it off to compare.
var fastPath = true

// Biased exponent bounds for fast-path results. lo2 keeps results
// clear of the smallest normal (Arm tests tininess and FZ on the
// unrounded value). loErr64 additionally makes product, quotient and
// square-root error terms exact: with a result (Mul) or dividend/radicand
// (Div, Sqrt) of at least 2^-913, each error term is a multiple of at
// least 2^-1018, hence exactly representable and normal when non-zero.
const (
	lo2     = 2
	loErr64 = 110
)

func normal64(x uint64) bool { return (x>>52&0x7ff)-1 < 0x7fe }
func normal32(x uint32) bool { return (x>>23&0xff)-1 < 0xfe }

// addable64 is normal64 below 2^1023, so TwoSum's intermediate s-x
// (about -y) cannot overflow.
func addable64(x uint64) bool { return (x>>52&0x7ff)-1 < 0x7fd }

// twoSumErr returns the exact error x+y-s of s = x+y (Knuth TwoSum).
func twoSumErr(x, y, s float64) float64 {
	yv := s - x
	return (x - (s - yv)) + (y - yv)
}

// Fast-path outcomes: done, an inexact RNE result needing a directed
// mode's one-ulp correction (exact value above/below it), or bail out.
const (
	stDone = iota
	stUp
	stDown
	stSlow
)

// fin64 accepts the host RNE result s, whose exact error has the sign of
// err (0 when exact), if its biased exponent is in [lo, 2046]. It is
// small enough to inline; other modes finish in redo64.
func fin64(e *Env, s, err float64, lo uint64) (uint64, int) {
	r := math.Float64bits(s)
	if (r>>52&0x7ff)-lo >= 0x7ff-lo {
		return r, stSlow
	}
	if err != 0 {
		if e.RM != RNE {
			if err > 0 {
				return r, stUp
			}
			return r, stDown
		}
		e.Flags |= NX
	}
	return r, stDone
}

// redo64 turns the inexact RNE result r into the directed-rounding
// result, or reports false to fall back to software.
func redo64(e *Env, r uint64, st int) (uint64, bool) {
	if st == stSlow {
		return 0, false
	}
	up := st == stUp
	neg := r>>63 != 0
	switch e.RM {
	case RTZ:
		if up == neg {
			r-- // exact magnitude below |r|
		}
	case RDN:
		if !up {
			r = step(r, neg)
		}
	case RUP:
		if up {
			r = step(r, !neg)
		}
	default:
		return 0, false
	}
	if (r>>52&0x7ff)-lo2 >= 0x7ff-lo2 {
		return 0, false
	}
	e.Flags |= NX
	return r, true
}

// step moves an encoding one ulp in magnitude: up when grow is set.
func step(r uint64, grow bool) uint64 {
	if grow {
		return r + 1
	}
	return r - 1
}

// fin32 narrows the binary64 value s (exact error sign err) to binary32
// like fin64. Rounding to binary64 first is harmless for + - * / sqrt
// (53 >= 2*24+2); MulAdd32 screens out the double-rounding case itself.
func fin32(e *Env, s, err float64) (uint32, int) {
	f := float32(s)
	r := math.Float32bits(f)
	if (r>>23&0xff)-lo2 >= 0xff-lo2 {
		return r, stSlow
	}
	d := s - float64(f) // exact (Sterbenz)
	if d == 0 {
		d = err
	}
	if d != 0 {
		if e.RM != RNE {
			if d > 0 {
				return r, stUp
			}
			return r, stDown
		}
		e.Flags |= NX
	}
	return r, stDone
}

// redo32 is redo64 for binary32.
func redo32(e *Env, r uint32, st int) (uint32, bool) {
	if st == stSlow {
		return 0, false
	}
	up := st == stUp
	neg := r>>31 != 0
	switch e.RM {
	case RTZ:
		if up == neg {
			r--
		}
	case RDN:
		if !up {
			r = uint32(step(uint64(r), neg))
		}
	case RUP:
		if up {
			r = uint32(step(uint64(r), !neg))
		}
	default:
		return 0, false
	}
	if (r>>23&0xff)-lo2 >= 0xff-lo2 {
		return 0, false
	}
	e.Flags |= NX
	return r, true
}

// fmaErr returns a value with the sign of the exact error x*y+z-r of
// r = RN(x*y+z), zero iff r is exact: the r2 term of Boldo and Muller's
// ErrFmaNearest ("Exact and approximated error of the FMA", IEEE TC
// 2011), valid without underflow or overflow (checked by the caller).
func fmaErr(x, y, z, r float64) float64 {
	u1 := float64(x * y) // conversion forbids fusing into b1 (Go spec)
	u2 := math.FMA(x, y, -u1)
	a1 := z + u2
	a2 := twoSumErr(z, u2, a1)
	b1 := u1 + a1
	b2 := twoSumErr(u1, a1, b1)
	g := (b1 - r) + b2
	return g + a2
}

// fmaSafe64 bounds exponents for fmaErr: ea+eb in [-912, 1000] and
// ec in [-964, 1000] keep all intermediates normal and finite.
func fmaSafe64(a, b, c uint64) bool {
	fp := a>>52&0x7ff + b>>52&0x7ff
	fc := c >> 52 & 0x7ff
	return fp-1134 <= 3046-1134 && fc-59 <= 2023-59
}

// hostRound rounds finite x to an integral value in mode rm; the sign
// of a zero result follows x (IEEE 754-2019 §5.9).
func hostRound(x float64, rm RoundingMode) float64 {
	switch rm {
	case RTZ:
		return math.Trunc(x)
	case RDN:
		return math.Floor(x)
	case RUP:
		return math.Ceil(x)
	case RMM:
		return math.Round(x)
	}
	return math.RoundToEven(x)
}
