package linuxuser

import (
	"runtime"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

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

// strArg is a guest path or string argument for a host call: a host
// copy (through conv, when given), or, when the guest's cannot be read or
// is longer than PATH_MAX, the guest's own host view, which the host
// kernel fails on (EFAULT, ENAMETOOLONG) when it reads it, after the
// checks it makes first (fs/namei.c: renameat2 checks its flags before
// either name, and walks the old name before reading the new one's error).
// NULL stays NULL. keep holds the copy until the call returns.
func strArg(t *Thread, addr uint64, conv func(string) string) (p uintptr, keep []byte) {
	if addr == 0 {
		return 0, nil
	}
	s, e := t.ReadPath(addr)
	if e != 0 {
		return t.UserRange(addr, 1), nil
	}
	if conv != nil {
		s = conv(s)
	}
	keep = make([]byte, len(s)+1) // on the heap: its address stays put
	copy(keep, s)
	return uintptr(unsafe.Pointer(&keep[0])), keep
}

// pathCall runs host call nr with the guest's arguments, those at the
// indexes in paths being path names (strArg through conv): the host
// kernel checks them all in its own order.
func pathCall(t *Thread, nr uintptr, a *Args, conv func(string) string, paths ...int) uint64 {
	var args [6]uintptr
	var keep [6][]byte
	for i := range args {
		args[i] = uintptr(a[i])
	}
	for _, i := range paths {
		args[i], keep[i] = strArg(t, a[i], conv)
	}
	r := usermode.Ret(usermode.Raw(nr, args[0], args[1], args[2], args[3], args[4], args[5]))
	runtime.KeepAlive(&keep)
	return r
}

func sysMkdirat(t *Thread, a *Args) uint64   { return pathCall(t, unix.SYS_MKDIRAT, a, nil, 1) }
func sysMknodat(t *Thread, a *Args) uint64   { return pathCall(t, unix.SYS_MKNODAT, a, nil, 1) }
func sysUnlinkat(t *Thread, a *Args) uint64  { return pathCall(t, unix.SYS_UNLINKAT, a, nil, 1) }
func sysRenameat(t *Thread, a *Args) uint64  { return pathCall(t, unix.SYS_RENAMEAT, a, nil, 1, 3) }
func sysRenameat2(t *Thread, a *Args) uint64 { return pathCall(t, unix.SYS_RENAMEAT2, a, nil, 1, 3) }
func sysSymlinkat(t *Thread, a *Args) uint64 { return pathCall(t, unix.SYS_SYMLINKAT, a, nil, 0, 2) }
func sysLinkat(t *Thread, a *Args) uint64    { return pathCall(t, unix.SYS_LINKAT, a, nil, 1, 3) }
func sysFchmodat(t *Thread, a *Args) uint64  { return pathCall(t, unix.SYS_FCHMODAT, a, nil, 1) }
func sysFchownat(t *Thread, a *Args) uint64  { return pathCall(t, unix.SYS_FCHOWNAT, a, nil, 1) }
func sysFaccessat(t *Thread, a *Args) uint64 {
	return pathCall(t, unix.SYS_FACCESSAT, a, func(name string) string { return procPath(t.P, name) }, 1)
}
func sysFaccessat2(t *Thread, a *Args) uint64 {
	return pathCall(t, unix.SYS_FACCESSAT2, a, func(name string) string { return procPath(t.P, name) }, 1)
}
func sysTruncate(t *Thread, a *Args) uint64 {
	return pathCall(t, unix.SYS_TRUNCATE, a, t.P.Prefixed, 0)
}
func sysChdir(t *Thread, a *Args) uint64  { return pathCall(t, unix.SYS_CHDIR, a, t.P.Prefixed, 0) }
func sysChroot(t *Thread, a *Args) uint64 { return pathCall(t, unix.SYS_CHROOT, a, t.P.Prefixed, 0) }

// sysReadlinkat: the size is an int checked first, the buffer is written
// last (fs/stat.c do_readlinkat: EINVAL for a size <= 0 or a file that is
// no symlink comes before EFAULT).
func sysReadlinkat(t *Thread, a *Args) uint64 {
	n := int32(a[3])
	if n <= 0 {
		return usermode.Errno(unix.EINVAL)
	}
	name, e := t.ReadPath(a[1])
	if e != 0 {
		return e
	}
	path, emulated := "", false
	if isProcSelf(t.P, fdArg(a[0]), name, "exe") {
		path, emulated = t.P.Image().Path, true
	} else if pid, file, ok := t.P.PeerProcFile(fdArg(a[0]), name); ok && file == "exe" {
		if b, ok := usermode.AskPeer(pid, file); ok {
			path, emulated = string(b), true
		}
	}
	if emulated {
		buf, err := t.IOSlice(a[2], uint64(n), translate.ProtWrite)
		if err != nil {
			return usermode.ErrRet(err)
		}
		return uint64(copy(buf, path))
	}
	args := *a
	args[3] = uint64(n)
	args[2] = uint64(t.UserRange(a[2], uint64(n)))
	return pathCall(t, unix.SYS_READLINKAT, &args, t.P.Prefixed, 1)
}

// sysUtimensat passes the two struct timespec (same layout on 64-bit) and
// allows a NULL path (futimens).
func sysUtimensat(t *Thread, a *Args) uint64 {
	var pathp *byte
	if a[1] != 0 {
		name, e := t.ReadPath(a[1])
		if e != 0 {
			return e
		}
		var err error
		if pathp, err = unix.BytePtrFromString(name); err != nil {
			return usermode.Errno(unix.EINVAL)
		}
	}
	var ts [2]unix.Timespec
	var tsp unsafe.Pointer
	if a[2] != 0 {
		b, err := t.ReadBytes(a[2], 2*linux.TimespecSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		copy(usermode.StructBytes(&ts), b)
		tsp = unsafe.Pointer(&ts)
	}
	_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fdArg(a[0])), uintptr(unsafe.Pointer(pathp)),
		uintptr(tsp), uintptr(a[3]), 0, 0)
	if e != 0 {
		return usermode.Errno(e)
	}
	return 0
}

