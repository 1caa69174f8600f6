package aarch64

import (
	"encoding/binary"
	"errors"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Linux arm64 signal frame (arch/arm64/kernel/signal.c struct rt_sigframe
// { struct siginfo info; struct ucontext uc; } followed by a frame record
// {fp, lr}), with uapi asm/ucontext.h (uc_sigmask padded to 128 bytes,
// uc_mcontext 16-byte aligned) and asm/sigcontext.h (struct sigcontext:
// fault_address, regs[31], sp, pc, pstate, then 4096 bytes of records: an
// fpsimd_context and a null terminator).
const (
	SiginfoSize = 128

	UcFlags    = 0
	UcLink     = 8
	UcStack    = 16 // stack_t: ss_sp, ss_flags, ss_size
	UcSigmask  = 40
	UcMcontext = 176

	ScFaultAddr = 0
	ScRegs      = 8
	ScSP        = 8 + 31*8
	ScPC        = ScSP + 8
	ScPstate    = ScPC + 8
	ScReserved  = ScPstate + 16 // 16-byte aligned
	McSize      = ScReserved + 4096

	FrameInfo = 0
	FrameUc   = SiginfoSize
	FrameSize = SiginfoSize + UcMcontext + McSize // 4688, a multiple of 16

	fpsimdMagic = 0x46508001
	fpsimdSize  = 16 + 32*16 // head, fpsr, fpcr, vregs[32]
)

const sysRtSigreturn = 139 // asm-generic rt_sigreturn

var le = binary.LittleEndian

var _ targets.SignalFrames = (*Arch)(nil)

// faultSignals carry si_addr, which the kernel also stores in
// sigcontext.fault_address: SIGILL, SIGTRAP, SIGBUS, SIGFPE and SIGSEGV
// (Linux include/uapi/asm-generic/signal.h).
var faultSignals = map[int]bool{4: true, 5: true, 7: true, 8: true, 11: true}

// SetupSignalFrame builds the frame like setup_rt_frame/get_sigframe: a
// frame record {x29, x30} just below SP (16-byte aligned), the rt_sigframe
// below it; x0..x2 = sig, &info, &uc, x29 points at the record, x30 is the
// return trampoline.
func (*Arch) SetupSignalFrame(c *translate.CPU, as *translate.AddressSpace, f *targets.SigFrame) error {
	record := (f.SP - 16) &^ 15
	frame := record - FrameSize
	b := make([]byte, FrameSize+16)
	copy(b[FrameInfo:FrameInfo+SiginfoSize], f.Info)
	uc := b[FrameUc:]
	le.PutUint64(uc[UcStack:], f.StackSP)
	le.PutUint32(uc[UcStack+8:], uint32(f.StackFlg))
	le.PutUint64(uc[UcStack+16:], f.StackLen)
	le.PutUint64(uc[UcSigmask:], f.Mask)
	mc := uc[UcMcontext:]
	if faultSignals[f.Sig] && len(f.Info) >= 24 {
		le.PutUint64(mc[ScFaultAddr:], le.Uint64(f.Info[16:]))
	}
	for i := 0; i < 31; i++ {
		le.PutUint64(mc[ScRegs+8*i:], c.R[i])
	}
	le.PutUint64(mc[ScSP:], c.R[RegSP])
	le.PutUint64(mc[ScPC:], c.PC)
	le.PutUint64(mc[ScPstate:], c.R[RegNZCV]&0xf0000000)
	fp := mc[ScReserved:]
	le.PutUint32(fp[0:], fpsimdMagic)
	le.PutUint32(fp[4:], fpsimdSize)
	le.PutUint32(fp[8:], uint32(c.R[RegFPSR]))
	le.PutUint32(fp[12:], uint32(c.R[RegFPCR]))
	for i := uint32(0); i < 32; i++ {
		le.PutUint64(fp[16+16*i:], c.R[vlo(i)])
		le.PutUint64(fp[24+16*i:], c.R[vhi(i)])
	}
	// The terminator record (magic 0, size 0) is already zero.
	le.PutUint64(b[FrameSize:], c.R[29])
	le.PutUint64(b[FrameSize+8:], c.R[RegLR])
	if err := as.Write(frame, b); err != nil {
		return err
	}
	c.R[0] = uint64(f.Sig)
	c.R[1] = frame + FrameInfo
	c.R[2] = frame + FrameUc
	c.R[29] = record
	c.R[RegSP] = frame
	c.R[RegLR] = f.Return
	c.PC = f.Handler
	return nil
}

var errBadFrame = errors.New("aarch64: bad signal frame")

// RestoreSignalFrame is rt_sigreturn (restore_sigframe): the frame is at
// SP, which must be 16-byte aligned; the FP/SIMD record must be present.
func (*Arch) RestoreSignalFrame(c *translate.CPU, as *translate.AddressSpace) (targets.SigFrame, error) {
	frame := c.R[RegSP]
	if frame%16 != 0 {
		return targets.SigFrame{}, errBadFrame
	}
	b := make([]byte, UcMcontext+McSize)
	if err := as.Read(frame+FrameUc, b); err != nil {
		return targets.SigFrame{}, err
	}
	mc := b[UcMcontext:]
	fp := mc[ScReserved:]
	if le.Uint32(fp[0:]) != fpsimdMagic || le.Uint32(fp[4:]) != fpsimdSize {
		return targets.SigFrame{}, errBadFrame
	}
	for i := 0; i < 31; i++ {
		c.R[i] = le.Uint64(mc[ScRegs+8*i:])
	}
	c.R[RegSP] = le.Uint64(mc[ScSP:])
	c.PC = le.Uint64(mc[ScPC:])
	c.R[RegNZCV] = le.Uint64(mc[ScPstate:]) & 0xf0000000
	c.R[RegFPSR] = uint64(le.Uint32(fp[8:])) & fpsrMask
	c.R[RegFPCR] = uint64(le.Uint32(fp[12:])) & fpcrMask
	for i := uint32(0); i < 32; i++ {
		c.R[vlo(i)] = le.Uint64(fp[16+16*i:])
		c.R[vhi(i)] = le.Uint64(fp[24+16*i:])
	}
	return targets.SigFrame{
		Mask:     le.Uint64(b[UcSigmask:]),
		StackSP:  le.Uint64(b[UcStack:]),
		StackFlg: int32(le.Uint32(b[UcStack+8:])),
		StackLen: le.Uint64(b[UcStack+16:]),
	}, nil
}

// SigreturnCode is the vDSO's __kernel_rt_sigreturn: mov x8, #139; svc #0.
func (*Arch) SigreturnCode() []byte {
	return binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil,
		0xd2800000|sysRtSigreturn<<5|8), svc0)
}

const svc0 = 0xd4000001
