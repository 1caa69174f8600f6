package linuxuser

import (
	"encoding/binary"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Signal delivery (docs/design.md "Signals are virtual"). All signal state
// (actions, masks, pending queues) is guarded by Process.mu. A sender
// queues, sets the target's wake flag, asks its CPU to leave the
// translated code and interrupts its blocking host call; the target
// builds frames at its next exit to the personality (Thread.loop).

// si_code values (Linux include/uapi/asm-generic/siginfo.h).
const (
	siUser   = 0
	siKernel = 0x80
	siQueue  = -1
	siTimer  = -2
	siTkill  = -6
)

// Internal restart results (Linux include/linux/errno.h): a handler
// returns one when a guest signal interrupted it; the signal code then
// decides between EINTR and restarting (arch/riscv/kernel/signal.c).
const (
	restartSys    = ^uint64(512 - 1) // -ERESTARTSYS: restart if SA_RESTART
	restartNoHand = ^uint64(514 - 1) // -ERESTARTNOHAND: EINTR if a handler runs
)

func isRestart(r uint64) bool { return r == restartSys || r == restartNoHand }

// sigInfo is a queued siginfo_t.
type sigInfo struct {
	signo, code int32
	fault       bool   // si_addr form (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE)
	pid, uid    uint32 // kill / rt / timer (si_tid, si_overrun) form
	value       uint64 // si_value
	addr        uint64
	raw         []byte // rt_sigqueueinfo: the caller's bytes
	seen        bool   // already shown to the debugger (debug.go)
	sys         uint64 // si_sys_private: the arming of the timer that sent it
	lost        bool   // queued past RLIMIT_SIGPENDING: its siginfo was dropped
}

// encode lays the info out as the 128-byte siginfo_t of the 64-bit
// targets: signo 0, errno 4, code 8, union at 16 (asm-generic/siginfo.h).
func (s *sigInfo) encode() []byte {
	b := make([]byte, 128)
	if s.raw != nil {
		copy(b, s.raw)
	}
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(s.signo))
	if s.raw != nil {
		return b
	}
	le.PutUint32(b[8:], uint32(s.code))
	if s.fault {
		le.PutUint64(b[16:], s.addr)
		return b
	}
	le.PutUint32(b[16:], s.pid)
	le.PutUint32(b[20:], s.uid)
	le.PutUint64(b[24:], s.value)
	return b
}

// sigQueue is a pending set: one entry per standard signal, a queue for
// real-time signals (signal(7)).
type sigQueue struct {
	mask  uint64
	infos []sigInfo
}

func sigBit(sig int) uint64 { return 1 << (sig - 1) }

func (q *sigQueue) add(info sigInfo) {
	sig := int(info.signo)
	if sig < syscalls.SIGRTMIN && q.mask&sigBit(sig) != 0 {
		return
	}
	q.mask |= sigBit(sig)
	q.infos = append(q.infos, info)
}

// take removes the first queued info of sig.
func (q *sigQueue) take(sig int) sigInfo {
	info := sigInfo{signo: int32(sig), code: siUser}
	more := false
	for i, in := range q.infos {
		if int(in.signo) != sig {
			continue
		}
		info = in
		q.infos = append(q.infos[:i], q.infos[i+1:]...)
		for _, rest := range q.infos[i:] {
			if int(rest.signo) == sig {
				more = true
				break
			}
		}
		break
	}
	if !more {
		q.mask &^= sigBit(sig)
	}
	return info
}

// syncMask are the signals the kernel dequeues first (kernel/signal.c SYNCHRONOUS_MASK).
const syncMask = 1<<(syscalls.SIGSEGV-1) | 1<<(syscalls.SIGBUS-1) | 1<<(syscalls.SIGILL-1) |
	1<<(syscalls.SIGTRAP-1) | 1<<(syscalls.SIGFPE-1) | 1<<(syscalls.SIGSYS-1)

// nextSignal picks the signal to dequeue from a set: synchronous first, then the lowest.
func nextSignal(set uint64) int {
	if s := set & syncMask; s != 0 {
		set = s
	}
	for i := 0; i < 64; i++ {
		if set&(1<<i) != 0 {
			return i + 1
		}
	}
	return 0
}

// deliverable is the set t could take now. Call with p.mu held.
func (t *Thread) deliverable() uint64 {
	return (t.pending.mask | t.p.shared.mask) &^ t.sigmask
}

// dequeue takes a signal in set from t's queue, then the process's. Call with p.mu held.
func (t *Thread) dequeue(set uint64) (sigInfo, bool) {
	q := &t.pending
	s := q.mask & set
	if s == 0 {
		q = &t.p.shared
		if s = q.mask & set; s == 0 {
			return sigInfo{}, false
		}
	}
	info := q.take(nextSignal(s))
	if info.code == siTimer {
		t.p.timerTaken(&info)
	}
	return info, true
}

