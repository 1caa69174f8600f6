package bsduser

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

// Guest sockets on host sockets (FreeBSD sys/kern/uipc_syscalls.c):
// domains, types, option levels and names, send and receive flags and
// control messages made Linux's, and sockaddrs given their sa_len. gemu
// never sets an option the guest did not ask for.

func init() {
	register(
		def("socket", sysSocket, aInt, aHex, aInt),
		def("socketpair", sysSocketpair, aInt, aHex, aInt, aPtr),
		def("bind", func(t *Thread, a *Args) uint64 { return addrCall(t, unix.SYS_BIND, a) }, aInt, aPtr, aInt),
		def("connect", sysConnect, aInt, aPtr, aInt),
		def("listen", func(t *Thread, a *Args) uint64 { return usermode.OK(unix.Listen(fdArg(a[0]), int(int32(a[1])))) },
			aInt, aInt),
		def("accept", func(t *Thread, a *Args) uint64 { return acceptCall(t, a, 0, true) }, aInt, aPtr, aPtr),
		def("accept4", sysAccept4, aInt, aPtr, aPtr, aHex),
		def("shutdown", func(t *Thread, a *Args) uint64 { return usermode.OK(unix.Shutdown(fdArg(a[0]), int(int32(a[1])))) },
			aInt, aInt),
		def("getsockname", func(t *Thread, a *Args) uint64 { return nameCall(t, unix.SYS_GETSOCKNAME, a) }, aInt, aPtr, aPtr),
		def("getpeername", func(t *Thread, a *Args) uint64 { return nameCall(t, unix.SYS_GETPEERNAME, a) }, aInt, aPtr, aPtr),
		partial("setsockopt", sysSetsockopt, "SOL_SOCKET, IP, IPv6 and TCP options with a host twin", aInt, aHex, aHex, aPtr, aInt),
		partial("getsockopt", sysGetsockopt, "SOL_SOCKET, IP, IPv6 and TCP options with a host twin", aInt, aHex, aHex, aPtr, aPtr),
		def("sendto", sysSendto, aInt, aPtr, aInt, aHex, aPtr, aInt),
		def("recvfrom", sysRecvfrom, aInt, aPtr, aInt, aHex, aPtr, aPtr),
		partial("sendmsg", sysSendmsg, "control messages: SCM_RIGHTS, SCM_TIMESTAMP", aInt, aPtr, aHex),
		partial("recvmsg", sysRecvmsg, "control messages: SCM_RIGHTS, SCM_TIMESTAMP", aInt, aPtr, aHex),
	)
}

// sockaddrMax is SOCK_MAXADDRLEN (sys/sys/socket.h), and what the host
// writes at most (struct sockaddr_storage).
const (
	sockaddrMax   = 255
	hostAddrSpace = 128
)

func sysSocket(t *Thread, a *Args) uint64 {
	dom, ok := freebsd.DomainToLinux(int(int32(a[0])))
	if !ok {
		return usermode.Errno(unix.EAFNOSUPPORT)
	}
	typ := freebsd.SocketTypeToLinux(int(int32(a[1])))
	return usermode.Ret(unix.Socket(dom, typ, int(int32(a[2]))))
}

// sysSocketpair: the pair is two ints, as on Linux.
func sysSocketpair(t *Thread, a *Args) uint64 {
	dom, ok := freebsd.DomainToLinux(int(int32(a[0])))
	if !ok {
		return usermode.Errno(unix.EAFNOSUPPORT)
	}
	typ := freebsd.SocketTypeToLinux(int(int32(a[1])))
	return usermode.Ret(usermode.Raw(unix.SYS_SOCKETPAIR, uintptr(dom), uintptr(typ), uintptr(int32(a[2])),
		t.UserRange(a[3], 8), 0, 0))
}

