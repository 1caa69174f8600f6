package linuxuser

import (
	"runtime"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// ptrace: the part that acts on whole processes, which are host processes
// here. PTRACE_TRACEME before an execve (os/exec's SysProcAttr.Ptrace,
// debuggers' fork-and-exec) makes the new program stop with SIGTRAP for
// its parent, and the parent may continue, detach or kill it. Requests
// that read or write a tracee's registers or memory would see gemu's
// host state, not the guest's, so they are not emulated: ENOSYS, and
// attaching to a running process is refused with EPERM as a sandbox that
// forbids tracing does.

func init() {
	register(row{"ptrace", sysPtrace, kinds(aInt, aInt, aHex, aHex), syscalls.RetInt, syscalls.Partial,
		"TRACEME, CONT, DETACH, KILL; register and memory access unsupported"})
}

// Requests (Linux include/uapi/linux/ptrace.h).
const (
	ptraceTraceme = 0
	ptraceCont    = 7
	ptraceKill    = 8
	ptraceAttach  = 16
	ptraceDetach  = 17
	ptraceSeize   = 0x4206
)

func sysPtrace(t *Thread, a *Args) uint64 {
	req, pid := int(int32(a[0])), int(int32(a[1]))
	switch req {
	case ptraceTraceme:
		if vs := t.P.Vfork; vs != nil {
			vs.Traceme = true // for the host child its execve starts
			return 0
		}
		// Only this host thread is traced. Signals gemu's runtime sends
		// it (preemption, kicks) would each stop it for the tracer, which
		// a native child between TRACEME and execve never shows: they stay
		// blocked on it; execve sets the guest's mask.
		blocked := ^uint64(0) &^ syncSignals
		unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_BLOCK, uintptr(unsafe.Pointer(&blocked)), 0, 8, 0, 0)
		t.TracedSelf = true
		return ptraceHost(ptraceTraceme, 0, 0)
	case ptraceCont, ptraceDetach:
		if a[3] > 64 {
			return usermode.Errno(unix.EIO) // kernel/ptrace.c ptrace_resume: !valid_signal
		}
		return ptraceRequest(t.P, req, pid, uintptr(a[3])) // asm-generic signal numbers are the host's
	case ptraceKill:
		return ptraceRequest(t.P, req, pid, 0)
	case ptraceAttach, ptraceSeize:
		// kernel/ptrace.c looks the target up first (ESRCH).
		if unix.Kill(pid, 0) == unix.ESRCH || pid <= 0 {
			return usermode.Errno(unix.ESRCH)
		}
		t.P.Unimp("gemu: ptrace attach (request %#x) refused: guest state cannot be traced", req)
		return usermode.Errno(unix.EPERM)
	}
	// Any other request needs a stopped tracee of the caller's
	// (ptrace_check_attach): ESRCH otherwise, whatever the request. The
	// host answers a harmless read of the tracee's user area the same way.
	if e := ptracePeekUser(pid); e == usermode.Errno(unix.ESRCH) {
		return e
	}
	t.P.Unimp("Unsupported ptrace request %#x", req)
	return usermode.Errno(unix.ENOSYS)
}

// ptracePeekUser asks the host for PTRACE_PEEKUSER at offset 0 of pid,
// for its error only.
func ptracePeekUser(pid int) uint64 {
	var word uint64
	_, _, e := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_PEEKUSR, uintptr(pid), 0, uintptr(unsafe.Pointer(&word)), 0, 0)
	if e != 0 {
		return usermode.Errno(e)
	}
	return 0
}

// ptraceRequest asks from the tracer thread of pid.
func ptraceRequest(p *Process, req, pid int, data uintptr) uint64 {
	if px := tracerFor(p, pid); px != nil {
		return px.call(req, data)
	}
	return ptraceHost(req, pid, data)
}

func ptraceHost(req, pid int, data uintptr) uint64 {
	_, _, e := unix.Syscall6(unix.SYS_PTRACE, uintptr(req), uintptr(pid), 0, data, 0, 0)
	if e != 0 {
		return usermode.Errno(e)
	}
	return 0
}

// A vfork child runs on a host thread of its own, so the program its
// execve starts has that thread as its ptrace parent, and Linux accepts
// ptrace requests only from the tracer thread itself (kernel/ptrace.c
// ptrace_check_attach) and detaches tracees when it exits. The thread
// therefore stays, serving the parent's requests for that pid, until the
// tracee has ended; wait4 needs no help, as any thread of the group sees
// a sibling's tracees.
type ptraceProxy struct {
	p    *Process
	pid  int
	reqs chan ptraceReq
	done chan struct{} // closed when serve returns
}

type ptraceReq struct {
	req   int
	data  uintptr
	reply chan uint64
}

func newPtraceProxy(p *Process, pid int) *ptraceProxy {
	px := &ptraceProxy{p: p, pid: pid, reqs: make(chan ptraceReq), done: make(chan struct{})}
	p.Mu.Lock()
	if lx(p).tracees == nil {
		lx(p).tracees = map[int]*ptraceProxy{}
	}
	lx(p).tracees[pid] = px
	p.Mu.Unlock()
	return px
}

// tracerFor is the proxy serving pid, or nil when this thread may ask.
func tracerFor(p *Process, pid int) *ptraceProxy {
	p.Mu.Lock()
	defer p.Mu.Unlock()
	return lx(p).tracees[pid]
}

// serve runs requests on the calling (tracer) thread until the tracee
// exits or is gone.
func (px *ptraceProxy) serve() {
	gone := make(chan struct{})
	go func() {
		// Not on this thread: its fd table is the vfork child's own.
		if fd, err := usermode.HostFD(func() (int, error) { return unix.PidfdOpen(px.pid, 0) }); err == nil {
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			for {
				if _, err := unix.Poll(fds, -1); err != unix.EINTR {
					break
				}
			}
			unix.Close(fd)
		}
		close(gone)
	}()
	defer func() {
		px.p.Mu.Lock()
		delete(lx(px.p).tracees, px.pid)
		px.p.Mu.Unlock()
		close(px.done)
	}()
	for {
		select {
		case r := <-px.reqs:
			r.reply <- ptraceHost(r.req, px.pid, r.data)
		case <-gone:
			return
		}
	}
}

// call runs one request on the tracer thread; once the tracee has ended
// the host answers from this thread (ESRCH).
func (px *ptraceProxy) call(req int, data uintptr) uint64 {
	r := ptraceReq{req: req, data: data, reply: make(chan uint64, 1)}
	select {
	case px.reqs <- r:
		return <-r.reply
	case <-px.done:
		return ptraceHost(req, px.pid, data)
	}
}

// dropPreemption discards the signals gemu's runtime sends a thread
// (Go's preemption SIGURG, kickSig) pending on a traced one, which
// execve's mask would let in as a stop before the exec's SIGTRAP. The
// Gosched first gives the goroutine a fresh time slice, so that sysmon
// does not preempt it again before the execve.
func dropPreemption(t *Thread) {
	runtime.Gosched()
	set := uint64(1)<<(unix.SIGURG-1) | 1<<(usermode.KickSig-1)
	var zero unix.Timespec
	for {
		_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGTIMEDWAIT, uintptr(unsafe.Pointer(&set)), 0,
			uintptr(unsafe.Pointer(&zero)), 8, 0, 0)
		if e != 0 && e != unix.EINTR {
			return
		}
	}
}
