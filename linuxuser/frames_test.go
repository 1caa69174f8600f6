package linuxuser

import (
	"testing"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/targets/aarch64"
	"github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// TestConventions checks the syscall registers of each CPU.
func TestConventions(t *testing.T) {
	for _, tc := range []struct {
		arch       string
		number, a0 int
	}{{"aarch64", 8, aarch64.RegX0}, {"riscv64", riscv64.RegA7, riscv64.RegA0}} {
		arch, err := targets.ByName(tc.arch)
		if err != nil {
			t.Fatal(err)
		}
		v := conventionFor(arch)
		var c translate.CPU
		for i := 0; i < 6; i++ {
			c.R[tc.a0+i] = uint64(100 + i)
		}
		c.R[tc.number] = 64
		if v.SyscallNumber(&c) != 64 || v.SyscallArg(&c, 0) != 100 || v.SyscallArg(&c, 5) != 105 {
			t.Errorf("%s: syscall registers", tc.arch)
		}
		v.SetSyscallResult(&c, 7)
		if c.R[tc.a0] != 7 || v.SyscallInsnLen() != 4 {
			t.Errorf("%s: result", tc.arch)
		}
	}
}

// TestFramesRoundTrip builds a frame on each CPU and restores it: the
// registers come back, the handler gets sig, &info, &uc.
func TestFramesRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		arch       string
		a0, sp, fp int // first argument, stack pointer, a floating-point register
	}{{"aarch64", aarch64.RegX0, aarch64.RegSP, aarch64.RegV0 + 3},
		{"riscv64", riscv64.RegA0, riscv64.RegSP, riscv64.RegF0 + 3}} {
		arch, err := targets.ByName(tc.arch)
		if err != nil {
			t.Fatal(err)
		}
		fr := framesFor(arch)
		as, err := translate.NewAddressSpace(1 << 32)
		if err != nil {
			t.Fatal(err)
		}
		defer as.Close()
		const top = 0x80000
		if _, err := as.Map(translate.MapSpec{Addr: top - 0x10000, Length: 0x10000,
			Prot: translate.ProtRead | translate.ProtWrite, Fixed: true, FD: -1}); err != nil {
			t.Fatal(err)
		}
		var c translate.CPU
		for i := 0; i < 31; i++ {
			c.R[i] = uint64(0x1000 + i)
		}
		c.R[tc.sp], c.R[tc.fp], c.PC = top-8, 0x3ff0000000000000, 0x4000
		saved, pc := c.R, c.PC
		f := usermode.SigFrame{Sig: 10, Info: make([]byte, siginfoSize), Handler: 0x5000, Return: 0x6000,
			SP: top - 8, Mask: 0x1234, StackSP: 0x7000, StackLen: 0x800, StackFlg: 2}
		if err := fr.SetupSignalFrame(&c, as, &f); err != nil {
			t.Fatal(err)
		}
		if c.PC != 0x5000 || c.R[tc.a0] != 10 || c.R[tc.a0+1] != c.R[tc.sp] ||
			c.R[tc.a0+2] != c.R[tc.sp]+frameUc || c.R[tc.sp]%16 != 0 {
			t.Errorf("%s: handler entry pc %#x args %#x %#x %#x sp %#x", tc.arch, c.PC,
				c.R[tc.a0], c.R[tc.a0+1], c.R[tc.a0+2], c.R[tc.sp])
		}
		c.R[tc.fp] = 0
		got, err := fr.RestoreSignalFrame(&c, as)
		if err != nil {
			t.Fatal(err)
		}
		if got.Mask != f.Mask || got.StackSP != f.StackSP || got.StackLen != f.StackLen || got.StackFlg != f.StackFlg {
			t.Errorf("%s: restored %+v", tc.arch, got)
		}
		for i := range saved {
			if c.R[i] != saved[i] {
				t.Errorf("%s: R[%d] = %#x, want %#x", tc.arch, i, c.R[i], saved[i])
			}
		}
		if c.PC != pc {
			t.Errorf("%s: pc %#x", tc.arch, c.PC)
		}
		if len(fr.SigreturnCode()) != 8 {
			t.Errorf("%s: sigreturn code % x", tc.arch, fr.SigreturnCode())
		}
	}
}
