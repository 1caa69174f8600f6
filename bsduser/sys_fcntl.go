package bsduser

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

// sysFcntl translates the command and, for the status flags and locks,
// the argument (FreeBSD sys/sys/fcntl.h; sys/kern/kern_descrip.c).
func sysFcntl(t *Thread, a *Args) uint64 {
	fd, cmd := fdArg(a[0]), int(int32(a[1]))
	if usermode.IsHostFD(fd) {
		return usermode.Errno(unix.EBADF)
	}
	switch cmd {
	case freebsd.F_GETFL:
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			return usermode.ErrRet(err)
		}
		return freebsd.OpenFlagsFromLinux(uint64(fl))
	case freebsd.F_SETFL:
		fl, _ := freebsd.OpenFlagsToLinux(a[2])
		return usermode.Ret(unix.FcntlInt(uintptr(fd), unix.F_SETFL, int(fl)))
	case freebsd.F_DUP2FD, freebsd.F_DUP2FD_CLOEXEC:
		to := fdArg(a[2])
		if usermode.IsHostFD(to) {
			return usermode.Errno(unix.EBADF)
		}
		flags := 0
		if cmd == freebsd.F_DUP2FD_CLOEXEC {
			flags = unix.O_CLOEXEC
		}
		if to == fd {
			return usermode.Ret(unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0))
		}
		return dupOnto(t, fd, to, flags)
	case freebsd.F_GETLK, freebsd.F_SETLK, freebsd.F_SETLKW:
		return lockCall(t, fd, cmd, a[2])
	}
	host, ok := freebsd.FcntlCmdToLinux(cmd)
	if !ok {
		t.P.Unimp("gemu: FreeBSD fcntl command %d not supported", cmd)
		return usermode.Errno(unix.EINVAL)
	}
	return usermode.Ret(unix.FcntlInt(uintptr(fd), host, int(a[2])))
}

// lockCall is F_GETLK, F_SETLK and F_SETLKW on struct flock.
func lockCall(t *Thread, fd, cmd int, addr uint64) uint64 {
	g, err := t.ReadBytes(addr, freebsd.FlockSize)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	fl := freebsd.FlockToLinux(g)
	host, _ := freebsd.FcntlCmdToLinux(cmd)
	r := t.Interruptible(usermode.RestartSys, func() (int, error) {
		return usermode.Raw(unix.SYS_FCNTL, uintptr(fd), uintptr(host), uintptr(unsafe.Pointer(&fl)), 0, 0, 0)
	})
	if cmd == freebsd.F_GETLK && !usermode.IsErr(r) {
		freebsd.FlockFromLinux(&fl, g)
		if t.WriteBytes(addr, g) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return r
}
