package linuxuser

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// Path syscalls. Reads of guest absolute paths go through the -L prefix
// (t.hostPath); calls that create or remove names use the path as given.

func init() {
	register(
		row{"mkdirat", sysMkdirat, kinds(aDirFD, aStr, aOct), syscalls.RetInt, syscalls.Full, ""},
		row{"mknodat", sysMknodat, kinds(aDirFD, aStr, aOct, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"unlinkat", sysUnlinkat, kinds(aDirFD, aStr, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"renameat", sysRenameat, kinds(aDirFD, aStr, aDirFD, aStr), syscalls.RetInt, syscalls.Full, ""},
		row{"renameat2", sysRenameat2, kinds(aDirFD, aStr, aDirFD, aStr, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"symlinkat", sysSymlinkat, kinds(aStr, aDirFD, aStr), syscalls.RetInt, syscalls.Full, ""},
		row{"linkat", sysLinkat, kinds(aDirFD, aStr, aDirFD, aStr, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"readlinkat", sysReadlinkat, kinds(aDirFD, aStr, aPtr, aLong), syscalls.RetInt, syscalls.Full,
			"/proc/self/exe is the guest program"},
		row{"faccessat", sysFaccessat, kinds(aDirFD, aStr, aOct), syscalls.RetInt, syscalls.Full, ""},
		row{"faccessat2", sysFaccessat2, kinds(aDirFD, aStr, aOct, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"fchmodat", sysFchmodat, kinds(aDirFD, aStr, aOct), syscalls.RetInt, syscalls.Full, ""},
		row{"fchownat", sysFchownat, kinds(aDirFD, aStr, aInt, aInt, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"utimensat", sysUtimensat, kinds(aDirFD, aStr, aPtr, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"truncate", sysTruncate, kinds(aStr, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"statfs", sysStatfs, kinds(aStr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"getcwd", sysGetcwd, kinds(aPtr, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"chdir", sysChdir, kinds(aStr), syscalls.RetInt, syscalls.Full, ""},
		row{"fchdir", sysFchdir, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"chroot", sysChroot, kinds(aStr), syscalls.RetInt, syscalls.Full, ""},
		row{"name_to_handle_at", sysNameToHandleAt, kinds(aDirFD, aStr, aPtr, aPtr, aHex), syscalls.RetInt,
			syscalls.Full, "passed through"},
		row{"open_by_handle_at", sysOpenByHandleAt, kinds(aInt, aPtr, syscalls.ArgOpenFlags), syscalls.RetInt,
			syscalls.Full, "flags translated"},
	)
}

// twoPaths reads two guest path arguments.
func (t *Thread) twoPaths(a1, a2 uint64) (string, string, uint64) {
	p1, e := t.readPath(a1)
	if e != 0 {
		return "", "", e
	}
	p2, e := t.readPath(a2)
	return p1, p2, e
}

func sysMkdirat(t *Thread, a *Args) uint64 {
	name, e := t.readPath(a[1])
	if e != 0 {
		return e
	}
	return ok(unix.Mkdirat(fdArg(a[0]), name, uint32(a[2])))
}

func sysMknodat(t *Thread, a *Args) uint64 {
	name, e := t.readPath(a[1])
	if e != 0 {
		return e
	}
	return ok(unix.Mknodat(fdArg(a[0]), name, uint32(a[2]), int(a[3])))
}

func sysUnlinkat(t *Thread, a *Args) uint64 {
	name, e := t.readPath(a[1])
	if e != 0 {
		return e
	}
	return ok(unix.Unlinkat(fdArg(a[0]), name, int(int32(a[2]))))
}

func sysRenameat(t *Thread, a *Args) uint64 {
	from, to, e := t.twoPaths(a[1], a[3])
	if e != 0 {
		return e
	}
	return ok(unix.Renameat(fdArg(a[0]), from, fdArg(a[2]), to))
}

func sysRenameat2(t *Thread, a *Args) uint64 {
	from, to, e := t.twoPaths(a[1], a[3])
	if e != 0 {
		return e
	}
	return ok(unix.Renameat2(fdArg(a[0]), from, fdArg(a[2]), to, uint(uint32(a[4]))))
}

func sysSymlinkat(t *Thread, a *Args) uint64 {
	target, name, e := t.twoPaths(a[0], a[2])
	if e != 0 {
		return e
	}
	return ok(unix.Symlinkat(target, fdArg(a[1]), name))
}

func sysLinkat(t *Thread, a *Args) uint64 {
	from, to, e := t.twoPaths(a[1], a[3])
	if e != 0 {
		return e
	}
	return ok(unix.Linkat(fdArg(a[0]), from, fdArg(a[2]), to, int(int32(a[4]))))
}

func sysReadlinkat(t *Thread, a *Args) uint64 {
	name, e := t.readPath(a[1])
	if e != 0 {
		return e
	}
	if int64(a[3]) <= 0 {
		return errno(unix.EINVAL)
	}
	buf, err := t.ioSlice(a[2], a[3], translate.ProtWrite)
	if err != nil {
		return errRet(err)
	}
	if t.p.isProcSelf(fdArg(a[0]), name, "exe") {
		return uint64(copy(buf, t.p.img.Path))
	}
	if pid, file, ok := t.p.peerProcFile(fdArg(a[0]), name); ok && file == "exe" {
		if path, ok := askPeer(pid, file); ok {
			return uint64(copy(buf, path))
		}
	}
	return ret(unix.Readlinkat(fdArg(a[0]), t.p.prefixed(name), buf))
}

func sysFaccessat(t *Thread, a *Args) uint64 {
	name, e := t.readPath(a[1])
	if e != 0 {
		return e
	}
	return ok(unix.Faccessat(fdArg(a[0]), t.p.procPath(name), uint32(a[2]), 0))
}

func sysFaccessat2(t *Thread, a *Args) uint64 {
	name, e := t.readPath(a[1])
	if e != 0 {
		return e
	}
	pathp, err := unix.BytePtrFromString(t.p.procPath(name))
	if err != nil {
		return errno(unix.EINVAL)
	}
	_, _, errn := unix.Syscall6(unix.SYS_FACCESSAT2, uintptr(fdArg(a[0])), uintptr(unsafe.Pointer(pathp)),
		uintptr(a[2]), uintptr(a[3]), 0, 0)
	if errn != 0 {
		return errno(errn)
	}
	return 0
}

func sysFchmodat(t *Thread, a *Args) uint64 {
	name, e := t.readPath(a[1])
	if e != 0 {
		return e
	}
	return ok(unix.Fchmodat(fdArg(a[0]), name, uint32(a[2]), 0))
}

func sysFchownat(t *Thread, a *Args) uint64 {
	name, e := t.readPath(a[1])
	if e != 0 {
		return e
	}
	return ok(unix.Fchownat(fdArg(a[0]), name, int(int32(a[2])), int(int32(a[3])), int(int32(a[4]))))
}

// sysUtimensat passes the two struct timespec (same layout on 64-bit) and
// allows a NULL path (futimens).
func sysUtimensat(t *Thread, a *Args) uint64 {
	var pathp *byte
	if a[1] != 0 {
		name, e := t.readPath(a[1])
		if e != 0 {
			return e
		}
		var err error
		if pathp, err = unix.BytePtrFromString(name); err != nil {
			return errno(unix.EINVAL)
		}
	}
	var ts [2]unix.Timespec
	var tsp unsafe.Pointer
	if a[2] != 0 {
		b, err := t.readBytes(a[2], 2*syscalls.TimespecSize)
		if err != nil {
			return errno(unix.EFAULT)
		}
		copy(structBytes(&ts), b)
		tsp = unsafe.Pointer(&ts)
	}
	_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fdArg(a[0])), uintptr(unsafe.Pointer(pathp)),
		uintptr(tsp), uintptr(a[3]), 0, 0)
	if e != 0 {
		return errno(e)
	}
	return 0
}

func sysTruncate(t *Thread, a *Args) uint64 {
	name, e := t.hostPath(a[0])
	if e != 0 {
		return e
	}
	return ok(unix.Truncate(name, int64(a[1])))
}

func sysStatfs(t *Thread, a *Args) uint64 {
	name, e := t.hostPath(a[0])
	if e != 0 {
		return e
	}
	var st unix.Statfs_t
	if err := unix.Statfs(name, &st); err != nil {
		return errRet(err)
	}
	return t.putBytes(a[1], structBytes(&st)[:statfsSize])
}

func sysGetcwd(t *Thread, a *Args) uint64 {
	buf, err := t.ioSlice(a[0], a[1], translate.ProtWrite)
	if err != nil {
		return errRet(err)
	}
	return ret(unix.Getcwd(buf))
}

func sysChdir(t *Thread, a *Args) uint64 {
	name, e := t.hostPath(a[0])
	if e != 0 {
		return e
	}
	return ok(unix.Chdir(name))
}

func sysFchdir(t *Thread, a *Args) uint64 { return ok(unix.Fchdir(fdArg(a[0]))) }

func sysChroot(t *Thread, a *Args) uint64 {
	name, e := t.hostPath(a[0])
	if e != 0 {
		return e
	}
	return ok(unix.Chroot(name))
}

// File handles (fs/fhandle.c). struct file_handle {u32 handle_bytes; int
// handle_type; u8 f_handle[]} is the same on every target; the host checks
// the sizes (MAX_HANDLE_SZ, EOVERFLOW) and the pointers in its own order.
const (
	fileHandleHdr       = 8
	maxHandleSz         = 128
	atHandleMntIDUnique = 0x001 // the mount id is a u64 (include/uapi/linux/fcntl.h)
)

// handleArg is the host view of a guest struct file_handle.
func (t *Thread) handleArg(addr uint64) uintptr {
	n := uint64(maxHandleSz)
	if v, err := t.p.as.Load32(addr); err == nil {
		n = min(n, uint64(v))
	}
	return t.userRange(addr, fileHandleHdr+n)
}

// pathArg is a guest path for a host call that reads it: the -L prefixed
// copy, or, when gemu cannot read it, the guest pointer itself, so the
// host fails on it after its own argument checks. keep holds the copy.
func (t *Thread) pathArg(addr uint64) (p uintptr, keep []byte) {
	name, e := t.hostPath(addr)
	if e != 0 {
		p, _ = t.userPtr(addr, pathMax)
		return p, nil
	}
	keep = append([]byte(name), 0)
	return uintptr(unsafe.Pointer(&keep[0])), keep
}

func sysNameToHandleAt(t *Thread, a *Args) uint64 {
	path, keep := t.pathArg(a[1])
	idSize := uint64(4)
	if a[4]&atHandleMntIDUnique != 0 {
		idSize = 8
	}
	r := ret(raw(unix.SYS_NAME_TO_HANDLE_AT, uintptr(fdArg(a[0])), path, t.handleArg(a[2]),
		t.userRange(a[3], idSize), uintptr(int32(a[4])), 0))
	runtime.KeepAlive(keep)
	return r
}

func sysOpenByHandleAt(t *Thread, a *Args) uint64 {
	flags := t.p.abi.OpenFlags.ToHost(a[2])
	return ret(raw(unix.SYS_OPEN_BY_HANDLE_AT, uintptr(fdArg(a[0])), t.handleArg(a[1]), uintptr(flags), 0, 0, 0))
}
