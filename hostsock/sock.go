package hostsock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// The system calls that tests replace to inject errors the kernel only
// gives under load (listen() EADDRINUSE, connect() EINTR).
var (
	sysListen  = unix.Listen
	sysConnect = unix.Connect
)

// ErrNoFreePort is wrapped by every "all ports taken" error; such errors
// also match unix.EADDRINUSE with errors.Is.
var ErrNoFreePort = errors.New("no free port")

// portError reports that no port could be had.
type portError struct {
	addr        string // the address tried
	first, last int    // the range; 0,0 for "any port"
	tries       int    // attempts for port 0
}

func (e *portError) Error() string {
	if e.first == 0 {
		return fmt.Sprintf("no free port on %s: bind(0) or listen() gave EADDRINUSE %d times; "+
			"the ephemeral range (net.ipv4.ip_local_port_range) is used up", e.addr, e.tries)
	}
	if e.first == e.last {
		return fmt.Sprintf("no free port: %s port %d is in use", e.addr, e.first)
	}
	return fmt.Sprintf("no free port: %s ports %d-%d are all in use", e.addr, e.first, e.last)
}

func (e *portError) Is(target error) bool {
	return target == ErrNoFreePort || target == unix.EADDRINUSE
}

// newSocket makes a close-on-exec stream socket.
func newSocket(family, flags int) (int, error) {
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|flags, 0)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

func setInt(fd, level, opt, v int, name string) error {
	if err := unix.SetsockoptInt(fd, level, opt, v); err != nil {
		return os.NewSyscallError("setsockopt "+name, err)
	}
	return nil
}

// dupCloexec copies a descriptor so the original stays the caller's.
func dupCloexec(fd int) (int, error) {
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return -1, os.NewSyscallError("fcntl F_DUPFD_CLOEXEC", err)
	}
	return nfd, nil
}

// ipAddr is one resolved address with the socket family it needs.
type ipAddr struct {
	ip     net.IP
	zone   string
	family int
}

func newIPAddr(ip net.IP, zone string) ipAddr {
	if v4 := ip.To4(); v4 != nil {
		return ipAddr{ip: v4, family: unix.AF_INET}
	}
	return ipAddr{ip: ip.To16(), zone: zone, family: unix.AF_INET6}
}

func (a ipAddr) sockaddr(port int) (unix.Sockaddr, error) {
	if a.family == unix.AF_INET {
		sa := &unix.SockaddrInet4{Port: port}
		copy(sa.Addr[:], a.ip)
		return sa, nil
	}
	sa := &unix.SockaddrInet6{Port: port}
	copy(sa.Addr[:], a.ip)
	if a.zone != "" {
		id, err := zoneID(a.zone)
		if err != nil {
			return nil, err
		}
		sa.ZoneId = id
	}
	return sa, nil
}

func zoneID(zone string) (uint32, error) {
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n), nil
	}
	ifi, err := net.InterfaceByName(zone)
	if err != nil {
		return 0, fmt.Errorf("IPv6 zone %q: %w", zone, err)
	}
	return uint32(ifi.Index), nil
}

func (a ipAddr) String(port int) string {
	h := a.ip.String()
	if a.zone != "" {
		h += "%" + a.zone
	}
	return net.JoinHostPort(h, strconv.Itoa(port))
}

func (a ipAddr) isUnspecified() bool { return a.ip.IsUnspecified() }

// Resolver turns host names into addresses; *net.Resolver is one.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// resolve gives the addresses of host allowed by the spec's families, in
// the resolver's order. Literal addresses skip the resolver.
func resolve(ctx context.Context, r Resolver, sp *Spec, host string) ([]ipAddr, error) {
	v4, v6 := sp.families()
	var found []net.IPAddr
	if ip := net.ParseIP(stripZone(host)); ip != nil {
		found = []net.IPAddr{{IP: ip, Zone: zoneOf(host)}}
	} else {
		var err error
		if found, err = r.LookupIPAddr(ctx, host); err != nil {
			return nil, err
		}
	}
	var out []ipAddr
	for _, f := range found {
		a := newIPAddr(f.IP, f.Zone)
		if a.family == unix.AF_INET && v4 || a.family == unix.AF_INET6 && v6 {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no address of the selected family (ipv4=%s, ipv6=%s)",
			host, sp.IPv4, sp.IPv6)
	}
	return out, nil
}

func zoneOf(h string) string {
	for i := 0; i < len(h); i++ {
		if h[i] == '%' {
			return h[i+1:]
		}
	}
	return ""
}

// sockaddrPort is the port of an IPv4/IPv6 socket address, 0 otherwise.
func sockaddrPort(sa unix.Sockaddr) int {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return sa.Port
	case *unix.SockaddrInet6:
		return sa.Port
	}
	return 0
}

// multiError keeps the failure of every address tried, on one line.
type multiError []error

func (m multiError) Error() string {
	s := make([]string, len(m))
	for i, e := range m {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}

func (m multiError) Unwrap() []error { return m }

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return multiError(errs)
}
