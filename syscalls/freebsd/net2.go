package freebsd

import "golang.org/x/sys/unix"

// kqueue(2) and kevent(2) constants (FreeBSD sys/sys/event.h).
const (
	EVFILT_READ     = -1
	EVFILT_WRITE    = -2
	EVFILT_AIO      = -3
	EVFILT_VNODE    = -4
	EVFILT_PROC     = -5
	EVFILT_SIGNAL   = -6
	EVFILT_TIMER    = -7
	EVFILT_PROCDESC = -8
	EVFILT_FS       = -9
	EVFILT_LIO      = -10
	EVFILT_USER     = -11
	EVFILT_SENDFILE = -12
	EVFILT_EMPTY    = -13
	EVFILT_SYSCOUNT = 13

	EV_ADD          = 0x0001
	EV_DELETE       = 0x0002
	EV_ENABLE       = 0x0004
	EV_DISABLE      = 0x0008
	EV_FORCEONESHOT = 0x0100
	EV_KEEPUDATA    = 0x0200
	EV_ONESHOT      = 0x0010
	EV_CLEAR        = 0x0020
	EV_RECEIPT      = 0x0040
	EV_DISPATCH     = 0x0080
	EV_SYSFLAGS     = 0xf000
	EV_DROP         = 0x1000
	EV_EOF          = 0x8000
	EV_ERROR        = 0x4000

	// EVFILT_USER's fflags: a control in the top two bits, the user's 24.
	NOTE_FFNOP      = 0x00000000
	NOTE_FFAND      = 0x40000000
	NOTE_FFOR       = 0x80000000
	NOTE_FFCOPY     = 0xc0000000
	NOTE_FFCTRLMASK = 0xc0000000
	NOTE_FFLAGSMASK = 0x00ffffff
	NOTE_TRIGGER    = 0x01000000

	// EVFILT_TIMER's units (milliseconds without one) and NOTE_ABSTIME.
	NOTE_SECONDS  = 0x01
	NOTE_MSECONDS = 0x02
	NOTE_USECONDS = 0x04
	NOTE_NSECONDS = 0x08
	NOTE_ABSTIME  = 0x10

	KQUEUE_CLOEXEC = 0x1 // kqueuex(2)
)

// Protocol-level socket options whose numbers differ from Linux's
// (FreeBSD sys/netinet/in.h, netinet6/in6.h, netinet/tcp.h; Linux
// include/uapi/linux/in.h, in6.h, tcp.h). TCP_NODELAY (1) and
// TCP_MAXSEG (2) are the same on both.
const (
	IP_HDRINCL         = 2
	IP_TOS             = 3
	IP_TTL             = 4
	IP_MULTICAST_IF    = 9
	IP_MULTICAST_TTL   = 10
	IP_MULTICAST_LOOP  = 11
	IP_ADD_MEMBERSHIP  = 12
	IP_DROP_MEMBERSHIP = 13

	IPV6_UNICAST_HOPS   = 4
	IPV6_MULTICAST_IF   = 9
	IPV6_MULTICAST_HOPS = 10
	IPV6_MULTICAST_LOOP = 11
	IPV6_JOIN_GROUP     = 12
	IPV6_LEAVE_GROUP    = 13
	IPV6_V6ONLY         = 27
	IPV6_TCLASS         = 61
	IPV6_DONTFRAG       = 62

	TCP_NODELAY   = 1
	TCP_MAXSEG    = 2
	TCP_KEEPIDLE  = 0x100
	TCP_KEEPINTVL = 0x200
	TCP_KEEPCNT   = 0x400
	TCP_FASTOPEN  = 0x401

	SO_REUSEPORT_LB = 0x10000 // load-balancing SO_REUSEPORT: Linux's SO_REUSEPORT
)

