package gdbstub

import (
	"fmt"
	"io"
	"net"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/gemu-project/gemu/debugapi"
	"github.com/gemu-project/gemu/translate"
)

// Stub is a GDB remote stub for one guest process. It implements
// debugapi.Stub: guest threads call into it from their own
// goroutines, and one session goroutine speaks the protocol.
//
// All-stop mode ("All-Stop Mode" in the GDB manual): when one thread
// stops (breakpoint, step, watchpoint, signal, or GDB's interrupt), every
// thread is asked to leave guest code (CPU.RequestExit) and is held at
// its next DebugThread call; the stop is reported once no thread runs
// guest code. A thread blocked in a host system call counts as stopped:
// it parks as soon as the call returns. TODO(#6): its registers (the
// call's result) still change when the call completes, and a register
// write GDB makes meanwhile may be overwritten.
//
// Events from other threads that lose the race to be reported: a
// signal stays pending on its thread and is reported at the next resume
// that lets the thread run (GDB's "pending events"); a breakpoint is hit
// again when the thread resumes, since it did not execute the
// instruction; a finished step or a watchpoint value change is dropped
// (TODO(#6): keep them pending too).
type Stub struct {
	ln  net.Listener
	log io.Writer // protocol trace (nil: none)

	proc   debugapi.Target
	engine *translate.Engine
	desc   *archDesc

	// phys: memory packets use physical addresses (QEMU's
	// "maintenance packet Qqemu.PhyMemMode:1"; system mode only).
	phys atomic.Bool

	mu       sync.Mutex
	cond     *sync.Cond
	threads  map[int]*thread
	running  bool       // GDB waits for a stop reply
	event    *stopEvent // the stop being reported
	last     *stopEvent // the last stop reported ('?')
	notify   chan struct{}
	detached bool
	exited   bool // the exit was reported (or the guest killed)
	conn     *conn
	gThread  int // Hg: the thread register packets use (0: any)
	hwBreaks map[uint64]bool
}

// New makes a stub that accepts one GDB connection on ln once attached.
// trace, when not nil, gets a line per packet.
func New(ln net.Listener, trace io.Writer) *Stub {
	s := &Stub{ln: ln, log: trace, threads: map[int]*thread{}, notify: make(chan struct{}, 1),
		hwBreaks: map[uint64]bool{}}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *Stub) logf(format string, args ...any) {
	if s.log != nil {
		fmt.Fprintf(s.log, format+"\n", args...)
	}
}

// eventKind says what stopped the target.
type eventKind uint8

const (
	evStart     eventKind = iota // the initial stop before the first instruction
	evTrap                       // a breakpoint, step or watchpoint (translate.ExitDebug)
	evSignal                     // a signal about to be delivered
	evInterrupt                  // GDB's Ctrl-C
)

// stopEvent is one stop to report.
type stopEvent struct {
	kind eventKind
	tid  int
	sig  int // Linux signal (evSignal)
	stop translate.DebugStop
}

// thread is the stub's side of one guest thread (debugapi.Thread).
type thread struct {
	s       *Stub
	tid     int
	cpu     *translate.CPU
	inGuest bool       // running guest code: must be asked to stop
	run     bool       // may run (set by a resume, cleared by a stop)
	sig     int        // signal the last resume gave the thread (Linux number)
	pending *stopEvent // an unreported signal stop
}

// Attach is debugapi.Stub.Attach: debugging starts, the target is
// stopped, and the thread waits for GDB to connect.
func (s *Stub) Attach(p debugapi.Target) {
	desc, err := descFor(p.Machine())
	if err != nil {
		panic(err) // cmd/gemu checks the machine before attaching
	}
	s.proc, s.engine, s.desc = p, p.Engine(), desc
	s.engine.StartDebug()
	var c net.Conn
	err = p.OpenHostFiles(func() (err error) {
		c, err = s.ln.Accept()
		return err
	})
	s.ln.Close()
	if err != nil {
		s.logf("gdbstub: accept: %v", err)
		s.detach()
		return
	}
	s.mu.Lock()
	s.last = &stopEvent{kind: evStart, tid: p.Pid()}
	s.conn = newConn(c, s.logf)
	s.mu.Unlock()
	go s.serve()
}

// ThreadStarted is debugapi.Stub.ThreadStarted. A thread created
// while the target runs runs too; otherwise it waits for the next resume.
func (s *Stub) ThreadStarted(tid int, cpu *translate.CPU) debugapi.Thread {
	s.mu.Lock()
	defer s.mu.Unlock()
	th := &thread{s: s, tid: tid, cpu: cpu, run: s.running && s.event == nil}
	s.threads[tid] = th
	s.cond.Broadcast() // firstThread
	return th
}

