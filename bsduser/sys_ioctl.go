package bsduser

import (
	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/usermode"
)

// FreeBSD ioctl numbers (sys/sys/filio.h, sys/sys/ttycom.h): _IO, _IOR
// and _IOW with FreeBSD's direction bits (IOC_VOID 0x20000000, IOC_OUT
// 0x40000000, IOC_IN 0x80000000) and the size in bits 16-28.
const (
	fioclex    = 0x20006601
	fionclex   = 0x20006602
	fionread   = 0x4004667f
	fionbio    = 0x8004667e
	tiocgeta   = 0x402c7413 // struct termios, 44 bytes
	tiocgwinsz = 0x40087468 // struct winsize, the host's layout
	termiosLen = 44
)

// sysIoctl handles the calls libc and Go make on descriptors; others are
// ENOTTY, named under -d unimp.
func sysIoctl(t *Thread, a *Args) uint64 {
	fd, req := fdArg(a[0]), uint32(a[1])
	if usermode.IsHostFD(fd) {
		return usermode.Errno(unix.EBADF)
	}
	switch req {
	case fioclex:
		return usermode.Ret(unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC))
	case fionclex:
		return usermode.Ret(unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0))
	case fionbio:
		v, err := t.ReadBytes(a[2], 4)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		return usermode.OK(unix.SetNonblock(fd, v[0]|v[1]|v[2]|v[3] != 0))
	case fionread:
		n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
		if err != nil {
			return usermode.ErrRet(err)
		}
		return usermode.OK(t.Store32(a[2], uint32(n)))
	case tiocgwinsz:
		ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
		if err != nil {
			return usermode.ErrRet(err)
		}
		return usermode.OK(t.WriteBytes(a[2], usermode.StructBytes(ws)))
	case tiocgeta:
		return tcgetattr(t, fd, a[2])
	}
	t.P.Unimp("gemu: FreeBSD ioctl %#x not supported", req)
	return usermode.Errno(unix.ENOTTY)
}

// tcgetattr answers TIOCGETA for a terminal with FreeBSD's struct
// termios: four tcflag_t flags, c_cc[20], c_ispeed, c_ospeed (sys/sys/
// _termios.h). The flags and control characters are not translated yet:
// the call's use here is isatty(3).
func tcgetattr(t *Thread, fd int, addr uint64) uint64 {
	tio, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return usermode.ErrRet(err)
	}
	b := make([]byte, termiosLen)
	le.PutUint32(b[36:], tio.Ispeed)
	le.PutUint32(b[40:], tio.Ospeed)
	return usermode.OK(t.WriteBytes(addr, b))
}
