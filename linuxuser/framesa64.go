package linuxuser

import (
	"errors"

	"github.com/gemu-project/gemu/targets/aarch64"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// Linux arm64 signal frame (arch/arm64/kernel/signal.c struct rt_sigframe
// followed by a frame record {fp, lr}), with uapi asm/sigcontext.h (struct
// sigcontext: fault_address, regs[31], sp, pc, pstate, then 4096 bytes of
// records: an fpsimd_context and a null terminator).
const (
	a64ScFaultAddr = 0
	a64ScRegs      = 8
	a64ScSP        = 8 + 31*8
	a64ScPC        = a64ScSP + 8
	a64ScPstate    = a64ScPC + 8
	a64ScReserved  = a64ScPstate + 16 // 16-byte aligned
	a64McSize      = a64ScReserved + 4096

	a64FrameSize = siginfoSize + ucMcontext + a64McSize // 4688, a multiple of 16

	fpsimdMagic = 0x46508001
	fpsimdSize  = 16 + 32*16 // head, fpsr, fpcr, vregs[32]
)

// a64Frames builds and restores arm64's rt_sigframe.
type a64Frames struct{}

// a64FaultSignals carry si_addr, which the kernel also stores in
// sigcontext.fault_address: SIGILL, SIGTRAP, SIGBUS, SIGFPE and SIGSEGV
// (Linux include/uapi/asm-generic/signal.h).
var a64FaultSignals = map[int]bool{4: true, 5: true, 7: true, 8: true, 11: true}

// SetupSignalFrame builds the frame like setup_rt_frame/get_sigframe: a
// frame record {x29, x30} just below SP (16-byte aligned), the rt_sigframe
// below it; x0..x2 = sig, &info, &uc, x29 points at the record, x30 is the
// return trampoline.
func (a64Frames) SetupSignalFrame(c *translate.CPU, as *translate.AddressSpace, f *usermode.SigFrame) error {
	record := (f.SP - 16) &^ 15
	frame := record - a64FrameSize
	b := make([]byte, a64FrameSize+16)
	copy(b[frameInfo:frameInfo+siginfoSize], f.Info)
	uc := b[frameUc:]
	putUcHead(uc, f)
	mc := uc[ucMcontext:]
	if a64FaultSignals[f.Sig] && len(f.Info) >= 24 {
		le.PutUint64(mc[a64ScFaultAddr:], le.Uint64(f.Info[16:]))
	}
	for i := 0; i < 31; i++ {
		le.PutUint64(mc[a64ScRegs+8*i:], c.R[i])
	}
	le.PutUint64(mc[a64ScSP:], c.R[aarch64.RegSP])
	le.PutUint64(mc[a64ScPC:], c.PC)
	le.PutUint64(mc[a64ScPstate:], c.R[aarch64.RegNZCV]&0xf0000000)
	fp := mc[a64ScReserved:]
	le.PutUint32(fp[0:], fpsimdMagic)
	le.PutUint32(fp[4:], fpsimdSize)
	le.PutUint32(fp[8:], uint32(c.R[aarch64.RegFPSR]))
	le.PutUint32(fp[12:], uint32(c.R[aarch64.RegFPCR]))
	for i := 0; i < 32; i++ {
		le.PutUint64(fp[16+16*i:], c.R[aarch64.RegV0+2*i])
		le.PutUint64(fp[24+16*i:], c.R[aarch64.RegV0+2*i+1])
	}
	// The terminator record (magic 0, size 0) is already zero.
	le.PutUint64(b[a64FrameSize:], c.R[29])
	le.PutUint64(b[a64FrameSize+8:], c.R[aarch64.RegLR])
	if err := as.Write(frame, b); err != nil {
		return err
	}
	c.R[0] = uint64(f.Sig)
	c.R[1] = frame + frameInfo
	c.R[2] = frame + frameUc
	c.R[29] = record
	c.R[aarch64.RegSP] = frame
	c.R[aarch64.RegLR] = f.Return
	c.PC = f.Handler
	return nil
}

var errBadFrame = errors.New("aarch64: bad signal frame")

// RestoreSignalFrame is rt_sigreturn (restore_sigframe): the frame is at
// SP, which must be 16-byte aligned; the FP/SIMD record must be present.
func (a64Frames) RestoreSignalFrame(c *translate.CPU, as *translate.AddressSpace) (usermode.SigFrame, error) {
	frame := c.R[aarch64.RegSP]
	if frame%16 != 0 {
		return usermode.SigFrame{}, errBadFrame
	}
	b := make([]byte, ucMcontext+a64McSize)
	if err := as.Read(frame+frameUc, b); err != nil {
		return usermode.SigFrame{}, err
	}
	mc := b[ucMcontext:]
	fp := mc[a64ScReserved:]
	if le.Uint32(fp[0:]) != fpsimdMagic || le.Uint32(fp[4:]) != fpsimdSize {
		return usermode.SigFrame{}, errBadFrame
	}
	for i := 0; i < 31; i++ {
		c.R[i] = le.Uint64(mc[a64ScRegs+8*i:])
	}
	c.R[aarch64.RegSP] = le.Uint64(mc[a64ScSP:])
	c.PC = le.Uint64(mc[a64ScPC:])
	c.R[aarch64.RegNZCV] = le.Uint64(mc[a64ScPstate:]) & 0xf0000000
	c.R[aarch64.RegFPSR] = uint64(le.Uint32(fp[8:])) & aarch64.FPSRMask
	c.R[aarch64.RegFPCR] = uint64(le.Uint32(fp[12:])) & aarch64.FPCRMask
	for i := 0; i < 32; i++ {
		c.R[aarch64.RegV0+2*i] = le.Uint64(fp[16+16*i:])
		c.R[aarch64.RegV0+2*i+1] = le.Uint64(fp[24+16*i:])
	}
	return ucHead(b), nil
}

// SigreturnCode is the vDSO's __kernel_rt_sigreturn: mov x8, #139; svc #0.
func (a64Frames) SigreturnCode() []byte {
	return le.AppendUint32(le.AppendUint32(nil, 0xd2800000|nrRtSigreturn<<5|8), 0xd4000001)
}
