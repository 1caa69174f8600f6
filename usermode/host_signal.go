package usermode

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"golang.org/x/sys/unix"
)

// Host side of guest signals.
//
// Go installs every handler with SA_RESTART, so a guest thread blocked in
// a host call would not see a guest signal (docs/design.md, measured). gemu
// installs, with a raw rt_sigaction the runtime never sees, a no-op
// handler without SA_RESTART for kickSig and tgkills the blocked thread
// with it: the host call fails with EINTR and the personality decides.

// KickSig is SIGRTMIN+8 of the host: glibc keeps 32 and 33, Go's runtime
// preempts with SIGURG and leaves the real-time signals to os/signal.
const KickSig = 40

var (
	kickOnce sync.Once
	kickCode []byte // the handler page, kept mapped for the process's life
)

// installKick sets the raw kickSig handler. x86_64 struct
// kernel_sigaction {handler, flags, restorer, mask}; the handler is
// "ret", the restorer "mov $15, %eax; syscall" (rt_sigreturn).
func installKick() {
	kickOnce.Do(func() {
		code, err := unix.Mmap(-1, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
		if err != nil {
			return
		}
		copy(code, []byte{0xc3, 0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05})
		if unix.Mprotect(code, unix.PROT_READ|unix.PROT_EXEC) != nil {
			return
		}
		kickCode = code
		base := uint64(uintptr(unsafe.Pointer(&code[0])))
		// SA_ONSTACK: run on the thread's Go signal stack, never on a goroutine stack.
		act := [4]uint64{base, linux.SaOnstack | linux.SaRestorer, base + 1, 0}
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, KickSig, uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	})
}

// kickHost interrupts t's host call seq until it has left it. The signal
// may land just before the call starts (the lost-wakeup window), so it is
// resent with backoff while the same call is still in progress.
// kickRetry is how long interrupt waits before kicking again.
const kickRetry = 100 * time.Microsecond

func (t *Thread) kickHost(seq uint64) {
	for i := 0; t.blockSeq.Load() == seq && !t.P.Exiting(); i++ {
		unix.Tgkill(unix.Getpid(), t.TID, KickSig)
		time.Sleep(time.Duration(min(1<<i, 50)) * 100 * time.Microsecond)
	}
}

// HostCall runs one blocking host call interruptibly: EINTR without the
// call when a guest signal is already deliverable.
func (t *Thread) HostCall(fn func() error) error {
	t.blockSeq.Add(1)
	var err error
	if t.Wake.Load() && t.SigReady() {
		err = unix.EINTR
	} else {
		err = fn()
	}
	t.blockSeq.Add(1)
	return err
}

// BufCall is read(2) or write(2) (nr) of b on fd: interruptible as
// sockCall is, with the socket timeout option opt, but with no function
// values in between, as it is the hottest path of I/O-bound guests.
func (t *Thread) BufCall(nr uintptr, fd int, b []byte, opt int) uint64 {
	p := unsafe.Pointer(unsafe.SliceData(b))
	for {
		t.blockSeq.Add(1)
		var r uintptr
		e := unix.EINTR
		if !t.Wake.Load() || !t.SigReady() {
			r, _, e = unix.Syscall(nr, uintptr(fd), uintptr(p), uintptr(len(b)))
		}
		t.blockSeq.Add(1)
		switch {
		case e == 0:
			return uint64(r)
		case e != unix.EINTR:
			return Errno(e)
		case t.SigReady():
			return t.TimeoutEINTR(fd, opt)
		}
	}
}

// Interruptible runs fn until it does not fail with EINTR; an EINTR with a
// guest signal to deliver returns code (restartSys or restartNoHand).
// EINTRs the Go runtime causes are retried.
func (t *Thread) Interruptible(code uint64, fn func() (int, error)) uint64 {
	for {
		var n int
		err := t.HostCall(func() error {
			var e error
			n, e = fn()
			return e
		})
		if err == unix.EINTR {
			if t.SigReady() {
				return code
			}
			continue
		}
		return Ret(n, err)
	}
}

// Wait blocks until something is sent to t (or d passes, when d > 0).
// It waits in the host, in ppoll with no signal blocked, so a host signal
// for the guest (a kill from another process) is handled on this very
// thread and taken here at once, instead of being handed from the reader
// thread (hostsig.go) to this one; interrupt ends it with kickSig.
func (t *Thread) Wait(d time.Duration) {
	var ts *unix.Timespec
	if d > 0 {
		x := unix.NsecToTimespec(int64(d))
		ts = &x
	}
	var none uint64
	t.HostCall(func() error {
		select {
		case <-t.kick:
			return nil
		default:
		}
		// waitCookie marks this ppoll for hostSigHandler: a signal that
		// interrupts it is drained below, without waking the reader.
		_, _, e := unix.Syscall6(unix.SYS_PPOLL, 0, 0, uintptr(unsafe.Pointer(ts)), uintptr(unsafe.Pointer(&none)), 8, waitCookie)
		if e != 0 {
			return e
		}
		return nil
	})
	t.P.drainHostSignals()
	select {
	case <-t.kick:
	default:
	}
}

// waitCookie is in R9 during wait's ppoll (hostsig_amd64.s).
const waitCookie = 0x67656d7577616974

// hostSignals are forwarded to the guest: the catchable signals a user or
// another process sends gemu (not SIGPIPE, which gemu raises itself on
// EPIPE; not SIGURG, Go's; not kickSig). SIGCHLD comes from the guest's
// children (fork, vfork and exec children are host children of gemu);
// the stop signals and SIGCONT carry a terminal's job control (Ctrl-Z).
// (Built once: the start-up installs an action for each.)
var hostSignals = sync.OnceValue(func() []os.Signal {
	s := []os.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGUSR1,
		syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGWINCH, syscall.SIGVTALRM, syscall.SIGXCPU,
		syscall.SIGXFSZ, syscall.SIGIO, syscall.SIGPWR, syscall.SIGCHLD, syscall.SIGTSTP, syscall.SIGTTIN,
		syscall.SIGTTOU, syscall.SIGCONT}
	for sig := 35; sig <= 64; sig++ {
		if sig != KickSig {
			s = append(s, syscall.Signal(sig))
		}
	}
	return s
})

