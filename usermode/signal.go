package usermode

import (
	"encoding/binary"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/translate"
)

// Signal delivery (docs/design.md "Signals are virtual"). All signal state
// (actions, masks, pending queues) is guarded by Process.mu. A sender
// queues, sets the target's wake flag, asks its CPU to leave the
// translated code and interrupts its blocking host call; the target
// builds frames at its next exit to the personality (Thread.loop).

// si_code values (Linux include/uapi/asm-generic/siginfo.h).
const (
	SiUser   = 0
	SiKernel = 0x80
	siQueue  = -1
	SiTimer  = -2
	SiTkill  = -6
)

// Internal restart results (Linux include/linux/errno.h): a handler
// returns one when a guest signal interrupted it; the signal code then
// decides between EINTR and restarting (arch/riscv/kernel/signal.c).
const (
	RestartSys    = ^uint64(512 - 1) // -ERESTARTSYS: restart if SA_RESTART
	RestartNoHand = ^uint64(514 - 1) // -ERESTARTNOHAND: EINTR if a handler runs
)

func IsRestart(r uint64) bool { return r == RestartSys || r == RestartNoHand }

// SigInfo is a queued siginfo_t.
type SigInfo struct {
	Signo, Code int32
	Fault       bool   // si_addr form (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE)
	PID, UID    uint32 // kill / rt / timer (si_tid, si_overrun) form
	Value       uint64 // si_value
	Addr        uint64
	Raw         []byte // rt_sigqueueinfo: the caller's bytes
	seen        bool   // already shown to the debugger (debug.go)
	Sys         uint64 // si_sys_private: the arming of the timer that sent it
	lost        bool   // queued past RLIMIT_SIGPENDING: its siginfo was dropped
}

// Encode lays the info out as the 128-byte siginfo_t of the 64-bit
// targets: signo 0, errno 4, code 8, union at 16 (asm-generic/siginfo.h).
func (s *SigInfo) Encode() []byte {
	b := make([]byte, 128)
	if s.Raw != nil {
		copy(b, s.Raw)
	}
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(s.Signo))
	if s.Raw != nil {
		return b
	}
	le.PutUint32(b[8:], uint32(s.Code))
	if s.Fault {
		le.PutUint64(b[16:], s.Addr)
		return b
	}
	le.PutUint32(b[16:], s.PID)
	le.PutUint32(b[20:], s.UID)
	le.PutUint64(b[24:], s.Value)
	return b
}

// sigQueue is a pending set: one entry per standard signal, a queue for
// real-time signals (signal(7)).
type sigQueue struct {
	Mask  uint64
	infos []SigInfo
}

func SigBit(sig int) uint64 { return 1 << (sig - 1) }

func (q *sigQueue) add(info SigInfo) {
	sig := int(info.Signo)
	if sig < linux.SIGRTMIN && q.Mask&SigBit(sig) != 0 {
		return
	}
	q.Mask |= SigBit(sig)
	q.infos = append(q.infos, info)
}

// Take removes the first queued info of sig.
func (q *sigQueue) Take(sig int) SigInfo {
	info := SigInfo{Signo: int32(sig), Code: SiUser}
	more := false
	for i, in := range q.infos {
		if int(in.Signo) != sig {
			continue
		}
		info = in
		q.infos = append(q.infos[:i], q.infos[i+1:]...)
		for _, rest := range q.infos[i:] {
			if int(rest.Signo) == sig {
				more = true
				break
			}
		}
		break
	}
	if !more {
		q.Mask &^= SigBit(sig)
	}
	return info
}

// syncMask are the signals the kernel dequeues first (kernel/signal.c SYNCHRONOUS_MASK).
const syncMask = 1<<(linux.SIGSEGV-1) | 1<<(linux.SIGBUS-1) | 1<<(linux.SIGILL-1) |
	1<<(linux.SIGTRAP-1) | 1<<(linux.SIGFPE-1) | 1<<(linux.SIGSYS-1)

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

// Deliverable is the set t could take now. Call with p.mu held.
func (t *Thread) Deliverable() uint64 {
	return (t.Pending.Mask | t.P.Shared.Mask) &^ t.Sigmask
}

