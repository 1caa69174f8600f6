package chardev

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

const waitLong = 5 * time.Second

// recorder is a frontend that keeps what it gets.
type recorder struct {
	mu     sync.Mutex
	in     bytes.Buffer
	events chan Event
}

func attach(t *testing.T, p Port) *recorder {
	t.Helper()
	r := &recorder{events: make(chan Event, 64)}
	if err := p.Attach(r.input, func(e Event) { r.events <- e }); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *recorder) input(p []byte) {
	r.mu.Lock()
	r.in.Write(p)
	r.mu.Unlock()
}

func (r *recorder) waitEvent(t *testing.T, want Event) {
	t.Helper()
	select {
	case e := <-r.events:
		if e != want {
			t.Fatalf("event %v, want %v", e, want)
		}
	case <-time.After(waitLong):
		t.Fatalf("no %v event", want)
	}
}

func (r *recorder) noEvent(t *testing.T) {
	t.Helper()
	select {
	case e := <-r.events:
		t.Fatalf("unexpected event %v", e)
	case <-time.After(50 * time.Millisecond):
	}
}

// waitInput waits until the input so far ends with want, and clears it.
func (r *recorder) waitInput(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for {
		r.mu.Lock()
		got := r.in.String()
		if strings.HasSuffix(got, want) {
			r.in.Reset()
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("input %q, want %q", got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// output is the far end of a stdio chardev's stdout: a pipe, read by the
// test goroutine alone.
type output struct {
	r   *os.File
	got []byte
}

func newOutput(t *testing.T) (*output, *os.File) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return &output{r: r}, w
}

func (o *output) String() string { return string(o.got) }

func (o *output) waitFor(t *testing.T, want string) {
	t.Helper()
	o.r.SetReadDeadline(time.Now().Add(waitLong))
	buf := make([]byte, 4096)
	for !strings.Contains(string(o.got), want) {
		n, err := o.r.Read(buf)
		o.got = append(o.got, buf[:n]...)
		if err != nil {
			t.Fatalf("output %q, want %q in it: %v", o.got, want, err)
		}
	}
}

func newDevices(t *testing.T) *Devices {
	d := &Devices{Logf: t.Logf}
	t.Cleanup(d.Close)
	return d
}

func openChardev(t *testing.T, d *Devices, text string) *Chardev {
	t.Helper()
	c, err := d.OpenChardev(text)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readFull reads exactly len(want) bytes from r and compares.
func readFull(t *testing.T, c net.Conn, want string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(waitLong))
	buf := make([]byte, len(want))
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("reading %q: %v (got %q)", want, err, buf)
	}
	if string(buf) != want {
		t.Fatalf("read %q, want %q", buf, want)
	}
}

func dial(t *testing.T, network, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout(network, addr, waitLong)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// timeWaitOn says whether /proc/net/tcp has a TIME_WAIT socket whose
// local port is port (state 06, proc(5)).
func timeWaitOn(port int) (found, known bool) {
	for _, name := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		known = true
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "06" {
				continue
			}
			if i := strings.LastIndexByte(fields[1], ':'); i >= 0 {
				var p int
				for _, c := range fields[1][i+1:] {
					p = p*16 + strings.IndexRune("0123456789ABCDEF", c)
				}
				found = found || p == port
			}
		}
		f.Close()
	}
	return found, known
}
