package linuxuser

import (
	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// Signals are virtual (DESIGN.md): gemu keeps the guest's actions, masks
// and alternate stacks. Delivery to guest handlers is TODO(#4); a signal
// a thread sends itself with the default "terminate" action kills the
// process as it would natively.

func init() {
	sig := syscalls.ArgSignal
	register(
		row{"rt_sigaction", sysRtSigaction, kinds(sig, aPtr, aPtr), syscalls.RetInt, syscalls.Partial,
			"actions recorded; handlers not yet invoked"},
		row{"rt_sigprocmask", sysRtSigprocmask, kinds(syscalls.ArgSigHow, aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"sigaltstack", sysSigaltstack, kinds(aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"rt_sigpending", sysRtSigpending, kinds(aPtr, aLong), syscalls.RetInt, syscalls.Stub, "nothing is ever pending yet"},
		row{"kill", sysKill, kinds(aInt, sig), syscalls.RetInt, syscalls.Partial, "to self: default actions only"},
		row{"tgkill", sysTgkill, kinds(aInt, aInt, sig), syscalls.RetInt, syscalls.Partial, "to self: default actions only"},
		row{"tkill", sysTkill, kinds(aInt, sig), syscalls.RetInt, syscalls.Partial, "to self: default actions only"},
		row{"rt_sigreturn", nil, nil, syscalls.RetInt, syscalls.Unimplemented, "TODO(#4) with signal delivery"},
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

func sysRtSigaction(t *Thread, a *Args) uint64 {
	sig, act, oact := int(int32(a[0])), a[1], a[2]
	if a[3] != sigsetSize || sig < 1 || sig > syscalls.NSIG {
		return errno(unix.EINVAL)
	}
	lay := t.p.abi.Sigaction
	var na syscalls.Sigaction
	if act != 0 {
		if sig == syscalls.SIGKILL || sig == syscalls.SIGSTOP {
			return errno(unix.EINVAL)
		}
		b, err := t.readBytes(act, uint64(lay.Size))
		if err != nil {
			return errno(unix.EFAULT)
		}
		na = lay.Decode(b)
		na.Mask &^= unblockable
	}
	p := t.p
	p.mu.Lock()
	old := p.sigacts[sig]
	if act != 0 {
		p.sigacts[sig] = na
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

func sysRtSigprocmask(t *Thread, a *Args) uint64 {
	how, set, oset := a[0], a[1], a[2]
	if a[3] != sigsetSize {
		return errno(unix.EINVAL)
	}
	old := t.sigmask
	if set != 0 {
		v, err := t.p.as.Load64(set)
		if err != nil {
			return errno(unix.EFAULT)
		}
		switch how {
		case syscalls.SigBlock:
			t.sigmask |= v
		case syscalls.SigUnblock:
			t.sigmask &^= v
		case syscalls.SigSetmask:
			t.sigmask = v
		default:
			return errno(unix.EINVAL)
		}
		t.sigmask &^= unblockable
	}
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
	old := t.altstack
	if ss != 0 {
		b, err := t.readBytes(ss, syscalls.StackTSize)
		if err != nil {
			return errno(unix.EFAULT)
		}
		n := syscalls.DecodeStackT(b)
		mode := int32(uint32(n.Flags) &^ ssAutodisarm)
		switch {
		case mode != 0 && mode != syscalls.SsDisable && mode != syscalls.SsOnstack:
			return errno(unix.EINVAL)
		case mode == syscalls.SsDisable:
			n = syscalls.StackT{Flags: syscalls.SsDisable}
		case n.Size < minSigStkSz:
			return errno(unix.ENOMEM)
		}
		t.altstack = n
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

func sysRtSigpending(t *Thread, a *Args) uint64 {
	if a[1] > sigsetSize {
		return errno(unix.EINVAL)
	}
	if t.p.as.Store64(a[0], 0) != nil {
		return errno(unix.EFAULT)
	}
	return 0
}

func sysKill(t *Thread, a *Args) uint64 {
	pid, sig := int(int32(a[0])), int(int32(a[1]))
	if pid == t.p.pid || pid == 0 {
		return t.signalSelf(sig, false)
	}
	return ok(unix.Kill(pid, unix.Signal(sig)))
}

func sysTgkill(t *Thread, a *Args) uint64 {
	tgid, tid, sig := int(int32(a[0])), int(int32(a[1])), int(int32(a[2]))
	if tgid == t.p.pid {
		if target := t.p.thread(tid); target != nil {
			return target.signalSelf(sig, true)
		}
	}
	return ok(unix.Tgkill(tgid, tid, unix.Signal(sig)))
}

func sysTkill(t *Thread, a *Args) uint64 {
	tid, sig := int(int32(a[0])), int(int32(a[1]))
	if target := t.p.thread(tid); target != nil {
		return target.signalSelf(sig, true)
	}
	_, _, e := unix.RawSyscall(unix.SYS_TKILL, uintptr(tid), uintptr(sig), 0)
	if e != 0 {
		return errno(e)
	}
	return 0
}

// thread finds a live guest thread of this process.
func (p *Process) thread(tid int) *Thread {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.threads[tid]
}

// signalSelf sends sig to this process (or thread t when directed).
// Only default actions take effect yet: a terminating or core-dumping
// signal ends the process, the rest are ignored.
func (t *Thread) signalSelf(sig int, directed bool) uint64 {
	if sig == 0 {
		return 0
	}
	if sig < 1 || sig > syscalls.NSIG {
		return errno(unix.EINVAL)
	}
	p := t.p
	h := p.handlerOf(sig)
	switch {
	case h == syscalls.SigIgn:
		return 0
	case h != syscalls.SigDfl:
		// TODO(#4): queue and deliver to the guest handler.
		p.unimp("gemu: %s for a guest handler dropped (signal delivery not implemented)", syscalls.SignalName(sig))
		return 0
	}
	switch syscalls.SignalDefault(sig) {
	case syscalls.ActIgnore, syscalls.ActStop, syscalls.ActCont:
		return 0
	}
	if directed && t.sigmask&(1<<(sig-1)) != 0 && sig != syscalls.SIGKILL {
		return 0 // TODO(#4): stays pending until unblocked
	}
	p.exit(Status{Signal: sig})
	return 0
}
