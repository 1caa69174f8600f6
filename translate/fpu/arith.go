package fpu

import (
	"math"
	"math/bits"
)

// Software (slow path) arithmetic, IEEE 754-2019 §5.4.1, for any format.

// addSub computes a+b, or a-b when sub is set. NaN operands are
// processed before b's sign is flipped (ARM ARM FPSub).
func (e *Env) addSub(f *format, a, b uint64, sub bool) uint64 {
	a, b = e.flush(f, a), e.flush(f, b)
	if f.isNaN(a) || f.isNaN(b) {
		return e.nan2(f, a, b)
	}
	if sub {
		b ^= f.sign
	}
	switch {
	case f.isInf(a):
		if f.isInf(b) && a != b {
			return e.invalid(f) // inf - inf, IEEE 754-2019 §7.2(d)
		}
		return a
	case f.isInf(b):
		return b
	case f.isZero(a):
		if f.isZero(b) && a != b {
			return zeroSum(f, e.RM)
		}
		return b
	case f.isZero(b):
		return a
	}
	return e.addFinite(f, a, b)
}

// addFinite adds two finite non-zero values.
func (e *Env) addFinite(f *format, a, b uint64) uint64 {
	ea, ma := f.unpack(a)
	eb, mb := f.unpack(b)
	if ea < eb || ea == eb && ma < mb {
		a, b, ea, eb, ma, mb = b, a, eb, ea, mb, ma
	}
	sign := a & f.sign
	mb = shrJam(mb, uint(ea-eb))
	if a&f.sign == b&f.sign {
		return e.roundPack(f, sign, ea, ma+mb, e.RM)
	}
	d := ma - mb
	if d == 0 {
		return zeroSum(f, e.RM)
	}
	return e.roundPack(f, sign, ea, d, e.RM)
}

// mulSpecial handles the special operands of a product; ok is false when
// both are finite and non-zero.
func (e *Env) mulSpecial(f *format, a, b uint64) (uint64, bool) {
	sign := (a ^ b) & f.sign
	if f.isInf(a) || f.isInf(b) {
		if f.isZero(a) || f.isZero(b) {
			return e.invalid(f), true // 0 * inf, IEEE 754-2019 §7.2(b)
		}
		return sign | f.inf, true
	}
	if f.isZero(a) || f.isZero(b) {
		return sign, true
	}
	return 0, false
}

// mul computes a*b.
func (e *Env) mul(f *format, a, b uint64) uint64 {
	a, b = e.flush(f, a), e.flush(f, b)
	if f.isNaN(a) || f.isNaN(b) {
		return e.nan2(f, a, b)
	}
	if r, ok := e.mulSpecial(f, a, b); ok {
		return r
	}
	exp, hi, lo := f.product(a, b)
	sig := hi<<2 | lo>>62
	if lo<<2 != 0 {
		sig |= 1
	}
	return e.roundPack(f, (a^b)&f.sign, exp, sig, e.RM)
}

// product returns the exact product of two finite non-zero values as
// hi:lo * 2^(exp-124), with hi:lo in [2^124, 2^126).
func (f *format) product(a, b uint64) (int, uint64, uint64) {
	ea, ma := f.unpack(a)
	eb, mb := f.unpack(b)
	hi, lo := bits.Mul64(ma, mb)
	return ea + eb, hi, lo
}

// div computes a/b; finite/0 raises DZ (IEEE 754-2019 §7.3).
func (e *Env) div(f *format, a, b uint64) uint64 {
	a, b = e.flush(f, a), e.flush(f, b)
	if f.isNaN(a) || f.isNaN(b) {
		return e.nan2(f, a, b)
	}
	sign := (a ^ b) & f.sign
	switch {
	case f.isInf(a):
		if f.isInf(b) {
			return e.invalid(f)
		}
		return sign | f.inf
	case f.isInf(b):
		return sign
	case f.isZero(b):
		if f.isZero(a) {
			return e.invalid(f)
		}
		e.Flags |= DZ
		return sign | f.inf
	case f.isZero(a):
		return sign
	}
	ea, ma := f.unpack(a)
	eb, mb := f.unpack(b)
	q, r := bits.Div64(ma>>2, ma<<62, mb) // q = ma*2^62/mb in (2^61, 2^63)
	exp, q := normalize(ea-eb, q)
	if r != 0 {
		q |= 1
	}
	return e.roundPack(f, sign, exp, q, e.RM)
}

