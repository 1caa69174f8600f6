package hostsock

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A listener made by the parent reaches a child as fd 3 and is used there
// via fd:3 without binding again. The parent connects once, with no retry
// loop: the socket was listening before the child even started.
func TestListenerHandedToChild(t *testing.T) {
	l := mustListen(t, "127.0.0.1:0")
	port := l.Port()
	f, err := l.File()
	if err != nil {
		t.Fatal(err)
	}
	l.Close() // from here only f, and then the child, hold the socket
	cmd := helperCmd(t, "fd-child", "GEMU_HOSTSOCK_PORT="+strconv.Itoa(port))
	cmd.ExtraFiles = []*os.File{f}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	c, err := Dial(mustParse(t, fmt.Sprintf("127.0.0.1:%d", port)))
	if err != nil {
		t.Fatalf("the one connect failed: %v", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(15 * time.Second))
	fmt.Fprintf(c, "hello from %d\n", os.Getpid())
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the child's reply: %v (child output: %s)", err, out.String())
	}
	want := fmt.Sprintf("child %d: fd:3 listens on port %d; got hello from %d\n", cmd.Process.Pid, port, os.Getpid())
	if reply != want {
		t.Errorf("reply %q, want %q", reply, want)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.String())
	}
}

// helperFDChild is the child: it adopts fd 3 and answers one connection.
func helperFDChild() error {
	want, _ := strconv.Atoi(os.Getenv("GEMU_HOSTSOCK_PORT"))
	l, err := ListenAddr("fd:3")
	if err != nil {
		return err
	}
	defer l.Close()
	if l.Port() != want {
		return fmt.Errorf("fd:3 is on port %d, want %d", l.Port(), want)
	}
	c, err := l.Accept()
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(15 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c, "child %d: fd:3 listens on port %d; got %s", os.Getpid(), l.Port(), line)
	return err
}

func rawSocket(t *testing.T, family, typ int) int {
	t.Helper()
	fd, err := unix.Socket(family, typ|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

// connectedRaw makes a blocking client socket connected to l. The caller
// closes it (or hands it over).
func connectedRaw(t *testing.T, l *Listener) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Connect(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: l.Port()}); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	return fd
}

func isOpen(fd int) bool {
	_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil
}

// fd: rejects what is not a stream socket in the right state, and leaves
// the descriptor open for its owner when it does.
func TestFDChecks(t *testing.T) {
	l := mustListen(t, "127.0.0.1:0")
	accepted := make(chan struct{}, 1)
	go acceptEcho(notifying{l, accepted})
	var pipe [2]int
	if err := unix.Pipe2(pipe[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeAll(pipe[:]) })
	listening, err := holdPort(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(listening) })
	const closedNum = 99998 // far above anything open here
	client := connectedRaw(t, l)
	// The server's end is open before the descriptors are counted.
	select {
	case <-accepted:
	case <-time.After(10 * time.Second):
		t.Fatal("the connection was not accepted")
	}
	adopted := false
	t.Cleanup(func() {
		if !adopted {
			unix.Close(client)
		}
	})
	dgram := rawSocket(t, unix.AF_INET, unix.SOCK_DGRAM)
	seqpacket := rawSocket(t, unix.AF_UNIX, unix.SOCK_SEQPACKET)
	fresh := rawSocket(t, unix.AF_INET, unix.SOCK_STREAM)
	cases := []struct {
		listen bool
		fd     int
		want   string
	}{
		{true, pipe[0], fmt.Sprintf("descriptor %d is not a socket", pipe[0])},
		{false, pipe[1], "is not a socket"},
		{true, closedNum, fmt.Sprintf("descriptor %d is not open", closedNum)},
		{true, dgram, "is a datagram socket, not a stream socket"},
		{false, dgram, "is a datagram socket, not a stream socket"},
		{true, seqpacket, "is a seqpacket socket"},
		{true, client, "is not a listening socket"},
		{true, fresh, "is not a listening socket"},
		{false, listening, "is a listening socket; a client needs a connected one"},
		{false, fresh, "is not a connected socket"},
	}
	checkNoLeak(t, func() {
		for _, c := range cases {
			sp := Spec{Kind: KindFD, FD: c.fd}
			var err error
			if c.listen {
				_, err = Listen(sp)
			} else {
				_, err = Dial(sp)
			}
			wantErr(t, err, c.want)
			if c.fd != closedNum && !isOpen(c.fd) {
				t.Fatalf("fd %d was closed by a failed %s", c.fd, sp)
			}
		}
		tls := Config{TLS: true}
		_, err := tls.Dial(context.Background(), Spec{Kind: KindFD, FD: client})
		wantErr(t, err, "a client socket given by fd cannot use TLS: no hostname to verify")
	})

	conn, err := Dial(Spec{Kind: KindFD, FD: client})
	if err != nil {
		t.Fatal(err)
	}
	adopted = true
	defer conn.Close()
	if isOpen(client) {
		t.Error("the adopted descriptor is still open; the conn should own a copy only")
	}
	roundTrip(t, conn, "adopted client")
}

