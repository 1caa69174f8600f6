package fpu

import "math"

// Arithmetic entry points (IEEE 754-2019 §5.4.1), rounding with e.RM.
// Each tries the host fast path (fast.go) and falls back to software.

// Add64 returns a+b.
func Add64(e *Env, a, b uint64) uint64 {
	if fastPath && addable64(a) && addable64(b) {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		s := x + y
		r, st := fin64(e, s, twoSumErr(x, y, s), lo2)
		if st == stDone {
			return r
		}
		if s == 0 { // exact cancellation
			return zeroSum(&f64, e.RM)
		}
		if r, ok := redo64(e, r, st); ok {
			return r
		}
	}
	return e.addSub(&f64, a, b, false)
}

// Sub64 returns a-b.
func Sub64(e *Env, a, b uint64) uint64 {
	if fastPath && addable64(a) && addable64(b) {
		x, y := math.Float64frombits(a), -math.Float64frombits(b)
		s := x + y
		r, st := fin64(e, s, twoSumErr(x, y, s), lo2)
		if st == stDone {
			return r
		}
		if s == 0 {
			return zeroSum(&f64, e.RM)
		}
		if r, ok := redo64(e, r, st); ok {
			return r
		}
	}
	return e.addSub(&f64, a, b, true)
}

// Mul64 returns a*b.
func Mul64(e *Env, a, b uint64) uint64 {
	if fastPath && normal64(a) && normal64(b) {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		p := x * y
		r, st := fin64(e, p, math.FMA(x, y, -p), loErr64)
		if st == stDone {
			return r
		}
		if r, ok := redo64(e, r, st); ok {
			return r
		}
	}
	return e.mul(&f64, a, b)
}

// Div64 returns a/b.
func Div64(e *Env, a, b uint64) uint64 {
	if fastPath && normal64(a) && normal64(b) && a>>52&0x7ff >= loErr64 {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		q := x / y
		rem := math.FMA(-q, y, x) // exact remainder
		if y < 0 {
			rem = -rem
		}
		r, st := fin64(e, q, rem, lo2)
		if st == stDone {
			return r
		}
		if r, ok := redo64(e, r, st); ok {
			return r
		}
	}
	return e.div(&f64, a, b)
}

// Sqrt64 returns the square root of a.
func Sqrt64(e *Env, a uint64) uint64 {
	if fastPath && a>>52-loErr64 < 0x7ff-loErr64 { // positive, exponent >= loErr64
		x := math.Float64frombits(a)
		s := math.Sqrt(x)
		r, st := fin64(e, s, math.FMA(-s, s, x), lo2)
		if st == stDone {
			return r
		}
		if r, ok := redo64(e, r, st); ok {
			return r
		}
	}
	return e.sqrt(&f64, a)
}

// MulAdd64 returns a*b+c rounded once (IEEE 754-2019 fusedMultiplyAdd).
// Callers build fmsub/fnmadd/fnmsub by flipping input sign bits. NaN
// rules: inf*0 raises NV and returns the default NaN even when c is a
// quiet NaN (RISC-V "F" extension; ARM ARM FPMulAdd does the same).
// In PropagateNaN mode operands are ranked in Arm order addend first:
// c, a, b (ARM ARM FPProcessNaNs3(addend, op1, op2)); a signalling c
// with inf*0 gives c quieted.
func MulAdd64(e *Env, a, b, c uint64) uint64 {
	if fastPath && normal64(a) && normal64(b) {
		x, y, z := math.Float64frombits(a), math.Float64frombits(b), math.Float64frombits(c)
		var r uint64
		st := stSlow
		if c<<1 == 0 { // a*b+0 is the rounded product
			p := x * y
			r, st = fin64(e, p, math.FMA(x, y, -p), loErr64)
		} else if normal64(c) && fmaSafe64(a, b, c) {
			s := math.FMA(x, y, z)
			r, st = fin64(e, s, fmaErr(x, y, z, s), lo2)
		}
		if st == stDone {
			return r
		}
		if r, ok := redo64(e, r, st); ok {
			return r
		}
	}
	return e.mulAdd(&f64, a, b, c)
}

func f32to64(a uint32) float64 { return float64(math.Float32frombits(a)) }

// Add32 returns a+b.
func Add32(e *Env, a, b uint32) uint32 {
	if fastPath && normal32(a) && normal32(b) {
		x, y := f32to64(a), f32to64(b)
		s := x + y
		r, st := fin32(e, s, twoSumErr(x, y, s))
		if st == stDone {
			return r
		}
		if s == 0 {
			return uint32(zeroSum(&f32, e.RM))
		}
		if r, ok := redo32(e, r, st); ok {
			return r
		}
	}
	return uint32(e.addSub(&f32, uint64(a), uint64(b), false))
}

// Sub32 returns a-b.
func Sub32(e *Env, a, b uint32) uint32 {
	if fastPath && normal32(a) && normal32(b) {
		x, y := f32to64(a), -f32to64(b)
		s := x + y
		r, st := fin32(e, s, twoSumErr(x, y, s))
		if st == stDone {
			return r
		}
		if s == 0 {
			return uint32(zeroSum(&f32, e.RM))
		}
		if r, ok := redo32(e, r, st); ok {
			return r
		}
	}
	return uint32(e.addSub(&f32, uint64(a), uint64(b), true))
}

// Mul32 returns a*b.
func Mul32(e *Env, a, b uint32) uint32 {
	if fastPath && normal32(a) && normal32(b) {
		r, st := fin32(e, f32to64(a)*f32to64(b), 0) // exact product
		if st == stDone {
			return r
		}
		if r, ok := redo32(e, r, st); ok {
			return r
		}
	}
	return uint32(e.mul(&f32, uint64(a), uint64(b)))
}

// Div32 returns a/b.
func Div32(e *Env, a, b uint32) uint32 {
	if fastPath && normal32(a) && normal32(b) {
		x, y := f32to64(a), f32to64(b)
		q := x / y
		rem := math.FMA(-q, y, x)
		if y < 0 {
			rem = -rem
		}
		r, st := fin32(e, q, rem)
		if st == stDone {
			return r
		}
		if r, ok := redo32(e, r, st); ok {
			return r
		}
	}
	return uint32(e.div(&f32, uint64(a), uint64(b)))
}

// Sqrt32 returns the square root of a.
func Sqrt32(e *Env, a uint32) uint32 {
	if fastPath && a>>23-1 < 0xfe { // positive normal
		x := f32to64(a)
		s := math.Sqrt(x)
		r, st := fin32(e, s, math.FMA(-s, s, x))
		if st == stDone {
			return r
		}
		if r, ok := redo32(e, r, st); ok {
			return r
		}
	}
	return uint32(e.sqrt(&f32, uint64(a)))
}

// MulAdd32 returns a*b+c rounded once; NaN rules as MulAdd64.
func MulAdd32(e *Env, a, b, c uint32) uint32 {
	if fastPath && normal32(a) && normal32(b) && (normal32(c) || c<<1 == 0) {
		p := float64(f32to64(a) * f32to64(b)) // exact; no fusion with +z
		z := f32to64(c)
		s := p + z
		err := twoSumErr(p, z, s)
		// A binary32 midpoint s with err != 0 would round twice wrongly.
		if s != 0 && (err == 0 || math.Float64bits(s)&(1<<29-1) != 1<<28) {
			r, st := fin32(e, s, err)
			if st == stDone {
				return r
			}
			if r, ok := redo32(e, r, st); ok {
				return r
			}
		}
	}
	return uint32(e.mulAdd(&f32, uint64(a), uint64(b), uint64(c)))
}
