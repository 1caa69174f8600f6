package hostsock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// helperEnv makes the test binary run one helper instead of the tests:
// the child side of the fd-passing and network-namespace tests.
const helperEnv = "GEMU_HOSTSOCK_HELPER"

var helpers = map[string]func() error{
	"fd-child":        helperFDChild,
	"netns-ephemeral": helperNetnsEphemeral,
}

func TestMain(m *testing.M) {
	if name := os.Getenv(helperEnv); name != "" {
		h, ok := helpers[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "no helper %q\n", name)
			os.Exit(2)
		}
		if err := h(); err != nil {
			fmt.Fprintf(os.Stderr, "helper %s: %v\n", name, err)
			if errors.As(err, new(setupError)) {
				os.Exit(exitNoNamespace)
			}
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// helperCmd re-executes the test binary as helper name, killed after 20 s.
func helperCmd(t *testing.T, name string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(append(os.Environ(), helperEnv+"="+name), env...)
	return cmd
}

func mustParse(t testing.TB, s string) Spec {
	t.Helper()
	sp, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func mustListen(t testing.TB, s string) *Listener {
	t.Helper()
	l, err := Listen(mustParse(t, s))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// openFDSet maps each of this process's descriptors to what it refers to
// (its /proc/self/fd link: a socket's inode, a file's path).
func openFDSet(t testing.TB) map[string]string {
	t.Helper()
	dir, err := os.Open("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]string{}
	for _, n := range names {
		if target, err := os.Readlink("/proc/self/fd/" + n); err == nil {
			set[n] = target
		}
	}
	delete(set, fmt.Sprint(dir.Fd()))
	return set
}

// newFDs lists the descriptors in after that were not open in before.
// Descriptors that closed meanwhile do not count: an earlier test's echo
// goroutine may close its connection at any time (seen in CI: 11 before,
// 10 after).
func newFDs(before, after map[string]string) []string {
	var added []string
	for fd, target := range after {
		if before[fd] != target {
			added = append(added, fd+" -> "+target)
		}
	}
	return added
}

// checkNoLeak runs f once to warm up (poller, resolver files), then checks
// that three more runs leave no new descriptor open.
func checkNoLeak(t *testing.T, f func()) {
	t.Helper()
	f()
	before := openFDSet(t)
	for i := 0; i < 3; i++ {
		f()
	}
	if added := newFDs(before, openFDSet(t)); len(added) > 0 {
		t.Errorf("descriptor leak: %v", added)
	}
}

// connOpt reads an integer socket option from a connection's descriptor.
func connOpt(t testing.TB, c syscall.Conn, level, opt int) int {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	v := -1
	var gerr error
	rc.Control(func(fd uintptr) { v, gerr = unix.GetsockoptInt(int(fd), level, opt) })
	if gerr != nil {
		t.Fatal(gerr)
	}
	return v
}

func fdOpt(t testing.TB, fd, level, opt int) int {
	t.Helper()
	v, err := unix.GetsockoptInt(fd, level, opt)
	if err != nil {
		t.Fatalf("getsockopt(%d, %d, %d): %v", fd, level, opt, err)
	}
	return v
}

// acceptEcho answers each connection with "echo: LINE" and closes.
func acceptEcho(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			fmt.Fprintf(c, "echo: %s", line)
		}()
	}
}

// roundTrip sends a line over c and checks the echo.
func roundTrip(t testing.TB, c net.Conn, msg string) {
	t.Helper()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintf(c, "%s\n", msg); err != nil {
		t.Fatal(err)
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if want := "echo: " + msg + "\n"; got != want {
		t.Fatalf("reply %q, want %q", got, want)
	}
}

// hasIPv6 says whether ::1 can be bound here.
func hasIPv6() bool {
	fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	return unix.Bind(fd, &unix.SockaddrInet6{Addr: [16]byte{15: 1}}) == nil
}

func needIPv6(t *testing.T) {
	if !hasIPv6() {
		t.Skip("no IPv6 loopback here")
	}
}

// plainBind binds an IPv4 stream socket without SO_REUSEADDR.
func plainBind(ip [4]byte, port int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: ip, Port: port}); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// holdPort makes a listening IPv4 socket on 127.0.0.1:port, returning it.
// It sets SO_REUSEADDR so that TIME_WAIT left by other tests on the port
// does not stop it; being a listener it still keeps everyone else out.
func holdPort(port int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	err = unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port})
	if err == nil {
		err = unix.Listen(fd, 1)
	}
	if err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

func localPort(t testing.TB, fd int) int {
	t.Helper()
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return sockaddrPort(sa)
}

func wantErr(t testing.TB, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not say %q", err, want)
	}
}
