package bsduser

import (
	"bytes"
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

// The expected offsets below are worked out by hand from FreeBSD's
// sys/net/if.h (if_msghdr, if_msghdrl, ifa_msghdr, ifa_msghdrl,
// ifma_msghdr, if_data), sys/net/if_dl.h (sockaddr_dl), sys/net/route.h
// (SA_SIZE) and netinet/in.h, netinet6/in6.h (sockaddr_in, sockaddr_in6).

var (
	testMAC   = []byte{0x02, 0xfc, 0, 0, 0, 1}
	testLinks = []hostLink{
		{index: 1, name: "lo", arphrd: unix.ARPHRD_LOOPBACK, mtu: 65536,
			flags: unix.IFF_UP | unix.IFF_LOOPBACK | unix.IFF_RUNNING | unix.IFF_LOWER_UP},
		{index: 4, name: "eth0", arphrd: unix.ARPHRD_ETHER, mtu: 1400, hw: testMAC,
			flags: unix.IFF_UP | unix.IFF_BROADCAST | unix.IFF_MULTICAST | unix.IFF_RUNNING | unix.IFF_LOWER_UP},
	}
	testAddrs = []hostAddr{
		{index: 1, ip: net.IPv4(127, 0, 0, 1).To4(), prefix: 8},
		{index: 1, ip: net.IPv6loopback, prefix: 128},
		{index: 4, ip: net.IPv4(192, 0, 2, 2).To4(), prefix: 24, dst: net.IPv4(192, 0, 2, 255).To4()},
		{index: 4, ip: net.ParseIP("fe80::1"), prefix: 64},
	}
)

// splitMsgs cuts a sysctl answer into its messages by ifm_msglen,
// checking each is 8-aligned and of RTM_VERSION.
func splitMsgs(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 4 {
			t.Fatalf("%d bytes left over", len(b))
		}
		n := int(le.Uint16(b))
		if n == 0 || n > len(b) || n%8 != 0 || b[2] != 5 {
			t.Fatalf("message length %d (of %d), version %d", n, len(b), b[2])
		}
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

func want(t *testing.T, what string, got, exp any) {
	t.Helper()
	if g, ok := got.([]byte); ok {
		if !bytes.Equal(g, exp.([]byte)) {
			t.Errorf("%s = % x, want % x", what, g, exp)
		}
		return
	}
	if got != exp {
		t.Errorf("%s = %v, want %v", what, got, exp)
	}
}

func TestRouteIflistLayout(t *testing.T) {
	m := splitMsgs(t, routeIflist(testLinks, testAddrs, 0, 0, false))
	if len(m) != 6 {
		t.Fatalf("%d messages, want 6 (2 RTM_IFINFO, 4 RTM_NEWADDR)", len(m))
	}
	// lo's RTM_IFINFO: if_msghdr (168 bytes), then its sockaddr_dl
	// (sdl_len 54, SA_SIZE 56).
	lo := m[0]
	want(t, "lo msglen", len(lo), 168+56)
	want(t, "lo type", lo[3], byte(0xe))
	want(t, "lo addrs", le.Uint32(lo[4:]), uint32(0x10))         // RTA_IFP
	want(t, "lo flags", le.Uint32(lo[8:]), uint32(0x1|0x8|0x40)) // UP LOOPBACK RUNNING
	want(t, "lo index", le.Uint16(lo[12:]), uint16(1))
	want(t, "lo ifi_type", lo[16], byte(0x18)) // IFT_LOOP
	want(t, "lo ifi_datalen", le.Uint16(lo[16+6:]), uint16(152))
	want(t, "lo ifi_mtu", le.Uint32(lo[16+8:]), uint32(65536))
	want(t, "lo sdl head", lo[168:176], []byte{54, 18, 1, 0, 0x18, 2, 0, 0})
	want(t, "lo sdl name", lo[176:178], []byte("lo"))

	// 127.0.0.1/8: ifa_msghdr (20), RTA_NETMASK and RTA_IFA sockaddr_in
	// (16 each), the whole aligned to 8: 56.
	a := m[1]
	want(t, "v4 msglen", len(a), 56)
	want(t, "v4 type", a[3], byte(0xc))
	want(t, "v4 addrs", le.Uint32(a[4:]), uint32(0x24))
	want(t, "v4 index", le.Uint16(a[12:]), uint16(1))
	want(t, "v4 netmask", a[20:28], []byte{16, 2, 0, 0, 255, 0, 0, 0})
	want(t, "v4 ifa", a[36:44], []byte{16, 2, 0, 0, 127, 0, 0, 1})

	// ::1/128: sockaddr_in6 is 28 bytes, SA_SIZE 32: 20+32+32 = 84 -> 88.
	a = m[2]
	want(t, "v6 msglen", len(a), 88)
	want(t, "v6 netmask head", a[20:22], []byte{28, 28})
	want(t, "v6 netmask", a[28:44], bytes.Repeat([]byte{0xff}, 16))
	want(t, "v6 ifa head", a[52:54], []byte{28, 28})
	want(t, "v6 ifa", a[60:76], []byte(net.IPv6loopback))

	// eth0: UP BROADCAST RUNNING MULTICAST, IFT_ETHER with a 6-byte
	// address and a 14-byte header, link up; the name then the address
	// in sdl_data.
	e := m[3]
	want(t, "eth0 flags", le.Uint32(e[8:]), uint32(0x1|0x2|0x40|0x8000))
	want(t, "eth0 if_data head", e[16:21], []byte{6, 0, 6, 14, 2})
	want(t, "eth0 ifi_mtu", le.Uint32(e[24:]), uint32(1400))
	want(t, "eth0 sdl head", e[168:176], []byte{54, 18, 4, 0, 6, 4, 6, 0})
	want(t, "eth0 sdl data", e[176:186], append([]byte("eth0"), testMAC...))

	// 192.0.2.2/24 with its broadcast address: RTA_NETMASK, RTA_IFA and
	// RTA_BRD, 20+48 = 68 -> 72.
	a = m[4]
	want(t, "brd msglen", len(a), 72)
	want(t, "brd addrs", le.Uint32(a[4:]), uint32(0xa4))
	want(t, "brd netmask", a[24:28], []byte{255, 255, 255, 0})
	want(t, "brd ifa", a[40:44], []byte{192, 0, 2, 2})
	want(t, "brd brd", a[52:60], []byte{16, 2, 0, 0, 192, 0, 2, 255})

	// fe80::1: sin6_scope_id (at 24) is the interface, as
	// sa6_recoverscope leaves it.
	a = m[5]
	want(t, "ll ifa", a[60:76], []byte(net.ParseIP("fe80::1")))
	want(t, "ll scope", le.Uint32(a[52+24:]), uint32(4))
	want(t, "ll mask scope", le.Uint32(a[20+24:]), uint32(0))
}

func TestRouteIflistFilters(t *testing.T) {
	m := splitMsgs(t, routeIflist(testLinks, testAddrs, unix.AF_INET, 0, false))
	types := ""
	for _, x := range m {
		types += string("?IA"[map[byte]int{0xe: 1, 0xc: 2}[x[3]]])
	}
	want(t, "AF_INET messages", types, "IAIA")
	m = splitMsgs(t, routeIflist(testLinks, testAddrs, 28, 4, false))
	if len(m) != 2 || le.Uint16(m[0][12:]) != 4 || le.Uint16(m[1][12:]) != 4 || m[1][21] != 28 {
		t.Errorf("AF_INET6 on index 4: %d messages", len(m))
	}
	if b := routeIflist(testLinks, testAddrs, 0, 9, false); len(b) != 0 {
		t.Errorf("index 9: %d bytes", len(b))
	}
}

func TestRouteIflistLong(t *testing.T) {
	m := splitMsgs(t, routeIflist(testLinks, testAddrs, 0, 1, true))
	if len(m) != 3 {
		t.Fatalf("%d messages", len(m))
	}
	// if_msghdrl: ifm_len 176 at 16, ifm_data_off 24 at 18, if_data at
	// 24, then the sockaddr_dl: 176+56.
	lo := m[0]
	want(t, "msglen", len(lo), 232)
	want(t, "ifm_len", le.Uint16(lo[16:]), uint16(176))
	want(t, "ifm_data_off", le.Uint16(lo[18:]), uint16(24))
	want(t, "ifi_type", lo[24], byte(0x18))
	want(t, "ifi_mtu", le.Uint32(lo[32:]), uint32(65536))
	want(t, "sdl", lo[176:178], []byte{54, 18})
	// ifa_msghdrl: the same 24-byte head, if_data (ifi_datalen set),
	// then the sockaddrs at 176.
	a := m[1]
	want(t, "ifa msglen", len(a), 176+32)
	want(t, "ifam_len", le.Uint16(a[16:]), uint16(176))
	want(t, "ifam_data_off", le.Uint16(a[18:]), uint16(24))
	want(t, "ifa ifi_datalen", le.Uint16(a[30:]), uint16(152))
	want(t, "ifa netmask", a[176:184], []byte{16, 2, 0, 0, 255, 0, 0, 0})
	want(t, "ifa ifa", a[192:200], []byte{16, 2, 0, 0, 127, 0, 0, 1})
}

func TestRouteIfmalistLayout(t *testing.T) {
	groups := []hostGroup{
		{index: 1, addr: []byte{224, 0, 0, 1}},
		{index: 4, addr: []byte{224, 0, 0, 251}},
		{index: 4, addr: net.ParseIP("ff02::1")},
		{index: 4, addr: []byte{0x33, 0x33, 0, 0, 0, 1}, link: true},
	}
	m := splitMsgs(t, routeIfmalist(testLinks, groups, 0, 0))
	if len(m) != 4 {
		t.Fatalf("%d messages", len(m))
	}
	// On loopback: ifma_msghdr (16), RTA_IFP (56), RTA_IFA (16).
	lo := m[0]
	want(t, "lo msglen", len(lo), 16+56+16)
	want(t, "lo type", lo[3], byte(0xf))
	want(t, "lo addrs", le.Uint32(lo[4:]), uint32(0x30))
	want(t, "lo index", le.Uint16(lo[12:]), uint16(1))
	want(t, "lo ifa", lo[72:80], []byte{16, 2, 0, 0, 224, 0, 0, 1})
	// On Ethernet RTA_GATEWAY, first, is the link-layer group
	// (RFC 1112: 01:00:5e and the low 23 bits).
	e := m[1]
	want(t, "eth addrs", le.Uint32(e[4:]), uint32(0x32))
	want(t, "eth msglen", len(e), 16+56+56+16)
	want(t, "eth gateway", e[16:30], []byte{54, 18, 4, 0, 6, 0, 6, 0, 1, 0, 0x5e, 0, 0, 251})
	want(t, "eth ifp name", e[72+8:72+12], []byte("eth0"))
	want(t, "eth ifa", e[128+4:128+8], []byte{224, 0, 0, 251})
	v6 := m[2]
	want(t, "v6 gateway", v6[24:30], []byte{0x33, 0x33, 0, 0, 0, 1})
	want(t, "v6 scope", le.Uint32(v6[128+24:]), uint32(4))
	l := m[3]
	want(t, "link addrs", le.Uint32(l[4:]), uint32(0x30))
	want(t, "link ifa", l[72:86], []byte{54, 18, 4, 0, 6, 0, 6, 0, 0x33, 0x33, 0, 0, 0, 1})

	if n := len(splitMsgs(t, routeIfmalist(testLinks, groups, afLink, 0))); n != 1 {
		t.Errorf("AF_LINK: %d messages", n)
	}
	if n := len(splitMsgs(t, routeIfmalist(testLinks, groups, unix.AF_INET, 4))); n != 1 {
		t.Errorf("AF_INET on index 4: %d messages", n)
	}
}

// TestRouteHost encodes the host's own interfaces: every message is
// whole and there is a loopback interface with an address.
func TestRouteHost(t *testing.T) {
	links, err := hostLinks()
	if err != nil {
		t.Skip("no netlink:", err)
	}
	addrs, err := hostAddrs()
	if err != nil {
		t.Fatal(err)
	}
	loop := false
	for _, x := range splitMsgs(t, routeIflist(links, addrs, 0, 0, false)) {
		if x[3] == 0xe && le.Uint32(x[8:])&0x8 != 0 {
			loop = true
		}
	}
	if !loop {
		t.Error("no loopback interface")
	}
	splitMsgs(t, routeIfmalist(links, hostGroups(), 0, 0))
}
