package riscv64

import (
	"math"
	"testing"

	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/translate/fpu"
)

func dbl(x float64) uint64 { return math.Float64bits(x) }
func sgl(x float32) uint64 { return box(math.Float32bits(x)) }

const (
	qnanD = 0x7ff8000000000000
	snanD = 0x7ff0000000000001
	qnanS = 0xffffffff7fc00000
	snanS = 0xffffffff7f800001
	rne   = 0
	rtz   = 1
	rdn   = 2
	rup   = 3
	rmm   = 4
	dyn   = 7
	fNX   = uint64(fpu.NX)
	fUF   = uint64(fpu.UF)
	fOF   = uint64(fpu.OF)
	fDZ   = uint64(fpu.DZ)
	fNV   = uint64(fpu.NV)
)

// fpCase runs one instruction with f1/f2/f3 (or x1) as inputs, writing f4
// or x4, with frm set; it checks the result and the accrued fflags.
type fpCase struct {
	insn      uint32
	a, b, c   uint64 // f1, f2, f3 (x1 = a for int-source conversions)
	frm       uint64
	want      uint64
	flags     uint64
	intResult bool
	comment   string
}

func runFPCases(t *testing.T, cases []fpCase) {
	t.Helper()
	m := newMachine(t)
	for _, tc := range cases {
		k := m.run(t, code(tc.insn, ecall), func(c *translate.CPU) {
			c.R[RegF0+1], c.R[RegF0+2], c.R[RegF0+3] = tc.a, tc.b, tc.c
			c.R[1] = tc.a
			c.R[RegFrm] = tc.frm
		})
		var d inst
		decode(tc.insn, 0, &d)
		if k != translate.ExitSyscall {
			t.Errorf("%v: exit %v %+v", d.String(), k, m.c.Exit)
			continue
		}
		got := m.c.R[RegF0+4]
		if tc.intResult {
			got = m.c.R[4]
		}
		if got != tc.want || m.c.R[RegFflags] != tc.flags {
			t.Errorf("%v (%#x, %#x, %#x) frm %d = %#x flags %#x, want %#x flags %#x %s",
				d.String(), tc.a, tc.b, tc.c, tc.frm, got, m.c.R[RegFflags], tc.want, tc.flags, tc.comment)
		}
	}
}

func TestFPArith(t *testing.T) {
	tiny := dbl(0x1p-60)
	one := dbl(1)
	next1 := dbl(math.Nextafter(1, 2))
	runFPCases(t, []fpCase{
		{insn: F("fadd.d", 4, 1, 2, rne), a: one, b: tiny, want: one, flags: fNX},
		{insn: F("fadd.d", 4, 1, 2, rup), a: one, b: tiny, want: next1, flags: fNX},
		{insn: F("fadd.d", 4, 1, 2, dyn), a: one, b: tiny, frm: rup, want: next1, flags: fNX,
			comment: "dynamic rm reads frm"},
		{insn: F("fadd.d", 4, 1, 2, rne), a: one, b: tiny, frm: rup, want: one, flags: fNX,
			comment: "static rm ignores frm"},
		{insn: F("fsub.d", 4, 1, 2, rdn), a: one, b: one, want: dbl(math.Copysign(0, -1)),
			comment: "x - x = -0 when rounding down"},
		{insn: F("fmul.d", 4, 1, 2, rne), a: dbl(math.MaxFloat64), b: dbl(2), want: dbl(math.Inf(1)),
			flags: fOF | fNX},
		{insn: F("fmul.d", 4, 1, 2, rtz), a: dbl(math.MaxFloat64), b: dbl(2), want: dbl(math.MaxFloat64),
			flags: fOF | fNX},
		{insn: F("fdiv.d", 4, 1, 2, rne), a: one, b: 0, want: dbl(math.Inf(1)), flags: fDZ},
		{insn: F("fdiv.d", 4, 1, 2, rne), a: 0, b: 0, want: qnanD, flags: fNV},
		{insn: F("fdiv.d", 4, 1, 2, rne), a: dbl(0x1p-1022), b: dbl(3), want: dbl(0x1p-1022 / 3),
			flags: fUF | fNX},
		{insn: F("fsqrt.d", 4, 1, 0, rne), a: dbl(2), want: dbl(math.Sqrt2), flags: fNX},
		{insn: F("fsqrt.d", 4, 1, 0, rne), a: dbl(-1), want: qnanD, flags: fNV},
		{insn: F("fadd.d", 4, 1, 2, rne), a: snanD, b: one, want: qnanD, flags: fNV,
			comment: "sNaN: canonical NaN result"},
		{insn: F("fadd.d", 4, 1, 2, rne), a: 0x7ff8dead00000000, b: one, want: qnanD,
			comment: "NaN payloads are not propagated"},

		{insn: F("fadd.s", 4, 1, 2, rne), a: sgl(1), b: sgl(0x1p-30), want: sgl(1), flags: fNX},
		{insn: F("fadd.s", 4, 1, 2, rup), a: sgl(1), b: sgl(0x1p-30),
			want: sgl(math.Nextafter32(1, 2)), flags: fNX},
		{insn: F("fadd.s", 4, 1, 2, rne), a: 0x000000003f800000, b: sgl(1), want: qnanS,
			comment: "unboxed operand reads as canonical NaN"},
		{insn: F("fmul.s", 4, 1, 2, rne), a: sgl(3), b: sgl(-2), want: sgl(-6)},
		{insn: F("fdiv.s", 4, 1, 2, rne), a: sgl(-1), b: sgl(0), want: sgl(float32(math.Inf(-1))), flags: fDZ},
		{insn: F("fsqrt.s", 4, 1, 0, rne), a: sgl(4), want: sgl(2)},
		{insn: F("fsub.s", 4, 1, 2, rne), a: snanS, b: sgl(1), want: qnanS, flags: fNV},
	})
}

