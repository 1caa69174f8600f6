package freebsd

import "golang.org/x/sys/unix"

// struct rusage (FreeBSD sys/sys/resource.h): ru_utime 0, ru_stime 16,
// then fourteen longs from ru_maxrss (32) to ru_nivcsw (136); 144 bytes,
// the x86_64 Linux layout as well, so host bytes pass through.
const RusageSize = 144

// RusageFromLinux encodes the host's struct rusage for the guest.
func RusageFromLinux(r *unix.Rusage) []byte {
	b := make([]byte, RusageSize)
	putTimeval(b[0:], r.Utime)
	putTimeval(b[16:], r.Stime)
	for i, v := range []int64{r.Maxrss, r.Ixrss, r.Idrss, r.Isrss, r.Minflt, r.Majflt, r.Nswap,
		r.Inblock, r.Oublock, r.Msgsnd, r.Msgrcv, r.Nsignals, r.Nvcsw, r.Nivcsw} {
		le.PutUint64(b[32+8*i:], uint64(v))
	}
	return b
}

func putTimeval(b []byte, t unix.Timeval) {
	le.PutUint64(b[0:], uint64(t.Sec))
	le.PutUint64(b[8:], uint64(t.Usec))
}

// struct rlimit (FreeBSD sys/sys/resource.h): rlim_cur 0, rlim_max 8.
const RlimitSize = 16

// struct kevent of FreeBSD 12 and later (FreeBSD sys/sys/event.h): ident
// 0, filter 8 (short), flags 10 (u_short), fflags 12 (u_int), data 16
// (int64), udata 24, ext[4] 32; 64 bytes.
const KeventSize = 64

type Kevent struct {
	Ident  uint64
	Filter int16
	Flags  uint16
	Fflags uint32
	Data   int64
	Udata  uint64
	Ext    [4]uint64
}

func (k *Kevent) Encode(b []byte) {
	le.PutUint64(b[0:], k.Ident)
	le.PutUint16(b[8:], uint16(k.Filter))
	le.PutUint16(b[10:], k.Flags)
	le.PutUint32(b[12:], k.Fflags)
	le.PutUint64(b[16:], uint64(k.Data))
	le.PutUint64(b[24:], k.Udata)
	for i, e := range k.Ext {
		le.PutUint64(b[32+8*i:], e)
	}
}

func DecodeKevent(b []byte) Kevent {
	k := Kevent{Ident: le.Uint64(b[0:]), Filter: int16(le.Uint16(b[8:])), Flags: le.Uint16(b[10:]),
		Fflags: le.Uint32(b[12:]), Data: int64(le.Uint64(b[16:])), Udata: le.Uint64(b[24:])}
	for i := range k.Ext {
		k.Ext[i] = le.Uint64(b[32+8*i:])
	}
	return k
}

// struct thr_param (FreeBSD sys/sys/thr.h): start_func 0, arg 8,
// stack_base 16, stack_size 24, tls_base 32, tls_size 40, child_tid 48,
// parent_tid 56, flags 64 (int), rtp 72, spare[3] 80; 104 bytes.
const ThrParamSize = 104

type ThrParam struct {
	StartFunc, Arg, StackBase, StackSize, TLSBase, TLSSize, ChildTID, ParentTID uint64
	Flags                                                                       int32
	RTP                                                                         uint64
}

// DecodeThrParam reads the guest's struct thr_param; thr_new passes its
// size, and a shorter one leaves the missing fields zero.
func DecodeThrParam(b []byte) ThrParam {
	full := make([]byte, ThrParamSize)
	copy(full, b)
	w := func(off int) uint64 { return le.Uint64(full[off:]) }
	return ThrParam{StartFunc: w(0), Arg: w(8), StackBase: w(16), StackSize: w(24),
		TLSBase: w(32), TLSSize: w(40), ChildTID: w(48), ParentTID: w(56),
		Flags: int32(le.Uint32(full[64:])), RTP: w(72)}
}

// struct _umtx_time (FreeBSD sys/sys/umtx.h): _timeout 0 (timespec),
// _flags 16 (UMTX_ABSTIME 1), _clockid 20; 24 bytes. _umtx_op tells it
// from a bare timespec by the size passed in uaddr1.
const (
	UmtxTimeSize = 24
	UMTX_ABSTIME = 1
)

type UmtxTime struct {
	Sec, Nsec int64
	Flags     uint32
	ClockID   uint32
}

func DecodeUmtxTime(b []byte) UmtxTime {
	return UmtxTime{Sec: int64(le.Uint64(b[0:])), Nsec: int64(le.Uint64(b[8:])),
		Flags: le.Uint32(b[16:]), ClockID: le.Uint32(b[20:])}
}

// Socket addresses (FreeBSD sys/netinet/in.h, netinet6/in6.h, sys/un.h)
// begin with a length byte and a one-byte family where Linux has a
// 16-bit family: sockaddr_in 16 bytes (port 2, addr 4), sockaddr_in6 28
// (port 2, flowinfo 4, addr 8, scope_id 24), sockaddr_un 106 (path 2,
// 104 bytes). The rest of each matches Linux's byte for byte.
const (
	SockaddrInSize  = 16
	SockaddrIn6Size = 28
	SockaddrUnSize  = 106
)

