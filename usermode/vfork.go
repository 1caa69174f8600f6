package usermode

import (
	"runtime"
	"syscall"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"golang.org/x/sys/unix"
)

// vforkState links a vfork child process to its waiting parent.
type vforkState struct {
	Parent *Process
	Done   chan int // the child's host pid, once it has exec'd or exited

	// Process-wide changes the child makes before its execve (posix_spawn
	// attributes, os/exec's Setpgid/Setsid): made on the host child that
	// execve starts, not on gemu, whose process the vfork child shares.
	Setpgid bool
	Pgid    int
	Setsid  bool
	Traceme bool   // PTRACE_TRACEME: the host child is traced by gemu's process
	NsFlags uint64 // CLONE_NEW* of the clone, for the host child
}

// vforkExit ends a vfork child that did not exec: a real host child
// exits with its status so that the parent can wait for it.
func (p *Process) vforkExit(s Status) {
	pid, e := zombie(s.Code, s.Signal, s.core)
	if e != 0 {
		p.Vfork.Done <- -int(e)
		return
	}
	if s.core != nil {
		startCoreWatcher(pid, s.core.watch)
	}
	p.Vfork.Done <- pid
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

// sysVfork runs clone(CLONE_VM|CLONE_VFORK) children.
func (t *Thread) Vfork(flags, newsp, ptid, tls, ctid uint64) uint64 {
	p := t.P
	if flags&(linux.CloneThread|linux.CloneSighand) != 0 || flags&0xff != linux.SIGCHLD {
		// TODO(#4): other exit signals and shared handlers.
		return Errno(unix.EINVAL)
	}
	c := t.CPU.Clone()
	p.conv.SetSyscallResult(c, 0)
	if newsp != 0 {
		p.arch.SetSP(c, newsp)
	}
	if flags&linux.CloneSettls != 0 {
		p.arch.SetTLS(c, tls)
	}
	vs := &vforkState{Parent: p, Done: make(chan int, 1), NsFlags: flags & NsFlags}
	p.Mu.Lock()
	child := &Process{arch: p.arch, ABI: p.ABI, AS: p.AS, engine: p.engine, img: p.img, table: p.table,
		Opts: p.Opts, Tracer: p.Tracer, Threads: map[int]*Thread{}, Brk: p.Brk, Done: make(chan struct{}),
		Sigacts: p.Sigacts, tramp: p.tramp, Vfork: vs, Backing: p.Backing,
		ForkImage: p.ForkImage}
	child.conv, child.frames = p.conv, p.frames
	child.OS = p.Opts.Personality.NewState(child)
	mask := t.Sigmask
	if flags&CloneClearSighand != 0 {
		clearHandlers(&child.Sigacts)
	}
	p.Mu.Unlock()
	child.Opts.Exit = nil
	child.Opts.Debugger = nil // not followed: its CPU ignores the debugger
	go func() {
		runtime.LockOSThread() // never unlocked: the thread and its fd table die with the child
		tid := unix.Gettid()
		if _, _, e := unix.RawSyscall(unix.SYS_UNSHARE, unix.CLONE_FILES|unix.CLONE_FS, 0, 0); e != 0 {
			vs.Done <- -int(e)
			return
		}
		child.PID = tid
		nt := child.NewThread(c, tid)
		nt.Sigmask = mask
		nt.Altstack = t.Altstack
		if flags&linux.CloneChildSettid != 0 {
			p.AS.Store32(ctid, uint32(tid))
		}
		nt.Loop()
	}()
	pid := <-vs.Done
	if pid < 0 {
		return Errno(unix.Errno(-pid))
	}
	if flags&linux.CloneParentSettid != 0 {
		p.AS.Store32(ptid, uint32(pid))
	}
	return uint64(pid)
}

// Setpgid is setpgid(2); in a vfork child its own group change is made
// for the host child its execve starts, not for the gemu it shares.
func (t *Thread) Setpgid(pid, pgid int) uint64 {
	if vs := t.P.Vfork; vs != nil && (pid == 0 || pid == t.P.PID) {
		if pgid < 0 {
			return Errno(unix.EINVAL)
		}
		if pgid == t.P.PID {
			pgid = 0 // its own group: the exec'd child's pid
		}
		vs.Setpgid, vs.Pgid = true, pgid
		return 0
	}
	return OK(unix.Setpgid(pid, pgid))
}

// Setsid is setsid(2), a vfork child's likewise made at its execve.
func (t *Thread) Setsid() uint64 {
	if vs := t.P.Vfork; vs != nil {
		vs.Setsid = true
		return uint64(t.P.PID)
	}
	return Ret(unix.Setsid())
}