// Dequeue takes a signal in set from t's queue, then the process's. Call with p.mu held.
func (t *Thread) Dequeue(set uint64) (SigInfo, bool) {
	q := &t.Pending
	s := q.Mask & set
	if s == 0 {
		q = &t.P.Shared
		if s = q.Mask & set; s == 0 {
			return SigInfo{}, false
		}
	}
	info := q.Take(nextSignal(s))
	if info.Code == SiTimer {
		t.P.OS.TimerSignalTaken(&info)
	}
	return info, true
}

// SigReady reports whether a guest signal is deliverable to t; a stale
// wake flag is cleared.
func (t *Thread) SigReady() bool {
	t.P.Mu.Lock()
	ready := t.Deliverable() != 0
	if !ready {
		t.Wake.Store(false)
	}
	t.P.Mu.Unlock()
	return ready
}

// Ignored reports whether act discards sig at generation (signal(7):
// SIG_IGN, or a default action of ignore; stop signals stop the host
// process in send, and SIGCONT continues it on the host).
func Ignored(act linux.Sigaction, sig int) bool {
	if act.Handler == linux.SigIgn {
		return true
	}
	if act.Handler != linux.SigDfl {
		return false
	}
	switch linux.SignalDefault(sig) {
	case linux.ActIgnore, linux.ActStop, linux.ActCont:
		return true
	}
	return false
}

// fatal reports whether the default action of sig ends the process.
func fatal(act linux.Sigaction, sig int) bool {
	if sig == linux.SIGKILL {
		return true
	}
	if act.Handler != linux.SigDfl {
		return false
	}
	d := linux.SignalDefault(sig)
	return d == linux.ActTerm || d == linux.ActCore
}

// Send generates a signal: for thread target, or for the process when
// target is nil (then from, the sending guest thread or nil, is
// preferred as in kernel/signal.c complete_signal).
func (p *Process) Send(target, from *Thread, info SigInfo) { p.Post(target, from, info) }

