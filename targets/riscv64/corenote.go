package riscv64

import (
	"encoding/binary"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Linux riscv64 core-file registers: elf_gregset_t is struct
// user_regs_struct (pc, then x1-x31; arch/riscv/include/uapi/asm/ptrace.h),
// the NT_PRFPREG note struct __riscv_d_ext_state (f[32], fcsr) padded to
// ELF_NFPREG (33) doublewords (arch/riscv/include/uapi/asm/elf.h).

var _ targets.CoreRegs = (*Arch)(nil)

var le = binary.LittleEndian

// CoreGRegs is user_regs_struct.
func (*Arch) CoreGRegs(c *translate.CPU) []byte {
	b := make([]byte, 32*8)
	le.PutUint64(b, c.PC)
	for i := 1; i < 32; i++ {
		le.PutUint64(b[i*8:], c.R[RegX0+i])
	}
	return b
}

// CoreFPRegs is __riscv_d_ext_state.
func (*Arch) CoreFPRegs(c *translate.CPU) []byte {
	b := make([]byte, 33*8)
	for i := 0; i < 32; i++ {
		le.PutUint64(b[i*8:], c.R[RegF0+i])
	}
	le.PutUint32(b[32*8:], uint32(c.R[RegFrm]<<5|c.R[RegFflags]))
	return b
}

// CoreExtra: riscv64 has no further register notes here.
func (*Arch) CoreExtra(c *translate.CPU) []targets.CoreNote { return nil }
