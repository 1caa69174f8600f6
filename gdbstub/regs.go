package gdbstub

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/gemu-project/gemu/targets/aarch64"
	"github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
)

// The register map: for each guest machine, GDB's registers in remote
// protocol order (the regnum of the target description, the order of the
// g packet) and where each lives in translate.CPU. Values travel as
// target-endian (little-endian) bytes in hex (GDB manual, "Packets": g).

// regKind says how a register is read from and written to the CPU.
type regKind uint8

const (
	rSlot  regKind = iota // one 64-bit slot R[slot]
	rZero                 // reads 0, writes ignored (RISC-V x0)
	rPC                   // CPU.PC
	rLow32                // the low 32 bits of R[slot] (cpsr, fpsr, fpcr)
	rVec                  // 128 bits: R[slot] low half, R[slot+1] high half
	rFcsr                 // RISC-V fcsr: frm<<5 | fflags
)

// reg is one register as GDB sees it.
type reg struct {
	name    string
	bits    int
	typ     string // a predefined or feature-defined type (target description)
	feature int    // index into archDesc.features
	kind    regKind
	slot    uint8
	mask    uint64 // rLow32: the bits a write may set (0: all 32)
}

// feature is one target description feature: its name and the types its
// registers use, as XML.
type feature struct {
	name  string
	types string
}

// archDesc is everything machine-specific the stub needs.
type archDesc struct {
	arch     string // <architecture>
	features []feature
	regs     []reg // index == remote register number
	pcReg    int
}

// descFor returns the description of a guest machine (built on first use:
// most gemu runs have no debugger).
func descFor(m elf.Machine) (*archDesc, error) {
	switch m {
	case elf.EM_AARCH64:
		return aarch64Desc(), nil
	case elf.EM_RISCV:
		return riscv64Desc(), nil
	}
	return nil, fmt.Errorf("gdbstub: no register map for %v", m)
}

// aarch64Desc follows the GDB manual's "AArch64 Features": the core
// feature has x0-x30, sp, pc and cpsr; the fpu feature v0-v31, fpsr, fpcr.
var aarch64Desc = sync.OnceValue(func() *archDesc {
	d := &archDesc{arch: "aarch64", features: []feature{
		{"org.gnu.gdb.aarch64.core", aarch64CoreTypes},
		{"org.gnu.gdb.aarch64.fpu", aarch64FPUTypes},
	}}
	for i := 0; i < 31; i++ {
		d.regs = append(d.regs, reg{name: fmt.Sprintf("x%d", i), bits: 64, typ: "int", slot: uint8(aarch64.RegX0 + i)})
	}
	d.regs = append(d.regs,
		reg{name: "sp", bits: 64, typ: "data_ptr", slot: aarch64.RegSP},
		reg{name: "pc", bits: 64, typ: "code_ptr", kind: rPC},
		reg{name: "cpsr", bits: 32, typ: "cpsr_flags", kind: rLow32, slot: aarch64.RegNZCV, mask: 0xf000_0000})
	d.pcReg = 32
	for i := 0; i < 32; i++ {
		d.regs = append(d.regs, reg{name: fmt.Sprintf("v%d", i), bits: 128, typ: "vreg", feature: 1,
			kind: rVec, slot: uint8(aarch64.RegV0 + 2*i)})
	}
	d.regs = append(d.regs,
		reg{name: "fpsr", bits: 32, typ: "int", feature: 1, kind: rLow32, slot: aarch64.RegFPSR},
		reg{name: "fpcr", bits: 32, typ: "int", feature: 1, kind: rLow32, slot: aarch64.RegFPCR})
	return d
})

