package freebsd

import "golang.org/x/sys/unix"

// Clock ids (FreeBSD sys/sys/_clock_id.h).
const (
	CLOCK_REALTIME           = 0
	CLOCK_VIRTUAL            = 1
	CLOCK_PROF               = 2
	CLOCK_MONOTONIC          = 4
	CLOCK_UPTIME             = 5 // CLOCK_BOOTTIME is an alias
	CLOCK_UPTIME_PRECISE     = 7
	CLOCK_UPTIME_FAST        = 8
	CLOCK_REALTIME_PRECISE   = 9
	CLOCK_REALTIME_FAST      = 10 // CLOCK_REALTIME_COARSE
	CLOCK_MONOTONIC_PRECISE  = 11
	CLOCK_MONOTONIC_FAST     = 12 // CLOCK_MONOTONIC_COARSE
	CLOCK_SECOND             = 13
	CLOCK_THREAD_CPUTIME_ID  = 14
	CLOCK_PROCESS_CPUTIME_ID = 15
)

// clockToLinux maps each clock to the host clock that keeps the same time.
// CLOCK_SECOND reads the coarse real-time clock; the handler drops the
// nanoseconds. CLOCK_PROF (user plus system time) is the process CPU
// clock. CLOCK_VIRTUAL (user time only) has no host clock.
var clockToLinux = map[int]int{
	CLOCK_REALTIME: unix.CLOCK_REALTIME, CLOCK_REALTIME_PRECISE: unix.CLOCK_REALTIME,
	CLOCK_REALTIME_FAST: unix.CLOCK_REALTIME_COARSE, CLOCK_SECOND: unix.CLOCK_REALTIME_COARSE,
	CLOCK_MONOTONIC: unix.CLOCK_MONOTONIC, CLOCK_MONOTONIC_PRECISE: unix.CLOCK_MONOTONIC,
	CLOCK_MONOTONIC_FAST: unix.CLOCK_MONOTONIC_COARSE,
	CLOCK_UPTIME:         unix.CLOCK_BOOTTIME, CLOCK_UPTIME_PRECISE: unix.CLOCK_BOOTTIME,
	CLOCK_UPTIME_FAST: unix.CLOCK_BOOTTIME, CLOCK_PROF: unix.CLOCK_PROCESS_CPUTIME_ID,
	CLOCK_THREAD_CPUTIME_ID:  unix.CLOCK_THREAD_CPUTIME_ID,
	CLOCK_PROCESS_CPUTIME_ID: unix.CLOCK_PROCESS_CPUTIME_ID,
}

// ClockToLinux returns the host clock id for a FreeBSD one.
func ClockToLinux(id int) (int, bool) {
	linux, ok := clockToLinux[id]
	return linux, ok
}

// Socket constants (FreeBSD sys/sys/socket.h). SOCK_STREAM, SOCK_DGRAM,
// SOCK_RAW, SOCK_RDM and SOCK_SEQPACKET (1-5), AF_UNSPEC, AF_UNIX and
// AF_INET (0-2), SCM_RIGHTS (1) and the IPPROTO_ numbers are Linux's too.
const (
	AF_INET6      = 28
	SOCK_CLOEXEC  = 0x10000000
	SOCK_NONBLOCK = 0x20000000
	SOL_SOCKET    = 0xffff
	SCM_RIGHTS    = 1
	SCM_TIMESTAMP = 2
	SCM_CREDS     = 3

	SO_DEBUG        = 0x1
	SO_ACCEPTCONN   = 0x2
	SO_REUSEADDR    = 0x4
	SO_KEEPALIVE    = 0x8
	SO_DONTROUTE    = 0x10
	SO_BROADCAST    = 0x20
	SO_USELOOPBACK  = 0x40
	SO_LINGER       = 0x80
	SO_OOBINLINE    = 0x100
	SO_REUSEPORT    = 0x200
	SO_TIMESTAMP    = 0x400
	SO_NOSIGPIPE    = 0x800
	SO_ACCEPTFILTER = 0x1000
	SO_BINTIME      = 0x2000
	SO_SNDBUF       = 0x1001
	SO_RCVBUF       = 0x1002
	SO_SNDLOWAT     = 0x1003
	SO_RCVLOWAT     = 0x1004
	SO_SNDTIMEO     = 0x1005
	SO_RCVTIMEO     = 0x1006
	SO_ERROR        = 0x1007
	SO_TYPE         = 0x1008
	SO_PROTOCOL     = 0x1016
	SO_DOMAIN       = 0x1019
)

// SocketTypeToLinux splits socket(2)'s type argument: the type, with
// SOCK_CLOEXEC and SOCK_NONBLOCK moved to the host's bits.
func SocketTypeToLinux(t int) int {
	linux := t &^ (SOCK_CLOEXEC | SOCK_NONBLOCK)
	if t&SOCK_CLOEXEC != 0 {
		linux |= unix.SOCK_CLOEXEC
	}
	if t&SOCK_NONBLOCK != 0 {
		linux |= unix.SOCK_NONBLOCK
	}
	return linux
}

// DomainToLinux maps the address families gemu forwards to the host.
func DomainToLinux(af int) (int, bool) {
	switch af {
	case unix.AF_UNSPEC, unix.AF_UNIX, unix.AF_INET:
		return af, true
	case AF_INET6:
		return unix.AF_INET6, true
	}
	return 0, false
}

