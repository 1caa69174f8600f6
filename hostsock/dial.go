package hostsock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// backlogWait bounds the retries of a Unix connect() that finds the
// listener's backlog full (EAGAIN), when the context has no deadline.
const backlogWait = 5 * time.Second

// Dial connects with the zero Config.
func Dial(sp Spec) (net.Conn, error) {
	var c Config
	return c.Dial(context.Background(), sp)
}

// DialAddr parses addr and connects to it.
func DialAddr(addr string) (net.Conn, error) {
	sp, err := Parse(addr)
	if err != nil {
		return nil, err
	}
	return Dial(sp)
}

// Dial connects to sp. Client sockets never get SO_REUSEADDR and are bound
// only when the spec gives localaddr= or localport= (QEMU
// util/qemu-sockets.c behaviour, 2024 change: no SO_REUSEADDR on clients).
func (c *Config) Dial(ctx context.Context, sp Spec) (net.Conn, error) {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	var conn net.Conn
	var err error
	switch sp.Kind {
	case KindTCP:
		conn, err = c.dialTCP(ctx, &sp)
	case KindUnix:
		conn, err = c.dialUnix(ctx, &sp)
	case KindFD:
		conn, err = c.dialFD(&sp)
	default:
		err = errors.New("empty spec (use Parse)")
	}
	if err != nil {
		return nil, fmt.Errorf("hostsock: dial %s: %w", sp, err)
	}
	return conn, nil
}