// readSockaddr reads a guest address for the host (uipc_syscalls.c
// getsockaddr: longer than SOCK_MAXADDRLEN is ENAMETOOLONG, shorter than
// its header EINVAL; sa_len is ignored).
func readSockaddr(t *Thread, addr uint64, n uint32) ([]byte, uint64) {
	switch {
	case n > sockaddrMax:
		return nil, usermode.Errno(unix.ENAMETOOLONG)
	case n < 2:
		return nil, usermode.Errno(unix.EINVAL)
	}
	g, err := t.ReadBytes(addr, uint64(n))
	if err != nil {
		return nil, usermode.Errno(unix.EFAULT)
	}
	h, ok := freebsd.SockaddrToLinux(g)
	if !ok {
		return nil, usermode.Errno(unix.EAFNOSUPPORT)
	}
	return h, 0
}

// putSockaddr writes a host address for the guest at addr, at most
// *lenAddr bytes, and the length written back, as FreeBSD's
// getsockname and accept do (the shorter of the two).
func putSockaddr(t *Thread, addr, lenAddr uint64, h []byte) uint64 {
	if addr == 0 {
		return 0
	}
	room, err := t.P.AS.Load32(lenAddr)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	if int32(room) < 0 {
		return usermode.Errno(unix.EINVAL)
	}
	g := freebsd.SockaddrFromLinux(h)
	n := min(uint32(len(g)), room)
	if t.WriteBytes(addr, g[:n]) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return usermode.OK(t.Store32(lenAddr, n))
}

// addrCall is bind(fd, addr, len).
func addrCall(t *Thread, nr uintptr, a *Args) uint64 {
	h, e := readSockaddr(t, a[1], uint32(a[2]))
	if e != 0 {
		return e
	}
	return usermode.Ret(usermode.Raw(nr, uintptr(fdArg(a[0])), uintptr(unsafe.Pointer(&h[0])), uintptr(len(h)), 0, 0, 0))
}

// sysConnect: a signal ends a blocking connect with EINTR, never a
// restart, and the connection goes on (uipc_syscalls.c kern_connectat:
// ERESTART becomes EINTR); connecting again then says EALREADY.
func sysConnect(t *Thread, a *Args) uint64 {
	h, e := readSockaddr(t, a[1], uint32(a[2]))
	if e != 0 {
		return e
	}
	fd := uintptr(fdArg(a[0]))
	return t.Interruptible(usermode.Errno(unix.EINTR), func() (int, error) {
		return usermode.Raw(unix.SYS_CONNECT, fd, uintptr(unsafe.Pointer(&h[0])), uintptr(len(h)), 0, 0, 0)
	})
}

// sysAccept4 takes SOCK_CLOEXEC and SOCK_NONBLOCK (uipc_syscalls.c
// sys_accept4: other bits are EINVAL).
func sysAccept4(t *Thread, a *Args) uint64 {
	flags := int(int32(a[3]))
	if flags&^(freebsd.SOCK_CLOEXEC|freebsd.SOCK_NONBLOCK) != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	return acceptCall(t, a, freebsd.SocketTypeToLinux(flags), false)
}

// acceptCall: accept(2)'s new socket inherits the listener's O_NONBLOCK
// (ACCEPT4_INHERIT); a signal restarts it under SA_RESTART unless the
// socket has a receive timeout.
func acceptCall(t *Thread, a *Args, flags int, inherit bool) uint64 {
	fd := fdArg(a[0])
	if inherit {
		if fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err == nil && fl&unix.O_NONBLOCK != 0 {
			flags |= unix.SOCK_NONBLOCK
		}
	}
	var sa [hostAddrSpace]byte
	n := uint32(len(sa))
	r := t.SockCall(fd, unix.SO_RCVTIMEO, func() (int, error) {
		return usermode.Raw(unix.SYS_ACCEPT4, uintptr(fd), uintptr(unsafe.Pointer(&sa[0])), uintptr(unsafe.Pointer(&n)),
			uintptr(flags), 0, 0)
	})
	if usermode.IsErr(r) || usermode.IsRestart(r) {
		return r
	}
	if e := putSockaddr(t, a[1], a[2], sa[:min(n, hostAddrSpace)]); e != 0 {
		unix.Close(int(r))
		return e
	}
	return r
}

func nameCall(t *Thread, nr uintptr, a *Args) uint64 {
	var sa [hostAddrSpace]byte
	n := uint32(len(sa))
	_, err := usermode.Raw(nr, uintptr(fdArg(a[0])), uintptr(unsafe.Pointer(&sa[0])), uintptr(unsafe.Pointer(&n)), 0, 0, 0)
	if err != nil {
		return usermode.ErrRet(err)
	}
	return putSockaddr(t, a[1], a[2], sa[:min(n, hostAddrSpace)])
}