// sockoptToLinux maps SOL_SOCKET options with a host twin taking the same
// value type (int, struct linger, or struct timeval: 16 bytes on both).
// SO_NOSIGPIPE has none (MSG_NOSIGNAL per send), nor SO_ACCEPTFILTER,
// SO_BINTIME or SO_USELOOPBACK.
var sockoptToLinux = map[int]int{
	SO_DEBUG: unix.SO_DEBUG, SO_ACCEPTCONN: unix.SO_ACCEPTCONN, SO_REUSEADDR: unix.SO_REUSEADDR,
	SO_KEEPALIVE: unix.SO_KEEPALIVE, SO_DONTROUTE: unix.SO_DONTROUTE, SO_BROADCAST: unix.SO_BROADCAST,
	SO_LINGER: unix.SO_LINGER, SO_OOBINLINE: unix.SO_OOBINLINE, SO_REUSEPORT: unix.SO_REUSEPORT,
	SO_TIMESTAMP: unix.SO_TIMESTAMP, SO_SNDBUF: unix.SO_SNDBUF, SO_RCVBUF: unix.SO_RCVBUF,
	SO_SNDLOWAT: unix.SO_SNDLOWAT, SO_RCVLOWAT: unix.SO_RCVLOWAT, SO_SNDTIMEO: unix.SO_SNDTIMEO,
	SO_RCVTIMEO: unix.SO_RCVTIMEO, SO_ERROR: unix.SO_ERROR, SO_TYPE: unix.SO_TYPE,
	SO_PROTOCOL: unix.SO_PROTOCOL, SO_DOMAIN: unix.SO_DOMAIN,
}

// SockoptToLinux returns the host's level and option for a FreeBSD
// SOL_SOCKET option; other levels' numbers pass through unchanged.
func SockoptToLinux(level, opt int) (int, int, bool) {
	if level != SOL_SOCKET {
		return level, opt, true
	}
	linux, ok := sockoptToLinux[opt]
	return unix.SOL_SOCKET, linux, ok
}

// send/recv flags (FreeBSD sys/sys/socket.h).
const (
	MSG_OOB          = 0x1
	MSG_PEEK         = 0x2
	MSG_DONTROUTE    = 0x4
	MSG_EOR          = 0x8
	MSG_TRUNC        = 0x10
	MSG_CTRUNC       = 0x20
	MSG_WAITALL      = 0x40
	MSG_DONTWAIT     = 0x80
	MSG_EOF          = 0x100
	MSG_NOSIGNAL     = 0x20000
	MSG_CMSG_CLOEXEC = 0x40000
	MSG_WAITFORONE   = 0x80000
)

// MsgFlags maps send/recv flags. MSG_EOF (shutdown after the send) is
// left in rest.
var MsgFlags = &BitMap{pairs: [][2]uint64{
	{MSG_OOB, unix.MSG_OOB}, {MSG_PEEK, unix.MSG_PEEK}, {MSG_DONTROUTE, unix.MSG_DONTROUTE},
	{MSG_EOR, unix.MSG_EOR}, {MSG_TRUNC, unix.MSG_TRUNC}, {MSG_CTRUNC, unix.MSG_CTRUNC},
	{MSG_WAITALL, unix.MSG_WAITALL}, {MSG_DONTWAIT, unix.MSG_DONTWAIT},
	{MSG_NOSIGNAL, unix.MSG_NOSIGNAL}, {MSG_CMSG_CLOEXEC, unix.MSG_CMSG_CLOEXEC},
	{MSG_WAITFORONE, unix.MSG_WAITFORONE},
}}

// Resource limits (FreeBSD sys/sys/resource.h); 0-5 are Linux's numbers.
const (
	RLIMIT_MEMLOCK = 6
	RLIMIT_NPROC   = 7
	RLIMIT_NOFILE  = 8
	RLIMIT_SBSIZE  = 9
	RLIMIT_AS      = 10 // RLIMIT_VMEM
	RLIMIT_NPTS    = 11
	RLIMIT_SWAP    = 12
	RLIMIT_KQUEUES = 13
	RLIMIT_UMTXP   = 14
	RLIMIT_PIPEBUF = 15
	RLIM_INFINITY  = 1<<63 - 1
)

// RlimitToLinux returns the host resource for a FreeBSD one; the
// FreeBSD-only limits (9, 11-15) have none.
func RlimitToLinux(r int) (int, bool) {
	switch {
	case r >= 0 && r <= 5:
		return r, true
	case r == RLIMIT_MEMLOCK:
		return unix.RLIMIT_MEMLOCK, true
	case r == RLIMIT_NPROC:
		return unix.RLIMIT_NPROC, true
	case r == RLIMIT_NOFILE:
		return unix.RLIMIT_NOFILE, true
	case r == RLIMIT_AS:
		return unix.RLIMIT_AS, true
	}
	return 0, false
}

// RlimValueFromLinux converts a limit value: Linux's RLIM_INFINITY is
// all ones, FreeBSD's is the largest signed value.
func RlimValueFromLinux(v uint64) uint64 {
	if v >= RLIM_INFINITY {
		return RLIM_INFINITY
	}
	return v
}