// socketPair gives two connected Unix stream sockets, one as a
// *net.UnixConn and one raw.
func socketPair(t *testing.T) (*net.UnixConn, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fds[0]), "pair")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); unix.Close(fds[1]) })
	return c.(*net.UnixConn), fds[1]
}

// unixConn wraps a copy of fd; fd stays the caller's.
func unixConn(t *testing.T, fd int) *net.UnixConn {
	t.Helper()
	dup, err := dupCloexec(fd)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(dup), "pair")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.UnixConn)
}

// Named descriptors arrive over SCM_RIGHTS and are used as fd:NAME.
func TestNamedFDOverSCMRights(t *testing.T) {
	send, peer := socketPair(t)
	recv := unixConn(t, peer)
	reg := NewRegistry()
	defer reg.Close()
	cfg := Config{Registry: reg}

	held, err := holdPort(0)
	if err != nil {
		t.Fatal(err)
	}
	port := localPort(t, held)
	if err := SendFD(send, "gdb0", held); err != nil {
		t.Fatal(err)
	}
	unix.Close(held) // the registry holds the only copy now
	name, err := reg.Receive(recv)
	if err != nil || name != "gdb0" {
		t.Fatalf("Receive: %q, %v", name, err)
	}
	_, err = cfg.Dial(context.Background(), mustParse(t, "fd:gdb0"))
	wantErr(t, err, "is a listening socket")
	if got := reg.Names(); len(got) != 1 || got[0] != "gdb0" {
		t.Fatalf("after a refused use the registry has %v, want [gdb0]", got)
	}
	l, err := cfg.Listen(context.Background(), mustParse(t, "fd:gdb0"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Port() != port || len(reg.Names()) != 0 {
		t.Fatalf("fd:gdb0 on port %d (want %d); registry left with %v", l.Port(), port, reg.Names())
	}
	go acceptEcho(l)
	c, err := Dial(mustParse(t, fmt.Sprintf("127.0.0.1:%d", port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip(t, c, "named")
}

// ReceiveFDRaw works on a plain descriptor; bad messages close whatever
// descriptors they carried.
func TestReceiveFDErrors(t *testing.T) {
	send, peer := socketPair(t)
	reg := NewRegistry()
	defer reg.Close()
	a := rawSocket(t, unix.AF_INET, unix.SOCK_STREAM)
	b := rawSocket(t, unix.AF_INET, unix.SOCK_STREAM)

	if err := SendFD(send, "", a); err != nil {
		t.Fatal(err)
	}
	name, fd, err := ReceiveFDRaw(peer)
	if err != nil || name != "" || fd == a || fdOpt(t, fd, unix.SOL_SOCKET, unix.SO_TYPE) != unix.SOCK_STREAM {
		t.Fatalf("ReceiveFDRaw: %q %d %v", name, fd, err)
	}
	if flags, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); flags&unix.FD_CLOEXEC == 0 {
		t.Error("a received descriptor is not close-on-exec")
	}
	unix.Close(fd)

	recv := unixConn(t, peer)
	checkNoLeak(t, func() {
		send.WriteMsgUnix([]byte("two"), unix.UnixRights(a, b), nil)
		_, err := reg.Receive(recv)
		wantErr(t, err, "message carries 2 descriptors, want 1")
		send.Write([]byte("none"))
		_, err = reg.Receive(recv)
		wantErr(t, err, "message carries 0 descriptors, want 1")
		SendFD(send, "9lives", a)
		_, err = reg.Receive(recv)
		wantErr(t, err, `descriptor name "9lives" starts with a digit`)
		if n := len(reg.Names()); n != 0 {
			t.Fatalf("registry holds %d names", n)
		}
	})
}

func TestRegistry(t *testing.T) {
	reg := NewRegistry()
	a, _ := dupCloexec(1)
	b, _ := dupCloexec(1)
	if err := reg.Add("9x", a); err == nil {
		t.Fatal("a name starting with a digit was accepted")
	}
	if err := reg.Add("out", a); err != nil {
		t.Fatal(err)
	}
	if err := reg.Add("out", b); err != nil {
		t.Fatal(err)
	}
	if isOpen(a) {
		t.Error("replacing a name did not close the older descriptor")
	}
	_, err := reg.Take("nope")
	wantErr(t, err, `no descriptor named "nope" (registered: out)`)
	if err := reg.Remove("out"); err != nil || isOpen(b) {
		t.Fatalf("Remove: %v, still open %v", err, isOpen(b))
	}
	c, _ := dupCloexec(1)
	reg.Add("c", c)
	reg.Close()
	if isOpen(c) || len(reg.Names()) != 0 {
		t.Fatal("Close left descriptors behind")
	}
}

// Unix sockets: listen, dial, stale files, cleanup, abstract names.
func TestUnixSockets(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/mon.sock"
	l := mustListen(t, "unix:"+path)
	checkListening(t, l)
	if l.Addr().String() != path {
		t.Errorf("Addr %q, want %q", l.Addr(), path)
	}
	go acceptEcho(l)
	c, err := DialAddr("unix:" + path)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c, "unix")
	c.Close()
	_, err = ListenAddr("unix:" + path)
	wantErr(t, err, "a live listener has it")
	if !errors.Is(err, unix.EADDRINUSE) {
		t.Errorf("%v is not EADDRINUSE", err)
	}
	l.Close()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket file left behind: %v", err)
	}

	leaveStale(t, path)
	l = mustListen(t, "unix:"+path)
	checkListening(t, l)
	l.Close()

	replaceListen(t, func(int, int) error { return unix.EADDRINUSE })
	_, err = ListenAddr("unix:" + path)
	wantErr(t, err, "listen: address already in use")
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed listen left its socket file: %v", err)
	}
}

// leaveStale binds a socket file and closes it without removing it, like
// a process that died.
func leaveStale(t *testing.T, path string) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	err = unix.Bind(fd, &unix.SockaddrUnix{Name: path})
	unix.Close(fd)
	if err != nil {
		t.Fatal(err)
	}
}