// sigReady reports whether a guest signal is deliverable to t; a stale
// wake flag is cleared.
func (t *Thread) sigReady() bool {
	t.p.mu.Lock()
	ready := t.deliverable() != 0
	if !ready {
		t.wake.Store(false)
	}
	t.p.mu.Unlock()
	return ready
}

// ignored reports whether act discards sig at generation (signal(7):
// SIG_IGN, or a default action of ignore; stop signals stop the host
// process in send, and SIGCONT continues it on the host).
func ignored(act syscalls.Sigaction, sig int) bool {
	if act.Handler == syscalls.SigIgn {
		return true
	}
	if act.Handler != syscalls.SigDfl {
		return false
	}
	switch syscalls.SignalDefault(sig) {
	case syscalls.ActIgnore, syscalls.ActStop, syscalls.ActCont:
		return true
	}
	return false
}

// fatal reports whether the default action of sig ends the process.
func fatal(act syscalls.Sigaction, sig int) bool {
	if sig == syscalls.SIGKILL {
		return true
	}
	if act.Handler != syscalls.SigDfl {
		return false
	}
	d := syscalls.SignalDefault(sig)
	return d == syscalls.ActTerm || d == syscalls.ActCore
}

// send generates a signal: for thread target, or for the process when
// target is nil (then from, the sending guest thread or nil, is
// preferred as in kernel/signal.c complete_signal).
func (p *Process) send(target, from *Thread, info sigInfo) { p.post(target, from, info) }

// post is send that reports whether the signal was queued, and the error
// of a real-time signal the queue limit refuses (sigpendingFull).
func (p *Process) post(target, from *Thread, info sigInfo) (bool, uint64) {
	sig := int(info.signo)
	p.mu.Lock()
	act := p.sigacts[sig]
	blocks := func(t *Thread) bool { return (t.sigmask|t.realBlocked)&sigBit(sig) != 0 && sig != syscalls.SIGKILL }
	to := target
	if to == nil {
		if from != nil && from.p == p && !blocks(from) {
			to = from
		} else {
			for _, t := range p.threads {
				if !blocks(t) {
					to = t
					break
				}
			}
		}
	}
	if to != nil && !blocks(to) {
		if act.Handler == syscalls.SigDfl && syscalls.SignalDefault(sig) == syscalls.ActStop {
			p.mu.Unlock()
			hostStop(sig)
			return false, 0
		}
		if ignored(act, sig) {
			p.mu.Unlock()
			return false, 0
		}
		if fatal(act, sig) && syscalls.SignalDefault(sig) != syscalls.ActCore {
			p.mu.Unlock()
			p.exit(Status{Signal: sig})
			return false, 0
		}
		// A core-dumping signal is taken by the thread it goes to, which
		// dumps (kernel/signal.c complete_signal leaves those to get_signal).
	}
	q := &p.shared
	if target != nil {
		q = &target.pending
	}
	if sig >= syscalls.SIGRTMIN || q.mask&sigBit(sig) == 0 {
		if p.sigpendingFull(&info) {
			if sig >= syscalls.SIGRTMIN && info.code != siUser {
				p.mu.Unlock()
				return false, errno(unix.EAGAIN)
			}
			info = sigInfo{signo: info.signo, code: siUser, lost: true}
		}
	}
	q.add(info)
	signalfdQueued(sig)
	if to == nil {
		// Every thread blocks it: wake one waiting for it in
		// rt_sigtimedwait (real_blocked), else the first to unblock it takes it.
		for _, t := range p.threads {
			if t.sigmask&sigBit(sig) == 0 {
				to = t
			}
		}
	}
	p.mu.Unlock()
	if to != nil {
		to.interrupt()
	}
	return true, 0
}

// sigpendingFull reports whether queueing info would pass RLIMIT_SIGPENDING
// (kernel/signal.c __sigqueue_alloc): standard signals from kill or the
// kernel (si_code >= 0) are queued past it, and a timer's signal was paid
// for when the timer was made. The kernel counts per user; gemu counts
// the queued signals of this process. Call with p.mu held.
func (p *Process) sigpendingFull(info *sigInfo) bool {
	if info.code == siTimer || (int(info.signo) < syscalls.SIGRTMIN && info.code >= 0) {
		return false
	}
	rl := p.sigpendingLimit()
	if rl.Cur == unix.RLIM_INFINITY {
		return false
	}
	n := p.shared.counted()
	for _, t := range p.threads {
		n += t.pending.counted()
	}
	return uint64(n) >= rl.Cur
}

