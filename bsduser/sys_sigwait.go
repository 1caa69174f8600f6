package bsduser

import (
	"encoding/binary"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"
)

// Waiting for signals, queueing them with a value, signalling threads,
// and nosys. The waits are the core's (usermode/sigwait.go); FreeBSD's
// differ in what an interruption returns (sys/kern/kern_sig.c).

func init() {
	register(
		def("sigsuspend", sysSigsuspend, aPtr),
		def("sigwait", sysSigwait, aPtr, aPtr),
		def("sigtimedwait", sysSigtimedwait, aPtr, aPtr, aPtr),
		def("sigwaitinfo", sysSigwaitinfo, aPtr, aPtr),
		def("sigqueue", sysSigqueue, aInt, aInt, aHex),
		def("thr_kill2", sysThrKill2, aInt, aInt, aInt),
		partial("sigfastblock", sysSigfastblock,
			"EINVAL: not offered (AT_BSDFLAGS has no ELF_BSDF_SIGFASTBLK), so libthr does not call it", aInt, aPtr),
	)
}

// readSigset reads a FreeBSD sigset_t as a host mask.
func readSigset(t *Thread, addr uint64) (uint64, uint64) {
	b, err := t.ReadBytes(addr, freebsd.SigsetSize)
	if err != nil {
		return 0, usermode.Errno(unix.EFAULT)
	}
	return freebsd.DecodeSigset(b).Linux(), 0
}

// sysSigsuspend: kern_sigsuspend always fails with EINTR once a handler
// has run, the old mask restored after the frame saved it.
func sysSigsuspend(t *Thread, a *Args) uint64 {
	m, e := readSigset(t, a[0])
	if e != 0 {
		return e
	}
	return t.SigSuspend(m)
}

// sysSigwait returns its error as the value (sys_sigwait); an
// interruption is ERESTART (restarted) when the handler has SA_RESTART,
// else EINTR as the value, which libc's wrapper retries.
func sysSigwait(t *Thread, a *Args) uint64 {
	set, e := readSigset(t, a[0])
	if e != 0 {
		return uint64(unix.EFAULT) // 14 on FreeBSD too
	}
	info, e := t.SigTimedWait(set, time.Time{})
	switch {
	case e == usermode.RestartNoHand && t.NextRestarts():
		return usermode.RestartSys
	case e != 0:
		return uint64(freebsd.ErrnoFromLinux(int(-int64(e))))
	}
	sig, _ := freebsd.SignalFromLinux(int(info.Signo))
	b := binary.LittleEndian.AppendUint32(nil, uint32(sig))
	if t.WriteBytes(a[1], b) != nil {
		return uint64(unix.EFAULT)
	}
	return 0
}

// sysSigtimedwait: the pending signal is looked for before the timeout is
// checked, so an invalid timespec is EINVAL only when none is pending
// (kern_sigtimedwait). A timed wait is never restarted.
func sysSigtimedwait(t *Thread, a *Args) uint64 {
	if a[2] == 0 {
		return sigwaitCall(t, a[0], a[1], time.Time{})
	}
	b, err := t.ReadBytes(a[2], 16)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	sec, nsec := freebsd.DecodeTimespec(b)
	if nsec < 0 || nsec >= int64(time.Second) {
		r := sigwaitCall(t, a[0], a[1], time.Now())
		if r == usermode.Errno(unix.EAGAIN) {
			return usermode.Errno(unix.EINVAL)
		}
		return r
	}
	return sigwaitCall(t, a[0], a[1], time.Now().Add(timeoutOf(sec, nsec)))
}

// timeoutOf is a relative timespec as a duration: a negative one is
// over at once, one past what a Duration holds is some centuries.
func timeoutOf(sec, nsec int64) time.Duration {
	switch {
	case sec < 0:
		return 0
	case sec >= int64(1<<62/time.Second):
		return 1 << 62
	}
	return time.Duration(sec)*time.Second + time.Duration(nsec)
}

// sysSigwaitinfo is sigtimedwait with no timeout: an interruption is
// restarted under SA_RESTART (msleep's ERESTART).
func sysSigwaitinfo(t *Thread, a *Args) uint64 {
	return sigwaitCall(t, a[0], a[1], time.Time{})
}

