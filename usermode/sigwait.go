package usermode

import (
	"time"

	"github.com/gemu-project/gemu/syscalls/linux"
	"golang.org/x/sys/unix"
)

// Waits for signals that every personality's calls share (sigsuspend,
// sigtimedwait and their kin); the personalities read and write the
// guest's sets and siginfo in their own layouts.

// SigSuspend waits with mask as t's blocked set until a signal is
// deliverable. The old mask is restored after the handler's frame has
// saved it (Linux kernel/signal.c sigsuspend, FreeBSD kern_sig.c
// kern_sigsuspend: TDP_OLDMASK). It returns RestartNoHand, which a
// handler turns into EINTR, or EINTR when the process is dying.
func (t *Thread) SigSuspend(mask uint64) uint64 {
	p := t.P
	p.Mu.Lock()
	t.SavedMask, t.RestoreMask = t.Sigmask, true
	t.Sigmask = mask &^ Unblockable
	p.Mu.Unlock()
	for !t.SigReady() {
		if p.Exiting() {
			return Errno(unix.EINTR)
		}
		t.Wait(0)
	}
	return RestartNoHand
}

// SigTimedWait takes a pending signal of set without running its handler,
// waiting until deadline (the zero time: no limit). The signals of set
// are unblocked while it waits and the old mask kept in RealBlocked, so a
// sender of a blocked signal finds this thread. It returns the signal and
// 0, or EAGAIN at the deadline, RestartNoHand when another signal is
// deliverable, EINTR when the process is dying.
func (t *Thread) SigTimedWait(set uint64, deadline time.Time) (SigInfo, uint64) {
	set &^= Unblockable
	p := t.P
	p.Mu.Lock()
	t.RealBlocked = t.Sigmask
	t.Sigmask &^= set
	defer func() {
		p.Mu.Lock()
		t.Sigmask, t.RealBlocked = t.RealBlocked, 0
		p.Mu.Unlock()
	}()
	for {
		info, ok := t.Dequeue(set)
		if !ok && t.Deliverable() != 0 {
			p.Mu.Unlock()
			return SigInfo{}, RestartNoHand
		}
		p.Mu.Unlock()
		if ok {
			return info, 0
		}
		var d time.Duration
		if !deadline.IsZero() {
			if d = time.Until(deadline); d <= 0 {
				return SigInfo{}, Errno(unix.EAGAIN)
			}
		}
		if p.Exiting() {
			return SigInfo{}, Errno(unix.EINTR)
		}
		t.Wait(d)
		p.Mu.Lock()
	}
}

// NextRestarts reports whether the handler of the signal t takes next
// has SA_RESTART: a call whose interruption the guest's kernel decides
// by it before any handler runs (FreeBSD's sigwait: ERESTART or EINTR,
// sys/kern/subr_sleepqueue.c sleepq_catch_signals).
func (t *Thread) NextRestarts() bool {
	p := t.P
	p.Mu.Lock()
	defer p.Mu.Unlock()
	sig := nextSignal(t.Deliverable())
	return sig != 0 && p.Sigacts[sig].Flags&linux.SaRestart != 0
}
