package bsduser

import (
	"fmt"
	"strings"

	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/targets/aarch64"
	"github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// FreeBSD's system-call conventions. The indirect calls syscall(2) (0)
// and __syscall(2) (198) take the number in the first argument register
// and the arguments after it (sys/kern/subr_syscall.c and each arch's
// cpu_fetch_syscall_args).
const (
	sysIndirect  = 0
	sysIndirect2 = 198
)

// convention is one architecture's: which registers hold the number, the
// arguments and the result, and how an error is flagged.
type convention struct {
	number   int // register of the syscall number
	arg0     int // first argument register (eight in a row)
	errorOut func(c *translate.CPU, failed bool)
	link     int // the link register, which exec points at the entry
}

// arm64: number in x8, arguments x0-x7, the result in x0 and the carry
// flag set on error with the errno in x0 (sys/arm64/arm64/trap.c
// cpu_fetch_syscall_args; sys/arm64/arm64/vm_machdep.c
// cpu_set_syscall_retval; libc's SYS.h branches on b.cs).
var arm64Convention = &convention{number: 8, arg0: aarch64.RegX0, link: aarch64.RegLR,
	errorOut: func(c *translate.CPU, failed bool) {
		if failed {
			c.R[aarch64.RegNZCV] |= translate.FlagC
		} else {
			c.R[aarch64.RegNZCV] &^= translate.FlagC
		}
	}}

// riscv64: number in t0, arguments a0-a7, the result in a0 and t0 = 1
// on error with the errno in a0, t0 = 0 on success (sys/riscv/riscv/
// trap.c cpu_fetch_syscall_args; vm_machdep.c cpu_set_syscall_retval).
const riscvT0 = 5

var riscv64Convention = &convention{number: riscvT0, arg0: riscv64.RegA0, link: riscv64.RegRA,
	errorOut: func(c *translate.CPU, failed bool) {
		c.R[riscvT0] = 0
		if failed {
			c.R[riscvT0] = 1
		}
	}}

func conventionFor(arch targets.Arch) (*convention, error) {
	switch arch.Name() {
	case "aarch64":
		return arm64Convention, nil
	case "riscv64":
		return riscv64Convention, nil
	}
	return nil, errUnsupportedArch(arch)
}

func (v *convention) indirect(c *translate.CPU) bool {
	n := c.R[v.number]
	return n == sysIndirect || n == sysIndirect2
}

func (v *convention) SyscallNumber(c *translate.CPU) uint64 {
	if v.indirect(c) {
		return c.R[v.arg0]
	}
	return c.R[v.number]
}

func (v *convention) SyscallArg(c *translate.CPU, i int) uint64 {
	if v.indirect(c) {
		i++
	}
	return c.R[v.arg0+i&7]
}

// SetSyscallResult writes a result, or a negated host errno as
// FreeBSD's errno with the error flag.
func (v *convention) SetSyscallResult(c *translate.CPU, r uint64) {
	failed := usermode.IsErr(r)
	if failed {
		r = uint64(freebsd.ErrnoFromLinux(int(-int64(r))))
	}
	c.R[v.arg0] = r
	v.errorOut(c, failed)
}

// setSecond sets the second result register (td_retval[1]: x1, a1).
func (v *convention) setSecond(c *translate.CPU, r uint64) { c.R[v.arg0+1] = r }

func (v *convention) SyscallInsnLen() uint64 { return 4 }

// ResultText shows a failed call with FreeBSD's errno, as the guest
// sees it, in -strace's format.
func (v *convention) ResultText(kind syscalls.RetKind, r uint64) string {
	if usermode.IsErr(r) {
		e := freebsd.ErrnoFromLinux(int(-int64(r)))
		msg := e.Error()
		if msg != "" {
			msg = strings.ToUpper(msg[:1]) + msg[1:] // as strerror(3) writes it
		}
		return fmt.Sprintf(" = -1 errno=%d (%s)", int(e), msg)
	}
	return linux.Result(kind, r)
}

// startRegs: the argument block's address in the first argument register
// (the loader's Image.SPInArg0) and the entry in the link register.
func (v *convention) startRegs(c *translate.CPU, img *loader.Image) {
	if img.SPInArg0 {
		c.R[v.arg0] = img.SP
	}
	c.R[v.link] = img.Entry
}
