package freebsd

import (
	"errors"
	"fmt"
	"sync"

	"github.com/gemu-project/gemu/syscalls/linux"
	"golang.org/x/sys/unix"
)

// Errno is a FreeBSD errno value (FreeBSD sys/sys/errno.h).
type Errno int

// Name is the errno's symbol ("EAGAIN"), or "E<n>" when unknown. Where
// errno.h gives a number two names, the POSIX one wins (EAGAIN over
// EWOULDBLOCK, ENOTSUP is 45 as well but EOPNOTSUPP is kept).
func (e Errno) Name() string {
	if e == EAGAIN {
		return "EAGAIN"
	}
	if n, ok := errnoByNum()[int(e)]; ok {
		return n.Name
	}
	return fmt.Sprintf("E%d", int(e))
}

// Error is the FreeBSD C library's message for the errno.
func (e Errno) Error() string {
	if n, ok := errnoByNum()[int(e)]; ok {
		return n.Desc
	}
	return fmt.Sprintf("unknown error: %d", int(e))
}

var errnoByNum = sync.OnceValue(func() map[int]numberedName {
	return indexNames(errnoNames)
})

func indexNames(list []numberedName) map[int]numberedName {
	m := make(map[int]numberedName, len(list))
	for _, n := range list {
		m[n.Num] = n
	}
	return m
}

// linuxOnlyErrnos are the Linux errnos (Linux include/uapi/asm-generic/
// errno.h) FreeBSD has no errno of the same name for, with the FreeBSD
// errno a FreeBSD program can best act on.
var linuxOnlyErrnos = map[unix.Errno]Errno{
	unix.ECHRNG: EINVAL, unix.EL2NSYNC: EIO, unix.EL3HLT: EIO, unix.EL3RST: EIO,
	unix.ELNRNG: EINVAL, unix.EUNATCH: EIO, unix.ENOCSI: EIO, unix.EL2HLT: EIO,
	unix.EBADE: EINVAL, unix.EBADR: EINVAL, unix.EXFULL: ENOSPC, unix.ENOANO: EIO,
	unix.EBADRQC: EINVAL, unix.EBADSLT: EINVAL, unix.EBFONT: EFTYPE,
	unix.ENOSTR: EINVAL, unix.ENOSR: ENOBUFS,
	unix.ENODATA: ENOATTR, // Linux's xattr calls say ENODATA where FreeBSD's extattr calls say ENOATTR
	unix.ETIME:   ETIMEDOUT,
	unix.ENONET:  ENETUNREACH, unix.ENOPKG: ENOSYS, unix.EADV: EIO, unix.ESRMNT: EIO,
	unix.ECOMM: EIO, unix.EDOTDOT: EIO, unix.ENOTUNIQ: EINVAL, unix.EBADFD: EBADF,
	unix.EREMCHG: EADDRNOTAVAIL, unix.ELIBACC: ENOEXEC, unix.ELIBBAD: ENOEXEC,
	unix.ELIBSCN: ENOEXEC, unix.ELIBMAX: ENOEXEC, unix.ELIBEXEC: ENOEXEC,
	unix.ERESTART: EINTR, unix.ESTRPIPE: EPIPE, unix.EUCLEAN: EINTEGRITY,
	unix.ENOTNAM: EFTYPE, unix.ENAVAIL: EFTYPE, unix.EISNAM: EFTYPE, unix.EREMOTEIO: EIO,
	unix.ENOMEDIUM: ENXIO, unix.EMEDIUMTYPE: EFTYPE,
	unix.ENOKEY: ENOATTR, unix.EKEYEXPIRED: EAUTH, unix.EKEYREVOKED: EAUTH, unix.EKEYREJECTED: EAUTH,
	unix.ERFKILL: ENETDOWN, unix.EHWPOISON: EIO,
}

// freebsdOnlyErrnos are the FreeBSD errnos Linux has no errno of the same
// name for, with the Linux errno closest in meaning.
var freebsdOnlyErrnos = map[Errno]unix.Errno{
	EPROCLIM: unix.EAGAIN, // fork(2) says EAGAIN on Linux for the same limit
	EBADRPC:  unix.EIO, ERPCMISMATCH: unix.EIO, EPROGUNAVAIL: unix.EIO,
	EPROGMISMATCH: unix.EIO, EPROCUNAVAIL: unix.EIO,
	EFTYPE: unix.EINVAL, EAUTH: unix.EACCES, ENEEDAUTH: unix.EACCES,
	ENOATTR:     unix.ENODATA,
	EDOOFUS:     unix.EINVAL,
	ENOTCAPABLE: unix.EPERM, ECAPMODE: unix.EPERM,
	EINTEGRITY: unix.EUCLEAN,
}

// errnoAliases are Linux names whose FreeBSD errno has another name.
var errnoAliases = map[string]Errno{"EAGAIN": EAGAIN, "EDEADLOCK": EDEADLK, "ENOTSUP": ENOTSUP}

// errnoMaps are the two directions, built at first use from the names.
var errnoMaps = sync.OnceValue(func() [2]map[int]int {
	byName := map[string]Errno{}
	for _, n := range errnoNames {
		byName[n.Name] = Errno(n.Num)
	}
	for name, e := range errnoAliases {
		byName[name] = e
	}
	toBSD, toLinux := map[int]int{}, map[int]int{}
	for host := 1; host <= maxLinuxErrno; host++ {
		bsd, ok := byName[linux.ErrnoName(host)]
		if !ok {
			bsd, ok = linuxOnlyErrnos[unix.Errno(host)]
		}
		if !ok {
			continue
		}
		toBSD[host] = int(bsd)
		if _, seen := toLinux[int(bsd)]; !seen && byName[linux.ErrnoName(host)] == bsd {
			toLinux[int(bsd)] = host
		}
	}
	for bsd, linux := range freebsdOnlyErrnos {
		toLinux[int(bsd)] = int(linux)
	}
	return [2]map[int]int{toBSD, toLinux}
})

// maxLinuxErrno is the last asm-generic errno (EHWPOISON).
const maxLinuxErrno = 133

// ErrnoFromLinux converts a Linux errno number to FreeBSD's; numbers
// Linux does not define become EINVAL.
func ErrnoFromLinux(linux int) Errno {
	if bsd, ok := errnoMaps()[0][linux]; ok {
		return Errno(bsd)
	}
	return EINVAL
}

// Linux converts a FreeBSD errno to the Linux number; numbers FreeBSD does
// not define become EINVAL.
func (e Errno) Linux() int {
	if linux, ok := errnoMaps()[1][int(e)]; ok {
		return linux
	}
	return int(unix.EINVAL)
}

// ErrnoFromHost converts a host error to the guest's errno; an error that
// is no unix.Errno becomes EIO.
func ErrnoFromHost(err error) Errno {
	var e unix.Errno
	if errors.As(err, &e) {
		return ErrnoFromLinux(int(e))
	}
	return EIO
}