// Post is send that reports whether the signal was queued, and the error
// of a real-time signal the queue limit refuses (sigpendingFull).
func (p *Process) Post(target, from *Thread, info SigInfo) (bool, uint64) {
	sig := int(info.Signo)
	p.Mu.Lock()
	act := p.Sigacts[sig]
	blocks := func(t *Thread) bool { return (t.Sigmask|t.RealBlocked)&SigBit(sig) != 0 && sig != linux.SIGKILL }
	to := target
	if to == nil {
		if from != nil && from.P == p && !blocks(from) {
			to = from
		} else {
			for _, t := range p.Threads {
				if !blocks(t) {
					to = t
					break
				}
			}
		}
	}
	if to != nil && !blocks(to) {
		if act.Handler == linux.SigDfl && linux.SignalDefault(sig) == linux.ActStop {
			p.Mu.Unlock()
			hostStop(sig)
			return false, 0
		}
		if Ignored(act, sig) {
			p.Mu.Unlock()
			return false, 0
		}
		if fatal(act, sig) && linux.SignalDefault(sig) != linux.ActCore {
			p.Mu.Unlock()
			p.Exit(Status{Signal: sig})
			return false, 0
		}
		// A core-dumping signal is taken by the thread it goes to, which
		// dumps (kernel/signal.c complete_signal leaves those to get_signal).
	}
	q := &p.Shared
	if target != nil {
		q = &target.Pending
	}
	if sig >= linux.SIGRTMIN || q.Mask&SigBit(sig) == 0 {
		if p.sigpendingFull(&info) {
			if sig >= linux.SIGRTMIN && info.Code != SiUser {
				p.Mu.Unlock()
				return false, Errno(unix.EAGAIN)
			}
			info = SigInfo{Signo: info.Signo, Code: SiUser, lost: true}
		}
	}
	q.add(info)
	p.OS.SignalQueued(sig)
	if to == nil {
		// Every thread blocks it: wake one waiting for it in
		// rt_sigtimedwait (real_blocked), else the first to unblock it takes it.
		for _, t := range p.Threads {
			if t.Sigmask&SigBit(sig) == 0 {
				to = t
			}
		}
	}
	p.Mu.Unlock()
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
func (p *Process) sigpendingFull(info *SigInfo) bool {
	if info.Code == SiTimer || (int(info.Signo) < linux.SIGRTMIN && info.Code >= 0) {
		return false
	}
	rl := p.sigpendingLimit()
	if rl.Cur == unix.RLIM_INFINITY {
		return false
	}
	n := p.Shared.counted()
	for _, t := range p.Threads {
		n += t.Pending.counted()
	}
	return uint64(n) >= rl.Cur
}

// counted is how many queued signals count against RLIMIT_SIGPENDING.
func (q *sigQueue) counted() int {
	n := 0
	for _, in := range q.infos {
		if in.Code != SiTimer && !in.lost {
			n++
		}
	}
	return n
}

// interrupt makes t look at its pending signals soon: at the next block
// boundary, or at once if it is blocked in a host call or a wait.
func (t *Thread) interrupt() {
	t.Wake.Store(true)
	t.CPU.RequestExit()
	select {
	case t.kick <- struct{}{}:
	default:
	}
	if seq := t.blockSeq.Load(); seq&1 == 1 {
		// The first kick at once; kickHost's retries (for a kick that came
		// just before the host call started) only if the call is still
		// there later. A goroutine per kick cost a scheduler round.
		unix.Tgkill(unix.Getpid(), t.TID, KickSig)
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
	p, c := t.P, t.CPU
	for !t.Exited && !p.Exiting() {
		p.Mu.Lock()
		t.Wake.Store(false)
		info, ok := t.Dequeue(^t.Sigmask)
		if !ok {
			p.Mu.Unlock()
			break
		}
		if t.dbg != nil && !info.seen {
			p.Mu.Unlock()
			info, ok = t.debugSignal(info)
			if !ok {
				continue
			}
			p.Mu.Lock()
		}
		sig := int(info.Signo)
		act := p.Sigacts[sig]
		t.traceSignal(&info)
		switch {
		case fatal(act, sig):
			p.Mu.Unlock()
			p.ExitSignal(t, info)
			t.Exited = true
			return
		case Ignored(act, sig):
			p.Mu.Unlock()
			continue
		}
		err := t.setupFrame(sig, &info, act)
		p.Mu.Unlock()
		if err != nil {
			// force_sigsegv: the frame could not be written.
			p.ExitSignal(t, SigInfo{Signo: linux.SIGSEGV, Code: SiKernel})
			t.Exited = true
			return
		}
	}
	if t.restart.code != 0 {
		c.PC -= p.conv.SyscallInsnLen()
		p.conv.SetSyscallResult(c, t.restart.a0)
		t.restart.code = 0
	}
	if t.RestoreMask {
		p.Mu.Lock()
		t.Sigmask, t.RestoreMask = t.SavedMask, false
		p.Mu.Unlock()
	}
}

// setupFrame runs the handler of sig on t (Linux arch/riscv/kernel/signal.c
// handle_signal + kernel/signal.c signal_setup_done). Call with p.mu held.
func (t *Thread) setupFrame(sig int, info *SigInfo, act linux.Sigaction) error {
	p, c := t.P, t.CPU
	fr := p.frames
	if fr == nil {
		p.Unimp("gemu: no signal frames for %s", p.arch.Name())
		return translate.ErrFault
	}
	if t.restart.code != 0 {
		if t.restart.code == RestartSys && act.Flags&linux.SaRestart != 0 {
			c.PC -= p.conv.SyscallInsnLen()
			p.conv.SetSyscallResult(c, t.restart.a0)
		} else {
			p.conv.SetSyscallResult(c, Errno(unix.EINTR))
		}
		t.restart.code = 0
	}
	old := t.Sigmask
	if t.RestoreMask {
		old, t.RestoreMask = t.SavedMask, false
	}
	sp := p.arch.SP(c)
	f := SigFrame{Sig: sig, Info: info.Encode(), Handler: act.Handler, SP: sp, Mask: old,
		StackSP: t.Altstack.SP, StackLen: t.Altstack.Size, StackFlg: t.AltFlags(sp)}
	onAlt := false
	if act.Flags&linux.SaOnstack != 0 && t.Altstack.Flags&linux.SsDisable == 0 && !t.OnAltStack(sp) {
		f.SP, onAlt = t.Altstack.SP+t.Altstack.Size, true
	}
	if act.Flags&linux.SaRestorer != 0 && act.Restorer != 0 {
		f.Return = act.Restorer
	} else {
		tr, err := p.trampoline(fr)
		if err != nil {
			return err
		}
		f.Return = tr
	}
	if err := fr.SetupSignalFrame(c, p.AS, &f); err != nil {
		return err
	}
	if onAlt && uint32(t.Altstack.Flags)&SSAutodisarm != 0 {
		t.Altstack = linux.StackT{Flags: linux.SsDisable}
	}
	t.Sigmask |= act.Mask
	if act.Flags&linux.SaNodefer == 0 {
		t.Sigmask |= SigBit(sig)
	}
	t.Sigmask &^= Unblockable
	if act.Flags&linux.SaResethand != 0 {
		// Only the handler is reset; the flags stay (kernel/signal.c get_signal).
		p.Sigacts[sig].Handler = linux.SigDfl
	}
	c.ClearReservation()
	return nil
}

// OnAltStack is the kernel's on_sig_stack (stacks grow down).
func (t *Thread) OnAltStack(sp uint64) bool {
	a := t.Altstack
	return a.Flags&linux.SsDisable == 0 && sp > a.SP && sp-a.SP <= a.Size
}

// AltFlags is sas_ss_flags plus SS_AUTODISARM, as sigaltstack and uc_stack report them.
func (t *Thread) AltFlags(sp uint64) int32 {
	switch {
	case t.Altstack.Flags&linux.SsDisable != 0:
		return linux.SsDisable
	case t.OnAltStack(sp):
		return linux.SsOnstack | t.Altstack.Flags&int32(-1<<31)
	}
	return t.Altstack.Flags
}

// trampoline maps the "[vdso]" page holding the frames' sigreturn
// code (Linux riscv returns through __vdso_rt_sigreturn). Call with p.mu held.
func (p *Process) trampoline(fr SignalFrames) (uint64, error) {
	if p.tramp != 0 {
		return p.tramp, nil
	}
	addr, err := p.AS.Map(translate.MapSpec{Length: translate.PageSize, Prot: translate.ProtRead | translate.ProtExec,
		FD: -1, Name: "[vdso]"})
	if err != nil {
		return 0, err
	}
	if err := p.AS.WriteForce(addr, fr.SigreturnCode()); err != nil {
		return 0, err
	}
	p.tramp = addr
	return addr, nil
}

// faultSignals are the signal and si_code Linux gives each exception
// (include/uapi/asm-generic/siginfo.h; arch/*/kernel/traps.c and
// mm/fault.c raise them alike on arm64 and riscv).
var faultSignals = [...]struct{ signo, code int32 }{
	translate.ExcIllegal:    {linux.SIGILL, 1},  // ILL_ILLOPC
	translate.ExcBreakpoint: {linux.SIGTRAP, 1}, // TRAP_BRKPT
	translate.ExcUnmapped:   {linux.SIGSEGV, 1}, // SEGV_MAPERR
	translate.ExcProtection: {linux.SIGSEGV, 2}, // SEGV_ACCERR
	translate.ExcMisaligned: {linux.SIGBUS, 1},  // BUS_ADRALN
	translate.ExcNoBacking:  {linux.SIGBUS, 2},  // BUS_ADRERR
}

// faultInfo is the siginfo of the exception e.
func faultInfo(e translate.ExitInfo) SigInfo {
	if int(e.Exception) >= len(faultSignals) || faultSignals[e.Exception].signo == 0 {
		return SigInfo{Signo: linux.SIGILL, Code: SiKernel, Fault: true, Addr: e.Addr}
	}
	f := faultSignals[e.Exception]
	return SigInfo{Signo: f.signo, Code: f.code, Fault: true, Addr: e.Addr}
}

// syncSignal handles a synchronous fault (kernel/signal.c force_sig_info):
// a blocked or ignored fault kills, as does the default action.
func (t *Thread) syncSignal() {
	p := t.P
	info := faultInfo(t.CPU.Exit)
	signo := int(info.Signo)
	if t.dbg != nil {
		var ok bool
		if info, ok = t.debugSignal(info); !ok {
			return // discarded by the debugger: the instruction runs again
		}
		if int(info.Signo) != signo {
			p.Send(t, nil, info)
			return
		}
	}
	t.forceSignal(info)
}

// SenderInfo is the siginfo of kill/tgkill from this process.
func (t *Thread) SenderInfo(sig int, code int32) SigInfo {
	return SigInfo{Signo: int32(sig), Code: code, PID: uint32(t.P.PID), UID: uint32(unix.Getuid())}
}

// Unblockable are SIGKILL and SIGSTOP.
const Unblockable = 1<<(linux.SIGKILL-1) | 1<<(linux.SIGSTOP-1)

// SSAutodisarm is SS_AUTODISARM (Linux include/uapi/linux/signal.h).
const SSAutodisarm = 1 << 31

// SetAction installs na as sig's action when set, as kernel/signal.c
// do_sigaction does (SIG_IGN discards what is pending), and returns the
// old one.
func (p *Process) SetAction(sig int, na linux.Sigaction, set bool) linux.Sigaction {
	if set && !Ignored(na, sig) {
		p.DrainIgnored(sig)
	}
	p.Mu.Lock()
	defer p.Mu.Unlock()
	old := p.Sigacts[sig]
	if !set {
		return old
	}
	p.Sigacts[sig] = na
	if Ignored(na, sig) {
		p.discard(sig)
	}
	if na.Handler != linux.SigIgn {
		HostSignalWanted(sig)
	}
	if sig == linux.SIGCHLD {
		p.SetHostChildPolicy(na)
	}
	return old
}

// discard drops pending instances of sig everywhere. Call with p.Mu held.
func (p *Process) discard(sig int) {
	for p.Shared.Mask&SigBit(sig) != 0 {
		p.Shared.Take(sig)
	}
	for _, t := range p.Threads {
		for t.Pending.Mask&SigBit(sig) != 0 {
			t.Pending.Take(sig)
		}
	}
}

// ChangeMask is sigprocmask's change of t's blocked set (how: Linux's
// SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK) when set; it returns the old mask,
// and false for an unknown how.
func (t *Thread) ChangeMask(how int, v uint64, set bool) (uint64, bool) {
	p := t.P
	p.Mu.Lock()
	defer p.Mu.Unlock()
	old := t.Sigmask
	if !set {
		return old, true
	}
	switch how {
	case linux.SigBlock:
		t.Sigmask |= v
	case linux.SigUnblock:
		t.Sigmask &^= v
	case linux.SigSetmask:
		t.Sigmask = v
	default:
		return old, false
	}
	t.Sigmask &^= Unblockable
	if t.Deliverable() != 0 {
		t.Wake.Store(true)
	}
	return old, true
}

// Kill is kill(2) with a host signal number: this process's own signal is
// queued here; a group (0, -pgid), every process (-1) or another process
// goes through the host (gemu's own copy comes back through the host
// signal handler with the guest as sender).
func (t *Thread) Kill(pid, sig int) uint64 {
	if pid == t.P.PID {
		if sig != 0 {
			t.P.Send(nil, t, t.SenderInfo(sig, SiUser))
		}
		return 0
	}
	return OK(unix.Kill(pid, unix.Signal(sig)))
}

// SetTempMask installs the signal mask of ppoll, pselect or
// io_pgetevents for the call; a handler that runs restores the old one,
// or EndTempMask does.
func (t *Thread) SetTempMask(m uint64) {
	t.P.Mu.Lock()
	defer t.P.Mu.Unlock()
	t.SavedMask, t.RestoreMask = t.Sigmask, true
	t.Sigmask = m &^ Unblockable
	if t.Deliverable() != 0 {
		t.Wake.Store(true) // a pending signal the new mask unblocks ends the call at once
	}
}

// EndTempMask restores the mask after a call no signal interrupted.
func (t *Thread) EndTempMask() {
	if t.RestoreMask {
		t.P.Mu.Lock()
		t.Sigmask, t.RestoreMask = t.SavedMask, false
		t.P.Mu.Unlock()
	}
}
