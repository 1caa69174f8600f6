package hostsock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// fakeResolver answers from a table.
type fakeResolver map[string][]string

func (r fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	ips, ok := r[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []net.IPAddr
	for _, s := range ips {
		out = append(out, net.IPAddr{IP: net.ParseIP(s)})
	}
	return out, nil
}

// Every address a name resolves to is tried, in order.
func TestDialTriesEveryAddress(t *testing.T) {
	needIPv6(t)
	l := v6OnlyPort(t)
	go acceptEcho(l)
	cfg := Config{Resolver: fakeResolver{"both": {"127.0.0.1", "::1"}}}
	sp := mustParse(t, fmt.Sprintf("both:%d", l.Port()))
	c, err := cfg.Dial(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c, "second address")
	if ra := c.RemoteAddr().(*net.TCPAddr); !ra.IP.Equal(net.IPv6loopback) {
		t.Errorf("connected to %v, want ::1", ra)
	}
	c.Close()
	l.Close()
	_, err = cfg.Dial(context.Background(), sp)
	wantErr(t, err, fmt.Sprintf("127.0.0.1:%d: connect: connection refused; [::1]:%d: connect: connection refused", l.Port(), l.Port()))
	if !errors.Is(err, unix.ECONNREFUSED) {
		t.Errorf("%v is not ECONNREFUSED", err)
	}
	_, err = cfg.Dial(context.Background(), mustParse(t, fmt.Sprintf("both:%d,ipv4=off", l.Port())))
	wantErr(t, err, "[::1]")
	_, err = cfg.Dial(context.Background(), mustParse(t, "tcp:both:1,ipv6=off"))
	if err == nil || errors.As(err, new(multiError)) {
		t.Errorf("ipv6=off should leave one address: %v", err)
	}
}

// v6OnlyPort listens on [::1] on a port where 127.0.0.1 refuses.
func v6OnlyPort(t *testing.T) *Listener {
	for try := 0; try < 10; try++ {
		l := mustListen(t, "tcp:[::1]:0")
		fd := rawSocket(t, unix.AF_INET, unix.SOCK_STREAM)
		err := unix.Connect(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: l.Port()})
		if errors.Is(err, unix.ECONNREFUSED) {
			return l
		}
		l.Close()
	}
	t.Fatal("no IPv6 port without an IPv4 listener on it")
	return nil
}

// A connect() interrupted by a signal (EINTR) is not aborted: the kernel
// goes on, and calling connect() again reports the outcome.
func TestDialRetriesAfterEINTR(t *testing.T) {
	l := mustListen(t, "127.0.0.1:0")
	go acceptEcho(l)
	var calls int
	old := sysConnect
	sysConnect = func(fd int, sa unix.Sockaddr) error {
		calls++
		err := unix.Connect(fd, sa)
		if calls <= 2 {
			return unix.EINTR
		}
		return err
	}
	defer func() { sysConnect = old }()
	c, err := Dial(mustParse(t, fmt.Sprintf("127.0.0.1:%d", l.Port())))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if calls < 3 {
		t.Errorf("connect called %d times", calls)
	}
	roundTrip(t, c, "after EINTR")
}

// localaddr= and localport= bind the client first, still without
// SO_REUSEADDR.
func TestDialLocalAddress(t *testing.T) {
	l := mustListen(t, "127.0.0.1:0")
	peers := make(chan net.Addr, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			peers <- c.RemoteAddr()
			c.Close()
		}
	}()
	held, err := holdPort(0)
	if err != nil {
		t.Fatal(err)
	}
	lport := localPort(t, held)
	unix.Close(held)
	cases := []struct {
		opts string
		ip   string
		port int
	}{
		{",localaddr=127.0.0.2", "127.0.0.2", 0},
		{fmt.Sprintf(",localport=%d", lport), "127.0.0.1", lport},
		{fmt.Sprintf(",localaddr=127.0.0.3,localport=%d", lport), "127.0.0.3", lport},
	}
	for _, cs := range cases {
		c, err := DialAddr(fmt.Sprintf("tcp:127.0.0.1:%d%s", l.Port(), cs.opts))
		if err != nil {
			t.Fatal(err)
		}
		if v := connOpt(t, c.(syscall.Conn), unix.SOL_SOCKET, unix.SO_REUSEADDR); v != 0 {
			t.Errorf("%s: SO_REUSEADDR=%d", cs.opts, v)
		}
		c.Close()
		peer := (<-peers).(*net.TCPAddr)
		if peer.IP.String() != cs.ip || cs.port != 0 && peer.Port != cs.port {
			t.Errorf("%s: server saw %v", cs.opts, peer)
		}
	}
}