// sysStatfs: struct statfs is the same on x86_64 and the guests
// (statfsSize): the host writes the guest's, after the path walk.
func sysStatfs(t *Thread, a *Args) uint64 {
	args := *a
	args[1] = uint64(t.UserRange(a[1], statfsSize))
	return pathCall(t, unix.SYS_STATFS, &args, t.P.Prefixed, 0)
}

// sysGetcwd: the host writes the guest's buffer; a size too small is
// ERANGE before the buffer is touched (fs/d_path.c getcwd).
func sysGetcwd(t *Thread, a *Args) uint64 {
	buf, _ := t.UserPtr(a[0], a[1])
	return usermode.Ret(usermode.Raw(unix.SYS_GETCWD, buf, uintptr(a[1]), 0, 0, 0, 0))
}

func sysFchdir(t *Thread, a *Args) uint64 { return usermode.OK(unix.Fchdir(fdArg(a[0]))) }

// File handles (fs/fhandle.c). struct file_handle {u32 handle_bytes; int
// handle_type; u8 f_handle[]} is the same on every target; the host checks
// the sizes (MAX_HANDLE_SZ, EOVERFLOW) and the pointers in its own order.
const (
	fileHandleHdr       = 8
	maxHandleSz         = 128
	atHandleMntIDUnique = 0x001 // the mount id is a u64 (include/uapi/linux/fcntl.h)
)

// handleArg is the host view of a guest struct file_handle.
func handleArg(t *Thread, addr uint64) uintptr {
	n := uint64(maxHandleSz)
	if v, err := t.P.AS.Load32(addr); err == nil {
		n = min(n, uint64(v))
	}
	return t.UserRange(addr, fileHandleHdr+n)
}

// pathArg is a guest path for a host call that reads it: the -L prefixed
// copy, or, when gemu cannot read it, the guest pointer itself, so the
// host fails on it after its own argument checks. keep holds the copy.
func pathArg(t *Thread, addr uint64) (p uintptr, keep []byte) {
	name, e := t.HostPath(addr)
	if e != 0 {
		p, _ = t.UserPtr(addr, usermode.PathMax)
		return p, nil
	}
	keep = append([]byte(name), 0)
	return uintptr(unsafe.Pointer(&keep[0])), keep
}

func sysNameToHandleAt(t *Thread, a *Args) uint64 {
	path, keep := pathArg(t, a[1])
	idSize := uint64(4)
	if a[4]&atHandleMntIDUnique != 0 {
		idSize = 8
	}
	r := usermode.Ret(usermode.Raw(unix.SYS_NAME_TO_HANDLE_AT, uintptr(fdArg(a[0])), path, handleArg(t, a[2]),
		t.UserRange(a[3], idSize), uintptr(int32(a[4])), 0))
	runtime.KeepAlive(keep)
	return r
}

func sysOpenByHandleAt(t *Thread, a *Args) uint64 {
	flags := t.P.ABI.OpenFlags.ToHost(a[2])
	return usermode.Ret(usermode.Raw(unix.SYS_OPEN_BY_HANDLE_AT, uintptr(fdArg(a[0])), handleArg(t, a[1]), uintptr(flags), 0, 0, 0))
}