// SockaddrToLinux rewrites a guest sockaddr's header for the host; ok is
// false for a family gemu does not forward.
func SockaddrToLinux(g []byte) (h []byte, ok bool) {
	if len(g) < 2 {
		return nil, false
	}
	family, ok := DomainToLinux(int(g[1]))
	if !ok {
		return nil, false
	}
	h = append([]byte{0, 0}, g[2:]...)
	le.PutUint16(h, uint16(family))
	return h, true
}

// SockaddrFromLinux rewrites a host sockaddr for the guest, setting
// sa_len to the bytes given (at most 255).
func SockaddrFromLinux(h []byte) []byte {
	if len(h) < 2 {
		return nil
	}
	family := int(le.Uint16(h))
	if family == unix.AF_INET6 {
		family = AF_INET6
	}
	g := append([]byte{byte(min(len(h), 255)), byte(family)}, h[2:]...)
	return g
}

// struct msghdr (FreeBSD sys/sys/socket.h): msg_name 0, msg_namelen 8
// (socklen_t), msg_iov 16, msg_iovlen 24 (int), msg_control 32,
// msg_controllen 40 (socklen_t), msg_flags 44; 48 bytes. struct cmsghdr
// is 12 bytes (cmsg_len socklen_t, level, type), its data aligned to 8
// (_ALIGN on LP64).
const (
	MsghdrSize  = 48
	CmsghdrSize = 12
	CmsgAlign   = 8
)

type Msghdr struct {
	Name       uint64
	NameLen    uint32
	Iov        uint64
	IovLen     int32
	Control    uint64
	ControlLen uint32
	Flags      int32
}

func DecodeMsghdr(b []byte) Msghdr {
	return Msghdr{Name: le.Uint64(b[0:]), NameLen: le.Uint32(b[8:]), Iov: le.Uint64(b[16:]),
		IovLen: int32(le.Uint32(b[24:])), Control: le.Uint64(b[32:]),
		ControlLen: le.Uint32(b[40:]), Flags: int32(le.Uint32(b[44:]))}
}

func (m *Msghdr) Encode(b []byte) {
	clear(b[:MsghdrSize])
	le.PutUint64(b[0:], m.Name)
	le.PutUint32(b[8:], m.NameLen)
	le.PutUint64(b[16:], m.Iov)
	le.PutUint32(b[24:], uint32(m.IovLen))
	le.PutUint64(b[32:], m.Control)
	le.PutUint32(b[40:], m.ControlLen)
	le.PutUint32(b[44:], uint32(m.Flags))
}

// struct pollfd (FreeBSD sys/sys/poll.h): fd 0, events 4, revents 6; 8
// bytes as on Linux. The event bits agree with Linux's up to POLLRDBAND
// (0x80); FreeBSD's POLLWRBAND is 0x100 (Linux 0x200), POLLWRNORM equals
// POLLOUT (Linux 0x100), POLLINIGNEOF 0x2000 and POLLRDHUP 0x4000
// (Linux 0x2000).
const (
	PollfdSize   = 8
	POLLWRNORM   = 0x4
	POLLWRBAND   = 0x100
	POLLINIGNEOF = 0x2000
	POLLRDHUP    = 0x4000
)

// Linux's poll bits above the shared byte (Linux
// include/uapi/asm-generic/poll.h).
const (
	linuxPOLLWRBAND = 0x200
	linuxPOLLRDHUP  = 0x2000
)

// PollEvents maps poll(2) event bits; the low byte is shared.
var PollEvents = &BitMap{pairs: [][2]uint64{
	{0x1, 0x1}, {0x2, 0x2}, {0x4, 0x4}, {0x8, 0x8}, {0x10, 0x10}, {0x20, 0x20}, {0x40, 0x40},
	{0x80, 0x80}, {POLLWRBAND, linuxPOLLWRBAND}, {POLLRDHUP, linuxPOLLRDHUP},
}}

// struct flock (FreeBSD sys/sys/fcntl.h): l_start 0, l_len 8, l_pid 16,
// l_type 20 (short), l_whence 22 (short), l_sysid 24; 32 bytes.
const FlockSize = 32

// FlockToLinux reads the guest's struct flock into the host's.
func FlockToLinux(b []byte) unix.Flock_t {
	return unix.Flock_t{Start: int64(le.Uint64(b[0:])), Len: int64(le.Uint64(b[8:])),
		Pid: int32(le.Uint32(b[16:])), Type: LockTypeToLinux(int16(le.Uint16(b[20:]))),
		Whence: int16(le.Uint16(b[22:]))}
}

// FlockFromLinux writes the host's struct flock for the guest (l_sysid 0).
func FlockFromLinux(f *unix.Flock_t, b []byte) {
	clear(b[:FlockSize])
	le.PutUint64(b[0:], uint64(f.Start))
	le.PutUint64(b[8:], uint64(f.Len))
	le.PutUint32(b[16:], uint32(f.Pid))
	le.PutUint16(b[20:], uint16(LockTypeFromLinux(f.Type)))
	le.PutUint16(b[22:], uint16(f.Whence))
}
