package linuxuser

import (
	"encoding/binary"
	"time"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
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

// handlerOf returns the guest's sa_handler for sig.
func handlerOf(p *Process, sig int) uint64 {
	if sig < 1 || sig > linux.NSIG {
		return linux.SigDfl
	}
	p.Mu.Lock()
	defer p.Mu.Unlock()
	return p.Sigacts[sig].Handler
}

func validSig(sig int) bool { return sig >= 1 && sig <= linux.NSIG }

func sysRtSigaction(t *Thread, a *Args) uint64 {
	// kernel/signal.c: the size, then the new action is copied (EFAULT)
	// before do_sigaction checks the signal (EINVAL) and clears the flags
	// it does not know.
	sig, act, oact := int(int32(a[0])), a[1], a[2]
	if a[3] != sigsetSize {
		return usermode.Errno(unix.EINVAL)
	}
	lay := t.P.ABI.Sigaction
	var na linux.Sigaction
	if act != 0 {
		b, err := t.ReadBytes(act, uint64(lay.Size))
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		na = lay.Decode(b)
		na.Mask &^= usermode.Unblockable
		known := uint64(linux.SaUAPI)
		if lay.HasRestorer {
			known |= linux.SaRestorer
		}
		na.Flags &= known
	}
	if !validSig(sig) || (act != 0 && (sig == linux.SIGKILL || sig == linux.SIGSTOP)) {
		return usermode.Errno(unix.EINVAL)
	}
	old := t.P.SetAction(sig, na, act != 0)
	if oact != 0 {
		b := make([]byte, lay.Size)
		lay.Encode(b, old)
		if t.WriteBytes(oact, b) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return 0
}

func sysRtSigprocmask(t *Thread, a *Args) uint64 {
	how, set, oset := a[0], a[1], a[2]
	if a[3] != sigsetSize {
		return usermode.Errno(unix.EINVAL)
	}
	var v uint64
	if set != 0 {
		var err error
		if v, err = t.P.AS.Load64(set); err != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	old, ok := t.ChangeMask(int(how), v, set != 0)
	if !ok {
		return usermode.Errno(unix.EINVAL)
	}
	if oset != 0 && t.P.AS.Store64(oset, old) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return 0
}

// minSigStkSz is MINSIGSTKSZ (Linux include/uapi/asm-generic/signal.h).
const minSigStkSz = 2048

func sysSigaltstack(t *Thread, a *Args) uint64 {
	ss, oss := a[0], a[1]
	sp := t.P.Arch().SP(t.CPU)
	old := t.Altstack
	old.Flags = t.AltFlags(sp)
	if ss != 0 {
		b, err := t.ReadBytes(ss, linux.StackTSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		if t.OnAltStack(sp) {
			return usermode.Errno(unix.EPERM)
		}
		n := linux.DecodeStackT(b)
		if e := setAltstack(t, n); e != 0 {
			return e
		}
	}
	if oss != 0 {
		b := make([]byte, linux.StackTSize)
		old.Encode(b)
		if t.WriteBytes(oss, b) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return 0
}

// setAltstack validates and installs a stack_t (kernel/signal.c do_sigaltstack).
func setAltstack(t *Thread, n linux.StackT) uint64 {
	mode := int32(uint32(n.Flags) &^ usermode.SSAutodisarm)
	switch {
	case mode != 0 && mode != linux.SsDisable && mode != linux.SsOnstack:
		return usermode.Errno(unix.EINVAL)
	case mode == linux.SsDisable:
		n = linux.StackT{Flags: linux.SsDisable}
	case n.Size < minSigStkSz:
		return usermode.Errno(unix.ENOMEM)
	default:
		n.Flags &= int32(-1 << 31) // keep only SS_AUTODISARM
	}
	t.Altstack = n
	return 0
}

func sysRtSigpending(t *Thread, a *Args) uint64 {
	if a[1] > sigsetSize {
		return usermode.Errno(unix.EINVAL)
	}
	t.P.Mu.Lock()
	set := (t.Pending.Mask | t.P.Shared.Mask) & t.Sigmask
	t.P.Mu.Unlock()
	if t.P.AS.Store64(a[0], set) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return 0
}

// sysRtSigsuspend waits with a temporary mask (usermode.Thread.SigSuspend).
func sysRtSigsuspend(t *Thread, a *Args) uint64 {
	if a[1] != sigsetSize {
		return usermode.Errno(unix.EINVAL)
	}
	m, err := t.P.AS.Load64(a[0])
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return t.SigSuspend(m)
}

// sysRtSigtimedwait takes a signal of set without running its handler.
func sysRtSigtimedwait(t *Thread, a *Args) uint64 {
	if a[3] != sigsetSize {
		return usermode.Errno(unix.EINVAL)
	}
	set, err := t.P.AS.Load64(a[0])
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	var deadline time.Time
	if a[2] != 0 {
		ts, e := getTimespec(t, a[2])
		if e != 0 {
			return e
		}
		if ts.Nsec < 0 || ts.Nsec >= 1e9 || ts.Sec < 0 {
			return usermode.Errno(unix.EINVAL)
		}
		deadline = time.Now().Add(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	}
	info, e := t.SigTimedWait(set, deadline)
	if e != 0 {
		return e
	}
	if a[1] != 0 && t.WriteBytes(a[1], info.Encode()) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return uint64(info.Signo)
}

// readSiginfo reads a caller's siginfo_t for rt_sigqueueinfo.
func readSiginfo(t *Thread, addr uint64, sig int) (usermode.SigInfo, uint64) {
	b, err := t.ReadBytes(addr, 128)
	if err != nil {
		return usermode.SigInfo{}, usermode.Errno(unix.EFAULT)
	}
	info := usermode.SigInfo{Signo: int32(sig), Code: int32(binary.LittleEndian.Uint32(b[8:])), Raw: b}
	// Only negative codes may be forged for others (kernel/signal.c do_rt_sigqueueinfo).
	if info.Code >= 0 || info.Code == usermode.SiTkill {
		return info, usermode.Errno(unix.EPERM)
	}
	return info, 0
}

// sysRtSigqueueinfo checks as kernel/signal.c does: the siginfo is
// copied (EFAULT), a code that is not the caller's to forge is EPERM,
// then the target (ESRCH) and the signal (EINVAL; 0 sends nothing).
func sysRtSigqueueinfo(t *Thread, a *Args) uint64 {
	pid, sig := int(int32(a[0])), int(int32(a[1]))
	info, e := readSiginfo(t, a[2], sig)
	if pid != t.P.PID {
		if e != 0 {
			return e
		}
		// The host's siginfo_t is the guests' (LP64 asm-generic), so
		// si_value reaches another guest through hostSigHandler.
		binary.LittleEndian.PutUint32(info.Raw, uint32(sig))
		return usermode.Ret(usermode.Raw(unix.SYS_RT_SIGQUEUEINFO, uintptr(pid), uintptr(sig), uintptr(unsafe.Pointer(&info.Raw[0])), 0, 0, 0))
	}
	if e == usermode.Errno(unix.EFAULT) {
		return e
	}
	if sig == 0 || !validSig(sig) {
		return sigZeroOrInvalid(sig)
	}
	_, e = t.P.Post(nil, t, info)
	return e
}

// sigZeroOrInvalid is the result of sending signal sig, 0 or invalid, to
// a target that exists: nothing is sent (kernel/signal.c
// check_kill_permission's valid_signal comes after the target's lookup).
func sigZeroOrInvalid(sig int) uint64 {
	if sig == 0 {
		return 0
	}
	return usermode.Errno(unix.EINVAL)
}

func sysRtTgsigqueueinfo(t *Thread, a *Args) uint64 {
	// kernel/signal.c do_rt_tgsigqueueinfo: the copy (EFAULT), the ids
	// (EINVAL), a forged code (EPERM), the thread (ESRCH), the signal.
	tgid, tid, sig := int(int32(a[0])), int(int32(a[1])), int(int32(a[2]))
	info, e := readSiginfo(t, a[3], sig)
	switch {
	case e == usermode.Errno(unix.EFAULT):
		return e
	case tid <= 0 || tgid <= 0:
		return usermode.Errno(unix.EINVAL)
	case e != 0 && tid != t.TID:
		return e
	}
	target := t.P.Thread(tid)
	if tgid != t.P.PID || target == nil {
		return usermode.Errno(unix.ESRCH)
	}
	if sig == 0 || !validSig(sig) {
		return sigZeroOrInvalid(sig)
	}
	_, e = t.P.Post(target, t, info)
	return e
}

func sysKill(t *Thread, a *Args) uint64 {
	pid, sig := int(int32(a[0])), int(int32(a[1]))
	if sig != 0 && !validSig(sig) {
		// The target is looked up first (kernel/signal.c
		// kill_something_info): ESRCH when there is none.
		if pid != t.P.PID && unix.Kill(pid, 0) == unix.ESRCH {
			return usermode.Errno(unix.ESRCH)
		}
		return usermode.Errno(unix.EINVAL)
	}
	return t.Kill(pid, sig)
}

func sysTgkill(t *Thread, a *Args) uint64 {
	tgid, tid, sig := int(int32(a[0])), int(int32(a[1])), int(int32(a[2]))
	if tgid <= 0 || tid <= 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if tgid == t.P.PID {
		return tkill(t, tid, sig)
	}
	return usermode.OK(unix.Tgkill(tgid, tid, unix.Signal(sig)))
}

func sysTkill(t *Thread, a *Args) uint64 {
	tid, sig := int(int32(a[0])), int(int32(a[1]))
	if tid <= 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if t.P.Thread(tid) != nil {
		return tkill(t, tid, sig)
	}
	_, _, e := unix.RawSyscall(unix.SYS_TKILL, uintptr(tid), uintptr(sig), 0)
	if e != 0 {
		return usermode.Errno(e)
	}
	return 0
}

// tkill sends sig to a thread of this process (SI_TKILL).
// The thread is looked up before the signal is checked (kernel/signal.c
// do_send_specific).
func tkill(t *Thread, tid, sig int) uint64 {
	target := t.P.Thread(tid)
	if target == nil {
		return usermode.Errno(unix.ESRCH)
	}
	if sig != 0 && !validSig(sig) {
		return usermode.Errno(unix.EINVAL)
	}
	if sig != 0 {
		_, e := t.P.Post(target, t, t.SenderInfo(sig, usermode.SiTkill))
		return e
	}
	return 0
}

// sysRtSigreturn restores the state the frame saved (Linux
// arch/riscv/kernel/signal.c sys_rt_sigreturn): registers, mask, altstack.
func sysRtSigreturn(t *Thread, a *Args) uint64 {
	p, c := t.P, t.CPU
	t.NoResult = true
	fr := p.Frames()
	ok := fr != nil
	var f usermode.SigFrame
	var err error
	if ok {
		f, err = fr.RestoreSignalFrame(c, p.AS)
	}
	if !ok || err != nil {
		p.ExitSignal(t, usermode.SigInfo{Signo: linux.SIGSEGV, Code: usermode.SiKernel})
		t.Exited = true
		return 0
	}
	p.Mu.Lock()
	t.Sigmask = f.Mask &^ usermode.Unblockable
	t.Wake.Store(true)
	p.Mu.Unlock()
	// restore_altstack: errors are ignored.
	if !t.OnAltStack(p.Arch().SP(c)) {
		setAltstack(t, linux.StackT{SP: f.StackSP, Size: f.StackLen, Flags: f.StackFlg &^ linux.SsOnstack})
	}
	c.ClearReservation()
	return 0
}