func TestFPFusedMultiplyAdd(t *testing.T) {
	a := dbl(1 + 0x1p-52)
	b := dbl(1 - 0x1p-52)
	one := dbl(1)
	mone := dbl(-1)
	exact := dbl(-0x1p-104) // a*b - 1, exactly: single rounding
	runFPCases(t, []fpCase{
		{insn: F4("fmadd.d", 4, 1, 2, 3, rne), a: a, b: b, c: mone, want: exact},
		{insn: F4("fmsub.d", 4, 1, 2, 3, rne), a: a, b: b, c: one, want: exact},
		{insn: F4("fnmsub.d", 4, 1, 2, 3, rne), a: a, b: b, c: one, want: dbl(0x1p-104),
			comment: "-(a*b) + c"},
		{insn: F4("fnmadd.d", 4, 1, 2, 3, rne), a: a, b: b, c: mone, want: dbl(0x1p-104),
			comment: "-(a*b) - c"},
		{insn: F4("fmadd.d", 4, 1, 2, 3, rne), a: dbl(math.Inf(1)), b: 0, c: qnanD, want: qnanD,
			flags: fNV, comment: "inf*0 + qNaN raises NV"},
		{insn: F4("fmadd.s", 4, 1, 2, 3, rne), a: sgl(2), b: sgl(3), c: sgl(1), want: sgl(7)},
		{insn: F4("fnmadd.s", 4, 1, 2, 3, rne), a: sgl(2), b: sgl(3), c: sgl(1), want: sgl(-7)},
		{insn: F4("fmsub.s", 4, 1, 2, 3, rne), a: sgl(2), b: sgl(3), c: sgl(1), want: sgl(5)},
		{insn: F4("fnmsub.s", 4, 1, 2, 3, rne), a: sgl(2), b: sgl(3), c: sgl(1), want: sgl(-5)},
	})
}

