package hostsock

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/internal/testenv"
)

// TestNetnsEphemeralExhaustion re-executes the test binary in a private
// network namespace (what `unshare -n`, or `unshare -n -r` when not root,
// does; done here with clone flags so util-linux is not needed). There the
// helper can shrink net.ipv4.ip_local_port_range and turn on
// net.ipv4.ip_autobind_reuse without touching the host.
func TestNetnsEphemeralExhaustion(t *testing.T) {
	cmd := helperCmd(t, "netns-ephemeral")
	cmd.SysProcAttr = testenv.NetnsAttr()
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() == exitNoNamespace {
		why := err.Error()
		if o := strings.TrimSpace(string(out)); o != "" {
			why += "; " + o
		}
		msg := fmt.Sprintf("cannot set up a private network namespace here (%s): this test needs "+
			"CLONE_NEWNET and writable net sysctls in it (root, or unprivileged user namespaces)", why)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if err != nil {
		t.Fatalf("helper in the private network namespace: %v\n%s", err, out)
	}
	t.Logf("helper in the private network namespace:\n%s", out)
}

// exitNoNamespace is the helper's exit status when the namespace could
// not be set up (lo, sysctls), as opposed to a failed check.
const exitNoNamespace = 3

// setupError marks such a failure.
type setupError struct{ error }

// helperNetnsEphemeral runs inside the private namespace.
func helperNetnsEphemeral() error {
	if err := testenv.LoopbackUp(); err != nil {
		return setupError{fmt.Errorf("bringing lo up: %w", err)}
	}
	if err := writeSysctl("net/ipv4/ip_autobind_reuse", "1"); err != nil {
		return setupError{err}
	}
	before, err := countFDs()
	if err != nil {
		return err
	}
	steps := []func() error{
		func() error { return exhaustRange(40000, 40000) },
		// An even count: inet_csk_find_open_port scans an even number of ports.
		func() error { return exhaustRange(40000, 40003) },
		raceListenInUse,
		concurrentOnePort,
		// Without autobind_reuse an exhausted range fails in bind(0) instead.
		func() error { return writeSysctl("net/ipv4/ip_autobind_reuse", "0") },
		func() error { return exhaustRange(40000, 40001) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	after, err := countFDs()
	if err == nil && after != before {
		err = fmt.Errorf("descriptor leak: %d open before, %d after", before, after)
	}
	return err
}

func writeSysctl(name, val string) error {
	if err := os.WriteFile("/proc/sys/"+name, []byte(val), 0); err != nil {
		return fmt.Errorf("sysctl %s=%q: %w", strings.ReplaceAll(name, "/", "."), val, err)
	}
	return nil
}

func countFDs() (int, error) {
	ents, err := os.ReadDir("/proc/self/fd")
	return len(ents) - 1, err
}

// nextLocalPort gives client ports outside the ephemeral range: connect()
// could not pick one while listeners hold the whole range.
var nextLocalPort atomic.Int64

func init() { nextLocalPort.Store(50000) }

// exhaustRange: with the range lo..hi, port-0 listeners succeed on
// distinct ports of the range, each really listening, then ErrNoFreePort.
func exhaustRange(lo, hi int) error {
	if err := writeSysctl("net/ipv4/ip_local_port_range", fmt.Sprintf("%d %d", lo, hi)); err != nil {
		return err
	}
	var ls []*Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	seen := map[int]bool{}
	for {
		l, err := ListenAddr("127.0.0.1:0")
		if err != nil {
			if len(ls) != hi-lo+1 || !errors.Is(err, ErrNoFreePort) {
				return fmt.Errorf("range %d-%d: after %d listeners: %v", lo, hi, len(ls), err)
			}
			fmt.Printf("range %d-%d: listeners on %v, then: %v\n", lo, hi, sortedKeys(seen), err)
			return nil
		}
		ls = append(ls, l)
		if p := l.Port(); p < lo || p > hi || seen[p] {
			return fmt.Errorf("range %d-%d: listener on port %d (had %v)", lo, hi, p, sortedKeys(seen))
		}
		seen[l.Port()] = true
		if err := proveListening(l); err != nil {
			return err
		}
	}
}

func sortedKeys(m map[int]bool) []int { return slices.Sorted(maps.Keys(m)) }

// proveListening checks SO_ACCEPTCONN and makes one real connection.
func proveListening(l *Listener) error {
	if v, err := unix.GetsockoptInt(l.FD(), unix.SOL_SOCKET, unix.SO_ACCEPTCONN); err != nil || v != 1 {
		return fmt.Errorf("%s: SO_ACCEPTCONN=%d (%v)", l.Addr(), v, err)
	}
	c, err := DialAddr(fmt.Sprintf("tcp:127.0.0.1:%d,localport=%d", l.Port(), nextLocalPort.Add(1)))
	if err != nil {
		return err
	}
	s, err := l.Accept()
	if err != nil {
		c.Close()
		return err
	}
	c.Close() // client first: its side keeps the TIME_WAIT, on its own port
	s.Close()
	return nil
}

// raceListenInUse plays the race the kernel allows with SO_REUSEADDR and
// ip_autobind_reuse=1: another socket bound to the only port wins by
// calling listen() between our bind(0) and our listen(), so our listen()
// fails with EADDRINUSE. Listen must close that socket, try again, and
// end with ErrNoFreePort, never returning a socket that is not listening.
func raceListenInUse() error {
	if err := writeSysctl("net/ipv4/ip_local_port_range", "40000 40000"); err != nil {
		return err
	}
	rival, err := newSocket(unix.AF_INET, 0)
	if err != nil {
		return err
	}
	defer unix.Close(rival)
	unix.SetsockoptInt(rival, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err := unix.Bind(rival, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return fmt.Errorf("rival bind(0): %w", err)
	}
	var listenInUse int
	old := sysListen
	defer func() { sysListen = old }()
	sysListen = func(fd, n int) error {
		if listenInUse == 0 {
			if err := unix.Listen(rival, 1); err != nil {
				return fmt.Errorf("rival listen: %w", err)
			}
		}
		err := unix.Listen(fd, n)
		if err == unix.EADDRINUSE {
			listenInUse++
		}
		return err
	}
	_, err = ListenAddr("127.0.0.1:0")
	if !errors.Is(err, ErrNoFreePort) || listenInUse != 1 {
		return fmt.Errorf("race: %v with %d listen() EADDRINUSE; want ErrNoFreePort after 1", err, listenInUse)
	}
	fmt.Printf("race: bind(0) shared port 40000, listen() gave EADDRINUSE, then: %v\n", err)
	return nil
}

// concurrentOnePort: 16 goroutines race for a one-port range. Exactly one
// gets a listening socket; every other gets ErrNoFreePort.
func concurrentOnePort() error {
	if err := writeSysctl("net/ipv4/ip_local_port_range", "40000 40000"); err != nil {
		return err
	}
	var inUse atomic.Int64
	old := sysListen
	defer func() { sysListen = old }()
	sysListen = func(fd, n int) error {
		err := unix.Listen(fd, n)
		if err == unix.EADDRINUSE {
			inUse.Add(1)
		}
		return err
	}
	var mu sync.Mutex
	var won []*Listener
	var errs []error
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := ListenAddr("127.0.0.1:0")
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			} else {
				won = append(won, l)
			}
		}()
	}
	wg.Wait()
	defer func() {
		for _, l := range won {
			l.Close()
		}
	}()
	return checkOneWinner(won, errs, inUse.Load())
}

func checkOneWinner(won []*Listener, errs []error, inUse int64) error {
	if len(won) != 1 {
		return fmt.Errorf("one-port range: %d listeners succeeded (errors %v)", len(won), errs)
	}
	for _, err := range errs {
		if !errors.Is(err, ErrNoFreePort) {
			return fmt.Errorf("one-port range: %v, want ErrNoFreePort", err)
		}
	}
	if err := proveListening(won[0]); err != nil {
		return err
	}
	fmt.Printf("one-port range, 16 at once: 1 listener on %d, %d ErrNoFreePort, %d listen() EADDRINUSE on the way\n",
		won[0].Port(), len(errs), inUse)
	return nil
}
