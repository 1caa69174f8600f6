package aarch64

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// Tier 2 computes described scalar FP helpers on the host when the result
// is ordinary (translate/float.go). Random FP blocks over operands at the
// guards' edges run in the interpreter and with every block compiled,
// under FPCR settings that allow the host form and ones that do not
// (rounding modes, FZ, DN) and FPSR with and without IXC: the registers,
// NZCV and FPSR must agree.

var fpSpecials = []uint64{
	0, 1 << 63, d64(1), d64(-1), d64(3), d64(0.1), d64(1e300), d64(-1e300), d64(1e-300),
	d64(0x1p-1022), d64(0x1.8p-1022), d64(0x1p-1021), d64(0x1p-1074), d64(math.MaxFloat64),
	d64(math.Inf(1)), d64(math.Inf(-1)), 0x7ff8000000000000, 0x7ff0000000000001, d64(-2.5),
	s32(1), s32(-3), s32(0.1), s32(1e38), s32(1e-38), s32(0x1p-126), s32(0x1p-149),
	s32(float32(math.Inf(1))), 0x7fc00000, 0x7f800001, 0xdeadbeef3f800000, s32(7.25),
}

func d64(x float64) uint64 { return math.Float64bits(x) }
func s32(x float32) uint64 { return uint64(math.Float32bits(x)) }

// randomFPInsn is one scalar FADD/FSUB/FMUL/FDIV, FSQRT, FMADD family or
// FCMP(E) on V1-V6.
func randomFPInsn(r *rand.Rand) uint32 {
	ftype := uint32(r.Intn(2)) << 22
	rd, rn, rm, ra := uint32(1+r.Intn(6)), uint32(1+r.Intn(6))<<5, uint32(1+r.Intn(6))<<16, uint32(1+r.Intn(6))<<10
	switch r.Intn(8) {
	case 0, 1, 2:
		opc := []uint32{0x0800, 0x1800, 0x2800, 0x3800}[r.Intn(4)] // FMUL FDIV FADD FSUB
		return 0x1e200000 | ftype | rm | opc | rn | rd
	case 3:
		return 0x1e21c000 | ftype | rn | rd // FSQRT
	case 4, 5:
		kind := []uint32{0, 0x8000, 0x200000, 0x208000}[r.Intn(4)] // FMADD FMSUB FNMADD FNMSUB
		return 0x1f000000 | kind | ftype | rm | ra | rn | rd
	default:
		return 0x1e202000 | ftype | rm | rn | uint32(r.Intn(4))<<3 // FCMP, FCMP #0, FCMPE, FCMPE #0
	}
}

func randomFPOperand(r *rand.Rand) uint64 {
	switch r.Intn(4) {
	case 0:
		return fpSpecials[r.Intn(len(fpSpecials))]
	case 1:
		return s32(float32(r.NormFloat64()*100)) | uint64(r.Intn(2))<<40
	default:
		return d64(r.NormFloat64() * math.Pow(2, float64(r.Intn(40)-20)))
	}
}

func TestJITFloatAgrees(t *testing.T) {
	seeds := 3000
	if testing.Short() {
		seeds = 300
	}
	compareTiers(t, seeds, func(r *rand.Rand) ([]uint32, func(*translate.CPU)) {
		var code []uint32
		for n := 4 + r.Intn(12); n > 0; n-- {
			code = append(code, randomFPInsn(r))
		}
		var init [16]uint64
		for i := range init {
			init[i] = randomFPOperand(r)
		}
		fpsr := []uint64{0, fpsrIXC, fpsrIXC, fpsrIXC | fpsrIOC}[r.Intn(4)]
		fpcr := []uint64{0, 0, 0, 1 << 22, fpcrFZ, fpcrDN}[r.Intn(6)]
		return code, func(c *translate.CPU) {
			for i, v := range init {
				c.R[RegV0+2+i] = v
			}
			c.R[RegFPSR], c.R[RegFPCR], c.R[RegNZCV] = fpsr, fpcr, 0x3<<28
		}
	})
	if blocks, _, _ := translate.JITStats(); blocks == 0 || translate.JITHostFloatOps() == 0 {
		t.Fatalf("tier 2 compiled %d blocks, %d host-form FP ops", blocks, translate.JITHostFloatOps())
	}
}

// compareTiers runs the programs gen makes (code, then svc #0, from the
// registers set up as it says) in the interpreter and with every block
// compiled; registers, PC and exit must agree (the helpers' lane scratch
// aside: a helper leaves it set, an inline form does not).
func compareTiers(t *testing.T, seeds int, gen func(r *rand.Rand) ([]uint32, func(*translate.CPU))) {
	t.Helper()
	ref, jit := newMachine(t), newMachine(t)
	if err := ref.e.SetJIT(translate.JITOff); err != nil {
		t.Fatal(err)
	}
	if err := jit.e.SetJIT(translate.JITForce); err != nil {
		t.Skip("no tier 2 on this host:", err)
	}
	for seed := 0; seed < seeds; seed++ {
		code, setup := gen(rand.New(rand.NewSource(int64(seed))))
		code = append(code, svc0)
		k1, k2 := ref.run(t, words(code...), setup), jit.run(t, words(code...), setup)
		clear(ref.c.R[regScratch : regScratch+8])
		clear(jit.c.R[regScratch : regScratch+8])
		if k1 != k2 || ref.c.R != jit.c.R || ref.c.PC != jit.c.PC {
			t.Fatalf("seed %d: tier 2 differs from the interpreter:\n%s", seed, fpDiff(code, ref.c, jit.c, k1, k2))
		}
	}
}

func fpDiff(code []uint32, a, b *translate.CPU, k1, k2 translate.ExitKind) string {
	s := fmt.Sprintf("exit %v / %v, pc %#x / %#x\n", k1, k2, a.PC, b.PC)
	for _, x := range code {
		s += fmt.Sprintf("  %08x %s\n", x, disasm(x))
	}
	for i := range a.R {
		if a.R[i] != b.R[i] {
			s += fmt.Sprintf("  R[%d] = %#x, tier 2 %#x\n", i, a.R[i], b.R[i])
		}
	}
	return s
}
