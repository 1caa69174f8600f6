package riscv64

import "github.com/gemu-project/gemu/translate"

// Zbc, carry-less multiplication (RISC-V Bit-Manipulation ISA-extensions
// 1.0.0, "Zbc"): clmul gives the low 64 bits of the 128-bit carry-less
// product, clmulh the high 64, clmulr bits 126..63. Linux uses them for
// CRCs when the device tree names zbc (QEMU's does).

var zbcRows = []row{
	{mask: maskR, match: 0x0a001033, name: "clmul", args: argsR, lower: lowerClmul, aux: clmulLow},
	{mask: maskR, match: 0x0a003033, name: "clmulh", args: argsR, lower: lowerClmul, aux: clmulHigh},
	{mask: maskR, match: 0x0a002033, name: "clmulr", args: argsR, lower: lowerClmul, aux: clmulRev},
}

const (
	clmulLow = iota
	clmulHigh
	clmulRev
)

func lowerClmul(b *translate.Builder, d *inst) {
	b.Emit(translate.Op{Code: translate.OpCall, Fn: clmulHelper, Dst: xd(d.rd), A: xs(d.rs1), B: xs(d.rs2), Aux: d.row.aux})
}

func clmulHelper(c *translate.CPU, op *translate.Op) translate.ExitKind {
	c.R[op.Dst] = clmul(c.R[op.A], c.R[op.B], op.Aux)
	return translate.ExitNone
}

// clmul is the specification's loop for each form.
func clmul(a, b uint64, form uint8) uint64 {
	var r uint64
	for i := uint(0); i < 64; i++ {
		if b>>i&1 == 0 {
			continue
		}
		switch form {
		case clmulLow:
			r ^= a << i
		case clmulHigh:
			if i > 0 {
				r ^= a >> (64 - i)
			}
		case clmulRev:
			r ^= a >> (63 - i)
		}
	}
	return r
}
