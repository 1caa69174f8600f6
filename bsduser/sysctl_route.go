package bsduser

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/usermode"
)

// The routing sysctl net.routetable ({CTL_NET, PF_ROUTE, 0, af, op,
// arg}, FreeBSD sys/net/rtsock.c sysctl_rtsock) for the interface lists
// getifaddrs and Go's net.Interfaces read: the host's interfaces (from
// netlink) and multicast groups (from /proc/net) as FreeBSD routing
// messages. Route table dumps are not answered.

// Numbers of FreeBSD sys/sys/socket.h (NET_RT_*), sys/net/route.h
// (RTM_*, RTA_*, RTAX_*), sys/net/if.h (IFF_*, LINK_STATE_*),
// sys/net/if_types.h (IFT_*) and sys/sys/sysctl.h (CTL_NET).
const (
	ctlNet      = 4
	pfRoute     = 17
	afLink      = 18
	afMaxBSD    = 44 // AF_MAX
	rtmVer      = 5  // RTM_VERSION
	rtmNewaddr  = 0xc
	rtmIfinfo   = 0xe
	rtmNewmaddr = 0xf

	netRtIflist   = 3
	netRtIfmalist = 4
	netRtIflistl  = 5

	rtaxGateway = 1
	rtaxNetmask = 2
	rtaxIfp     = 4
	rtaxIfa     = 5
	rtaxBrd     = 7
	rtaxMax     = 8

	iffMulticast  = 0x8000
	iftOther      = 0x1
	iftEther      = 0x6
	iftLoop       = 0x18
	linkStateDown = 1
	linkStateUp   = 2
)

// Layouts on LP64 (FreeBSD sys/net/if.h): struct if_data is 152 bytes
// (ifi_type 0, ifi_addrlen 2, ifi_hdrlen 3, ifi_link_state 4,
// ifi_datalen 6, ifi_mtu 8, the u_int64 counters from ifi_ipackets at 24);
// if_msghdr puts it at 16, if_msghdrl and ifa_msghdrl at 24 (after
// ifm_len, ifm_data_off and a spare int); ifa_msghdr is 20 bytes
// (ifam_metric at 16), ifma_msghdr 16. Every header starts msglen (u16),
// version, type, addrs (int at 4), flags (int at 8), index (u16 at 12).
const (
	ifDataSize     = 152
	ifMsghdrSize   = 16 + ifDataSize
	ifMsghdrlOff   = 24
	ifaMsghdrSize  = 20
	ifmaMsghdrSize = 16
	sdlSize        = 54 // sizeof(struct sockaddr_dl), sys/net/if_dl.h
)

// hostLink is one host interface (Linux struct ifinfomsg and its
// attributes).
type hostLink struct {
	index  int
	name   string
	flags  uint32 // Linux IFF_*
	arphrd uint16
	mtu    uint32
	hw     []byte
	stats  []byte // struct rtnl_link_stats64, or nil
}

// hostAddr is one interface address: ip is 4 or 16 bytes, dst the
// broadcast (or point-to-point peer) address if any.
type hostAddr struct {
	index  int
	ip     net.IP
	prefix int
	dst    net.IP
}

// hostGroup is one multicast membership: an IPv4 or IPv6 group or a
// link-layer address (link).
type hostGroup struct {
	index int
	addr  []byte
	link  bool
}

// sysctlRoute answers net.routetable; extra is {0, af, op, arg}.
func sysctlRoute(t *Thread, _, extra []int32) ([]byte, uint64) {
	if len(extra) < 3 {
		return nil, usermode.Errno(unix.EINVAL)
	}
	op := extra[2]
	if op != netRtIflist && op != netRtIflistl && op != netRtIfmalist {
		t.P.Unimp("gemu: FreeBSD sysctl net.routetable operation %d not supported", op)
		return nil, usermode.Errno(unix.EOPNOTSUPP)
	}
	switch {
	case len(extra) == 3:
		return nil, usermode.Errno(unix.EISDIR)
	case len(extra) > 4:
		return nil, usermode.Errno(unix.ENOTDIR)
	}
	af, index := int(uint8(extra[1])), int(extra[3])
	if af > afMaxBSD {
		return nil, usermode.Errno(unix.EINVAL)
	}
	links, err := hostLinks()
	if err != nil {
		return nil, usermode.ErrRet(err)
	}
	if op == netRtIfmalist {
		return routeIfmalist(links, hostGroups(), af, index), 0
	}
	addrs, err := hostAddrs()
	if err != nil {
		return nil, usermode.ErrRet(err)
	}
	return routeIflist(links, addrs, af, index, op == netRtIflistl), 0
}

