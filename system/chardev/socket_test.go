package chardev

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/hostsock"
)

// A server socket: output with no client is dropped, one client at a time,
// the next after a disconnect.
func TestServerSocketClients(t *testing.T) {
	d := newDevices(t)
	c := openChardev(t, d, "socket,id=s,host=127.0.0.1,port=0,server=on,wait=off")
	rec := attach(t, c)
	done := make(chan struct{})
	go func() { c.Write([]byte("nobody hears this")); close(done) }()
	select {
	case <-done:
	case <-time.After(waitLong):
		t.Fatal("Write blocked with no client")
	}
	addr := c.Addr().String()
	for round := 0; round < 2; round++ {
		cl := dial(t, "tcp", addr)
		rec.waitEvent(t, EventOpened)
		fmt.Fprintf(cl, "in%d", round)
		rec.waitInput(t, fmt.Sprintf("in%d", round))
		fmt.Fprintf(c, "out%d", round)
		readFull(t, cl, fmt.Sprintf("out%d", round))
		if round == 0 {
			// A second client waits in the backlog until the first leaves.
			waiting := dial(t, "tcp", addr)
			rec.noEvent(t)
			cl.Close()
			rec.waitEvent(t, EventClosed)
			rec.waitEvent(t, EventOpened)
			waiting.Write([]byte("queued"))
			rec.waitInput(t, "queued")
			waiting.Close()
			rec.waitEvent(t, EventClosed)
			continue
		}
		cl.Close()
		rec.waitEvent(t, EventClosed)
	}
	if c.Connected() {
		t.Error("still connected")
	}
}

// wait=on: Open returns once the first client is there.
func TestServerWaitsForClient(t *testing.T) {
	d := newDevices(t)
	path := filepath.Join(t.TempDir(), "mon.sock")
	opened := make(chan *Chardev, 1)
	go func() {
		sp, err := ParseChardev("socket,id=w,path=" + path + ",server=on")
		if err != nil {
			t.Error(err)
		}
		c, err := d.Open(sp)
		if err != nil {
			t.Error(err)
		}
		opened <- c
	}()
	deadline := time.Now().Add(waitLong)
	for {
		if _, err := os.Stat(path); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the listener never appeared")
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case <-opened:
		t.Fatal("Open returned before a client connected")
	case <-time.After(100 * time.Millisecond):
	}
	cl := dial(t, "unix", path)
	var c *Chardev
	select {
	case c = <-opened:
	case <-time.After(waitLong):
		t.Fatal("Open still waiting after the client connected")
	}
	if c == nil {
		t.FailNow()
	}
	rec := attach(t, c)
	rec.waitEvent(t, EventOpened)
	cl.Write([]byte("hi"))
	rec.waitInput(t, "hi")
	c.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("socket file left behind: %v", err)
	}
}

// The server closes first, so its port has a connection in TIME_WAIT; a
// new server on the same port opens at once (SO_REUSEADDR, hostsock).
func TestServerRestartsDuringTimeWait(t *testing.T) {
	d := newDevices(t)
	c := openChardev(t, d, "socket,id=a,host=127.0.0.1,port=0,server=on,wait=off")
	port := c.Addr().(*net.TCPAddr).Port
	rec := attach(t, c)
	cl := dial(t, "tcp", c.Addr().String())
	rec.waitEvent(t, EventOpened)
	cl.Write([]byte("x"))
	rec.waitInput(t, "x")
	c.Close()
	cl.SetReadDeadline(time.Now().Add(waitLong))
	if n, err := cl.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatalf("client read %d, %v after the server closed", n, err)
	}
	cl.Close()
	if found, known := timeWaitOn(port); known && !found {
		t.Fatalf("no TIME_WAIT connection on port %d: the test proves nothing", port)
	}
	c2 := openChardev(t, d, fmt.Sprintf("socket,id=a,host=127.0.0.1,port=%d,server=on,wait=off", port))
	rec2 := attach(t, c2)
	cl2 := dial(t, "tcp", c2.Addr().String())
	rec2.waitEvent(t, EventOpened)
	c2.Write([]byte("again"))
	readFull(t, cl2, "again")
}

