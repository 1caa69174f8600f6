package riscv64

import (
	"encoding/binary"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Linux riscv64 signal frame (arch/riscv/kernel/signal.c struct
// rt_sigframe { struct siginfo info; struct ucontext uc; }), with
// uapi asm/ucontext.h (uc_sigmask padded to 128 bytes before
// uc_mcontext) and asm/sigcontext.h + asm/ptrace.h (user_regs_struct,
// then union __riscv_fp_state, 16-byte aligned, 528 bytes).
const (
	SiginfoSize = 128

	UcFlags    = 0
	UcLink     = 8
	UcStack    = 16 // stack_t: ss_sp, ss_flags, ss_size
	UcSigmask  = 40
	UcMcontext = 176 // 40 + 1024/8, rounded up to 16

	ScRegs    = 0   // pc, then x1..x31
	ScFpregs  = 256 // f[32]
	ScFcsr    = 256 + 32*8
	McSize    = 256 + 528
	UcSize    = UcMcontext + McSize
	FrameInfo = 0
	FrameUc   = SiginfoSize
	FrameSize = SiginfoSize + UcSize // 1088
)

// Sigreturn number of the trampoline (asm-generic rt_sigreturn).
const sysRtSigreturn = 139

var le = binary.LittleEndian

var _ targets.SignalFrames = (*Arch)(nil)

// SetupSignalFrame builds the frame like setup_rt_frame: below SP,
// 16-byte aligned; ra is the return trampoline, a0..a2 = sig, &info, &uc.
func (*Arch) SetupSignalFrame(c *translate.CPU, as *translate.AddressSpace, f *targets.SigFrame) error {
	frame := (f.SP - FrameSize) &^ 15
	b := make([]byte, FrameSize)
	copy(b[FrameInfo:FrameInfo+SiginfoSize], f.Info)
	uc := b[FrameUc:]
	le.PutUint64(uc[UcStack:], f.StackSP)
	le.PutUint32(uc[UcStack+8:], uint32(f.StackFlg))
	le.PutUint64(uc[UcStack+16:], f.StackLen)
	le.PutUint64(uc[UcSigmask:], f.Mask)
	mc := uc[UcMcontext:]
	le.PutUint64(mc[ScRegs:], c.PC)
	for i := 1; i < 32; i++ {
		le.PutUint64(mc[ScRegs+8*i:], c.R[RegX0+i])
	}
	for i := 0; i < 32; i++ {
		le.PutUint64(mc[ScFpregs+8*i:], c.R[RegF0+i])
	}
	le.PutUint32(mc[ScFcsr:], uint32(c.R[RegFflags]&0x1f|(c.R[RegFrm]&7)<<5))
	if err := as.Write(frame, b); err != nil {
		return err
	}
	c.R[RegA0] = uint64(f.Sig)
	c.R[RegA0+1] = frame + FrameInfo
	c.R[RegA0+2] = frame + FrameUc
	c.R[RegSP] = frame
	c.R[RegRA] = f.Return
	c.PC = f.Handler
	return nil
}

// RestoreSignalFrame is rt_sigreturn: the frame is at sp (the handler
// returned to the trampoline with its stack balanced).
func (*Arch) RestoreSignalFrame(c *translate.CPU, as *translate.AddressSpace) (targets.SigFrame, error) {
	frame := c.R[RegSP]
	b := make([]byte, UcSize)
	if err := as.Read(frame+FrameUc, b); err != nil {
		return targets.SigFrame{}, err
	}
	mc := b[UcMcontext:]
	c.PC = le.Uint64(mc[ScRegs:])
	for i := 1; i < 32; i++ {
		c.R[RegX0+i] = le.Uint64(mc[ScRegs+8*i:])
	}
	for i := 0; i < 32; i++ {
		c.R[RegF0+i] = le.Uint64(mc[ScFpregs+8*i:])
	}
	fcsr := le.Uint32(mc[ScFcsr:])
	c.R[RegFflags], c.R[RegFrm] = uint64(fcsr&0x1f), uint64(fcsr>>5&7)
	return targets.SigFrame{
		Mask:     le.Uint64(b[UcSigmask:]),
		StackSP:  le.Uint64(b[UcStack:]),
		StackFlg: int32(le.Uint32(b[UcStack+8:])),
		StackLen: le.Uint64(b[UcStack+16:]),
	}, nil
}

// SigreturnCode is the vDSO's __vdso_rt_sigreturn: li a7, 139; ecall.
func (*Arch) SigreturnCode() []byte {
	b := make([]byte, 8)
	le.PutUint32(b[0:], sysRtSigreturn<<20|RegA7<<7|0x13) // addi a7, zero, 139
	le.PutUint32(b[4:], 0x73)                             // ecall
	return b
}
