package fpu

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// An independent oracle built on math/big: exact (or sticky-jammed)
// results are rounded to the target format by big.Float, with the
// subnormal grid, exponent range, tininess and flush-to-zero modelled
// here rather than taken from the package.

func bigMode(rm RoundingMode) big.RoundingMode {
	switch rm {
	case RTZ:
		return big.ToZero
	case RDN:
		return big.ToNegativeInf
	case RUP:
		return big.ToPositiveInf
	case RMM:
		return big.ToNearestAway
	}
	return big.ToNearestEven
}

func pow2(e int) *big.Float { return new(big.Float).SetMantExp(big.NewFloat(1), e) }

// decode returns the exact value of a finite encoding.
func decode(f *format, x uint64) *big.Float {
	fld := int(field(f, x))
	m := x & f.fracMask
	exp := 1 - f.bias - int(f.frac)
	if fld != 0 {
		m |= 1 << f.frac
		exp = fld - f.bias - int(f.frac)
	}
	v := new(big.Float).SetUint64(m)
	v.SetMantExp(v, exp)
	if x&f.sign != 0 {
		v.Neg(v)
	}
	return v
}

// encode returns the encoding of |r|, which must be representable.
func encode(f *format, r *big.Float) uint64 {
	if r.Sign() == 0 {
		return 0
	}
	a := new(big.Float).Abs(r)
	e := a.MantExp(nil) - 1 // a in [2^e, 2^(e+1))
	emin := 1 - f.bias
	if e < emin {
		u, acc := new(big.Float).SetMantExp(a, int(f.frac)-emin).Uint64()
		if acc != big.Exact {
			panic("encode: not representable")
		}
		return u
	}
	u, acc := new(big.Float).SetMantExp(a, int(f.frac)-e).Uint64()
	if acc != big.Exact {
		panic("encode: not representable")
	}
	return uint64(e+f.bias)<<f.frac | u&f.fracMask
}

// oracleRound rounds the non-zero value x (exact, or jammed far below
// the format's precision) to f.
func oracleRound(f *format, x *big.Float, rm RoundingMode, ftz, before bool) (uint64, Flags) {
	p := f.frac + 1
	mode := bigMode(rm)
	var sign uint64
	if x.Signbit() {
		sign = f.sign
	}
	minNorm := pow2(1 - f.bias)
	ax := new(big.Float).Abs(x)
	tinyBefore := ax.Cmp(minNorm) < 0
	r := new(big.Float).SetPrec(p).SetMode(mode).Set(x)
	tinyAfter := new(big.Float).Abs(r).Cmp(minNorm) < 0
	if ftz && f.ftz && tinyBefore {
		return sign, UF
	}
	if new(big.Float).Abs(r).Cmp(pow2(f.bias+1)) >= 0 {
		toInf := rm == RNE || rm == RMM || rm == RDN && sign != 0 || rm == RUP && sign == 0
		if toInf {
			return sign | f.inf, OF | NX
		}
		return sign | f.maxFin, OF | NX
	}
	inexact := r.Acc() != big.Exact
	var flags Flags
	if tinyBefore {
		sm := new(big.Float).Set(minNorm)
		if sign != 0 {
			sm.Neg(sm)
		}
		s := new(big.Float).SetPrec(p).SetMode(mode).Add(x, sm)
		inexact = s.Acc() != big.Exact
		r = new(big.Float).SetPrec(256).Sub(s, sm)
		tiny := tinyAfter
		if before {
			tiny = true
		}
		if inexact && tiny {
			flags |= UF
		}
	}
	if inexact {
		flags |= NX
	}
	return sign | encode(f, r), flags
}

// jam nudges a truncated-toward-zero approximation q (precision 256)
// strictly between q and the next value, keeping the side of the true
// result for every coarser rounding.
func jam(q *big.Float, up bool) *big.Float {
	t := pow2(q.MantExp(nil) - 300)
	if !up {
		t.Neg(t)
	}
	return new(big.Float).SetPrec(400).Add(q, t)
}

// exactOp returns the exact or jammed result of an arithmetic op on
// finite operands, or nil when the result is zero or special.
func exactOp(name string, f *format, a, b, c uint64) *big.Float {
	x, y, z := decode(f, a), decode(f, b), decode(f, c)
	wide := func() *big.Float { return new(big.Float).SetPrec(4600) }
	var v *big.Float
	switch name {
	case "add":
		v = wide().Add(x, y)
	case "sub":
		v = wide().Sub(x, y)
	case "mul":
		v = wide().Mul(x, y)
	case "fma":
		v = wide().Add(wide().Mul(x, y), z)
	case "div":
		if y.Sign() == 0 {
			return nil
		}
		v = new(big.Float).SetPrec(256).SetMode(big.ToZero).Quo(x, y)
		if v.Acc() != big.Exact {
			v = jam(v, v.Sign() > 0) // true quotient lies farther from 0
		}
	case "sqrt":
		if x.Sign() < 0 {
			return nil
		}
		v = oracleSqrt(x)
	}
	if v == nil || v.Sign() == 0 {
		return nil
	}
	return v
}