// firstThread waits, with s.mu held, until the process has a thread: GDB
// may ask for registers as soon as it connects, before the thread Attach
// reported as stopped has started (a reply of E16 then).
func (s *Stub) firstThread() {
	for len(s.threads) == 0 && !s.exited && !s.detached {
		s.cond.Wait()
	}
}

// Exited is debugapi.Stub.Exited: the W or X stop reply.
func (s *Stub) Exited(st debugapi.Exit) {
	s.mu.Lock()
	if s.detached || s.exited || s.conn == nil {
		s.mu.Unlock()
		return
	}
	s.exited = true
	s.cond.Broadcast() // firstThread
	cn := s.conn
	s.mu.Unlock()
	if st.Signal != 0 {
		cn.sendLast(fmt.Sprintf("X%02x", linuxToGDB(st.Signal)))
	} else {
		cn.sendLast(fmt.Sprintf("W%02x", st.Code&0xff))
	}
}

// Enter is DebugThread.Enter.
func (th *thread) Enter() int {
	s := th.s
	s.mu.Lock()
	defer s.mu.Unlock()
	sig := th.wait()
	th.inGuest = !s.detached
	return sig
}

// Leave is DebugThread.Leave.
func (th *thread) Leave() {
	s := th.s
	s.mu.Lock()
	th.inGuest = false
	s.cond.Broadcast()
	s.mu.Unlock()
}

// Trap is DebugThread.Trap.
func (th *thread) Trap() int {
	return th.report(&stopEvent{kind: evTrap, tid: th.tid, stop: th.cpu.DebugStop()})
}

// Signal is DebugThread.Signal.
func (th *thread) Signal(sig int) int {
	s := th.s
	s.mu.Lock()
	detached := s.detached
	s.mu.Unlock()
	if detached {
		return sig
	}
	return th.report(&stopEvent{kind: evSignal, tid: th.tid, sig: sig})
}

// Exited is DebugThread.Exited.
func (th *thread) Exited() {
	s := th.s
	s.mu.Lock()
	delete(s.threads, th.tid)
	s.cond.Broadcast()
	s.mu.Unlock()
}

// report makes ev the target's stop if none is being reported, and
// holds the thread until GDB resumes it.
func (th *thread) report(ev *stopEvent) int {
	s := th.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.detached {
		return 0
	}
	th.inGuest, th.run = false, false
	if !s.claim(ev) && ev.kind == evSignal {
		th.pending = ev
	}
	return th.wait()
}

// wait parks the thread until it may run; it returns the signal its
// resume gave it. Call with s.mu held.
func (th *thread) wait() int {
	s := th.s
	for !th.run && !s.detached {
		s.cond.Broadcast()
		s.cond.Wait()
	}
	sig := th.sig
	th.sig = 0
	return sig
}

// claim makes ev the stop to report when GDB waits for one and none is
// being reported yet, and stops every thread. Call with s.mu held.
func (s *Stub) claim(ev *stopEvent) bool {
	if !s.running || s.event != nil {
		return false
	}
	s.event = ev
	for _, th := range s.threads {
		th.run = false
		if th.inGuest {
			th.cpu.RequestExit()
		}
	}
	select {
	case s.notify <- struct{}{}:
	default:
	}
	return true
}

// waitStopped waits until no thread runs guest code. Call with s.mu held.
func (s *Stub) waitStopped() {
	for {
		busy := false
		for _, th := range s.threads {
			if th.inGuest {
				busy = true
				th.cpu.RequestExit()
			}
		}
		if !busy {
			return
		}
		s.cond.Wait()
	}
}

// tids lists the live threads in ascending order. Call with s.mu held.
func (s *Stub) tids() []int {
	out := make([]int, 0, len(s.threads))
	for tid := range s.threads {
		out = append(out, tid)
	}
	sort.Ints(out)
	return out
}

// regThread is the thread register and memory packets act on: the Hg
// thread, else the last stopped one, else the first. Call with s.mu held.
func (s *Stub) regThread() *thread {
	if th := s.threads[s.gThread]; th != nil {
		return th
	}
	if s.last != nil {
		if th := s.threads[s.last.tid]; th != nil {
			return th
		}
	}
	for _, tid := range s.tids() {
		return s.threads[tid]
	}
	return nil
}

// detach lets the guest run on without the debugger.
func (s *Stub) detach() {
	s.engine.StopDebug()
	s.mu.Lock()
	s.detached = true
	for _, th := range s.threads {
		th.cpu.SetStep(false)
		if th.pending != nil {
			th.sig, th.pending = th.pending.sig, nil
		}
		th.run = true
	}
	s.cond.Broadcast()
	s.mu.Unlock()
}
