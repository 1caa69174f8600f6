package aarch64

import "math/bits"

// Integer lane functions (ARM ARM C7.2, the AdvSIMD integer instructions).
// Operands are the low x.es bits; results are masked by the caller.

const allOnes = ^uint64(0)

func bool2mask(b bool) uint64 {
	if b {
		return allOnes
	}
	return 0
}

func lAdd(x *lctx, a, b uint64) uint64  { return a + b }
func lSub(x *lctx, a, b uint64) uint64  { return a - b }
func lMul(x *lctx, a, b uint64) uint64  { return a * b }
func lCmgt(x *lctx, a, b uint64) uint64 { return bool2mask(sx(a, x.es) > sx(b, x.es)) }
func lCmge(x *lctx, a, b uint64) uint64 { return bool2mask(sx(a, x.es) >= sx(b, x.es)) }
func lCmhi(x *lctx, a, b uint64) uint64 { return bool2mask(a > b) }
func lCmhs(x *lctx, a, b uint64) uint64 { return bool2mask(a >= b) }
func lCmeq(x *lctx, a, b uint64) uint64 { return bool2mask(a == b) }
func lCmtst(x *lctx, a, b uint64) uint64 {
	return bool2mask(a&b != 0)
}
func lSmax(x *lctx, a, b uint64) uint64 { return uint64(max(sx(a, x.es), sx(b, x.es))) }
func lSmin(x *lctx, a, b uint64) uint64 { return uint64(min(sx(a, x.es), sx(b, x.es))) }
func lUmax(x *lctx, a, b uint64) uint64 { return max(a, b) }
func lUmin(x *lctx, a, b uint64) uint64 { return min(a, b) }

func lSabd(x *lctx, a, b uint64) uint64 {
	d := sx(a, x.es) - sx(b, x.es)
	if d < 0 {
		d = -d
	}
	return uint64(d)
}

func lUabd(x *lctx, a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return b - a
}

// Halving operations (es <= 32, so the sums fit).
func lShadd(x *lctx, a, b uint64) uint64  { return uint64((sx(a, x.es) + sx(b, x.es)) >> 1) }
func lUhadd(x *lctx, a, b uint64) uint64  { return (a + b) >> 1 }
func lSrhadd(x *lctx, a, b uint64) uint64 { return uint64((sx(a, x.es) + sx(b, x.es) + 1) >> 1) }
func lUrhadd(x *lctx, a, b uint64) uint64 { return (a + b + 1) >> 1 }
func lShsub(x *lctx, a, b uint64) uint64  { return uint64((sx(a, x.es) - sx(b, x.es)) >> 1) }
func lUhsub(x *lctx, a, b uint64) uint64  { return (a - b) >> 1 }

// satS clamps a signed result to es bits, noting saturation.
func satS(x *lctx, v int64) uint64 {
	lo, hi := int64(-1)<<(x.es-1), int64(1)<<(x.es-1)-1
	switch {
	case v < lo:
		x.sat = true
		return uint64(lo)
	case v > hi:
		x.sat = true
		return uint64(hi)
	}
	return uint64(v)
}

// satU clamps a signed value into the unsigned es-bit range.
func satU(x *lctx, v int64) uint64 {
	switch {
	case v < 0:
		x.sat = true
		return 0
	case x.es < 64 && uint64(v) > emask(x.es):
		x.sat = true
		return emask(x.es)
	}
	return uint64(v)
}

func sMax(es uint) uint64 { return 1<<(es-1) - 1 }

func lSqadd(x *lctx, a, b uint64) uint64 {
	if x.es < 64 {
		return satS(x, sx(a, x.es)+sx(b, x.es))
	}
	s := a + b
	if (a^s)&(b^s)>>63 != 0 {
		x.sat = true
		return sMax(64) + a>>63
	}
	return s
}

func lUqadd(x *lctx, a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 || s > emask(x.es) {
		x.sat = true
		return emask(x.es)
	}
	return s
}

