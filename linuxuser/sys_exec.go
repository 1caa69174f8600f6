package linuxuser

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"strings"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

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
func readStrings(t *Thread, addr uint64) ([]string, uint64) {
	var out []string
	for addr != 0 && len(out) < maxArgs {
		p, err := t.P.AS.Load64(addr + uint64(8*len(out)))
		if err != nil {
			return nil, usermode.Errno(unix.EFAULT)
		}
		if p == 0 {
			return out, 0
		}
		s, err := t.P.AS.ReadString(p, 1<<20)
		if err != nil {
			return nil, usermode.Errno(unix.EFAULT)
		}
		out = append(out, s)
	}
	if addr == 0 {
		return nil, 0
	}
	return nil, usermode.Errno(unix.E2BIG)
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
func classify(p *Process, host, path string, argv []string, depth int) (execKind, string, []string, uint64) {
	fd, err := usermode.HostFD(func() (int, error) { return unix.Open(host, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0) })
	if err != nil {
		return 0, "", nil, usermode.ErrRet(err)
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
			return 0, "", nil, usermode.Errno(unix.ENOEXEC)
		}
		next := []string{interp}
		if arg = strings.Trim(arg, " \t"); arg != "" {
			next = append(next, arg)
		}
		next = append(next, path)
		if len(argv) > 1 {
			next = append(next, argv[1:]...)
		}
		return classify(p, p.Prefixed(interp), interp, next, depth+1)
	case bytes.HasPrefix(b, []byte(elf.ELFMAG)) && n >= 20:
		m := elf.Machine(uint16(b[18]) | uint16(b[19])<<8)
		if m == elf.EM_X86_64 {
			return execNative, host, argv, 0
		}
		if _, err := targets.ByMachine(m); err == nil {
			return execForeign, host, argv, 0
		}
		return 0, "", nil, usermode.Errno(unix.ENOEXEC)
	}
	// Anything else is the host's business (it fails with ENOEXEC there).
	return execNative, host, argv, 0
}

func sysExecve(t *Thread, a *Args) uint64 {
	path, e := t.ReadPath(a[0])
	if e != 0 {
		return e
	}
	return execve(t, path, a[1], a[2])
}

// execveat(dirfd, path, argv, envp, flags) runs the file that path names
// from dirfd, or dirfd itself with AT_EMPTY_PATH and an empty path, as
// execve of its /proc/self/fd name (named /dev/fd/N as in fs/exec.c). fs/exec.c checks the name, the flags
// (EINVAL), then opens the file (EBADF, ENOENT, ELOOP for a symlink
// with AT_SYMLINK_NOFOLLOW), all before it reads argv and envp.
func sysExecveat(t *Thread, a *Args) uint64 {
	dirfd, flags := fdArg(a[0]), int(int32(a[4]))
	name, e := t.ReadPath(a[1])
	if e != 0 {
		return e
	}
	switch {
	case flags&^(unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW) != 0:
		return usermode.Errno(unix.EINVAL)
	case name == "" && flags&unix.AT_EMPTY_PATH == 0:
		return usermode.Errno(unix.ENOENT)
	case name == "":
		if _, err := unix.FcntlInt(uintptr(dirfd), unix.F_GETFD, 0); err != nil {
			return usermode.ErrRet(err)
		}
		return execveAs(t, fmt.Sprintf("/proc/self/fd/%d", dirfd), fmt.Sprintf("/dev/fd/%d", dirfd), a[2], a[3])
	}
	if flags&unix.AT_SYMLINK_NOFOLLOW != 0 {
		var st unix.Stat_t
		if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return usermode.ErrRet(err)
		}
		if st.Mode&unix.S_IFMT == unix.S_IFLNK {
			return usermode.Errno(unix.ELOOP)
		}
	}
	if name[0] != '/' && dirfd != unix.AT_FDCWD {
		if _, err := unix.FcntlInt(uintptr(dirfd), unix.F_GETFD, 0); err != nil {
			return usermode.ErrRet(err)
		}
		return execveAs(t, fmt.Sprintf("/proc/self/fd/%d/%s", dirfd, name), fmt.Sprintf("/dev/fd/%d/%s", dirfd, name), a[2], a[3])
	}
	return execve(t, name, a[2], a[3])
}

// execve runs the program at guest path with the guest's argv and envp
// arrays. The file is checked before the arrays are read (fs/exec.c
// do_execveat_common opens it first: ENOENT before EFAULT).
func execve(t *Thread, path string, argvAddr, envpAddr uint64) uint64 {
	return execveAs(t, path, path, argvAddr, envpAddr)
}

