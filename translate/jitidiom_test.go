package translate

import (
	"math/rand"
	"testing"
)

// The rotate idiom (jitidiom.go) in every shape, fused or not: tier 2
// agrees with the interpreter.
func TestJITRotateIdiom(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	fused := 0
	for n := 0; n < 400; n++ {
		k := int64(1 + r.Intn(31))
		x, tReg, uReg := uint8(r.Intn(4)), uint8(r.Intn(6)), uint8(r.Intn(6))
		srl := Op{Code: OpSrlIW, Dst: tReg, A: x, Imm: k}
		sll := Op{Code: OpSllIW, Dst: uReg, A: x, Imm: 32 - k}
		if r.Intn(8) == 0 {
			sll.Imm = k // not a rotate
		}
		ops := []Op{srl, sll}
		if r.Intn(2) == 0 {
			ops = []Op{sll, srl}
		}
		or := Op{Code: OpOr, Dst: []uint8{tReg, uReg, 7}[r.Intn(3)], A: tReg, B: uReg}
		if r.Intn(2) == 0 {
			or.A, or.B = uReg, tReg
		}
		ops = append(ops, or)
		// What follows kills the other register, reads it, or leaves.
		switch r.Intn(4) {
		case 0: // kill the register the OR did not write
			kill := tReg
			if or.Dst == tReg {
				kill = uReg
			}
			ops = append(ops, Op{Code: OpAddI, Dst: 9, A: or.Dst, Imm: 1}, Op{Code: OpMovI, Dst: kill, Imm: 5})
		case 1:
			ops = append(ops, Op{Code: OpAdd, Dst: 8, A: tReg, B: uReg})
		case 2:
			ops = append(ops, Op{Code: OpStore32, A: regDataBase, B: uReg, Imm: 8})
		}
		ops = append(ops, Op{Code: OpSyscall, Imm: scriptCode + 0x100})
		s := script{scriptCode: ops}
		seed := int64(n)
		init := func(c *CPU) {
			rr := rand.New(rand.NewSource(seed))
			for i := 0; i < 8; i++ {
				c.R[i] = rr.Uint64()
			}
		}
		want := runScriptWith(t, s, JITOff, seed, init)
		got := runScriptWith(t, s, JITForce, seed, init)
		if d := diffRuns(want, got); d != "" {
			t.Fatalf("case %d: %s\nprogram:\n%s", n, d, dumpScript(s))
		}
		if c := (&jitCompiler{b: &Block{Ops: ops}, zero: RegZero}); func() bool { _, _, _, ok := c.rotateWMatch(0); return ok }() {
			fused++
		}
	}
	if fused < 20 || fused == 400 {
		t.Fatalf("only %d of the programs had the idiom tier 2 fuses", fused)
	}
}
