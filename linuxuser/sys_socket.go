package linuxuser

import (
	"encoding/binary"
	"runtime"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// Guest sockets. The guests are LP64 asm-generic: socket types, flags,
// levels and option names, struct sockaddr*, msghdr, cmsghdr, linger,
// ucred, timeval and the netlink messages have the x86_64 numbers and
// layouts (Linux include/uapi/asm-generic/socket.h, which x86 uses too), so
// the calls pass through with guest pointers turned into host pointers.
// gemu never sets an option the guest did not ask for: the guest gets the
// host kernel's socket semantics (SO_REUSEADDR exactly as it set it).

func init() {
	register(
		row{"socket", sysSocket, kinds(syscalls.ArgSockDomain, syscalls.ArgSockType, aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"socketpair", sysSocketpair, kinds(syscalls.ArgSockDomain, syscalls.ArgSockType, aInt, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"bind", sysBind, kinds(aInt, syscalls.ArgSockaddr, aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"listen", sysListen, kinds(aInt, aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"accept", sysAccept, kinds(aInt, aPtr, aPtr), syscalls.RetInt, syscalls.Full, "interruptible"},
		row{"accept4", sysAccept4, kinds(aInt, aPtr, aPtr, aHex), syscalls.RetInt, syscalls.Full, "interruptible"},
		row{"connect", sysConnect, kinds(aInt, syscalls.ArgSockaddr, aInt), syscalls.RetInt, syscalls.Full,
			"interruptible; a restarted connect waits for the first attempt"},
		row{"shutdown", sysShutdown, kinds(aInt, aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"getsockname", sysGetsockname, kinds(aInt, aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"getpeername", sysGetpeername, kinds(aInt, aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"sendto", sysSendto, kinds(aInt, aPtr, aLong, aHex, syscalls.ArgSockaddr, aInt), syscalls.RetInt, syscalls.Full,
			"interruptible"},
		row{"recvfrom", sysRecvfrom, kinds(aInt, aPtr, aLong, aHex, aPtr, aPtr), syscalls.RetInt, syscalls.Full,
			"interruptible"},
		row{"setsockopt", sysSetsockopt, kinds(aInt, aInt, aInt, aPtr, aInt), syscalls.RetInt, syscalls.Full,
			"passed through: same numbers and layouts on LP64"},
		row{"getsockopt", sysGetsockopt, kinds(aInt, aInt, aInt, aPtr, aPtr), syscalls.RetInt, syscalls.Full,
			"passed through: same numbers and layouts on LP64"},
	)
}

// hostPtr checks n guest bytes at addr for prot and returns their host
// address; NULL stays NULL. A zero-length buffer is not touched by the
// kernel and is passed as it is.
func hostPtr(t *Thread, addr, n uint64, prot int) (uintptr, bool) {
	if addr == 0 {
		return 0, true
	}
	if n == 0 {
		return t.P.AS.HostAddr(addr), addr < t.P.AS.Limit()
	}
	s, err := t.P.AS.Slice(addr, n, prot)
	if err != nil {
		return 0, false
	}
	return uintptr(unsafe.Pointer(&s[0])), true
}

// sockaddrOut is an (addr, *addrlen) result pair for the host: the kernel
// reads the length word, writes at most that much of the address (a
// struct sockaddr_storage at most) and the length back, and fails on
// either pointer in its own order (net/socket.c move_addr_to_user).
func sockaddrOut(t *Thread, addr, lenAddr uint64) (uintptr, uintptr) {
	n := uint64(sockaddrStorageSize)
	if v, err := t.P.AS.Load32(lenAddr); err == nil && int32(v) >= 0 {
		n = min(n, uint64(v))
	}
	return t.UserRange(addr, n), t.UserRange(lenAddr, 4)
}

// sockaddrStorageSize is sizeof(struct sockaddr_storage).
const sockaddrStorageSize = 128

func sysSocket(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_SOCKET, uintptr(int32(a[0])), uintptr(int32(a[1])), uintptr(int32(a[2])), 0, 0, 0))
}

func sysSocketpair(t *Thread, a *Args) uint64 {
	sv, ok := hostPtr(t, a[3], 8, translate.ProtWrite)
	if !ok || sv == 0 {
		return usermode.Errno(unix.EFAULT)
	}
	return usermode.Ret(usermode.Raw(unix.SYS_SOCKETPAIR, uintptr(int32(a[0])), uintptr(int32(a[1])), uintptr(int32(a[2])), sv, 0, 0))
}

func sysBind(t *Thread, a *Args) uint64 { return addrCall(t, unix.SYS_BIND, a) }

// addrCall runs bind(fd, addr, len)-shaped calls. The host reads the
// guest's address where it is (userPtr), so the descriptor (EBADF,
// ENOTSOCK) is checked before the length (EINVAL) and the address
// (EFAULT), as net/socket.c __sys_bind does.
func addrCall(t *Thread, nr uintptr, a *Args) uint64 {
	p, _ := t.UserPtr(a[1], uint64(uint32(a[2])))
	return usermode.Ret(usermode.Raw(nr, uintptr(fdArg(a[0])), p, uintptr(int32(a[2])), 0, 0, 0))
}

func sysListen(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_LISTEN, uintptr(fdArg(a[0])), uintptr(int32(a[1])), 0, 0, 0, 0))
}

func sysShutdown(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_SHUTDOWN, uintptr(fdArg(a[0])), uintptr(int32(a[1])), 0, 0, 0, 0))
}

func sysAccept(t *Thread, a *Args) uint64 {
	b := *a
	b[3] = 0
	return sysAccept4(t, &b)
}

// accept4 blocks interruptibly; SA_RESTART restarts it (signal(7)).
func sysAccept4(t *Thread, a *Args) uint64 {
	ap, lp := sockaddrOut(t, a[1], a[2])
	fd, flags := uintptr(fdArg(a[0])), uintptr(int32(a[3]))
	return t.SockCall(int(fd), unix.SO_RCVTIMEO, func() (int, error) {
		return usermode.Raw(unix.SYS_ACCEPT4, fd, ap, lp, flags, 0, 0)
	})
}

// connect blocks interruptibly. An interrupted connect goes on in the
// kernel; calling connect again would give EALREADY, so a retry (ours, or
// the guest's restart) waits for the socket to become writable and
// returns the outcome of the first attempt (SO_ERROR), as Linux's
// restarted connect does.
//
// The host reads the address where it is: EBADF, then the address's
// EINVAL or EFAULT, then ENOTSOCK (net/socket.c __sys_connect copies the
// address before it asks whether the file is a socket).
func sysConnect(t *Thread, a *Args) uint64 {
	p, _ := t.UserPtr(a[1], uint64(uint32(a[2])))
	n := int32(a[2])
	fd := fdArg(a[0])
	if t.Connecting == fd+1 {
		return connectWait(t, fd)
	}
	r := t.Interruptible(usermode.RestartSys, func() (int, error) {
		n, err := usermode.Raw(unix.SYS_CONNECT, uintptr(fd), p, uintptr(n), 0, 0, 0)
		if err == unix.EINTR {
			t.Connecting = fd + 1
		}
		return n, err
	})
	if t.Connecting == fd+1 && r != usermode.RestartSys {
		t.Connecting = 0
		if r == usermode.Errno(unix.EALREADY) {
			return connectWait(t, fd)
		}
	}
	return r
}

// connectWait waits until fd is writable and returns its pending error.
func connectWait(t *Thread, fd int) uint64 {
	r := t.Interruptible(usermode.RestartSys, func() (int, error) {
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		return unix.Poll(pfd, -1)
	})
	if r == usermode.RestartSys {
		return r
	}
	t.Connecting = 0
	if usermode.IsErr(r) {
		return r
	}
	e, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return usermode.ErrRet(err)
	}
	return usermode.Errno(unix.Errno(e))
}

func sysGetsockname(t *Thread, a *Args) uint64 { return nameCall(t, unix.SYS_GETSOCKNAME, a) }
func sysGetpeername(t *Thread, a *Args) uint64 { return nameCall(t, unix.SYS_GETPEERNAME, a) }

func nameCall(t *Thread, nr uintptr, a *Args) uint64 {
	ap, lp := sockaddrOut(t, a[1], a[2])
	return usermode.Ret(usermode.Raw(nr, uintptr(fdArg(a[0])), ap, lp, 0, 0, 0))
}

// sendto and recvfrom hand the guest's pointers to the host (userPtr):
// EFAULT, EINVAL and EBADF then come in the kernel's order (net/socket.c
// __sys_sendto imports the buffer before it looks up the descriptor).
func sysSendto(t *Thread, a *Args) uint64 {
	buf, n := t.UserPtr(a[1], a[2])
	to := t.UserRange(a[4], min(uint64(uint32(a[5])), sockaddrStorageSize))
	fd, flags := uintptr(fdArg(a[0])), uintptr(int32(a[3]))
	return raisePipe(t, t.SockCall(int(fd), unix.SO_SNDTIMEO, func() (int, error) {
		return usermode.Raw(unix.SYS_SENDTO, fd, buf, uintptr(n), flags, to, uintptr(uint32(a[5])))
	}))
}

func sysRecvfrom(t *Thread, a *Args) uint64 {
	buf, n := t.UserPtr(a[1], a[2])
	ap, lp := sockaddrOut(t, a[4], a[5])
	fd, flags := uintptr(fdArg(a[0])), uintptr(int32(a[3]))
	return t.SockCall(int(fd), unix.SO_RCVTIMEO, func() (int, error) {
		return usermode.Raw(unix.SYS_RECVFROM, fd, buf, uintptr(n), flags, ap, lp)
	})
}

// setsockopt: the host reads the option where it is, after its
// descriptor checks and before or after the length's, as the option's
// handler does (net/socket.c do_sock_setsockopt).
func sysSetsockopt(t *Thread, a *Args) uint64 {
	level, opt := int32(a[1]), int32(a[2])
	p, _ := t.UserPtr(a[3], uint64(uint32(a[4])))
	var fprog [2]uint64
	if isFprogOption(level, opt) && int32(a[4]) == sockFprogSize {
		if b, err := t.P.AS.Slice(a[3], sockFprogSize, translate.ProtRead); err == nil {
			// struct sock_fprog: a u16 count, then the program's address.
			n := uint64(binary.LittleEndian.Uint16(b))
			fprog[0] = n
			fprog[1] = uint64(t.UserRange(binary.LittleEndian.Uint64(b[8:]), n*8))
			p = uintptr(unsafe.Pointer(&fprog))
		}
	}
	r := usermode.Ret(usermode.Raw(unix.SYS_SETSOCKOPT, uintptr(fdArg(a[0])), uintptr(level), uintptr(opt), p,
		uintptr(int32(a[4])), 0))
	runtime.KeepAlive(&fprog)
	return r
}

// sockFprogSize is sizeof(struct sock_fprog) (include/uapi/linux/filter.h).
const sockFprogSize = 16

// isFprogOption: the options whose value is a struct sock_fprog, which
// points at the program (net/core/sock.c SO_ATTACH_FILTER and
// SO_ATTACH_REUSEPORT_CBPF, net/packet/af_packet.c PACKET_FANOUT_DATA);
// the host needs that pointer made a host one.
func isFprogOption(level, opt int32) bool {
	switch {
	case level == unix.SOL_SOCKET:
		return opt == unix.SO_ATTACH_FILTER || opt == unix.SO_ATTACH_REUSEPORT_CBPF
	case level == unix.SOL_PACKET:
		return opt == unix.PACKET_FANOUT_DATA
	}
	return false
}

// getsockopt: the kernel reads *optlen, writes at most that much of the
// option and the length back (net/socket.c do_sock_getsockopt).
func sysGetsockopt(t *Thread, a *Args) uint64 {
	n := uint64(0)
	if v, err := t.P.AS.Load32(a[4]); err == nil && int32(v) > 0 {
		n = uint64(v)
	}
	ap, lp := t.UserRange(a[3], n), t.UserRange(a[4], 4)
	return usermode.Ret(usermode.Raw(unix.SYS_GETSOCKOPT, uintptr(fdArg(a[0])), uintptr(int32(a[1])), uintptr(int32(a[2])), ap, lp,
		0))
}
