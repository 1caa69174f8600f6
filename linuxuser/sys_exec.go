package linuxuser

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/targets"
)

// execve (docs/design.md): a foreign ELF, or a script whose interpreter is
// one, re-invokes gemu (Options.Reexec); a native x86_64 program is
// exec'd directly; "/proc/self/exe" is the guest program.

func init() {
	register(
		row{"execve", sysExecve, kinds(aStr, aPtr, aPtr), syscalls.RetInt, syscalls.Partial,
			"foreign programs need Options.Reexec"},
		row{"execveat", sysExecveat, kinds(aDirFD, aStr, aPtr, aPtr, aHex), syscalls.RetInt, syscalls.Partial,
			"as execve of the file's /proc/self/fd name"},
		row{"wait4", sysWait4, kinds(aInt, aPtr, aInt, aPtr), syscalls.RetInt, syscalls.Full, "host children"},
		row{"waitid", sysWaitid, kinds(aInt, aInt, aPtr, aHex, aPtr), syscalls.RetInt, syscalls.Full,
			"host children; siginfo and rusage have the host layout"},
	)
}

// maxArgs bounds argv/envp (the kernel's limit is by bytes; this is plenty).
const maxArgs = 1 << 16

// readStrings reads a NULL-terminated guest array of strings.
func (t *Thread) readStrings(addr uint64) ([]string, uint64) {
	var out []string
	for addr != 0 && len(out) < maxArgs {
		p, err := t.p.as.Load64(addr + uint64(8*len(out)))
		if err != nil {
			return nil, errno(unix.EFAULT)
		}
		if p == 0 {
			return out, 0
		}
		s, err := t.p.as.ReadString(p, 1<<20)
		if err != nil {
			return nil, errno(unix.EFAULT)
		}
		out = append(out, s)
	}
	if addr == 0 {
		return nil, 0
	}
	return nil, errno(unix.E2BIG)
}

// execKind says how to run a program file.
type execKind int

const (
	execNative execKind = iota
	execForeign
)

// classify looks at a file's start: ELF by e_machine, or "#!" with its
// interpreter. For a script it also returns the program that runs it and
// that program's argv, as fs/binfmt_script.c builds it: the interpreter,
// its one optional argument, the script's path as execve got it, then the
// script's arguments after argv[0]; up to four levels.
func (p *Process) classify(host, path string, argv []string, depth int) (execKind, string, []string, uint64) {
	fd, err := hostFD(func() (int, error) { return unix.Open(host, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0) })
	if err != nil {
		return 0, "", nil, errRet(err)
	}
	f := os.NewFile(uintptr(fd), host)
	defer f.Close()
	var hdr [256]byte
	n, _ := f.Read(hdr[:])
	b := hdr[:n]
	switch {
	case bytes.HasPrefix(b, []byte("#!")) && depth < 4:
		line, _, _ := bytes.Cut(b[2:], []byte("\n"))
		interp, arg, _ := strings.Cut(strings.TrimLeft(string(line), " \t"), " ")
		interp, _, _ = strings.Cut(interp, "\t")
		if interp == "" {
			return 0, "", nil, errno(unix.ENOEXEC)
		}
		next := []string{interp}
		if arg = strings.Trim(arg, " \t"); arg != "" {
			next = append(next, arg)
		}
		next = append(next, path)
		if len(argv) > 1 {
			next = append(next, argv[1:]...)
		}
		return p.classify(p.prefixed(interp), interp, next, depth+1)
	case bytes.HasPrefix(b, []byte(elf.ELFMAG)) && n >= 20:
		m := elf.Machine(uint16(b[18]) | uint16(b[19])<<8)
		if m == elf.EM_X86_64 {
			return execNative, host, argv, 0
		}
		if _, err := targets.ByMachine(m); err == nil {
			return execForeign, host, argv, 0
		}
		return 0, "", nil, errno(unix.ENOEXEC)
	}
	// Anything else is the host's business (it fails with ENOEXEC there).
	return execNative, host, argv, 0
}

