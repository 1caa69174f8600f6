package linuxuser

import (
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Debugger is a debugger stub attached to the guest (gemu -g; package
// gdbstub implements it). The personality tells it about threads,
// debugger stops, signals and the end of the process; the stub holds
// threads stopped by blocking in the DebugThread calls.
type Debugger interface {
	// Attach is called once on the main thread before the guest's first
	// instruction. It turns on the engine's debugging and returns quickly;
	// the stub holds the thread in its first DebugThread.Enter.
	Attach(p *Process)
	// ThreadStarted registers a guest thread, on its own goroutine,
	// before it runs guest code.
	ThreadStarted(tid int, cpu *translate.CPU) DebugThread
	// Exited is called once when the process ends, before the emulator
	// exits, from whichever goroutine ends it.
	Exited(s Status)
}

// DebugThread is the stub's side of one guest thread. Every method is
// called on the thread's goroutine. Those that block return a signal
// (Linux number) the debugger wants delivered to the thread, or 0.
type DebugThread interface {
	// Enter is called before the thread runs guest code; it blocks while
	// the debugger holds the thread stopped.
	Enter() int
	// Leave is called when the thread leaves guest code (system call,
	// signal, exit request): from then on the stub may consider it stopped.
	Leave()
	// Trap reports a debugger stop (translate.ExitDebug; the CPU's
	// DebugStop says why) and blocks until the thread is resumed.
	Trap() int
	// Signal reports that sig is about to be delivered to the thread and
	// blocks until the thread is resumed. It returns the signal to deliver
	// instead: sig, another one, or 0 to discard it.
	Signal(sig int) int
	// Exited is called when the thread ends.
	Exited()
}

// Pid is the guest process id.
func (p *Process) Pid() int { return p.pid }

// Arch is the guest CPU.
func (p *Process) Arch() targets.Arch { return p.arch }

// ExecFile is the absolute path of the running program.
func (p *Process) ExecFile() string { return p.img.Path }

// Auxv is the auxiliary vector as /proc/self/auxv shows it.
func (p *Process) Auxv() []byte { return p.img.AuxvBytes() }

// Kill ends the process as SIGKILL would (the debugger's kill).
func (p *Process) Kill() { p.exit(Status{Signal: syscalls.SIGKILL}) }

// debugThread registers a new thread with the debugger, if any; a thread
// of a process without one (a vfork child) running on a debugged engine
// is exempted from its stops.
func (p *Process) debugThread(t *Thread) {
	if p.opts.Debugger != nil {
		t.dbg = p.opts.Debugger.ThreadStarted(t.tid, t.cpu)
	} else if p.engine.Debugging() {
		t.cpu.SetDebugged(false)
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
	if sig < 1 || sig > syscalls.NSIG {
		return
	}
	info := sigInfo{signo: int32(sig), code: siKernel, seen: true}
	t.p.send(t, nil, info)
}

// debugSignal shows a signal about to be delivered to the debugger; it
// returns the info to deliver and false when the debugger discarded it.
func (t *Thread) debugSignal(info sigInfo) (sigInfo, bool) {
	if t.dbg == nil || info.seen {
		return info, true
	}
	sig := t.dbg.Signal(int(info.signo))
	switch {
	case sig == 0:
		return info, false
	case sig != int(info.signo):
		info = sigInfo{signo: int32(sig), code: siKernel}
	}
	info.seen = true
	return info, true
}
