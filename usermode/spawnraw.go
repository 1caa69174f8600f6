package usermode

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A vfork child's execve starts a host child with raw calls instead of
// syscall.ForkExec: the new program must start with the guest's signal
// mask and its ignored signals (execve(2) keeps both), and ForkExec gives
// the child the Go thread's mask instead, which in a gemu started by a
// fork holds the heldAcrossExec signals.

// SpawnJob is what the raw child needs, all allocated before the clone.
type SpawnJob struct {
	exe        hostExe
	argv, envp []*byte
	Setsid     bool
	Setpgid    bool
	Pgid       int
	Traceme    bool   // PTRACE_TRACEME before the execve
	Mask       uint64 // the new program's signal mask
	Ignored    uint64 // signals that start SIG_IGN; the rest SIG_DFL
	errFD      int    // close-on-exec pipe: an errno if execve fails
	CloneFlags uint64 // namespace flags of the guest's vfork
}

// Spawn starts exe and returns its pid once it has exec'd.
func Spawn(exe string, args, env []string, j *SpawnJob) (int, error) {
	var err error
	if j.exe, err = resolveExe(exe); err != nil {
		return 0, err
	}
	if j.argv, err = syscall.SlicePtrFromStrings(args); err != nil {
		return 0, err
	}
	if j.envp, err = syscall.SlicePtrFromStrings(env); err != nil {
		return 0, err
	}
	var p [2]int
	syscall.ForkLock.Lock()
	defer syscall.ForkLock.Unlock()
	withRaisedNofile(func(floor int) {
		if err = unix.Pipe2(p[:], unix.O_CLOEXEC); err == nil {
			p[0], p[1] = moveUp(p[0], floor), moveUp(p[1], floor)
		}
	})
	if err != nil {
		return 0, err
	}
	j.errFD = p[1]
	pid, e := spawnRaw(j)
	unix.Close(p[1])
	defer unix.Close(p[0])
	if e != 0 {
		return 0, e
	}
	var code [4]byte
	if n, _ := readFull(p[0], code[:]); n == len(code) {
		unix.Wait4(pid, nil, 0, nil)
		return 0, unix.Errno(*(*int32)(unsafe.Pointer(&code[0])))
	}
	return pid, nil
}

// readFull reads until b is full, EOF or an error other than EINTR.
func readFull(fd int, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := unix.Read(fd, b[n:])
		if err == unix.EINTR {
			continue
		}
		if m <= 0 {
			return n, err
		}
		n += m
	}
	return n, nil
}

// spawnRaw clones a copy-on-write host child that execs j.exe.
//
//go:nosplit
//go:norace
func spawnRaw(j *SpawnJob) (int, unix.Errno) {
	all := ^uint64(0)
	var old uint64
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&all)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	r, e := hostClone(uintptr(unix.SIGCHLD) | uintptr(j.CloneFlags))
	if e == 0 && r == 0 {
		spawnChild(j)
	}
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	return int(r), unix.Errno(e)
}

// spawnChild sets up the process and execs; it never returns.
//
//go:nosplit
//go:norace
func spawnChild(j *SpawnJob) {
	var e syscall.Errno
	if j.Setsid {
		_, _, e = syscall.RawSyscall(syscall.SYS_SETSID, 0, 0, 0)
	}
	if e == 0 && j.Setpgid {
		_, _, e = syscall.RawSyscall(syscall.SYS_SETPGID, 0, uintptr(j.Pgid), 0)
	}
	if e == 0 && j.Traceme {
		_, _, e = syscall.RawSyscall(syscall.SYS_PTRACE, 0, 0, 0)
	}
	if e == 0 {
		var act [4]uint64
		for sig := uintptr(1); sig <= 64; sig++ {
			if sig != uintptr(unix.SIGKILL) && sig != uintptr(unix.SIGSTOP) {
				act[0] = uint64(j.Ignored>>(sig-1)) & 1 // SIG_IGN is 1, SIG_DFL 0
				syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
			}
		}
		syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&j.Mask)), 0, 8, 0, 0)
		_, _, e = syscall.RawSyscall6(unix.SYS_EXECVEAT, j.exe.dirfd, uintptr(unsafe.Pointer(j.exe.path)),
			uintptr(unsafe.Pointer(unsafe.SliceData(j.argv))), uintptr(unsafe.Pointer(unsafe.SliceData(j.envp))), j.exe.flags, 0)
	}
	code := int32(e)
	syscall.RawSyscall(syscall.SYS_WRITE, uintptr(j.errFD), uintptr(unsafe.Pointer(&code)), 4)
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 127, 0, 0)
	}
}
