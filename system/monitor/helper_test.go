package monitor

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gemu-project/gemu/system/chardev"
)

const waitLong = 5 * time.Second

// fakeMachine is a two-hart machine that only keeps its state.
type fakeMachine struct {
	mu         sync.Mutex
	status     string
	resets     int
	powerdowns int
	quit       chan struct{}
	quitOnce   sync.Once
}

func newFake() *fakeMachine { return &fakeMachine{status: "running", quit: make(chan struct{})} }

func (f *fakeMachine) set(s string) {
	f.mu.Lock()
	f.status = s
	f.mu.Unlock()
}

func (f *fakeMachine) Status() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

func (f *fakeMachine) Stop() { f.set("paused") }
func (f *fakeMachine) Cont() { f.set("running") }

func (f *fakeMachine) Reset() {
	f.mu.Lock()
	f.resets++
	f.mu.Unlock()
}

func (f *fakeMachine) Powerdown() {
	f.mu.Lock()
	f.powerdowns++
	f.mu.Unlock()
}

func (f *fakeMachine) Quit() { f.quitOnce.Do(func() { close(f.quit) }) }

func (f *fakeMachine) CPUs() []CPU {
	return []CPU{
		{Index: 0, ThreadID: 1001, Target: "riscv64", PC: 0x80000000},
		{Index: 1, ThreadID: 1002, Target: "riscv64", PC: 0x80000004},
	}
}

func (f *fakeMachine) Registers(cpu int) string {
	return fmt.Sprintf(" pc       %016x\n mhartid  %016x\n", 0x80000000+4*cpu, cpu)
}

func (f *fakeMachine) waitQuit(t *testing.T) {
	t.Helper()
	select {
	case <-f.quit:
	case <-time.After(waitLong):
		t.Fatal("the machine was not told to quit")
	}
}

// listen opens a server chardev on a free loopback port.
func listen(t *testing.T, d *chardev.Devices, id string) *chardev.Chardev {
	t.Helper()
	c, err := d.OpenChardev("socket,id=" + id + ",host=127.0.0.1,port=0,server=on,wait=off")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newDevices(t *testing.T) *chardev.Devices {
	d := &chardev.Devices{Logf: t.Logf}
	t.Cleanup(d.Close)
	return d
}

// qmpClient speaks QMP over a TCP connection, a line at a time.
type qmpClient struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func dialQMP(t *testing.T, c *chardev.Chardev) *qmpClient {
	t.Helper()
	conn, err := net.DialTimeout("tcp", c.Addr().String(), waitLong)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &qmpClient{t: t, conn: conn, r: bufio.NewReader(conn)}
}

func (q *qmpClient) send(text string) {
	q.t.Helper()
	if _, err := q.conn.Write([]byte(text)); err != nil {
		q.t.Fatal(err)
	}
}

// line reads one message; it must end with CRLF.
func (q *qmpClient) line() string {
	q.t.Helper()
	q.conn.SetReadDeadline(time.Now().Add(waitLong))
	l, err := q.r.ReadString('\n')
	if err != nil {
		q.t.Fatalf("reading a QMP message: %v (got %q)", err, l)
	}
	if !strings.HasSuffix(l, "\r\n") {
		q.t.Fatalf("message %q does not end with CRLF", l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// expect reads one message and compares it with want exactly.
func (q *qmpClient) expect(want string) {
	q.t.Helper()
	if got := q.line(); got != want {
		q.t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// event reads one message, which must be the event name; it returns the
// event's data.
func (q *qmpClient) event(name string) map[string]any {
	q.t.Helper()
	l := q.line()
	var ev struct {
		Event     string
		Data      map[string]any
		Timestamp struct{ Seconds, Microseconds int64 }
	}
	if err := json.Unmarshal([]byte(l), &ev); err != nil || ev.Event != name {
		q.t.Fatalf("got %s, want event %s (%v)", l, name, err)
	}
	if !strings.HasPrefix(l, `{"timestamp": {"seconds": `) ||
		time.Since(time.Unix(ev.Timestamp.Seconds, 0)) > time.Minute || ev.Timestamp.Microseconds >= 1e6 {
		q.t.Fatalf("bad timestamp in %s", l)
	}
	return ev.Data
}

// negotiate reads the greeting and leaves negotiation mode.
func (q *qmpClient) negotiate() {
	q.t.Helper()
	q.expect(`{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "gemu"}, "capabilities": []}}`)
	q.send(`{"execute": "qmp_capabilities"}` + "\n")
	q.expect(`{"return": {}}`)
}

// deadlineReader is a net.Conn or an *os.File pipe.
type deadlineReader interface {
	Read([]byte) (int, error)
	SetReadDeadline(time.Time) error
}

// readUntil reads from conn until the text so far ends with suffix.
func readUntil(t *testing.T, conn deadlineReader, suffix string) string {
	t.Helper()
	var got []byte
	buf := make([]byte, 4096)
	conn.SetReadDeadline(time.Now().Add(waitLong))
	for !strings.HasSuffix(string(got), suffix) {
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			t.Fatalf("read %q, waiting for %q: %v", got, suffix, err)
		}
	}
	return string(got)
}
