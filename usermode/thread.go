package usermode

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/translate"
)

// Thread is one guest thread, run by one goroutine locked to its host
// thread; the host TID is the guest TID.
type Thread struct {
	P          *Process
	CPU        *translate.CPU
	TID        int
	args       Args   // the current syscall's arguments
	TracedSelf bool   // PTRACE_TRACEME on this host thread (linuxuser/sys_ptrace.go)
	sinceYield uint32 // syscalls since the yield check (yieldSometimes)
	lastYield  time.Duration

	ClearTID   uint64 // CLONE_CHILD_CLEARTID / set_tid_address
	RobustList uint64 // set_robust_list head, walked at death (linuxuser/robust.go)
	RobustLen  uint64
	Sigmask    uint64 // blocked signals, bit sig-1
	Altstack   linux.StackT

	// Signal state besides sigmask (guarded by Process.mu but wake and blockSeq).
	Pending     sigQueue      // thread-directed signals
	RealBlocked uint64        // rt_sigtimedwait: the mask it replaced
	SavedMask   uint64        // sigsuspend/ppoll: the mask to restore
	RestoreMask bool          // savedMask is in force until a handler runs
	restart     restartState  // a syscall a signal interrupted
	Wake        atomic.Bool   // a signal may be deliverable: look before running on
	blockSeq    atomic.Uint64 // odd while in an interruptible host call
	kick        chan struct{} // wakes sigsuspend-like waits

	inRun    atomic.Bool // running guest code (Engine.Run): a core dump waits for it to stop
	Exited   bool        // the thread called exit (or the process is dying)
	ExitCode int         // exit's status, used when this is the last thread
	NoResult bool        // the handler set the registers itself

	Connecting int // fd+1 of a connect a signal interrupted (linuxuser/sys_socket.go), else 0

	dbg DebugThread // the debugger's handle (debug.go), nil when not debugged

	seccomp atomic.Pointer[SeccompState] // nil without seccomp (seccomp.go)
}

func (p *Process) NewThread(cpu *translate.CPU, tid int) *Thread {
	t := &Thread{P: p, CPU: cpu, TID: tid, Altstack: linux.StackT{Flags: linux.SsDisable},
		kick: make(chan struct{}, 1)}
	cpu.Env = t
	p.debugThread(t)
	p.Mu.Lock()
	p.Threads[tid] = t
	p.Mu.Unlock()
	fitProcs(liveThreads.Add(1))
	return t
}

// Thread finds a live guest thread of p.
func (p *Process) Thread(tid int) *Thread {
	p.Mu.Lock()
	defer p.Mu.Unlock()
	return p.Threads[tid]
}

// StartThread starts a guest thread of t's process on a host thread of
// its own, with cpu's registers and t's signal mask; setup runs on the new
// thread before it runs guest code and before StartThread returns its TID.
func (t *Thread) StartThread(cpu *translate.CPU, setup func(nt *Thread)) int {
	started := make(chan int)
	attrs := CurrentThreadAttrs()
	go func() {
		runtime.LockOSThread() // never unlocked: the host thread dies with the guest thread
		attrs.Apply()
		nt := t.P.NewThread(cpu, unix.Gettid())
		if setup != nil {
			setup(nt)
		}
		nt.Sigmask = t.Sigmask
		nt.seccomp.Store(t.seccomp.Load()) // kernel/fork.c copy_seccomp
		started <- nt.TID
		nt.Loop()
	}()
	return <-started
}

// Loop runs guest code until the thread or the process ends.
func (t *Thread) Loop() {
	for !t.Exited && !t.P.Exiting() {
		if t.dbg != nil {
			t.debugEnter()
		}
		t.inRun.Store(true)
		k := t.P.engine.Run(t.CPU)
		t.inRun.Store(false)
		if t.dbg != nil {
			t.dbg.Leave()
		}
		switch k {
		case translate.ExitSyscall:
			t.Syscall()
			t.yieldSometimes()
		case translate.ExitException:
			t.syncSignal()
		case translate.ExitDebug:
			t.debugTrap()
		case translate.ExitInterrupt:
			// Exit requests: pending signals, or a dying process.
		default:
			t.P.Unimp("gemu: unexpected CPU exit %d at pc %#x", k, t.CPU.PC)
			t.P.ExitSignal(t, SigInfo{Signo: linux.SIGILL, Code: SiKernel})
		}
		if t.Wake.Load() || t.restart.code != 0 || t.RestoreMask {
			t.handleSignals()
		}
	}
	if t.dbg != nil {
		t.dbg.Exited()
	}
	t.finish()
}

