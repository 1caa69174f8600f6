package usermode

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/targets"
)

// execve for every personality (docs/design.md "execve"): a foreign ELF,
// or a script whose interpreter is one, runs in this gemu (exec_here.go)
// or re-invokes gemu (Options.Reexec), which probes the ELF for its OS; a
// native x86_64 program is exec'd directly; "/proc/self/exe" is the guest
// program. The personality reads the path and gives the addresses of the
// argv and envp arrays (Thread.Exec).

// maxArgs bounds argv/envp (the kernel's limit is by bytes; this is plenty).
const maxArgs = 1 << 16

// ReadStrings reads a NULL-terminated guest array of strings.
func (t *Thread) ReadStrings(addr uint64) ([]string, uint64) {
	var out []string
	for addr != 0 && len(out) < maxArgs {
		p, err := t.P.AS.Load64(addr + uint64(8*len(out)))
		if err != nil {
			return nil, Errno(unix.EFAULT)
		}
		if p == 0 {
			return out, 0
		}
		s, err := t.P.AS.ReadString(p, 1<<20)
		if err != nil {
			return nil, Errno(unix.EFAULT)
		}
		out = append(out, s)
	}
	if addr == 0 {
		return nil, 0
	}
	return nil, Errno(unix.E2BIG)
}

// execKind says how to run a program file.
type execKind int

const (
	execNative execKind = iota
	execForeign
)

// classifyExec looks at a file's start: ELF by e_machine, or "#!" with its
// interpreter. For a script it also returns the program that runs it and
// that program's argv, as fs/binfmt_script.c builds it (and FreeBSD's
// sys/kern/imgact_shell.c, which also keeps the optional argument whole):
// the interpreter, its one optional argument, the script's path as execve
// got it, then the script's arguments after argv[0]; up to four levels.
func (p *Process) classifyExec(host, path string, argv []string, depth int) (execKind, string, []string, uint64) {
	fd, err := HostFD(func() (int, error) { return unix.Open(host, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0) })
	if err != nil {
		return 0, "", nil, ErrRet(err)
	}
	f := os.NewFile(uintptr(fd), host)
	defer f.Close()
	var hdr [256]byte
	n, _ := f.Read(hdr[:])
	b := hdr[:n]
	switch {
	case bytes.HasPrefix(b, []byte("#!")) && depth < 4:
		interp, next := shebang(b, path, argv)
		if interp == "" {
			return 0, "", nil, Errno(unix.ENOEXEC)
		}
		return p.classifyExec(p.Prefixed(interp), interp, next, depth+1)
	case bytes.HasPrefix(b, []byte(elf.ELFMAG)) && n >= 20:
		m := elf.Machine(uint16(b[18]) | uint16(b[19])<<8)
		if m == elf.EM_X86_64 {
			return execNative, host, argv, 0
		}
		if _, err := targets.ByMachine(m); err == nil {
			return execForeign, host, argv, 0
		}
		return 0, "", nil, Errno(unix.ENOEXEC)
	}
	// Anything else is the host's business (it fails with ENOEXEC there).
	return execNative, host, argv, 0
}

// shebang parses a "#!" line: the interpreter and the argv it gets.
func shebang(b []byte, path string, argv []string) (string, []string) {
	line, _, _ := bytes.Cut(b[2:], []byte("\n"))
	interp, arg, _ := strings.Cut(strings.TrimLeft(string(line), " \t"), " ")
	interp, _, _ = strings.Cut(interp, "\t")
	if interp == "" {
		return "", nil
	}
	next := []string{interp}
	if arg = strings.Trim(arg, " \t"); arg != "" {
		next = append(next, arg)
	}
	next = append(next, path)
	if len(argv) > 1 {
		next = append(next, argv[1:]...)
	}
	return interp, next
}

// ExecHooks are a personality's part in Exec.
type ExecHooks struct {
	// Vfork starts the program for a vfork child (Process.Vfork set) with
	// the signal mask and ignored set given; nil: Thread.VforkSpawn.
	Vfork func(t *Thread, exe string, args, env []string, mask, ignored uint64) uint64
	// BeforeHostExec, when set, runs on t's host thread just before the
	// host execve (with the new program's mask not yet set).
	BeforeHostExec func(t *Thread)
}

