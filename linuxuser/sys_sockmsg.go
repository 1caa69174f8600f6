package linuxuser

import (
	"encoding/binary"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// sendmsg, recvmsg, sendmmsg, recvmmsg. struct msghdr, iovec, cmsghdr and
// mmsghdr have one LP64 layout on the guests and on x86_64 (Linux
// include/linux/socket.h, include/uapi/linux/uio.h); only the pointers in
// them change: the host copy of a guest msghdr points at the host view of
// the guest buffers. Control messages (SCM_RIGHTS, SCM_CREDENTIALS) need
// no conversion: guest fds and pids are host fds and pids.

func init() {
	register(
		row{"sendmsg", sysSendmsg, kinds(aInt, aPtr, aHex), syscalls.RetInt, syscalls.Full, "interruptible"},
		row{"recvmsg", sysRecvmsg, kinds(aInt, aPtr, aHex), syscalls.RetInt, syscalls.Full, "interruptible"},
		row{"sendmmsg", sysSendmmsg, kinds(aInt, aPtr, aInt, aHex), syscalls.RetInt, syscalls.Full, "interruptible"},
		row{"recvmmsg", sysRecvmmsg, kinds(aInt, aPtr, aInt, aHex, aPtr), syscalls.RetInt, syscalls.Full,
			"interruptible"},
	)
}

// Guest struct msghdr offsets (56 bytes) and struct mmsghdr's size.
const (
	msgName       = 0
	msgNamelen    = 8
	msgIov        = 16
	msgIovlen     = 24
	msgControl    = 32
	msgControllen = 40
	msgFlags      = 48
	msghdrSize    = 56
	mmsghdrSize   = 64 // msghdr, then unsigned msg_len, padded
)

// hostMsg is a guest msghdr translated for the host kernel; bad, when
// set, is the address to pass instead of a guest msghdr that cannot be read.
type hostMsg struct {
	m   unix.Msghdr
	iov []unix.Iovec
	bad uintptr
}

// loadMsg builds the host msghdr for the guest one at addr. Every pointer
// in it becomes a userPtr, so the host kernel fails on a bad one (EFAULT)
// or a bad length (EMSGSIZE, EINVAL) where and when the guest's would
// (net/socket.c ___sys_recvmsg: the descriptor is looked up first).
// A control buffer to send that runs past the address space is not cut
// but handed over as it is (userRange): the kernel refuses a length
// above net.core.optmem_max (ENOBUFS) before it copies (EFAULT).
func loadMsg(t *Thread, addr uint64, send bool) *hostMsg {
	h := &hostMsg{}
	g, err := t.P.AS.Slice(addr, msghdrSize, translate.ProtRead)
	if err != nil {
		h.bad = t.UserRange(addr, msghdrSize)
		return h
	}
	le := binary.LittleEndian
	nameLen := le.Uint32(g[msgNamelen:])
	name := t.UserRange(le.Uint64(g[msgName:]), min(uint64(nameLen), sockaddrStorageSize))
	h.m.Name, h.m.Namelen = (*byte)(usermode.HostPointer(name)), nameLen
	n := le.Uint64(g[msgIovlen:])
	var p uintptr
	h.iov, p = t.HostIovecs(le.Uint64(g[msgIov:]), n)
	h.m.Iov = (*unix.Iovec)(usermode.HostPointer(p))
	h.m.Iovlen = n
	ctl, ctlLen := t.UserPtr(le.Uint64(g[msgControl:]), le.Uint64(g[msgControllen:]))
	if send {
		ctl, ctlLen = t.UserRange(le.Uint64(g[msgControl:]), le.Uint64(g[msgControllen:])), le.Uint64(g[msgControllen:])
	}
	h.m.Control, h.m.Controllen = (*byte)(usermode.HostPointer(ctl)), ctlLen
	h.m.Flags = int32(le.Uint32(g[msgFlags:]))
	return h
}

// storeMsg writes back what recvmsg changes in the guest msghdr.
func storeMsg(t *Thread, addr uint64, h *hostMsg) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], h.m.Namelen)
	t.P.AS.Write(addr+msgNamelen, b[:])
	var c [8]byte
	binary.LittleEndian.PutUint64(c[:], h.m.Controllen)
	t.P.AS.Write(addr+msgControllen, c[:])
	binary.LittleEndian.PutUint32(b[:], uint32(h.m.Flags))
	t.P.AS.Write(addr+msgFlags, b[:])
}

