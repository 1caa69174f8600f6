package bsduser

import (
	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"
)

func init() {
	register(
		def("sigaction", sysSigaction, aInt, aPtr, aPtr),
		def("sigprocmask", sysSigprocmask, aInt, aPtr, aPtr),
		def("sigaltstack", sysSigaltstack, aPtr, aPtr),
		def("sigpending", sysSigpending, aPtr),
		def("kill", sysKill, aInt, aInt),
		usermode.Row{Name: "sigreturn", Handler: sysSigreturn, Args: usermode.Kinds(aPtr), Ret: syscalls.RetNone,
			Support: syscalls.Full},
	)
}

// hostSignal is a FreeBSD signal argument as the host's number (0 stays
// 0); a signal the host has no number for is EINVAL.
func hostSignal(v uint64) (int, uint64) {
	s := freebsd.Signal(int32(v))
	if s == 0 {
		return 0, 0
	}
	if s < 0 || s >= freebsd.MaxSig {
		return 0, usermode.Errno(unix.EINVAL)
	}
	l, ok := s.Linux()
	if !ok {
		return 0, usermode.Errno(unix.EINVAL)
	}
	return l, 0
}

// saFlags maps sa_flags (FreeBSD sys/sys/signal.h) to Linux's.
var saFlags = [][2]uint64{
	{freebsd.SA_ONSTACK, linux.SaOnstack}, {freebsd.SA_RESTART, linux.SaRestart},
	{freebsd.SA_RESETHAND, linux.SaResethand}, {freebsd.SA_NODEFER, linux.SaNodefer},
	{freebsd.SA_NOCLDWAIT, linux.SaNocldwait}, {freebsd.SA_SIGINFO, linux.SaSiginfo},
	{freebsd.SA_NOCLDSTOP, linux.SaNocldstop},
}

func flagsToLinux(f int32) uint64 {
	var l uint64
	for _, p := range saFlags {
		if uint64(f)&p[0] != 0 {
			l |= p[1]
		}
	}
	return l
}

func flagsFromLinux(l uint64) int32 {
	var f int32
	for _, p := range saFlags {
		if l&p[1] != 0 {
			f |= int32(p[0])
		}
	}
	return f
}

