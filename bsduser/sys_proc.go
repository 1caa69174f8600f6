package bsduser

import (
	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/usermode"
)

func init() {
	register(
		noReturn("exit", sysExit, aInt),
		def("getpid", sysGetpid),
		def("getppid", sysGetppid),
		def("getuid", func(t *Thread, a *Args) uint64 { return uint64(unix.Getuid()) }),
		def("geteuid", func(t *Thread, a *Args) uint64 { return uint64(unix.Geteuid()) }),
		def("getgid", func(t *Thread, a *Args) uint64 { return uint64(unix.Getgid()) }),
		def("getegid", func(t *Thread, a *Args) uint64 { return uint64(unix.Getegid()) }),
		def("issetugid", func(t *Thread, a *Args) uint64 { return 0 }),
		def("getpgrp", func(t *Thread, a *Args) uint64 { return uint64(unix.Getpgrp()) }),
		def("getpgid", func(t *Thread, a *Args) uint64 { return usermode.Ret(unix.Getpgid(int(int32(a[0])))) }, aInt),
		def("getsid", func(t *Thread, a *Args) uint64 { return usermode.Ret(unix.Getsid(int(int32(a[0])))) }, aInt),
		def("setsid", sysSetsid),
		partial("ptrace", sysPtrace, "refused with EPERM, as where a policy forbids tracing", aInt, aInt, aPtr, aInt),
		def("umask", func(t *Thread, a *Args) uint64 { return uint64(unix.Umask(int(a[0] & 0o777))) }, aOct),
	)
}

// sysExit is exit(2): the whole process ends (sys/kern/kern_exit.c
// sys_exit; threads end with thr_exit).
func sysExit(t *Thread, a *Args) uint64 {
	t.P.Exit(usermode.Status{Code: int(a[0] & 0xff)})
	t.Exited = true
	t.NoResult = true
	return 0
}

func sysGetpid(t *Thread, a *Args) uint64 { return uint64(t.P.PID) }

// sysGetppid: a vfork child's parent is the process whose gemu it shares.
func sysGetppid(t *Thread, a *Args) uint64 {
	if t.P.Vfork != nil {
		return uint64(t.P.Vfork.Parent.PID)
	}
	return uint64(unix.Getppid())
}

func sysSetsid(t *Thread, a *Args) uint64 { return t.Setsid() }

// sysPtrace refuses tracing with EPERM, as a FreeBSD whose
// security.bsd.unprivileged_proc_debug or a jail forbids it does
// (sys/kern/sys_process.c p_candebug): a tracer would read gemu's host
// state, not the guest's. Programs that ask for tracing (os/exec's
// SysProcAttr.Ptrace) see the refusal they handle.
func sysPtrace(t *Thread, a *Args) uint64 {
	t.P.Unimp("gemu: FreeBSD ptrace request %d refused (EPERM)", int32(a[0]))
	return usermode.Errno(unix.EPERM)
}
