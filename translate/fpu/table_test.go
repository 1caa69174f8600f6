package fpu

import (
	"math"
	"testing"
)

// Hand-written cases for each special rule.

const (
	one    = 0x3ff0000000000000
	two    = 0x4000000000000000
	three  = 0x4008000000000000
	half   = 0x3fe0000000000000
	pZero  = 0
	nZero  = 1 << 63
	pInf   = 0x7ff0000000000000
	nInf   = 0xfff0000000000000
	qNaN   = CanonicalNaN64
	qNaN1  = 0x7ff8000000000111 // quiet, payload
	qNaN2  = 0xfff8000000000222 // quiet, negative
	qNaN3  = 0x7ff8000000000333
	sNaN1  = 0x7ff0000000000444 // signalling
	sNaN2  = 0xfff4000000000555
	sNaN3  = 0x7ff0000000000666
	maxF   = 0x7fefffffffffffff
	minN   = 0x0010000000000000
	minSub = 1
	neg    = 1 << 63
)

func f64b(x float64) uint64 { return math.Float64bits(x) }
func f32b(x float32) uint32 { return math.Float32bits(x) }

var (
	envRV   = Env{}
	envArm  = Env{NaN: PropagateNaN, TininessBeforeRounding: true}
	envArmD = Env{NaN: PropagateNaN, DefaultNaN: true, TininessBeforeRounding: true}
	envFZ   = Env{NaN: PropagateNaN, FlushToZero: true, TininessBeforeRounding: true}
)

func withRM(e Env, rm RoundingMode) Env { e.RM = rm; return e }

type tcase struct {
	name  string
	env   Env
	fn    func(e *Env) uint64
	want  uint64
	flags Flags
	idc   bool // expected InputDenormal
}

func runTable(t *testing.T, cases []tcase) {
	t.Helper()
	for _, fast := range []bool{true, false} {
		fastPath = fast
		for _, c := range cases {
			e := c.env
			got := c.fn(&e)
			if got != c.want || e.Flags != c.flags || e.InputDenormal != c.idc {
				t.Errorf("%s (fast=%v): got %#x flags %05b idc %v, want %#x flags %05b idc %v",
					c.name, fast, got, e.Flags, e.InputDenormal, c.want, c.flags, c.idc)
			}
		}
	}
	fastPath = true
}

func add(a, b uint64) func(*Env) uint64 { return func(e *Env) uint64 { return Add64(e, a, b) } }
func sub(a, b uint64) func(*Env) uint64 { return func(e *Env) uint64 { return Sub64(e, a, b) } }
func mul(a, b uint64) func(*Env) uint64 { return func(e *Env) uint64 { return Mul64(e, a, b) } }
func div(a, b uint64) func(*Env) uint64 { return func(e *Env) uint64 { return Div64(e, a, b) } }
func sqrt(a uint64) func(*Env) uint64   { return func(e *Env) uint64 { return Sqrt64(e, a) } }
func fma(a, b, c uint64) func(*Env) uint64 {
	return func(e *Env) uint64 { return MulAdd64(e, a, b, c) }
}

func TestSignedZeros(t *testing.T) {
	runTable(t, []tcase{
		{"1+-1 RNE", envRV, add(one, one|neg), pZero, 0, false},
		{"1+-1 RDN", withRM(envRV, RDN), add(one, one|neg), nZero, 0, false},
		{"1-1 RUP", withRM(envRV, RUP), sub(one, one), pZero, 0, false},
		{"1-1 RDN", withRM(envRV, RDN), sub(one, one), nZero, 0, false},
		{"-0+-0", envRV, add(nZero, nZero), nZero, 0, false},
		{"+0+-0", envRV, add(pZero, nZero), pZero, 0, false},
		{"+0+-0 RDN", withRM(envRV, RDN), add(pZero, nZero), nZero, 0, false},
		{"-0-+0", envRV, sub(nZero, pZero), nZero, 0, false},
		{"x+0", envRV, add(three, nZero), three, 0, false},
		{"-0*3", envRV, mul(nZero, three), nZero, 0, false},
		{"-0/-3", envRV, div(nZero, three|neg), pZero, 0, false},
		{"sqrt -0", envRV, sqrt(nZero), nZero, 0, false},
		{"fma 1*1-1", envRV, fma(one, one, one|neg), pZero, 0, false},
		{"fma 1*1-1 RDN", withRM(envRV, RDN), fma(one, one, one|neg), nZero, 0, false},
		{"fma +0*1 + -0", envRV, fma(pZero, one, nZero), pZero, 0, false},
		{"fma +0*1 + -0 RDN", withRM(envRV, RDN), fma(pZero, one, nZero), nZero, 0, false},
		{"fma -0*1 + -0", envRV, fma(nZero, one, nZero), nZero, 0, false},
		{"fma 0*1 + 3", envRV, fma(pZero, one, three), three, 0, false},
		{"fma tiny product to -0", envRV, fma(minSub, minSub|neg, nZero), nZero, UF | NX, false},
		{"fma tiny product + +0", envRV, fma(minSub, minSub|neg, pZero), nZero, UF | NX, false},
	})
}

