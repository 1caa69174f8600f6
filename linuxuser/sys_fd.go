package linuxuser

import (
	"encoding/binary"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// Descriptor control: fcntl, dup, pipes, terminal ioctls.

func init() {
	register(
		row{"fcntl", sysFcntl, kinds(aInt, syscalls.ArgFcntlCmd, syscalls.ArgFcntlArg), syscalls.RetInt, syscalls.Full,
			"open flags translated"},
		row{"dup", sysDup, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"dup3", sysDup3, kinds(aInt, aInt, syscalls.ArgOpenFlags), syscalls.RetInt, syscalls.Full, ""},
		row{"pipe2", sysPipe2, kinds(aPtr, syscalls.ArgOpenFlags), syscalls.RetInt, syscalls.Full, ""},
		row{"ioctl", sysIoctl, kinds(aInt, aHex, aHex), syscalls.RetInt, syscalls.Partial,
			"terminal and pty ioctls (TCGETS, TCSETS*, TIOCGWINSZ, TIOCSCTTY, TIOCGPTN, ...), FIO*, SIOCGIF*, loop devices (LOOP_*), BLK* queries; others ENOTTY"},
	)
}

func sysFcntl(t *Thread, a *Args) uint64 {
	fd, cmd, arg := fdArg(a[0]), int(int32(a[1])), a[2]
	flags := t.P.ABI.OpenFlags
	switch cmd {
	case linux.FGetfl:
		r, err := unix.FcntlInt(uintptr(fd), cmd, 0)
		if err != nil {
			return usermode.ErrRet(err)
		}
		return flags.FromHost(uint64(uint32(r)))
	case linux.FSetfl:
		return usermode.Ret(unix.FcntlInt(uintptr(fd), cmd, int(flags.ToHost(arg))))
	case linux.FGetlk, linux.FSetlk, linux.FSetlkw, linux.FOfdGetlk, linux.FOfdSetlk,
		linux.FOfdSetlkw, linux.FGetownEx, linux.FSetownEx, linux.FGetRwHint, linux.FSetRwHint:
		// struct flock (32 bytes), struct f_owner_ex (8) and the u64
		// write hint have the same layout on x86_64 and the 64-bit
		// asm-generic targets. The host reads the guest's struct through
		// its host view, after its descriptor checks (fs/fcntl.c: EBADF
		// for an O_PATH descriptor before the copy).
		size := uint64(32)
		if cmd == linux.FGetownEx || cmd == linux.FSetownEx || cmd == linux.FGetRwHint || cmd == linux.FSetRwHint {
			size = 8
		}
		return usermode.Ret(usermode.Raw(unix.SYS_FCNTL, uintptr(fd), uintptr(cmd), t.UserRange(arg, size), 0, 0, 0))
	case linux.FDupfd, linux.FDupfdCloexec, linux.FGetfd, linux.FSetfd, linux.FSetown,
		linux.FGetown, linux.FSetsig, linux.FGetsig, linux.FSetlease, linux.FGetlease,
		linux.FNotify, linux.FSetpipeSz, linux.FGetpipeSz, linux.FAddSeals, linux.FGetSeals,
		linux.FDupfdQuery, linux.FCreatedQuery:
		return usermode.Ret(unix.FcntlInt(uintptr(fd), cmd, int(int32(arg))))
	}
	// An unknown command is EINVAL, after the descriptor: EBADF for a
	// closed or O_PATH one (fs/fcntl.c: fdget_raw, check_fcntl_cmd).
	if !fdUsable(fd) {
		return usermode.Errno(unix.EBADF)
	}
	return usermode.Errno(unix.EINVAL)
}

func sysDup(t *Thread, a *Args) uint64 { return usermode.Ret(unix.Dup(fdArg(a[0]))) }

func sysDup3(t *Thread, a *Args) uint64 {
	if a[2]&^uint64(linux.OCloexec) != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if usermode.IsHostFD(fdArg(a[0])) || usermode.IsHostFD(fdArg(a[1])) {
		return usermode.Errno(unix.EBADF)
	}
	return usermode.Ret(fdArg(a[1]), unix.Dup3(fdArg(a[0]), fdArg(a[1]), int(a[2])))
}

func sysPipe2(t *Thread, a *Args) uint64 {
	var fds [2]int
	if err := unix.Pipe2(fds[:], int(t.P.ABI.OpenFlags.ToHost(a[1]))); err != nil {
		return usermode.ErrRet(err)
	}
	var b [8]byte
	le32put(b[0:], uint32(fds[0]))
	le32put(b[4:], uint32(fds[1]))
	if t.WriteBytes(a[0], b[:]) != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return usermode.Errno(unix.EFAULT)
	}
	return 0
}

