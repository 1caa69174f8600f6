package riscv64

import (
	"encoding/binary"
	"github.com/gemu-project/gemu/internal/testenv"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// A tiny assembler and a sandbox machine for the semantics tests. Opcode
// bits come from the decode table (whose encodings are checked against
// x/arch in decode_test.go); operand fields are placed here.

var rowByName = func() map[string]*row {
	m := map[string]*row{}
	for _, r := range allRows() {
		m[r.name] = r
	}
	return m
}()

func match(name string) uint32 {
	r, ok := rowByName[name]
	if !ok {
		panic("no row " + name)
	}
	return r.match
}

// R is a register-register instruction (also unary forms with rs2 = 0).
func R(name string, rd, rs1, rs2 uint32) uint32 {
	return match(name) | rd<<7 | rs1<<15 | rs2<<20
}

// I is an I-type instruction; for shifts imm is the shift amount.
func I(name string, rd, rs1 uint32, imm int32) uint32 {
	return match(name) | rd<<7 | rs1<<15 | uint32(imm)&0xfff<<20
}

func S(name string, rs2, rs1 uint32, imm int32) uint32 {
	u := uint32(imm)
	return match(name) | u&31<<7 | rs1<<15 | rs2<<20 | u>>5&0x7f<<25
}

func B(name string, rs1, rs2 uint32, off int32) uint32 {
	u := uint32(off)
	return match(name) | u>>11&1<<7 | u>>1&15<<8 | rs1<<15 | rs2<<20 | u>>5&0x3f<<25 | u>>12&1<<31
}

func U(name string, rd uint32, imm20 uint32) uint32 {
	return match(name) | rd<<7 | imm20<<12
}

func J(rd uint32, off int32) uint32 {
	u := uint32(off)
	return match("jal") | rd<<7 | u>>12&0xff<<12 | u>>11&1<<20 | u>>1&0x3ff<<21 | u>>20&1<<31
}

func CSR(name string, rd, csr, rs1 uint32) uint32 {
	return match(name) | rd<<7 | rs1<<15 | csr<<20
}

// F is an FP instruction with a rounding mode (rm 7 = dynamic).
func F(name string, rd, rs1, rs2, rm uint32) uint32 {
	return match(name)&^(7<<12) | rd<<7 | rm<<12 | rs1<<15 | rs2<<20
}

func F4(name string, rd, rs1, rs2, rs3, rm uint32) uint32 {
	return F(name, rd, rs1, rs2, rm) | rs3<<27
}

const (
	ecall    = 0x00000073
	codeBase = 0x10000
	dataBase = 0x40000
	dataSize = 0x10000
	stackTop = 0x80000
)

// prog is a code buffer.
type prog struct{ b []byte }

func (p *prog) w(ws ...uint32) *prog {
	for _, w := range ws {
		p.b = binary.LittleEndian.AppendUint32(p.b, w)
	}
	return p
}

func (p *prog) h(hs ...uint16) *prog {
	for _, h := range hs {
		p.b = binary.LittleEndian.AppendUint16(p.b, h)
	}
	return p
}

func code(ws ...uint32) *prog { return new(prog).w(ws...) }

type machine struct {
	t    *testing.T
	as   *translate.AddressSpace
	e    *translate.Engine
	c    *translate.CPU
	arch *Arch
}

func newMachine(t testing.TB) *machine {
	a := &Arch{}
	sb := testenv.NewSandbox(t, a, codeBase, dataBase, dataSize, stackTop)
	return &machine{as: sb.AS, e: sb.E, c: sb.CPU, arch: a}
}

// load places code at codeBase and resets the CPU.
func (m *machine) load(t testing.TB, p *prog) {
	t.Helper()
	if err := m.as.WriteForce(codeBase, p.b); err != nil {
		t.Fatal(err)
	}
	m.e.FlushAll()
	m.arch.ResetCPU(m.c, codeBase, stackTop)
}

// run executes p after setup and returns the exit kind.
func (m *machine) run(t testing.TB, p *prog, setup func(c *translate.CPU)) translate.ExitKind {
	t.Helper()
	m.load(t, p)
	if setup != nil {
		setup(m.c)
	}
	return m.e.Run(m.c)
}

// exec runs p (which must end in ecall) and returns the CPU.
func exec(t testing.TB, p *prog, setup func(c *translate.CPU)) *translate.CPU {
	t.Helper()
	m := newMachine(t)
	if k := m.run(t, p, setup); k != translate.ExitSyscall {
		t.Fatalf("exit %v (%+v) at pc %#x, want syscall", k, m.c.Exit, m.c.PC)
	}
	return m.c
}

// regs sets x registers from pairs (reg, value).
func regs(kv ...uint64) func(c *translate.CPU) {
	return func(c *translate.CPU) {
		for i := 0; i+1 < len(kv); i += 2 {
			c.R[kv[i]] = kv[i+1]
		}
	}
}