func TestRoundingAndRange(t *testing.T) {
	tie := uint64(0x3ca0000000000000) // 2^-53: 1+tie is a tie
	runTable(t, []tcase{
		{"1+2^-53 RNE", envRV, add(one, tie), one, NX, false},
		{"1+2^-53 RMM", withRM(envRV, RMM), add(one, tie), one + 1, NX, false},
		{"1+2^-53 RUP", withRM(envRV, RUP), add(one, tie), one + 1, NX, false},
		{"1+2^-53 RTZ", withRM(envRV, RTZ), add(one, tie), one, NX, false},
		{"-1-2^-53 RDN", withRM(envRV, RDN), add(one|neg, tie|neg), one | neg + 1, NX, false},
		{"-1-2^-53 RUP", withRM(envRV, RUP), add(one|neg, tie|neg), one | neg, NX, false},
		{"1/3 RNE", envRV, div(one, three), 0x3fd5555555555555, NX, false},
		{"1/3 RUP", withRM(envRV, RUP), div(one, three), 0x3fd5555555555556, NX, false},
		{"-1/3 RDN", withRM(envRV, RDN), div(one|neg, three), 0xbfd5555555555556, NX, false},
		{"sqrt 2 RNE", envRV, sqrt(two), 0x3ff6a09e667f3bcd, NX, false},
		{"sqrt 2 RUP", withRM(envRV, RUP), sqrt(two), 0x3ff6a09e667f3bcd, NX, false},
		{"sqrt 2 RDN", withRM(envRV, RDN), sqrt(two), 0x3ff6a09e667f3bcc, NX, false},
		{"sqrt 4", envRV, sqrt(0x4010000000000000), two, 0, false},
		{"sqrt minSub", envRV, sqrt(minSub), 0x1e60000000000000, 0, false},
		{"max+max RNE", envRV, add(maxF, maxF), pInf, OF | NX, false},
		{"max+max RTZ", withRM(envRV, RTZ), add(maxF, maxF), maxF, OF | NX, false},
		{"max+max RDN", withRM(envRV, RDN), add(maxF, maxF), maxF, OF | NX, false},
		{"max+max RUP", withRM(envRV, RUP), add(maxF, maxF), pInf, OF | NX, false},
		{"-max-max RDN", withRM(envRV, RDN), sub(maxF|neg, maxF), nInf, OF | NX, false},
		{"-max-max RUP", withRM(envRV, RUP), sub(maxF|neg, maxF), maxF | neg, OF | NX, false},
		{"-max*2 RMM", withRM(envRV, RMM), mul(maxF|neg, two), nInf, OF | NX, false},
		{"max+1 RUP", withRM(envRV, RUP), add(maxF, one), pInf, OF | NX, false},
		{"max+1 RNE", envRV, add(maxF, one), maxF, NX, false},
		// TwoSum's s-x would overflow here: the fast path must not apply.
		{"near-max add RDN", withRM(envRV, RDN), add(0x7fda6c9c9480ee1f, maxF|neg), 0xffe2c9b1b5bf88f0, NX, false},
		{"sub+sub exact", envRV, add(minSub, minSub), 2, 0, false},
		{"minN-minSub exact", envRV, sub(minN, minSub), minN - 1, 0, false},
		{"minN*0.5 exact", envRV, mul(minN, half), minN >> 1, 0, false},
		{"minN/3 UF", envRV, div(minN, three), 0x0005555555555555, UF | NX, false},
		{"minSub*0.5 RNE", envRV, mul(minSub, half), pZero, UF | NX, false},
		{"minSub*0.5 RUP", withRM(envRV, RUP), mul(minSub, half), minSub, UF | NX, false},
		{"-minSub*0.5 RDN", withRM(envRV, RDN), mul(minSub|neg, half), minSub | neg, UF | NX, false},
		{"1e-300*1e-300 RTZ", withRM(envRV, RTZ), mul(f64b(1e-300), f64b(1e-300)), 0, UF | NX, false},
		// x*x-1 with x = 1+2^-30: exact only when fused.
		// MulAdd32 whose binary64 sum is a binary32 midpoint but inexact:
		// 2^-24(1+2^-23) * (1-2^-23) + (1+2^-23) = 1+3*2^-24-2^-70.
		{"fma32 double rounding", envRV, func(e *Env) uint64 {
			return uint64(MulAdd32(e, 0x33800001, 0x3f7ffffe, 0x3f800001))
		}, 0x3f800001, NX, false},
		{"fused", envRV, fma(0x3ff0000000400000, 0x3ff0000000400000, one|neg), 0x3e20000000200000, 0, false},
	})
}