var protoOptToLinux = map[[2]int]int{
	{unix.IPPROTO_IP, IP_HDRINCL}: unix.IP_HDRINCL, {unix.IPPROTO_IP, IP_TOS}: unix.IP_TOS,
	{unix.IPPROTO_IP, IP_TTL}: unix.IP_TTL, {unix.IPPROTO_IP, IP_MULTICAST_IF}: unix.IP_MULTICAST_IF,
	{unix.IPPROTO_IP, IP_MULTICAST_TTL}:      unix.IP_MULTICAST_TTL,
	{unix.IPPROTO_IP, IP_MULTICAST_LOOP}:     unix.IP_MULTICAST_LOOP,
	{unix.IPPROTO_IP, IP_ADD_MEMBERSHIP}:     unix.IP_ADD_MEMBERSHIP,
	{unix.IPPROTO_IP, IP_DROP_MEMBERSHIP}:    unix.IP_DROP_MEMBERSHIP,
	{unix.IPPROTO_IPV6, IPV6_UNICAST_HOPS}:   unix.IPV6_UNICAST_HOPS,
	{unix.IPPROTO_IPV6, IPV6_MULTICAST_IF}:   unix.IPV6_MULTICAST_IF,
	{unix.IPPROTO_IPV6, IPV6_MULTICAST_HOPS}: unix.IPV6_MULTICAST_HOPS,
	{unix.IPPROTO_IPV6, IPV6_MULTICAST_LOOP}: unix.IPV6_MULTICAST_LOOP,
	{unix.IPPROTO_IPV6, IPV6_JOIN_GROUP}:     unix.IPV6_JOIN_GROUP,
	{unix.IPPROTO_IPV6, IPV6_LEAVE_GROUP}:    unix.IPV6_LEAVE_GROUP,
	{unix.IPPROTO_IPV6, IPV6_V6ONLY}:         unix.IPV6_V6ONLY,
	{unix.IPPROTO_IPV6, IPV6_TCLASS}:         unix.IPV6_TCLASS, {unix.IPPROTO_IPV6, IPV6_DONTFRAG}: unix.IPV6_DONTFRAG,
	{unix.IPPROTO_TCP, TCP_NODELAY}: unix.TCP_NODELAY, {unix.IPPROTO_TCP, TCP_MAXSEG}: unix.TCP_MAXSEG,
	{unix.IPPROTO_TCP, TCP_KEEPIDLE}: unix.TCP_KEEPIDLE, {unix.IPPROTO_TCP, TCP_KEEPINTVL}: unix.TCP_KEEPINTVL,
	{unix.IPPROTO_TCP, TCP_KEEPCNT}: unix.TCP_KEEPCNT, {unix.IPPROTO_TCP, TCP_FASTOPEN}: unix.TCP_FASTOPEN,
}

// OptionToLinux is SockoptToLinux for every level: SOL_SOCKET's options,
// SO_REUSEPORT_LB as Linux's SO_REUSEPORT (which balances), and the IP,
// IPv6 and TCP options above; ok is false for an option with no host
// twin. Other levels pass through.
func OptionToLinux(level, opt int) (int, int, bool) {
	switch level {
	case SOL_SOCKET:
		if opt == SO_REUSEPORT_LB {
			return unix.SOL_SOCKET, unix.SO_REUSEPORT, true
		}
		return SockoptToLinux(level, opt)
	case unix.IPPROTO_IP, unix.IPPROTO_IPV6, unix.IPPROTO_TCP:
		l, ok := protoOptToLinux[[2]int{level, opt}]
		return level, l, ok
	}
	return level, opt, true
}

// Control-message types of SOL_SOCKET (FreeBSD sys/sys/socket.h) with a
// host twin of the same payload: SCM_RIGHTS (int descriptors) and
// SCM_TIMESTAMP (struct timeval, 16 bytes on both).
func CmsgTypeToLinux(typ int) (int, bool) {
	switch typ {
	case SCM_RIGHTS:
		return unix.SCM_RIGHTS, true
	case SCM_TIMESTAMP:
		return unix.SO_TIMESTAMP, true
	}
	return 0, false
}

// CmsgTypeFromLinux is CmsgTypeToLinux's inverse.
func CmsgTypeFromLinux(typ int) (int, bool) {
	switch typ {
	case unix.SCM_RIGHTS:
		return SCM_RIGHTS, true
	case unix.SO_TIMESTAMP:
		return SCM_TIMESTAMP, true
	}
	return 0, false
}