func TestFPMinMaxCompare(t *testing.T) {
	pz, nz := dbl(0), dbl(math.Copysign(0, -1))
	one := dbl(1)
	runFPCases(t, []fpCase{
		{insn: R("fmin.d", 4, 1, 2), a: pz, b: nz, want: nz, comment: "-0 < +0"},
		{insn: R("fmax.d", 4, 1, 2), a: nz, b: pz, want: pz},
		{insn: R("fmin.d", 4, 1, 2), a: qnanD, b: one, want: one},
		{insn: R("fmax.d", 4, 1, 2), a: qnanD, b: qnanD, want: qnanD},
		{insn: R("fmin.d", 4, 1, 2), a: snanD, b: one, want: one, flags: fNV},
		{insn: R("fmin.s", 4, 1, 2), a: sgl(0), b: sgl(float32(math.Copysign(0, -1))),
			want: sgl(float32(math.Copysign(0, -1)))},
		{insn: R("fmax.s", 4, 1, 2), a: 0x3f800000, b: sgl(-1), want: sgl(-1),
			comment: "unboxed operand is a NaN"},
		{insn: R("feq.d", 4, 1, 2), a: pz, b: nz, want: 1, intResult: true},
		{insn: R("feq.d", 4, 1, 2), a: qnanD, b: one, want: 0, intResult: true},
		{insn: R("feq.d", 4, 1, 2), a: snanD, b: one, want: 0, flags: fNV, intResult: true},
		{insn: R("flt.d", 4, 1, 2), a: qnanD, b: one, want: 0, flags: fNV, intResult: true},
		{insn: R("flt.d", 4, 1, 2), a: nz, b: pz, want: 0, intResult: true},
		{insn: R("fle.d", 4, 1, 2), a: nz, b: pz, want: 1, intResult: true},
		{insn: R("flt.s", 4, 1, 2), a: sgl(1), b: sgl(2), want: 1, intResult: true},
		{insn: R("fle.s", 4, 1, 2), a: sgl(3), b: sgl(2), want: 0, intResult: true},
		{insn: R("feq.s", 4, 1, 2), a: sgl(2), b: sgl(2), want: 1, intResult: true},
	})
}

func TestFPClass(t *testing.T) {
	cases := []struct {
		insn uint32
		v    uint64
		want uint64
	}{
		{R("fclass.d", 4, 1, 0), dbl(math.Inf(-1)), 1 << 0},
		{R("fclass.d", 4, 1, 0), dbl(-2), 1 << 1},
		{R("fclass.d", 4, 1, 0), 0x800fffffffffffff, 1 << 2},
		{R("fclass.d", 4, 1, 0), 1 << 63, 1 << 3},
		{R("fclass.d", 4, 1, 0), 0, 1 << 4},
		{R("fclass.d", 4, 1, 0), 1, 1 << 5},
		{R("fclass.d", 4, 1, 0), dbl(2), 1 << 6},
		{R("fclass.d", 4, 1, 0), dbl(math.Inf(1)), 1 << 7},
		{R("fclass.d", 4, 1, 0), snanD, 1 << 8},
		{R("fclass.d", 4, 1, 0), qnanD, 1 << 9},
		{R("fclass.s", 4, 1, 0), sgl(-1), 1 << 1},
		{R("fclass.s", 4, 1, 0), snanS, 1 << 8},
		{R("fclass.s", 4, 1, 0), 0x3f800000, 1 << 9}, // not boxed
	}
	var fc []fpCase
	for _, c := range cases {
		fc = append(fc, fpCase{insn: c.insn, a: c.v, want: c.want, intResult: true})
	}
	runFPCases(t, fc)
}

