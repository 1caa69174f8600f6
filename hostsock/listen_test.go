package hostsock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// checkListening fails unless l's socket is really listening.
func checkListening(t testing.TB, l *Listener) {
	t.Helper()
	if v := fdOpt(t, l.FD(), unix.SOL_SOCKET, unix.SO_ACCEPTCONN); v != 1 {
		t.Fatalf("%s: SO_ACCEPTCONN=%d, want 1", l.Addr(), v)
	}
}

// replaceListen swaps the listen() system call for the rest of the test.
func replaceListen(t *testing.T, f func(fd, n int) error) {
	old := sysListen
	sysListen = f
	t.Cleanup(func() { sysListen = old })
}

// Listeners have SO_REUSEADDR=1, clients 0 (with and without a local bind).
func TestReuseAddrOnListenersOnly(t *testing.T) {
	specs := []string{"127.0.0.1:0", "tcp:0.0.0.0:0,ipv6=off"}
	if hasIPv6() {
		specs = append(specs, "tcp::0", "tcp:[::1]:0")
	}
	for _, s := range specs {
		l := mustListen(t, s)
		checkListening(t, l)
		if v := fdOpt(t, l.FD(), unix.SOL_SOCKET, unix.SO_REUSEADDR); v != 1 {
			t.Errorf("listener %s: SO_REUSEADDR=%d, want 1", s, v)
		}
		go acceptEcho(l)
	}
	l := mustListen(t, "127.0.0.1:0")
	go acceptEcho(l)
	for _, s := range []string{"127.0.0.1:%d", "localhost:%d", "tcp:127.0.0.1:%d,localaddr=127.0.0.1"} {
		c, err := Dial(mustParse(t, fmt.Sprintf(s, l.Port())))
		if err != nil {
			t.Fatal(err)
		}
		if v := connOpt(t, c.(syscall.Conn), unix.SOL_SOCKET, unix.SO_REUSEADDR); v != 0 {
			t.Errorf("client %s: SO_REUSEADDR=%d, want 0", s, v)
		}
		roundTrip(t, c, "reuse")
		c.Close()
	}
}

// 20,000 clients in a row, each closing first so that its side of the
// connection sits in TIME_WAIT: connect() picks ports that are free of
// TIME_WAIT because clients carry no SO_REUSEADDR and no bind.
func TestSequentialClientsInTimeWait(t *testing.T) {
	const n = 20000
	l := mustListen(t, "127.0.0.1:0")
	var served sync.WaitGroup
	var serverErrs atomic.Int64
	acceptDone := make(chan struct{})
	go func() {
		defer close(acceptDone)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			served.Add(1)
			go func() {
				defer served.Done()
				// Read to EOF: the client closes first; then close.
				if _, err := io.Copy(io.Discard, c); err != nil {
					serverErrs.Add(1)
				}
				c.Close()
			}()
		}
	}()
	sp := mustParse(t, fmt.Sprintf("127.0.0.1:%d", l.Port()))
	start := time.Now()
	var errs int
	for i := 0; i < n; i++ {
		c, err := Dial(sp)
		if err != nil {
			if errs++; errs <= 5 {
				t.Errorf("client %d: %v", i, err)
			}
			continue
		}
		c.Close()
	}
	elapsed := time.Since(start)
	l.Close()
	<-acceptDone // no served.Add after this
	served.Wait()
	if errs != 0 || serverErrs.Load() != 0 {
		t.Fatalf("%d client errors, %d server errors in %d connections", errs, serverErrs.Load(), n)
	}
	t.Logf("%d connections in %v; %d client sockets in TIME_WAIT to port %d",
		n, elapsed.Round(time.Millisecond), countTimeWait(t, 0, l.Port()), l.Port())
}

