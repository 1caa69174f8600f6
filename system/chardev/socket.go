package chardev

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/gemu-project/gemu/hostsock"
	"golang.org/x/sys/unix"
)

// acceptRetry paces the accept loop after an error such as EMFILE.
const acceptRetry = 100 * time.Millisecond

// openSocket opens a socket chardev. A server listens at once and, with
// wait=on, returns only when the first client has connected; a client
// connects at once, and with reconnect=N a failure only delays it
// (qemu-options.hx: reconnect retries a disconnected client socket after N
// seconds).
func (c *Chardev) openSocket() error {
	addr, err := c.socketAddr()
	if err != nil {
		return err
	}
	ctx := context.Background()
	sock := &c.devs.Sock
	if c.spec.Server {
		ln, err := sock.Listen(ctx, addr)
		if err != nil {
			c.dropFDSetDup(addr)
			return err
		}
		c.ln = ln
		var first net.Conn
		if c.spec.Wait {
			c.devs.logf("%s %s: info: gemu waiting for connection on: disconnected:%s,server=on",
				c.spec.Option, c.spec.Text, c.label())
			if first, err = ln.Accept(); err != nil {
				ln.Close()
				return err
			}
		}
		go c.serve(first)
		return nil
	}
	conn, err := sock.Dial(ctx, addr)
	if err != nil {
		if c.spec.Reconnect == 0 || addr.Kind == hostsock.KindFD {
			c.dropFDSetDup(addr)
			return err
		}
		c.devs.logf("gemu: unable to connect character device %s: %v", c.spec.ID, err)
	}
	go c.client(conn, addr)
	return nil
}

// socketAddr is the spec's address; an fd=/dev/fdset/N socket becomes a
// duplicate of the set's descriptor, handed to hostsock by number.
func (c *Chardev) socketAddr() (hostsock.Spec, error) {
	addr := c.spec.Addr
	if c.spec.FDSet < 0 {
		return addr, nil
	}
	fd, err := c.devs.FDSets.Dup(c.spec.FDSet, -1)
	if err != nil {
		return addr, err
	}
	addr.FD = fd
	return addr, nil
}

// dropFDSetDup closes the duplicate socketAddr made when hostsock refused
// it: hostsock closes an fd:N it adopts and leaves it open on error.
func (c *Chardev) dropFDSetDup(addr hostsock.Spec) {
	if c.spec.FDSet >= 0 {
		unix.Close(addr.FD)
	}
}

// label is the address as QEMU's messages show it: tcp:HOST:PORT,
// unix:PATH or fd:N.
func (c *Chardev) label() string {
	if c.ln != nil {
		switch a := c.ln.Addr().(type) {
		case *net.TCPAddr:
			return "tcp:" + a.String()
		case *net.UnixAddr:
			return "unix:" + a.Name
		}
	}
	return c.spec.Addr.String()
}

// serve is a server's accept loop: one client at a time; the next is
// accepted when the current one has gone (a second client waits in the
// listen backlog meanwhile).
func (c *Chardev) serve(first net.Conn) {
	conn := first
	for {
		if conn == nil {
			var err error
			conn, err = c.ln.Accept()
			if err != nil {
				if c.closed() || errors.Is(err, net.ErrClosed) {
					return
				}
				c.devs.logf("gemu: chardev %s: accept: %v", c.spec.ID, err)
				select {
				case <-c.done:
					return
				case <-time.After(acceptRetry):
				}
				continue
			}
		}
		c.session(conn)
		conn = nil
	}
}

// client runs a client socket: the session, then with reconnect=N a new
// connection N seconds after the old one ended or a dial failed.
func (c *Chardev) client(conn net.Conn, addr hostsock.Spec) {
	failed := conn == nil
	for {
		if conn != nil {
			c.session(conn)
			failed = false
		}
		if c.spec.Reconnect == 0 {
			return
		}
		select {
		case <-c.done:
			return
		case <-time.After(c.spec.Reconnect):
		}
		var err error
		conn, err = c.devs.Sock.Dial(context.Background(), addr)
		if err != nil && !failed {
			c.devs.logf("gemu: chardev %s: reconnect: %v", c.spec.ID, err)
			failed = true // say it once per outage
		}
	}
}

// session serves one connection: output goes to it, EventOpened, its
// input, EventClosed once it ends.
func (c *Chardev) session(conn net.Conn) {
	c.mu.Lock()
	if c.shut {
		c.mu.Unlock()
		conn.Close()
		return
	}
	c.conn, c.out = conn, conn
	c.mu.Unlock()
	if c.waitAttached() {
		c.emit(EventOpened)
		c.pump(conn)
	}
	c.mu.Lock()
	if c.conn == conn {
		c.conn, c.out = nil, nil
	}
	c.mu.Unlock()
	conn.Close()
	if !c.closed() {
		c.emit(EventClosed)
	}
}

// String describes the chardev as HMP's info chardev does.
func (c *Chardev) String() string {
	switch c.spec.Backend {
	case Socket:
		state := "disconnected"
		if c.Connected() {
			state = "connected"
		}
		s := fmt.Sprintf("%s: filename=%s:%s", c.spec.ID, state, c.label())
		if c.spec.Server {
			s += ",server=on"
		}
		return s
	case File, Pipe:
		return fmt.Sprintf("%s: filename=%s:%s", c.spec.ID, c.spec.Backend, c.spec.Path)
	}
	return fmt.Sprintf("%s: filename=%s", c.spec.ID, c.spec.Backend)
}