// routeIflist is NET_RT_IFLIST(L): per interface an RTM_IFINFO with its
// link address, then an RTM_NEWADDR for each address of family af (0:
// all) with its netmask and broadcast or peer address (rtsock.c
// sysctl_iflist).
func routeIflist(links []hostLink, addrs []hostAddr, af, index int, long bool) []byte {
	var out []byte
	for i := range links {
		l := &links[i]
		if index != 0 && index != l.index {
			continue
		}
		var sas [rtaxMax][]byte
		sas[rtaxIfp] = linkSockaddr(l)
		if long {
			h := make([]byte, ifMsghdrlOff+ifDataSize)
			le.PutUint16(h[16:], uint16(len(h)))
			le.PutUint16(h[18:], ifMsghdrlOff)
			out = appendRouteMsg(out, rtmIfinfo, l.linkHeader(h, ifMsghdrlOff), &sas)
		} else {
			out = appendRouteMsg(out, rtmIfinfo, l.linkHeader(make([]byte, ifMsghdrSize), 16), &sas)
		}
		for _, a := range addrs {
			if a.index != l.index || (af != 0 && af != inetFamily(a.ip)) {
				continue
			}
			var sas [rtaxMax][]byte
			sas[rtaxIfa] = inetSockaddr(a.ip, a.index)
			sas[rtaxNetmask] = inetSockaddr(net.CIDRMask(a.prefix, 8*len(a.ip)), 0)
			if a.dst != nil {
				sas[rtaxBrd] = inetSockaddr(a.dst, a.index)
			}
			var h []byte
			if long {
				h = make([]byte, ifMsghdrlOff+ifDataSize)
				le.PutUint16(h[16:], uint16(len(h)))
				le.PutUint16(h[18:], ifMsghdrlOff)
				le.PutUint16(h[ifMsghdrlOff+6:], ifDataSize)
			} else {
				h = make([]byte, ifaMsghdrSize)
			}
			le.PutUint16(h[12:], uint16(a.index))
			out = appendRouteMsg(out, rtmNewaddr, h, &sas)
		}
	}
	return out
}

// routeIfmalist is NET_RT_IFMALIST: an RTM_NEWMADDR for each membership
// of family af, with the interface's link address and, for a group on
// Ethernet, the link-layer group it maps to (rtsock.c sysctl_ifmalist).
func routeIfmalist(links []hostLink, groups []hostGroup, af, index int) []byte {
	var out []byte
	for i := range links {
		l := &links[i]
		if index != 0 && index != l.index {
			continue
		}
		for _, g := range groups {
			fam := afLink
			if !g.link {
				fam = inetFamily(g.addr)
			}
			if g.index != l.index || (af != 0 && af != fam) {
				continue
			}
			var sas [rtaxMax][]byte
			sas[rtaxIfp] = linkSockaddr(l)
			if g.link {
				sas[rtaxIfa] = dlSockaddr(l.index, l.ifType(), "", g.addr, 0)
			} else {
				sas[rtaxIfa] = inetSockaddr(g.addr, l.index)
				if mac := etherGroup(g.addr); mac != nil && l.ifType() == iftEther {
					sas[rtaxGateway] = dlSockaddr(l.index, iftEther, "", mac, 0)
				}
			}
			h := make([]byte, ifmaMsghdrSize)
			le.PutUint16(h[12:], uint16(l.index))
			out = appendRouteMsg(out, rtmNewmaddr, h, &sas)
		}
	}
	return out
}