// sqrt computes the square root; sqrt(-0) = -0 (IEEE 754-2019 §5.4.1).
func (e *Env) sqrt(f *format, a uint64) uint64 {
	a = e.flush(f, a)
	switch {
	case f.isNaN(a):
		return e.nan1(f, a)
	case f.isZero(a):
		return a
	case a&f.sign != 0:
		return e.invalid(f)
	case f.isInf(a):
		return a
	}
	ea, ma := f.unpack(a)
	s := 62 + uint(ea&1) // make the exponent of the radicand even
	hi, lo := shl128(0, ma, s)
	r, exact := isqrt128(hi, lo)
	if !exact {
		r |= 1
	}
	return e.roundPack(f, 0, (ea-62-int(s))/2+62, r, e.RM)
}

// isqrt128 returns floor(sqrt(hi:lo)) for hi:lo in [2^124, 2^126) and
// whether it is exact; a float estimate is refined by one Newton step.
func isqrt128(hi, lo uint64) (uint64, bool) {
	r := uint64(math.Sqrt(float64(hi)*0x1p64 + float64(lo)))
	q, _ := bits.Div64(hi, lo, r)
	r = (r + q) >> 1
	for {
		ph, pl := bits.Mul64(r, r)
		if ph < hi || ph == hi && pl <= lo {
			break
		}
		r--
	}
	for {
		ph, pl := bits.Mul64(r+1, r+1)
		if ph > hi || ph == hi && pl > lo {
			break
		}
		r++
	}
	ph, pl := bits.Mul64(r, r)
	return r, ph == hi && pl == lo
}

// mulAdd computes a*b+c with one rounding (IEEE 754-2019 §5.4.1
// fusedMultiplyAdd). NaN operands are checked in Arm order addend
// first (ARM ARM FPMulAdd). inf*0 raises NV even when c is a quiet NaN
// and then returns the default NaN: RISC-V "F" extension (FMA "must
// set the invalid operation exception flag when the multiplicands are
// inf and zero, even when the addend is a quiet NaN") and ARM ARM
// FPMulAdd (typeA == QNaN with inf*0 gives FPDefaultNaN and IOC) agree.
// With a signalling addend Arm returns that NaN quieted (FPProcessNaNs3).
func (e *Env) mulAdd(f *format, a, b, c uint64) uint64 {
	a, b, c = e.flush(f, a), e.flush(f, b), e.flush(f, c)
	infZero := f.isInf(a) && f.isZero(b) || f.isZero(a) && f.isInf(b)
	if f.isNaN(a) || f.isNaN(b) || f.isNaN(c) {
		if infZero && !f.isSNaN(c) {
			return e.invalid(f)
		}
		return e.nan3(f, c, a, b)
	}
	psign := (a ^ b) & f.sign
	switch {
	case infZero:
		return e.invalid(f)
	case f.isInf(a) || f.isInf(b):
		if f.isInf(c) && c&f.sign != psign {
			return e.invalid(f)
		}
		return psign | f.inf
	case f.isInf(c):
		return c
	case f.isZero(a) || f.isZero(b):
		if f.isZero(c) && c&f.sign != psign {
			return zeroSum(f, e.RM)
		}
		return c
	}
	ep, ph, pl := f.product(a, b)
	if f.isZero(c) {
		sig := ph<<2 | pl>>62
		if pl<<2 != 0 {
			sig |= 1
		}
		return e.roundPack(f, psign, ep, sig, e.RM)
	}
	return e.fusedSum(f, psign, ep, ph, pl, c)
}

// fusedSum adds finite non-zero c to the exact product
// (-1)^psign * ph:pl * 2^(ep-124) and rounds once.
func (e *Env) fusedSum(f *format, psign uint64, ep int, ph, pl, c uint64) uint64 {
	ec, mc := f.unpack(c)
	ch, cl := mc>>2, mc<<62 // same scale as the product
	csign := c & f.sign
	exp := ep
	if ep >= ec {
		ch, cl = shr128Jam(ch, cl, ep-ec)
	} else {
		ph, pl = shr128Jam(ph, pl, ec-ep)
		exp = ec
	}
	var hi, lo uint64
	sign := psign
	if psign == csign {
		var carry uint64
		lo, carry = bits.Add64(pl, cl, 0)
		hi, _ = bits.Add64(ph, ch, carry)
	} else {
		if ph < ch || ph == ch && pl < cl {
			ph, pl, ch, cl, sign = ch, cl, ph, pl, csign
		}
		var borrow uint64
		lo, borrow = bits.Sub64(pl, cl, 0)
		hi, _ = bits.Sub64(ph, ch, borrow)
		if hi|lo == 0 {
			return zeroSum(f, e.RM)
		}
	}
	lz := bits.LeadingZeros64(hi)
	if hi == 0 {
		lz = 64 + bits.LeadingZeros64(lo)
	}
	s := uint(lz - 1) // leading one to bit 126 (sum < 2^127)
	hi, lo = shl128(hi, lo, s)
	if lo != 0 {
		hi |= 1
	}
	return e.roundPack(f, sign, exp+2-int(s), hi, e.RM)
}