// counted is how many queued signals count against RLIMIT_SIGPENDING.
func (q *sigQueue) counted() int {
	n := 0
	for _, in := range q.infos {
		if in.code != siTimer && !in.lost {
			n++
		}
	}
	return n
}

// interrupt makes t look at its pending signals soon: at the next block
// boundary, or at once if it is blocked in a host call or a wait.
func (t *Thread) interrupt() {
	t.wake.Store(true)
	t.cpu.RequestExit()
	select {
	case t.kick <- struct{}{}:
	default:
	}
	if seq := t.blockSeq.Load(); seq&1 == 1 {
		// The first kick at once; kickHost's retries (for a kick that came
		// just before the host call started) only if the call is still
		// there later. A goroutine per kick cost a scheduler round.
		unix.Tgkill(unix.Getpid(), t.tid, kickSig)
		time.AfterFunc(kickRetry, func() {
			if t.blockSeq.Load() == seq {
				t.kickHost(seq)
			}
		})
	}
}

// handleSignals delivers what is pending for t, nesting one frame per
// signal like the kernel's return-to-user loop, then finishes an
// interrupted syscall: restarted unless a handler made it fail with EINTR.
func (t *Thread) handleSignals() {
	p, c := t.p, t.cpu
	for !t.exited && !p.exiting() {
		p.mu.Lock()
		t.wake.Store(false)
		info, ok := t.dequeue(^t.sigmask)
		if !ok {
			p.mu.Unlock()
			break
		}
		if t.dbg != nil && !info.seen {
			p.mu.Unlock()
			info, ok = t.debugSignal(info)
			if !ok {
				continue
			}
			p.mu.Lock()
		}
		sig := int(info.signo)
		act := p.sigacts[sig]
		t.traceSignal(&info)
		switch {
		case fatal(act, sig):
			p.mu.Unlock()
			p.exitSignal(t, info)
			t.exited = true
			return
		case ignored(act, sig):
			p.mu.Unlock()
			continue
		}
		err := t.setupFrame(sig, &info, act)
		p.mu.Unlock()
		if err != nil {
			// force_sigsegv: the frame could not be written.
			p.exitSignal(t, sigInfo{signo: syscalls.SIGSEGV, code: siKernel})
			t.exited = true
			return
		}
	}
	if t.restart.code != 0 {
		c.PC -= p.arch.SyscallInsnLen()
		p.arch.SetSyscallResult(c, t.restart.a0)
		t.restart.code = 0
	}
	if t.restoreMask {
		p.mu.Lock()
		t.sigmask, t.restoreMask = t.savedMask, false
		p.mu.Unlock()
	}
}

// setupFrame runs the handler of sig on t (Linux arch/riscv/kernel/signal.c
// handle_signal + kernel/signal.c signal_setup_done). Call with p.mu held.
func (t *Thread) setupFrame(sig int, info *sigInfo, act syscalls.Sigaction) error {
	p, c := t.p, t.cpu
	fr, ok := p.arch.(targets.SignalFrames)
	if !ok {
		p.unimp("gemu: no signal frames for %s", p.arch.Name())
		return translate.ErrFault
	}
	if t.restart.code != 0 {
		if t.restart.code == restartSys && act.Flags&syscalls.SaRestart != 0 {
			c.PC -= p.arch.SyscallInsnLen()
			p.arch.SetSyscallResult(c, t.restart.a0)
		} else {
			p.arch.SetSyscallResult(c, errno(unix.EINTR))
		}
		t.restart.code = 0
	}
	old := t.sigmask
	if t.restoreMask {
		old, t.restoreMask = t.savedMask, false
	}
	sp := p.arch.SP(c)
	f := targets.SigFrame{Sig: sig, Info: info.encode(), Handler: act.Handler, SP: sp, Mask: old,
		StackSP: t.altstack.SP, StackLen: t.altstack.Size, StackFlg: t.altFlags(sp)}
	onAlt := false
	if act.Flags&syscalls.SaOnstack != 0 && t.altstack.Flags&syscalls.SsDisable == 0 && !t.onAltStack(sp) {
		f.SP, onAlt = t.altstack.SP+t.altstack.Size, true
	}
	if act.Flags&syscalls.SaRestorer != 0 && act.Restorer != 0 {
		f.Return = act.Restorer
	} else {
		tr, err := p.trampoline(fr)
		if err != nil {
			return err
		}
		f.Return = tr
	}
	if err := fr.SetupSignalFrame(c, p.as, &f); err != nil {
		return err
	}
	if onAlt && uint32(t.altstack.Flags)&ssAutodisarm != 0 {
		t.altstack = syscalls.StackT{Flags: syscalls.SsDisable}
	}
	t.sigmask |= act.Mask
	if act.Flags&syscalls.SaNodefer == 0 {
		t.sigmask |= sigBit(sig)
	}
	t.sigmask &^= unblockable
	if act.Flags&syscalls.SaResethand != 0 {
		// Only the handler is reset; the flags stay (kernel/signal.c get_signal).
		p.sigacts[sig].Handler = syscalls.SigDfl
	}
	c.ClearReservation()
	return nil
}

