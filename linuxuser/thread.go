package linuxuser

import (
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// Thread is one guest thread, run by one goroutine locked to its host
// thread; the host TID is the guest TID.
type Thread struct {
	p          *Process
	cpu        *translate.CPU
	tid        int
	args       Args   // the current syscall's arguments
	tracedSelf bool   // PTRACE_TRACEME on this host thread (sys_ptrace.go)
	sinceYield uint32 // syscalls since the yield check (yieldSometimes)
	lastYield  time.Duration

	clearTID   uint64 // CLONE_CHILD_CLEARTID / set_tid_address
	robustList uint64 // set_robust_list head, walked at death (robust.go)
	robustLen  uint64
	sigmask    uint64 // blocked signals, bit sig-1
	altstack   syscalls.StackT

	// Signal state besides sigmask (guarded by Process.mu but wake and blockSeq).
	pending     sigQueue      // thread-directed signals
	realBlocked uint64        // rt_sigtimedwait: the mask it replaced
	savedMask   uint64        // sigsuspend/ppoll: the mask to restore
	restoreMask bool          // savedMask is in force until a handler runs
	restart     restartState  // a syscall a signal interrupted
	wake        atomic.Bool   // a signal may be deliverable: look before running on
	blockSeq    atomic.Uint64 // odd while in an interruptible host call
	kick        chan struct{} // wakes sigsuspend-like waits

	inRun    atomic.Bool // running guest code (Engine.Run): a core dump waits for it to stop
	exited   bool        // the thread called exit (or the process is dying)
	exitCode int         // exit's status, used when this is the last thread
	noResult bool        // the handler set the registers itself

	connecting int // fd+1 of a connect a signal interrupted (sys_socket.go), else 0

	dbg DebugThread // the debugger's handle (debug.go), nil when not debugged
}

func (p *Process) newThread(cpu *translate.CPU, tid int) *Thread {
	t := &Thread{p: p, cpu: cpu, tid: tid, altstack: syscalls.StackT{Flags: syscalls.SsDisable},
		kick: make(chan struct{}, 1)}
	cpu.Env = t
	p.debugThread(t)
	p.mu.Lock()
	p.threads[tid] = t
	p.mu.Unlock()
	fitProcs(liveThreads.Add(1))
	return t
}

// loop runs guest code until the thread or the process ends.
func (t *Thread) loop() {
	for !t.exited && !t.p.exiting() {
		if t.dbg != nil {
			t.debugEnter()
		}
		t.inRun.Store(true)
		k := t.p.engine.Run(t.cpu)
		t.inRun.Store(false)
		if t.dbg != nil {
			t.dbg.Leave()
		}
		switch k {
		case translate.ExitSyscall:
			t.syscall()
			t.yieldSometimes()
		case translate.ExitException:
			t.syncSignal()
		case translate.ExitDebug:
			t.debugTrap()
		case translate.ExitInterrupt:
			// Exit requests: pending signals, or a dying process.
		default:
			t.p.unimp("gemu: unexpected CPU exit %d at pc %#x", k, t.cpu.PC)
			t.p.exitSignal(t, sigInfo{signo: syscalls.SIGILL, code: siKernel})
		}
		if t.wake.Load() || t.restart.code != 0 || t.restoreMask {
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
	p := t.p
	t.exitRobustList() // before the CLEARTID word, as kernel/exit.c orders them
	if t.clearTID != 0 && !p.exiting() {
		if p.as.Store32(t.clearTID, 0) == nil {
			// A shared wake, as the kernel does (kernel/fork.c mm_release).
			unix.Syscall6(unix.SYS_FUTEX, p.as.HostAddr(t.clearTID), syscalls.FutexWake, 1, 0, 0, 0)
		}
	}
	p.mu.Lock()
	delete(p.threads, t.tid)
	liveThreads.Add(-1)
	last := len(p.threads) == 0
	p.mu.Unlock()
	if last {
		p.exit(Status{Code: t.exitCode})
	}
}

// syscall dispatches the ecall/svc the CPU stopped at.
func (t *Thread) syscall() {
	p, c := t.p, t.cpu
	nr := p.arch.SyscallNumber(c)
	// The arguments live in t: a local would escape through the handler
	// call and cost an allocation per syscall.
	a := &t.args
	for i := range a {
		a[i] = p.arch.SyscallArg(c, i)
	}
	rec := p.table.Lookup(nr)
	if rec == nil || rec.Handler == nil {
		t.unsupported(nr, rec, a)
		p.arch.SetSyscallResult(c, errno(unix.ENOSYS))
		return
	}
	if p.tracer != nil && rec.Ret == syscalls.RetNone {
		p.logf(p.opts.Strace, "%d %s\n", t.tid, p.tracer.Call(rec.Name, rec.Args, *a))
	}
	t.noResult = false
	r := rec.Handler(t, a)
	if isRestart(r) {
		// A guest signal interrupted it: handleSignals restarts it or
		// leaves EINTR (arch/riscv/kernel/signal.c handle_signal).
		t.restart = restartState{code: r, a0: a[0]}
		t.wake.Store(true)
		r = errno(unix.EINTR)
	}
	if p.tracer != nil && rec.Ret != syscalls.RetNone {
		p.logf(p.opts.Strace, "%d %s%s\n", t.tid, p.tracer.Call(rec.Name, rec.Args, *a), syscalls.Result(rec.Ret, r))
	}
	if !t.noResult {
		p.arch.SetSyscallResult(c, r)
	}
}

// unsupported logs a syscall gemu does not implement.
func (t *Thread) unsupported(nr uint64, rec *Record, a *Args) {
	p := t.p
	name := "unknown"
	if rec != nil {
		name = rec.Name
	}
	if p.tracer != nil {
		if rec != nil {
			p.logf(p.opts.Strace, "%d %s%s\n", t.tid, p.tracer.Call(rec.Name, nil, *a),
				syscalls.Result(syscalls.RetInt, errno(unix.ENOSYS)))
		} else {
			p.logf(p.opts.Strace, "%d Unknown syscall %d\n", t.tid, nr)
		}
	}
	p.unimp("Unsupported syscall: %d (%s)", nr, name)
}

// restartState is a syscall interrupted by a guest signal.
type restartState struct{ code, a0 uint64 }

func (t *Thread) String() string { return fmt.Sprintf("thread %d", t.tid) }