func TestPortInUse(t *testing.T) {
	ln, err := hostsock.ListenAddr("tcp:127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	d := newDevices(t)
	text := fmt.Sprintf("socket,id=b,host=127.0.0.1,port=%d,server=on,wait=off", ln.Port())
	sp, _ := ParseChardev(text)
	_, err = d.Open(sp)
	if err == nil || !strings.HasPrefix(err.Error(), "-chardev "+text+": hostsock: ") ||
		!strings.Contains(err.Error(), "is in use") {
		t.Fatalf("error %v", err)
	}
	if d.Get("b") != nil {
		t.Error("a failed chardev keeps its id")
	}
}

// fd=N: a listening socket made by the parent (the test) is served.
func TestFDListenerHandedIn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Dup(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	ln.Close() // the socket lives on in fd, which the chardev now owns
	d := newDevices(t)
	c := openChardev(t, d, fmt.Sprintf("socket,id=f,fd=%d,server=on,wait=off", fd))
	rec := attach(t, c)
	cl := dial(t, "tcp", addr)
	rec.waitEvent(t, EventOpened)
	cl.Write([]byte("via fd"))
	rec.waitInput(t, "via fd")
	c.Write([]byte("back"))
	readFull(t, cl, "back")
}

// fd=N with server=off: a connected socket; fd=/dev/fdset/S: one from -add-fd.
func TestFDConnectedHandedIn(t *testing.T) {
	d := newDevices(t)
	for _, via := range []string{"fd", "fdset"} {
		pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		peer := os.NewFile(uintptr(pair[1]), "peer")
		defer peer.Close()
		spec := fmt.Sprintf("socket,id=%s,fd=%d", via, pair[0])
		if via == "fdset" {
			if err := d.FDSets.Add(AddFD{FD: pair[0], Set: 7}); err != nil {
				t.Fatal(err)
			}
			unix.Close(pair[0])
			spec = "socket,id=fdset,fd=/dev/fdset/7"
		}
		c := openChardev(t, d, spec)
		rec := attach(t, c)
		rec.waitEvent(t, EventOpened)
		peer.Write([]byte("ping"))
		rec.waitInput(t, "ping")
		c.Write([]byte("pong"))
		buf := make([]byte, 4)
		peer.SetReadDeadline(time.Now().Add(waitLong))
		if _, err := peer.Read(buf); err != nil || string(buf) != "pong" {
			t.Fatalf("%s: read %q, %v", via, buf, err)
		}
	}
	sp, _ := ParseChardev("socket,id=bad,fd=0,server=on")
	if _, err := d.Open(sp); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("fd=0: error %v", err)
	}
}

// server=off connects to a listener; reconnect=1 dials again after the
// server drops it.
func TestClientSocketReconnects(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	accepted := make(chan net.Conn, 2)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	d := newDevices(t)
	c := openChardev(t, d, fmt.Sprintf("socket,id=c,host=127.0.0.1,port=%d,reconnect=1", port))
	rec := attach(t, c)
	for round := 0; round < 2; round++ {
		var srv net.Conn
		select {
		case srv = <-accepted:
		case <-time.After(waitLong):
			t.Fatalf("round %d: the chardev did not connect", round)
		}
		rec.waitEvent(t, EventOpened)
		c.Write([]byte("hello"))
		readFull(t, srv, "hello")
		srv.Write([]byte("world"))
		rec.waitInput(t, "world")
		srv.Close()
		rec.waitEvent(t, EventClosed)
	}
	ln.Close()
	sp, _ := ParseChardev(fmt.Sprintf("socket,id=refused,host=127.0.0.1,port=%d", port))
	if _, err := d.Open(sp); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("no server: error %v", err)
	}
}

func TestDuplicateIDAndStdio(t *testing.T) {
	d := newDevices(t)
	d.Stdin, d.Stdout = strings.NewReader(""), io.Discard
	openChardev(t, d, "null,id=x")
	sp, _ := ParseChardev("null,id=x")
	if _, err := d.Open(sp); err == nil || err.Error() != "-chardev null,id=x: duplicate ID 'x' for chardev" {
		t.Errorf("duplicate id: %v", err)
	}
	openChardev(t, d, "stdio,id=s1")
	sp = mustShorthand(t, "-serial", "stdio")
	if _, err := d.OpenShorthand(sp, "serial0"); err == nil ||
		!strings.Contains(err.Error(), "cannot use stdio by multiple character devices") {
		t.Errorf("second stdio: %v", err)
	}
	sp = mustShorthand(t, "-monitor", "chardev:nope")
	if _, err := d.OpenShorthand(sp, "compat_monitor0"); err == nil ||
		err.Error() != `-monitor chardev:nope: chardev "nope" not found` {
		t.Errorf("missing chardev: %v", err)
	}
	x := d.Get("x")
	attach(t, x.Port())
	if err := x.Port().Attach(nil, nil); err == nil {
		t.Error("a second frontend on a chardev without mux")
	}
}

func mustShorthand(t *testing.T, opt, text string) *Spec {
	t.Helper()
	sp, err := ParseShorthand(opt, text)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}
