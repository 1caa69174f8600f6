package riscv64

import (
	"fmt"
	"strings"
)

// Dump is the hart's state as HMP `info registers` prints it for riscv
// (pc, the main CSRs, then the integer and FP registers four to a line).
func (h *Hart) Dump() string {
	var b strings.Builder
	c := h.CPU
	row := func(name string, v uint64) { fmt.Fprintf(&b, " %-8s %016x\n", name, v) }
	row("pc", c.PC)
	row("mhartid", uint64(h.ID))
	row("mstatus", h.readMstatus())
	row("priv", uint64(h.priv))
	for _, r := range []struct {
		name string
		v    uint64
	}{
		{"mip", h.pending()}, {"mie", h.mie}, {"mideleg", h.mideleg}, {"medeleg", h.medeleg},
		{"mtvec", h.mtvec}, {"stvec", h.stvec}, {"mepc", h.mepc}, {"sepc", h.sepc},
		{"mcause", h.mcause}, {"scause", h.scause}, {"mtval", h.mtval}, {"stval", h.stval},
		{"mscratch", h.mscratch}, {"sscratch", h.sscratch}, {"satp", h.satp},
	} {
		row(r.name, r.v)
	}
	for i := 0; i < 32; i++ {
		fmt.Fprintf(&b, " %-8s %016x", fmt.Sprintf("x%d/%s", i, xNames[i]), c.R[i])
		if i%4 == 3 {
			b.WriteString("\n")
		}
	}
	for i := 0; i < 32; i++ {
		fmt.Fprintf(&b, " %-8s %016x", fmt.Sprintf("f%d/%s", i, fNames[i]), c.R[RegF0+i])
		if i%4 == 3 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// Clear forgets every code page (a machine reset).
func (p *CodePages) Clear() {
	for i := range p.bits {
		p.bits[i].Store(0)
	}
}
