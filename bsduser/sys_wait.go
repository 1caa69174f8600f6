package bsduser

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

// wait4 and wait6 on the host's waitid: children are host processes
// (sys_exec.go). Both are kern_wait6 in FreeBSD (sys/kern/kern_exit.c),
// which is what hostWait follows.

func init() {
	register(
		def("wait4", sysWait4, aInt, aPtr, aHex, aPtr),
		partial("wait6", sysWait6, "P_PID, P_PGID, P_ALL; wru_children is zero (the host sums it into wru_self)",
			aInt, aInt, aPtr, aHex, aPtr, aPtr),
	)
}

// idtype_t values (FreeBSD sys/sys/wait.h); WAIT_MYPGRP is id 0 with
// P_PID.
const (
	bsdPPID  = 0
	bsdPPGID = 2
	bsdPAll  = 7
)

// waited is what one wait found: pid 0 when WNOHANG found nothing.
type waited struct {
	pid    int
	status uint32 // FreeBSD's encoding
	info   [128]byte
	ru     unix.Rusage
}

// sysWait4 is wait4(pid, status, options, rusage): the pid chooses the
// children as kern_wait does, and WEXITED|WTRAPPED are implied.
func sysWait4(t *Thread, a *Args) uint64 {
	pid := int(int32(a[0]))
	idtype, id := unix.P_PID, pid
	switch {
	case pid == -1:
		idtype, id = unix.P_ALL, 0
	case pid <= 0:
		idtype, id = unix.P_PGID, -pid
	}
	w, e := hostWait(t, idtype, id, a[2]|freebsd.WEXITED|freebsd.WTRAPPED)
	if e != 0 || w.pid == 0 {
		return e
	}
	if a[1] != 0 && t.Store32(a[1], w.status) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	if a[3] != 0 && t.WriteBytes(a[3], freebsd.RusageFromLinux(&w.ru)) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return uint64(w.pid)
}

// sysWait6 is wait6(idtype, id, status, options, wrusage, info): the
// status and struct __wrusage {wru_self, wru_children} only when a child
// was found, the siginfo (zeroed otherwise) always (kern_exit.c sys_wait6).
func sysWait6(t *Thread, a *Args) uint64 {
	idtype, id := int(int32(a[0])), int(int64(a[1]))
	switch idtype {
	case bsdPPID:
		idtype = unix.P_PID
		if id == 0 {
			idtype = unix.P_PGID
		}
	case bsdPPGID:
		idtype = unix.P_PGID
	case bsdPAll:
		idtype = unix.P_ALL
	default:
		t.P.Unimp("gemu: wait6 idtype %d not supported", idtype)
		return usermode.Errno(unix.EINVAL)
	}
	w, e := hostWait(t, idtype, id, a[3])
	if e != 0 {
		return e
	}
	if w.pid != 0 {
		if a[2] != 0 && t.Store32(a[2], w.status) != nil {
			return usermode.Errno(unix.EFAULT)
		}
		wru := append(freebsd.RusageFromLinux(&w.ru), make([]byte, freebsd.RusageSize)...)
		if a[4] != 0 && t.WriteBytes(a[4], wru) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	if a[5] != 0 {
		si := make([]byte, freebsd.SiginfoSize)
		if w.pid != 0 {
			bsdSiginfo(freebsd.SIGCHLD, w.info[:], si)
		}
		if t.WriteBytes(a[5], si) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return uint64(w.pid)
}

// hostWait waits interruptibly with FreeBSD options: unknown bits and a
// call waiting for no event are EINVAL (kern_wait6); WTRAPPED (ptrace
// stops) has no host meaning here, as gemu traces no guest child. id 0
// with P_PGID is the caller's group.
func hostWait(t *Thread, idtype, id int, opts uint64) (*waited, uint64) {
	host, rest := freebsd.WaitOptions.ToLinux(opts)
	events := uint64(freebsd.WEXITED | freebsd.WUNTRACED | freebsd.WCONTINUED | freebsd.WTRAPPED)
	if rest&^freebsd.WTRAPPED != 0 || opts&events == 0 {
		return nil, usermode.Errno(unix.EINVAL)
	}
	if idtype == unix.P_PGID && id == 0 {
		id = unix.Getpgrp()
	}
	if host&(unix.WEXITED|unix.WSTOPPED|unix.WCONTINUED) == 0 {
		t.P.Unimp("gemu: wait6 for traced children only: none are traced")
		return nil, usermode.Errno(unix.ECHILD)
	}
	w := new(waited)
	r := t.Interruptible(usermode.RestartSys, func() (int, error) {
		_, _, e := unix.Syscall6(unix.SYS_WAITID, uintptr(idtype), uintptr(id), uintptr(unsafe.Pointer(&w.info)),
			uintptr(host), uintptr(unsafe.Pointer(&w.ru)), 0)
		if e != 0 {
			return 0, e
		}
		return 0, nil
	})
	if usermode.IsErr(r) {
		return nil, r
	}
	w.pid = int(int32(le.Uint32(w.info[16:])))
	code, st := int32(le.Uint32(w.info[8:])), le.Uint32(w.info[24:])
	w.status = freebsd.WaitStatusFromLinux(linuxWaitStatus(code, st))
	return w, 0
}

// SIGCHLD si_code values (Linux include/uapi/asm-generic/siginfo.h; the
// same numbers on FreeBSD, sys/sys/signal.h).
const (
	cldExited = 1 + iota
	cldKilled
	cldDumped
	cldTrapped
	cldStopped
	cldContinued
)

// linuxWaitStatus builds a host wait status from waitid's si_code and
// si_status (Linux kernel/exit.c wait_task_zombie and its kin).
func linuxWaitStatus(code int32, st uint32) uint32 {
	switch code {
	case cldExited:
		return (st & 0xff) << 8
	case cldKilled:
		return st & 0x7f
	case cldDumped:
		return st&0x7f | 0x80
	case cldStopped, cldTrapped:
		return (st&0xff)<<8 | 0x7f
	case cldContinued:
		return 0xffff
	}
	return 0
}