// appendRouteMsg completes header h (version, type, addrs, msglen) and
// appends it with the sockaddrs, each padded to SA_SIZE and the whole
// to ALIGN: both round up to 8 on LP64 (sys/net/route.h SA_SIZE,
// rtsock.c rtsock_msg_buffer).
func appendRouteMsg(out []byte, typ byte, h []byte, sas *[rtaxMax][]byte) []byte {
	start := len(out)
	out = append(out, h...)
	var bits uint32
	for i, sa := range sas {
		if sa == nil {
			continue
		}
		bits |= 1 << i
		out = append(out, sa...)
		out = append(out, make([]byte, saSize(len(sa))-len(sa))...)
	}
	out = append(out, make([]byte, align8(len(out)-start)-(len(out)-start))...)
	m := out[start:]
	le.PutUint16(m, uint16(len(m)))
	m[2], m[3] = rtmVer, typ
	le.PutUint32(m[4:], bits)
	return out
}

// saSize is SA_SIZE: a sockaddr's length rounded up to a long, a long
// for an empty one.
func saSize(n int) int {
	if n == 0 {
		return 8
	}
	return align8(n)
}

func align8(n int) int { return (n + 7) &^ 7 }

// linkHeader fills the interface fields of an RTM_IFINFO header h whose
// struct if_data is at data.
func (l *hostLink) linkHeader(h []byte, data int) []byte {
	le.PutUint32(h[8:], l.bsdFlags())
	le.PutUint16(h[12:], uint16(l.index))
	d := h[data : data+ifDataSize]
	d[0] = l.ifType()
	d[2] = byte(len(l.hw))
	if d[0] == iftEther {
		d[3] = 14 // ETHER_HDR_LEN
	}
	d[4] = linkStateDown
	if l.flags&unix.IFF_LOWER_UP != 0 {
		d[4] = linkStateUp
	}
	le.PutUint16(d[6:], ifDataSize)
	le.PutUint32(d[8:], l.mtu)
	if len(l.stats) >= 80 {
		// rtnl_link_stats64 (Linux include/uapi/linux/if_link.h):
		// rx/tx packets 0/8, bytes 16/24, errors 32/40, dropped
		// 48/56, multicast 64, collisions 72; if_data's counters:
		// ipackets 24, ierrors 32, opackets 40, oerrors 48,
		// collisions 56, ibytes 64, obytes 72, imcasts 80, iqdrops 96,
		// oqdrops 104.
		for _, m := range [][2]int{{0, 24}, {32, 32}, {8, 40}, {40, 48}, {72, 56}, {16, 64}, {24, 72}, {64, 80},
			{48, 96}, {56, 104}} {
			copy(d[m[1]:m[1]+8], l.stats[m[0]:m[0]+8])
		}
	}
	return h
}

// bsdFlags are the interface flags in FreeBSD's bits: UP through
// ALLMULTI but 0x20 are the same as Linux's, MULTICAST is 0x8000.
func (l *hostLink) bsdFlags() uint32 {
	f := l.flags & (unix.IFF_UP | unix.IFF_BROADCAST | unix.IFF_DEBUG | unix.IFF_LOOPBACK | unix.IFF_POINTOPOINT |
		unix.IFF_RUNNING | unix.IFF_NOARP | unix.IFF_PROMISC | unix.IFF_ALLMULTI)
	if l.flags&unix.IFF_MULTICAST != 0 {
		f |= iffMulticast
	}
	return f
}

func (l *hostLink) ifType() byte {
	switch l.arphrd {
	case unix.ARPHRD_ETHER:
		return iftEther
	case unix.ARPHRD_LOOPBACK:
		return iftLoop
	}
	return iftOther
}

// linkSockaddr is an interface's own link address: a sockaddr_dl with
// its name and hardware address, at least sizeof(struct sockaddr_dl)
// long (sys/net/if.c if_attach_internal).
func linkSockaddr(l *hostLink) []byte {
	return dlSockaddr(l.index, l.ifType(), l.name, l.hw, sdlSize)
}

