package fpu

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestConvertTable(t *testing.T) {
	i32 := func(a uint64, rm RoundingMode) func(*Env) uint64 {
		return func(e *Env) uint64 { return uint64(uint32(F64ToI32(e, a, rm))) }
	}
	u32 := func(a uint64, rm RoundingMode) func(*Env) uint64 {
		return func(e *Env) uint64 { return uint64(F64ToU32(e, a, rm)) }
	}
	i64 := func(a uint64, rm RoundingMode) func(*Env) uint64 {
		return func(e *Env) uint64 { return uint64(F64ToI64(e, a, rm)) }
	}
	u64 := func(a uint64, rm RoundingMode) func(*Env) uint64 {
		return func(e *Env) uint64 { return F64ToU64(e, a, rm) }
	}
	const p63, m31 = 0x43e0000000000000, 0xc1e0000000000000 // 2^63, -2^31
	runTable(t, []tcase{
		{"-0.5 -> i32 RNE", envRV, i32(f64b(-0.5), RNE), 0, NX, false},
		{"-0.5 -> u32 RNE", envRV, u32(f64b(-0.5), RNE), 0, NX, false},
		{"-0.5 -> u32 RDN", envRV, u32(f64b(-0.5), RDN), 0, NV, false},
		{"-0.5 -> u64 RTZ", envRV, u64(f64b(-0.5), RTZ), 0, NX, false},
		{"-1 -> u64", envRV, u64(f64b(-1), RTZ), 0, NV, false},
		{"-0 -> u64", envRV, u64(nZero, RTZ), 0, 0, false},
		{"2^63 -> i64", envRV, i64(p63, RTZ), math.MaxInt64, NV, false},
		{"-2^63 -> i64", envRV, i64(p63|neg, RNE), 1 << 63, 0, false},
		{"-2^63-2048 -> i64", envRV, i64(0xc3e0000000000001, RNE), 1 << 63, NV, false},
		{"NaN -> i64", envRV, i64(qNaN2, RNE), math.MaxInt64, NV, false},
		{"sNaN -> u64", envRV, u64(sNaN1, RNE), math.MaxUint64, NV, false},
		{"-inf -> i64", envRV, i64(nInf, RNE), 1 << 63, NV, false},
		{"inf -> u32", envRV, u32(pInf, RNE), math.MaxUint32, NV, false},
		{"2^64 -> u64", envRV, u64(0x43f0000000000000, RNE), math.MaxUint64, NV, false},
		{"2^64-2048 -> u64", envRV, u64(0x43efffffffffffff, RNE), 0xfffffffffffff800, 0, false},
		{"2^31 -> i32", envRV, i32(0x41e0000000000000, RNE), math.MaxInt32, NV, false},
		{"2^31-0.5 -> i32 RNE", envRV, i32(f64b(2147483647.5), RNE), math.MaxInt32, NV, false},
		{"2^31-0.5 -> i32 RTZ", envRV, i32(f64b(2147483647.5), RTZ), math.MaxInt32, NX, false},
		{"-2^31-0.5 -> i32 RTZ", envRV, i32(f64b(-2147483648.5), RTZ), 1 << 31, NX, false},
		{"-2^31-0.5 -> i32 RNE", envRV, i32(f64b(-2147483648.5), RNE), 1 << 31, NX, false},
		{"-2^31-0.5 -> i32 RMM", envRV, i32(f64b(-2147483648.5), RMM), 1 << 31, NV, false},
		{"-2^31 -> i32", envRV, i32(m31, RNE), 1 << 31, 0, false},
		{"-2^31-1 -> i32", envRV, i32(f64b(-2147483649), RNE), 1 << 31, NV, false},
		{"NaN -> i32", envRV, i32(qNaN2, RNE), math.MaxInt32, NV, false},
		{"2^32-1 -> u32", envRV, u32(f64b(4294967295), RNE), math.MaxUint32, 0, false},
		{"2^32 -> u32", envRV, u32(f64b(4294967296), RNE), math.MaxUint32, NV, false},
		{"2.5 RNE", envRV, i32(f64b(2.5), RNE), 2, NX, false},
		{"2.5 RMM", envRV, i32(f64b(2.5), RMM), 3, NX, false},
		{"2.5 RUP", envRV, i32(f64b(2.5), RUP), 3, NX, false},
		{"2.5 RDN", envRV, i32(f64b(2.5), RDN), 2, NX, false},
		{"-2.5 RNE", envRV, i32(f64b(-2.5), RNE), uint64(uint32(0xfffffffe)), NX, false},
		{"-2.5 RMM", envRV, i32(f64b(-2.5), RMM), uint64(uint32(0xfffffffd)), NX, false},
		{"-2.5 RUP", envRV, i32(f64b(-2.5), RUP), uint64(uint32(0xfffffffe)), NX, false},
		{"-2.5 RDN", envRV, i32(f64b(-2.5), RDN), uint64(uint32(0xfffffffd)), NX, false},
		{"-2.5 RTZ", envRV, i32(f64b(-2.5), RTZ), uint64(uint32(0xfffffffe)), NX, false},
		{"3.5 RNE", envRV, i32(f64b(3.5), RNE), 4, NX, false},
		{"tiny RUP", envRV, i64(minSub, RUP), 1, NX, false},
		{"tiny RDN", envRV, i64(minSub|neg, RDN), math.MaxUint64, NX, false},
		{"FZ tiny RUP", envFZ, i64(minSub, RUP), 0, 0, true},
		{"f32 2^32 -> u32", envRV, func(e *Env) uint64 { return uint64(F32ToU32(e, 0x4f800000, RNE)) }, math.MaxUint32, NV, false},
		{"f32 max u32", envRV, func(e *Env) uint64 { return uint64(F32ToU32(e, 0x4f7fffff, RNE)) }, 0xffffff00, 0, false},
		{"f32 -1.5 -> i64", envRV, func(e *Env) uint64 { return uint64(F32ToI64(e, 0xbfc00000, RNE)) }, math.MaxUint64 - 1, NX, false},
		{"f32 NaN -> u64", envRV, func(e *Env) uint64 { return F32ToU64(e, 0xffc00000, RNE) }, math.MaxUint64, NV, false},
		{"f32 1e10 -> i32", envRV, func(e *Env) uint64 { return uint64(uint32(F32ToI32(e, f32b(1e10), RNE))) }, math.MaxInt32, NV, false},
	})
}

