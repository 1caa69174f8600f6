package hostsock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Config holds what Listen and Dial need besides the spec. The zero value
// is ready to use.
type Config struct {
	Registry *Registry     // where fd:NAME is looked up; nil means DefaultRegistry
	Resolver Resolver      // nil means net.DefaultResolver
	Backlog  int           // listen() backlog; 0 means SOMAXCONN (capped by net.core.somaxconn)
	Timeout  time.Duration // Dial: limit for the whole dial; 0 means none
	// TLS says the caller will run TLS over the connection. hostsock does no
	// TLS itself; it only refuses what cannot work (a client given by fd).
	TLS bool
}

// ephemeralTries bounds the fresh sockets tried for port 0 when bind(0) or
// listen() says EADDRINUSE.
const ephemeralTries = 8

func (c *Config) registry() *Registry {
	if c.Registry != nil {
		return c.Registry
	}
	return DefaultRegistry
}

func (c *Config) resolver() Resolver {
	if c.Resolver != nil {
		return c.Resolver
	}
	return net.DefaultResolver
}

func (c *Config) backlog() int {
	if c.Backlog > 0 {
		return c.Backlog
	}
	return unix.SOMAXCONN
}

// Listen opens a listener with the zero Config.
func Listen(sp Spec) (*Listener, error) {
	var c Config
	return c.Listen(context.Background(), sp)
}

// ListenAddr parses addr and listens on it.
func ListenAddr(addr string) (*Listener, error) {
	sp, err := Parse(addr)
	if err != nil {
		return nil, err
	}
	return Listen(sp)
}

// Listen opens a listener for sp. The socket is listening when Listen
// returns; on error no descriptor is left open.
func (c *Config) Listen(ctx context.Context, sp Spec) (*Listener, error) {
	var l *Listener
	var err error
	switch sp.Kind {
	case KindTCP:
		l, err = c.listenTCP(ctx, &sp)
	case KindUnix:
		l, err = c.listenUnix(&sp)
	case KindFD:
		l, err = c.listenFD(&sp)
	default:
		err = errors.New("empty spec (use Parse)")
	}
	if err != nil {
		return nil, fmt.Errorf("hostsock: listen %s: %w", sp, err)
	}
	return l, nil
}

// Listener is a listening socket. It is a net.Listener whose descriptor
// and bound address are at hand.
type Listener struct {
	ln    net.Listener
	fd    int
	spec  Spec
	port  int
	dual  bool
	path  string // Unix socket file to remove on Close, "" for none
	ino   uint64 // inode of that file, so Close removes only our own
	close sync.Once
	cerr  error
}

// wrapListener turns a listening descriptor into a Listener. It always
// consumes fd: net.FileListener works on a duplicate and fd is closed.
func wrapListener(fd int, sp *Spec, dual bool) (*Listener, error) {
	f := os.NewFile(uintptr(fd), "hostsock-listener")
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	l := &Listener{ln: ln, fd: -1, spec: *sp, dual: dual}
	if rc, err := ln.(syscall.Conn).SyscallConn(); err == nil {
		rc.Control(func(x uintptr) { l.fd = int(x) })
	}
	if ta, ok := ln.Addr().(*net.TCPAddr); ok {
		l.port = ta.Port
	}
	return l, nil
}

var _ net.Listener = (*Listener)(nil)

// Accept waits for a connection and applies the spec's keep-alive and
// nodelay settings to it. A connection those cannot be set on is dropped
// rather than ending the caller's accept loop.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return nil, err
		}
		if applyConnOptions(c, &l.spec) == nil {
			return c, nil
		}
		c.Close()
	}
}

// Close stops listening and removes a Unix socket file this listener made.
func (l *Listener) Close() error {
	l.close.Do(func() {
		l.cerr = l.ln.Close()
		if l.path != "" && sameInode(l.path, l.ino) {
			os.Remove(l.path)
		}
	})
	return l.cerr
}

// Addr is the bound address: *net.TCPAddr or *net.UnixAddr (an abstract
// name starts with '@').
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

// Port is the bound TCP port, 0 for Unix sockets.
func (l *Listener) Port() int { return l.port }

// FD is the listening descriptor, valid until Close. Use it for
// getsockopt; do not close it.
func (l *Listener) FD() int { return l.fd }

// DualStack is true for an IPv6 listener that also takes IPv4 connections
// (IPV6_V6ONLY=0).
func (l *Listener) DualStack() bool { return l.dual }

// Spec is the spec the listener was opened from.
func (l *Listener) Spec() Spec { return l.spec }

// SyscallConn gives raw access to the listening socket.
func (l *Listener) SyscallConn() (syscall.RawConn, error) {
	return l.ln.(syscall.Conn).SyscallConn()
}

