package virtio

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

func TestRNG(t *testing.T) {
	d := newDriver(t, NewRNG())
	d.start(FeatureVersion1, 0)
	if d.reg(regDeviceID) != IDEntropy {
		t.Fatal("not an entropy device")
	}
	b := d.data(make([]byte, 64), true)
	d.post(0, b)
	if _, n := d.waitUsed(0); n != 64 {
		t.Fatalf("used len %d, want 64", n)
	}
	if bytes.Equal(d.mem.bytes(b.addr, 64), make([]byte, 64)) {
		t.Fatal("buffer not filled")
	}
	if d.ack() != InterruptUsed {
		t.Fatal("no used buffer interrupt")
	}
}

// chanWriter hands each Write to the test.
type chanWriter chan string

func (c chanWriter) Write(p []byte) (int, error) {
	c <- string(p)
	return len(p), nil
}

// collect reads from c until it has n bytes.
func (c chanWriter) collect(t *testing.T, n int) string {
	t.Helper()
	var s string
	for len(s) < n {
		select {
		case p := <-c:
			s += p
		case <-time.After(5 * time.Second):
			t.Fatalf("got %q, want %d bytes", s, n)
		}
	}
	return s
}

func TestConsole(t *testing.T) {
	out := make(chanWriter, 16)
	inR, inW := io.Pipe()
	d := newDriver(t, NewConsole(out, inR))
	t.Cleanup(func() { inW.Close() })
	d.start(FeatureVersion1, 0)
	if d.reg(regDeviceID) != IDConsole || len(d.qs) != 2 {
		t.Fatal("not a single-port console")
	}
	// transmitq0: what the driver writes reaches out.
	d.post(consoleTx, d.data([]byte("hello, "), false), d.data([]byte("world\n"), false))
	if got := out.collect(t, 13); got != "hello, world\n" {
		t.Fatalf("tx: out %q", got)
	}
	if _, n := d.waitUsed(consoleTx); n != 0 {
		t.Fatalf("tx: used len %d", n)
	}
	// receiveq0: input typed before a buffer is posted waits for one, and
	// fills as many buffers as it needs.
	go inW.Write([]byte("input!"))
	time.Sleep(10 * time.Millisecond)
	a := d.data(make([]byte, 4), true)
	d.post(consoleRx, a)
	if _, n := d.waitUsed(consoleRx); n != 4 || string(d.mem.bytes(a.addr, 4)) != "inpu" {
		t.Fatalf("rx: used len %d, data %q", n, d.mem.bytes(a.addr, 4))
	}
	b := d.data(make([]byte, 16), true)
	d.post(consoleRx, b)
	if _, n := d.waitUsed(consoleRx); n != 2 || string(d.mem.bytes(b.addr, 2)) != "t!" {
		t.Fatalf("rx: used len %d, data %q", n, d.mem.bytes(b.addr, 2))
	}
	eventually(t, "the rx interrupt", func() bool { return d.line.level.Load() })
}

// TestConsoleResetWhileReceiving resets the device while its input
// goroutine delivers, for the race detector, and checks input resumes.
func TestConsoleResetWhileReceiving(t *testing.T) {
	inR, inW := io.Pipe()
	d := newDriver(t, NewConsole(nil, inR))
	t.Cleanup(func() { inW.Close() })
	go func() {
		for i := 0; i < 200; i++ {
			if _, err := inW.Write([]byte("x")); err != nil {
				return
			}
		}
	}()
	for round := 0; round < 5; round++ {
		d.heap = heapBase
		d.start(FeatureVersion1, 0)
		b := d.data(make([]byte, 8), true)
		d.post(consoleRx, b)
		if _, n := d.waitUsed(consoleRx); n == 0 {
			t.Fatalf("round %d: empty receive", round)
		}
	}
}

// netPeer is the test's end of a -netdev socket connection.
type netPeer struct{ conn net.Conn }

func (p netPeer) send(t *testing.T, frame []byte) {
	t.Helper()
	if _, err := p.conn.Write(binary.BigEndian.AppendUint32(nil, uint32(len(frame)))); err != nil {
		t.Fatal(err)
	}
	if _, err := p.conn.Write(frame); err != nil {
		t.Fatal(err)
	}
}