// execveAs is execve of path under the name fs/exec.c gives the program
// (bprm->filename: a script's interpreter gets it as the script's path):
// /dev/fd/N[/NAME] for execveat from a descriptor, which gemu opens
// through /proc/self/fd, as /dev/fd may be missing in a chroot.
func execveAs(t *Thread, path, name string, argvAddr, envpAddr uint64) uint64 {
	p := t.P
	host := p.Prefixed(path)
	if path == "/proc/self/exe" || path == fmt.Sprintf("/proc/%d/exe", p.PID) {
		host = p.Image().Path
	}
	if err := unix.Access(host, unix.X_OK); err != nil {
		return usermode.ErrRet(err)
	}
	argv, e := readStrings(t, argvAddr)
	if e != 0 {
		return e
	}
	envp, e := readStrings(t, envpAddr)
	if e != 0 {
		return e
	}
	kind, prog, progArgv, e := classify(p, host, name, argv, 0)
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
		if t.CanExecHere(prog, envp) {
			return t.ExecHere(prog, progArgv, envp)
		}
		if p.Opts.Reexec == nil {
			p.Unimp("gemu: execve of foreign %s needs Options.Reexec", host)
			return usermode.Errno(unix.ENOEXEC)
		}
		exe, args, env = p.Opts.Reexec(prog, progArgv, envp)
		p.Mu.Lock()
		env = append(env, p.ExecStateFor(t).String())
		p.Mu.Unlock()
	}
	if len(args) == 0 {
		args = []string{""} // the kernel allows an empty argv; Go's Exec needs argv[0]
	}
	mask, ignored := execSignals(t, kind == execForeign)
	if p.Vfork != nil {
		return vforkExec(t, exe, args, env, mask, ignored)
	}
	return usermode.ErrRet(execInPlace(t, exe, args, env, mask, ignored))
}

// atExecveCheck is AT_EXECVE_CHECK (Linux 6.14, include/uapi/linux/fcntl.h).
const atExecveCheck = 0x10000

// execCheck asks the host kernel whether it would execute host, for a
// foreign program gemu runs itself: the checks of execve's
// do_open_execat, ETXTBSY for a file open for writing among them
// (fs/exec.c deny_write_access). A kernel without AT_EXECVE_CHECK says
// EINVAL: then only gemu's own checks apply.
func execCheck(host string) uint64 {
	b, err := unix.BytePtrFromString(host)
	if err != nil {
		return usermode.Errno(unix.EINVAL)
	}
	_, _, e := unix.Syscall6(unix.SYS_EXECVEAT, usermode.AtFDCWD, uintptr(unsafe.Pointer(b)), 0, 0,
		atExecveCheck, 0)
	if e != 0 && e != unix.EINVAL {
		return usermode.Errno(e)
	}
	return 0
}

// syncSignals are never set to SIG_IGN in gemu itself (a fault there
// must still reach Go's handler): SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV.
const syncSignals = 1<<(4-1) | 1<<(5-1) | 1<<(7-1) | 1<<(8-1) | 1<<(11-1)

// execSignals is the host signal state the program t execs starts with
// (execve(2): the mask and ignored signals stay). A foreign program's
// gemu learns the guest's from execState and also holds heldAcrossExec.
func execSignals(t *Thread, foreign bool) (mask, ignored uint64) {
	p := t.P
	p.Mu.Lock()
	s := p.ExecStateFor(t)
	p.Mu.Unlock()
	mask = s.Mask &^ usermode.Unblockable
	if foreign {
		mask |= usermode.HeldAcrossExec()
	}
	return mask, s.Ignored &^ usermode.SigBit(usermode.KickSig)
}

// execInPlace execs from t's host thread with that signal state, and
// puts gemu's back if the execve fails.
func execInPlace(t *Thread, exe string, args, env []string, mask, ignored uint64) error {
	var saved [syscalls.NSIG + 1][4]uint64
	ign := [4]uint64{syscalls.SigIgn}
	ignored &^= syncSignals
	for sig := 1; sig <= syscalls.NSIG; sig++ {
		if ignored&usermode.SigBit(sig) != 0 {
			unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&ign)), uintptr(unsafe.Pointer(&saved[sig])), 8, 0, 0)
		}
	}
	if t.TracedSelf {
		dropPreemption(t)
	}
	var old uint64
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&mask)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	err := usermode.HostExec(exe, args, env)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	for sig := 1; sig <= syscalls.NSIG; sig++ {
		if ignored&usermode.SigBit(sig) != 0 {
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
	r := t.Interruptible(usermode.RestartSys, func() (int, error) {
		r, _, e := unix.Syscall6(unix.SYS_WAIT4, uintptr(pid), uintptr(unsafe.Pointer(&ws)), uintptr(opts),
			uintptr(unsafe.Pointer(&ru)), 0, 0)
		if e != 0 {
			return 0, e
		}
		return int(r), nil
	})
	if usermode.IsErr(r) || usermode.IsRestart(r) {
		return r
	}
	if a[1] != 0 && t.Store32(a[1], uint32(ws)) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	if a[3] != 0 {
		if e := putBytes(t, a[3], usermode.StructBytes(&ru)[:rusageSize]); e != 0 {
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
	info, ru := t.UserRange(a[2], 128), t.UserRange(a[4], rusageSize)
	idtype, id, opts := uintptr(int32(a[0])), uintptr(int32(a[1])), uintptr(int32(a[3]))
	return t.Interruptible(usermode.RestartSys, func() (int, error) {
		return usermode.Raw(unix.SYS_WAITID, idtype, id, info, opts, ru, 0)
	})
}