func le32put(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

// Terminal and file ioctl numbers, asm-generic and x86_64 alike (Linux
// include/uapi/asm-generic/ioctls.h).
const (
	tcgets     = 0x5401
	tcsets     = 0x5402
	tcsetsw    = 0x5403
	tcsetsf    = 0x5404
	tiocgpgrp  = 0x540F
	tiocspgrp  = 0x5410
	tiocgwinsz = 0x5413
	tiocswinsz = 0x5414
	fionread   = 0x541B
	fionbio    = 0x5421
	fionclex   = 0x5450
	fioclex    = 0x5451
)

// fdUsable is the kernel's fdget: fd is open and not an O_PATH descriptor
// (include/linux/file.h: fdget passes over FMODE_PATH files). The calls
// that need a real file (ioctl, signalfd4) fail with EBADF otherwise.
func fdUsable(fd int) bool {
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	return err == nil && fl&unix.O_PATH == 0
}

// sysIoctl checks the descriptor first, as fs/ioctl.c does, then runs the
// request gemu knows.
func sysIoctl(t *Thread, a *Args) uint64 {
	fd, req, arg := fdArg(a[0]), uint32(a[1]), a[2]
	if !fdUsable(fd) {
		return usermode.Errno(unix.EBADF)
	}
	if r, ok := uffdIoctl(t, fd, req, arg); ok {
		return r
	}
	switch req {
	case tcgets:
		tio, err := unix.IoctlGetTermios(fd, tcgets)
		if err != nil {
			return usermode.ErrRet(err)
		}
		var b [linux.TermiosSize]byte
		g := linux.TermiosFromHost(tio)
		g.Encode(b[:])
		return putBytes(t, arg, b[:])
	case tcsets, tcsetsw, tcsetsf:
		// Only a terminal reads the argument: ENOTTY comes first.
		tio, err := unix.IoctlGetTermios(fd, tcgets)
		if err != nil {
			return usermode.ErrRet(err)
		}
		b, err := t.ReadBytes(arg, linux.TermiosSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		g := linux.DecodeTermios(b)
		g.ToHost(tio)
		return usermode.OK(unix.IoctlSetTermios(fd, uint(req), tio))
	case tiocgwinsz:
		ws, err := unix.IoctlGetWinsize(fd, tiocgwinsz)
		if err != nil {
			return usermode.ErrRet(err)
		}
		var b [linux.WinsizeSize]byte
		linux.Winsize{Row: ws.Row, Col: ws.Col, Xpixel: ws.Xpixel, Ypixel: ws.Ypixel}.Encode(b[:])
		return putBytes(t, arg, b[:])
	case tiocswinsz:
		if _, err := unix.IoctlGetWinsize(fd, tiocgwinsz); err != nil {
			return usermode.ErrRet(err) // ENOTTY before the argument is read
		}
		b, err := t.ReadBytes(arg, linux.WinsizeSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		g := linux.DecodeWinsize(b)
		return usermode.OK(unix.IoctlSetWinsize(fd, tiocswinsz, &unix.Winsize{Row: g.Row, Col: g.Col, Xpixel: g.Xpixel, Ypixel: g.Ypixel}))
	case tiocgptpeer:
		// The argument is open flags (drivers/tty/pty.c ptm_open_peer).
		return usermode.Ret(usermode.Raw(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(t.P.ABI.OpenFlags.ToHost(arg)), 0, 0, 0))
	case siocgifconf:
		return ifconf(t, fd, arg)
	case loopSetStatus, loopGetStatus:
		return loopInfo(t, fd, req, arg)
	}
	if size, found := passIoctls[req]; found {
		// A buffer goes as the host view of the guest's (userRange): the
		// host reads or writes it with the guest's protections, in the
		// driver's order.
		host := uintptr(arg)
		if size > 0 {
			host = t.UserRange(arg, size)
		}
		return usermode.Ret(usermode.Raw(unix.SYS_IOCTL, uintptr(fd), uintptr(req), host, 0, 0, 0))
	}
	t.P.Unimp("gemu: ioctl %#x on fd %d not supported", req, fd)
	return usermode.Errno(unix.ENOTTY)
}

// ifconf is SIOCGIFCONF. struct ifconf is an int length and a pointer to
// an array of struct ifreq (include/uapi/linux/if.h; 16 bytes on LP64):
// the pointer becomes a host one, and the length the kernel writes back
// is copied out. A NULL array asks for the length needed.
func ifconf(t *Thread, fd int, arg uint64) uint64 {
	var c [16]byte
	if t.P.AS.Read(arg, c[:]) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	n, buf := int32(binary.LittleEndian.Uint32(c[0:])), binary.LittleEndian.Uint64(c[8:])
	var host uintptr
	if buf != 0 {
		p, ok := hostPtr(t, buf, uint64(max(n, 0)), translate.ProtWrite)
		if !ok {
			return usermode.Errno(unix.EFAULT)
		}
		host = p
	}
	var hc [16]byte
	binary.LittleEndian.PutUint32(hc[0:], uint32(n))
	binary.LittleEndian.PutUint64(hc[8:], uint64(host))
	r, err := usermode.Raw(unix.SYS_IOCTL, uintptr(fd), siocgifconf, uintptr(unsafe.Pointer(&hc[0])), 0, 0, 0)
	if err != nil {
		return usermode.ErrRet(err)
	}
	if t.P.AS.Write(arg, hc[0:4]) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return uint64(r)
}

const siocgifconf = 0x8912 // include/uapi/linux/sockios.h

// ifreqSize is struct ifreq: a 16-byte name and a 24-byte union, on
// x86_64 and both guests (Linux include/uapi/linux/if.h). Only requests
// whose union holds no pointer are passed.
const ifreqSize = 40

const tiocgptpeer = 0x5441

// passIoctls are the ioctls whose argument means the same to the host:
// a value (size 0) or a buffer of size bytes laid out alike on x86_64 and
// the guests. Numbers: Linux include/uapi/asm-generic/ioctls.h and
// include/uapi/linux/sockios.h.
var passIoctls = map[uint32]uint64{
	// an int in guest memory
	tiocgpgrp: 4, tiocspgrp: 4, fionread: 4, fionbio: 4,
	0x5411: 4,                                  // TIOCOUTQ
	0x5452: 4,                                  // FIOASYNC
	0x5429: 4,                                  // TIOCGSID
	0x5415: 4, 0x5416: 4, 0x5417: 4, 0x5418: 4, // TIOCMGET, TIOCMBIS, TIOCMBIC, TIOCMSET
	0x80045430: 4, // TIOCGPTN
	0x40045431: 4, // TIOCSPTLCK
	0x80045439: 4, // TIOCGPKT
	0x5420:     4, // TIOCPKT
	0x80045440: 4, // TIOCGEXCL
	0x00000002: 4, // FIGETBSZ (include/uapi/linux/fs.h)
	0x80086601: 4, // FS_IOC_GETFLAGS (an int, though _IOR says long)
	0x40086602: 4, // FS_IOC_SETFLAGS
	0x40085400: 8, // TFD_IOC_SET_TICKS (include/uapi/linux/timerfd.h)
	// a value or nothing
	fioclex: 0, fionclex: 0,
	0x540C:     0, // TIOCEXCL
	0x540D:     0, // TIOCNXCL
	0x540E:     0, // TIOCSCTTY (an int value: steal)
	0x5422:     0, // TIOCNOTTY
	0x5409:     0, // TCSBRK
	0x540A:     0, // TCXONC
	0x540B:     0, // TCFLSH
	0x5425:     0, // TCSBRKP
	0x40045436: 0, // TIOCSIG: the signal by value (drivers/tty/pty.c)
	// struct ifreq
	0x8910: ifreqSize, // SIOCGIFNAME
	0x8913: ifreqSize, // SIOCGIFFLAGS
	0x8914: ifreqSize, // SIOCSIFFLAGS
	0x8915: ifreqSize, // SIOCGIFADDR
	0x8917: ifreqSize, // SIOCGIFDSTADDR
	0x8919: ifreqSize, // SIOCGIFBRDADDR
	0x891b: ifreqSize, // SIOCGIFNETMASK
	0x891d: ifreqSize, // SIOCGIFMETRIC
	0x8921: ifreqSize, // SIOCGIFMTU
	0x8927: ifreqSize, // SIOCGIFHWADDR
	0x8933: ifreqSize, // SIOCGIFINDEX
	0x8942: ifreqSize, // SIOCGIFTXQLEN
}

// close_range(first, last, flags) in the pieces between gemu's own
// descriptors (Linux fs/file.c; CLOSE_RANGE_UNSHARE = 2, _CLOEXEC = 4 in
// include/uapi/linux/close_range.h).
func init() {
	register(row{"close_range", sysCloseRange, kinds(aInt, aInt, aHex), syscalls.RetInt, syscalls.Full,
		"gemu's own descriptors are skipped"})
}

func sysCloseRange(t *Thread, a *Args) uint64 {
	first, last, flags := uint64(uint32(a[0])), uint64(uint32(a[1])), uintptr(uint32(a[2]))
	if first > last {
		return usermode.Errno(unix.EINVAL)
	}
	return usermode.Errno(usermode.CloseGuestFDs(first, last, flags))
}