// keep-alive= and nodelay= reach client and accepted sockets.
func TestConnOptions(t *testing.T) {
	for _, o := range []struct {
		spec          string
		keep, nodelay int
	}{
		{"keep-alive=on,nodelay=on", 1, 1},
		{"keep-alive=off,nodelay=off", 0, 0},
	} {
		l := mustListen(t, "tcp:127.0.0.1:0,"+o.spec)
		accepted := make(chan net.Conn, 1)
		go func() {
			c, err := l.Accept()
			if err == nil {
				accepted <- c
			}
			close(accepted)
		}()
		c, err := DialAddr(fmt.Sprintf("tcp:127.0.0.1:%d,%s", l.Port(), o.spec))
		if err != nil {
			t.Fatal(err)
		}
		s := <-accepted
		if s == nil {
			t.Fatal("accept failed")
		}
		for _, x := range []net.Conn{c, s} {
			k := connOpt(t, x.(syscall.Conn), unix.SOL_SOCKET, unix.SO_KEEPALIVE)
			n := connOpt(t, x.(syscall.Conn), unix.IPPROTO_TCP, unix.TCP_NODELAY)
			if k != o.keep || n != o.nodelay {
				t.Errorf("%s: %v has SO_KEEPALIVE=%d TCP_NODELAY=%d", o.spec, x.LocalAddr(), k, n)
			}
			x.Close()
		}
	}
}

// A Unix listener whose backlog is full makes connect() say EAGAIN; the
// dial retries until the Config's timeout.
func TestDialTimeoutOnFullBacklog(t *testing.T) {
	path := t.TempDir() + "/full.sock"
	cfg := Config{Backlog: 1}
	l, err := cfg.Listen(context.Background(), mustParse(t, "unix:"+path))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	quick := Config{Timeout: 200 * time.Millisecond}
	for i := 0; ; i++ {
		start := time.Now()
		c, err := quick.Dial(context.Background(), mustParse(t, "unix:"+path))
		if err == nil {
			conns = append(conns, c)
			if i > 16 {
				t.Fatal("backlog never filled")
			}
			continue
		}
		wantErr(t, err, "context deadline exceeded")
		if d := time.Since(start); d < 150*time.Millisecond || d > 5*time.Second {
			t.Errorf("gave up after %v, want about 200ms", d)
		}
		return
	}
}

func TestDialErrorsLeakNothing(t *testing.T) {
	l := mustListen(t, "127.0.0.1:0")
	port := l.Port()
	l.Close()
	bad := []struct{ spec, want string }{
		{fmt.Sprintf("127.0.0.1:%d", port), "connection refused"},
		{fmt.Sprintf("127.0.0.1:%d,to=%d", port, port+1), "a port range (to=) is for listeners only"},
		{":0", "cannot connect to port 0"},
		{fmt.Sprintf("tcp:127.0.0.1:%d,localaddr=192.0.2.1", port), "cannot assign requested address"},
		{fmt.Sprintf("tcp:127.0.0.1:%d,localaddr=::1", port), "localaddr ::1 has no address of the same family"},
		{"unix:" + t.TempDir() + "/none", "no such file or directory"},
		{"fd:nobody", `no descriptor named "nobody"`},
	}
	checkNoLeak(t, func() {
		for _, b := range bad {
			_, err := DialAddr(b.spec)
			wantErr(t, err, b.want)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var c Config
		_, err := c.Dial(ctx, mustParse(t, fmt.Sprintf("127.0.0.1:%d", port)))
		if err == nil {
			t.Fatal("dial with a cancelled context succeeded")
		}
	})
}
