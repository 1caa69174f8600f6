package linuxuser

import (
	"encoding/binary"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/targets"
)

// Signal system calls; delivery is in signal.go (docs/design.md: signals are virtual).

func init() {
	sig := syscalls.ArgSignal
	register(
		row{"rt_sigaction", sysRtSigaction, kinds(sig, aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"rt_sigprocmask", sysRtSigprocmask, kinds(syscalls.ArgSigHow, aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"sigaltstack", sysSigaltstack, kinds(aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"rt_sigpending", sysRtSigpending, kinds(aPtr, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"rt_sigsuspend", sysRtSigsuspend, kinds(aPtr, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"rt_sigtimedwait", sysRtSigtimedwait, kinds(aPtr, aPtr, aPtr, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"rt_sigqueueinfo", sysRtSigqueueinfo, kinds(aInt, sig, aPtr), syscalls.RetInt, syscalls.Full,
			"other processes through the host, si_value included"},
		row{"rt_tgsigqueueinfo", sysRtTgsigqueueinfo, kinds(aInt, aInt, sig, aPtr), syscalls.RetInt, syscalls.Partial,
			"own threads only"},
		row{"kill", sysKill, kinds(aInt, sig), syscalls.RetInt, syscalls.Full, "others through the host"},
		row{"tgkill", sysTgkill, kinds(aInt, aInt, sig), syscalls.RetInt, syscalls.Full, ""},
		row{"tkill", sysTkill, kinds(aInt, sig), syscalls.RetInt, syscalls.Full, ""},
		row{"rt_sigreturn", sysRtSigreturn, kinds(), syscalls.RetNone, syscalls.Full, ""},
	)
}

// sigsetSize is the kernel's sigset_t size for _NSIG = 64.
const sigsetSize = 8

// unblockable are SIGKILL and SIGSTOP.
const unblockable = 1<<(syscalls.SIGKILL-1) | 1<<(syscalls.SIGSTOP-1)

// handlerOf returns the guest's sa_handler for sig.
func (p *Process) handlerOf(sig int) uint64 {
	if sig < 1 || sig > syscalls.NSIG {
		return syscalls.SigDfl
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sigacts[sig].Handler
}

func validSig(sig int) bool { return sig >= 1 && sig <= syscalls.NSIG }

func sysRtSigaction(t *Thread, a *Args) uint64 {
	// kernel/signal.c: the size, then the new action is copied (EFAULT)
	// before do_sigaction checks the signal (EINVAL) and clears the flags
	// it does not know.
	sig, act, oact := int(int32(a[0])), a[1], a[2]
	if a[3] != sigsetSize {
		return errno(unix.EINVAL)
	}
	lay := t.p.abi.Sigaction
	var na syscalls.Sigaction
	if act != 0 {
		b, err := t.readBytes(act, uint64(lay.Size))
		if err != nil {
			return errno(unix.EFAULT)
		}
		na = lay.Decode(b)
		na.Mask &^= unblockable
		known := uint64(syscalls.SaUAPI)
		if lay.HasRestorer {
			known |= syscalls.SaRestorer
		}
		na.Flags &= known
	}
	if !validSig(sig) || (act != 0 && (sig == syscalls.SIGKILL || sig == syscalls.SIGSTOP)) {
		return errno(unix.EINVAL)
	}
	p := t.p
	if act != 0 && !ignored(na, sig) {
		p.drainIgnored(sig)
	}
	p.mu.Lock()
	old := p.sigacts[sig]
	if act != 0 {
		p.sigacts[sig] = na
		if ignored(na, sig) {
			// Setting SIG_IGN discards what is pending (kernel/signal.c do_sigaction).
			p.discard(sig)
		}
		if na.Handler != syscalls.SigIgn {
			hostSignalWanted(sig)
		}
		if sig == syscalls.SIGCHLD {
			p.setHostChildPolicy(na)
		}
	}
	p.mu.Unlock()
	if oact != 0 {
		b := make([]byte, lay.Size)
		lay.Encode(b, old)
		if t.writeBytes(oact, b) != nil {
			return errno(unix.EFAULT)
		}
	}
	return 0
}

// discard drops pending instances of sig everywhere. Call with p.mu held.
func (p *Process) discard(sig int) {
	for p.shared.mask&sigBit(sig) != 0 {
		p.shared.take(sig)
	}
	for _, t := range p.threads {
		for t.pending.mask&sigBit(sig) != 0 {
			t.pending.take(sig)
		}
	}
}

func sysRtSigprocmask(t *Thread, a *Args) uint64 {
	how, set, oset := a[0], a[1], a[2]
	if a[3] != sigsetSize {
		return errno(unix.EINVAL)
	}
	var v uint64
	if set != 0 {
		var err error
		if v, err = t.p.as.Load64(set); err != nil {
			return errno(unix.EFAULT)
		}
	}
	p := t.p
	p.mu.Lock()
	old := t.sigmask
	if set != 0 {
		switch how {
		case syscalls.SigBlock:
			t.sigmask |= v
		case syscalls.SigUnblock:
			t.sigmask &^= v
		case syscalls.SigSetmask:
			t.sigmask = v
		default:
			p.mu.Unlock()
			return errno(unix.EINVAL)
		}
		t.sigmask &^= unblockable
		if t.deliverable() != 0 {
			t.wake.Store(true)
		}
	}
	p.mu.Unlock()
	if oset != 0 && t.p.as.Store64(oset, old) != nil {
		return errno(unix.EFAULT)
	}
	return 0
}

// minSigStkSz is MINSIGSTKSZ (Linux include/uapi/asm-generic/signal.h).
const minSigStkSz = 2048

// ssAutodisarm is SS_AUTODISARM (Linux include/uapi/linux/signal.h).
const ssAutodisarm = 1 << 31

func sysSigaltstack(t *Thread, a *Args) uint64 {
	ss, oss := a[0], a[1]
	sp := t.p.arch.SP(t.cpu)
	old := t.altstack
	old.Flags = t.altFlags(sp)
	if ss != 0 {
		b, err := t.readBytes(ss, syscalls.StackTSize)
		if err != nil {
			return errno(unix.EFAULT)
		}
		if t.onAltStack(sp) {
			return errno(unix.EPERM)
		}
		n := syscalls.DecodeStackT(b)
		if e := t.setAltstack(n); e != 0 {
			return e
		}
	}
	if oss != 0 {
		b := make([]byte, syscalls.StackTSize)
		old.Encode(b)
		if t.writeBytes(oss, b) != nil {
			return errno(unix.EFAULT)
		}
	}
	return 0
}

// setAltstack validates and installs a stack_t (kernel/signal.c do_sigaltstack).
func (t *Thread) setAltstack(n syscalls.StackT) uint64 {
	mode := int32(uint32(n.Flags) &^ ssAutodisarm)
	switch {
	case mode != 0 && mode != syscalls.SsDisable && mode != syscalls.SsOnstack:
		return errno(unix.EINVAL)
	case mode == syscalls.SsDisable:
		n = syscalls.StackT{Flags: syscalls.SsDisable}
	case n.Size < minSigStkSz:
		return errno(unix.ENOMEM)
	default:
		n.Flags &= int32(-1 << 31) // keep only SS_AUTODISARM
	}
	t.altstack = n
	return 0
}

func sysRtSigpending(t *Thread, a *Args) uint64 {
	if a[1] > sigsetSize {
		return errno(unix.EINVAL)
	}
	t.p.mu.Lock()
	set := (t.pending.mask | t.p.shared.mask) & t.sigmask
	t.p.mu.Unlock()
	if t.p.as.Store64(a[0], set) != nil {
		return errno(unix.EFAULT)
	}
	return 0
}

// sysRtSigsuspend waits with a temporary mask; the handler's frame saves
// the old mask (kernel/signal.c sigsuspend, set_restore_sigmask).
func sysRtSigsuspend(t *Thread, a *Args) uint64 {
	if a[1] != sigsetSize {
		return errno(unix.EINVAL)
	}
	m, err := t.p.as.Load64(a[0])
	if err != nil {
		return errno(unix.EFAULT)
	}
	p := t.p
	p.mu.Lock()
	t.savedMask, t.restoreMask = t.sigmask, true
	t.sigmask = m &^ unblockable
	p.mu.Unlock()
	for !t.sigReady() {
		if p.exiting() {
			return errno(unix.EINTR)
		}
		t.wait(0)
	}
	return restartNoHand
}

// sysRtSigtimedwait takes a signal of set without running its handler.
func sysRtSigtimedwait(t *Thread, a *Args) uint64 {
	if a[3] != sigsetSize {
		return errno(unix.EINVAL)
	}
	set, err := t.p.as.Load64(a[0])
	if err != nil {
		return errno(unix.EFAULT)
	}
	set &^= unblockable
	var deadline time.Time
	if a[2] != 0 {
		ts, e := t.getTimespec(a[2])
		if e != 0 {
			return e
		}
		if ts.Nsec < 0 || ts.Nsec >= 1e9 || ts.Sec < 0 {
			return errno(unix.EINVAL)
		}
		deadline = time.Now().Add(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	}
	p := t.p
	p.mu.Lock()
	t.realBlocked = t.sigmask
	t.sigmask &^= set
	defer func() {
		p.mu.Lock()
		t.sigmask, t.realBlocked = t.realBlocked, 0
		p.mu.Unlock()
	}()
	for {
		info, ok := t.dequeue(set)
		if !ok && t.deliverable() != 0 {
			p.mu.Unlock()
			return restartNoHand
		}
		p.mu.Unlock()
		if ok {
			if a[1] != 0 && t.writeBytes(a[1], info.encode()) != nil {
				return errno(unix.EFAULT)
			}
			return uint64(info.signo)
		}
		var d time.Duration
		if !deadline.IsZero() {
			if d = time.Until(deadline); d <= 0 {
				return errno(unix.EAGAIN)
			}
		}
		if p.exiting() {
			return errno(unix.EINTR)
		}
		t.wait(d)
		p.mu.Lock()
	}
}

// readSiginfo reads a caller's siginfo_t for rt_sigqueueinfo.
func (t *Thread) readSiginfo(addr uint64, sig int) (sigInfo, uint64) {
	b, err := t.readBytes(addr, 128)
	if err != nil {
		return sigInfo{}, errno(unix.EFAULT)
	}
	info := sigInfo{signo: int32(sig), code: int32(binary.LittleEndian.Uint32(b[8:])), raw: b}
	// Only negative codes may be forged for others (kernel/signal.c do_rt_sigqueueinfo).
	if info.code >= 0 || info.code == siTkill {
		return info, errno(unix.EPERM)
	}
	return info, 0
}

// sysRtSigqueueinfo checks as kernel/signal.c does: the siginfo is
// copied (EFAULT), a code that is not the caller's to forge is EPERM,
// then the target (ESRCH) and the signal (EINVAL; 0 sends nothing).
func sysRtSigqueueinfo(t *Thread, a *Args) uint64 {
	pid, sig := int(int32(a[0])), int(int32(a[1]))
	info, e := t.readSiginfo(a[2], sig)
	if pid != t.p.pid {
		if e != 0 {
			return e
		}
		// The host's siginfo_t is the guests' (LP64 asm-generic), so
		// si_value reaches another guest through hostSigHandler.
		binary.LittleEndian.PutUint32(info.raw, uint32(sig))
		return ret(raw(unix.SYS_RT_SIGQUEUEINFO, uintptr(pid), uintptr(sig), uintptr(unsafe.Pointer(&info.raw[0])), 0, 0, 0))
	}
	if e == errno(unix.EFAULT) {
		return e
	}
	if sig == 0 || !validSig(sig) {
		return sigZeroOrInvalid(sig)
	}
	_, e = t.p.post(nil, t, info)
	return e
}

// sigZeroOrInvalid is the result of sending signal sig, 0 or invalid, to
// a target that exists: nothing is sent (kernel/signal.c
// check_kill_permission's valid_signal comes after the target's lookup).
func sigZeroOrInvalid(sig int) uint64 {
	if sig == 0 {
		return 0
	}
	return errno(unix.EINVAL)
}

func sysRtTgsigqueueinfo(t *Thread, a *Args) uint64 {
	// kernel/signal.c do_rt_tgsigqueueinfo: the copy (EFAULT), the ids
	// (EINVAL), a forged code (EPERM), the thread (ESRCH), the signal.
	tgid, tid, sig := int(int32(a[0])), int(int32(a[1])), int(int32(a[2]))
	info, e := t.readSiginfo(a[3], sig)
	switch {
	case e == errno(unix.EFAULT):
		return e
	case tid <= 0 || tgid <= 0:
		return errno(unix.EINVAL)
	case e != 0 && tid != t.tid:
		return e
	}
	target := t.p.thread(tid)
	if tgid != t.p.pid || target == nil {
		return errno(unix.ESRCH)
	}
	if sig == 0 || !validSig(sig) {
		return sigZeroOrInvalid(sig)
	}
	_, e = t.p.post(target, t, info)
	return e
}

func sysKill(t *Thread, a *Args) uint64 {
	pid, sig := int(int32(a[0])), int(int32(a[1]))
	if sig != 0 && !validSig(sig) {
		// The target is looked up first (kernel/signal.c
		// kill_something_info): ESRCH when there is none.
		if pid != t.p.pid && unix.Kill(pid, 0) == unix.ESRCH {
			return errno(unix.ESRCH)
		}
		return errno(unix.EINVAL)
	}
	// A group (0, -pgid) or every process (-1) goes through the host; gemu's
	// own copy comes back through hostSigHandler with the guest as sender.
	if pid == t.p.pid {
		if sig != 0 {
			t.p.send(nil, t, t.senderInfo(sig, siUser))
		}
		return 0
	}
	return ok(unix.Kill(pid, unix.Signal(sig)))
}

func sysTgkill(t *Thread, a *Args) uint64 {
	tgid, tid, sig := int(int32(a[0])), int(int32(a[1])), int(int32(a[2]))
	if tgid <= 0 || tid <= 0 {
		return errno(unix.EINVAL)
	}
	if tgid == t.p.pid {
		return t.tkill(tid, sig)
	}
	return ok(unix.Tgkill(tgid, tid, unix.Signal(sig)))
}

func sysTkill(t *Thread, a *Args) uint64 {
	tid, sig := int(int32(a[0])), int(int32(a[1]))
	if tid <= 0 {
		return errno(unix.EINVAL)
	}
	if t.p.thread(tid) != nil {
		return t.tkill(tid, sig)
	}
	_, _, e := unix.RawSyscall(unix.SYS_TKILL, uintptr(tid), uintptr(sig), 0)
	if e != 0 {
		return errno(e)
	}
	return 0
}

// tkill sends sig to a thread of this process (SI_TKILL).
// The thread is looked up before the signal is checked (kernel/signal.c
// do_send_specific).
func (t *Thread) tkill(tid, sig int) uint64 {
	target := t.p.thread(tid)
	if target == nil {
		return errno(unix.ESRCH)
	}
	if sig != 0 && !validSig(sig) {
		return errno(unix.EINVAL)
	}
	if sig != 0 {
		_, e := t.p.post(target, t, t.senderInfo(sig, siTkill))
		return e
	}
	return 0
}

// thread finds a live guest thread of this process.
func (p *Process) thread(tid int) *Thread {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.threads[tid]
}

// sysRtSigreturn restores the state the frame saved (Linux
// arch/riscv/kernel/signal.c sys_rt_sigreturn): registers, mask, altstack.
func sysRtSigreturn(t *Thread, a *Args) uint64 {
	p, c := t.p, t.cpu
	t.noResult = true
	fr, ok := p.arch.(targets.SignalFrames)
	var f targets.SigFrame
	var err error
	if ok {
		f, err = fr.RestoreSignalFrame(c, p.as)
	}
	if !ok || err != nil {
		p.exitSignal(t, sigInfo{signo: syscalls.SIGSEGV, code: siKernel})
		t.exited = true
		return 0
	}
	p.mu.Lock()
	t.sigmask = f.Mask &^ unblockable
	t.wake.Store(true)
	p.mu.Unlock()
	// restore_altstack: errors are ignored.
	if !t.onAltStack(p.arch.SP(c)) {
		t.setAltstack(syscalls.StackT{SP: f.StackSP, Size: f.StackLen, Flags: f.StackFlg &^ syscalls.SsOnstack})
	}
	c.ClearReservation()
	return 0
}
