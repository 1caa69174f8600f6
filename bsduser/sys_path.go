package bsduser

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

var le = binary.LittleEndian

func init() {
	register(
		def("openat", sysOpenat, aInt, aStr, aHex, aOct),
		def("open", func(t *Thread, a *Args) uint64 { return openAt(t, unix.AT_FDCWD, a[0], a[1], a[2]) }, aStr, aHex, aOct),
		def("fstat", sysFstat, aInt, aPtr),
		def("fstatat", sysFstatat, aInt, aStr, aPtr, aHex),
		def("getdirentries", sysGetdirentries, aInt, aPtr, aInt, aPtr),
		def("mkdirat", sysMkdirat, aInt, aStr, aOct),
		def("unlinkat", sysUnlinkat, aInt, aStr, aHex),
		def("renameat", sysRenameat, aInt, aStr, aInt, aStr),
		def("readlinkat", sysReadlinkat, aInt, aStr, aPtr, aInt),
		def("symlinkat", sysSymlinkat, aStr, aInt, aStr),
		def("linkat", sysLinkat, aInt, aStr, aInt, aStr, aHex),
		def("fchmodat", sysFchmodat, aInt, aStr, aOct, aHex),
		def("fchmod", func(t *Thread, a *Args) uint64 { return usermode.OK(unix.Fchmod(fdArg(a[0]), uint32(a[1]))) }, aInt, aOct),
		def("fchownat", sysFchownat, aInt, aStr, aInt, aInt, aHex),
		def("faccessat", sysFaccessat, aInt, aStr, aOct, aHex),
		def("chdir", sysChdir, aStr),
		def("fchdir", func(t *Thread, a *Args) uint64 { return usermode.OK(unix.Fchdir(fdArg(a[0]))) }, aInt),
		def("__getcwd", sysGetcwd, aPtr, aInt),
		def("utimensat", sysUtimensat, aInt, aStr, aPtr, aHex),
		def("futimens", sysFutimens, aInt, aPtr),
	)
}

// dirArg is a dirfd argument (AT_FDCWD is -100 on both systems).
func dirArg(v uint64) int { return int(int32(v)) }

// atFlags converts the *at() flags; unknown bits are EINVAL.
func atFlags(v uint64) (int, uint64) {
	l, rest := freebsd.AtFlags.ToLinux(v)
	if rest != 0 {
		return 0, usermode.Errno(unix.EINVAL)
	}
	return int(l), 0
}

func sysOpenat(t *Thread, a *Args) uint64 { return openAt(t, dirArg(a[0]), a[1], a[2], a[3]) }

// openAt opens with the flags made Linux's: O_EXEC (O_SEARCH) becomes
// O_PATH, the closest host open for a directory to search or a file to
// fexecve; O_TTY_INIT and O_VERIFY have nothing to do here; O_SHLOCK and
// O_EXLOCK take the flock(2) lock after the open, as FreeBSD's does.
func openAt(t *Thread, dir int, pathAddr, flags, mode uint64) uint64 {
	path, e := t.HostPath(pathAddr)
	if e != 0 {
		return e
	}
	host, rest := freebsd.OpenFlagsToLinux(flags)
	if rest&freebsd.O_EXEC != 0 {
		host = host&^unix.O_ACCMODE | unix.O_PATH
	}
	r := t.Interruptible(usermode.RestartSys, func() (int, error) {
		return unix.Openat(dir, path, int(host), uint32(mode&0o7777))
	})
	if lock := rest & (freebsd.O_SHLOCK | freebsd.O_EXLOCK); lock != 0 && !usermode.IsErr(r) {
		how := unix.LOCK_SH
		if lock&freebsd.O_EXLOCK != 0 {
			how = unix.LOCK_EX
		}
		if host&unix.O_NONBLOCK != 0 {
			how |= unix.LOCK_NB
		}
		if err := unix.Flock(int(r), how); err != nil {
			unix.Close(int(r))
			return usermode.ErrRet(err)
		}
	}
	return r
}

func sysFstat(t *Thread, a *Args) uint64 {
	var st unix.Stat_t
	if err := unix.Fstat(fdArg(a[0]), &st); err != nil {
		return usermode.ErrRet(err)
	}
	return usermode.OK(t.WriteBytes(a[1], freebsd.StatFromLinux(&st)))
}

func sysFstatat(t *Thread, a *Args) uint64 {
	path, flags, e := pathFlags(t, a[1], a[3])
	if e != 0 {
		return e
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dirArg(a[0]), path, &st, flags); err != nil {
		return usermode.ErrRet(err)
	}
	return usermode.OK(t.WriteBytes(a[2], freebsd.StatFromLinux(&st)))
}

// sysGetdirentries reads host dirents into FreeBSD's records; *basep,
// when given, gets the offset the read started at (sys/kern/
// vfs_syscalls.c kern_getdirentries).
func sysGetdirentries(t *Thread, a *Args) uint64 {
	fd, n := fdArg(a[0]), int(min(a[2], 1<<20))
	start, err := unix.Seek(fd, 0, unix.SEEK_CUR)
	if err != nil {
		return usermode.ErrRet(err)
	}
	// FreeBSD records are at most a few bytes longer than Linux's
	// (DirentLen): ask the host for less than the room the guest has.
	host := make([]byte, max(n*3/4, 512))
	got, err := unix.Getdents(fd, host)
	if err != nil {
		return usermode.ErrRet(err)
	}
	out, used := freebsd.DirentsFromLinux(host[:got], n)
	if used == 0 && got > 0 {
		return usermode.Errno(unix.EINVAL) // the buffer holds not one record
	}
	if used < got {
		// Give back what did not fit: the next call starts after the last
		// record converted, at its d_off.
		if _, err := unix.Seek(fd, lastDirentOff(host[:used]), unix.SEEK_SET); err != nil {
			return usermode.ErrRet(err)
		}
	}
	if err := t.WriteBytes(a[1], out); err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	if a[3] != 0 {
		var b [8]byte
		le.PutUint64(b[:], uint64(start))
		if t.WriteBytes(a[3], b[:]) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return uint64(len(out))
}

// lastDirentOff is the d_off of the last record in a Linux getdents64
// buffer (struct linux_dirent64: d_ino 0, d_off 8, d_reclen 16).
func lastDirentOff(b []byte) int64 {
	var off int64
	for len(b) >= 19 {
		off = int64(le.Uint64(b[8:]))
		n := int(le.Uint16(b[16:]))
		if n == 0 || n > len(b) {
			break
		}
		b = b[n:]
	}
	return off
}
