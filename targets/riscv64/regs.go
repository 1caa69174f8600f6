package riscv64

import "github.com/gemu-project/gemu/translate"

// Layout of the architectural state in translate.CPU.R.
const (
	RegX0     = 0  // x0..x31 live in R[0..31]; R[0] is never written
	RegF0     = 32 // f0..f31 live in R[32..63] as raw 64-bit values
	RegFflags = 64 // fcsr.fflags (5 bits, NX UF OF DZ NV from bit 0)
	RegFrm    = 65 // fcsr.frm (3 bits; 5..7 are invalid as a dynamic mode)
	RegTmp0   = 66 // block-local temporaries
	RegTmp1   = 67
	RegTmp2   = 68
	NumRegs   = 69
)

// ABI register numbers (RISC-V psABI, "Integer Register Convention").
const (
	RegRA = 1
	RegSP = 2
	RegGP = 3
	RegTP = 4
	RegA0 = 10
	RegA7 = 17
)

// nanBox is the upper half a NaN-boxed single-precision value carries
// (RISC-V ISA manual, Volume I, "NaN Boxing of Narrower Values"), as an
// int64 immediate (0xffff_ffff_0000_0000).
const nanBox = -1 << 32

var xNames = [32]string{
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
}

var fNames = [32]string{
	"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
	"fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
	"fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
	"fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
}

// xs is the slot an integer source register reads (x0 reads R[0] == 0).
func xs(n uint8) uint8 { return n & 31 }

// xd is the slot an integer destination writes: x0 writes are discarded.
func xd(n uint8) uint8 {
	if n == 0 {
		return translate.RegSink
	}
	return n & 31
}

// fr is the slot of floating-point register n.
func fr(n uint8) uint8 { return RegF0 + n&31 }