func lSqsub(x *lctx, a, b uint64) uint64 {
	if x.es < 64 {
		return satS(x, sx(a, x.es)-sx(b, x.es))
	}
	s := a - b
	if (a^b)&(a^s)>>63 != 0 {
		x.sat = true
		return sMax(64) + a>>63
	}
	return s
}

func lUqsub(x *lctx, a, b uint64) uint64 {
	if a < b {
		x.sat = true
		return 0
	}
	return a - b
}

// Shifts by a signed register amount (ARM ARM C7.2 SSHL, USHL, SRSHL,
// URSHL, SQSHL, UQSHL, SQRSHL, UQRSHL): the low byte of b is the shift,
// negative shifts go right.
const (
	shSigned = 1 << iota
	shRound
	shSat
)

func shiftReg(x *lctx, a, b uint64, mode int) uint64 {
	sh := int(int8(b))
	if sh >= 0 {
		return shiftLeft(x, a, uint(sh), mode)
	}
	return shiftRight(x, a, uint(-sh), mode)
}

// shiftRight shifts the es-bit value a right by n (any n), rounding when
// asked: rounding adds bit n-1 of the value (no overflow).
func shiftRight(x *lctx, a uint64, n uint, mode int) uint64 {
	if mode&shSigned != 0 {
		v := sx(a, x.es)
		r := sshr(v, n)
		if mode&shRound != 0 && n > 0 {
			r += sshr(v, n-1) & 1
		}
		return uint64(r)
	}
	r := ushr(a, n)
	if mode&shRound != 0 && n > 0 {
		r += ushr(a, n-1) & 1
	}
	return r
}

func sshr(v int64, n uint) int64 {
	if n >= 64 {
		return v >> 63
	}
	return v >> n
}

func ushr(v uint64, n uint) uint64 {
	if n >= 64 {
		return 0
	}
	return v >> n
}

// shiftLeft shifts left by n, saturating when asked (signed or unsigned
// by mode; shSigned|shSat|shUnsignedResult is SQSHLU).
const shUnsignedResult = 1 << 3

func shiftLeft(x *lctx, a uint64, n uint, mode int) uint64 {
	if mode&shSat == 0 {
		if n >= 64 {
			return 0
		}
		return a << n
	}
	if mode&shSigned != 0 {
		v := sx(a, x.es)
		switch {
		case v == 0:
			return 0
		case mode&shUnsignedResult != 0 && v < 0:
			x.sat = true
			return 0
		case mode&shUnsignedResult != 0:
			return uqshlValue(x, uint64(v), n)
		case n >= x.es || (v<<n)>>n != v || sx(uint64(v<<n), x.es) != v<<n:
			x.sat = true
			if v < 0 {
				return uint64(int64(-1) << (x.es - 1))
			}
			return sMax(x.es)
		}
		return uint64(v << n)
	}
	return uqshlValue(x, a, n)
}

// uqshlValue shifts the unsigned value a left by n with saturation.
func uqshlValue(x *lctx, a uint64, n uint) uint64 {
	if a == 0 {
		return 0
	}
	if n >= x.es || (a<<n)>>n != a || (a<<n)&^emask(x.es) != 0 {
		x.sat = true
		return emask(x.es)
	}
	return a << n
}

func lSshl(x *lctx, a, b uint64) uint64   { return shiftReg(x, a, b, shSigned) }
func lUshl(x *lctx, a, b uint64) uint64   { return shiftReg(x, a, b, 0) }
func lSrshl(x *lctx, a, b uint64) uint64  { return shiftReg(x, a, b, shSigned|shRound) }
func lUrshl(x *lctx, a, b uint64) uint64  { return shiftReg(x, a, b, shRound) }
func lSqshl(x *lctx, a, b uint64) uint64  { return shiftReg(x, a, b, shSigned|shSat) }
func lUqshl(x *lctx, a, b uint64) uint64  { return shiftReg(x, a, b, shSat) }
func lSqrshl(x *lctx, a, b uint64) uint64 { return shiftReg(x, a, b, shSigned|shSat|shRound) }
func lUqrshl(x *lctx, a, b uint64) uint64 { return shiftReg(x, a, b, shSat|shRound) }