// sendFlags makes send flags Linux's, with MSG_NOSIGNAL always: gemu
// raises SIGPIPE itself unless the guest asked for none.
func sendFlags(v uint64) (host uintptr, rest uint64, nosig bool) {
	l, rest := freebsd.MsgFlags.ToLinux(uint64(uint32(v)))
	return uintptr(l | unix.MSG_NOSIGNAL), rest, l&unix.MSG_NOSIGNAL != 0
}

// sent finishes a send: SIGPIPE on EPIPE (uipc_syscalls.c kern_sendit),
// MSG_EOF shuts the sending side down after the data.
func sent(t *Thread, fd int, r, rest uint64, nosig bool) uint64 {
	if usermode.IsErr(r) {
		if !nosig {
			return raisePipe(t, r)
		}
		return r
	}
	if rest&freebsd.MSG_EOF != 0 && !usermode.IsRestart(r) {
		unix.Shutdown(fd, unix.SHUT_WR)
	}
	return r
}

func sysSendto(t *Thread, a *Args) uint64 {
	fd := fdArg(a[0])
	var to []byte
	if a[4] != 0 {
		var e uint64
		if to, e = readSockaddr(t, a[4], uint32(a[5])); e != 0 {
			return e
		}
	}
	toP := uintptr(0)
	if to != nil {
		toP = uintptr(unsafe.Pointer(&to[0]))
	}
	buf, n := t.UserPtr(a[1], a[2])
	flags, rest, nosig := sendFlags(a[3])
	r := t.SockCall(fd, unix.SO_SNDTIMEO, func() (int, error) {
		return usermode.Raw(unix.SYS_SENDTO, uintptr(fd), buf, uintptr(n), flags, toP, uintptr(len(to)))
	})
	runtime.KeepAlive(to)
	return sent(t, fd, r, rest, nosig)
}

func sysRecvfrom(t *Thread, a *Args) uint64 {
	fd := fdArg(a[0])
	buf, n := t.UserPtr(a[1], a[2])
	flags, _ := freebsd.MsgFlags.ToLinux(uint64(uint32(a[3])))
	var sa [hostAddrSpace]byte
	sn := uint32(len(sa))
	r := t.SockCall(fd, unix.SO_RCVTIMEO, func() (int, error) {
		return usermode.Raw(unix.SYS_RECVFROM, uintptr(fd), buf, uintptr(n), uintptr(flags),
			uintptr(unsafe.Pointer(&sa[0])), uintptr(unsafe.Pointer(&sn)))
	})
	if usermode.IsErr(r) || usermode.IsRestart(r) || a[4] == 0 {
		return r
	}
	if e := putSockaddr(t, a[4], a[5], sa[:min(sn, hostAddrSpace)]); e != 0 {
		return e
	}
	return r
}

// sockopt is an option's host level and name; an option with no host
// twin is ENOPROTOOPT, named under -d unimp.
func sockopt(t *Thread, a *Args) (int, int, uint64) {
	level, opt := int(int32(a[1])), int(int32(a[2]))
	l, o, ok := freebsd.OptionToLinux(level, opt)
	if !ok {
		t.P.Unimp("gemu: FreeBSD socket option %#x at level %#x not supported", opt, level)
		return 0, 0, usermode.Errno(unix.ENOPROTOOPT)
	}
	return l, o, 0
}

// sysSetsockopt: the values (int, struct linger, struct timeval) have
// the host's layouts.
func sysSetsockopt(t *Thread, a *Args) uint64 {
	level, opt, e := sockopt(t, a)
	if e != 0 {
		return e
	}
	p, _ := t.UserPtr(a[3], uint64(uint32(a[4])))
	return usermode.Ret(usermode.Raw(unix.SYS_SETSOCKOPT, uintptr(fdArg(a[0])), uintptr(level), uintptr(opt), p,
		uintptr(int32(a[4])), 0))
}