func sysExecve(t *Thread, a *Args) uint64 {
	path, e := t.readPath(a[0])
	if e != 0 {
		return e
	}
	return t.execve(path, a[1], a[2])
}

// execveat(dirfd, path, argv, envp, flags) runs the file that path names
// from dirfd, or dirfd itself with AT_EMPTY_PATH and an empty path, as
// execve of its /proc/self/fd name (named /dev/fd/N as in fs/exec.c). fs/exec.c checks the name, the flags
// (EINVAL), then opens the file (EBADF, ENOENT, ELOOP for a symlink
// with AT_SYMLINK_NOFOLLOW), all before it reads argv and envp.
func sysExecveat(t *Thread, a *Args) uint64 {
	dirfd, flags := fdArg(a[0]), int(int32(a[4]))
	name, e := t.readPath(a[1])
	if e != 0 {
		return e
	}
	switch {
	case flags&^(unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW) != 0:
		return errno(unix.EINVAL)
	case name == "" && flags&unix.AT_EMPTY_PATH == 0:
		return errno(unix.ENOENT)
	case name == "":
		if _, err := unix.FcntlInt(uintptr(dirfd), unix.F_GETFD, 0); err != nil {
			return errRet(err)
		}
		return t.execveAs(fmt.Sprintf("/proc/self/fd/%d", dirfd), fmt.Sprintf("/dev/fd/%d", dirfd), a[2], a[3])
	}
	if flags&unix.AT_SYMLINK_NOFOLLOW != 0 {
		var st unix.Stat_t
		if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return errRet(err)
		}
		if st.Mode&unix.S_IFMT == unix.S_IFLNK {
			return errno(unix.ELOOP)
		}
	}
	if name[0] != '/' && dirfd != unix.AT_FDCWD {
		if _, err := unix.FcntlInt(uintptr(dirfd), unix.F_GETFD, 0); err != nil {
			return errRet(err)
		}
		return t.execveAs(fmt.Sprintf("/proc/self/fd/%d/%s", dirfd, name), fmt.Sprintf("/dev/fd/%d/%s", dirfd, name), a[2], a[3])
	}
	return t.execve(name, a[2], a[3])
}

// execve runs the program at guest path with the guest's argv and envp
// arrays. The file is checked before the arrays are read (fs/exec.c
// do_execveat_common opens it first: ENOENT before EFAULT).
func (t *Thread) execve(path string, argvAddr, envpAddr uint64) uint64 {
	return t.execveAs(path, path, argvAddr, envpAddr)
}

// execveAs is execve of path under the name fs/exec.c gives the program
// (bprm->filename: a script's interpreter gets it as the script's path):
// /dev/fd/N[/NAME] for execveat from a descriptor, which gemu opens
// through /proc/self/fd, as /dev/fd may be missing in a chroot.
func (t *Thread) execveAs(path, name string, argvAddr, envpAddr uint64) uint64 {
	p := t.p
	host := p.prefixed(path)
	if path == "/proc/self/exe" || path == fmt.Sprintf("/proc/%d/exe", p.pid) {
		host = p.img.Path
	}
	if err := unix.Access(host, unix.X_OK); err != nil {
		return errRet(err)
	}
	argv, e := t.readStrings(argvAddr)
	if e != 0 {
		return e
	}
	envp, e := t.readStrings(envpAddr)
	if e != 0 {
		return e
	}
	kind, prog, progArgv, e := p.classify(host, name, argv, 0)
	if e != 0 {
		return e
	}
	exe, args, env := host, argv, envp
	if _, err := os.Stat(name); kind == execNative && name != path && err == nil {
		exe = name // the host kernel names a script it runs after the path it is given
	}
	if kind == execForeign {
		if e := execCheck(host); e != 0 {
			return e
		}
		if e := execCheck(prog); prog != host && e != 0 {
			return e
		}
		if t.canExecHere(prog, envp) {
			return t.execHere(prog, progArgv, envp)
		}
		if p.opts.Reexec == nil {
			p.unimp("gemu: execve of foreign %s needs Options.Reexec", host)
			return errno(unix.ENOEXEC)
		}
		exe, args, env = p.opts.Reexec(prog, progArgv, envp)
		p.mu.Lock()
		env = append(env, p.execStateFor(t).String())
		p.mu.Unlock()
	}
	if len(args) == 0 {
		args = []string{""} // the kernel allows an empty argv; Go's Exec needs argv[0]
	}
	mask, ignored := t.execSignals(kind == execForeign)
	if p.vfork != nil {
		return t.vforkExec(exe, args, env, mask, ignored)
	}
	return errRet(t.execInPlace(exe, args, env, mask, ignored))
}