// HeldAcrossExec are the forwarded signals a gemu that execs gemu again
// (fork children, foreign execve) keeps blocked across the execve: the
// kernel holds them pending until the new gemu's reader thread unblocks
// them (hostsig.go), instead of the default action killing it first.
// Go's runtime unblocks SIGHUP, SIGINT, SIGTERM, SIGQUIT and SIGCHLD on
// every thread at start (runtime blockableSig), so for those a window of
// the runtime's start-up stays.
var HeldAcrossExec = sync.OnceValue(func() uint64 {
	var m uint64
	for _, s := range hostSignals() {
		m |= SigBit(int(s.(syscall.Signal)))
	}
	return m
})

// TimeoutEINTR is the result of a call on fd interrupted by a guest
// signal: EINTR when fd is a socket with timeout option opt set, else a
// restart.
func (t *Thread) TimeoutEINTR(fd, opt int) uint64 {
	if tv, err := unix.GetsockoptTimeval(fd, unix.SOL_SOCKET, opt); err == nil && (tv.Sec != 0 || tv.Usec != 0) {
		return Errno(unix.EINTR)
	}
	return RestartSys
}

// ErrGuestSignal ends a wait a guest signal interrupted (WaitCall).
var ErrGuestSignal = errors.New("interrupted by a guest signal")

// WaitCall runs a ppoll/pselect6 host call until it ends for a reason of
// the guest's: a host signal that is not one (Go's preemption, a SIGCHLD
// the guest ignores, a signal it blocks) only resumes the wait. The host
// call updates its own timeout in place (Linux fs/select.c
// poll_select_finish) and leaves the sets alone on EINTR, so calling it
// again waits for the time left.
func (t *Thread) WaitCall(call func() (uintptr, unix.Errno)) (uintptr, error) {
	for {
		var r uintptr
		err := t.HostCall(func() error {
			var e unix.Errno
			if r, e = call(); e != 0 {
				return e
			}
			return nil
		})
		if err != unix.EINTR {
			return r, err
		}
		if t.SigReady() {
			return 0, ErrGuestSignal
		}
	}
}

// SockCall runs a blocking socket call interruptibly. Interrupted by a
// handled signal it restarts under SA_RESTART, unless the socket has a
// timeout (opt: SO_RCVTIMEO or SO_SNDTIMEO): then it fails with EINTR
// (signal(7); Linux net/core/sock.c sock_intr_errno; FreeBSD likewise,
// sys/kern/uipc_socket.c).
func (t *Thread) SockCall(fd, opt int, fn func() (int, error)) uint64 {
	r := t.Interruptible(RestartSys, fn)
	if r == RestartSys {
		return t.TimeoutEINTR(fd, opt)
	}
	return r
}