func TestIntToFloatTable(t *testing.T) {
	runTable(t, []tcase{
		{"2^53+1 RNE", envRV, func(e *Env) uint64 { return I64ToF64(e, 1<<53+1, RNE) }, 0x4340000000000000, NX, false},
		{"2^53+1 RUP", envRV, func(e *Env) uint64 { return I64ToF64(e, 1<<53+1, RUP) }, 0x4340000000000001, NX, false},
		{"-(2^53+1) RUP", envRV, func(e *Env) uint64 { return I64ToF64(e, -(1<<53 + 1), RUP) }, 0xc340000000000000, NX, false},
		{"2^53+3 RNE", envRV, func(e *Env) uint64 { return I64ToF64(e, 1<<53+3, RNE) }, 0x4340000000000002, NX, false},
		{"MinInt64", envRV, func(e *Env) uint64 { return I64ToF64(e, math.MinInt64, RNE) }, 0xc3e0000000000000, 0, false},
		{"MaxUint64 RNE", envRV, func(e *Env) uint64 { return U64ToF64(e, math.MaxUint64, RNE) }, 0x43f0000000000000, NX, false},
		{"MaxUint64 RTZ", envRV, func(e *Env) uint64 { return U64ToF64(e, math.MaxUint64, RTZ) }, 0x43efffffffffffff, NX, false},
		{"0", envRV, func(e *Env) uint64 { return I64ToF64(e, 0, RDN) }, 0, 0, false},
		{"i32 min", envRV, func(e *Env) uint64 { return I32ToF64(e, math.MinInt32, RNE) }, 0xc1e0000000000000, 0, false},
		{"u32 max", envRV, func(e *Env) uint64 { return U32ToF64(e, math.MaxUint32, RNE) }, 0x41efffffffe00000, 0, false},
		{"2^24+1 f32", envRV, func(e *Env) uint64 { return uint64(I32ToF32(e, 1<<24+1, RNE)) }, 0x4b800000, NX, false},
		{"2^24+1 f32 RMM", envRV, func(e *Env) uint64 { return uint64(I32ToF32(e, 1<<24+1, RMM)) }, 0x4b800001, NX, false},
		{"MinInt64 f32", envRV, func(e *Env) uint64 { return uint64(I64ToF32(e, math.MinInt64, RNE)) }, 0xdf000000, 0, false},
		{"MaxUint64 f32 RTZ", envRV, func(e *Env) uint64 { return uint64(U64ToF32(e, math.MaxUint64, RTZ)) }, 0x5f7fffff, NX, false},
		{"MaxUint32 f32", envRV, func(e *Env) uint64 { return uint64(U32ToF32(e, math.MaxUint32, RNE)) }, 0x4f800000, NX, false},
	})
}

