package chardev

import (
	"fmt"
	"io"
	"os"
	"sort"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/hostsock"
)

// Devices opens chardevs and keeps them by id, as QEMU's -chardev ids are
// one namespace that -serial chardev:ID, -mon chardev=ID and the monitor
// refer to. The zero value works: stdio is the process's.
type Devices struct {
	Sock   hostsock.Config // listeners, clients and fd:NAME lookups
	FDSets FDSets          // -add-fd
	Stdin  io.Reader       // the stdio backend's input; nil: os.Stdin
	Stdout io.Writer       // its output; nil: os.Stdout
	// Logf gets informational messages (waiting for a client, reconnect
	// failures); nil: standard error.
	Logf func(format string, args ...any)

	mu        sync.Mutex
	byID      map[string]*Chardev
	stdioUsed bool
}

func (d *Devices) logf(format string, args ...any) {
	if d.Logf != nil {
		d.Logf(format, args...)
		return
	}
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// Open opens the device sp describes under sp.ID (which must be new): a
// parsed -chardev, or a shorthand given an id (see OpenShorthand).
func (d *Devices) Open(sp *Spec) (*Chardev, error) {
	if sp.None || sp.Ref != "" || sp.ID == "" {
		return nil, specError(sp, "not a device to open (none, chardev:ID, or no id)")
	}
	c := newChardev(d, sp)
	if err := d.claim(c); err != nil {
		return nil, err
	}
	if sp.Mux {
		c.mux = newMux(c)
	}
	if err := c.open(); err != nil {
		c.Close()
		return nil, wrap(sp, err)
	}
	return c, nil
}

// OpenChardev parses a -chardev argument and opens it.
func (d *Devices) OpenChardev(text string) (*Chardev, error) {
	sp, err := ParseChardev(text)
	if err != nil {
		return nil, err
	}
	return d.Open(sp)
}

// OpenShorthand opens a -serial/-monitor/-qmp device under id (QEMU calls
// them serial0, compat_monitor0, ...); chardev:ID gives the -chardev of
// that id and none gives nil.
func (d *Devices) OpenShorthand(sp *Spec, id string) (*Chardev, error) {
	switch {
	case sp.None:
		return nil, nil
	case sp.Ref != "":
		if c := d.Get(sp.Ref); c != nil {
			return c, nil
		}
		return nil, specError(sp, "chardev \"%s\" not found", sp.Ref)
	}
	cp := *sp
	cp.ID = id
	return d.Open(&cp)
}

func wrap(sp *Spec, err error) error {
	if _, ok := err.(*Error); ok {
		return err
	}
	return &Error{Option: sp.Option, Arg: sp.Text, Err: err}
}

// claim reserves the id, and stdio, which one device at most may use.
func (d *Devices) claim(c *Chardev) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	sp := c.spec
	if _, dup := d.byID[sp.ID]; dup {
		return specError(sp, "duplicate ID '%s' for chardev", sp.ID)
	}
	if sp.Backend == Stdio {
		if d.stdioUsed {
			return specError(sp, "cannot use stdio by multiple character devices")
		}
		d.stdioUsed = true
	}
	if d.byID == nil {
		d.byID = map[string]*Chardev{}
	}
	d.byID[sp.ID] = c
	return nil
}

func (d *Devices) forget(c *Chardev) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byID[c.spec.ID] == c {
		delete(d.byID, c.spec.ID)
		if c.spec.Backend == Stdio {
			d.stdioUsed = false
		}
	}
}

// Get is the open chardev called id, or nil.
func (d *Devices) Get(id string) *Chardev {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.byID[id]
}

// List is every open chardev, by id.
func (d *Devices) List() []*Chardev {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]*Chardev, 0, len(d.byID))
	for _, c := range d.byID {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].spec.ID < out[j].spec.ID })
	return out
}

// Close closes every chardev and the fd sets.
func (d *Devices) Close() {
	for _, c := range d.List() {
		c.Close()
	}
	d.FDSets.Close()
}

func (c *Chardev) open() error {
	sp := c.spec
	switch sp.Backend {
	case Socket:
		return c.openSocket()
	case Null:
		return nil // never opened: drops output, sends nothing
	case Stdio:
		in, out := c.devs.Stdin, c.devs.Stdout
		if in == nil {
			in = os.Stdin
		}
		if out == nil {
			out = os.Stdout
		}
		c.out = out
		go c.serveStream(in)
		return nil
	case File:
		// qemu-options.hx: the file is created if missing and
		// overwritten (append=on: appended to).
		flags := unix.O_WRONLY | unix.O_CREAT | unix.O_TRUNC
		if sp.Append {
			flags = unix.O_WRONLY | unix.O_CREAT | unix.O_APPEND
		}
		f, err := c.devs.FDSets.openPath(sp.Path, flags, 0o666)
		if err != nil {
			return err
		}
		c.out, c.subs = f, []io.Closer{f}
		go c.serveStream(nil)
		return nil
	case Pipe:
		return c.openPipe()
	}
	return specError(sp, "'%s' is not a supported chardev backend", sp.Backend)
}

// openPipe opens PATH.in and PATH.out, or PATH both ways when they do not
// exist (qemu-options.hx: the fifos must exist; gemu does not create
// them). O_RDWR keeps the open from waiting for the other end (fifo(7)).
func (c *Chardev) openPipe() error {
	p := c.spec.Path
	in, err := c.devs.FDSets.openPath(p+".in", unix.O_RDWR, 0)
	var out *os.File
	if err == nil {
		out, err = c.devs.FDSets.openPath(p+".out", unix.O_RDWR, 0)
		if err != nil {
			in.Close()
			return err
		}
	} else {
		if in, err = c.devs.FDSets.openPath(p, unix.O_RDWR, 0); err != nil {
			return err
		}
		out = in
	}
	c.out, c.subs = out, []io.Closer{in}
	if out != in {
		c.subs = append(c.subs, out)
	}
	go c.serveStream(in)
	return nil
}
