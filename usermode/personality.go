package usermode

import (
	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Personality is an operating system the core runs guest programs of:
// its system calls and the state it keeps per process (docs/design.md
// "One user-mode core, two personalities").
type Personality interface {
	// Tables gives the ABI and the syscall table for a guest CPU.
	Tables(arch targets.Arch) (*linux.LinuxABI, *syscalls.Table[Handler], error)
	// NewState makes the personality's state of a new process.
	NewState(p *Process) OSState
	// Convention is the system-call register convention on arch.
	Convention(arch targets.Arch) SyscallConvention
	// Frames builds and restores signal frames on arch; nil if unknown.
	Frames(arch targets.Arch) SignalFrames
}

// ResultTexter is a SyscallConvention that shows results in -strace
// its own way (a guest whose errno numbers are not the host's).
type ResultTexter interface {
	ResultText(kind syscalls.RetKind, r uint64) string
}

// resultText is " = result" for -strace: the convention's, or Linux's.
func (p *Process) resultText(kind syscalls.RetKind, r uint64) string {
	if rt, ok := p.conv.(ResultTexter); ok {
		return rt.ResultText(kind, r)
	}
	return linux.Result(kind, r)
}

// SyscallConvention is where a guest passes a system call's number and
// arguments and finds its result. SetSyscallResult takes a result or a
// negated host errno, as the handlers return them, and writes it as the
// guest's OS reports errors.
type SyscallConvention interface {
	SyscallNumber(c *translate.CPU) uint64
	SyscallArg(c *translate.CPU, i int) uint64
	SetSyscallResult(c *translate.CPU, v uint64)
	// SyscallInsnLen is the size of the syscall instruction, for restarts.
	SyscallInsnLen() uint64
}

// SigFrame is what the core hands a personality's frame builder to build
// a signal frame, and what the builder reads back at sigreturn.
type SigFrame struct {
	Sig      int
	Info     []byte // siginfo_t as the guest sees it
	Handler  uint64 // sa_handler / sa_sigaction
	Return   uint64 // return address: sa_restorer or a sigreturn trampoline
	SP       uint64 // stack top to build below (the alternate stack already chosen)
	Mask     uint64 // uc_sigmask: the blocked set sigreturn restores
	StackSP  uint64 // uc_stack: the sigaltstack in force
	StackLen uint64
	StackFlg int32
}

// SignalFrames builds and restores one OS's signal frames on one CPU.
type SignalFrames interface {
	// SetupSignalFrame writes the frame for f below f.SP and points c at
	// the handler with the ABI's arguments (sig, &info, &uc).
	SetupSignalFrame(c *translate.CPU, as *translate.AddressSpace, f *SigFrame) error
	// RestoreSignalFrame reloads the registers saved by SetupSignalFrame
	// from the frame at the current stack pointer; it returns the saved
	// Mask and Stack* fields.
	RestoreSignalFrame(c *translate.CPU, as *translate.AddressSpace) (SigFrame, error)
	// SigreturnCode is the guest code of a trampoline calling sigreturn,
	// for OSes whose kernel returns through the vDSO or a sigcode page.
	SigreturnCode() []byte
}

// OSState is a personality's per-process state and what the core tells
// it about the process's life.
type OSState interface {
	// ExecReset runs at execve's point of no return, with Process.mu
	// held: what does not survive exec (timers) goes.
	ExecReset()
	// ExecDone runs once the new program is in place, without the lock.
	ExecDone()
	// ThreadExit runs when t dies or replaces its program (robust futexes).
	ThreadExit(t *Thread)
	// SignalQueued runs when sig becomes pending, with Process.mu held.
	SignalQueued(sig int)
	// TimerSignalTaken completes a timer's signal as it is dequeued, with
	// Process.mu held (the overrun count).
	TimerSignalTaken(info *SigInfo)
	// FDClosedOnExec runs for each descriptor execve closes.
	FDClosedOnExec(fd int)
	// LoadOptions adjusts the loader's options for a program of this OS
	// (the stack and auxiliary vector its kernel builds).
	LoadOptions(o *loader.Options)
	// StartRegs sets what the OS's execve gives a new program besides
	// the PC and stack pointer the target's ResetCPU sets.
	StartRegs(c *translate.CPU, img *loader.Image)
	// ProcFile is /proc/self/<file> of this process for another
	// process's /proc request (proc_peer.go); nil when it has none.
	ProcFile(file string) []byte
	// NoSyscall runs when t calls a syscall nr with no handler, before
	// the call fails with ENOSYS (FreeBSD's nosys also sends SIGSYS).
	NoSyscall(t *Thread, nr uint64)
}