func msgCall(nr uintptr, fd int, h *hostMsg, flags uintptr) (int, error) {
	m := uintptr(unsafe.Pointer(&h.m))
	if h.bad != 0 {
		m = h.bad
	}
	return usermode.Raw(nr, uintptr(fd), m, flags, 0, 0, 0)
}

func sysSendmsg(t *Thread, a *Args) uint64 {
	h := loadMsg(t, a[1], true)
	fd, flags := fdArg(a[0]), uintptr(int32(a[2]))
	return raisePipe(t, t.SockCall(fd, unix.SO_SNDTIMEO, func() (int, error) {
		return msgCall(unix.SYS_SENDMSG, fd, h, flags)
	}))
}

func sysRecvmsg(t *Thread, a *Args) uint64 {
	h := loadMsg(t, a[1], false)
	fd, flags := fdArg(a[0]), uintptr(int32(a[2]))
	r := t.SockCall(fd, unix.SO_RCVTIMEO, func() (int, error) {
		return msgCall(unix.SYS_RECVMSG, fd, h, flags)
	})
	if !usermode.IsErr(r) && !usermode.IsRestart(r) {
		storeMsg(t, a[1], h)
	}
	return r
}

// sendmmsg and recvmmsg run the single-message call per entry, the way
// the kernel's loop does: the count of messages done, or the first
// error if none was. recvmmsg's timeout is checked between messages.
func sysSendmmsg(t *Thread, a *Args) uint64 { return mmsg(t, a, false) }
func sysRecvmmsg(t *Thread, a *Args) uint64 { return mmsg(t, a, true) }

// mmsg checks as net/socket.c does: recvmmsg's timeout (EFAULT, then
// EINVAL for an invalid one: do_recvmmsg), then the descriptor, also
// when there is no message to move.
func mmsg(t *Thread, a *Args, recv bool) uint64 {
	n := min(uint64(uint32(a[2])), usermode.IovMax)
	flags := a[3]
	var deadline int64
	if recv && a[4] != 0 {
		ts, err := t.ReadBytes(a[4], 16)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		sec, nsec := int64(binary.LittleEndian.Uint64(ts)), int64(binary.LittleEndian.Uint64(ts[8:]))
		if sec < 0 || nsec < 0 || nsec >= 1e9 {
			return usermode.Errno(unix.EINVAL)
		}
		deadline = monoNow() + sec*1e9 + nsec
	}
	if n == 0 {
		if _, err := unix.GetsockoptInt(fdArg(a[0]), unix.SOL_SOCKET, unix.SO_TYPE); err != nil {
			return usermode.ErrRet(err) // EBADF, ENOTSOCK
		}
		return 0
	}
	done := uint64(0)
	for ; done < n; done++ {
		m := a[1] + done*mmsghdrSize
		one := Args{a[0], m, flags}
		var r uint64
		if recv {
			r = sysRecvmsg(t, &one)
		} else {
			r = sysSendmsg(t, &one)
		}
		if usermode.IsErr(r) || usermode.IsRestart(r) {
			if done == 0 {
				return r
			}
			break
		}
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], uint32(r))
		if t.P.AS.Write(m+msghdrSize, b[:]) != nil {
			return usermode.Errno(unix.EFAULT)
		}
		if recv && flags&unix.MSG_WAITFORONE != 0 {
			flags |= unix.MSG_DONTWAIT
		}
		if deadline != 0 && monoNow() >= deadline {
			done++
			break
		}
	}
	return done
}

func monoNow() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}
