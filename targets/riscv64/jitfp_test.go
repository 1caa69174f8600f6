package riscv64

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// Tier 2 computes described FP helpers on the host when the result is
// ordinary (translate/float.go). Random FP blocks over operands chosen to
// hit every guard (NaNs, infinities, zeros, subnormals, the smallest
// binade, overflow, unboxed singles, rounding modes, fflags with and
// without NX) run in the interpreter and with every block compiled: the
// registers and fflags must agree.

// fpSpecials are operands at the edges the host form must refuse.
var fpSpecials = []uint64{
	0, 1 << 63, dbl(1), dbl(-1), dbl(3), dbl(0.1), dbl(1e300), dbl(-1e300), dbl(1e-300),
	dbl(0x1p-1022), dbl(0x1.8p-1022), dbl(0x1p-1021), dbl(0x1p-1074), dbl(math.MaxFloat64),
	dbl(math.Inf(1)), dbl(math.Inf(-1)), qnanD, snanD, dbl(math.Sqrt2), dbl(-2.5),
	sgl(1), sgl(-3), sgl(0.1), sgl(1e38), sgl(1e-38), sgl(0x1p-126), sgl(0x1p-149),
	sgl(float32(math.Inf(1))), qnanS, snanS, sgl(0), 0x000000003f800000, sgl(7.25),
}

var fpRandomInsns = []string{
	"fadd.d", "fsub.d", "fmul.d", "fdiv.d", "fsqrt.d", "fmadd.d", "fmsub.d", "fnmadd.d", "fnmsub.d",
	"feq.d", "flt.d", "fle.d",
	"fadd.s", "fsub.s", "fmul.s", "fdiv.s", "fsqrt.s", "fmadd.s", "fmsub.s", "fnmadd.s", "fnmsub.s",
	"feq.s", "flt.s", "fle.s",
}

func randomFPOperand(r *rand.Rand) uint64 {
	switch r.Intn(4) {
	case 0:
		return fpSpecials[r.Intn(len(fpSpecials))]
	case 1:
		return sgl(float32(r.NormFloat64() * 100))
	default:
		return dbl(r.NormFloat64() * math.Pow(2, float64(r.Intn(40)-20)))
	}
}

func randomFPBlock(r *rand.Rand) *prog {
	p := new(prog)
	for n := 4 + r.Intn(12); n > 0; n-- {
		name := fpRandomInsns[r.Intn(len(fpRandomInsns))]
		rd, rs1, rs2, rs3 := uint32(1+r.Intn(6)), uint32(1+r.Intn(6)), uint32(1+r.Intn(6)), uint32(1+r.Intn(6))
		rm := uint32([]uint32{rne, rne, dyn, dyn, rtz}[r.Intn(5)])
		switch {
		case name[1] == 'e' || name[1] == 'l': // feq/flt/fle write x rd
			p.w(F(name, rd, rs1, rs2, match(name)>>12&7))
		case name[:4] == "fsqr":
			p.w(F(name, rd, rs1, 0, rm))
		case name[1] == 'm' || name[1] == 'n' && name[2] == 'm':
			p.w(F4(name, rd, rs1, rs2, rs3, rm))
		default:
			p.w(F(name, rd, rs1, rs2, rm))
		}
	}
	return p.w(ecall)
}

func TestJITFloatAgrees(t *testing.T) {
	seeds := 3000
	if testing.Short() {
		seeds = 300
	}
	ref, jit := newMachine(t), newMachine(t)
	if err := ref.e.SetJIT(translate.JITOff); err != nil {
		t.Fatal(err)
	}
	if err := jit.e.SetJIT(translate.JITForce); err != nil {
		t.Skip("no tier 2 on this host:", err)
	}
	hostForms := 0
	for seed := 0; seed < seeds; seed++ {
		r := rand.New(rand.NewSource(int64(seed)))
		p := randomFPBlock(r)
		var init [8]uint64
		for i := range init {
			init[i] = randomFPOperand(r)
		}
		fflags := []uint64{0, fNX, fNX, fNX | fNV, fNX | fUF}[r.Intn(5)]
		frm := []uint64{0, 0, 0, rtz, rup}[r.Intn(5)]
		setup := func(c *translate.CPU) {
			for i, v := range init {
				c.R[RegF0+i] = v
				c.R[i] = v
			}
			c.R[RegFflags], c.R[RegFrm] = fflags, frm
		}
		k1, k2 := ref.run(t, p, setup), jit.run(t, p, setup)
		if k1 != k2 || ref.c.R != jit.c.R || ref.c.PC != jit.c.PC {
			t.Fatalf("seed %d: tier 2 differs from the interpreter:\n%s", seed, fpDiff(p, ref.c, jit.c, k1, k2))
		}
		if fflags&fNX != 0 && frm == 0 {
			hostForms++
		}
	}
	if blocks, _, _ := translate.JITStats(); blocks == 0 || translate.JITHostFloatOps() == 0 || hostForms == 0 {
		t.Fatalf("tier 2 compiled %d blocks, %d host-form FP ops; %d runs could take them",
			blocks, translate.JITHostFloatOps(), hostForms)
	}
}

func fpDiff(p *prog, a, b *translate.CPU, k1, k2 translate.ExitKind) string {
	s := fmt.Sprintf("exit %v / %v, pc %#x / %#x\n", k1, k2, a.PC, b.PC)
	for i := 0; i+3 < len(p.b); i += 4 {
		var d inst
		decode(uint32(p.b[i])|uint32(p.b[i+1])<<8|uint32(p.b[i+2])<<16|uint32(p.b[i+3])<<24, 0, &d)
		s += "  " + d.String() + "\n"
	}
	for i := range a.R {
		if a.R[i] != b.R[i] {
			s += fmt.Sprintf("  R[%d] = %#x, tier 2 %#x\n", i, a.R[i], b.R[i])
		}
	}
	return s
}
