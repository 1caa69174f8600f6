package bsduser

import (
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

func init() {
	register(
		def("read", sysRead, aInt, aPtr, aInt),
		def("write", sysWrite, aInt, aPtr, aInt),
		def("pread", sysPread, aInt, aPtr, aInt, aInt),
		def("pwrite", sysPwrite, aInt, aPtr, aInt, aInt),
		def("readv", func(t *Thread, a *Args) uint64 { return vecCall(t, unix.SYS_READV, a) }, aInt, aPtr, aInt),
		def("writev", func(t *Thread, a *Args) uint64 { return vecCall(t, unix.SYS_WRITEV, a) }, aInt, aPtr, aInt),
		def("close", sysClose, aInt),
		def("lseek", sysLseek, aInt, aInt, aInt),
		def("dup", func(t *Thread, a *Args) uint64 { return usermode.Ret(unix.Dup(fdArg(a[0]))) }, aInt),
		def("dup2", sysDup2, aInt, aInt),
		def("pipe2", sysPipe2, aPtr, aHex),
		def("fsync", func(t *Thread, a *Args) uint64 { return usermode.OK(unix.Fsync(fdArg(a[0]))) }, aInt),
		def("fdatasync", func(t *Thread, a *Args) uint64 { return usermode.OK(unix.Fdatasync(fdArg(a[0]))) }, aInt),
		def("ftruncate", func(t *Thread, a *Args) uint64 { return usermode.OK(unix.Ftruncate(fdArg(a[0]), int64(a[1]))) }, aInt, aInt),
		def("fcntl", sysFcntl, aInt, aInt, aHex),
		partial("ioctl", sysIoctl, "FIONBIO, FIOCLEX, FIONCLEX, FIONREAD, TIOCGETA, TIOCGWINSZ", aInt, aHex, aPtr),
		def("getrandom", sysGetrandom, aPtr, aInt, aHex),
	)
}

// fdArg is a descriptor argument (an int: the upper half is ignored).
func fdArg(v uint64) int { return int(int32(v)) }

func sysRead(t *Thread, a *Args) uint64 {
	b, err := t.IOSlice(a[1], a[2], translate.ProtWrite)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return t.BufCall(unix.SYS_READ, fdArg(a[0]), b, unix.SO_RCVTIMEO)
}

func sysWrite(t *Thread, a *Args) uint64 {
	b, err := t.IOSlice(a[1], a[2], translate.ProtRead)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return raisePipe(t, t.BufCall(unix.SYS_WRITE, fdArg(a[0]), b, unix.SO_SNDTIMEO))
}

// raisePipe sends SIGPIPE to a writer that got EPIPE, as FreeBSD's
// dofilewrite does (sys/kern/sys_generic.c).
func raisePipe(t *Thread, r uint64) uint64 {
	if r == usermode.Errno(unix.EPIPE) {
		t.P.Send(t, t, t.SenderInfo(int(unix.SIGPIPE), usermode.SiUser))
	}
	return r
}

func sysPread(t *Thread, a *Args) uint64 {
	p, n := t.UserPtr(a[1], a[2])
	return t.Interruptible(usermode.RestartSys, func() (int, error) {
		return usermode.Raw(unix.SYS_PREAD64, uintptr(fdArg(a[0])), p, uintptr(n), uintptr(a[3]), 0, 0)
	})
}

func sysPwrite(t *Thread, a *Args) uint64 {
	p, n := t.UserPtr(a[1], a[2])
	return raisePipe(t, t.Interruptible(usermode.RestartSys, func() (int, error) {
		return usermode.Raw(unix.SYS_PWRITE64, uintptr(fdArg(a[0])), p, uintptr(n), uintptr(a[3]), 0, 0)
	}))
}

// vecCall is readv or writev: struct iovec is the host's ({base, len},
// LP64), so the vector is copied with its bases made host addresses.
func vecCall(t *Thread, nr uintptr, a *Args) uint64 {
	iov, p := t.HostIovecs(a[1], a[2])
	r := t.Interruptible(usermode.RestartSys, func() (int, error) {
		return usermode.Raw(nr, uintptr(fdArg(a[0])), p, uintptr(a[2]), 0, 0, 0)
	})
	runtime.KeepAlive(iov)
	if nr == unix.SYS_WRITEV {
		r = raisePipe(t, r)
	}
	return r
}

func sysClose(t *Thread, a *Args) uint64 {
	fd := fdArg(a[0])
	if usermode.IsHostFD(fd) {
		return usermode.Errno(unix.EBADF)
	}
	forgetKqueue(t.P, fd)
	return usermode.OK(unix.Close(fd))
}

func sysLseek(t *Thread, a *Args) uint64 {
	// SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA (3), SEEK_HOLE (4) are
	// Linux's numbers too (FreeBSD sys/sys/unistd.h).
	off, err := unix.Seek(fdArg(a[0]), int64(a[1]), int(int32(a[2])))
	return usermode.Ret(int(off), err)
}

func sysDup2(t *Thread, a *Args) uint64 {
	from, to := fdArg(a[0]), fdArg(a[1])
	if usermode.IsHostFD(to) || usermode.IsHostFD(from) {
		return usermode.Errno(unix.EBADF)
	}
	if from == to {
		_, err := unix.FcntlInt(uintptr(from), unix.F_GETFD, 0)
		return usermode.Ret(to, err)
	}
	return dupOnto(t, from, to, 0)
}

// dupOnto is dup2 and F_DUP2FD: what to was is closed, a kqueue's state
// with it.
func dupOnto(t *Thread, from, to, flags int) uint64 {
	if err := unix.Dup3(from, to, flags); err != nil {
		return usermode.ErrRet(err)
	}
	forgetKqueue(t.P, to)
	return uint64(to)
}

// sysPipe2 writes the two descriptors as ints; flags are O_CLOEXEC and
// O_NONBLOCK (sys/kern/sys_pipe.c kern_pipe).
func sysPipe2(t *Thread, a *Args) uint64 {
	flags, rest := freebsd.OpenFlags.ToLinux(a[1])
	if rest != 0 || flags&^uint64(unix.O_CLOEXEC|unix.O_NONBLOCK) != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	var fds [2]int
	if err := unix.Pipe2(fds[:], int(flags)); err != nil {
		return usermode.ErrRet(err)
	}
	if t.Store32(a[0], uint32(fds[0])) != nil || t.Store32(a[0]+4, uint32(fds[1])) != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return usermode.Errno(unix.EFAULT)
	}
	return 0
}

func sysGetrandom(t *Thread, a *Args) uint64 {
	// GRND_NONBLOCK 1, GRND_RANDOM 2, GRND_INSECURE 4: Linux's values
	// (FreeBSD sys/sys/random.h).
	p, n := t.UserPtr(a[0], a[1])
	return t.Interruptible(usermode.RestartSys, func() (int, error) {
		return usermode.Raw(unix.SYS_GETRANDOM, p, uintptr(n), uintptr(a[2]&7), 0, 0, 0)
	})
}