func TestExceptionsAndNaN(t *testing.T) {
	runTable(t, []tcase{
		{"1/0", envRV, div(one, pZero), pInf, DZ, false},
		{"-1/0", envRV, div(one|neg, pZero), nInf, DZ, false},
		{"1/-0", envRV, div(one, nZero), nInf, DZ, false},
		{"inf/0", envRV, div(pInf, pZero), pInf, 0, false},
		{"0/0", envRV, div(pZero, pZero), qNaN, NV, false},
		{"inf/inf", envRV, div(pInf, nInf), qNaN, NV, false},
		{"inf-inf", envRV, sub(pInf, pInf), qNaN, NV, false},
		{"inf+-inf", envArm, add(pInf, nInf), qNaN, NV, false},
		{"0*inf", envRV, mul(nZero, pInf), qNaN, NV, false},
		{"sqrt -1", envRV, sqrt(one | neg), qNaN, NV, false},
		{"sqrt -inf", envRV, sqrt(nInf), qNaN, NV, false},
		{"sqrt inf", envRV, sqrt(pInf), pInf, 0, false},
		{"sqrt qNaN RV", envRV, sqrt(qNaN1), qNaN, 0, false},
		{"sqrt sNaN RV", envRV, sqrt(sNaN1), qNaN, NV, false},
		{"sqrt sNaN Arm", envArm, sqrt(sNaN1), sNaN1 | 1<<51, NV, false},
		{"add qNaN RV", envRV, add(qNaN1, one), qNaN, 0, false},
		{"add sNaN RV", envRV, add(one, sNaN1), qNaN, NV, false},
		{"Arm q,q first", envArm, add(qNaN1, qNaN2), qNaN1, 0, false},
		{"Arm q,s -> s", envArm, add(qNaN1, sNaN2), sNaN2 | 1<<51, NV, false},
		{"Arm s,s first", envArm, mul(sNaN1, sNaN2), sNaN1 | 1<<51, NV, false},
		{"Arm 1,q", envArm, div(one, qNaN2), qNaN2, 0, false},
		{"Arm DN", envArmD, add(qNaN1, sNaN2), qNaN, NV, false},
		{"Arm sub keeps NaN sign", envArm, sub(one, qNaN2), qNaN2, 0, false},
		{"Arm inf-inf default", envArm, sub(pInf, pInf), qNaN, NV, false},
		// MulAdd(a, b, c) = a*b+c: Arm checks the addend first.
		{"fma Arm q,q,q", envArm, fma(qNaN1, qNaN2, qNaN3), qNaN3, 0, false},
		{"fma Arm q,s,q", envArm, fma(qNaN1, sNaN2, qNaN3), sNaN2 | 1<<51, NV, false},
		{"fma Arm s,s,q", envArm, fma(sNaN1, sNaN2, qNaN3), sNaN1 | 1<<51, NV, false},
		{"fma Arm s,s,s", envArm, fma(sNaN1, sNaN2, sNaN3), sNaN3 | 1<<51, NV, false},
		{"fma Arm q,1,1", envArm, fma(qNaN1, one, one), qNaN1, 0, false},
		{"fma RV inf*0+qNaN", envRV, fma(pInf, pZero, qNaN1), qNaN, NV, false},
		{"fma Arm inf*0+qNaN", envArm, fma(pZero, nInf, qNaN1), qNaN, NV, false},
		{"fma Arm inf*0+sNaN", envArm, fma(pInf, pZero, sNaN1), sNaN1 | 1<<51, NV, false},
		{"fma RV inf*0+1", envRV, fma(pInf, pZero, one), qNaN, NV, false},
		{"fma inf*2-inf", envRV, fma(pInf, two, nInf), qNaN, NV, false},
		{"fma inf*2+inf", envRV, fma(pInf, two, pInf), pInf, 0, false},
		{"fma 2*3+-inf", envRV, fma(two, three, nInf), nInf, 0, false},
		{"fma RV qNaN*0+1", envRV, fma(qNaN1, pZero, one), qNaN, 0, false},
	})
}

