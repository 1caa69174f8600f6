package riscv64

import (
	"fmt"
	"strings"
)

// operands lists the instruction's operands as plain tokens (x5, f3, -12,
// 8(x2), (x10)), in the order of the ISA manual's assembly syntax.
func (d *inst) operands() []string {
	var out []string
	for _, k := range d.row.args {
		if k == aNone {
			break
		}
		out = append(out, d.operand(k))
	}
	return out
}

func (d *inst) operand(k argKind) string {
	switch k {
	case aRd:
		return fmt.Sprintf("x%d", d.rd)
	case aRs1:
		return fmt.Sprintf("x%d", d.rs1)
	case aRs2:
		return fmt.Sprintf("x%d", d.rs2)
	case aFd:
		return fmt.Sprintf("f%d", d.rd)
	case aFs1:
		return fmt.Sprintf("f%d", d.rs1)
	case aFs2:
		return fmt.Sprintf("f%d", d.rs2)
	case aFs3:
		return fmt.Sprintf("f%d", d.rs3)
	case aImm, aShamt:
		return fmt.Sprint(d.imm)
	case aUimm:
		return fmt.Sprint(d.imm >> 12 & 0xfffff)
	case aMem:
		return fmt.Sprintf("%d(x%d)", d.imm, d.rs1)
	case aPtr:
		return fmt.Sprintf("(x%d)", d.rs1)
	case aCSR:
		return fmt.Sprintf("csr%d", d.imm)
	case aZimm:
		return fmt.Sprint(d.rs1)
	case aPred:
		return fmt.Sprint(d.raw >> 24 & 15)
	case aSucc:
		return fmt.Sprint(d.raw >> 20 & 15)
	}
	return "?"
}

// String is a simple disassembly (no pseudo-instructions), for diagnostics.
func (d *inst) String() string {
	if d.row == nil {
		return "(illegal)"
	}
	s := d.row.name
	if ops := d.operands(); len(ops) > 0 {
		s += " " + strings.Join(ops, ",")
	}
	return s
}