// countTimeWait counts TIME_WAIT IPv4 sockets with the given local or
// remote port (0 means any) from /proc/net/tcp.
func countTimeWait(t testing.TB, local, remote int) int {
	t.Helper()
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	count := 0
	for sc.Scan() {
		var sl, lport, rport, st int
		var laddr, raddr string
		line := strings.NewReplacer(":", " ").Replace(sc.Text())
		if _, err := fmt.Sscanf(line, "%d %s %x %s %x %x", &sl, &laddr, &lport, &raddr, &rport, &st); err != nil {
			continue
		}
		if st == 6 && (local == 0 || lport == local) && (remote == 0 || rport == remote) {
			count++
		}
	}
	return count
}

// A listener comes back at once on a port whose server-side connections
// sit in TIME_WAIT; a socket without SO_REUSEADDR cannot.
func TestRestartOnTimeWaitPort(t *testing.T) {
	l := mustListen(t, "127.0.0.1:0")
	port := l.Port()
	for i := 0; i < 3; i++ {
		serverClosesFirst(t, l)
	}
	l.Close()
	deadline := time.Now().Add(5 * time.Second)
	for countTimeWait(t, port, 0) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no connection on port %d reached TIME_WAIT", port)
		}
		time.Sleep(10 * time.Millisecond)
	}
	fd, err := plainBind([4]byte{127, 0, 0, 1}, port)
	if err == nil {
		unix.Close(fd)
		t.Fatalf("a socket without SO_REUSEADDR bound port %d in TIME_WAIT; the test proves nothing", port)
	}
	if !errors.Is(err, unix.EADDRINUSE) {
		t.Fatalf("plain bind: %v, want EADDRINUSE", err)
	}
	l2 := mustListen(t, fmt.Sprintf("127.0.0.1:%d", port))
	checkListening(t, l2)
	go acceptEcho(l2)
	c, err := Dial(mustParse(t, fmt.Sprintf("127.0.0.1:%d", port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip(t, c, "restarted")
	t.Logf("port %d: %d server connections in TIME_WAIT, restarted", port, countTimeWait(t, port, 0))
}

// serverClosesFirst makes one connection that the server side ends.
func serverClosesFirst(t *testing.T, l *Listener) {
	c, err := Dial(mustParse(t, fmt.Sprintf("127.0.0.1:%d", l.Port())))
	if err != nil {
		t.Fatal(err)
	}
	s, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("client read: %v, want EOF", err)
	}
	c.Close()
}

// heldRange finds n consecutive ports and holds each with a listening
// socket; they are closed at the end of the test. The ports lie below the
// ephemeral range: bind(0) and connect() hand out ports there, and a port
// whose client connection sits in TIME_WAIT cannot be bound at all, not
// even with SO_REUSEADDR (the TIME_WAIT socket lacks it).
func heldRange(t *testing.T, n int) (int, []int) {
	t.Helper()
	for attempt := 0; attempt < 50; attempt++ {
		base := 10000 + rand.IntN(20000)
		var fds []int
		for p := base; p < base+n; p++ {
			fd, err := holdPort(p)
			if err != nil {
				break
			}
			fds = append(fds, fd)
		}
		if len(fds) == n {
			t.Cleanup(func() { closeAll(fds) })
			return base, fds
		}
		closeAll(fds)
	}
	t.Fatalf("found no %d consecutive free ports", n)
	return 0, nil
}

// closeAll closes and forgets the descriptors, so a second call (from a
// cleanup) cannot close numbers that were reused meanwhile.
func closeAll(fds []int) {
	for i, fd := range fds {
		if fd >= 0 {
			unix.Close(fd)
			fds[i] = -1
		}
	}
}

// A range skips taken ports and reports exhaustion clearly.
func TestPortRange(t *testing.T) {
	base, fds := heldRange(t, 3)
	spec := fmt.Sprintf("127.0.0.1:%d,to=%d", base, base+2)
	_, err := Listen(mustParse(t, spec))
	wantErr(t, err, fmt.Sprintf("no free port: 127.0.0.1 ports %d-%d are all in use", base, base+2))
	if !errors.Is(err, ErrNoFreePort) || !errors.Is(err, unix.EADDRINUSE) {
		t.Errorf("%v: want ErrNoFreePort and EADDRINUSE", err)
	}
	_, err = Listen(mustParse(t, fmt.Sprintf("127.0.0.1:%d", base)))
	wantErr(t, err, fmt.Sprintf("127.0.0.1 port %d is in use", base))

	unix.Close(fds[1])
	fds[1] = -1
	l := mustListen(t, spec)
	checkListening(t, l)
	if l.Port() != base+1 {
		t.Fatalf("listener on port %d, want the free one %d", l.Port(), base+1)
	}
	go acceptEcho(l)
	c, err := Dial(mustParse(t, fmt.Sprintf("127.0.0.1:%d", base+1)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip(t, c, "range")
}

// EADDRINUSE from listen() (not bind()) also moves on to the next port;
// the socket that failed is closed. The kernel only does this under load
// (see the namespace test), so the failure is injected here.
func TestPortRangeListenInUse(t *testing.T) {
	base, fds := heldRange(t, 2)
	closeAll(fds)
	var calls int
	replaceListen(t, func(fd, n int) error {
		if calls++; calls == 1 {
			return unix.EADDRINUSE
		}
		return unix.Listen(fd, n)
	})
	before := openFDSet(t)
	l, err := Listen(mustParse(t, fmt.Sprintf("127.0.0.1:%d,to=%d", base, base+1)))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	checkListening(t, l)
	if l.Port() != base+1 || calls != 2 {
		t.Fatalf("port %d after %d listen calls; want %d after 2", l.Port(), calls, base+1)
	}
	if added := newFDs(before, openFDSet(t)); len(added) != 1 {
		t.Fatalf("new descriptors for one listener: %v", added)
	}
}

// Port 0: listen() EADDRINUSE after bind(0) is retried with a fresh
// socket, a bounded number of times.
func TestEphemeralListenRetry(t *testing.T) {
	var calls int
	fail := 2
	replaceListen(t, func(fd, n int) error {
		if calls++; calls <= fail {
			return unix.EADDRINUSE
		}
		return unix.Listen(fd, n)
	})
	l := mustListen(t, "127.0.0.1:0")
	checkListening(t, l)
	if calls != 3 || l.Port() == 0 {
		t.Fatalf("port %d after %d listen calls", l.Port(), calls)
	}
	l.Close()

	fail = 1 << 30
	checkNoLeak(t, func() {
		calls = 0
		_, err := Listen(mustParse(t, "127.0.0.1:0"))
		wantErr(t, err, "no free port on 127.0.0.1")
		if !errors.Is(err, ErrNoFreePort) || calls != ephemeralTries {
			t.Fatalf("%v after %d tries; want ErrNoFreePort after %d", err, calls, ephemeralTries)
		}
	})
}

// 32 goroutines each open 200 listeners on port 0 at once: no error, all
// ports distinct, all listening.
func TestConcurrentEphemeralListeners(t *testing.T) {
	const workers, each = 32, 200
	before := openFDSet(t)
	lists := make([][]*Listener, workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				l, err := Listen(Spec{Kind: KindTCP, Host: "127.0.0.1", FD: -1})
				if err != nil {
					errs <- err
					return
				}
				lists[w] = append(lists[w], l)
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int]bool{}
	for _, ls := range lists {
		for _, l := range ls {
			if seen[l.Port()] {
				t.Errorf("port %d handed out twice", l.Port())
			}
			seen[l.Port()] = true
			checkListening(t, l)
		}
	}
	for _, ls := range lists {
		for _, l := range ls {
			l.Close()
		}
	}
	if len(seen) != workers*each {
		t.Fatalf("%d distinct ports, want %d", len(seen), workers*each)
	}
	if added := newFDs(before, openFDSet(t)); len(added) > 0 {
		t.Errorf("descriptors left open after closing: %v", added)
	}
	t.Logf("%d listeners in %v", workers*each, elapsed.Round(time.Millisecond))
}

func v6only(t testing.TB, l *Listener) int {
	return fdOpt(t, l.FD(), unix.IPPROTO_IPV6, unix.IPV6_V6ONLY)
}

// The IPv6 wildcard is dual-stack, falls back to IPv6 only when the IPv4
// side is taken, and does not fall back when both were asked for.
func TestDualStack(t *testing.T) {
	needIPv6(t)
	l := mustListen(t, "tcp::0")
	checkListening(t, l)
	if !l.DualStack() || v6only(t, l) != 0 {
		t.Fatalf("tcp::0: DualStack %v, IPV6_V6ONLY %d", l.DualStack(), v6only(t, l))
	}
	go acceptEcho(l)
	for _, h := range []string{"127.0.0.1", "[::1]"} {
		c, err := Dial(mustParse(t, fmt.Sprintf("%s:%d", h, l.Port())))
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, c, "dual "+h)
		c.Close()
	}

	base, _ := heldRange(t, 2) // IPv4 holders on base and base+1
	l2 := mustListen(t, fmt.Sprintf("tcp:[::]:%d", base))
	checkListening(t, l2)
	if l2.DualStack() || v6only(t, l2) != 1 || l2.Port() != base {
		t.Fatalf("v4 side taken: port %d DualStack %v IPV6_V6ONLY %d; want %d, IPv6 only",
			l2.Port(), l2.DualStack(), v6only(t, l2), base)
	}
	go acceptEcho(l2)
	c, err := Dial(mustParse(t, fmt.Sprintf("[::1]:%d", base)))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c, "v6 only")
	c.Close()

	_, err = Listen(mustParse(t, fmt.Sprintf("tcp:[::]:%d,to=%d,ipv4=on,ipv6=on", base, base+1)))
	if !errors.Is(err, ErrNoFreePort) {
		t.Fatalf("strict dual stack with both v4 sides taken: %v, want ErrNoFreePort", err)
	}
}

// Family options pick the socket: ipv4=off is IPv6 only, ipv6=off IPv4.
func TestFamilyOptions(t *testing.T) {
	needIPv6(t)
	l := mustListen(t, "tcp::0,ipv4=off")
	if l.DualStack() || v6only(t, l) != 1 {
		t.Errorf("ipv4=off: DualStack %v IPV6_V6ONLY %d", l.DualStack(), v6only(t, l))
	}
	l = mustListen(t, "tcp::0,ipv6=off")
	if a := l.Addr().(*net.TCPAddr); a.IP.To4() == nil || l.DualStack() {
		t.Errorf("ipv6=off: bound %v", a)
	}
	l = mustListen(t, "tcp:[::1]:0")
	if l.DualStack() || v6only(t, l) != 1 {
		t.Errorf("[::1]: DualStack %v IPV6_V6ONLY %d", l.DualStack(), v6only(t, l))
	}
}

// No error path leaves a descriptor open.
func TestListenErrorsLeakNothing(t *testing.T) {
	base, _ := heldRange(t, 2)
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/file", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	bad := []struct{ spec, want string }{
		{fmt.Sprintf("127.0.0.1:%d,to=%d", base, base+1), "no free port"},
		{"tcp:192.0.2.1:0", "cannot assign requested address"},
		{"tcp:unknown:1", "lookup unknown: no such host"},
		{"unix:" + dir + "/missing/sock", "no such file or directory"},
		{"unix:" + dir + "/file", "exists and is not a socket"},
		{"fd:99999", "descriptor 99999 is not open"},
		{"fd:nobody", `no descriptor named "nobody"`},
	}
	cfg := Config{Resolver: fakeResolver{}} // no DNS traffic
	checkNoLeak(t, func() {
		for _, b := range bad {
			_, err := cfg.Listen(context.Background(), mustParse(t, b.spec))
			wantErr(t, err, b.want)
		}
	})
	if _, err := os.Stat(dir + "/file"); err != nil {
		t.Errorf("the regular file was touched: %v", err)
	}
}