// File returns a duplicate of the listening descriptor, for handing to a
// child (exec.Cmd.ExtraFiles clears close-on-exec on it).
func (l *Listener) File() (*os.File, error) {
	nfd, err := dupCloexec(l.fd)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(nfd), "hostsock-listener"), nil
}

// listenAddr is one place a TCP listener may bind.
type listenAddr struct {
	ipAddr
	dual     bool // IPv6 wildcard that should take IPv4 too (IPV6_V6ONLY=0)
	fallback bool // if the IPv4 side is taken, settle for IPv6 only
}

// listenTCP tries each address in turn and, for each, each port.
func (c *Config) listenTCP(ctx context.Context, sp *Spec) (*Listener, error) {
	addrs, err := c.listenAddrs(ctx, sp)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, a := range addrs {
		var fd int
		var dual bool
		if sp.Port == 0 {
			fd, dual, err = c.listenEphemeral(a)
		} else {
			fd, dual, err = c.listenRange(a, sp.Port, sp.LastPort())
		}
		if err == nil {
			return wrapListener(fd, sp, dual)
		}
		errs = append(errs, err)
	}
	return nil, joinErrors(errs)
}

// listenAddrs lists the addresses to try, best first. With no host the
// IPv6 wildcard comes first (dual-stack when IPv4 is allowed), then the
// IPv4 one for hosts without IPv6.
func (c *Config) listenAddrs(ctx context.Context, sp *Spec) ([]listenAddr, error) {
	v4, v6 := sp.families()
	var ips []ipAddr
	if sp.Host == "" {
		if v6 {
			ips = append(ips, newIPAddr(net.IPv6unspecified, ""))
		}
		if v4 {
			ips = append(ips, newIPAddr(net.IPv4zero, ""))
		}
	} else {
		var err error
		if ips, err = resolve(ctx, c.resolver(), sp, sp.Host); err != nil {
			return nil, err
		}
	}
	out := make([]listenAddr, len(ips))
	for i, a := range ips {
		out[i].ipAddr = a
		if a.family == unix.AF_INET6 && a.isUnspecified() && v4 {
			out[i].dual = true
			out[i].fallback = !sp.strictDual()
		}
	}
	return out, nil
}

// listenRange tries ports first..last. EADDRINUSE from bind() or from
// listen() means the port is taken: move on (QEMU inet_listen_saddr).
func (c *Config) listenRange(a listenAddr, first, last int) (int, bool, error) {
	for p := first; p <= last; p++ {
		fd, dual, err := bindListen(a, p, c.backlog())
		if err == nil {
			return fd, dual, nil
		}
		if !errors.Is(err, unix.EADDRINUSE) {
			return -1, false, fmt.Errorf("%s: %w", a.String(p), err)
		}
	}
	return -1, false, &portError{addr: a.ip.String(), first: first, last: last}
}

// listenEphemeral asks the kernel for any port. With SO_REUSEADDR and
// net.ipv4.ip_autobind_reuse=1 an exhausted range makes bind(0) hand out a
// port another listener holds, and listen() then fails with EADDRINUSE
// (Linux net/ipv4/inet_connection_sock.c, inet_csk_find_open_port). A
// fresh socket may do better; after ephemeralTries give up clearly.
func (c *Config) listenEphemeral(a listenAddr) (int, bool, error) {
	for try := 0; try < ephemeralTries; try++ {
		fd, dual, err := bindListen(a, 0, c.backlog())
		if err == nil {
			return fd, dual, nil
		}
		if !errors.Is(err, unix.EADDRINUSE) {
			return -1, false, fmt.Errorf("%s: %w", a.String(0), err)
		}
	}
	return -1, false, &portError{addr: a.ip.String(), tries: ephemeralTries}
}

// bindListen makes one listening socket on a:port. On error the socket is
// closed, so no half-made (bound, not listening) socket escapes.
func bindListen(a listenAddr, port, backlog int) (fd int, dual bool, err error) {
	fd, err = newSocket(a.family, 0)
	if err != nil {
		return -1, false, err
	}
	dual, err = bindReuse(fd, a, port)
	if err == nil {
		if err = sysListen(fd, backlog); err != nil {
			err = os.NewSyscallError("listen", err)
		}
	}
	if err != nil {
		unix.Close(fd)
		return -1, false, err
	}
	return fd, dual, nil
}

