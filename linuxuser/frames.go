package linuxuser

import (
	"encoding/binary"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/usermode"
)

// Linux's rt_sigframe on arm64 and riscv64 begins { struct siginfo info;
// struct ucontext uc; }; the ucontext head is asm-generic's (uapi
// asm/ucontext.h: uc_sigmask padded to 128 bytes, uc_mcontext 16-byte
// aligned). Each machine's sigcontext is in frames<arch>.go.
const (
	siginfoSize = 128

	ucFlags    = 0
	ucLink     = 8
	ucStack    = 16 // stack_t: ss_sp, ss_flags, ss_size
	ucSigmask  = 40
	ucMcontext = 176 // 40 + 1024/8, rounded up to 16

	frameInfo = 0
	frameUc   = siginfoSize
)

// nrRtSigreturn is the trampolines' syscall (asm-generic rt_sigreturn).
const nrRtSigreturn = 139

var le = binary.LittleEndian

// framesFor gives arch's rt_sigframe builder; nil for an unknown CPU.
func framesFor(arch targets.Arch) usermode.SignalFrames {
	switch arch.Name() {
	case "aarch64":
		return a64Frames{}
	case "riscv64":
		return rvFrames{}
	}
	return nil
}

// putUcHead writes uc_stack and uc_sigmask of the ucontext uc.
func putUcHead(uc []byte, f *usermode.SigFrame) {
	le.PutUint64(uc[ucStack:], f.StackSP)
	le.PutUint32(uc[ucStack+8:], uint32(f.StackFlg))
	le.PutUint64(uc[ucStack+16:], f.StackLen)
	le.PutUint64(uc[ucSigmask:], f.Mask)
}

// ucHead reads back what putUcHead wrote, for rt_sigreturn.
func ucHead(uc []byte) usermode.SigFrame {
	return usermode.SigFrame{
		Mask:     le.Uint64(uc[ucSigmask:]),
		StackSP:  le.Uint64(uc[ucStack:]),
		StackFlg: int32(le.Uint32(uc[ucStack+8:])),
		StackLen: le.Uint64(uc[ucStack+16:]),
	}
}
