package riscv64

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

func TestRegistered(t *testing.T) {
	for _, name := range []string{"riscv64", "riscv"} {
		a, err := targets.ByName(name)
		if err != nil || a.Name() != "riscv64" {
			t.Errorf("ByName(%q) = %v, %v", name, a, err)
		}
	}
	a, err := targets.ByMachine(elf.EM_RISCV)
	if err != nil {
		t.Fatal(err)
	}
	if a.HWCap() != 0x112d { // I M A F D C
		t.Errorf("HWCap = %#x", a.HWCap())
	}
	if a.AddressSpaceSize() != 1<<38 || a.StackTop() >= 1<<38 || a.StackTop()%translate.PageSize != 0 {
		t.Errorf("address space %#x stack top %#x", a.AddressSpaceSize(), a.StackTop())
	}
	if a.Platform() != "" || a.UnameMachine() != "riscv64" {
		t.Error("platform/uname")
	}
	if a.SetModel("") != nil || a.SetModel("max") != nil || a.SetModel("rv64") != nil || a.SetModel("z80") == nil {
		t.Error("SetModel")
	}
}

func TestResetAndRegs(t *testing.T) {
	var a Arch
	var c translate.CPU
	c.R[RegF0] = 1
	c.R[RegA0] = 1
	a.ResetCPU(&c, 0x1000, 0x8000)
	if c.PC != 0x1000 || c.R[RegSP] != 0x8000 || c.R[RegA0] != 0 || c.R[RegF0] != 0 {
		t.Errorf("reset: pc %#x sp %#x", c.PC, c.R[RegSP])
	}
	a.SetTLS(&c, 0x1234)
	a.SetSP(&c, 0x4000)
	if c.R[RegTP] != 0x1234 || a.SP(&c) != 0x4000 {
		t.Error("tls/sp")
	}
}

func TestDisassemble(t *testing.T) {
	var a Arch
	le32 := func(w uint32) []byte { return binary.LittleEndian.AppendUint32(nil, w) }
	le16 := func(h uint16) []byte { return binary.LittleEndian.AppendUint16(nil, h) }
	cases := []struct {
		code []byte
		want string
		n    int
	}{
		{le32(R("add", 10, 11, 12)), "add a0,a1,a2", 4},
		{le32(ecall), "ecall", 4},
		{le16(0xa005), "j 32", 2}, // x/arch alone says 34
		{le16(0x556d), "li a0,-5", 2},
		{le16(0), ".insn 0x0000", 2},
		{le32(0xffffffff), ".insn 0xffffffff", 4},
		{[]byte{0x13}, ".byte", 2},
		{[]byte{0x13, 0}, ".2byte 0x0013", 2},
	}
	for _, tc := range cases {
		got, n := a.Disassemble(tc.code, 0x1000)
		if got != tc.want || n != tc.n {
			t.Errorf("% x: %q (%d), want %q (%d)", tc.code, got, n, tc.want, tc.n)
		}
	}
}

func TestDumpRegs(t *testing.T) {
	var a Arch
	var c translate.CPU
	c.PC = 0x10078
	c.R[RegSP] = 0x3fffffe000
	c.R[RegFrm] = 2
	c.R[RegFflags] = 1
	var buf bytes.Buffer
	a.DumpRegs(&buf, &c)
	out := buf.String()
	for _, want := range []string{" pc       0000000000010078\n", " x2/sp    0000003fffffe000",
		" f10/fa0  0000000000000000", " fcsr     0000000000000041"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}