func TestFPConvert(t *testing.T) {
	const (
		maxI32 = 0x7fffffff
		minI32 = 0xffffffff80000000
	)
	inf, ninf := dbl(math.Inf(1)), dbl(math.Inf(-1))
	cvt := func(name string, rm uint32) uint32 { return F(name, 4, 1, 0, rm) }
	runFPCases(t, []fpCase{
		// Float to integer: rounding, saturation, NaN -> largest positive.
		{insn: cvt("fcvt.w.d", rne), a: dbl(2.5), want: 2, flags: fNX, intResult: true},
		{insn: cvt("fcvt.w.d", rmm), a: dbl(2.5), want: 3, flags: fNX, intResult: true},
		{insn: cvt("fcvt.w.d", rdn), a: dbl(-2.5), want: all1 - 2, flags: fNX, intResult: true},
		{insn: cvt("fcvt.w.d", rup), a: dbl(-2.5), want: all1 - 1, flags: fNX, intResult: true},
		{insn: cvt("fcvt.w.d", rtz), a: dbl(-2.5), want: all1 - 1, flags: fNX, intResult: true},
		{insn: cvt("fcvt.w.d", dyn), a: dbl(2.5), frm: rup, want: 3, flags: fNX, intResult: true},
		{insn: cvt("fcvt.w.d", rne), a: qnanD, want: maxI32, flags: fNV, intResult: true},
		{insn: cvt("fcvt.w.d", rne), a: inf, want: maxI32, flags: fNV, intResult: true},
		{insn: cvt("fcvt.w.d", rne), a: ninf, want: minI32, flags: fNV, intResult: true},
		{insn: cvt("fcvt.w.d", rne), a: dbl(3e9), want: maxI32, flags: fNV, intResult: true},
		{insn: cvt("fcvt.wu.d", rne), a: dbl(-1), want: 0, flags: fNV, intResult: true},
		{insn: cvt("fcvt.wu.d", rtz), a: dbl(-0.5), want: 0, flags: fNX, intResult: true},
		{insn: cvt("fcvt.wu.d", rne), a: dbl(3e9), want: 0xffffffffb2d05e00, intResult: true,
			comment: "32-bit result sign-extended"},
		{insn: cvt("fcvt.wu.d", rne), a: qnanD, want: all1, flags: fNV, intResult: true},
		{insn: cvt("fcvt.l.d", rne), a: qnanD, want: math.MaxInt64, flags: fNV, intResult: true},
		{insn: cvt("fcvt.l.d", rne), a: ninf, want: minI64, flags: fNV, intResult: true},
		{insn: cvt("fcvt.l.d", rne), a: dbl(-0x1p63), want: minI64, intResult: true},
		{insn: cvt("fcvt.lu.d", rne), a: qnanD, want: all1, flags: fNV, intResult: true},
		{insn: cvt("fcvt.lu.d", rne), a: dbl(0x1p64), want: all1, flags: fNV, intResult: true},
		{insn: cvt("fcvt.lu.d", rdn), a: dbl(-0.5), want: 0, flags: fNV, intResult: true},
		{insn: cvt("fcvt.w.s", rne), a: sgl(-7.5), want: all1 - 7, flags: fNX, intResult: true},
		{insn: cvt("fcvt.w.s", rne), a: 0x40000000, want: maxI32, flags: fNV, intResult: true,
			comment: "unboxed: NaN"},
		{insn: cvt("fcvt.wu.s", rne), a: sgl(4294967040), want: all1 - 255, intResult: true},
		{insn: cvt("fcvt.l.s", rne), a: sgl(float32(math.Inf(-1))), want: minI64, flags: fNV, intResult: true},
		{insn: cvt("fcvt.lu.s", rne), a: sgl(1e10), want: 10000000000, intResult: true},

		// Integer to float.
		{insn: cvt("fcvt.d.w", rne), a: 0xffffffff_fffffffe, want: dbl(-2)},
		{insn: cvt("fcvt.d.w", rne), a: 0x00000000_fffffffe, want: dbl(-2), comment: "low word only"},
		{insn: cvt("fcvt.d.wu", rne), a: 0xffffffff_fffffffe, want: dbl(4294967294)},
		{insn: cvt("fcvt.d.l", rne), a: 1<<53 + 1, want: dbl(0x1p53), flags: fNX},
		{insn: cvt("fcvt.d.l", rup), a: 1<<53 + 1, want: dbl(0x1p53 + 2), flags: fNX},
		{insn: cvt("fcvt.d.lu", rne), a: all1, want: dbl(0x1p64), flags: fNX},
		{insn: cvt("fcvt.s.w", rne), a: 1<<24 + 1, want: sgl(0x1p24), flags: fNX},
		{insn: cvt("fcvt.s.wu", rne), a: 0xffffffff, want: sgl(0x1p32), flags: fNX},
		{insn: cvt("fcvt.s.l", rtz), a: all1, want: sgl(-1)},
		{insn: cvt("fcvt.s.lu", rtz), a: all1, want: sgl(math.Nextafter32(0x1p64, 0)), flags: fNX},

		// Between formats.
		{insn: cvt("fcvt.s.d", rne), a: dbl(1.0 / 3), want: sgl(1.0 / 3), flags: fNX},
		{insn: cvt("fcvt.s.d", rtz), a: dbl(1e300), want: sgl(math.MaxFloat32), flags: fOF | fNX},
		{insn: cvt("fcvt.s.d", rne), a: qnanD, want: qnanS},
		{insn: cvt("fcvt.d.s", rne), a: sgl(1.5), want: dbl(1.5)},
		{insn: cvt("fcvt.d.s", rne), a: snanS, want: qnanD, flags: fNV},
		{insn: cvt("fcvt.d.s", rne), a: 0x3fc00000, want: qnanD, comment: "unboxed"},
	})
}