func TestFloatConvertTable(t *testing.T) {
	f2d := func(a uint32) func(*Env) uint64 { return func(e *Env) uint64 { return F32ToF64(e, a) } }
	d2f := func(a uint64) func(*Env) uint64 { return func(e *Env) uint64 { return uint64(F64ToF32(e, a)) } }
	runTable(t, []tcase{
		{"f32 1.5", envRV, f2d(0x3fc00000), 0x3ff8000000000000, 0, false},
		{"f32 subnormal", envRV, f2d(1), 0x36a0000000000000, 0, false},
		{"f32 -inf", envRV, f2d(0xff800000), nInf, 0, false},
		{"f32 sNaN RV", envRV, f2d(0x7f800001), qNaN, NV, false},
		{"f32 sNaN Arm", envArm, f2d(0x7f800001), 0x7ff8000020000000, NV, false},
		{"f32 qNaN Arm", envArm, f2d(0xffc00123), 0xfff8002460000000, 0, false},
		{"f32 qNaN Arm DN", envArmD, f2d(0xffc00123), qNaN, 0, false},
		{"max -> f32", envRV, d2f(maxF), 0x7f800000, OF | NX, false},
		{"max -> f32 RTZ", withRM(envRV, RTZ), d2f(maxF), 0x7f7fffff, OF | NX, false},
		{"-max -> f32 RUP", withRM(envRV, RUP), d2f(maxF | neg), 0xff7fffff, OF | NX, false},
		{"1e-50 -> f32", envRV, d2f(f64b(1e-50)), 0, UF | NX, false},
		{"1e-50 -> f32 RUP", withRM(envRV, RUP), d2f(f64b(1e-50)), 1, UF | NX, false},
		{"-1e-50 -> f32 RDN", withRM(envRV, RDN), d2f(f64b(-1e-50)), 0x80000001, UF | NX, false},
		{"1/3 -> f32", envRV, d2f(f64b(1.0 / 3)), 0x3eaaaaab, NX, false},
		{"1/3 -> f32 RTZ", withRM(envRV, RTZ), d2f(f64b(1.0 / 3)), 0x3eaaaaaa, NX, false},
		{"qNaN payload -> f32", envArm, d2f(0x7ff8000000000123), 0x7fc00000, 0, false},
		{"sNaN payload -> f32", envArm, d2f(0xfff4000020000000), 0xffe00001, NV, false},
		{"sNaN -> f32 RV", envRV, d2f(0xfff4000020000000), 0x7fc00000, NV, false},
		{"h 1.0", envRV, func(e *Env) uint64 { return uint64(F16ToF32(e, 0x3c00)) }, 0x3f800000, 0, false},
		{"h min sub", envRV, func(e *Env) uint64 { return uint64(F16ToF32(e, 0x0001)) }, 0x33800000, 0, false},
		{"h -inf", envRV, func(e *Env) uint64 { return F16ToF64(e, 0xfc00) }, nInf, 0, false},
		{"h sNaN Arm", envArm, func(e *Env) uint64 { return uint64(F16ToF32(e, 0x7d01)) }, 0x7fe02000, NV, false},
		{"h 65519", envRV, func(e *Env) uint64 { return uint64(F32ToF16(e, f32b(65519))) }, 0x7bff, NX, false},
		{"h 65520", envRV, func(e *Env) uint64 { return uint64(F32ToF16(e, f32b(65520))) }, 0x7c00, OF | NX, false},
		{"h 65520 RTZ", withRM(envRV, RTZ), func(e *Env) uint64 { return uint64(F32ToF16(e, f32b(65520))) }, 0x7bff, NX, false},
		{"h 65536 RTZ", withRM(envRV, RTZ), func(e *Env) uint64 { return uint64(F32ToF16(e, f32b(65536))) }, 0x7bff, OF | NX, false},
		{"h 2^-25", envRV, func(e *Env) uint64 { return uint64(F32ToF16(e, f32b(0x1p-25))) }, 0, UF | NX, false},
		{"h 3*2^-26", envRV, func(e *Env) uint64 { return uint64(F32ToF16(e, f32b(0x3p-26))) }, 1, UF | NX, false},
		{"h from f64 one rounding", envRV,
			func(e *Env) uint64 { return uint64(F64ToF16(e, f64b(1+0x1p-11+0x1p-40))) }, 0x3c01, NX, false},
		{"h f32 sNaN Arm", envArm, func(e *Env) uint64 { return uint64(F32ToF16(e, 0xff802001)) }, 0xfe01, NV, false},
	})
}