// dialTCP tries every address the host resolves to, in order.
func (c *Config) dialTCP(ctx context.Context, sp *Spec) (net.Conn, error) {
	if sp.To != 0 {
		return nil, errors.New("a port range (to=) is for listeners only")
	}
	if sp.Port == 0 {
		return nil, errors.New("cannot connect to port 0")
	}
	addrs, err := c.dialAddrs(ctx, sp)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, a := range addrs {
		conn, err := c.dialOne(ctx, a, sp)
		if err == nil {
			return conn, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", a.String(sp.Port), err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, joinErrors(errs)
}

// dialAddrs resolves the host; no host means the loopback addresses.
func (c *Config) dialAddrs(ctx context.Context, sp *Spec) ([]ipAddr, error) {
	if sp.Host != "" {
		return resolve(ctx, c.resolver(), sp, sp.Host)
	}
	v4, v6 := sp.families()
	var out []ipAddr
	if v4 {
		out = append(out, newIPAddr(net.IPv4(127, 0, 0, 1), ""))
	}
	if v6 {
		out = append(out, newIPAddr(net.IPv6loopback, ""))
	}
	return out, nil
}

func (c *Config) dialOne(ctx context.Context, a ipAddr, sp *Spec) (net.Conn, error) {
	sa, err := a.sockaddr(sp.Port)
	if err != nil {
		return nil, err
	}
	fd, err := newSocket(a.family, unix.SOCK_NONBLOCK)
	if err != nil {
		return nil, err
	}
	if err := c.bindLocal(ctx, fd, a, sp); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return connectFD(ctx, fd, sa, sp)
}

// bindLocal binds a client socket only when the spec asks. Otherwise
// connect() picks the local port itself and skips ports whose connection
// to this destination sits in TIME_WAIT (Linux __inet_hash_connect).
func (c *Config) bindLocal(ctx context.Context, fd int, remote ipAddr, sp *Spec) error {
	if sp.LocalAddr == "" && sp.LocalPort == 0 {
		return nil
	}
	local, err := c.localAddr(ctx, remote, sp)
	if err != nil {
		return err
	}
	if sp.LocalPort == 0 {
		// ip(7) IP_BIND_ADDRESS_NO_PORT: leave the port to connect(), which
		// knows the destination. Best effort: old kernels lack it.
		unix.SetsockoptInt(fd, unix.IPPROTO_IP, unix.IP_BIND_ADDRESS_NO_PORT, 1)
	}
	sa, err := local.sockaddr(sp.LocalPort)
	if err != nil {
		return err
	}
	if err := unix.Bind(fd, sa); err != nil {
		return fmt.Errorf("local address %s: %w", local.String(sp.LocalPort), os.NewSyscallError("bind", err))
	}
	return nil
}

// localAddr picks the local address of the remote's family.
func (c *Config) localAddr(ctx context.Context, remote ipAddr, sp *Spec) (ipAddr, error) {
	if sp.LocalAddr == "" {
		if remote.family == unix.AF_INET {
			return newIPAddr(net.IPv4zero, ""), nil
		}
		return newIPAddr(net.IPv6unspecified, ""), nil
	}
	addrs, err := resolve(ctx, c.resolver(), sp, sp.LocalAddr)
	if err != nil {
		return ipAddr{}, err
	}
	for _, a := range addrs {
		if a.family == remote.family {
			return a, nil
		}
	}
	return ipAddr{}, fmt.Errorf("localaddr %s has no address of the same family as %s",
		sp.LocalAddr, remote.ip)
}

func (c *Config) dialUnix(ctx context.Context, sp *Spec) (net.Conn, error) {
	fd, err := newSocket(unix.AF_UNIX, unix.SOCK_NONBLOCK)
	if err != nil {
		return nil, err
	}
	return connectFD(ctx, fd, &unix.SockaddrUnix{Name: unixName(sp)}, sp)
}

// connectFD connects a non-blocking socket and wraps it in a net.Conn. It
// always consumes fd.
func connectFD(ctx context.Context, fd int, sa unix.Sockaddr, sp *Spec) (net.Conn, error) {
	f := os.NewFile(uintptr(fd), "hostsock-dial")
	defer f.Close()
	if err := waitConnect(ctx, f, sa); err != nil {
		return nil, err
	}
	conn, err := net.FileConn(f)
	if err != nil {
		return nil, err
	}
	if err := applyConnOptions(conn, sp); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// connectEINTR calls connect() again at once when a signal interrupted
// it. The interrupted attempt is not aborted (connect(2); POSIX): the new
// call reports its state, EALREADY while it goes on, 0 or EISCONN once done.
func connectEINTR(fd int, sa unix.Sockaddr) error {
	for {
		if err := sysConnect(fd, sa); err != unix.EINTR {
			return err
		}
	}
}

// connectPending: the connection goes on in the background; wait until
// the socket is writable, then call connect() again for the outcome.
func connectPending(err error) bool {
	return err == unix.EINPROGRESS || err == unix.EALREADY
}

// waitConnect runs connect() on f's socket until it completes, waiting in
// Go's poller between calls.
func waitConnect(ctx context.Context, f *os.File, sa unix.Sockaddr) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	stop := watchContext(ctx, f)
	defer stop()
	giveUp := time.Now().Add(backlogWait)
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		var cerr error
		werr := rc.Write(func(fd uintptr) bool {
			cerr = connectEINTR(int(fd), sa)
			return !connectPending(cerr)
		})
		switch {
		case werr != nil:
			return contextError(ctx, werr)
		case cerr == nil || cerr == unix.EISCONN:
			return nil
		case cerr != unix.EAGAIN:
			return os.NewSyscallError("connect", cerr)
		}
		// EAGAIN: a Unix listener's backlog is full (unix(7)).
		if _, ok := ctx.Deadline(); !ok && time.Now().After(giveUp) {
			return fmt.Errorf("listener's backlog stayed full for %v: %w", backlogWait, cerr)
		}
		if err := sleepContext(ctx, pause); err != nil {
			return err
		}
	}
}

// watchContext makes a context's deadline or cancellation end the wait.
func watchContext(ctx context.Context, f *os.File) (stop func()) {
	if d, ok := ctx.Deadline(); ok {
		f.SetWriteDeadline(d)
	}
	if ctx.Done() == nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			f.SetWriteDeadline(time.Unix(1, 0))
		case <-done:
		}
	}()
	return func() { close(done) }
}

func contextError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("connect: %w", ctx.Err())
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("connect: %w", context.DeadlineExceeded)
	}
	return err
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("connect: %w", ctx.Err())
	}
}

// applyConnOptions sets keep-alive and nodelay when the spec gives them;
// Unset keeps Go's defaults (TCP_NODELAY on, keep-alive every 15 s).
func applyConnOptions(c net.Conn, sp *Spec) error {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil
	}
	if sp.KeepAlive != Unset {
		if err := tc.SetKeepAlive(sp.KeepAlive == On); err != nil {
			return err
		}
	}
	if sp.NoDelay != Unset {
		if err := tc.SetNoDelay(sp.NoDelay == On); err != nil {
			return err
		}
	}
	return nil
}

// dialFD adopts a pre-opened connected socket. Such a client cannot use
// TLS: there is no host name to check the server's certificate against.
func (c *Config) dialFD(sp *Spec) (net.Conn, error) {
	if c.TLS {
		return nil, errors.New("a client socket given by fd cannot use TLS: no hostname to verify")
	}
	fd, dup, giveBack, err := c.adoptFD(sp, asClient)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(dup), "hostsock-fd")
	conn, err := net.FileConn(f)
	f.Close()
	if err != nil {
		giveBack()
		return nil, err
	}
	unix.Close(fd)
	return conn, nil
}