func TestAbstractUnixSocket(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	name := fmt.Sprintf("gemu-hostsock-test-%d", os.Getpid())
	l := mustListen(t, "unix:"+name+",abstract=on")
	checkListening(t, l)
	if l.Addr().String() != "@"+name {
		t.Errorf("Addr %q, want %q", l.Addr(), "@"+name)
	}
	go acceptEcho(l)
	c, err := DialAddr("unix:" + name + ",abstract=on")
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c, "abstract")
	c.Close()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("an abstract socket made files: %v", ents)
	}
	if tab, _ := os.ReadFile("/proc/net/unix"); !strings.Contains(string(tab), "@"+name) {
		t.Error("the abstract name is not in /proc/net/unix")
	}
	l.Close()
	_, err = DialAddr("unix:" + name + ",abstract=on")
	wantErr(t, err, "connection refused")

	// A path that starts with '@' stays a path.
	l = mustListen(t, "unix:@file")
	if _, err := os.Lstat("@file"); err != nil {
		t.Errorf("unix:@file made no file: %v", err)
	}
	l.Close()
}

// notifying is a listener that says on ch when it has accepted a connection.
type notifying struct {
	net.Listener
	ch chan struct{}
}

func (n notifying) Accept() (net.Conn, error) {
	c, err := n.Listener.Accept()
	if err == nil {
		select {
		case n.ch <- struct{}{}:
		default:
		}
	}
	return c, err
}
