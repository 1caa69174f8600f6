package virtio

import (
	"encoding/binary"
	"errors"
	"io"
	"sync/atomic"
)

// virtio-net (§5.1) with one queue pair and no offloads.
const (
	netFMAC    = 1 << 5  // VIRTIO_NET_F_MAC
	netFStatus = 1 << 16 // VIRTIO_NET_F_STATUS

	netRx        = 0 // receiveq1
	netTx        = 1 // transmitq1
	netQueueSize = 256
	netLinkUp    = 1 // VIRTIO_NET_S_LINK_UP
	netConfigLen = 8 // mac, status

	// NetHeaderLen is struct virtio_net_hdr with VIRTIO_F_VERSION_1
	// (§5.1.6): flags, gso_type, hdr_len, gso_size, csum_start,
	// csum_offset, num_buffers.
	NetHeaderLen = 12
	netNumBufs   = 10 // offset of num_buffers

	// netMaxTx bounds a transmitted frame; longer ones are dropped.
	netMaxTx  = 65535
	ethHeader = 14
)

// FrameIO carries Ethernet frames to and from the host network. Send and
// Recv are called from the device's own goroutines and may block; Recv
// failing takes the link down for good.
type FrameIO interface {
	Send(frame []byte) error
	Recv() ([]byte, error)
}

// Net is a virtio network device (§5.1) with VIRTIO_NET_F_MAC and
// VIRTIO_NET_F_STATUS, one receive and one transmit queue. Frames move on
// two goroutines of its own, so a blocking FrameIO never stalls a hart.
type Net struct {
	mac    [6]byte
	io     FrameIO
	m      *MMIO
	up     atomic.Bool
	rx, tx *pump
}

// NewNet returns a network device with address mac on backend.
func NewNet(mac [6]byte, backend FrameIO) *Net {
	n := &Net{mac: mac, io: backend}
	n.up.Store(true)
	return n
}

// DeviceID implements Backend.
func (*Net) DeviceID() uint32 { return IDNet }

// Features implements Backend.
func (*Net) Features() uint64 { return netFMAC | netFStatus }

// QueueSizes implements Backend: receiveq1, transmitq1.
func (*Net) QueueSizes() []uint16 { return []uint16{netQueueSize, netQueueSize} }

// Config implements Backend (§5.1.4): mac and status.
func (n *Net) Config() []byte {
	cfg := make([]byte, netConfigLen)
	copy(cfg, n.mac[:])
	if n.up.Load() {
		binary.LittleEndian.PutUint16(cfg[6:], netLinkUp)
	}
	return cfg
}

// Attach implements Backend and starts the frame goroutines.
func (n *Net) Attach(m *MMIO) {
	n.m = m
	n.rx, n.tx = newPump(m.Queue(netRx)), newPump(m.Queue(netTx))
	go n.receive()
	go n.transmit()
}

// Notify implements Backend: both queues are served by the goroutines.
func (n *Net) Notify(q *Queue) {
	switch q.Index() {
	case netRx:
		n.rx.wake()
	case netTx:
		n.tx.wake()
	}
}

// Close stops the goroutines and closes the FrameIO if it is an
// io.Closer (which is what unblocks its Recv).
func (n *Net) Close() error {
	if n.rx != nil {
		n.rx.close()
		n.tx.close()
	}
	if c, ok := n.io.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// transmit sends what the driver puts on the transmit queue (§5.1.6.2):
// each chain is a header, ignored as no offload was offered, and a frame.
// The chain goes back to the driver before the frame is sent.
func (n *Net) transmit() {
	for {
		var frame []byte
		if !n.tx.one(func(c *Chain) (uint32, error) {
			var err error
			frame, err = txFrame(c)
			return 0, err
		}) {
			return
		}
		if frame != nil {
			n.io.Send(frame) // a frame the host cannot take is lost
		}
	}
}

var errNetHeader = errors.New("virtio-net transmit buffer shorter than its header")

// txFrame copies the frame out of a transmit chain; nil drops it.
func txFrame(c *Chain) ([]byte, error) {
	if c.ReadLen() < NetHeaderLen {
		return nil, errNetHeader
	}
	if c.ReadLen()-NetHeaderLen > netMaxTx {
		return nil, nil
	}
	frame := make([]byte, c.ReadLen()-NetHeaderLen)
	if _, err := c.ReadAt(frame, NetHeaderLen); err != nil {
		return nil, err
	}
	return frame, nil
}

// receive delivers frames from the host into receive buffers (§5.1.6.3),
// waiting for buffers as long as it takes; when Recv fails the link goes
// down and the driver is told (§5.1.4: status, a configuration change).
func (n *Net) receive() {
	for {
		frame, err := n.io.Recv()
		if err != nil {
			n.linkDown()
			return
		}
		if len(frame) < ethHeader {
			continue
		}
		if !n.rx.one(func(c *Chain) (uint32, error) { return rxFrame(c, frame) }) {
			return
		}
	}
}

// linkDown reports the host side gone, unless Close is what ended it.
func (n *Net) linkDown() {
	select {
	case <-n.rx.done:
		return
	default:
	}
	n.up.Store(false)
	n.m.ConfigChanged()
}

// rxFrame writes the header (no offloads; num_buffers 1, §5.1.6.4) and
// frame into a receive chain. A chain too small for them is returned
// empty, which the driver counts as a length error.
func rxFrame(c *Chain, frame []byte) (uint32, error) {
	if c.WriteLen() < uint64(NetHeaderLen+len(frame)) {
		return 0, nil
	}
	p := make([]byte, NetHeaderLen+len(frame))
	binary.LittleEndian.PutUint16(p[netNumBufs:], 1)
	copy(p[NetHeaderLen:], frame)
	n, err := c.WriteAt(p, 0)
	return uint32(n), err
}
