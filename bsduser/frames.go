package bsduser

import (
	"encoding/binary"
	"errors"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// FreeBSD signal frames (sys/arm64/arm64/exec_machdep.c and
// sys/riscv/riscv/exec_machdep.c sendsig and sys_sigreturn): below the
// stack (or the alternate stack) a struct sigframe {siginfo_t sf_si;
// ucontext_t sf_uc;} aligned to 16; the handler gets (sig, &sf_si,
// &sf_uc) and returns into the sigcode, which calls sigreturn(&sf_uc).
// The ucontext's offsets come from syscalls/freebsd.

// sfUC is offsetof(struct sigframe, sf_uc): after the 80-byte siginfo,
// which both ucontexts' alignment (16, 8) leaves in place.
const sfUC = freebsd.SiginfoSize

// ctxMachine is one architecture's register save and restore.
type ctxMachine interface {
	layout() freebsd.UcontextLayout
	saveRegs(c *translate.CPU, mc []byte)
	restoreRegs(c *translate.CPU, mc []byte) error
	// enter points c at the handler: arguments, stack, return path.
	enter(c *translate.CPU, f *usermode.SigFrame, frame uint64)
	sigcode() []byte
	sp(c *translate.CPU) uint64
	arg0(c *translate.CPU) uint64
}

// frames implements usermode.SignalFrames for FreeBSD on one machine.
type frames struct{ m ctxMachine }

func framesFor(arch targets.Arch) usermode.SignalFrames {
	switch arch.Name() {
	case "aarch64":
		return frames{arm64Machine{}}
	case "riscv64":
		return frames{riscv64Machine{}}
	}
	return nil
}

func (fr frames) SigreturnCode() []byte { return fr.m.sigcode() }

func (fr frames) SetupSignalFrame(c *translate.CPU, as *translate.AddressSpace, f *usermode.SigFrame) error {
	lay := fr.m.layout()
	size := uint64(sfUC + lay.Size)
	frame := (f.SP - size) &^ 15
	b := make([]byte, size)
	sig, _ := freebsd.SignalFromLinux(f.Sig)
	bsdSiginfo(sig, f.Info, b[:sfUC])
	uc := b[sfUC:]
	freebsd.SigsetFromLinux(f.Mask).Encode(uc)
	fr.m.saveRegs(c, uc)
	st := freebsd.StackT{SP: f.StackSP, Size: f.StackLen}
	switch {
	case f.StackFlg&linux.SsDisable != 0:
		st.Flags = freebsd.SS_DISABLE
	case f.StackFlg&linux.SsOnstack != 0:
		st.Flags = freebsd.SS_ONSTACK
	}
	st.Encode(uc[lay.Stack:])
	if err := as.Write(frame, b); err != nil {
		return err
	}
	f.Sig = int(sig)
	fr.m.enter(c, f, frame)
	return nil
}

// RestoreSignalFrame is sigreturn(ucp): the ucontext is at the first
// argument, where the sigcode puts it.
func (fr frames) RestoreSignalFrame(c *translate.CPU, as *translate.AddressSpace) (usermode.SigFrame, error) {
	lay := fr.m.layout()
	uc := make([]byte, lay.Size)
	if err := as.Read(fr.m.arg0(c), uc); err != nil {
		return usermode.SigFrame{}, err
	}
	if err := fr.m.restoreRegs(c, uc); err != nil {
		return usermode.SigFrame{}, err
	}
	return usermode.SigFrame{Mask: freebsd.DecodeSigset(uc).Linux()}, nil
}

// FreeBSD si_code values (sys/sys/signal.h).
const (
	bsdSIUser   = 0x10001
	bsdSIQueue  = 0x10002
	bsdSITimer  = 0x10003
	bsdSIKernel = 0x10006
	bsdSILWP    = 0x10007
)

// bsdSiginfo rewrites a host siginfo_t (Linux asm-generic/siginfo.h:
// signo 0, errno 4, code 8, the union at 16) as FreeBSD's.
func bsdSiginfo(sig freebsd.Signal, linux, out []byte) {
	le := binary.LittleEndian
	code := int32(le.Uint32(linux[8:]))
	si := freebsd.Siginfo{Signo: int32(sig), Errno: int32(le.Uint32(linux[4:]))}
	switch {
	case code > 0 && code < 0x80 && isFaultSignal(sig):
		si.Code, si.Addr = faultCode(sig, code), le.Uint64(linux[16:])
	case sig == freebsd.SIGCHLD && code > 0 && code < 0x80:
		si.Code = code // CLD_* are the same numbers
		si.Pid, si.UID = int32(le.Uint32(linux[16:])), le.Uint32(linux[20:])
		si.Status = int32(le.Uint32(linux[24:]))
		if s, ok := freebsd.SignalFromLinux(int(si.Status)); ok && code != 1 {
			si.Status = int32(s) // a signal number unless CLD_EXITED
		}
	case code == -2: // SI_TIMER: _timer._timerid, _overrun from si_tid, si_overrun
		si.Code = bsdSITimer
		si.Reason = [2]int32{int32(le.Uint32(linux[16:])), int32(le.Uint32(linux[20:]))}
		si.Value = le.Uint64(linux[24:])
	default:
		si.Code = map[int32]int32{0: bsdSIUser, -1: bsdSIQueue, -6: bsdSILWP, 0x80: bsdSIKernel}[code]
		si.Pid, si.UID = int32(le.Uint32(linux[16:])), le.Uint32(linux[20:])
		si.Value = le.Uint64(linux[24:])
	}
	si.Encode(out)
}

// faultCode is FreeBSD's si_code for the core's fault (usermode
// faultSignals gives Linux's). Both arm64 and riscv report an undefined
// instruction as ILL_ILLTRP (4) (sys/arm64/arm64/trap.c do_el0_sync
// EXCP_UNKNOWN, sys/riscv/riscv/trap.c do_trap_user); an access past the
// end of a mapped object is KERN_OUT_OF_BOUNDS, BUS_OBJERR (3)
// (sys/vm/vm_fault.c vm_fault_trap), where Linux says BUS_ADRERR (2).
// FPE_INTDIV and FPE_INTOVF are swapped (sys/sys/signal.h).
func faultCode(sig freebsd.Signal, code int32) int32 {
	switch {
	case sig == freebsd.SIGILL && code == 1:
		return 4
	case sig == freebsd.SIGBUS && code == 2:
		return 3
	case sig == freebsd.SIGFPE && (code == 1 || code == 2):
		return 3 - code
	}
	return code
}

func isFaultSignal(s freebsd.Signal) bool {
	switch s {
	case freebsd.SIGSEGV, freebsd.SIGBUS, freebsd.SIGILL, freebsd.SIGFPE, freebsd.SIGTRAP:
		return true
	}
	return false
}

var errBadContext = errors.New("sigreturn: a context the kernel would refuse")
