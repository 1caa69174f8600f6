package linuxuser

import (
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/targets/aarch64"
	"github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// convention is Linux's system-call registers on one CPU: the number in
// one register, the arguments from arg0 on, the result (or a negated
// errno, which Linux returns as it is) in arg0; the syscall instruction
// (svc #0, ecall) is 4 bytes.
type convention struct {
	number int // register of the syscall number
	arg0   int // first argument and result register
}

// arm64: number in x8, arguments x0..x5, result in x0
// (Linux arch/arm64/include/asm/syscall.h).
var arm64Convention = &convention{number: 8, arg0: aarch64.RegX0}

// riscv64: number in a7, arguments a0..a5, result in a0
// (Linux arch/riscv/include/asm/syscall.h).
var riscv64Convention = &convention{number: riscv64.RegA7, arg0: riscv64.RegA0}

// conventionFor gives arch's convention; nil for an unknown CPU (whose
// syscall table already failed to load).
func conventionFor(arch targets.Arch) usermode.SyscallConvention {
	switch arch.Name() {
	case "aarch64":
		return arm64Convention
	case "riscv64":
		return riscv64Convention
	}
	return nil
}

func (v *convention) SyscallNumber(c *translate.CPU) uint64 { return c.R[v.number] }

func (v *convention) SyscallArg(c *translate.CPU, i int) uint64 { return c.R[v.arg0+i&7] }

func (v *convention) SetSyscallResult(c *translate.CPU, r uint64) { c.R[v.arg0] = r }

func (v *convention) SyscallInsnLen() uint64 { return 4 }