func TestFPSignInjectionAndMoves(t *testing.T) {
	neg := dbl(-3)
	pos := dbl(2)
	runFPCases(t, []fpCase{
		{insn: R("fsgnj.d", 4, 1, 2), a: pos, b: neg, want: dbl(-2)},
		{insn: R("fsgnjn.d", 4, 1, 2), a: pos, b: neg, want: dbl(2)},
		{insn: R("fsgnjx.d", 4, 1, 2), a: neg, b: neg, want: dbl(3)},
		{insn: R("fsgnj.d", 4, 1, 1), a: qnanD | 1<<63, want: qnanD | 1<<63, comment: "fmv.d"},
		{insn: R("fsgnjn.d", 4, 1, 1), a: pos, want: dbl(-2), comment: "fneg.d"},
		{insn: R("fsgnjx.d", 4, 1, 1), a: neg, want: dbl(3), comment: "fabs.d"},
		{insn: R("fsgnj.s", 4, 1, 2), a: sgl(2), b: sgl(-1), want: sgl(-2)},
		{insn: R("fsgnjn.s", 4, 1, 2), a: sgl(2), b: sgl(-1), want: sgl(2)},
		{insn: R("fsgnjx.s", 4, 1, 2), a: sgl(-2), b: sgl(-1), want: sgl(2)},
		{insn: R("fsgnj.s", 4, 1, 2), a: 0x3f800000, b: sgl(1), want: qnanS, comment: "unboxed"},
		{insn: R("fsgnjn.s", 4, 1, 1), a: snanS, want: snanS | 1<<31, comment: "no canonicalization"},
		{insn: R("fmv.x.w", 4, 1, 0), a: 0x12345678_80000000, want: 0xffffffff80000000, intResult: true},
		{insn: R("fmv.x.d", 4, 1, 0), a: snanD, want: snanD, intResult: true},
		{insn: R("fmv.w.x", 4, 1, 0), a: 0x12345678_3f800000, want: sgl(1)},
		{insn: R("fmv.d.x", 4, 1, 0), a: snanD, want: snanD},
	})
}

func TestFPLoadStoreAndAccrual(t *testing.T) {
	c := exec(t, code(
		S("fsw", 1, 10, 0),
		I("flw", 5, 10, 0),
		S("fsd", 2, 10, 8),
		I("fld", 6, 10, 8),
		I("lwu", 11, 10, 0),
		I("flw", 7, 10, 12),       // upper half of the double
		F("fdiv.d", 8, 2, 0, rne), // x / +0 -> DZ  (f0 = 0)
		F("fadd.d", 9, 2, 3, rne), // inexact -> NX
		R("fmv.x.w", 12, 5, 0),
		CSR("csrrs", 13, csrFflags, 0),
		ecall,
	), func(c *translate.CPU) {
		c.R[10] = dataBase
		c.R[RegF0+1] = sgl(1.5)
		c.R[RegF0+2] = dbl(1)
		c.R[RegF0+3] = dbl(0x1p-60)
	})
	if c.R[RegF0+5] != sgl(1.5) || c.R[11] != uint64(math.Float32bits(1.5)) {
		t.Errorf("flw/fsw: f5 = %#x x11 = %#x", c.R[RegF0+5], c.R[11])
	}
	if c.R[RegF0+6] != dbl(1) || c.R[RegF0+7] != box(uint32(dbl(1)>>32)) {
		t.Errorf("fld/fsd: f6 = %#x f7 = %#x", c.R[RegF0+6], c.R[RegF0+7])
	}
	if c.R[13] != fDZ|fNX || c.R[12] != uint64(math.Float32bits(1.5)) {
		t.Errorf("fflags = %#x, x12 = %#x", c.R[13], c.R[12])
	}
}
