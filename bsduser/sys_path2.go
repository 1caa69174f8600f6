package bsduser

import (
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

// The *at() calls: paths through -L, flags made Linux's.

// pathFlags reads an *at() call's path argument and its flags.
func pathFlags(t *Thread, pathAddr, flags uint64) (string, int, uint64) {
	path, e := t.HostPath(pathAddr)
	if e != 0 {
		return "", 0, e
	}
	f, e := atFlags(flags)
	return path, f, e
}

// twoPaths reads the two path arguments of rename and link.
func twoPaths(t *Thread, from, to uint64) (string, string, uint64) {
	f, e := t.HostPath(from)
	if e != 0 {
		return "", "", e
	}
	g, e := t.HostPath(to)
	return f, g, e
}

func sysMkdirat(t *Thread, a *Args) uint64 {
	path, _, e := pathFlags(t, a[1], 0)
	if e != 0 {
		return e
	}
	path = followTrailingSlash(dirArg(a[0]), path)
	return usermode.OK(unix.Mkdirat(dirArg(a[0]), path, uint32(a[2]&0o7777)))
}

func sysUnlinkat(t *Thread, a *Args) uint64 {
	path, flags, e := pathFlags(t, a[1], a[2])
	if e != 0 {
		return e
	}
	path = followTrailingSlash(dirArg(a[0]), path)
	return usermode.OK(unix.Unlinkat(dirArg(a[0]), path, flags))
}

func sysRenameat(t *Thread, a *Args) uint64 {
	from, to, e := twoPaths(t, a[1], a[3])
	if e != 0 {
		return e
	}
	from, to = followTrailingSlash(dirArg(a[0]), from), followTrailingSlash(dirArg(a[2]), to)
	return usermode.OK(unix.Renameat(dirArg(a[0]), from, dirArg(a[2]), to))
}

func sysReadlinkat(t *Thread, a *Args) uint64 {
	path, _, e := pathFlags(t, a[1], 0)
	if e != 0 {
		return e
	}
	buf := make([]byte, min(a[3], 1<<16))
	n, err := unix.Readlinkat(dirArg(a[0]), path, buf)
	if err != nil {
		return usermode.ErrRet(err)
	}
	return usermode.Ret(n, t.WriteBytes(a[2], buf[:n]))
}

// sysSymlinkat: the target is stored as the guest wrote it.
func sysSymlinkat(t *Thread, a *Args) uint64 {
	target, e := t.ReadPath(a[0])
	if e != 0 {
		return e
	}
	path, _, e := pathFlags(t, a[2], 0)
	if e != 0 {
		return e
	}
	return usermode.OK(unix.Symlinkat(target, dirArg(a[1]), path))
}

func sysLinkat(t *Thread, a *Args) uint64 {
	from, to, e := twoPaths(t, a[1], a[3])
	if e != 0 {
		return e
	}
	flags, e := atFlags(a[4])
	if e != 0 {
		return e
	}
	return usermode.OK(unix.Linkat(dirArg(a[0]), from, dirArg(a[2]), to, flags))
}

func sysFchmodat(t *Thread, a *Args) uint64 {
	path, flags, e := pathFlags(t, a[1], a[3])
	if e != 0 {
		return e
	}
	return usermode.OK(unix.Fchmodat(dirArg(a[0]), path, uint32(a[2]&0o7777), flags))
}

func sysFchownat(t *Thread, a *Args) uint64 {
	path, flags, e := pathFlags(t, a[1], a[4])
	if e != 0 {
		return e
	}
	return usermode.OK(unix.Fchownat(dirArg(a[0]), path, int(int32(a[2])), int(int32(a[3])), flags))
}

// sysFaccessat: the modes (R_OK 4, W_OK 2, X_OK 1) are Linux's;
// AT_EACCESS is translated with the other flags.
func sysFaccessat(t *Thread, a *Args) uint64 {
	path, flags, e := pathFlags(t, a[1], a[3])
	if e != 0 {
		return e
	}
	return usermode.OK(unix.Faccessat2(dirArg(a[0]), path, uint32(a[2]&7), flags))
}

func sysChdir(t *Thread, a *Args) uint64 {
	path, e := t.HostPath(a[0])
	if e != 0 {
		return e
	}
	return usermode.OK(unix.Chdir(path))
}

// sysGetcwd is __getcwd: the path and its NUL; ERANGE when it does not
// fit (sys/kern/vfs_cache.c kern___getcwd).
func sysGetcwd(t *Thread, a *Args) uint64 {
	wd, err := unix.Getwd()
	if err != nil {
		return usermode.ErrRet(err)
	}
	b := append([]byte(wd), 0)
	if uint64(len(b)) > a[1] {
		return usermode.Errno(unix.ERANGE)
	}
	return usermode.OK(t.WriteBytes(a[0], b))
}

// timesArg reads two struct timespec (the same layout as the host's;
// UTIME_NOW -1 and UTIME_OMIT -2 in tv_nsec, FreeBSD sys/sys/stat.h).
func timesArg(t *Thread, addr uint64) ([]unix.Timespec, uint64) {
	if addr == 0 {
		return []unix.Timespec{{Nsec: unix.UTIME_NOW}, {Nsec: unix.UTIME_NOW}}, 0
	}
	b, err := t.ReadBytes(addr, 32)
	if err != nil {
		return nil, usermode.Errno(unix.EFAULT)
	}
	ts := make([]unix.Timespec, 2)
	for i := range ts {
		sec, nsec := freebsd.DecodeTimespec(b[16*i:])
		switch nsec {
		case -1:
			nsec = unix.UTIME_NOW
		case -2:
			nsec = unix.UTIME_OMIT
		}
		ts[i] = unix.Timespec{Sec: sec, Nsec: nsec}
	}
	return ts, 0
}

func sysUtimensat(t *Thread, a *Args) uint64 {
	path, e := t.HostPath(a[1])
	if e != 0 {
		return e
	}
	ts, e := timesArg(t, a[2])
	if e != 0 {
		return e
	}
	flags, e := atFlags(a[3])
	if e != 0 {
		return e
	}
	return usermode.OK(unix.UtimesNanoAt(dirArg(a[0]), path, ts, flags))
}

func sysFutimens(t *Thread, a *Args) uint64 {
	ts, e := timesArg(t, a[1])
	if e != 0 {
		return e
	}
	return usermode.OK(unix.UtimesNanoAt(fdArg(a[0]), "", ts, unix.AT_EMPTY_PATH))
}

// followTrailingSlash resolves a final symbolic link of a path that ends
// in a slash: FreeBSD's namei follows it (sys/kern/vfs_lookup.c: a
// trailing slash sets FOLLOW), so mkdir("link/") creates the link's
// target and rename and rmdir act on it, where Linux's calls stop at the
// link. Up to MAXSYMLINKS (32) links are followed.
func followTrailingSlash(dir int, p string) string {
	for range 32 {
		base := strings.TrimRight(p, "/")
		if base == p || base == "" {
			return p
		}
		var st unix.Stat_t
		if unix.Fstatat(dir, base, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFLNK {
			return p
		}
		buf := make([]byte, 4096)
		n, err := unix.Readlinkat(dir, base, buf)
		if err != nil {
			return p
		}
		target := string(buf[:n])
		if i := strings.LastIndexByte(base, '/'); i >= 0 && !strings.HasPrefix(target, "/") {
			target = base[:i+1] + target
		}
		p = strings.TrimRight(target, "/") + "/"
	}
	return p
}