// dlSockaddr is a struct sockaddr_dl (sys/net/if_dl.h): sdl_len,
// sdl_family, sdl_index (u16), sdl_type, sdl_nlen, sdl_alen, sdl_slen,
// then the name and the address in sdl_data; sdl_len is the larger of
// minLen and the length rounded to a long.
func dlSockaddr(index int, typ byte, name string, addr []byte, minLen int) []byte {
	n := max(align8(8+len(name)+len(addr)), minLen, sdlSize)
	b := make([]byte, n)
	b[0], b[1] = byte(n), afLink
	le.PutUint16(b[2:], uint16(index))
	b[4], b[5], b[6] = typ, byte(len(name)), byte(len(addr))
	copy(b[8:], name)
	copy(b[8+len(name):], addr)
	return b
}

// inetSockaddr is a sockaddr_in (16 bytes: len, family, port, addr) or
// sockaddr_in6 (28: len, family, port, flowinfo, addr at 8, scope_id at
// 24, the zone of a link- or interface-local address, as
// sa6_recoverscope leaves it).
func inetSockaddr(ip []byte, index int) []byte {
	if len(ip) == 4 {
		b := make([]byte, 16)
		b[0], b[1] = 16, unix.AF_INET
		copy(b[4:], ip)
		return b
	}
	b := make([]byte, 28)
	b[0], b[1] = 28, afINet6BSD
	copy(b[8:], ip)
	a := net.IP(ip)
	if a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() {
		le.PutUint32(b[24:], uint32(index))
	}
	return b
}

const afINet6BSD = 28 // FreeBSD AF_INET6

func inetFamily(ip []byte) int {
	if len(ip) == 4 {
		return unix.AF_INET
	}
	return afINet6BSD
}

// etherGroup is the Ethernet address a multicast group maps to:
// 01:00:5e and the low 23 bits of an IPv4 group (RFC 1112), 33:33 and
// the last 32 bits of an IPv6 one (RFC 2464).
func etherGroup(ip []byte) []byte {
	switch len(ip) {
	case 4:
		return []byte{0x01, 0x00, 0x5e, ip[1] & 0x7f, ip[2], ip[3]}
	case 16:
		return []byte{0x33, 0x33, ip[12], ip[13], ip[14], ip[15]}
	}
	return nil
}

// hostLinks lists the host's interfaces (RTM_GETLINK).
func hostLinks() ([]hostLink, error) {
	var out []hostLink
	err := netlinkRecords(unix.RTM_GETLINK, unix.RTM_NEWLINK, unix.SizeofIfInfomsg,
		func(d []byte, attrs []syscall.NetlinkRouteAttr) {
			l := hostLink{arphrd: le.Uint16(d[2:]), index: int(int32(le.Uint32(d[4:]))), flags: le.Uint32(d[8:])}
			for _, a := range attrs {
				switch a.Attr.Type {
				case unix.IFLA_IFNAME:
					l.name = strings.TrimRight(string(a.Value), "\x00")
				case unix.IFLA_MTU:
					if len(a.Value) >= 4 {
						l.mtu = le.Uint32(a.Value)
					}
				case unix.IFLA_ADDRESS:
					if len(bytes.Trim(a.Value, "\x00")) != 0 {
						l.hw = a.Value
					}
				case unix.IFLA_STATS64:
					l.stats = a.Value
				}
			}
			out = append(out, l)
		})
	return out, err
}