func (p netPeer) recv(t *testing.T) []byte {
	t.Helper()
	p.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var h [4]byte
	if _, err := io.ReadFull(p.conn, h[:]); err != nil {
		t.Fatal(err)
	}
	frame := make([]byte, binary.BigEndian.Uint32(h[:]))
	if _, err := io.ReadFull(p.conn, frame); err != nil {
		t.Fatal(err)
	}
	return frame
}

var testMAC = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}

func netDriver(t *testing.T) (*driver, netPeer) {
	a, b := net.Pipe()
	t.Cleanup(func() { b.Close() })
	d := newDriver(t, NewNet(testMAC, NewSocket(a)))
	d.start(FeatureVersion1|netFMAC|netFStatus, 0)
	return d, netPeer{b}
}

func testFrame(n int) []byte {
	f := make([]byte, n)
	for i := range f {
		f[i] = byte(i)
	}
	return f
}

func TestNetConfig(t *testing.T) {
	d, _ := netDriver(t)
	for i, m := range testMAC {
		if got := d.m.Read(regConfig+uint64(i), 1); got != uint64(m) {
			t.Fatalf("mac[%d] = %#x", i, got)
		}
	}
	if got := d.m.Read(regConfig+6, 2); got != netLinkUp {
		t.Fatalf("status %#x, want link up", got)
	}
}

func TestNetTransmit(t *testing.T) {
	d, peer := netDriver(t)
	frame := testFrame(60)
	d.post(netTx, d.data(make([]byte, NetHeaderLen), false), d.data(frame, false))
	if got := peer.recv(t); !bytes.Equal(got, frame) {
		t.Fatalf("peer got % x", got)
	}
	// Header and frame in one buffer, as Linux sends them.
	frame2 := testFrame(1514)
	d.post(netTx, d.data(append(make([]byte, NetHeaderLen), frame2...), false))
	if got := peer.recv(t); !bytes.Equal(got, frame2) {
		t.Fatal("second frame differs")
	}
	d.waitUsed(netTx)
	d.waitUsed(netTx)
}

func TestNetReceive(t *testing.T) {
	d, peer := netDriver(t)
	rx := d.data(make([]byte, NetHeaderLen+1518), true)
	d.post(netRx, rx)
	frame := testFrame(98)
	peer.send(t, frame)
	if _, n := d.waitUsed(netRx); n != uint32(NetHeaderLen+len(frame)) {
		t.Fatalf("used len %d", n)
	}
	got := d.mem.bytes(rx.addr, NetHeaderLen+len(frame))
	hdr := append(make([]byte, netNumBufs), 1, 0)
	if !bytes.Equal(got[:NetHeaderLen], hdr) || !bytes.Equal(got[NetHeaderLen:], frame) {
		t.Fatalf("received % x", got)
	}
	eventually(t, "the rx interrupt", func() bool { return d.line.level.Load() })
}

func TestNetLinkDown(t *testing.T) {
	d, peer := netDriver(t)
	peer.conn.Close()
	eventually(t, "the config interrupt", func() bool {
		return d.reg(regInterruptStat)&InterruptConfig != 0 && d.line.level.Load()
	})
	if got := d.m.Read(regConfig+6, 2); got != 0 {
		t.Fatalf("status %#x after the peer left", got)
	}
	if d.reg(regStatus)&StatusNeedsReset != 0 {
		t.Fatal("link down broke the device")
	}
}

// TestSocketPair joins two Socket FrameIOs, as two machines would be.
func TestSocketPair(t *testing.T) {
	a, b := net.Pipe()
	sa, sb := NewSocket(a), NewSocket(b)
	defer sa.Close()
	defer sb.Close()
	go sa.Send([]byte("frame one"))
	if got, err := sb.Recv(); err != nil || string(got) != "frame one" {
		t.Fatalf("Recv %q, %v", got, err)
	}
	go b.Write([]byte{0xff, 0, 0, 0})
	if _, err := sa.Recv(); err == nil {
		t.Fatal("a 4 GiB frame length was accepted")
	}
}
