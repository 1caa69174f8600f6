package usermode

import (
	"debug/elf"

	"github.com/gemu-project/gemu/debugapi"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/targets"
)

// Debugger is a debugger stub attached to the guest (gemu -g; package
// gdbstub implements it): the contract is package debugapi's.
type Debugger = debugapi.Stub

// DebugThread is the stub's side of one guest thread.
type DebugThread = debugapi.Thread

var _ debugapi.Target = (*Process)(nil)

// Pid is the guest process id.
func (p *Process) Pid() int { return p.PID }

// Arch is the guest CPU.
func (p *Process) Arch() targets.Arch { return p.arch }

// ExecFile is the absolute path of the running program.
func (p *Process) ExecFile() string { return p.img.Path }

// Auxv is the auxiliary vector as /proc/self/auxv shows it.
func (p *Process) Auxv() []byte { return p.img.AuxvBytes() }

// Machine is the guest CPU's ELF machine.
func (p *Process) Machine() elf.Machine { return p.arch.Machine() }

// OpenHostFiles runs open with gemu's descriptors parked (ParkHostFDs).
func (p *Process) OpenHostFiles(open func() error) error { return ParkHostFDs(open) }

// Kill ends the process as SIGKILL would (the debugger's kill).
func (p *Process) Kill() { p.Exit(Status{Signal: linux.SIGKILL}) }

// debugThread registers a new thread with the debugger, if any; a thread
// of a process without one (a vfork child) running on a debugged engine
// is exempted from its stops.
func (p *Process) debugThread(t *Thread) {
	if p.Opts.Debugger != nil {
		t.dbg = p.Opts.Debugger.ThreadStarted(t.TID, t.CPU)
	} else if p.engine.Debugging() {
		t.CPU.SetDebugged(false)
	}
}

// debugEnter is called before t runs guest code: the debugger may hold t
// or hand it a signal.
func (t *Thread) debugEnter() {
	if sig := t.dbg.Enter(); sig != 0 {
		t.debugInject(sig)
	}
}

// debugTrap reports an ExitDebug stop.
func (t *Thread) debugTrap() {
	if t.dbg == nil {
		return // an exempt CPU never stops; nothing to report
	}
	if sig := t.dbg.Trap(); sig != 0 {
		t.debugInject(sig)
	}
}

// debugInject queues a signal the debugger asked for (GDB "signal SIG",
// or C/S packets on a thread that did not stop for a signal).
func (t *Thread) debugInject(sig int) {
	if sig < 1 || sig > linux.NSIG {
		return
	}
	info := SigInfo{Signo: int32(sig), Code: SiKernel, seen: true}
	t.P.Send(t, nil, info)
}

// debugSignal shows a signal about to be delivered to the debugger; it
// returns the info to deliver and false when the debugger discarded it.
func (t *Thread) debugSignal(info SigInfo) (SigInfo, bool) {
	if t.dbg == nil || info.seen {
		return info, true
	}
	sig := t.dbg.Signal(int(info.Signo))
	switch {
	case sig == 0:
		return info, false
	case sig != int(info.Signo):
		info = SigInfo{Signo: int32(sig), Code: SiKernel}
	}
	info.seen = true
	return info, true
}
