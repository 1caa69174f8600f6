package linuxuser

import (
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// vfork (docs/design.md): a CLONE_VM|CLONE_VFORK child runs on a goroutine of
// its own host thread, sharing guest memory, while the parent waits. The
// thread unshares its host fd table and cwd first, so the child's dup2,
// close and chdir (posix_spawn's file actions) stay its own, as after a real vfork. Its
// execve starts the program as a host child of gemu from that thread (the
// fd table it inherits is the child's); its _exit leaves a real zombie
// with the status, so the parent's wait4 works either way.

// vforkState links a vfork child process to its waiting parent.
type vforkState struct {
	parent *Process
	done   chan int // the child's host pid, once it has exec'd or exited

	// Process-wide changes the child makes before its execve (posix_spawn
	// attributes, os/exec's Setpgid/Setsid): made on the host child that
	// execve starts, not on gemu, whose process the vfork child shares.
	setpgid bool
	pgid    int
	setsid  bool
	traceme bool   // PTRACE_TRACEME: the host child is traced by gemu's process
	nsFlags uint64 // CLONE_NEW* of the clone, for the host child
}

// sysVfork runs clone(CLONE_VM|CLONE_VFORK) children.
func (t *Thread) vfork(flags, newsp, ptid, tls, ctid uint64) uint64 {
	p := t.p
	if flags&(syscalls.CloneThread|syscalls.CloneSighand) != 0 || flags&0xff != syscalls.SIGCHLD {
		// TODO(#4): other exit signals and shared handlers.
		return errno(unix.EINVAL)
	}
	c := t.cpu.Clone()
	p.arch.SetSyscallResult(c, 0)
	if newsp != 0 {
		p.arch.SetSP(c, newsp)
	}
	if flags&syscalls.CloneSettls != 0 {
		p.arch.SetTLS(c, tls)
	}
	vs := &vforkState{parent: p, done: make(chan int, 1), nsFlags: flags & nsFlags}
	p.mu.Lock()
	child := &Process{arch: p.arch, abi: p.abi, as: p.as, engine: p.engine, img: p.img, table: p.table,
		opts: p.opts, tracer: p.tracer, threads: map[int]*Thread{}, brk: p.brk, done: make(chan struct{}),
		sigacts: p.sigacts, tramp: p.tramp, vfork: vs, backing: p.backing,
		forkImage: p.forkImage}
	mask := t.sigmask
	if flags&cloneClearSighand != 0 {
		clearHandlers(&child.sigacts)
	}
	p.mu.Unlock()
	child.opts.Exit = nil
	child.opts.Debugger = nil // not followed: its CPU ignores the debugger
	go func() {
		runtime.LockOSThread() // never unlocked: the thread and its fd table die with the child
		tid := unix.Gettid()
		if _, _, e := unix.RawSyscall(unix.SYS_UNSHARE, unix.CLONE_FILES|unix.CLONE_FS, 0, 0); e != 0 {
			vs.done <- -int(e)
			return
		}
		child.pid = tid
		nt := child.newThread(c, tid)
		nt.sigmask = mask
		nt.altstack = t.altstack
		if flags&syscalls.CloneChildSettid != 0 {
			p.as.Store32(ctid, uint32(tid))
		}
		nt.loop()
	}()
	pid := <-vs.done
	if pid < 0 {
		return errno(unix.Errno(-pid))
	}
	if flags&syscalls.CloneParentSettid != 0 {
		p.as.Store32(ptid, uint32(pid))
	}
	return uint64(pid)
}

// vforkExit ends a vfork child that did not exec: a real host child
// exits with its status so that the parent can wait for it.
func (p *Process) vforkExit(s Status) {
	pid, e := zombie(s.Code, s.Signal, s.core)
	if e != 0 {
		p.vfork.done <- -int(e)
		return
	}
	if s.core != nil {
		startCoreWatcher(pid, s.core.watch)
	}
	p.vfork.done <- pid
}

// zombie forks a host child that dies at once with code or signal sig.
// A copy-on-write child (no CLONE_VM: a vfork child would clobber the
// stack frames the parent resumes in) runs only raw calls, as Go's
// forkAndExecInChild does, with every signal blocked until it resets
// sig to SIG_DFL and sends it to itself: dumping a small core of its own
// when the guest dumped core (core), none otherwise.
//
//go:nosplit
//go:norace
func zombie(code, sig int, core *hostCore) (int, unix.Errno) {
	all := ^uint64(0)
	var old uint64
	var dfl [4]uint64
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&all)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	r, _, e := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(unix.SIGCHLD), 0, 0, 0, 0, 0)
	if e == 0 && r == 0 {
		if core != nil {
			dieDumping(core, sig)
		}
		if sig != 0 {
			var rl [2]uint64 // RLIMIT_CORE soft 0: no host core of this copy of gemu
			syscall.RawSyscall6(syscall.SYS_PRLIMIT64, 0, uintptr(unix.RLIMIT_CORE), 0, uintptr(unsafe.Pointer(&rl)), 0, 0)
			rl[0] = 0
			syscall.RawSyscall6(syscall.SYS_PRLIMIT64, 0, uintptr(unix.RLIMIT_CORE), uintptr(unsafe.Pointer(&rl)), 0, 0, 0)
			none := uint64(0)
			syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
			self, _, _ := syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
			syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&none)), 0, 8, 0, 0)
			syscall.RawSyscall(syscall.SYS_KILL, self, uintptr(sig), 0)
		}
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, uintptr(code), 0, 0)
	}
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	return int(r), unix.Errno(e)
}

// vforkExec runs a program for a vfork child from its thread (the child's
// fd table) and releases the parent with the new pid.
func (t *Thread) vforkExec(exe string, args, env []string, mask, ignored uint64) uint64 {
	vs := t.p.vfork
	j := &spawnJob{setsid: vs.setsid, setpgid: vs.setpgid, pgid: vs.pgid, mask: mask, ignored: ignored,
		cloneFlags: vs.nsFlags, traceme: vs.traceme}
	// Descriptors: the thread's fd table, close-on-exec done by execve.
	// The thread's own cwd (unshared CLONE_FS) is inherited as it is.
	pid, err := spawn(exe, args, env, j)
	if err != nil {
		return errRet(err)
	}
	p := t.p
	var px *ptraceProxy
	if vs.traceme {
		px = vs.parent.newPtraceProxy(pid) // before the parent can ask
	}
	p.doneOnce.Do(func() { p.ended.Store(true); close(p.done) })
	p.vfork.done <- pid
	t.exited = true
	t.noResult = true
	if px != nil {
		// This host thread is the tracer until the tracee ends. Its fd
		// table is the child's own (unshared): closed, as the child's
		// exit would, so that pipes the parent reads see EOF. gemu's own
		// descriptors stay: the runtime polls with its epoll fd from
		// whichever thread starts a GC (closing it here was a fatal
		// "netpoll failed", exit status 2).
		closeGuestFDs(0, uint64(^uint32(0)), 0)
		px.serve()
	}
	return 0
}