// atExecveCheck is AT_EXECVE_CHECK (Linux 6.14, include/uapi/linux/fcntl.h).
const atExecveCheck = 0x10000

// atFDCWD is AT_FDCWD as a system call argument.
var atFDCWD = uintptr(unix.AT_FDCWD & (1<<64 - 1))

// execCheck asks the host kernel whether it would execute host, for a
// foreign program gemu runs itself: the checks of execve's
// do_open_execat, ETXTBSY for a file open for writing among them
// (fs/exec.c deny_write_access). A kernel without AT_EXECVE_CHECK says
// EINVAL: then only gemu's own checks apply.
func execCheck(host string) uint64 {
	b, err := unix.BytePtrFromString(host)
	if err != nil {
		return errno(unix.EINVAL)
	}
	_, _, e := unix.Syscall6(unix.SYS_EXECVEAT, atFDCWD, uintptr(unsafe.Pointer(b)), 0, 0,
		atExecveCheck, 0)
	if e != 0 && e != unix.EINVAL {
		return errno(e)
	}
	return 0
}

// syncSignals are never set to SIG_IGN in gemu itself (a fault there
// must still reach Go's handler): SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV.
const syncSignals = 1<<(4-1) | 1<<(5-1) | 1<<(7-1) | 1<<(8-1) | 1<<(11-1)

// execSignals is the host signal state the program t execs starts with
// (execve(2): the mask and ignored signals stay). A foreign program's
// gemu learns the guest's from execState and also holds heldAcrossExec.
func (t *Thread) execSignals(foreign bool) (mask, ignored uint64) {
	p := t.p
	p.mu.Lock()
	s := p.execStateFor(t)
	p.mu.Unlock()
	mask = s.mask &^ unblockable
	if foreign {
		mask |= heldAcrossExec()
	}
	return mask, s.ignored &^ sigBit(kickSig)
}

// execInPlace execs from t's host thread with that signal state, and
// puts gemu's back if the execve fails.
func (t *Thread) execInPlace(exe string, args, env []string, mask, ignored uint64) error {
	var saved [syscalls.NSIG + 1][4]uint64
	ign := [4]uint64{syscalls.SigIgn}
	ignored &^= syncSignals
	for sig := 1; sig <= syscalls.NSIG; sig++ {
		if ignored&sigBit(sig) != 0 {
			unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&ign)), uintptr(unsafe.Pointer(&saved[sig])), 8, 0, 0)
		}
	}
	if t.tracedSelf {
		t.dropPreemption()
	}
	var old uint64
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&mask)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	err := hostExec(exe, args, env)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	for sig := 1; sig <= syscalls.NSIG; sig++ {
		if ignored&sigBit(sig) != 0 {
			unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&saved[sig])), 0, 8, 0, 0)
		}
	}
	return err
}