// oracleSqrt returns sqrt(x) exactly, or jammed when irrational.
func oracleSqrt(x *big.Float) *big.Float {
	if x.Sign() == 0 {
		return nil
	}
	r := new(big.Float).SetPrec(256).Sqrt(x)
	c := new(big.Float).SetPrec(60).Set(r)
	if new(big.Float).SetPrec(200).Mul(c, c).Cmp(x) == 0 {
		return c
	}
	sq := new(big.Float).SetPrec(1024).Mul(r, r)
	return jam(r, sq.Cmp(x) < 0)
}

type arithCase struct {
	name string
	fn64 func(e *Env, a, b, c uint64) uint64
	fn32 func(e *Env, a, b, c uint32) uint32
}

var arithCases = []arithCase{
	{"add", func(e *Env, a, b, c uint64) uint64 { return Add64(e, a, b) },
		func(e *Env, a, b, c uint32) uint32 { return Add32(e, a, b) }},
	{"sub", func(e *Env, a, b, c uint64) uint64 { return Sub64(e, a, b) },
		func(e *Env, a, b, c uint32) uint32 { return Sub32(e, a, b) }},
	{"mul", func(e *Env, a, b, c uint64) uint64 { return Mul64(e, a, b) },
		func(e *Env, a, b, c uint32) uint32 { return Mul32(e, a, b) }},
	{"div", func(e *Env, a, b, c uint64) uint64 { return Div64(e, a, b) },
		func(e *Env, a, b, c uint32) uint32 { return Div32(e, a, b) }},
	{"sqrt", func(e *Env, a, b, c uint64) uint64 { return Sqrt64(e, a) },
		func(e *Env, a, b, c uint32) uint32 { return Sqrt32(e, a) }},
	{"fma", MulAdd64, MulAdd32},
}

func finite(f *format, xs ...uint64) bool {
	for _, x := range xs {
		if f.isNaN(x) || f.isInf(x) {
			return false
		}
	}
	return true
}

// flushed applies flush-to-zero to an input for the oracle.
func flushed(f *format, x uint64, ftz bool) uint64 {
	if ftz && field(f, x) == 0 {
		return x & f.sign
	}
	return x
}

