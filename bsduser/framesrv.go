package bsduser

import (
	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// riscv64Machine saves struct gpregs and struct fpregs (FreeBSD
// sys/riscv/include/ucontext.h) and enters the handler directly with the
// sigcode as its return address (exec_machdep.c sendsig: tf_sepc =
// catcher, tf_ra = the sigcode).
type riscv64Machine struct{}

func (riscv64Machine) layout() freebsd.UcontextLayout { return freebsd.Riscv64Ucontext }

func (riscv64Machine) sp(c *translate.CPU) uint64   { return c.R[riscv64.RegSP] }
func (riscv64Machine) arg0(c *translate.CPU) uint64 { return c.R[riscv64.RegA0] }

// saveRegs: gp_sstatus stays 0 (only user-mode returns exist here, and
// set_mcontext does not take it from the guest).
func (riscv64Machine) saveRegs(c *translate.CPU, uc []byte) {
	lay := freebsd.Riscv64Ucontext
	gp, fp := uc[lay.GPRegs:], uc[lay.FPRegs:]
	for x := 1; x < 32; x++ {
		le.PutUint64(gp[freebsd.Riscv64GPROffset(x):], c.R[x])
	}
	le.PutUint64(gp[freebsd.Riscv64GPSepc:], c.PC)
	for i := 0; i < 32; i++ {
		le.PutUint64(fp[freebsd.Riscv64FPX+16*i:], c.R[riscv64.RegF0+i])
	}
	fcsr := c.R[riscv64.RegFflags]&0x1f | c.R[riscv64.RegFrm]&7<<5
	le.PutUint64(fp[freebsd.Riscv64FPFcsr:], fcsr)
	le.PutUint32(uc[lay.MCFlags:], freebsd.MC_FP_VALID)
}

func (riscv64Machine) restoreRegs(c *translate.CPU, uc []byte) error {
	lay := freebsd.Riscv64Ucontext
	gp, fp := uc[lay.GPRegs:], uc[lay.FPRegs:]
	for x := 1; x < 32; x++ {
		c.R[x] = le.Uint64(gp[freebsd.Riscv64GPROffset(x):])
	}
	c.PC = le.Uint64(gp[freebsd.Riscv64GPSepc:])
	if le.Uint32(uc[lay.MCFlags:])&freebsd.MC_FP_VALID != 0 {
		for i := 0; i < 32; i++ {
			c.R[riscv64.RegF0+i] = le.Uint64(fp[freebsd.Riscv64FPX+16*i:])
		}
		fcsr := le.Uint64(fp[freebsd.Riscv64FPFcsr:])
		c.R[riscv64.RegFflags], c.R[riscv64.RegFrm] = fcsr&0x1f, fcsr>>5&7
	}
	return nil
}

func (riscv64Machine) enter(c *translate.CPU, f *usermode.SigFrame, frame uint64) {
	c.R[riscv64.RegA0] = uint64(f.Sig)
	c.R[riscv64.RegA0+1] = frame
	c.R[riscv64.RegA0+2] = frame + sfUC
	c.R[riscv64.RegSP] = frame
	c.R[riscv64.RegRA] = f.Return
	c.PC = f.Handler
}

// sigcode is FreeBSD's riscv sigcode (sys/riscv/riscv/locore.S):
// mv a0, sp; addi a0, a0, SF_UC; 1: li t0, SYS_sigreturn; ecall;
// li t0, SYS_exit; ecall; j 1b.
func (riscv64Machine) sigcode() []byte {
	return words(0x00010513, 0x00050513|sfUC<<20, 0x00000293|freebsd.SysSigreturn<<20, 0x00000073,
		0x00000293|freebsd.SysExit<<20, 0x00000073, 0xff1ff06f)
}