// bindReuse binds a listener socket with SO_REUSEADDR, so a restart works
// while old connections on the port sit in TIME_WAIT (socket(7)).
func bindReuse(fd int, a listenAddr, port int) (bool, error) {
	if err := setInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1, "SO_REUSEADDR"); err != nil {
		return false, err
	}
	sa, err := a.sockaddr(port)
	if err != nil {
		return false, err
	}
	dual := a.dual
	if a.family == unix.AF_INET6 {
		if err := setV6Only(fd, !dual); err != nil {
			return false, err
		}
	}
	err = unix.Bind(fd, sa)
	if errors.Is(err, unix.EADDRINUSE) && dual && a.fallback {
		// The IPv4 side of the port is taken: keep the IPv6 side, as QEMU's
		// try_bind does. A failed bind leaves the socket unbound (ipv6(7)).
		if err := setV6Only(fd, true); err != nil {
			return false, err
		}
		dual = false
		err = unix.Bind(fd, sa)
	}
	if err != nil {
		return false, os.NewSyscallError("bind", err)
	}
	return dual, nil
}

func setV6Only(fd int, on bool) error {
	v := 0
	if on {
		v = 1
	}
	return setInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v, "IPV6_V6ONLY")
}

// listenUnix binds a Unix stream socket. A stale socket file (nobody
// listening) is replaced; anything else at the path is an error.
func (c *Config) listenUnix(sp *Spec) (*Listener, error) {
	sa := &unix.SockaddrUnix{Name: unixName(sp)}
	if !sp.Abstract {
		if err := removeStale(sp.Path); err != nil {
			return nil, err
		}
	}
	fd, err := newSocket(unix.AF_UNIX, 0)
	if err != nil {
		return nil, err
	}
	if err = unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("bind", err)
	}
	var ino uint64
	if !sp.Abstract {
		ino = inodeOf(sp.Path)
	}
	if err = sysListen(fd, c.backlog()); err != nil {
		unix.Close(fd)
		c.dropPath(sp, ino)
		return nil, os.NewSyscallError("listen", err)
	}
	l, err := wrapListener(fd, sp, false)
	if err != nil {
		c.dropPath(sp, ino)
		return nil, err
	}
	if !sp.Abstract {
		l.path, l.ino = sp.Path, ino
	}
	return l, nil
}

func (c *Config) dropPath(sp *Spec, ino uint64) {
	if !sp.Abstract && sameInode(sp.Path, ino) {
		os.Remove(sp.Path)
	}
}

// unixName is the name x/sys/unix wants: a leading '@' asks for the
// abstract namespace, so a real path starting with '@' gets "./".
func unixName(sp *Spec) string {
	if sp.Abstract {
		return "@" + sp.Path
	}
	if sp.Path[0] == '@' {
		return "./" + sp.Path
	}
	return sp.Path
}

// removeStale deletes a socket file nobody listens on (connect() gives
// ECONNREFUSED), as left by a process that died without cleaning up.
func removeStale(path string) error {
	st, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("%s exists and is not a socket", path)
	}
	// Non-blocking, so a live listener with a full backlog (EAGAIN) cannot
	// stall us (unix(7)).
	fd, err := newSocket(unix.AF_UNIX, unix.SOCK_NONBLOCK)
	if err != nil {
		return err
	}
	err = unix.Connect(fd, &unix.SockaddrUnix{Name: unixName(&Spec{Path: path})})
	unix.Close(fd)
	switch {
	case err == nil || errors.Is(err, unix.EAGAIN):
		return fmt.Errorf("%s: %w (a live listener has it)", path, unix.EADDRINUSE)
	case errors.Is(err, unix.ECONNREFUSED):
		return os.Remove(path)
	}
	return fmt.Errorf("%s: probing the existing socket: %w", path, err)
}

func inodeOf(path string) uint64 {
	var st unix.Stat_t
	if unix.Lstat(path, &st) != nil {
		return 0
	}
	return st.Ino
}

func sameInode(path string, ino uint64) bool {
	return ino != 0 && inodeOf(path) == ino
}

// listenFD adopts a pre-opened listening socket. The socket is not bound
// again; whoever made it chose the address. On success the Listener owns
// it; on error it stays with its owner (the caller or the Registry).
func (c *Config) listenFD(sp *Spec) (*Listener, error) {
	fd, dup, giveBack, err := c.adoptFD(sp, asListener)
	if err != nil {
		return nil, err
	}
	l, err := wrapListener(dup, sp, false)
	if err != nil {
		giveBack()
		return nil, err
	}
	unix.Close(fd)
	l.dual = isDualStack(l)
	return l, nil
}

// isDualStack: an IPv6 wildcard listener with IPV6_V6ONLY=0 (ipv6(7)).
func isDualStack(l *Listener) bool {
	ta, ok := l.Addr().(*net.TCPAddr)
	if !ok || ta.IP.To4() != nil || !ta.IP.IsUnspecified() {
		return false
	}
	v6only, err := unix.GetsockoptInt(l.fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY)
	return err == nil && v6only == 0
}