func TestOracleArith(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 1500
	if testing.Short() {
		n = 150
	}
	for _, ac := range arithCases {
		for _, f := range []*format{&f64, &f32} {
			for rm := RNE; rm <= RMM; rm++ {
				for i := 0; i < n; i++ {
					a, b, c := genTriple(r, f)
					if err := checkArith(ac, f, rm, uint8(r.IntN(16)), a, b, c); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
}

func checkArith(ac arithCase, f *format, rm RoundingMode, cfg uint8, a, b, c uint64) error {
	if !finite(f, a, b, c) {
		return nil
	}
	env := envFrom(rm, cfg)
	fa, fb, fc := flushed(f, a, env.FlushToZero), flushed(f, b, env.FlushToZero), flushed(f, c, env.FlushToZero)
	x := exactOp(ac.name, f, fa, fb, fc)
	if x == nil {
		return nil
	}
	want, wflags := oracleRound(f, x, rm, env.FlushToZero, env.TininessBeforeRounding)
	for _, fast := range []bool{true, false} {
		fastPath = fast
		e := env
		var got uint64
		if f == &f64 {
			got = ac.fn64(&e, a, b, c)
		} else {
			got = uint64(ac.fn32(&e, uint32(a), uint32(b), uint32(c)))
		}
		fastPath = true
		if got != want || e.Flags != wflags {
			return fmt.Errorf("%s/%d(%#x, %#x, %#x) rm=%d cfg=%d fast=%v: got %#x flags %05b, want %#x flags %05b",
				ac.name, f.frac, a, b, c, rm, cfg, fast, got, e.Flags, want, wflags)
		}
	}
	return nil
}

// TestHostRNE checks the software path against the host FPU for RNE.
func TestHostRNE(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	fastPath = false
	defer func() { fastPath = true }()
	for i := 0; i < 20000; i++ {
		a, b := genPair(r, &f64)
		c := genBits(r, &f64)
		x, y, z := math.Float64frombits(a), math.Float64frombits(b), math.Float64frombits(c)
		var e Env
		check := func(name string, got uint64, want float64) {
			if math.IsNaN(want) {
				if !IsNaN64(got) {
					t.Fatalf("%s(%#x, %#x, %#x) = %#x, want NaN", name, a, b, c, got)
				}
				return
			}
			if got != math.Float64bits(want) {
				t.Fatalf("%s(%#x, %#x, %#x) = %#x, want %#x", name, a, b, c, got, math.Float64bits(want))
			}
		}
		check("Add64", Add64(&e, a, b), x+y)
		check("Sub64", Sub64(&e, a, b), x-y)
		check("Mul64", Mul64(&e, a, b), x*y)
		check("Div64", Div64(&e, a, b), x/y)
		check("Sqrt64", Sqrt64(&e, a), math.Sqrt(x))
		check("MulAdd64", MulAdd64(&e, a, b, c), math.FMA(x, y, z))
		a32, b32 := genPair(r, &f32)
		p, q := math.Float32frombits(uint32(a32)), math.Float32frombits(uint32(b32))
		check32 := func(name string, got uint32, want float32) {
			if want != want {
				if !IsNaN32(got) {
					t.Fatalf("%s(%#x, %#x) = %#x, want NaN", name, a32, b32, got)
				}
				return
			}
			if got != math.Float32bits(want) {
				t.Fatalf("%s(%#x, %#x) = %#x, want %#x", name, a32, b32, got, math.Float32bits(want))
			}
		}
		check32("Add32", Add32(&e, uint32(a32), uint32(b32)), p+q)
		check32("Mul32", Mul32(&e, uint32(a32), uint32(b32)), p*q)
		check32("Div32", Div32(&e, uint32(a32), uint32(b32)), p/q)
		check32("F64ToF32", F64ToF32(&e, a), float32(x))
	}
}

// toFormat returns the nearest encoding of f to v (v finite), or false
// when it overflows.
func toFormat(f *format, v *big.Float) (uint64, bool) {
	var u uint64
	if f == &f64 {
		x, _ := v.Float64()
		u = math.Float64bits(x)
	} else {
		x, _ := v.Float32()
		u = uint64(math.Float32bits(x))
	}
	return u, !f.isInf(u)
}

// genNear returns operands whose exact result lies within a few ulps of
// a rounding-range boundary: the smallest normal, the overflow
// threshold, or a random subnormal.
func genNear(r *rand.Rand, f *format, name string) (uint64, uint64, uint64, bool) {
	var target *big.Float
	switch r.IntN(4) {
	case 0, 1:
		target = pow2(1 - f.bias)
	case 2:
		target = new(big.Float).Add(decode(f, f.maxFin), pow2(f.bias-int(f.frac)-1))
	default:
		target = decode(f, r.Uint64N(1<<f.frac))
	}
	if r.IntN(2) == 0 {
		target.Neg(target)
	}
	b := genBits(r, f) &^ (f.expMax << f.frac)
	b |= (uint64(f.bias) + r.Uint64N(40) - 20) << f.frac // moderate
	var a, c uint64
	var ok bool
	big := func() *big.Float { return new(big.Float).SetPrec(200) }
	switch name {
	case "add":
		a, ok = toFormat(f, big().Sub(target, decode(f, b)))
	case "sub":
		a, ok = toFormat(f, big().Add(target, decode(f, b)))
	case "mul":
		a, ok = toFormat(f, big().Quo(target, decode(f, b)))
	case "div":
		a, ok = toFormat(f, big().Mul(target, decode(f, b)))
	case "fma":
		a = genBits(r, f)&^(f.expMax<<f.frac) | uint64(f.bias-r.IntN(f.bias/2))<<f.frac
		b = withField(f, b, uint64(f.bias-r.IntN(f.bias/2)))
		c, ok = toFormat(f, big().Sub(target, big().Mul(decode(f, a), decode(f, b))))
	default:
		return 0, 0, 0, false
	}
	if name != "fma" {
		if j := a + uint64(r.IntN(5)) - 2; sameClass(f, a, j) {
			a = j
		}
	}
	return a, b, c, ok
}

func TestOracleBoundaries(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n := 800
	if testing.Short() {
		n = 80
	}
	for _, ac := range arithCases {
		for _, f := range []*format{&f64, &f32} {
			for rm := RNE; rm <= RMM; rm++ {
				for i := 0; i < n; i++ {
					a, b, c, ok := genNear(r, f, ac.name)
					if !ok {
						continue
					}
					if err := checkArith(ac, f, rm, uint8(r.IntN(16)), a, b, c); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
}
