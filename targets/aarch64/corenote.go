package aarch64

import (
	"encoding/binary"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Linux arm64 core-file registers: elf_gregset_t is struct user_pt_regs
// (x0-x30, sp, pc, pstate; arch/arm64/include/uapi/asm/ptrace.h), the
// NT_PRFPREG note struct user_fpsimd_state (vregs[32], fpsr, fpcr, two
// reserved words), NT_ARM_TLS (0x401) holds TPIDR_EL0 (include/uapi/linux/elf.h).
const ntARMTLS = 0x401

var _ targets.CoreRegs = (*Arch)(nil)

var le = binary.LittleEndian

// CoreGRegs is user_pt_regs; PSTATE is NZCV at EL0t.
func (*Arch) CoreGRegs(c *translate.CPU) []byte {
	b := make([]byte, 34*8)
	for i := 0; i < 31; i++ {
		le.PutUint64(b[i*8:], c.R[RegX0+i])
	}
	le.PutUint64(b[31*8:], c.R[RegSP])
	le.PutUint64(b[32*8:], c.PC)
	le.PutUint64(b[33*8:], c.R[RegNZCV]&0xf000_0000)
	return b
}

// CoreFPRegs is user_fpsimd_state.
func (*Arch) CoreFPRegs(c *translate.CPU) []byte {
	b := make([]byte, 32*16+16)
	for i := 0; i < 32; i++ {
		le.PutUint64(b[i*16:], c.R[RegV0+2*i])
		le.PutUint64(b[i*16+8:], c.R[RegV0+2*i+1])
	}
	le.PutUint32(b[512:], uint32(c.R[RegFPSR]))
	le.PutUint32(b[516:], uint32(c.R[RegFPCR]))
	return b
}

// CoreExtra is NT_ARM_TLS.
func (*Arch) CoreExtra(c *translate.CPU) []targets.CoreNote {
	b := make([]byte, 8)
	le.PutUint64(b, c.R[RegTPIDR])
	return []targets.CoreNote{{Type: ntARMTLS, Desc: b}}
}
