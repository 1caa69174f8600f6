package bsduser

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"
)

// fork, vfork, rfork and execve on the core's (usermode/fork.go,
// vfork.go, execve.go): a fork child is a host child of gemu, so the
// parent's wait4 (sys_wait.go) is the host's.

func init() {
	register(
		def("fork", sysFork),
		def("vfork", sysVfork),
		partial("rfork", sysRfork, "RFPROC with RFFDG (fork), RFSPAWN (vfork), RFTSIGZMB; no shared descriptor tables, RFCFDG, RFMEM alone, RFTHREAD, RFSIGSHARE, RFPROCDESC",
			aHex),
		partial("execve", sysExecve, "foreign programs need Options.Reexec", aStr, aPtr, aPtr),
		partial("fexecve", sysFexecve, "as execve of the descriptor's /proc/self/fd name", aInt, aPtr, aPtr),
	)
}

// rfork flags (FreeBSD sys/sys/unistd.h). RFSPAWN shares its bit with
// the kernel's RFPPWAIT.
const (
	rfFDG       = 1 << 2
	rfProc      = 1 << 4
	rfMem       = 1 << 5
	rfNoWait    = 1 << 6
	rfCFDG      = 1 << 12
	rfThread    = 1 << 13
	rfSigShare  = 1 << 14
	rfLinuxThPN = 1 << 16
	rfStopped   = 1 << 17
	rfHighPID   = 1 << 18
	rfTSigZMB   = 1 << 19
	rfTSigShift = 20
	rfProcDesc  = 1 << 28
	rfSpawn     = 1 << 31
	// rfKernelOnly are refused from user space (EINVAL).
	rfKernelOnly = rfStopped | rfHighPID | rfProcDesc
)

// sysFork: the child's pid in the parent, 0 in the child (sys/kern/
// kern_fork.c sys_fork; the child's registers from cpu_fork).
func sysFork(t *Thread, a *Args) uint64 { return forkProcess(t, linux.SIGCHLD) }

// forkProcess forks with host exit signal sig. FreeBSD gives both
// processes 0 in the second result register: td_retval[1] in the parent
// (kern_fork.c), x1 / a1 cleared by cpu_fork in the child
// (sys/arm64/arm64/vm_machdep.c, sys/riscv/riscv/vm_machdep.c). It is
// cleared before the fork, so the child's copy has it too.
func forkProcess(t *Thread, sig int) uint64 {
	return withSecondZero(t, func() uint64 { return t.Fork(uint64(sig), 0, 0, 0, 0) })
}

// withSecondZero runs a fork with the second result register 0, put
// back if the call fails (FreeBSD sets it only on success).
func withSecondZero(t *Thread, fork func() uint64) uint64 {
	conv, err := conventionFor(t.P.Arch())
	if err != nil {
		return usermode.Errno(unix.ENOSYS)
	}
	saved := t.CPU.R[conv.arg0+1]
	conv.setSecond(t.CPU, 0)
	r := fork()
	if usermode.IsErr(r) {
		conv.setSecond(t.CPU, saved)
	}
	return r
}

// sysVfork: the child shares memory and the parent waits until it execs
// or exits (kern_fork.c sys_vfork: RFFDG|RFPROC|RFPPWAIT|RFMEM).
func sysVfork(t *Thread, a *Args) uint64 { return vfork(t, 0) }

// vfork runs the core's vfork with extra Linux clone flags.
func vfork(t *Thread, extra uint64) uint64 {
	flags := linux.CloneVM | linux.CloneVfork | linux.SIGCHLD | extra
	return withSecondZero(t, func() uint64 { return t.Vfork(flags, 0, 0, 0, 0) })
}

// sysRfork is rfork(flags) (kern_fork.c sys_rfork, fork1): RFSPAWN is a
// vfork whose child starts with caught signals at SIG_DFL; RFPROC with
// a copied descriptor table is a fork whose exit signal RFTSIGZMB may
// choose; without RFPROC only RFFDG (a table of its own, which a gemu
// process always has) is done.
func sysRfork(t *Thread, a *Args) uint64 {
	flags := uint64(uint32(a[0]))
	switch {
	case flags&rfKernelOnly != 0, flags&rfSpawn != 0 && flags != rfSpawn:
		return usermode.Errno(unix.EINVAL)
	case flags == rfSpawn:
		return vfork(t, usermode.CloneClearSighand)
	case flags&rfProc == 0:
		if flags&^rfFDG == 0 {
			return 0
		}
	case flags&(rfMem|rfCFDG|rfThread|rfSigShare|rfLinuxThPN) == 0:
		sig, e := rforkSignal(flags)
		if e != 0 {
			return e
		}
		if flags&rfFDG == 0 {
			t.P.Unimp("gemu: rfork %#x: the child's descriptor table is a copy, not shared", flags)
		}
		if flags&rfNoWait != 0 {
			t.P.Unimp("gemu: rfork %#x: RFNOWAIT child stays the caller's", flags)
		}
		return forkProcess(t, sig)
	}
	t.P.Unimp("gemu: rfork flags %#x not supported", flags)
	return usermode.Errno(unix.EINVAL)
}

// rforkSignal is the host signal a fork child ends with: SIGCHLD, or
// with RFTSIGZMB the one in bits 20-27 (0 for none; kern_fork.c fork1
// refuses a number that is not a signal).
func rforkSignal(flags uint64) (int, uint64) {
	if flags&rfTSigZMB == 0 {
		return linux.SIGCHLD, 0
	}
	s := freebsd.Signal(flags >> rfTSigShift & 0xff)
	if s == 0 {
		return 0, 0
	}
	if s >= freebsd.MaxSig {
		return 0, usermode.Errno(unix.EINVAL)
	}
	l, ok := s.Linux()
	if !ok {
		return 0, usermode.Errno(unix.EINVAL)
	}
	return l, 0
}

// sysExecve: a FreeBSD program execs in this gemu or a new one, which
// gives it the FreeBSD personality again (it probes the ELF).
func sysExecve(t *Thread, a *Args) uint64 {
	path, e := t.ReadPath(a[0])
	if e != 0 {
		return e
	}
	return t.Exec(path, path, a[1], a[2], usermode.ExecHooks{})
}

// sysFexecve runs the file open at fd (sys/kern/kern_exec.c
// sys_fexecve); a script's interpreter gets it as /dev/fd/N
// (sys/kern/imgact_shell.c).
func sysFexecve(t *Thread, a *Args) uint64 {
	fd := fdArg(a[0])
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil || usermode.IsHostFD(fd) {
		return usermode.Errno(unix.EBADF)
	}
	return t.Exec(fmt.Sprintf("/proc/self/fd/%d", fd), fmt.Sprintf("/dev/fd/%d", fd), a[1], a[2],
		usermode.ExecHooks{})
}
