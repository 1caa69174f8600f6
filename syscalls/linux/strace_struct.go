package linux

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Struct arguments for -strace, printed the way QEMU's linux-user/strace.c
// prints them (print_sockaddr, print_timespec, print_socket_domain/type).

// Address families (Linux include/linux/socket.h).
const (
	afUnix    = 1
	afInet    = 2
	afInet6   = 10
	afNetlink = 16
)

var sockDomainNames = map[uint64]string{afUnix: "PF_UNIX", afInet: "PF_INET", afInet6: "PF_INET6",
	afNetlink: "PF_NETLINK", 17: "PF_PACKET", 0: "PF_UNSPEC"}

// Socket types and flags (include/linux/net.h; SOCK_NONBLOCK = O_NONBLOCK
// and SOCK_CLOEXEC = O_CLOEXEC of asm-generic/fcntl.h).
var sockTypeNames = map[uint64]string{1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM",
	5: "SOCK_SEQPACKET", 6: "SOCK_DCCP", 10: "SOCK_PACKET"}

func sockTypeString(v uint64) string {
	s := lookup(sockTypeNames, v&0xf)
	if v&0o4000 != 0 {
		s += "|SOCK_NONBLOCK"
	}
	if v&0o2000000 != 0 {
		s += "|SOCK_CLOEXEC"
	}
	return s
}

// sockaddr prints n bytes of a guest struct sockaddr at addr.
func (t *Tracer) sockaddr(addr, n uint64) string {
	if addr == 0 {
		return "NULL"
	}
	if t.Mem == nil || n < 2 || n > 128 {
		return Pointer(addr)
	}
	b := make([]byte, n)
	if t.Mem.Read(addr, b) != nil {
		return Pointer(addr)
	}
	fam := binary.LittleEndian.Uint16(b)
	switch {
	case fam == afInet && n >= 8:
		return fmt.Sprintf("{sin_family=AF_INET,sin_port=htons(%d),sin_addr=inet_addr(\"%d.%d.%d.%d\")}",
			binary.BigEndian.Uint16(b[2:]), b[4], b[5], b[6], b[7])
	case fam == afInet6 && n >= 24:
		return fmt.Sprintf("{sin6_family=AF_INET6,sin6_port=htons(%d),sin6_addr=%s}",
			binary.BigEndian.Uint16(b[2:]), ipv6String(b[8:24]))
	case fam == afUnix:
		path := b[2:]
		abstract := len(path) > 0 && path[0] == 0
		if abstract {
			path = path[1:]
		}
		if i := strings.IndexByte(string(path), 0); i >= 0 && !abstract {
			path = path[:i]
		}
		prefix := ""
		if abstract {
			prefix = "@"
		}
		return fmt.Sprintf("{sun_family=AF_UNIX,sun_path=%s%s}", prefix, strconv.Quote(string(path)))
	case fam == afNetlink && n >= 12:
		le := binary.LittleEndian
		return fmt.Sprintf("{nl_family=AF_NETLINK,nl_pid=%d,nl_groups=%d}", le.Uint32(b[4:]), le.Uint32(b[8:]))
	}
	return fmt.Sprintf("{sa_family=%d,...}", fam)
}

func ipv6String(b []byte) string {
	var parts []string
	for i := 0; i < 16; i += 2 {
		parts = append(parts, strconv.FormatUint(uint64(binary.BigEndian.Uint16(b[i:])), 16))
	}
	return strings.Join(parts, ":")
}

// timespec prints a guest struct timespec.
func (t *Tracer) timespec(addr uint64) string {
	if addr == 0 {
		return "NULL"
	}
	if t.Mem == nil {
		return Pointer(addr)
	}
	b := make([]byte, TimespecSize)
	if t.Mem.Read(addr, b) != nil {
		return Pointer(addr)
	}
	ts := DecodeTimespec(b)
	return fmt.Sprintf("{tv_sec = %d,tv_nsec = %d}", ts.Sec, ts.Nsec)
}