// sysGetsockopt: SO_ERROR's errno and SO_DOMAIN's family are made
// FreeBSD's.
func sysGetsockopt(t *Thread, a *Args) uint64 {
	level, opt, e := sockopt(t, a)
	if e != 0 {
		return e
	}
	room, err := t.P.AS.Load32(a[4])
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	b := make([]byte, min(room, 256)+1)
	n := uint32(len(b) - 1)
	fd := uintptr(fdArg(a[0]))
	if _, err := usermode.Raw(unix.SYS_GETSOCKOPT, fd, uintptr(level), uintptr(opt), uintptr(unsafe.Pointer(&b[0])),
		uintptr(unsafe.Pointer(&n)), 0); err != nil {
		return usermode.ErrRet(err)
	}
	if level == unix.SOL_SOCKET && n >= 4 {
		v := int(int32(le.Uint32(b)))
		switch opt {
		case unix.SO_ERROR:
			le.PutUint32(b, uint32(bsdErrno(v)))
		case unix.SO_DOMAIN:
			if v == unix.AF_INET6 {
				le.PutUint32(b, freebsd.AF_INET6)
			}
		}
	}
	n = min(n, room)
	if t.WriteBytes(a[3], b[:n]) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return usermode.OK(t.Store32(a[4], n))
}

// msgBuf is a guest struct msghdr made the host's: the address and the
// control messages converted into Go buffers, the data vector pointing
// at the guest's buffers.
type msgBuf struct {
	m    unix.Msghdr
	g    freebsd.Msghdr
	name []byte
	ctl  []byte
	iov  []unix.Iovec
}

// loadMsg reads the guest msghdr at addr; send converts what it holds.
func loadMsg(t *Thread, addr uint64, send bool) (*msgBuf, uint64) {
	b, err := t.ReadBytes(addr, freebsd.MsghdrSize)
	if err != nil {
		return nil, usermode.Errno(unix.EFAULT)
	}
	h := &msgBuf{g: freebsd.DecodeMsghdr(b)}
	if h.g.IovLen < 0 || h.g.IovLen > usermode.IovMax {
		return nil, usermode.Errno(unix.EMSGSIZE) // uipc_syscalls.c sys_sendmsg, copyiniov
	}
	var e uint64
	switch {
	case h.g.Name == 0:
	case send:
		h.name, e = readSockaddr(t, h.g.Name, h.g.NameLen)
	default:
		h.name = make([]byte, hostAddrSpace)
	}
	if e != 0 {
		return nil, e
	}
	if len(h.name) > 0 {
		h.m.Name, h.m.Namelen = &h.name[0], uint32(len(h.name))
	}
	var p uintptr
	h.iov, p = t.HostIovecs(h.g.Iov, uint64(h.g.IovLen))
	h.m.Iov, h.m.Iovlen = (*unix.Iovec)(usermode.HostPointer(p)), uint64(h.g.IovLen)
	if h.g.Control != 0 && h.g.ControlLen > 0 {
		h.ctl = make([]byte, h.g.ControlLen)
		if send {
			g, err := t.ReadBytes(h.g.Control, uint64(h.g.ControlLen))
			if err != nil {
				return nil, usermode.Errno(unix.EFAULT)
			}
			if h.ctl, e = cmsgsToLinux(g); e != 0 {
				return nil, e
			}
		}
		if len(h.ctl) > 0 {
			h.m.Control, h.m.Controllen = &h.ctl[0], uint64(len(h.ctl))
		}
	}
	return h, 0
}

// cmsgsToLinux converts control messages: FreeBSD's header is 12 bytes
// (cmsg_len, level, type) with the data at 16 (_ALIGN), Linux's 16
// bytes (a size_t cmsg_len) with the data at 16; both pad to 8.
func cmsgsToLinux(g []byte) ([]byte, uint64) {
	var out []byte
	for off := 0; off+freebsd.CmsghdrSize <= len(g); {
		n := int(le.Uint32(g[off:]))
		level, typ := int(int32(le.Uint32(g[off+4:]))), int(int32(le.Uint32(g[off+8:])))
		if n < 16 || n > len(g)-off {
			return nil, usermode.Errno(unix.EINVAL)
		}
		if level == freebsd.SOL_SOCKET {
			l, ok := freebsd.CmsgTypeToLinux(typ)
			if !ok {
				return nil, usermode.Errno(unix.EINVAL)
			}
			level, typ = unix.SOL_SOCKET, l
		}
		out = appendCmsg(out, false, n, level, typ, g[off+16:off+n])
		off += (n + 7) &^ 7
	}
	return out, 0
}

