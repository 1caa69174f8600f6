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
