package aarch64

import (
	"encoding/binary"
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
	as, err := translate.NewAddressSpace(1 << 32)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(as.Close)
	maps := []translate.MapSpec{
		{Addr: codeBase, Length: 0x10000, Prot: translate.ProtRead | translate.ProtExec, Fixed: true, FD: -1},
		{Addr: dataBase, Length: dataSize, Prot: translate.ProtRead | translate.ProtWrite, Fixed: true, FD: -1},
		{Addr: stackTop - 0x10000, Length: 0x10000, Prot: translate.ProtRead | translate.ProtWrite, Fixed: true, FD: -1},
	}
	for _, s := range maps {
		if _, err := as.Map(s); err != nil {
			t.Fatal(err)
		}
	}
	a := &Arch{model: models["max"]}
	e := translate.NewEngine(a, as)
	return &machine{as: as, e: e, c: e.NewCPU(), arch: a}
}

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
