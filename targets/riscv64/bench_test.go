package riscv64

import (
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// BenchmarkLoop runs a 6-instruction integer loop (load, ALU, branch) and
// reports the interpreter's cost per guest instruction.
func BenchmarkLoop(b *testing.B) {
	m := newMachine(b)
	p := code(
		I("addi", 10, 0, 0),   // a0 = i
		I("andi", 5, 10, 255), // t0 = i & 255
		R("sh3add", 6, 5, 11), // t1 = base + t0*8
		I("ld", 7, 6, 0),
		R("add", 12, 12, 7),
		I("addi", 10, 10, 1),
		B("bne", 10, 13, -20),
		ecall,
	)
	m.load(b, p)
	b.ResetTimer()
	const iters = 1 << 20
	for i := 0; i < b.N; i++ {
		m.arch.ResetCPU(m.c, codeBase, stackTop)
		m.c.R[11] = dataBase
		m.c.R[13] = iters
		if k := m.e.Run(m.c); k != translate.ExitSyscall {
			b.Fatal(k)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(iters*6), "ns/insn")
}

// BenchmarkTranslate measures decoding and lowering of a 64-instruction
// block of mixed integer code.
func BenchmarkTranslate(b *testing.B) {
	m := newMachine(b)
	p := new(prog)
	for i := 0; i < 16; i++ {
		p.w(R("add", 5, 6, 7), I("ld", 8, 2, 16), I("addi", 9, 9, 1), S("sd", 9, 2, 8))
	}
	p.w(ecall)
	m.load(b, p)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m.e.Translate(codeBase)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/65, "ns/insn")
}
