package bsduser

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"
)

// sendfile(2) on the host's sendfile and send (FreeBSD
// sys/kern/kern_sendfile.c): the headers, then nbytes of the file from
// offset (0: to its end), then the trailers; the file offset is left
// alone and *sbytes gets the total sent, also when the call fails
// (EAGAIN on a non-blocking socket, EINTR on a signal: never restarted).
// The SF_ flags are hints (SF_NODISKIO, SF_NOCACHE, SF_SYNC, readahead)
// and are ignored.

func init() {
	register(
		// The seventh argument, flags, is not read (usermode.Args holds six).
		partial("sendfile", sysSendfile, "the SF_ flags are ignored", aInt, aInt, aInt, aInt, aPtr, aPtr),
	)
}

// sfHdtrSize is struct sf_hdtr (FreeBSD sys/sys/socket.h): headers 0,
// hdr_cnt 8, trailers 16, trl_cnt 24.
const sfHdtrSize = 32

// sendfileChunk bounds one host sendfile (Linux moves at most
// MAX_RW_COUNT, INT_MAX rounded down to a page, per call).
const sendfileChunk = 1 << 30

func sysSendfile(t *Thread, a *Args) uint64 {
	fd, s, off, nbytes := fdArg(a[0]), fdArg(a[1]), int64(a[2]), int64(a[3])
	if off < 0 {
		return usermode.Errno(unix.EINVAL)
	}
	var hdr, trl []byte
	if a[4] != 0 {
		b, err := t.ReadBytes(a[4], sfHdtrSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		var e uint64
		if hdr, e = gatherIovecs(t, le.Uint64(b), le.Uint32(b[8:])); e != 0 {
			return e
		}
		if trl, e = gatherIovecs(t, le.Uint64(b[16:]), le.Uint32(b[24:])); e != 0 {
			return e
		}
	}
	size, e := sendfileCheck(fd, s)
	var sent int64
	if e == 0 {
		sent, e = sendfileAll(t, fd, s, off, nbytes, size, hdr, trl)
	}
	if a[5] != 0 && storeLong(t, a[5], uint64(sent)) != nil && e == 0 {
		e = usermode.Errno(unix.EFAULT)
	}
	return e
}

// gatherIovecs copies the bytes of the guest's n struct iovec at addr
// (uipc_syscalls.c copyinuio: more than UIO_MAXIOV, or more than
// SSIZE_MAX bytes in all, is EINVAL).
func gatherIovecs(t *Thread, addr uint64, n uint32) ([]byte, uint64) {
	if addr == 0 || n == 0 {
		return nil, 0
	}
	if n > usermode.IovMax {
		return nil, usermode.Errno(unix.EINVAL)
	}
	g, err := t.ReadBytes(addr, linux.IovecSize*uint64(n))
	if err != nil {
		return nil, usermode.Errno(unix.EFAULT)
	}
	var out []byte
	for _, v := range linux.DecodeIovecs(g) {
		if v.Len > 1<<31-1 || uint64(len(out))+v.Len > 1<<31-1 {
			return nil, usermode.Errno(unix.EINVAL)
		}
		b, err := t.ReadBytes(v.Base, v.Len)
		if err != nil {
			return nil, usermode.Errno(unix.EFAULT)
		}
		out = append(out, b...)
	}
	return out, 0
}

// sendfileCheck is vn_sendfile's checks: fd a regular file open for
// reading (else EBADF, EINVAL), s a stream socket (ENOTSOCK, EINVAL) not
// listening (ENOTCONN). It gives the file's size.
func sendfileCheck(fd, s int) (int64, uint64) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, usermode.ErrRet(err)
	}
	if fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err != nil || fl&unix.O_ACCMODE == unix.O_WRONLY {
		return 0, usermode.Errno(unix.EBADF)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return 0, usermode.Errno(unix.EINVAL)
	}
	typ, err := unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return 0, usermode.ErrRet(err)
	}
	if typ != unix.SOCK_STREAM {
		return 0, usermode.Errno(unix.EINVAL)
	}
	if l, err := unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_ACCEPTCONN); err == nil && l != 0 {
		return 0, usermode.Errno(unix.ENOTCONN)
	}
	return st.Size, 0
}

// sendfileAll sends the headers, the file range and the trailers in
// turn, stopping at the first failure; the trailers go only after the
// whole range, with writev's SIGPIPE on EPIPE (kern_sendfile.c sends
// them with kern_writev).
func sendfileAll(t *Thread, fd, s int, off, nbytes, size int64, hdr, trl []byte) (int64, uint64) {
	n, e := sendBytes(t, s, hdr)
	sent := int64(n)
	if e != 0 {
		return sent, e
	}
	rem := max(size-off, 0)
	if nbytes != 0 {
		rem = min(rem, nbytes)
	}
	for rem > 0 {
		res := t.Interruptible(usermode.Errno(unix.EINTR), func() (int, error) {
			pos := off
			m, _, en := unix.Syscall6(unix.SYS_SENDFILE, uintptr(s), uintptr(fd), uintptr(unsafe.Pointer(&pos)),
				uintptr(min(rem, sendfileChunk)), 0, 0)
			if en != 0 {
				return 0, en
			}
			return int(m), nil
		})
		if usermode.IsErr(res) {
			return sent, res
		}
		if res == 0 { // the file shrank
			return sent, 0
		}
		sent, off, rem = sent+int64(res), off+int64(res), rem-int64(res)
	}
	n, e = sendBytes(t, s, trl)
	return sent + int64(n), raisePipe(t, e)
}

// sendBytes sends b on s, all of it unless s is non-blocking (then
// EAGAIN once the socket is full) or a signal comes (EINTR); n is what
// went.
func sendBytes(t *Thread, s int, b []byte) (n int, e uint64) {
	for n < len(b) {
		rest := b[n:]
		r := t.Interruptible(usermode.Errno(unix.EINTR), func() (int, error) {
			m, _, en := unix.Syscall6(unix.SYS_SENDTO, uintptr(s), uintptr(unsafe.Pointer(&rest[0])), uintptr(len(rest)),
				unix.MSG_NOSIGNAL, 0, 0)
			if en != 0 {
				return 0, en
			}
			return int(m), nil
		})
		if usermode.IsErr(r) {
			return n, r
		}
		n += int(r)
	}
	return n, 0
}