// finish does what the kernel does when a thread dies: release its robust
// futexes, clear and wake the CLONE_CHILD_CLEARTID word, and end the
// process with its last thread.
func (t *Thread) finish() {
	p := t.P
	p.OS.ThreadExit(t) // before the CLEARTID word, as kernel/exit.c orders them
	if t.ClearTID != 0 && !p.Exiting() {
		if p.AS.Store32(t.ClearTID, 0) == nil {
			// A shared wake, as the kernel does (kernel/fork.c mm_release).
			unix.Syscall6(unix.SYS_FUTEX, p.AS.HostAddr(t.ClearTID), linux.FutexWake, 1, 0, 0, 0)
		}
	}
	p.Mu.Lock()
	delete(p.Threads, t.TID)
	liveThreads.Add(-1)
	last := len(p.Threads) == 0
	p.Mu.Unlock()
	if last {
		p.Exit(Status{Code: t.ExitCode})
	}
}

// Syscall dispatches the ecall/svc the CPU stopped at.
func (t *Thread) Syscall() {
	p, c := t.P, t.CPU
	nr := p.conv.SyscallNumber(c)
	// The arguments live in t: a local would escape through the handler
	// call and cost an allocation per syscall.
	a := &t.args
	for i := range a {
		a[i] = p.conv.SyscallArg(c, i)
	}
	if s := t.seccomp.Load(); s != nil && !t.seccompAllows(s, nr, a) {
		return
	}
	rec := p.table.Lookup(nr)
	if rec == nil || rec.Handler == nil {
		t.unsupported(nr, rec, a)
		p.OS.NoSyscall(t, nr)
		p.conv.SetSyscallResult(c, Errno(unix.ENOSYS))
		return
	}
	if p.Tracer != nil && rec.Ret == syscalls.RetNone {
		p.logf(p.Opts.Strace, "%d %s\n", t.TID, p.Tracer.Call(rec.Name, rec.Args, *a))
	}
	t.NoResult = false
	r := rec.Handler(t, a)
	if IsRestart(r) {
		// A guest signal interrupted it: handleSignals restarts it or
		// leaves EINTR (arch/riscv/kernel/signal.c handle_signal).
		t.restart = restartState{code: r, a0: a[0]}
		t.Wake.Store(true)
		r = Errno(unix.EINTR)
	}
	if p.Tracer != nil && rec.Ret != syscalls.RetNone {
		p.logf(p.Opts.Strace, "%d %s%s\n", t.TID, p.Tracer.Call(rec.Name, rec.Args, *a), p.resultText(rec.Ret, r))
	}
	if !t.NoResult {
		p.conv.SetSyscallResult(c, r)
	}
}

// unsupported logs a syscall gemu does not implement.
func (t *Thread) unsupported(nr uint64, rec *Record, a *Args) {
	p := t.P
	name := "unknown"
	if rec != nil {
		name = rec.Name
	}
	if p.Tracer != nil {
		if rec != nil {
			p.logf(p.Opts.Strace, "%d %s%s\n", t.TID, p.Tracer.Call(rec.Name, nil, *a),
				p.resultText(syscalls.RetInt, Errno(unix.ENOSYS)))
		} else {
			p.logf(p.Opts.Strace, "%d Unknown syscall %d\n", t.TID, nr)
		}
	}
	p.Unimp("Unsupported syscall: %d (%s)", nr, name)
}

// restartState is a syscall interrupted by a guest signal.
type restartState struct{ code, a0 uint64 }

func (t *Thread) String() string { return fmt.Sprintf("thread %d", t.TID) }