func TestRoundToIntegralTable(t *testing.T) {
	ri := func(a uint64, rm RoundingMode, exact bool) func(*Env) uint64 {
		return func(e *Env) uint64 { return RoundToIntegral64(e, a, rm, exact) }
	}
	runTable(t, []tcase{
		{"2.5 RNE", envRV, ri(f64b(2.5), RNE, false), two, 0, false},
		{"2.5 RNE exact", envRV, ri(f64b(2.5), RNE, true), two, NX, false},
		{"2.5 RMM", envRV, ri(f64b(2.5), RMM, true), three, NX, false},
		{"-2.5 RUP", envRV, ri(f64b(-2.5), RUP, true), two | neg, NX, false},
		{"-0.3 RTZ", envRV, ri(f64b(-0.3), RTZ, true), nZero, NX, false},
		{"-0.3 RUP", envRV, ri(f64b(-0.3), RUP, false), nZero, 0, false},
		{"0.5 RDN", envRV, ri(half, RDN, true), pZero, NX, false},
		{"0.5 RNE", envRV, ri(half, RNE, true), pZero, NX, false},
		{"0.5 RMM", envRV, ri(half, RMM, true), one, NX, false},
		{"3 exact", envRV, ri(three, RNE, true), three, 0, false},
		{"1e300", envRV, ri(f64b(1e300), RUP, true), f64b(1e300), 0, false},
		{"2^51+0.5 RUP", envRV, ri(f64b(0x1p51+0.5), RUP, true), f64b(0x1p51 + 1), NX, false},
		{"-inf", envRV, ri(nInf, RNE, true), nInf, 0, false},
		{"sNaN RV", envRV, ri(sNaN1, RNE, false), qNaN, NV, false},
		{"sNaN Arm", envArm, ri(sNaN1, RNE, false), sNaN1 | 1<<51, NV, false},
		{"qNaN Arm", envArm, ri(qNaN2, RNE, true), qNaN2, 0, false},
		{"minSub RUP", envRV, ri(minSub, RUP, true), one, NX, false},
		{"f32 -1.5 RNE", envRV, func(e *Env) uint64 { return uint64(RoundToIntegral32(e, 0xbfc00000, RNE, true)) }, 0xc0000000, NX, false},
		{"f32 tiny RDN", envRV, func(e *Env) uint64 { return uint64(RoundToIntegral32(e, 0x80000001, RDN, false)) }, 0xbf800000, 0, false},
	})
}

// oracleToInt rounds the exact value of finite a to an integer in rm.
func oracleInt(f *format, a uint64, rm RoundingMode) (*big.Int, bool) {
	x := decode(f, a)
	t, _ := x.Int(nil) // toward zero
	fr := new(big.Float).SetPrec(2200).Sub(x, new(big.Float).SetInt(t))
	if fr.Sign() == 0 {
		return t, false
	}
	h := new(big.Float).Abs(fr).Cmp(big.NewFloat(0.5))
	away := false
	switch rm {
	case RTZ:
	case RDN:
		away = x.Sign() < 0
	case RUP:
		away = x.Sign() > 0
	case RMM:
		away = h >= 0
	default:
		away = h > 0 || h == 0 && t.Bit(0) == 1
	}
	if away {
		t.Add(t, big.NewInt(int64(x.Sign())))
	}
	return t, true
}

