package gdbstub

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Packet framing (GDB manual, "Remote Protocol" > "Overview"): a packet
// is $data#cc, cc being two hex digits of the modulo-256 sum of data's
// bytes. The receiver answers + (good) or - (resend) until both sides
// agree on QStartNoAckMode. A lone 0x03 byte outside a packet is an
// interrupt request ("Interrupts"). Binary data (X packets, qXfer
// replies) escapes $, #, } and * as } followed by the byte XOR 0x20
// ("Binary data").

// interruptByte is what GDB sends for Ctrl-C.
const interruptByte = 0x03

// checksum is the modulo-256 sum of the packet data.
func checksum(data []byte) byte {
	var sum byte
	for _, b := range data {
		sum += b
	}
	return sum
}

// frame wraps data as $data#cc.
func frame(data []byte) []byte {
	out := make([]byte, 0, len(data)+4)
	out = append(out, '$')
	out = append(out, data...)
	return fmt.Appendf(out, "#%02x", checksum(data))
}

// needsEscape reports whether b must be escaped in binary data.
func needsEscape(b byte) bool { return b == '$' || b == '#' || b == '}' || b == '*' }

// escape encodes binary data for a packet.
func escape(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for _, b := range data {
		if needsEscape(b) {
			out = append(out, '}', b^0x20)
		} else {
			out = append(out, b)
		}
	}
	return out
}

// unescape decodes binary packet data.
func unescape(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		if data[i] == '}' && i+1 < len(data) {
			i++
			out = append(out, data[i]^0x20)
		} else {
			out = append(out, data[i])
		}
	}
	return out
}

// errChecksum reports a packet whose checksum did not match.
var errChecksum = errors.New("gdbstub: bad packet checksum")

// item is one thing read from GDB: a packet, an interrupt, or an ack.
type item struct {
	data      []byte // packet data (nil for the others)
	interrupt bool
	ack, nak  bool
}

// readItem reads the next item, skipping noise between packets. A packet
// with a bad checksum is returned with errChecksum.
func readItem(r *bufio.Reader) (item, error) {
	for {
		b, err := r.ReadByte()
		if err != nil {
			return item{}, err
		}
		switch b {
		case '+':
			return item{ack: true}, nil
		case '-':
			return item{nak: true}, nil
		case interruptByte:
			return item{interrupt: true}, nil
		case '$':
			return readPacket(r)
		}
	}
}

// readPacket reads data#cc after the $.
func readPacket(r *bufio.Reader) (item, error) {
	data, err := r.ReadBytes('#')
	if err != nil {
		return item{}, err
	}
	data = data[:len(data)-1]
	var cs [2]byte
	if _, err := io.ReadFull(r, cs[:]); err != nil {
		return item{}, err
	}
	want, ok := parseHexByte(cs[0], cs[1])
	if !ok || want != checksum(data) {
		return item{data: data}, errChecksum
	}
	return item{data: data}, nil
}

func parseHexByte(hi, lo byte) (byte, bool) {
	h, ok1 := hexDigit(hi)
	l, ok2 := hexDigit(lo)
	return h<<4 | l, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// conn is a GDB connection: a reader goroutine turns the byte stream into
// items (acking packets itself), and send frames replies.
type conn struct {
	c     net.Conn
	in    chan item // packets and interrupts, closed at EOF
	acks  chan bool // true for +, false for -
	noAck atomic.Bool
	wmu   sync.Mutex
	log   func(format string, args ...any)
}

func newConn(c net.Conn, log func(string, ...any)) *conn {
	cn := &conn{c: c, in: make(chan item, 16), acks: make(chan bool, 16), log: log}
	go cn.readLoop()
	return cn
}

func (cn *conn) readLoop() {
	defer close(cn.in)
	r := bufio.NewReader(cn.c)
	for {
		it, err := readItem(r)
		switch {
		case err == errChecksum:
			if !cn.noAck.Load() {
				cn.write([]byte{'-'})
			}
			continue
		case err != nil:
			return
		case it.ack || it.nak:
			select {
			case cn.acks <- it.ack:
			default:
			}
			continue
		case it.data != nil && !cn.noAck.Load():
			cn.write([]byte{'+'})
		}
		cn.in <- it
	}
}

func (cn *conn) write(b []byte) error {
	cn.wmu.Lock()
	defer cn.wmu.Unlock()
	_, err := cn.c.Write(b)
	return err
}

// ackTimeout bounds the wait for GDB's + in ack mode.
const ackTimeout = 5 * time.Second

// send sends one packet; in ack mode it resends on - (a few times) and
// waits for the +.
func (cn *conn) send(data string) error {
	pkt := frame([]byte(data))
	cn.log("gdbstub: <- %s", data)
	for try := 0; try < 3; try++ {
		if err := cn.write(pkt); err != nil {
			return err
		}
		if cn.noAck.Load() {
			return nil
		}
		select {
		case ok := <-cn.acks:
			if ok {
				return nil
			}
		case <-time.After(ackTimeout):
			return nil
		}
	}
	return nil
}

// sendLast sends a last packet (the exit report, written just before the
// emulator exits) without waiting for an ack, and closes the connection.
// On TCP the packet and the FIN leave in one segment (TCP_CORK until the
// shutdown, tcp(7)): GDB closes as soon as it reads the packet, and gemu,
// closing first, keeps the TIME_WAIT, as a server restarting on its port
// with SO_REUSEADDR expects.
func (cn *conn) sendLast(data string) {
	cn.log("gdbstub: <- %s", data)
	if rc, ok := cn.c.(syscall.Conn); ok {
		if raw, e := rc.SyscallConn(); e == nil {
			raw.Control(func(fd uintptr) { unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_CORK, 1) })
		}
	}
	cn.write(frame([]byte(data)))
	cn.close()
}

// close ends the connection. The FIN goes out at once (shutdown): Close
// alone closes the descriptor only when the reader goroutine lets go of
// it, and the emulator may be exiting by then.
func (cn *conn) close() {
	if cw, ok := cn.c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	cn.c.Close()
}
