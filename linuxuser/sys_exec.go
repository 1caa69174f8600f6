package linuxuser

import (
	"fmt"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// execve (docs/design.md): how a program runs (in this gemu, a new one or
// natively) is the core's (usermode/execve.go); here are Linux's entry
// points and its part, tracing.

func init() {
	register(
		row{"execve", sysExecve, kinds(aStr, aPtr, aPtr), syscalls.RetInt, syscalls.Partial,
			"foreign programs need Options.Reexec"},
		row{"execveat", sysExecveat, kinds(aDirFD, aStr, aPtr, aPtr, aHex), syscalls.RetInt, syscalls.Partial,
			"as execve through /proc/self/fd (scripts see /dev/fd/N as fs/exec.c names them); AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, AT_EXECVE_CHECK (the host's checks)"},
		row{"wait4", sysWait4, kinds(aInt, aPtr, aInt, aPtr), syscalls.RetInt, syscalls.Full, "host children"},
		row{"waitid", sysWaitid, kinds(aInt, aInt, aPtr, aHex, aPtr), syscalls.RetInt, syscalls.Full,
			"host children; siginfo and rusage have the host layout"},
	)
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
	case flags&^(unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW|atExecveCheck) != 0:
		return usermode.Errno(unix.EINVAL)
	case flags&atExecveCheck != 0:
		return execveCheck(t, dirfd, name, flags, a[2], a[3])
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

// atExecveCheck is AT_EXECVE_CHECK (Linux 6.14, include/uapi/linux/fcntl.h).
const atExecveCheck = 0x10000

// execveCheck is execveat with AT_EXECVE_CHECK: fs/exec.c opens the file
// and makes the exec's security checks, then copies argv and envp, and
// returns before any binary format is looked at (bprm_execve), so the
// host's answer for the file is the guest's; nothing is executed.
func execveCheck(t *Thread, dirfd int, name string, flags int, argvAddr, envpAddr uint64) uint64 {
	host := name
	if name != "" && name[0] == '/' {
		host = procPath(t.P, name)
	}
	path, err := unix.BytePtrFromString(host)
	if err != nil {
		return usermode.Errno(unix.ENOENT)
	}
	// An argv[0] of "", so the host does not log an empty argv.
	nul := [1]byte{}
	argv, envp := [2]uintptr{uintptr(unsafe.Pointer(&nul[0]))}, [1]uintptr{}
	_, _, e := unix.Syscall6(unix.SYS_EXECVEAT, uintptr(dirfd), uintptr(unsafe.Pointer(path)),
		uintptr(unsafe.Pointer(&argv)), uintptr(unsafe.Pointer(&envp)), uintptr(flags), 0)
	if e != 0 {
		return usermode.Errno(e)
	}
	for _, arr := range []uint64{argvAddr, envpAddr} {
		if _, e := t.ReadStrings(arr); e != 0 {
			return e
		}
	}
	return 0
}

// execve runs the program at guest path with the guest's argv and envp
// arrays. The file is checked before the arrays are read (fs/exec.c
// do_execveat_common opens it first: ENOENT before EFAULT).
func execve(t *Thread, path string, argvAddr, envpAddr uint64) uint64 {
	return execveAs(t, path, path, argvAddr, envpAddr)
}

// execveAs is execve of path under the name fs/exec.c gives the program
// (bprm->filename: a script's interpreter gets it as the script's path):
// /dev/fd/N[/NAME] for execveat from a descriptor (usermode Thread.Exec).
func execveAs(t *Thread, path, name string, argvAddr, envpAddr uint64) uint64 {
	return t.Exec(path, name, argvAddr, envpAddr, linuxExec)
}

// linuxExec is Linux's part in execve: a vfork child's program may be
// traced (PTRACE_TRACEME), and a thread that traces itself drops the
// signals gemu's runtime sent it before its host execve.
var linuxExec = usermode.ExecHooks{Vfork: vforkExec, BeforeHostExec: func(t *Thread) {
	if t.TracedSelf {
		dropPreemption(t)
	}
}}

// syncSignals are never ignored in gemu itself (usermode.SyncSignals).
const syncSignals = usermode.SyncSignals

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