// lPmul is the polynomial (carry-less) multiply of bytes.
func lPmul(x *lctx, a, b uint64) uint64 {
	var r uint64
	for i := uint(0); i < 8; i++ {
		if b>>i&1 != 0 {
			r ^= a << i
		}
	}
	return r
}

// lSqdmulh: saturating doubling multiply returning the high half
// (es 16 or 32); only MIN*MIN saturates.
func lSqdmulh(x *lctx, a, b uint64) uint64 {
	p := sx(a, x.es) * sx(b, x.es)
	if p == int64(1)<<(2*x.es-2) {
		x.sat = true
		return sMax(x.es)
	}
	return uint64(p >> (x.es - 1))
}

// lSqrdmulh rounds: (2ab + 2^(es-1)) >> es.
func lSqrdmulh(x *lctx, a, b uint64) uint64 {
	p := sx(a, x.es) * sx(b, x.es)
	if p == int64(1)<<(2*x.es-2) {
		x.sat = true
		return sMax(x.es)
	}
	return uint64((p + int64(1)<<(x.es-2)) >> (x.es - 1))
}

// Unary lane functions (two-register miscellaneous).
func lAbs(x *lctx, a, _ uint64) uint64 {
	if v := sx(a, x.es); v < 0 {
		return uint64(-v)
	}
	return a
}
func lNeg(x *lctx, a, _ uint64) uint64 { return -a }
func lNot(x *lctx, a, _ uint64) uint64 { return ^a }
func lClz(x *lctx, a, _ uint64) uint64 { return uint64(bits.LeadingZeros64(a) - int(64-x.es)) }
func lCls(x *lctx, a, _ uint64) uint64 {
	v := uint64(sx(a, x.es))
	return uint64(bits.LeadingZeros64(v^v<<1|1) - int(64-x.es))
}
func lCnt(x *lctx, a, _ uint64) uint64  { return uint64(bits.OnesCount64(a)) }
func lRbit(x *lctx, a, _ uint64) uint64 { return uint64(bits.Reverse8(uint8(a))) }
func lSqabs(x *lctx, a, _ uint64) uint64 {
	v := sx(a, x.es)
	if v == int64(-1)<<(x.es-1) {
		x.sat = true
		return sMax(x.es)
	}
	if v < 0 {
		return uint64(-v)
	}
	return a
}
func lSqneg(x *lctx, a, _ uint64) uint64 {
	v := sx(a, x.es)
	if v == int64(-1)<<(x.es-1) {
		x.sat = true
		return sMax(x.es)
	}
	return uint64(-v)
}
func lCmgt0(x *lctx, a, _ uint64) uint64 { return bool2mask(sx(a, x.es) > 0) }
func lCmge0(x *lctx, a, _ uint64) uint64 { return bool2mask(sx(a, x.es) >= 0) }
func lCmeq0(x *lctx, a, _ uint64) uint64 { return bool2mask(a == 0) }
func lCmle0(x *lctx, a, _ uint64) uint64 { return bool2mask(sx(a, x.es) <= 0) }
func lCmlt0(x *lctx, a, _ uint64) uint64 { return bool2mask(sx(a, x.es) < 0) }

// lSuqadd: signed saturating accumulate of an unsigned value (d, n).
func lSuqadd(x *lctx, d, n uint64) uint64 {
	if x.es < 64 {
		return satS(x, sx(d, x.es)+int64(n))
	}
	s, carry := bits.Add64(d, n, 0)
	over := carry != 0 || int64(s) < 0
	if int64(d) < 0 {
		over = n > sMax(64)+(-d)
	}
	if over {
		x.sat = true
		return sMax(64)
	}
	return s
}

// lUsqadd: unsigned saturating accumulate of a signed value (d, n).
func lUsqadd(x *lctx, d, n uint64) uint64 {
	if x.es < 64 {
		return satU(x, int64(d)+sx(n, x.es))
	}
	if int64(n) < 0 {
		if -n > d {
			x.sat = true
			return 0
		}
		return d + n
	}
	s, carry := bits.Add64(d, n, 0)
	if carry != 0 {
		x.sat = true
		return allOnes
	}
	return s
}