// Exec is execve of guest path under the name the kernel gives the
// program (a script's interpreter gets it as the script's path): name is
// path except for an exec from a descriptor (/dev/fd/N[/NAME], which gemu
// opens through path, /proc/self/fd/N[/NAME], as /dev/fd may be missing
// in a chroot). The file is checked before the arrays are read (fs/exec.c
// do_execveat_common opens it first: ENOENT before EFAULT).
func (t *Thread) Exec(path, name string, argvAddr, envpAddr uint64, h ExecHooks) uint64 {
	p := t.P
	host := p.Prefixed(path)
	if path == "/proc/self/exe" || path == fmt.Sprintf("/proc/%d/exe", p.PID) {
		host = p.Image().Path
	}
	if err := unix.Access(host, unix.X_OK); err != nil {
		return ErrRet(err)
	}
	argv, e := t.ReadStrings(argvAddr)
	if e != 0 {
		return e
	}
	envp, e := t.ReadStrings(envpAddr)
	if e != 0 {
		return e
	}
	kind, prog, progArgv, e := p.classifyExec(host, name, argv, 0)
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
			return Errno(unix.ENOEXEC)
		}
		exe, args, env = p.Opts.Reexec(prog, progArgv, envp)
		_, env = takeSeccompEnv(env) // the guest's own are not its filters
		p.Mu.Lock()
		env = append(env, p.ExecStateFor(t).Env()...)
		p.Mu.Unlock()
	}
	if len(args) == 0 {
		args = []string{""} // the kernel allows an empty argv; Go's Exec needs argv[0]
	}
	mask, ignored := t.execSignals(kind == execForeign)
	if p.Vfork != nil {
		if h.Vfork != nil {
			return h.Vfork(t, exe, args, env, mask, ignored)
		}
		return t.VforkSpawn(exe, args, env, mask, ignored)
	}
	return ErrRet(t.hostExec(exe, args, env, mask, ignored, h.BeforeHostExec))
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
		return Errno(unix.EINVAL)
	}
	_, _, e := unix.Syscall6(unix.SYS_EXECVEAT, AtFDCWD, uintptr(unsafe.Pointer(b)), 0, 0,
		atExecveCheck, 0)
	if e != 0 && e != unix.EINVAL {
		return Errno(e)
	}
	return 0
}

// SyncSignals are never set to SIG_IGN in gemu itself (a fault there
// must still reach Go's handler): SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV.
const SyncSignals = 1<<(4-1) | 1<<(5-1) | 1<<(7-1) | 1<<(8-1) | 1<<(11-1)

// execSignals is the host signal state the program t execs starts with
// (execve(2): the mask and ignored signals stay). A foreign program's
// gemu learns the guest's from execState and also holds HeldAcrossExec.
func (t *Thread) execSignals(foreign bool) (mask, ignored uint64) {
	p := t.P
	p.Mu.Lock()
	s := p.ExecStateFor(t)
	p.Mu.Unlock()
	mask = s.Mask &^ Unblockable
	if foreign {
		mask |= HeldAcrossExec()
	}
	return mask, s.Ignored &^ SigBit(KickSig)
}

// hostExec execs from t's host thread with that signal state, and puts
// gemu's back if the execve fails.
func (t *Thread) hostExec(exe string, args, env []string, mask, ignored uint64, before func(*Thread)) error {
	var saved [linux.NSIG + 1][4]uint64
	ign := [4]uint64{linux.SigIgn}
	ignored &^= SyncSignals
	for sig := 1; sig <= linux.NSIG; sig++ {
		if ignored&SigBit(sig) != 0 {
			unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&ign)), uintptr(unsafe.Pointer(&saved[sig])), 8, 0, 0)
		}
	}
	if before != nil {
		before(t)
	}
	var old uint64
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&mask)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	err := HostExec(exe, args, env)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	for sig := 1; sig <= linux.NSIG; sig++ {
		if ignored&SigBit(sig) != 0 {
			unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&saved[sig])), 0, 8, 0, 0)
		}
	}
	return err
}

// VforkSpawn runs a program for a vfork child from its thread (whose fd
// table and cwd are the child's: vfork.go) and releases the parent with
// the new pid; the child's thread ends.
func (t *Thread) VforkSpawn(exe string, args, env []string, mask, ignored uint64) uint64 {
	p := t.P
	vs := p.Vfork
	j := &SpawnJob{Setsid: vs.Setsid, Setpgid: vs.Setpgid, Pgid: vs.Pgid, Mask: mask, Ignored: ignored,
		CloneFlags: vs.NsFlags, Traceme: vs.Traceme}
	pid, err := Spawn(exe, args, env, j)
	if err != nil {
		return ErrRet(err)
	}
	p.DoneOnce.Do(func() { p.Ended.Store(true); close(p.Done) })
	vs.Done <- pid
	t.Exited = true
	t.NoResult = true
	return 0
}
