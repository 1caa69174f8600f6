package aarch64

import (
	"encoding/binary"
	"github.com/gemu-project/gemu/internal/testenv"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// A sandbox machine for the semantics tests: code at codeBase, data at
// dataBase, a stack below stackTop.
const (
	codeBase = 0x10000
	dataBase = 0x40000
	dataSize = 0x10000
	stackTop = 0x80000
)

type machine struct {
	as   *translate.AddressSpace
	e    *translate.Engine
	c    *translate.CPU
	arch *Arch
}

func newMachine(t testing.TB) *machine {
	a := &Arch{model: models["max"]}
	sb := testenv.NewSandbox(t, a, codeBase, dataBase, dataSize, stackTop)
	return &machine{as: sb.AS, e: sb.E, c: sb.CPU, arch: a}
}

// svc0 is svc #0, which ends a test program with ExitSyscall.
const svc0 = 0xd4000001

func words(ws ...uint32) []byte {
	var b []byte
	for _, w := range ws {
		b = binary.LittleEndian.AppendUint32(b, w)
	}
	return b
}

// load places code at codeBase and resets the CPU.
func (m *machine) load(t testing.TB, code []byte) {
	t.Helper()
	if err := m.as.WriteForce(codeBase, code); err != nil {
		t.Fatal(err)
	}
	m.e.FlushAll()
	m.arch.ResetCPU(m.c, codeBase, stackTop)
}

// run executes code after setup and returns the exit kind.
func (m *machine) run(t testing.TB, code []byte, setup func(c *translate.CPU)) translate.ExitKind {
	t.Helper()
	m.load(t, code)
	if setup != nil {
		setup(m.c)
	}
	return m.e.Run(m.c)
}

// exec runs the instructions (an SVC is appended) and returns the CPU.
func exec(t testing.TB, setup func(c *translate.CPU), ws ...uint32) *translate.CPU {
	t.Helper()
	m := newMachine(t)
	if k := m.run(t, words(append(ws, svc0)...), setup); k != translate.ExitSyscall {
		t.Fatalf("exit %v (%+v) at pc %#x, want syscall", k, m.c.Exit, m.c.PC)
	}
	return m.c
}

// regs sets registers from pairs (slot, value).
func regs(kv ...uint64) func(c *translate.CPU) {
	return func(c *translate.CPU) {
		for i := 0; i+1 < len(kv); i += 2 {
			c.R[kv[i]] = kv[i+1]
		}
	}
}