func TestTininessAndFlush(t *testing.T) {
	// 2^-600 * -2^-500 + minN = minN - 2^-1100: tiny before rounding,
	// not tiny after rounding (rounds to minN).
	a, b := uint64(423)<<52, uint64(523)<<52|neg
	mulSub := mul(minN, half)
	runTable(t, []tcase{
		{"after (RISC-V)", envRV, fma(a, b, minN), minN, NX, false},
		{"before (Arm)", envArm, fma(a, b, minN), minN, UF | NX, false},
		{"FZ flush before rounding", envFZ, fma(a, b, minN), pZero, UF, false},
		{"before RTZ", withRM(envArm, RTZ), fma(a, b, minN), minN - 1, UF | NX, false},
		{"FZ output exact subnormal", envFZ, mulSub, pZero, UF, false},
		{"FZ output negative", envFZ, mul(minN|neg, half), nZero, UF, false},
		{"no FZ exact subnormal", envArm, mulSub, minN >> 1, 0, false},
		{"FZ input", envFZ, add(minSub, pZero), pZero, 0, true},
		{"FZ input neg", envFZ, add(minSub|neg, one), one, 0, true},
		{"FZ input div", envFZ, div(one, minSub|neg), nInf, DZ, true},
		{"FZ input NaN mix", envFZ, add(minSub, qNaN1), qNaN1, 0, true},
		{"FZ input fma", envFZ, fma(minSub, pInf, one), qNaN, NV, true},
		{"FZ sqrt", envFZ, sqrt(minSub), pZero, 0, true},
		{"FZ min", envFZ, func(e *Env) uint64 { return MaxArm64(e, minSub|neg, pZero) }, pZero, 0, true},
		{"FZ cvt", envFZ, func(e *Env) uint64 { return uint64(F64ToF32(e, f64b(1e-40))) }, 0, UF, false},
		{"FZ cvt in", envFZ, func(e *Env) uint64 { return F32ToF64(e, 1) }, 0, 0, true},
		{"FZ not half", envFZ, func(e *Env) uint64 { return uint64(F32ToF16(e, f32b(0x1p-24))) }, 1, 0, false},
		{"FZ round", envFZ, func(e *Env) uint64 { return RoundToIntegral64(e, minSub|neg, RUP, true) }, nZero, 0, true},
	})
}