// cmsgsFromLinux converts received control messages back, dropping the
// ones FreeBSD has no type for; the sizes are the same both ways.
func cmsgsFromLinux(h []byte) []byte {
	var out []byte
	for off := 0; off+16 <= len(h); {
		n := int(min(le.Uint64(h[off:]), uint64(len(h)-off)))
		level, typ := int(int32(le.Uint32(h[off+8:]))), int(int32(le.Uint32(h[off+12:])))
		if n < 16 {
			break
		}
		if level == unix.SOL_SOCKET {
			g, ok := freebsd.CmsgTypeFromLinux(typ)
			if !ok {
				off += (n + 7) &^ 7
				continue
			}
			level, typ = freebsd.SOL_SOCKET, g
		}
		out = appendCmsg(out, true, n, level, typ, h[off+16:off+n])
		off += (n + 7) &^ 7
	}
	return out
}

// appendCmsg appends a control message padded to 8 bytes, its header
// FreeBSD's (bsd) or Linux's.
func appendCmsg(out []byte, bsd bool, n, level, typ int, data []byte) []byte {
	var hdr [16]byte
	if bsd {
		le.PutUint32(hdr[:], uint32(n))
		le.PutUint32(hdr[4:], uint32(level))
		le.PutUint32(hdr[8:], uint32(typ))
	} else {
		le.PutUint64(hdr[:], uint64(n))
		le.PutUint32(hdr[8:], uint32(level))
		le.PutUint32(hdr[12:], uint32(typ))
	}
	out = append(append(out, hdr[:]...), data...)
	for len(out)%8 != 0 {
		out = append(out, 0)
	}
	return out
}

func sysSendmsg(t *Thread, a *Args) uint64 {
	fd := fdArg(a[0])
	h, e := loadMsg(t, a[1], true)
	if e != 0 {
		return e
	}
	flags, rest, nosig := sendFlags(a[2])
	r := t.SockCall(fd, unix.SO_SNDTIMEO, func() (int, error) {
		return usermode.Raw(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&h.m)), flags, 0, 0, 0)
	})
	runtime.KeepAlive(h)
	return sent(t, fd, r, rest, nosig)
}

// sysRecvmsg writes back msg_namelen, msg_controllen and msg_flags
// (uipc_syscalls.c kern_recvit: the address cut to msg_namelen).
func sysRecvmsg(t *Thread, a *Args) uint64 {
	fd := fdArg(a[0])
	h, e := loadMsg(t, a[1], false)
	if e != 0 {
		return e
	}
	flags, _ := freebsd.MsgFlags.ToLinux(uint64(uint32(a[2])))
	r := t.SockCall(fd, unix.SO_RCVTIMEO, func() (int, error) {
		return usermode.Raw(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&h.m)), uintptr(flags), 0, 0, 0)
	})
	runtime.KeepAlive(h)
	if usermode.IsErr(r) || usermode.IsRestart(r) {
		return r
	}
	g := h.g
	if g.Name != 0 {
		sa := freebsd.SockaddrFromLinux(h.name[:min(h.m.Namelen, hostAddrSpace)])
		g.NameLen = min(g.NameLen, uint32(len(sa)))
		if t.WriteBytes(g.Name, sa[:g.NameLen]) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	if h.ctl != nil {
		c := cmsgsFromLinux(h.ctl[:h.m.Controllen])
		c = c[:min(len(c), len(h.ctl))] // the last one's padding may not fit
		g.ControlLen = uint32(len(c))
		if t.WriteBytes(g.Control, c) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	} else {
		g.ControlLen = 0
	}
	g.Flags = int32(freebsd.MsgFlags.FromLinux(uint64(uint32(h.m.Flags))))
	b := make([]byte, freebsd.MsghdrSize)
	g.Encode(b)
	if t.WriteBytes(a[1], b) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return r
}