// sysWait4 waits for host children, interruptibly (ERESTARTSYS).
// struct rusage has the same layout on the host and the 64-bit targets.
func sysWait4(t *Thread, a *Args) uint64 {
	pid, opts := int(int32(a[0])), int(int32(a[2]))
	var ws unix.WaitStatus
	var ru unix.Rusage
	r := t.interruptible(restartSys, func() (int, error) {
		r, _, e := unix.Syscall6(unix.SYS_WAIT4, uintptr(pid), uintptr(unsafe.Pointer(&ws)), uintptr(opts),
			uintptr(unsafe.Pointer(&ru)), 0, 0)
		if e != 0 {
			return 0, e
		}
		return int(r), nil
	})
	if isErr(r) || isRestart(r) {
		return r
	}
	if a[1] != 0 && t.store32(a[1], uint32(ws)) != nil {
		return errno(unix.EFAULT)
	}
	if a[3] != 0 {
		if e := t.putBytes(a[3], structBytes(&ru)[:rusageSize]); e != 0 {
			return e
		}
	}
	return r
}

// waitid(idtype, id, infop, options, rusage): siginfo_t (128 bytes) and
// struct rusage have one layout on LP64 x86_64 and the guests
// (asm-generic/siginfo.h, linux/resource.h), so the kernel writes them
// straight into guest memory, after it has reaped the child: a bad
// pointer fails the call but the child is gone (kernel/exit.c).
func sysWaitid(t *Thread, a *Args) uint64 {
	info, ru := t.userRange(a[2], 128), t.userRange(a[4], rusageSize)
	idtype, id, opts := uintptr(int32(a[0])), uintptr(int32(a[1])), uintptr(int32(a[3]))
	return t.interruptible(restartSys, func() (int, error) {
		return raw(unix.SYS_WAITID, idtype, id, info, opts, ru, 0)
	})
}

// execState is the signal state execve keeps (signal(7), execve(2)):
// the mask, pending signals, and which signals are ignored.
type execState struct{ mask, ignored, pending uint64 }

const execStateVar = "GEMU_EXEC_SIGSTATE"

func (s execState) String() string {
	return fmt.Sprintf("%s=%x,%x,%x", execStateVar, s.mask, s.ignored, s.pending)
}

// execStateFor is t's state to pass on. Call with p.mu held.
func (p *Process) execStateFor(t *Thread) execState {
	s := execState{mask: t.sigmask, pending: t.pending.mask | p.shared.mask}
	for sig := 1; sig <= syscalls.NSIG; sig++ {
		if p.sigacts[sig].Handler == syscalls.SigIgn {
			s.ignored |= sigBit(sig)
		}
	}
	return s
}

// takeExecState removes the state variable from the guest environment.
func takeExecState(env []string) (execState, []string) {
	var s execState
	out := env[:0:0]
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, execStateVar+"="); ok {
			fmt.Sscanf(v, "%x,%x,%x", &s.mask, &s.ignored, &s.pending)
			continue
		}
		out = append(out, kv)
	}
	if s == (execState{}) {
		s = hostExecState()
	}
	return s, out
}

// hostExecState is what a native parent gave gemu: ignored signals stay
// ignored for the guest (nohup, shells' background jobs).
func hostExecState() execState {
	var s execState
	for sig := 1; sig <= syscalls.NSIG; sig++ {
		if sig == syscalls.SIGKILL || sig == syscalls.SIGSTOP || sig == kickSig {
			continue
		}
		var old [4]uint64
		_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0)
		if e == 0 && old[0] == syscalls.SigIgn {
			s.ignored |= sigBit(sig)
		}
	}
	return s
}

// applyExecState installs the inherited state on the first thread.
func (p *Process) applyExecState(t *Thread) {
	s := p.inherit
	p.mu.Lock()
	defer p.mu.Unlock()
	t.sigmask = s.mask &^ unblockable
	for sig := 1; sig <= syscalls.NSIG; sig++ {
		if s.ignored&sigBit(sig) != 0 || isStartIgnored(sig) {
			p.sigacts[sig].Handler = syscalls.SigIgn
		}
		if s.pending&sigBit(sig) != 0 {
			p.shared.add(sigInfo{signo: int32(sig), code: siUser})
		}
	}
	t.wake.Store(s.pending != 0)
}