// riscv64Desc follows the GDB manual's "RISC-V Features": the cpu feature
// has x0-x31 (ABI names) and pc; the fpu feature f0-f31; the control and
// status registers fflags, frm and fcsr are in the csr feature.
var riscv64Desc = sync.OnceValue(func() *archDesc {
	d := &archDesc{arch: "riscv:rv64", features: []feature{
		{"org.gnu.gdb.riscv.cpu", ""},
		{"org.gnu.gdb.riscv.fpu", riscvFPUTypes},
		{"org.gnu.gdb.riscv.csr", ""},
	}}
	for i, n := range riscvXNames {
		r := reg{name: n, bits: 64, typ: "int", slot: uint8(riscv64.RegX0 + i)}
		switch n {
		case "zero":
			r.kind = rZero
		case "ra":
			r.typ = "code_ptr"
		case "sp", "gp", "tp", "s0":
			r.typ = "data_ptr"
		}
		d.regs = append(d.regs, r)
	}
	d.regs = append(d.regs, reg{name: "pc", bits: 64, typ: "code_ptr", kind: rPC})
	d.pcReg = 32
	for i, n := range riscvFNames {
		d.regs = append(d.regs, reg{name: n, bits: 64, typ: "fpreg", feature: 1, slot: uint8(riscv64.RegF0 + i)})
	}
	d.regs = append(d.regs,
		reg{name: "fflags", bits: 64, typ: "int", feature: 2, slot: riscv64.RegFflags},
		reg{name: "frm", bits: 64, typ: "int", feature: 2, slot: riscv64.RegFrm},
		reg{name: "fcsr", bits: 64, typ: "int", feature: 2, kind: rFcsr})
	return d
})

var riscvXNames = [32]string{
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
}

var riscvFNames = [32]string{
	"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
	"fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
	"fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
	"fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
}

// get returns the register's bytes, little-endian.
func (r *reg) get(c *translate.CPU) []byte {
	le := binary.LittleEndian
	out := make([]byte, r.bits/8)
	switch r.kind {
	case rSlot:
		le.PutUint64(out, c.R[r.slot])
	case rZero:
	case rPC:
		le.PutUint64(out, c.PC)
	case rLow32:
		le.PutUint32(out, uint32(c.R[r.slot]))
	case rVec:
		le.PutUint64(out, c.R[r.slot])
		le.PutUint64(out[8:], c.R[r.slot+1])
	case rFcsr:
		le.PutUint64(out, c.R[riscv64.RegFrm]<<5|c.R[riscv64.RegFflags])
	}
	return out
}

// set stores the register from len(r.bits/8) little-endian bytes.
func (r *reg) set(c *translate.CPU, b []byte) {
	le := binary.LittleEndian
	switch r.kind {
	case rSlot:
		c.R[r.slot] = le.Uint64(b)
	case rPC:
		c.PC = le.Uint64(b)
	case rLow32:
		v := uint64(le.Uint32(b))
		if r.mask != 0 {
			v &= r.mask
		}
		c.R[r.slot] = v
	case rVec:
		c.R[r.slot], c.R[r.slot+1] = le.Uint64(b), le.Uint64(b[8:])
	case rFcsr:
		v := le.Uint64(b)
		c.R[riscv64.RegFflags], c.R[riscv64.RegFrm] = v&31, v>>5&7
	}
}

// readRegs encodes all registers (the g packet reply).
func (d *archDesc) readRegs(c *translate.CPU) string {
	var out []byte
	for i := range d.regs {
		out = appendHex(out, d.regs[i].get(c))
	}
	return string(out)
}

// writeRegs decodes a G packet's payload into c.
func (d *archDesc) writeRegs(c *translate.CPU, hexData string) error {
	b, err := decodeHex(hexData)
	if err != nil {
		return err
	}
	for i := range d.regs {
		r := &d.regs[i]
		n := r.bits / 8
		if len(b) < n {
			return nil // GDB may send fewer registers than described
		}
		r.set(c, b[:n])
		b = b[n:]
	}
	return nil
}

// Supports reports whether the stub knows the registers of machine m.
func Supports(m elf.Machine) bool {
	_, err := descFor(m)
	return err == nil
}