func TestMinMax(t *testing.T) {
	mn := func(a, b uint64) func(*Env) uint64 { return func(e *Env) uint64 { return Min64(e, a, b) } }
	mx := func(a, b uint64) func(*Env) uint64 { return func(e *Env) uint64 { return Max64(e, a, b) } }
	mna := func(a, b uint64) func(*Env) uint64 { return func(e *Env) uint64 { return MinArm64(e, a, b) } }
	mxa := func(a, b uint64) func(*Env) uint64 { return func(e *Env) uint64 { return MaxArm64(e, a, b) } }
	mnn := func(a, b uint64) func(*Env) uint64 { return func(e *Env) uint64 { return MinNumArm64(e, a, b) } }
	mxn := func(a, b uint64) func(*Env) uint64 { return func(e *Env) uint64 { return MaxNumArm64(e, a, b) } }
	runTable(t, []tcase{
		{"min -0,+0", envRV, mn(nZero, pZero), nZero, 0, false},
		{"min +0,-0", envRV, mn(pZero, nZero), nZero, 0, false},
		{"max -0,+0", envRV, mx(nZero, pZero), pZero, 0, false},
		{"max +0,-0", envRV, mx(pZero, nZero), pZero, 0, false},
		{"min -2,-3", envRV, mn(two|neg, three|neg), three | neg, 0, false},
		{"max -2,-3", envRV, mx(two|neg, three|neg), two | neg, 0, false},
		{"min -2,1", envRV, mn(one, two|neg), two | neg, 0, false},
		{"min -inf", envRV, mn(nInf, maxF|neg), nInf, 0, false},
		{"min qNaN,1", envRV, mn(qNaN1, one), one, 0, false},
		{"max 1,qNaN", envRV, mx(one, qNaN1), one, 0, false},
		{"min sNaN,1", envRV, mn(sNaN1, one), one, NV, false},
		{"max q,q", envRV, mx(qNaN1, qNaN2), qNaN, 0, false},
		{"max s,q", envRV, mx(sNaN1, qNaN2), qNaN, NV, false},
		{"min q,q even in Arm env", envArm, mn(qNaN1, qNaN2), qNaN, 0, false},
		{"fmin -0,+0", envArm, mna(pZero, nZero), nZero, 0, false},
		{"fmax -0,+0", envArm, mxa(nZero, pZero), pZero, 0, false},
		{"fmin q,1", envArm, mna(qNaN1, one), qNaN1, 0, false},
		{"fmax 1,q", envArm, mxa(one, qNaN2), qNaN2, 0, false},
		{"fmin q,s", envArm, mna(qNaN1, sNaN2), sNaN2 | 1<<51, NV, false},
		{"fmin RV-mode canon", envRV, mna(qNaN1, one), qNaN, 0, false},
		{"fmax DN", envArmD, mxa(qNaN1, one), qNaN, 0, false},
		{"fmaxnm q,1", envArm, mxn(qNaN1, one), one, 0, false},
		{"fminnm 1,q", envArm, mnn(one, qNaN2), one, 0, false},
		{"fmaxnm q,-inf", envArm, mxn(qNaN1, nInf), nInf, 0, false},
		{"fminnm q,+inf", envArm, mnn(qNaN1, pInf), pInf, 0, false},
		{"fmaxnm s,1", envArm, mxn(sNaN1, one), sNaN1 | 1<<51, NV, false},
		{"fminnm q,s", envArm, mnn(qNaN1, sNaN2), sNaN2 | 1<<51, NV, false},
		{"fmaxnm q,q", envArm, mxn(qNaN2, qNaN1), qNaN2, 0, false},
		{"fminnm -0,+0", envArm, mnn(pZero, nZero), nZero, 0, false},
		{"max32 NaN,-1", envRV, func(e *Env) uint64 { return uint64(Max32(e, 0x7fc00001, 0xbf800000)) }, 0xbf800000, 0, false},
		{"min32 -0,+0", envRV, func(e *Env) uint64 { return uint64(Min32(e, 0, 0x80000000)) }, 0x80000000, 0, false},
		{"max32 s,s", envRV, func(e *Env) uint64 { return uint64(Max32(e, 0x7f800001, 0x7f800002)) }, 0x7fc00000, NV, false},
	})
}

