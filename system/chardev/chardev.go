package chardev

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/gemu-project/gemu/hostsock"
)

// Event is what a backend tells its frontend besides data.
type Event int

// Events (QEMU's chardev events).
const (
	EventOpened Event = iota + 1 // a client connected, or the device is ready
	EventClosed                  // the client went away
	EventBreak                   // a break (the mux's C-a b)
	EventMuxIn                   // a mux gave this frontend the focus
	EventMuxOut                  // a mux took the focus away
)

func (e Event) String() string {
	switch e {
	case EventOpened:
		return "opened"
	case EventClosed:
		return "closed"
	case EventBreak:
		return "break"
	case EventMuxIn:
		return "mux-in"
	case EventMuxOut:
		return "mux-out"
	}
	return fmt.Sprintf("event(%d)", int(e))
}

// Port is what a frontend (a serial port, a monitor) talks to: a Chardev,
// or one frontend's share of a Mux.
//
// Write never blocks for want of a reader: output with no client connected
// is dropped, as QEMU drops a server socket's output until a client comes.
// Attach installs the frontend's callbacks; a Port takes one frontend.
// input receives what the host side sends and event the Events, both from
// one goroutine, in order; the slice given to input is only valid during
// the call. Either callback may be nil.
type Port interface {
	io.Writer
	Attach(input func([]byte), event func(Event)) error
}

// ErrInUse is Attach's error for a Port that already has its frontend.
var ErrInUse = errors.New("device is in use (use mux=on to share it)")

// Chardev is an open character device backend.
type Chardev struct {
	spec *Spec
	devs *Devices

	attachOnce sync.Once
	attached   chan struct{} // closed by Attach
	input      func([]byte)
	event      func(Event)

	wmu  sync.Mutex // serialises writes
	mu   sync.Mutex
	out  io.Writer // where output goes now; nil drops it
	conn net.Conn  // the socket's current client, if any
	ln   *hostsock.Listener
	done chan struct{} // closed by Close
	shut bool
	subs []io.Closer // files and pipes to close
	mux  *Mux
}

func newChardev(devs *Devices, sp *Spec) *Chardev {
	return &Chardev{spec: sp, devs: devs, attached: make(chan struct{}), done: make(chan struct{})}
}

// ID is the chardev's id.
func (c *Chardev) ID() string { return c.spec.ID }

// Spec is what the chardev was opened from.
func (c *Chardev) Spec() *Spec { return c.spec }

// Addr is a server socket's bound address (*net.TCPAddr or
// *net.UnixAddr), nil for other backends.
func (c *Chardev) Addr() net.Addr {
	if c.ln == nil {
		return nil
	}
	return c.ln.Addr()
}

// Connected says whether a socket chardev has a client now; other open
// backends are always connected.
func (c *Chardev) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out != nil
}

// Attach installs the frontend. A chardev opened with mux=on (or mon:)
// takes its frontends through Mux; its own Attach is the mux's.
func (c *Chardev) Attach(input func([]byte), event func(Event)) error {
	err := fmt.Errorf("chardev '%s': %w", c.spec.ID, ErrInUse)
	c.attachOnce.Do(func() {
		c.input, c.event, err = input, event, nil
		close(c.attached)
	})
	return err
}

// Port gives a frontend its way in: a new share of the mux for a
// multiplexed chardev, the chardev itself otherwise.
func (c *Chardev) Port() Port {
	if c.mux != nil {
		return c.mux.NewFrontend()
	}
	return c
}

// Mux is the multiplexer of a chardev opened with mux=on or mon:, nil
// otherwise.
func (c *Chardev) Mux() *Mux { return c.mux }

// Write sends output to the current client, file or terminal. With no
// client it drops p, and a client that went away is not an error: like a
// serial line, the device has no one to complain to.
func (c *Chardev) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.mu.Lock()
	w := c.out
	c.mu.Unlock()
	if w != nil {
		if _, err := w.Write(p); err != nil {
			c.lost(w)
		}
	}
	return len(p), nil
}

// lost stops writing to a client whose socket failed; its reader sees the
// end of the connection and reports EventClosed.
func (c *Chardev) lost(w io.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out == w {
		c.out = nil
	}
}

// Close shuts the device: the listener, the client, the files. A reader
// goroutine blocked on a terminal ends with the process.
func (c *Chardev) Close() error {
	c.mu.Lock()
	if c.shut {
		c.mu.Unlock()
		return nil
	}
	c.shut = true
	close(c.done)
	ln, conn, subs := c.ln, c.conn, c.subs
	c.out, c.conn = nil, nil
	c.mu.Unlock()
	var errs []error
	if ln != nil {
		errs = append(errs, ln.Close())
	}
	if conn != nil {
		conn.Close()
	}
	for _, s := range subs {
		errs = append(errs, s.Close())
	}
	c.devs.forget(c)
	return errors.Join(errs...)
}

func (c *Chardev) closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// waitAttached blocks until the frontend is there; false if the chardev
// was closed first.
func (c *Chardev) waitAttached() bool {
	select {
	case <-c.attached:
		return true
	case <-c.done:
		return false
	}
}

func (c *Chardev) emit(e Event) {
	if c.event != nil {
		c.event(e)
	}
}

// pump delivers what r sends to the frontend until r fails or the chardev
// closes. The frontend is attached (waitAttached) before it starts.
func (c *Chardev) pump(r io.Reader) {
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 && !c.closed() && c.input != nil {
			c.input(buf[:n])
		}
		if err != nil || c.closed() {
			return
		}
	}
}

// serveStream runs a device that is open from the start (stdio, file,
// pipe): EventOpened, then input from r until it ends. r may be nil.
func (c *Chardev) serveStream(r io.Reader) {
	if !c.waitAttached() {
		return
	}
	c.emit(EventOpened)
	if r != nil {
		c.pump(r)
	}
}
