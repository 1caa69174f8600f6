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

// File I/O: guest buffers are read and written in place (zero copy)
// through the address space; descriptors are host descriptors.

func init() {
	register(
		row{"read", sysRead, kinds(aInt, aHex, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"write", sysWrite, kinds(aInt, aHex, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"readv", sysReadv, kinds(aInt, aPtr, aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"writev", sysWritev, kinds(aInt, aPtr, aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"pread64", sysPread, kinds(aInt, aHex, aLong, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"pwrite64", sysPwrite, kinds(aInt, aHex, aLong, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"preadv", sysPreadv, kinds(aInt, aPtr, aInt, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"pwritev", sysPwritev, kinds(aInt, aPtr, aInt, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"preadv2", sysPreadv2, kinds(aInt, aPtr, aInt, aLong, aLong, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"pwritev2", sysPwritev2, kinds(aInt, aPtr, aInt, aLong, aLong, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"lseek", sysLseek, kinds(aInt, aLong, aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"openat2", sysOpenat2, kinds(aDirFD, aStr, aPtr, aLong), syscalls.RetInt, syscalls.Full,
			"flags translated; RESOLVE_* as the host has them"},
		row{"openat", sysOpenat, kinds(aDirFD, aStr, syscalls.ArgOpenFlags, syscalls.ArgOpenMode), syscalls.RetInt,
			syscalls.Full, "-L prefix; /proc/self/{exe,auxv,cmdline,maps} emulated"},
		row{"close", sysClose, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"fstat", sysFstat, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Full, "asm-generic struct stat"},
		row{"newfstatat", sysNewfstatat, kinds(aDirFD, aStr, aPtr, aHex), syscalls.RetInt, syscalls.Full, "asm-generic struct stat"},
		row{"statx", sysStatx, kinds(aDirFD, aStr, aHex, aHex, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"getdents64", sysGetdents64, kinds(aInt, aPtr, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"fsync", sysFsync, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"fdatasync", sysFdatasync, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"ftruncate", sysFtruncate, kinds(aInt, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"fallocate", sysFallocate, kinds(aInt, aHex, aLong, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"fadvise64", sysFadvise, kinds(aInt, aLong, aLong, aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"fstatfs", sysFstatfs, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"fchmod", sysFchmod, kinds(aInt, aOct), syscalls.RetInt, syscalls.Full, ""},
		row{"fchown", sysFchown, kinds(aInt, aInt, aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"sendfile", sysSendfile, kinds(aInt, aInt, aPtr, aLong), syscalls.RetInt, syscalls.Full, ""},
	)
}

func fdArg(v uint64) int { return int(int32(v)) }

func sysRead(t *Thread, a *Args) uint64 {
	if m, ok := signalfdMask(fdArg(a[0])); ok {
		return readSignalfd(t, fdArg(a[0]), m, a[1], a[2])
	}
	b, err := t.IOSlice(a[1], a[2], translate.ProtWrite)
	if err != nil {
		return unmappedIO(t, unix.SYS_READ, a)
	}
	// A socket with SO_RCVTIMEO fails with EINTR rather than restart
	// (net/core/sock.c sock_intr_errno, for read as for recv).
	return uffdRead(t, fdArg(a[0]), b, t.BufCall(unix.SYS_READ, fdArg(a[0]), b, unix.SO_RCVTIMEO))
}

func sysWrite(t *Thread, a *Args) uint64 {
	b, err := t.IOSlice(a[1], a[2], translate.ProtRead)
	if err != nil {
		return unmappedIO(t, unix.SYS_WRITE, a)
	}
	return raisePipe(t, t.BufCall(unix.SYS_WRITE, fdArg(a[0]), b, unix.SO_SNDTIMEO))
}

// raisePipe sends SIGPIPE to the writer on EPIPE, as the kernel's pipe and
// socket writes do (fs/pipe.c pipe_write: send_sig(SIGPIPE, current, 0)).
func raisePipe(t *Thread, r uint64) uint64 {
	if r == usermode.Errno(unix.EPIPE) {
		t.P.Send(t, t, t.SenderInfo(linux.SIGPIPE, usermode.SiUser))
	}
	return r
}

func sysPread(t *Thread, a *Args) uint64 {
	b, err := t.IOSlice(a[1], a[2], translate.ProtWrite)
	if err != nil {
		return unmappedIO(t, unix.SYS_PREAD64, a)
	}
	return usermode.Ret(unix.Pread(fdArg(a[0]), b, int64(a[3])))
}

func sysPwrite(t *Thread, a *Args) uint64 {
	b, err := t.IOSlice(a[1], a[2], translate.ProtRead)
	if err != nil {
		return unmappedIO(t, unix.SYS_PWRITE64, a)
	}
	return usermode.Ret(unix.Pwrite(fdArg(a[0]), b, int64(a[3])))
}

// unmappedIO runs read, write, pread64 or pwrite64 (nr) for a buffer whose
// first byte the guest cannot access: the host gets the buffer's host view
// (userRange), so it answers as the kernel would for the guest's: EBADF
// for a bad descriptor, 0 at end of file without touching the buffer,
// EFAULT when it does touch it (fs/read_write.c).
func unmappedIO(t *Thread, nr uintptr, a *Args) uint64 {
	buf := t.UserRange(a[1], a[2])
	return t.Interruptible(usermode.RestartSys, func() (int, error) {
		return usermode.Raw(nr, uintptr(fdArg(a[0])), buf, uintptr(a[2]), uintptr(a[3]), 0, 0)
	})
}

// vecCall runs readv, writev, preadv, pwritev, preadv2 or pwritev2 (nr)
// with the guest's vector; opt is the socket timeout that makes an
// interrupted call fail with EINTR.
func vecCall(t *Thread, nr uintptr, a *Args, opt int) uint64 {
	fd := fdArg(a[0])
	iov, p := t.HostIovecs(a[1], a[2])
	r := t.SockCall(fd, opt, func() (int, error) {
		return usermode.Raw(nr, uintptr(fd), p, uintptr(a[2]), uintptr(a[3]), uintptr(a[4]), uintptr(a[5]))
	})
	runtime.KeepAlive(iov)
	if opt == unix.SO_SNDTIMEO {
		r = raisePipe(t, r)
	}
	return r
}

func sysReadv(t *Thread, a *Args) uint64 {
	return uffdReadv(t, fdArg(a[0]), a[1], a[2], vecCall(t, unix.SYS_READV, a, unix.SO_RCVTIMEO))
}
func sysWritev(t *Thread, a *Args) uint64  { return vecCall(t, unix.SYS_WRITEV, a, unix.SO_SNDTIMEO) }
func sysPreadv(t *Thread, a *Args) uint64  { return vecCall(t, unix.SYS_PREADV, a, unix.SO_RCVTIMEO) }
func sysPwritev(t *Thread, a *Args) uint64 { return vecCall(t, unix.SYS_PWRITEV, a, unix.SO_SNDTIMEO) }
func sysPreadv2(t *Thread, a *Args) uint64 { return vecCall(t, unix.SYS_PREADV2, a, unix.SO_RCVTIMEO) }
func sysPwritev2(t *Thread, a *Args) uint64 {
	return vecCall(t, unix.SYS_PWRITEV2, a, unix.SO_SNDTIMEO)
}

func sysLseek(t *Thread, a *Args) uint64 {
	n, err := unix.Seek(fdArg(a[0]), int64(a[1]), int(int32(a[2])))
	return usermode.Ret(int(n), err)
}

func sysOpenat(t *Thread, a *Args) uint64 {
	dirfd, flags, mode := fdArg(a[0]), t.P.ABI.OpenFlags.ToHost(a[2]), uint32(a[3])
	name, e := t.ReadPath(a[1])
	if e != 0 {
		return e
	}
	if fd, handled := openProc(t.P, dirfd, name, int(flags)); handled {
		return fd
	}
	return usermode.Ret(unix.Openat(dirfd, t.P.Prefixed(name), int(flags), mode))
}

// openHowSize is struct open_how {flags, mode, resolve: u64}, the same on
// every architecture (Linux include/uapi/linux/openat2.h, OPEN_HOW_SIZE_VER0).
const openHowSize = 24

// sysOpenat2 is openat with struct open_how: the flags are the guest's
// open flags, translated; a larger struct must be zero past what gemu
// knows (E2BIG), as the kernel's copy_struct_from_user requires.
func sysOpenat2(t *Thread, a *Args) uint64 {
	b, e := readExtensible(t, a[2], a[3], openHowSize, openHowSize)
	if e != 0 {
		return e
	}
	how := unix.OpenHow{Flags: t.P.ABI.OpenFlags.ToHost(usermode.LE.Uint64(b[0:])), Mode: usermode.LE.Uint64(b[8:]), Resolve: usermode.LE.Uint64(b[16:])}
	name, e := t.ReadPath(a[1])
	if e != 0 {
		return e
	}
	dirfd := fdArg(a[0])
	if fd, handled := openProcHow(t.P, dirfd, name, int(how.Flags), how.Resolve); handled {
		return fd
	}
	return usermode.Ret(unix.Openat2(dirfd, t.P.Prefixed(name), &how))
}

func sysClose(t *Thread, a *Args) uint64 {
	if usermode.IsHostFD(fdArg(a[0])) {
		return usermode.Errno(unix.EBADF)
	}
	forgetSignalfd(fdArg(a[0]))
	return usermode.OK(unix.Close(fdArg(a[0])))
}

// putStat converts a host stat into the guest's asm-generic struct stat.
func putStat(t *Thread, addr uint64, st *unix.Stat_t) uint64 {
	var b [linux.StatSize]byte
	g := linux.StatFromHost(st)
	g.Encode(b[:])
	if t.WriteBytes(addr, b[:]) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return 0
}

func sysFstat(t *Thread, a *Args) uint64 {
	var st unix.Stat_t
	if err := unix.Fstat(fdArg(a[0]), &st); err != nil {
		return usermode.ErrRet(err)
	}
	return putStat(t, a[1], &st)
}

func sysNewfstatat(t *Thread, a *Args) uint64 {
	p, e := statPath(t, a[1], a[3])
	if e != 0 {
		return e
	}
	var st unix.Stat_t
	_, _, en := unix.Syscall6(unix.SYS_NEWFSTATAT, uintptr(fdArg(a[0])), uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(&st)), uintptr(int32(a[3])), 0, 0)
	if en != 0 {
		return usermode.Errno(en)
	}
	return putStat(t, a[2], &st)
}

// statPath is the host path of a stat call's guest path: NULL stays NULL
// with AT_EMPTY_PATH, which then means the descriptor itself as "" does
// (fs/namei.c getname_maybe_null, Linux 6.11); the host kernel decides.
func statPath(t *Thread, addr, flags uint64) (*byte, uint64) {
	if addr == 0 && flags&unix.AT_EMPTY_PATH != 0 {
		return nil, 0
	}
	name, e := t.ReadPath(addr)
	if e != 0 {
		return nil, e
	}
	p, err := unix.BytePtrFromString(procPath(t.P, name))
	if err != nil {
		return nil, usermode.Errno(unix.EINVAL)
	}
	return p, 0
}

// statxSize is sizeof(struct statx), arch-independent (Linux include/uapi/linux/stat.h).
const statxSize = 256

func sysStatx(t *Thread, a *Args) uint64 {
	p, e := statPath(t, a[1], a[2])
	if e != 0 {
		return e
	}
	var st unix.Statx_t
	_, _, en := unix.Syscall6(unix.SYS_STATX, uintptr(fdArg(a[0])), uintptr(unsafe.Pointer(p)), uintptr(int32(a[2])), uintptr(uint32(a[3])), uintptr(unsafe.Pointer(&st)), 0)
	if en != 0 {
		return usermode.Errno(en)
	}
	b, err := t.P.AS.Slice(a[4], statxSize, translate.ProtWrite)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	copy(b, usermode.StructBytes(&st))
	return 0
}

func sysGetdents64(t *Thread, a *Args) uint64 {
	// struct linux_dirent64 has the same layout on host and guest.
	fd, count := fdArg(a[0]), uint32(a[2])
	b, err := t.IOSlice(a[1], uint64(count), translate.ProtWrite)
	if err != nil || int32(count) < 0 {
		// The host checks the descriptor before the buffer and takes
		// the count as an int (fs/readdir.c: EINVAL past INT_MAX).
		return usermode.Ret(usermode.Raw(unix.SYS_GETDENTS64, uintptr(fd), t.UserRange(a[1], uint64(count)), uintptr(count), 0, 0, 0))
	}
	for {
		n, err := unix.Getdents(fd, b)
		if err != nil || n == 0 || !usermode.IsOwnFDDir(fd) {
			return usermode.Ret(n, err)
		}
		if n = usermode.HideHostFDs(b[:n]); n > 0 {
			return uint64(n)
		}
	}
}

func sysFsync(t *Thread, a *Args) uint64     { return usermode.OK(unix.Fsync(fdArg(a[0]))) }
func sysFdatasync(t *Thread, a *Args) uint64 { return usermode.OK(unix.Fdatasync(fdArg(a[0]))) }
func sysFtruncate(t *Thread, a *Args) uint64 {
	return usermode.OK(unix.Ftruncate(fdArg(a[0]), int64(a[1])))
}

func sysFallocate(t *Thread, a *Args) uint64 {
	return usermode.OK(unix.Fallocate(fdArg(a[0]), uint32(a[1]), int64(a[2]), int64(a[3])))
}

func sysFadvise(t *Thread, a *Args) uint64 {
	return usermode.OK(unix.Fadvise(fdArg(a[0]), int64(a[1]), int64(a[2]), int(int32(a[3]))))
}

// struct statfs is 120 bytes with the same layout on x86_64 and the
// 64-bit asm-generic targets (Linux include/uapi/asm-generic/statfs.h).
const statfsSize = 120

func sysFstatfs(t *Thread, a *Args) uint64 {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fdArg(a[0]), &st); err != nil {
		return usermode.ErrRet(err)
	}
	return putBytes(t, a[1], usermode.StructBytes(&st)[:statfsSize])
}

func putBytes(t *Thread, addr uint64, b []byte) uint64 {
	if t.WriteBytes(addr, b) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return 0
}

func sysFchmod(t *Thread, a *Args) uint64 { return usermode.OK(unix.Fchmod(fdArg(a[0]), uint32(a[1]))) }

func sysFchown(t *Thread, a *Args) uint64 {
	return usermode.OK(unix.Fchown(fdArg(a[0]), int(int32(a[1])), int(int32(a[2]))))
}

func sysSendfile(t *Thread, a *Args) uint64 {
	var off int64
	var offp *int64
	if a[2] != 0 {
		v, err := t.P.AS.Load64(a[2])
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		off, offp = int64(v), &off
	}
	// sendfile(out_fd, in_fd, offset, count); blocking on a socket or pipe.
	r := raisePipe(t, t.Interruptible(usermode.RestartSys, func() (int, error) {
		return unix.Sendfile(fdArg(a[0]), fdArg(a[1]), offp, int(a[3]))
	}))
	if offp != nil && t.P.AS.Store64(a[2], uint64(off)) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return r
}