// onAltStack is the kernel's on_sig_stack (stacks grow down).
func (t *Thread) onAltStack(sp uint64) bool {
	a := t.altstack
	return a.Flags&syscalls.SsDisable == 0 && sp > a.SP && sp-a.SP <= a.Size
}

// altFlags is sas_ss_flags plus SS_AUTODISARM, as sigaltstack and uc_stack report them.
func (t *Thread) altFlags(sp uint64) int32 {
	switch {
	case t.altstack.Flags&syscalls.SsDisable != 0:
		return syscalls.SsDisable
	case t.onAltStack(sp):
		return syscalls.SsOnstack | t.altstack.Flags&int32(-1<<31)
	}
	return t.altstack.Flags
}

// trampoline maps the "[vdso]" page holding the target's rt_sigreturn
// code (Linux riscv returns through __vdso_rt_sigreturn). Call with p.mu held.
func (p *Process) trampoline(fr targets.SignalFrames) (uint64, error) {
	if p.tramp != 0 {
		return p.tramp, nil
	}
	addr, err := p.as.Map(translate.MapSpec{Length: translate.PageSize, Prot: translate.ProtRead | translate.ProtExec,
		FD: -1, Name: "[vdso]"})
	if err != nil {
		return 0, err
	}
	if err := p.as.WriteForce(addr, fr.SigreturnCode()); err != nil {
		return 0, err
	}
	p.tramp = addr
	return addr, nil
}

// faultSignals are the signal and si_code Linux gives each exception
// (include/uapi/asm-generic/siginfo.h; arch/*/kernel/traps.c and
// mm/fault.c raise them alike on arm64 and riscv).
var faultSignals = [...]struct{ signo, code int32 }{
	translate.ExcIllegal:    {syscalls.SIGILL, 1},  // ILL_ILLOPC
	translate.ExcBreakpoint: {syscalls.SIGTRAP, 1}, // TRAP_BRKPT
	translate.ExcUnmapped:   {syscalls.SIGSEGV, 1}, // SEGV_MAPERR
	translate.ExcProtection: {syscalls.SIGSEGV, 2}, // SEGV_ACCERR
	translate.ExcMisaligned: {syscalls.SIGBUS, 1},  // BUS_ADRALN
	translate.ExcNoBacking:  {syscalls.SIGBUS, 2},  // BUS_ADRERR
}

// faultInfo is the siginfo of the exception e.
func faultInfo(e translate.ExitInfo) sigInfo {
	if int(e.Exception) >= len(faultSignals) || faultSignals[e.Exception].signo == 0 {
		return sigInfo{signo: syscalls.SIGILL, code: siKernel, fault: true, addr: e.Addr}
	}
	f := faultSignals[e.Exception]
	return sigInfo{signo: f.signo, code: f.code, fault: true, addr: e.Addr}
}

// syncSignal handles a synchronous fault (kernel/signal.c force_sig_info):
// a blocked or ignored fault kills, as does the default action.
func (t *Thread) syncSignal() {
	p := t.p
	info := faultInfo(t.cpu.Exit)
	signo := int(info.signo)
	if t.dbg != nil {
		var ok bool
		if info, ok = t.debugSignal(info); !ok {
			return // discarded by the debugger: the instruction runs again
		}
		if int(info.signo) != signo {
			p.send(t, nil, info)
			return
		}
	}
	p.mu.Lock()
	act := p.sigacts[signo]
	if act.Handler == syscalls.SigDfl || act.Handler == syscalls.SigIgn || t.sigmask&sigBit(signo) != 0 {
		p.mu.Unlock()
		t.traceSignal(&info) // the handled case is shown when it is taken
		p.exitSignal(t, info)
		t.exited = true
		return
	}
	t.pending.add(info)
	t.wake.Store(true)
	p.mu.Unlock()
}

// senderInfo is the siginfo of kill/tgkill from this process.
func (t *Thread) senderInfo(sig int, code int32) sigInfo {
	return sigInfo{signo: int32(sig), code: code, pid: uint32(t.p.pid), uid: uint32(unix.Getuid())}
}