// sysSigaction: SIG_DFL 0, SIG_IGN 1 as on Linux; the action is kept in
// the core's (host) terms.
func sysSigaction(t *Thread, a *Args) uint64 {
	if s := freebsd.Signal(int32(a[0])); s > 0 && s < freebsd.MaxSig {
		if _, ok := s.Linux(); !ok {
			return guestOnlyAction(t, s, a[1], a[2])
		}
	}
	sig, e := hostSignal(a[0])
	if e != 0 || sig == 0 {
		return usermode.Errno(unix.EINVAL)
	}
	var na linux.Sigaction
	if a[1] != 0 {
		b, err := t.ReadBytes(a[1], freebsd.SigactionSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		g := freebsd.DecodeSigaction(b)
		if sig == linux.SIGKILL || sig == linux.SIGSTOP {
			return usermode.Errno(unix.EINVAL)
		}
		na = linux.Sigaction{Handler: g.Handler, Flags: flagsToLinux(g.Flags), Mask: g.Mask.Linux() &^ usermode.Unblockable}
	}
	old := t.P.SetAction(sig, na, a[1] != 0)
	if a[2] != 0 {
		g := freebsd.Sigaction{Handler: old.Handler, Flags: flagsFromLinux(old.Flags), Mask: freebsd.SigsetFromLinux(old.Mask)}
		b := make([]byte, freebsd.SigactionSize)
		g.Encode(b)
		if t.WriteBytes(a[2], b) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return 0
}

// sigprocmask's how: SIG_BLOCK 1, SIG_UNBLOCK 2, SIG_SETMASK 3 (FreeBSD
// sys/sys/signal.h; Linux numbers them from 0).
func sysSigprocmask(t *Thread, a *Args) uint64 {
	var v uint64
	if a[1] != 0 {
		b, err := t.ReadBytes(a[1], freebsd.SigsetSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		v = freebsd.DecodeSigset(b).Linux()
	}
	old, ok := t.ChangeMask(int(int32(a[0]))-1, v, a[1] != 0)
	if !ok {
		return usermode.Errno(unix.EINVAL)
	}
	return putSigset(t, a[2], old)
}

func putSigset(t *Thread, addr, mask uint64) uint64 {
	if addr == 0 {
		return 0
	}
	b := make([]byte, freebsd.SigsetSize)
	freebsd.SigsetFromLinux(mask).Encode(b)
	return usermode.OK(t.WriteBytes(addr, b))
}

func sysSigpending(t *Thread, a *Args) uint64 {
	p := t.P
	p.Mu.Lock()
	set := (t.Pending.Mask | p.Shared.Mask) & t.Sigmask
	p.Mu.Unlock()
	return putSigset(t, a[0], set)
}

// minSigStkSz is MINSIGSTKSZ (FreeBSD sys/arm64/include/_limits.h and
// riscv's: 4 KiB).
const minSigStkSz = 4096

// sysSigaltstack: stack_t's fields are in another order than Linux's
// and SS_DISABLE is 4 (FreeBSD sys/sys/signal.h).
func sysSigaltstack(t *Thread, a *Args) uint64 {
	sp := t.P.Arch().SP(t.CPU)
	old := t.Altstack
	if a[0] != 0 {
		b, err := t.ReadBytes(a[0], freebsd.StackTSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		if t.OnAltStack(sp) {
			return usermode.Errno(unix.EPERM)
		}
		n := freebsd.DecodeStackT(b)
		switch {
		case n.Flags&^freebsd.SS_DISABLE != 0:
			return usermode.Errno(unix.EINVAL)
		case n.Flags&freebsd.SS_DISABLE != 0:
			t.Altstack = linux.StackT{Flags: linux.SsDisable}
		case n.Size < minSigStkSz:
			return usermode.Errno(unix.ENOMEM)
		default:
			t.Altstack = linux.StackT{SP: n.SP, Size: n.Size}
		}
	}
	if a[1] != 0 {
		g := freebsd.StackT{SP: old.SP, Size: old.Size}
		if old.Flags&linux.SsDisable != 0 {
			g.Flags = freebsd.SS_DISABLE
		} else if t.OnAltStack(sp) {
			g.Flags = freebsd.SS_ONSTACK
		}
		b := make([]byte, freebsd.StackTSize)
		g.Encode(b)
		if t.WriteBytes(a[1], b) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return 0
}

// sysKill: this process's own signals are queued here; other processes
// (gemu's included) get the host's signal.
func sysKill(t *Thread, a *Args) uint64 {
	pid := int(int32(a[0]))
	sig, e := hostSignal(a[1])
	if e != 0 {
		return e
	}
	return t.Kill(pid, sig)
}

// sysSigreturn restores the context a handler's frame saved (or any
// ucontext the guest passes) and its signal mask.
func sysSigreturn(t *Thread, a *Args) uint64 {
	p, c := t.P, t.CPU
	t.NoResult = true
	fr := p.Frames()
	if fr == nil {
		return usermode.Errno(unix.ENOSYS)
	}
	f, err := fr.RestoreSignalFrame(c, p.AS)
	if err != nil {
		t.NoResult = false
		return usermode.Errno(unix.EFAULT)
	}
	p.Mu.Lock()
	t.Sigmask = f.Mask &^ usermode.Unblockable
	t.Wake.Store(true)
	p.Mu.Unlock()
	c.ClearReservation()
	return 0
}

// guestOnlyAction keeps the action of a signal the host has no number
// for (SIGEMT, SIGINFO, the real-time signals past Linux's): no host
// event raises one, so the action is only recorded and read back.
func guestOnlyAction(t *Thread, sig freebsd.Signal, act, oact uint64) uint64 {
	s := bsdOf(t.P)
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.guestActs[sig]
	if act != 0 {
		b, err := t.ReadBytes(act, freebsd.SigactionSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		s.guestActs[sig] = freebsd.DecodeSigaction(b)
	}
	if oact != 0 {
		b := make([]byte, freebsd.SigactionSize)
		old.Encode(b)
		if t.WriteBytes(oact, b) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return 0
}
