package linuxuser

import (
	"github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// Linux riscv64 signal frame (arch/riscv/kernel/signal.c struct
// rt_sigframe), with uapi asm/sigcontext.h + asm/ptrace.h
// (user_regs_struct, then union __riscv_fp_state, 16-byte aligned, 528
// bytes).
const (
	rvScRegs    = 0   // pc, then x1..x31
	rvScFpregs  = 256 // f[32]
	rvScFcsr    = 256 + 32*8
	rvMcSize    = 256 + 528
	rvUcSize    = ucMcontext + rvMcSize
	rvFrameSize = siginfoSize + rvUcSize // 1088
)

// rvFrames builds and restores riscv64's rt_sigframe.
type rvFrames struct{}

// SetupSignalFrame builds the frame like setup_rt_frame: below SP,
// 16-byte aligned; ra is the return trampoline, a0..a2 = sig, &info, &uc.
func (rvFrames) SetupSignalFrame(c *translate.CPU, as *translate.AddressSpace, f *usermode.SigFrame) error {
	frame := (f.SP - rvFrameSize) &^ 15
	b := make([]byte, rvFrameSize)
	copy(b[frameInfo:frameInfo+siginfoSize], f.Info)
	uc := b[frameUc:]
	putUcHead(uc, f)
	mc := uc[ucMcontext:]
	le.PutUint64(mc[rvScRegs:], c.PC)
	for i := 1; i < 32; i++ {
		le.PutUint64(mc[rvScRegs+8*i:], c.R[riscv64.RegX0+i])
	}
	for i := 0; i < 32; i++ {
		le.PutUint64(mc[rvScFpregs+8*i:], c.R[riscv64.RegF0+i])
	}
	le.PutUint32(mc[rvScFcsr:], uint32(c.R[riscv64.RegFflags]&0x1f|(c.R[riscv64.RegFrm]&7)<<5))
	if err := as.Write(frame, b); err != nil {
		return err
	}
	c.R[riscv64.RegA0] = uint64(f.Sig)
	c.R[riscv64.RegA0+1] = frame + frameInfo
	c.R[riscv64.RegA0+2] = frame + frameUc
	c.R[riscv64.RegSP] = frame
	c.R[riscv64.RegRA] = f.Return
	c.PC = f.Handler
	return nil
}

// RestoreSignalFrame is rt_sigreturn: the frame is at sp (the handler
// returned to the trampoline with its stack balanced).
func (rvFrames) RestoreSignalFrame(c *translate.CPU, as *translate.AddressSpace) (usermode.SigFrame, error) {
	frame := c.R[riscv64.RegSP]
	b := make([]byte, rvUcSize)
	if err := as.Read(frame+frameUc, b); err != nil {
		return usermode.SigFrame{}, err
	}
	mc := b[ucMcontext:]
	c.PC = le.Uint64(mc[rvScRegs:])
	for i := 1; i < 32; i++ {
		c.R[riscv64.RegX0+i] = le.Uint64(mc[rvScRegs+8*i:])
	}
	for i := 0; i < 32; i++ {
		c.R[riscv64.RegF0+i] = le.Uint64(mc[rvScFpregs+8*i:])
	}
	fcsr := le.Uint32(mc[rvScFcsr:])
	c.R[riscv64.RegFflags], c.R[riscv64.RegFrm] = uint64(fcsr&0x1f), uint64(fcsr>>5&7)
	return ucHead(b), nil
}

// SigreturnCode is the vDSO's __vdso_rt_sigreturn: li a7, 139; ecall.
func (rvFrames) SigreturnCode() []byte {
	b := make([]byte, 8)
	le.PutUint32(b[0:], nrRtSigreturn<<20|riscv64.RegA7<<7|0x13) // addi a7, zero, 139
	le.PutUint32(b[4:], 0x73)                                    // ecall
	return b
}