func TestCompareClass(t *testing.T) {
	cmp := func(a, b uint64, sig bool) func(*Env) uint64 {
		return func(e *Env) uint64 { return uint64(Compare64(e, a, b, sig)) }
	}
	bf := func(fn func(*Env, uint64, uint64) bool, a, b uint64) func(*Env) uint64 {
		return func(e *Env) uint64 { return b2u(fn(e, a, b)) }
	}
	runTable(t, []tcase{
		{"1<2", envRV, cmp(one, two, false), uint64(Less), 0, false},
		{"-1<-0.5", envRV, cmp(one|neg, half|neg, false), uint64(Less), 0, false},
		{"2>1", envRV, cmp(two, one, true), uint64(Greater), 0, false},
		{"-0==+0", envRV, cmp(nZero, pZero, true), uint64(Equal), 0, false},
		{"-inf<-max", envRV, cmp(nInf, maxF|neg, true), uint64(Less), 0, false},
		{"q quiet", envRV, cmp(qNaN1, one, false), uint64(Unordered), 0, false},
		{"q signaling", envRV, cmp(one, qNaN1, true), uint64(Unordered), NV, false},
		{"s quiet", envRV, cmp(sNaN1, one, false), uint64(Unordered), NV, false},
		{"feq q", envRV, bf(Eq64, qNaN1, qNaN1), 0, 0, false},
		{"feq s", envRV, bf(Eq64, sNaN1, one), 0, NV, false},
		{"feq -0 +0", envRV, bf(Eq64, nZero, pZero), 1, 0, false},
		{"flt q", envRV, bf(Lt64, qNaN1, one), 0, NV, false},
		{"flt -0 +0", envRV, bf(Lt64, nZero, pZero), 0, 0, false},
		{"fle -0 +0", envRV, bf(Le64, nZero, pZero), 1, 0, false},
		{"fle 2 1", envRV, bf(Le64, two, one), 0, 0, false},
		{"flt32", envRV, func(e *Env) uint64 { return b2u(Lt32(e, 0xbf800000, 0x3f800000)) }, 1, 0, false},
		{"fle32 NaN", envRV, func(e *Env) uint64 { return b2u(Le32(e, 0x7fc00000, 0x3f800000)) }, 0, NV, false},
		{"feq32", envRV, func(e *Env) uint64 { return b2u(Eq32(e, 0x3f800000, 0x3f800000)) }, 1, 0, false},
		{"FZ cmp", envFZ, cmp(minSub, pZero, false), uint64(Equal), 0, true},
	})
	classes := []struct {
		x    uint64
		want uint16
	}{
		{nInf, ClassNegInf}, {one | neg, ClassNegNormal}, {minSub | neg, ClassNegSub},
		{nZero, ClassNegZero}, {pZero, ClassPosZero}, {minSub, ClassPosSub},
		{maxF, ClassPosNormal}, {pInf, ClassPosInf}, {sNaN2, ClassSNaN}, {qNaN2, ClassQNaN},
	}
	for i, c := range classes {
		if got := Class64(c.x); got != c.want || got != 1<<i {
			t.Errorf("Class64(%#x) = %#x, want %#x", c.x, got, c.want)
		}
	}
	if Class32(0xff800000) != ClassNegInf || Class32(0x7f800001) != ClassSNaN || Class32(0x00000010) != ClassPosSub {
		t.Error("Class32")
	}
	if Class16(0x7e00) != ClassQNaN || Class16(0x8001) != ClassNegSub || Class16(0x3c00) != ClassPosNormal {
		t.Error("Class16")
	}
}

func TestHelpers(t *testing.T) {
	if !IsSignalingNaN64(sNaN1) || IsSignalingNaN64(qNaN1) || IsSignalingNaN64(pInf) {
		t.Error("IsSignalingNaN64")
	}
	if !IsSignalingNaN32(0x7f800001) || IsSignalingNaN32(0x7fc00000) || IsSignalingNaN32(0x7f800000) {
		t.Error("IsSignalingNaN32")
	}
	if !IsSignalingNaN16(0x7d00) || IsSignalingNaN16(0x7e00) || !IsNaN16(0xfe00) || IsNaN16(0x7c00) {
		t.Error("16-bit NaN helpers")
	}
	if !IsNaN64(qNaN2) || IsNaN64(nInf) || !IsNaN32(0xffc00000) || IsNaN32(0x7f800000) {
		t.Error("IsNaN")
	}
	if !IsNaN64(CanonicalNaN64) || IsSignalingNaN64(CanonicalNaN64) || CanonicalNaN32 != 0x7fc00000 {
		t.Error("canonical NaN constants")
	}
}
