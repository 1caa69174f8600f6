package aarch64

import (
	"hash/crc32"
	"math"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// Scalar FP semantics: rounding modes, FPSR flags, NaN rules, FZ/DN, and
// conversions (encodings from GNU as, text in the comments).

func f64(v float64) uint64 { return math.Float64bits(v) }
func f32(v float32) uint64 { return uint64(math.Float32bits(v)) }

const (
	rmRP = 1 << 22
	rmRM = 2 << 22
	rmRZ = 3 << 22
	qnan = 0x7ff8000000000000
)

type fpCase struct {
	w          uint32
	fpcr       uint64
	d1, d2, d3 uint64 // low halves of v1, v2, v3
	x1         uint64
	nzcv       uint64
	dst        uint8 // slot checked (vlo(0) or 0 for x0)
	want       uint64
	fpsr       uint64
	wantNZCV   uint64 // checked when non-zero
}

func TestScalarFP(t *testing.T) {
	v0 := vlo(0)
	tie := f64(1) + 0 // 1.0
	half := uint64(0x3ca0000000000000)
	a, b := uint64(0x3ff0000000000001), uint64(0x3fefffffffffffff)
	cases := []fpCase{
		{w: 0x1e622820, d1: tie, d2: half, dst: v0, want: f64(1), fpsr: fpsrIXC},                            // fadd d0, d1, d2 (RNE tie)
		{w: 0x1e622820, fpcr: rmRP, d1: tie, d2: half, dst: v0, want: f64(1) + 1, fpsr: fpsrIXC},            // fadd, RP
		{w: 0x1e622820, fpcr: rmRM, d1: tie, d2: half, dst: v0, want: f64(1), fpsr: fpsrIXC},                // fadd, RM
		{w: 0x1e222820, d1: 0x7f7fffff, d2: 0x7f7fffff, dst: v0, want: 0x7f800000, fpsr: fpsrOFC | fpsrIXC}, // fadd s0 overflow
		{w: 0x1e222820, fpcr: rmRZ, d1: 0x7f7fffff, d2: 0x7f7fffff, dst: v0, want: 0x7f7fffff, fpsr: fpsrOFC | fpsrIXC},
		{w: 0x1e621820, d1: f64(1), d2: 0, dst: v0, want: f64(math.Inf(1)), fpsr: fpsrDZC},                                             // fdiv d0, d1, d2
		{w: 0x1e61c020, d1: f64(-1), dst: v0, want: qnan, fpsr: fpsrIOC},                                                               // fsqrt d0, d1
		{w: 0x1e624820, d1: f64(1), d2: qnan | 1, dst: v0, want: qnan | 1},                                                             // fmax d0, d1, d2
		{w: 0x1e626820, d1: qnan, d2: f64(1), dst: v0, want: f64(1)},                                                                   // fmaxnm d0, d1, d2
		{w: 0x1e626820, d1: 0x7ff0000000000001, d2: f64(1), dst: v0, want: qnan | 1, fpsr: fpsrIOC},                                    // fmaxnm with sNaN
		{w: 0x1e225820, d1: 0x80000000, d2: 0, dst: v0, want: 0x80000000},                                                              // fmin s0: -0 < +0
		{w: 0x1e622020, d1: f64(1), d2: f64(2), dst: 0xff, wantNZCV: 0x80000000},                                                       // fcmp d1, d2
		{w: 0x1e622020, d1: qnan, d2: f64(2), dst: 0xff, wantNZCV: 0x30000000},                                                         // fcmp unordered
		{w: 0x1e602038, d1: qnan, dst: 0xff, wantNZCV: 0x30000000, fpsr: fpsrIOC},                                                      // fcmpe d1, #0.0
		{w: 0x1e620424, d1: f64(2), d2: f64(2), nzcv: 0, dst: 0xff, wantNZCV: 0x40000000},                                              // fccmp (eq false)
		{w: 0x1e620424, d1: f64(2), d2: f64(2), nzcv: 0x40000000, dst: 0xff, wantNZCV: 0x60000000},                                     // fccmp (eq true)
		{w: 0x1f420c20, d1: a, d2: b, d3: f64(-1), dst: v0, want: f64(math.FMA(math.Float64frombits(a), math.Float64frombits(b), -1))}, // fmadd
		{w: 0x1f228c20, d1: f32(3), d2: f32(4), d3: f32(2), dst: v0, want: f32(10)},                                                    // fnmsub s0 = -s3 + s1*s2
		{w: 0x9e780020, d1: f64(1e300), dst: 0, want: 1<<63 - 1, fpsr: fpsrIOC},                                                        // fcvtzs x0, d1
		{w: 0x9e780020, d1: qnan, dst: 0, want: 0, fpsr: fpsrIOC},                                                                      // fcvtzs NaN
		{w: 0x9e780020, d1: f64(-2.5), dst: 0, want: ^uint64(1), fpsr: fpsrIXC},                                                        // fcvtzs -2.5
		{w: 0x1e390020, d1: f32(-1), dst: 0, want: 0, fpsr: fpsrIOC},                                                                   // fcvtzu w0, s1
		{w: 0x1e390020, d1: f32(3.75), dst: 0, want: 3, fpsr: fpsrIXC},                                                                 // fcvtzu
		{w: 0x9e600020, d1: f64(2.5), dst: 0, want: 2, fpsr: fpsrIXC},                                                                  // fcvtns x0, d1
		{w: 0x1e640020, d1: f64(2.5), dst: 0, want: 3, fpsr: fpsrIXC},                                                                  // fcvtas w0, d1
		{w: 0x9e700020, d1: f64(-2.5), dst: 0, want: ^uint64(2), fpsr: fpsrIXC},                                                        // fcvtms x0, d1
		{w: 0x9e680020, d1: f64(2.1), dst: 0, want: 3, fpsr: fpsrIXC},                                                                  // fcvtps x0, d1
		{w: 0x1e58e020, d1: f64(1.5), dst: 0, want: 384},                                                                               // fcvtzs w0, d1, #8
		{w: 0x9e620020, x1: ^uint64(2), dst: v0, want: f64(-3)},                                                                        // scvtf d0, x1
		{w: 0x1e230020, x1: 0xffffffff, dst: v0, want: f32(4294967296), fpsr: fpsrIXC},                                                 // ucvtf s0, w1
		{w: 0x9e42f020, x1: 24, dst: v0, want: f64(1.5)},                                                                               // scvtf d0, x1, #4
		{w: 0x1e67c020, fpcr: rmRM, d1: f64(2.5), dst: v0, want: f64(2)},                                                               // frinti d0, d1 (RM)
		{w: 0x1e674020, d1: f64(2.5), dst: v0, want: f64(2), fpsr: fpsrIXC},                                                            // frintx d0, d1
		{w: 0x1e664020, d1: f64(2.5), dst: v0, want: f64(3)},                                                                           // frinta d0, d1
		{w: 0x1e244020, d1: f32(0.5), dst: v0, want: 0},                                                                                // frintn s0, s1
		{w: 0x1e624020, d1: f64(1.0 / 3), dst: v0, want: f32(float32(1.0 / 3)), fpsr: fpsrIXC},                                         // fcvt s0, d1
		{w: 0x1e22c020, d1: f32(0.1), dst: v0, want: f64(float64(float32(0.1)))},                                                       // fcvt d0, s1
		{w: 0x1e23c020, d1: f32(1), dst: v0, want: 0x3c00},                                                                             // fcvt h0, s1
		{w: 0x1ee2c020, d1: 0xc000, dst: v0, want: f64(-2)},                                                                            // fcvt d0, h1
		{w: 0x1e6f1000, dst: v0, want: f64(1.5)},                                                                                       // fmov d0, #1.5
		{w: 0x1e381000, dst: v0, want: f32(-0.125)},                                                                                    // fmov s0, #-0.125
		{w: 0x9e660020, d1: 0x1234, dst: 0, want: 0x1234},                                                                              // fmov x0, d1
		{w: 0x1e260020, d1: 0xaaaabbbbccccdddd, dst: 0, want: 0xccccdddd},                                                              // fmov w0, s1
		{w: 0x1e60c020, d1: f64(-3), dst: v0, want: f64(3)},                                                                            // fabs d0, d1
		{w: 0x1e214020, d1: f32(3), dst: v0, want: f32(-3)},                                                                            // fneg s0, s1
		{w: 0x1e628820, d1: f64(2), d2: f64(3), dst: v0, want: f64(-6)},                                                                // fnmul d0, d1, d2
		{w: 0x1e622820, fpcr: fpcrFZ, d1: 1, d2: 0, dst: v0, want: 0, fpsr: fpsrIDC},                                                   // fadd with FZ: denormal in
		{w: 0x1e622820, fpcr: fpcrDN, d1: qnan | 5, d2: 0, dst: v0, want: qnan},                                                        // fadd with DN
		{w: 0x1e622820, fpcr: fpcrFZ, d1: 0x0010000000000001, d2: 0x8010000000000000, dst: v0, want: 0, fpsr: fpsrUFC},                 // tiny result flushed
		{w: 0x1e7e0020, d1: f64(4294967296 + 5.5), dst: 0, want: 5, fpsr: fpsrIOC, wantNZCV: 0x1},                                      // fjcvtzs w0, d1: out of range wraps, Invalid
		{w: 0x1e7e0020, d1: f64(-7), dst: 0, want: 0xfffffff9, wantNZCV: translate.FlagZ},                                              // fjcvtzs exact
	}
	m := newMachine(t)
	for _, c := range cases {
		setup := func(cpu *translate.CPU) {
			cpu.R[RegFPCR], cpu.R[RegNZCV], cpu.R[1] = c.fpcr, c.nzcv, c.x1
			cpu.R[vlo(0)], cpu.R[vhi(0)] = ^uint64(0), ^uint64(0)
			cpu.R[vlo(1)], cpu.R[vlo(2)], cpu.R[vlo(3)] = c.d1, c.d2, c.d3
		}
		if k := m.run(t, words(c.w, svc0), setup); k != translate.ExitSyscall {
			t.Errorf("%s: exit %d", disasm(c.w), k)
			continue
		}
		if c.dst != 0xff && m.c.R[c.dst] != c.want {
			t.Errorf("%s: got %#x, want %#x", disasm(c.w), m.c.R[c.dst], c.want)
		}
		if c.dst == v0 && m.c.R[vhi(0)] != 0 {
			t.Errorf("%s: upper half not zeroed: %#x", disasm(c.w), m.c.R[vhi(0)])
		}
		if m.c.R[RegFPSR] != c.fpsr {
			t.Errorf("%s: fpsr %#x, want %#x", disasm(c.w), m.c.R[RegFPSR], c.fpsr)
		}
		if c.wantNZCV != 0 && m.c.R[RegNZCV] != c.wantNZCV&^1 {
			t.Errorf("%s: nzcv %#x, want %#x", disasm(c.w), m.c.R[RegNZCV], c.wantNZCV&^1)
		}
	}
	// fmov v0.d[1], x1 keeps the low half.
	c := exec(t, regs(uint64(vlo(0)), 7, 1, 9), 0x9eaf0020)
	if c.R[vlo(0)] != 7 || c.R[vhi(0)] != 9 {
		t.Errorf("fmov v0.d[1]: %#x:%#x", c.R[vhi(0)], c.R[vlo(0)])
	}
}

func TestSysRegs(t *testing.T) {
	m := newMachine(t)
	one := func(w uint32, setup func(*translate.CPU)) uint64 {
		if k := m.run(t, words(w, svc0), setup); k != translate.ExitSyscall {
			t.Fatalf("%s: exit %d %+v", disasm(w), k, m.c.Exit)
		}
		return m.c.R[0]
	}
	for _, tc := range []struct {
		w    uint32
		want uint64
	}{
		{0xd53b0020, ctrEL0},     // mrs x0, ctr_el0
		{0xd53b00e0, 4},          // mrs x0, dczid_el0
		{0xd5380000, 0x000f0510}, // mrs x0, midr_el1
		{0xd53be000, 1e9},        // mrs x0, cntfrq_el0
		{0xd53bd060, 0},          // mrs x0, tpidrro_el0
		{0xd5380400, 0x11},       // mrs x0, id_aa64pfr0_el1
		{0xd53800a0, 1 << 31},    // mrs x0, mpidr_el1
		{0xd5380600, 2<<4 | 1<<8 | 2<<12 | 1<<16 | 2<<20 | 1<<28 | 1<<32 | 1<<44 | 1<<52}, // id_aa64isar0_el1: AES+PMULL, SHA1, SHA2+SHA512, CRC32, LSE, RDM, SHA3, DP, TS
	} {
		if got := one(tc.w, regs(0, 99)); got != tc.want {
			t.Errorf("%s = %#x, want %#x", disasm(tc.w), got, tc.want)
		}
	}
	// msr fpcr, x5; mrs x0, fpcr; msr tpidr_el0, x1; mrs x0, tpidr_el0
	c := exec(t, regs(5, ^uint64(0)), 0xd51b4405, 0xd53b4400)
	if c.R[0] != FPCRMask || c.R[RegFPCR] != FPCRMask {
		t.Errorf("fpcr = %#x", c.R[0])
	}
	c = exec(t, regs(1, 0x1234), 0xd51bd041, 0xd53bd040)
	if c.R[0] != 0x1234 {
		t.Errorf("tpidr_el0 = %#x", c.R[0])
	}
	// msr nzcv, x1; mrs x0, nzcv
	c = exec(t, regs(1, 0xffffffff), 0xd51b4201, 0xd53b4200)
	if c.R[0] != 0xf0000000 {
		t.Errorf("nzcv = %#x", c.R[0])
	}
	// Two counter reads increase.
	c = exec(t, nil, 0xd53be040, 0xd53be041)
	if c.R[1] <= c.R[0] {
		t.Errorf("cntvct not increasing: %d %d", c.R[0], c.R[1])
	}
	// dc zva, x1 clears the aligned 64-byte block.
	fill(t, m)
	one(0xd50b7421, regs(1, dataBase+0x45))
	for off := uint64(0); off < 0xc0; off += 8 {
		v, _ := m.as.Load64(dataBase + off)
		if zero := off >= 0x40 && off < 0x80; zero != (v == 0) {
			t.Errorf("dc zva: [%#x] = %#x", off, v)
		}
	}
	// Without HWCAP-visible ID registers, other system registers trap.
	if k := m.run(t, words(0xd5381000), nil); k != translate.ExitException || m.c.Exit.Exception != translate.ExcIllegal { // mrs x0, sctlr_el1
		t.Errorf("mrs sctlr_el1: exit %d", k)
	}
}

func TestCRC32(t *testing.T) {
	// crc32b w0, w1, w2 and crc32cx w0, w1, x2 against hash/crc32 (which
	// inverts before and after).
	c := exec(t, regs(1, 0xffffffff, 2, 'a'), 0x1ac24020)
	if want := ^crc32.ChecksumIEEE([]byte("a")); uint32(c.R[0]) != want {
		t.Errorf("crc32b = %#x, want %#x", c.R[0], want)
	}
	c = exec(t, regs(1, 0xffffffff, 2, 0x3837363534333231), 0x9ac25c20)
	if want := ^crc32.Checksum([]byte("12345678"), crc32.MakeTable(crc32.Castagnoli)); uint32(c.R[0]) != want {
		t.Errorf("crc32cx = %#x, want %#x", c.R[0], want)
	}
}

func TestSelfModifyingCode(t *testing.T) {
	// The code at codeBase+0x100 (mov x0, #1; ret) is executed, patched to
	// mov x0, #2, and executed again after IC IVAU.
	m := newMachine(t)
	code := words(
		0xd63f0020, // blr x1
		0xaa0003e3, // mov x3, x0
		0xb9000022, // str w2, [x1]  (the new instruction)
		0xd50b7521, // ic ivau, x1
		0xd63f0020, // blr x1
		svc0)
	sub := words(0xd2800020, 0xd65f03c0) // mov x0, #1; ret
	m.as.Protect(codeBase, 0x10000, translate.ProtRead|translate.ProtWrite|translate.ProtExec)
	m.as.WriteForce(codeBase+0x100, sub)
	k := m.run(t, code, regs(1, codeBase+0x100, 2, 0xd2800040)) // mov x0, #2
	if k != translate.ExitSyscall || m.c.R[3] != 1 || m.c.R[0] != 2 {
		t.Errorf("smc: exit %d x3 %d x0 %d", k, m.c.R[3], m.c.R[0])
	}
}

func TestPatchAcrossISB(t *testing.T) {
	m := newMachine(t)
	m.as.Protect(codeBase, 0x10000, translate.ProtRead|translate.ProtWrite|translate.ProtExec)
	code := words(
		0xb9000022, // str w2, [x1]
		0xd50b7521, // ic ivau, x1
		0xd5033fdf, // isb
		0xd2800020, // mov x0, #1 (patched to mov x0, #2)
		svc0)
	if k := m.run(t, code, regs(1, codeBase+12, 2, 0xd2800040)); k != translate.ExitSyscall || m.c.R[0] != 2 {
		t.Errorf("exit %d x0 %d, want the patched instruction", k, m.c.R[0])
	}
}

// Regression cases found by the differential tester (diff_test.go).
func TestFPRegressions(t *testing.T) {
	v0 := vlo(0)
	cases := []fpCase{
		// FRSQRTS rounds (3 - a*b)/2 once: an overflowing product gives the
		// largest finite number under RM, not half of it.
		{w: 0x5ee2fc20, fpcr: rmRM, d1: 0x79c60364e669709b, d2: 0xff027fffffff0180, dst: v0,
			want: 0x7fefffffffffffff, fpsr: fpsrOFC | fpsrIXC}, // frsqrts d0, d1, d2
		{w: 0x7ea2d420, d1: 0xffc00001, d2: f32(1), dst: v0, want: 0x7fc00001},        // fabd s0, s1, s2: FPAbs clears a NaN's sign
		{w: 0x1f428c20, d1: f64(2), d2: f64(3), d3: f64(10), dst: v0, want: f64(4)},   // fmsub d0 = d3 - d1*d2
		{w: 0x1f620c20, d1: f64(2), d2: f64(3), d3: f64(10), dst: v0, want: f64(-16)}, // fnmadd d0 = -d3 - d1*d2
		{w: 0x5e22fc20, d1: f32(1.5), d2: f32(0.5), dst: v0, want: f32(1.25)},         // frecps s0 = 2 - s1*s2
		{w: 0x5e22fc20, d1: 0x7f800000, d2: 0, dst: v0, want: f32(2)},                 // frecps: inf * 0 gives 2
		{w: 0x5ee1d820, d1: f64(2), dst: v0, want: 0x3fdff00000000000},                // frecpe d0, d1
		{w: 0x7ea1d820, d1: f32(4), dst: v0, want: 0x3eff8000},                        // frsqrte s0, s1
		{w: 0x5ee1f820, d1: f64(3), dst: v0, want: 0x3ff0000000000000},                // frecpx d0, d1
	}
	m := newMachine(t)
	for _, c := range cases {
		setup := func(cpu *translate.CPU) {
			cpu.R[RegFPCR] = c.fpcr
			cpu.R[vlo(1)], cpu.R[vlo(2)], cpu.R[vlo(3)] = c.d1, c.d2, c.d3
		}
		m.run(t, words(c.w, svc0), setup)
		if m.c.R[c.dst] != c.want || m.c.R[RegFPSR] != c.fpsr {
			t.Errorf("%s: %#x fpsr %#x, want %#x fpsr %#x", disasm(c.w), m.c.R[c.dst], m.c.R[RegFPSR], c.want, c.fpsr)
		}
	}
}
