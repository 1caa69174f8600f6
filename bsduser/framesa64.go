package bsduser

import (
	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/targets/aarch64"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// arm64Machine saves struct gpregs and struct fpregs (FreeBSD
// sys/arm64/include/ucontext.h) and enters handlers through the sigcode
// with the handler in x8 (exec_machdep.c sendsig: tf_x[8] = catcher,
// tf_elr = the sigcode, whose first instruction is blr x8).
type arm64Machine struct{}

func (arm64Machine) layout() freebsd.UcontextLayout { return freebsd.Arm64Ucontext }

func (arm64Machine) sp(c *translate.CPU) uint64   { return c.R[aarch64.RegSP] }
func (arm64Machine) arg0(c *translate.CPU) uint64 { return c.R[aarch64.RegX0] }

func (arm64Machine) saveRegs(c *translate.CPU, uc []byte) {
	lay := freebsd.Arm64Ucontext
	gp, fp := uc[lay.GPRegs:], uc[lay.FPRegs:]
	for i := 0; i < 30; i++ {
		le.PutUint64(gp[freebsd.Arm64GPX+8*i:], c.R[i])
	}
	le.PutUint64(gp[freebsd.Arm64GPLR:], c.R[aarch64.RegLR])
	le.PutUint64(gp[freebsd.Arm64GPSP:], c.R[aarch64.RegSP])
	le.PutUint64(gp[freebsd.Arm64GPELR:], c.PC)
	le.PutUint64(gp[freebsd.Arm64GPSPSR:], c.R[aarch64.RegNZCV]&nzcvMask)
	for i := 0; i < 32; i++ {
		le.PutUint64(fp[freebsd.Arm64FPQ+16*i:], c.R[aarch64.RegV0+2*i])
		le.PutUint64(fp[freebsd.Arm64FPQ+16*i+8:], c.R[aarch64.RegV0+2*i+1])
	}
	le.PutUint32(fp[freebsd.Arm64FPSR:], uint32(c.R[aarch64.RegFPSR]))
	le.PutUint32(fp[freebsd.Arm64FPCR:], uint32(c.R[aarch64.RegFPCR]))
	le.PutUint32(uc[lay.MCFlags:], freebsd.MC_FP_VALID)
}

// nzcvMask keeps the condition flags of SPSR (bits 28-31).
const nzcvMask = 0xf0000000

// restoreRegs is set_mcontext: an SPSR that is not EL0t with the
// flags only is refused (exec_machdep.c: EINVAL).
func (arm64Machine) restoreRegs(c *translate.CPU, uc []byte) error {
	lay := freebsd.Arm64Ucontext
	gp, fp := uc[lay.GPRegs:], uc[lay.FPRegs:]
	spsr := le.Uint64(gp[freebsd.Arm64GPSPSR:])
	if spsr&^nzcvMask != 0 {
		return errBadContext
	}
	for i := 0; i < 30; i++ {
		c.R[i] = le.Uint64(gp[freebsd.Arm64GPX+8*i:])
	}
	c.R[aarch64.RegLR] = le.Uint64(gp[freebsd.Arm64GPLR:])
	c.R[aarch64.RegSP] = le.Uint64(gp[freebsd.Arm64GPSP:])
	c.PC = le.Uint64(gp[freebsd.Arm64GPELR:])
	c.R[aarch64.RegNZCV] = spsr
	if le.Uint32(uc[lay.MCFlags:])&freebsd.MC_FP_VALID != 0 {
		for i := 0; i < 32; i++ {
			c.R[aarch64.RegV0+2*i] = le.Uint64(fp[freebsd.Arm64FPQ+16*i:])
			c.R[aarch64.RegV0+2*i+1] = le.Uint64(fp[freebsd.Arm64FPQ+16*i+8:])
		}
		c.R[aarch64.RegFPSR] = uint64(le.Uint32(fp[freebsd.Arm64FPSR:]))
		c.R[aarch64.RegFPCR] = uint64(le.Uint32(fp[freebsd.Arm64FPCR:]))
	}
	return nil
}

func (arm64Machine) enter(c *translate.CPU, f *usermode.SigFrame, frame uint64) {
	c.R[0] = uint64(f.Sig)
	c.R[1] = frame
	c.R[2] = frame + sfUC
	c.R[8] = f.Handler
	c.R[aarch64.RegSP] = frame
	c.PC = f.Return
}

// sigcode is FreeBSD's arm64 sigcode (sys/arm64/arm64/sigtramp.S):
// blr x8; mov x0, sp; add x0, x0, #SF_UC; 1: mov x8, #SYS_sigreturn;
// svc 0; mov x8, #SYS_exit; svc 0; b 1b.
func (arm64Machine) sigcode() []byte {
	return words(0xd63f0100, 0x910003e0, 0x91000000|sfUC<<10, 0xd2800008|freebsd.SysSigreturn<<5,
		0xd4000001, 0xd2800008|freebsd.SysExit<<5, 0xd4000001, 0x17fffffc)
}

// words lays instructions out little-endian.
func words(w ...uint32) []byte {
	b := make([]byte, 4*len(w))
	for i, v := range w {
		le.PutUint32(b[4*i:], v)
	}
	return b
}