// sigwaitCall waits for a signal of the set at setAddr and gives its
// FreeBSD number, its siginfo at infoAddr when that is not NULL.
func sigwaitCall(t *Thread, setAddr, infoAddr uint64, deadline time.Time) uint64 {
	set, e := readSigset(t, setAddr)
	if e != 0 {
		return e
	}
	info, e := t.SigTimedWait(set, deadline)
	if e == usermode.RestartNoHand && deadline.IsZero() {
		return usermode.RestartSys
	}
	if e != 0 {
		return e
	}
	sig, _ := freebsd.SignalFromLinux(int(info.Signo))
	if infoAddr != 0 {
		out := make([]byte, freebsd.SiginfoSize)
		bsdSiginfo(sig, info.Encode(), out)
		if t.WriteBytes(infoAddr, out) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return uint64(sig)
}

// sysSigqueue is kern_sigqueue: a signal above _SIG_MAXSIG or a pid
// that is not one process is EINVAL, then the target (ESRCH, EPERM); the
// signal carries SI_QUEUE, the sender and the value. Another process
// gets it through the host's rt_sigqueueinfo.
func sysSigqueue(t *Thread, a *Args) uint64 {
	pid, bsdSig, value := int(int32(a[0])), uint32(a[1]), a[2]
	if bsdSig > freebsd.MaxSig || pid <= 0 {
		return usermode.Errno(unix.EINVAL)
	}
	sig, e := hostSignal(uint64(bsdSig))
	if e != 0 {
		return e
	}
	info := t.SenderInfo(sig, siQueue)
	info.Value = value
	if pid != t.P.PID {
		raw := info.Encode()
		return usermode.Ret(usermode.Raw(unix.SYS_RT_SIGQUEUEINFO, uintptr(pid), uintptr(sig),
			uintptr(unsafe.Pointer(&raw[0])), 0, 0, 0))
	}
	if sig == 0 {
		return 0
	}
	_, e = t.P.Post(nil, t, info)
	return e
}

// siQueue is Linux's SI_QUEUE, shown as FreeBSD's (bsdSiginfo).
const siQueue = -1

// sysThrKill2 is kern_thr.c sys_thr_kill2: id -1 signals every thread
// of the process but the caller (ESRCH if there is none), another id
// that thread. Other processes' threads get the host's tgkill.
func sysThrKill2(t *Thread, a *Args) uint64 {
	pid, id := int(int32(a[0])), int(int32(a[1]))
	sig, e := hostSignal(a[2])
	if pid != t.P.PID {
		if e != 0 {
			return e
		}
		if id == -1 {
			return usermode.OK(unix.Kill(pid, unix.Signal(sig)))
		}
		return usermode.OK(unix.Tgkill(pid, id, unix.Signal(sig)))
	}
	targets, e2 := threadsFor(t, id)
	switch {
	case id == -1 && e != 0:
		return e
	case e2 != 0:
		return e2
	case e != 0 || sig == 0:
		return e
	}
	for _, o := range targets {
		t.P.Send(o, t, t.SenderInfo(sig, siLWP))
	}
	return 0
}

// threadsFor is thread id of t's process, or with id -1 every thread but
// t; ESRCH when there is none.
func threadsFor(t *Thread, id int) ([]*Thread, uint64) {
	var ts []*Thread
	if id != -1 {
		if o := t.P.Thread(id); o != nil {
			ts = append(ts, o)
		}
	} else {
		t.P.Mu.Lock()
		for _, o := range t.P.Threads {
			if o != t {
				ts = append(ts, o)
			}
		}
		t.P.Mu.Unlock()
	}
	if len(ts) == 0 {
		return nil, usermode.Errno(unix.ESRCH)
	}
	return ts, 0
}

// sysSigfastblock: the kernel offers it through AT_BSDFLAGS'
// ELF_BSDF_SIGFASTBLK, which gemu's auxv does not set, and libthr uses
// it only then (lib/libthr/thread/thr_sig.c); the command is refused as
// an unknown one is (kern_sig.c sys_sigfastblock: EINVAL).
func sysSigfastblock(t *Thread, a *Args) uint64 { return usermode.Errno(unix.EINVAL) }

// nosys is FreeBSD's nosys (kern_sig.c): SIGSYS to the calling thread,
// since kern.signosys is 1 and the native ABI has SV_SIGSYS, then ENOSYS.
// A blocked SIGSYS stays pending and an ignored one is discarded, as
// tdsignal does.
func nosys(t *Thread) {
	t.P.Send(t, t, usermode.SigInfo{Signo: linux.SIGSYS, Code: usermode.SiKernel})
}
