package virtio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"sync"
)

// socketMaxFrame is the longest frame Recv accepts: QEMU's NET_BUFSIZE.
const socketMaxFrame = 4096 + 65536

// Socket is a FrameIO over a stream connection in the wire format of
// QEMU's -netdev socket (and -netdev stream): each Ethernet frame is
// preceded by its length as a 4-byte big-endian number. Two machines, or a
// machine and a test program, can exchange frames through it.
type Socket struct {
	conn net.Conn
	r    *bufio.Reader
	wmu  sync.Mutex
}

// NewSocket returns the FrameIO on conn; Close closes conn.
func NewSocket(conn net.Conn) *Socket {
	return &Socket{conn: conn, r: bufio.NewReader(conn)}
}

// Send implements FrameIO: the length and the frame in one write.
func (s *Socket) Send(frame []byte) error {
	buf := make([]byte, 4+len(frame))
	binary.BigEndian.PutUint32(buf, uint32(len(frame)))
	copy(buf[4:], frame)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.conn.Write(buf)
	return err
}

// Recv implements FrameIO; only one goroutine may call it at a time.
func (s *Socket) Recv() ([]byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(s.r, h[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(h[:])
	if n > socketMaxFrame {
		return nil, fmt.Errorf("netdev socket: frame of %d bytes", n)
	}
	frame := make([]byte, n)
	if _, err := io.ReadFull(s.r, frame); err != nil {
		return nil, err
	}
	return frame, nil
}

// Close closes the connection, which makes a blocked Recv return.
func (s *Socket) Close() error { return s.conn.Close() }