func TestOracleConvert(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for rm := RNE; rm <= RMM; rm++ {
		for i := 0; i < n; i++ {
			for _, f := range []*format{&f64, &f32} {
				a := genBits(r, f)
				if r.IntN(3) == 0 { // near integer range limits
					a = withField(f, a, uint64(f.bias+[]int{31, 32, 63, 64, 30, 52, 23}[r.IntN(7)]))
				}
				if err := checkToInt(f, a, rm); err != nil {
					t.Fatal(err)
				}
				if err := checkRoundInt(f, a, rm); err != nil {
					t.Fatal(err)
				}
			}
			if err := checkFloatConv(r, rm); err != nil {
				t.Fatal(err)
			}
			if err := checkFromInt(genInt(r), rm); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func checkToInt(f *format, a uint64, rm RoundingMode) error {
	if !finite(f, a) {
		return nil
	}
	v, inexact := oracleInt(f, a, rm)
	type conv struct {
		n      uint
		signed bool
	}
	for _, c := range []conv{{64, true}, {64, false}, {32, true}, {32, false}} {
		lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), c.n)
		if c.signed {
			hi.Rsh(hi, 1)
			lo.Neg(hi)
		}
		hi.Sub(hi, big.NewInt(1))
		var want uint64
		var wf Flags
		switch {
		case v.Cmp(lo) < 0:
			want, wf = lo.Uint64(), NV
			if c.signed {
				want = uint64(lo.Int64())
			}
		case v.Cmp(hi) > 0:
			want, wf = hi.Uint64(), NV
		default:
			want = uint64(v.Int64())
			if !c.signed {
				want = v.Uint64()
			}
			if inexact {
				wf = NX
			}
		}
		want &= 1<<c.n - 1
		for _, fast := range []bool{true, false} {
			fastPath = fast
			e := Env{}
			got := toIntPublic(&e, f, a, rm, c.n, c.signed) & (1<<c.n - 1)
			fastPath = true
			if got != want || e.Flags != wf {
				return fmt.Errorf("toInt%d/%v(%#x fmt %d) rm=%d fast=%v: got %#x %05b want %#x %05b",
					c.n, c.signed, a, f.frac, rm, fast, got, e.Flags, want, wf)
			}
		}
	}
	return nil
}

// toIntPublic calls the public conversion for the given shape.
func toIntPublic(e *Env, f *format, a uint64, rm RoundingMode, n uint, signed bool) uint64 {
	switch {
	case f == &f64 && n == 64 && signed:
		return uint64(F64ToI64(e, a, rm))
	case f == &f64 && n == 64:
		return F64ToU64(e, a, rm)
	case f == &f64 && signed:
		return uint64(F64ToI32(e, a, rm))
	case f == &f64:
		return uint64(F64ToU32(e, a, rm))
	case n == 64 && signed:
		return uint64(F32ToI64(e, uint32(a), rm))
	case n == 64:
		return F32ToU64(e, uint32(a), rm)
	case signed:
		return uint64(F32ToI32(e, uint32(a), rm))
	}
	return uint64(F32ToU32(e, uint32(a), rm))
}

func checkRoundInt(f *format, a uint64, rm RoundingMode) error {
	if !finite(f, a) {
		return nil
	}
	v, inexact := oracleInt(f, a, rm)
	want := a & f.sign
	if v.Sign() != 0 {
		x := new(big.Float).SetInt(v)
		w, _ := oracleRound(f, x, RNE, false, false) // exact
		want = w
	}
	var wf Flags
	if inexact {
		wf = NX
	}
	for _, fast := range []bool{true, false} {
		fastPath = fast
		e := Env{}
		var got uint64
		if f == &f64 {
			got = RoundToIntegral64(&e, a, rm, true)
		} else {
			got = uint64(RoundToIntegral32(&e, uint32(a), rm, true))
		}
		fastPath = true
		if got != want || e.Flags != wf {
			return fmt.Errorf("RoundToIntegral(%#x fmt %d) rm=%d fast=%v: got %#x %05b want %#x %05b",
				a, f.frac, rm, fast, got, e.Flags, want, wf)
		}
	}
	return nil
}

// checkFloatConv checks one random conversion between binary formats.
func checkFloatConv(r *rand.Rand, rm RoundingMode) error {
	type conv struct {
		from, to *format
		fn       func(e *Env, a uint64) uint64
	}
	convs := []conv{
		{&f64, &f32, func(e *Env, a uint64) uint64 { return uint64(F64ToF32(e, a)) }},
		{&f32, &f64, func(e *Env, a uint64) uint64 { return F32ToF64(e, uint32(a)) }},
		{&f32, &f16, func(e *Env, a uint64) uint64 { return uint64(F32ToF16(e, uint32(a))) }},
		{&f64, &f16, func(e *Env, a uint64) uint64 { return uint64(F64ToF16(e, a)) }},
		{&f16, &f32, func(e *Env, a uint64) uint64 { return uint64(F16ToF32(e, uint16(a))) }},
		{&f16, &f64, func(e *Env, a uint64) uint64 { return F16ToF64(e, uint16(a)) }},
	}
	c := convs[r.IntN(len(convs))]
	a := genBits(r, c.from)
	if c.to.frac < c.from.frac && r.IntN(2) == 0 { // aim near the target's range edges
		lim := []int{1 - c.to.bias, -c.to.bias - int(c.to.frac), c.to.bias}[r.IntN(3)] + r.IntN(5) - 2
		a = withField(c.from, a, uint64(lim+c.from.bias))
	}
	if !finite(c.from, a) || c.from.isZero(a) {
		return nil
	}
	cfg := uint8(r.IntN(16))
	env := envFrom(rm, cfg)
	fa := flushed(c.from, a, env.FlushToZero && c.from.ftz)
	var want uint64
	var wf Flags
	if c.from.isZero(fa) {
		if fa != 0 {
			want = c.to.sign
		}
	} else {
		want, wf = oracleRound(c.to, decode(c.from, fa), rm, env.FlushToZero, env.TininessBeforeRounding)
	}
	for _, fast := range []bool{true, false} {
		fastPath = fast
		e := env
		got := c.fn(&e, a)
		fastPath = true
		if got != want || e.Flags != wf {
			return fmt.Errorf("convert %d->%d (%#x) rm=%d cfg=%d fast=%v: got %#x %05b want %#x %05b",
				c.from.frac, c.to.frac, a, rm, cfg, fast, got, e.Flags, want, wf)
		}
	}
	return nil
}

func checkFromInt(x uint64, rm RoundingMode) error {
	type conv struct {
		to  *format
		val *big.Int
		fn  func(e *Env) uint64
	}
	convs := []conv{
		{&f64, big.NewInt(int64(x)), func(e *Env) uint64 { return I64ToF64(e, int64(x), rm) }},
		{&f64, new(big.Int).SetUint64(x), func(e *Env) uint64 { return U64ToF64(e, x, rm) }},
		{&f64, big.NewInt(int64(int32(x))), func(e *Env) uint64 { return I32ToF64(e, int32(x), rm) }},
		{&f64, big.NewInt(int64(uint32(x))), func(e *Env) uint64 { return U32ToF64(e, uint32(x), rm) }},
		{&f32, big.NewInt(int64(x)), func(e *Env) uint64 { return uint64(I64ToF32(e, int64(x), rm)) }},
		{&f32, new(big.Int).SetUint64(x), func(e *Env) uint64 { return uint64(U64ToF32(e, x, rm)) }},
		{&f32, big.NewInt(int64(int32(x))), func(e *Env) uint64 { return uint64(I32ToF32(e, int32(x), rm)) }},
		{&f32, big.NewInt(int64(uint32(x))), func(e *Env) uint64 { return uint64(U32ToF32(e, uint32(x), rm)) }},
	}
	for i, c := range convs {
		var want uint64
		var wf Flags
		if c.val.Sign() != 0 {
			want, wf = oracleRound(c.to, new(big.Float).SetInt(c.val), rm, false, false)
		}
		for _, fast := range []bool{true, false} {
			fastPath = fast
			e := Env{}
			got := c.fn(&e)
			fastPath = true
			if got != want || e.Flags != wf {
				return fmt.Errorf("int conv %d (%#x) rm=%d fast=%v: got %#x %05b want %#x %05b",
					i, x, rm, fast, got, e.Flags, want, wf)
			}
		}
	}
	return nil
}