// hostAddrs lists the host's interface addresses (RTM_GETADDR): for
// IPv4 IFA_LOCAL is the address and IFA_ADDRESS the peer when they
// differ; IFA_BROADCAST the broadcast address.
func hostAddrs() ([]hostAddr, error) {
	var out []hostAddr
	err := netlinkRecords(unix.RTM_GETADDR, unix.RTM_NEWADDR, unix.SizeofIfAddrmsg,
		func(d []byte, attrs []syscall.NetlinkRouteAttr) {
			a := hostAddr{prefix: int(d[1]), index: int(le.Uint32(d[4:]))}
			var local, address net.IP
			for _, at := range attrs {
				switch at.Attr.Type {
				case unix.IFA_LOCAL:
					local = at.Value
				case unix.IFA_ADDRESS:
					address = at.Value
				case unix.IFA_BROADCAST:
					a.dst = at.Value
				}
			}
			a.ip = address
			if local != nil {
				a.ip = local
				if address != nil && !address.Equal(local) {
					a.dst = address
				}
			}
			if (d[0] == unix.AF_INET && len(a.ip) == 4) || (d[0] == unix.AF_INET6 && len(a.ip) == 16) {
				out = append(out, a)
			}
		})
	return out, err
}

// netlinkRecords runs the dump typ and calls fn with each record of
// type rec (its fixed header at least n bytes) and its attributes.
func netlinkRecords(typ, rec uint16, n int, fn func(data []byte, attrs []syscall.NetlinkRouteAttr)) error {
	msgs, err := netlinkDump(typ)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.Header.Type != rec || len(m.Data) < n {
			continue
		}
		attrs, err := syscall.ParseNetlinkRouteAttr(&m)
		if err != nil {
			return err
		}
		fn(m.Data, attrs)
	}
	return nil
}

// netlinkDump runs one NETLINK_ROUTE dump request, on a descriptor of
// gemu's own (usermode.HostFD), out of the guest's way.
func netlinkDump(typ uint16) ([]syscall.NetlinkMessage, error) {
	fd, err := usermode.HostFD(func() (int, error) {
		return unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	})
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	req := make([]byte, unix.NLMSG_HDRLEN+unix.SizeofRtGenmsg+3)
	le.PutUint32(req, uint32(len(req)))
	le.PutUint16(req[4:], typ)
	le.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	le.PutUint32(req[8:], 1)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, err
	}
	var out []syscall.NetlinkMessage
	buf := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		msgs, err := syscall.ParseNetlinkMessage(append([]byte(nil), buf[:n]...))
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				return out, nil
			case unix.NLMSG_ERROR:
				if len(m.Data) >= 4 {
					if e := -int32(le.Uint32(m.Data)); e != 0 {
						return nil, unix.Errno(e)
					}
				}
				return out, nil
			}
			out = append(out, m)
		}
	}
}

// hostGroups lists the host's multicast memberships from /proc/net:
// igmp (an interface line "index name: ...", then a line per group, the
// address a host-order hex word), igmp6 ("index name group ..."),
// dev_mcast ("index name users global address").
func hostGroups() []hostGroup {
	var out []hostGroup
	index := 0
	readLines("/proc/net/igmp", func(line string) {
		f := strings.Fields(line)
		switch {
		case len(f) == 0 || f[0] == "Idx":
		case line[0] != '\t' && line[0] != ' ':
			index, _ = strconv.Atoi(f[0])
		default:
			if v, err := strconv.ParseUint(f[0], 16, 32); err == nil && index != 0 {
				ip := make([]byte, 4)
				le.PutUint32(ip, uint32(v)) // the host is little-endian
				out = append(out, hostGroup{index: index, addr: ip})
			}
		}
	})
	for _, src := range []struct {
		path string
		col  int
		link bool
	}{{"/proc/net/igmp6", 2, false}, {"/proc/net/dev_mcast", 4, true}} {
		readLines(src.path, func(line string) {
			f := strings.Fields(line)
			if len(f) <= src.col {
				return
			}
			i, err1 := strconv.Atoi(f[0])
			a, err2 := hex.DecodeString(f[src.col])
			if err1 == nil && err2 == nil && (src.link || len(a) == 16) {
				out = append(out, hostGroup{index: i, addr: a, link: src.link})
			}
		})
	}
	return out
}

// readLines calls fn for each line of a host file opened on a
// descriptor of gemu's own; a missing file has none.
func readLines(path string, fn func(string)) {
	fd, err := usermode.HostFD(func() (int, error) {
		return unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	})
	if err != nil {
		return
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fn(s.Text())
	}
}
