package virtio

import (
	"io"
	"sync"
)

// virtio-console (§5.3) without VIRTIO_CONSOLE_F_MULTIPORT: port 0 only.
const (
	consoleRx        = 0 // receiveq(port0)
	consoleTx        = 1 // transmitq(port0)
	consoleQueueSize = 128
	consoleConfigLen = 12 // cols, rows, max_nr_ports, emerg_wr
	consoleChunk     = 4096
)

// Console is a virtio console (§5.3) with a single port and no features:
// what the driver transmits goes to out on the notifying hart (as the
// UART's output does); what in yields is delivered into receive buffers by
// a goroutine of its own.
type Console struct {
	out   io.Writer
	in    io.Reader
	outMu sync.Mutex
	rx    *pump
}

// NewConsole returns a console writing to out (nil: discarded) and reading
// from in (nil: no input).
func NewConsole(out io.Writer, in io.Reader) *Console {
	return &Console{out: out, in: in}
}

// DeviceID implements Backend.
func (*Console) DeviceID() uint32 { return IDConsole }

// Features implements Backend.
func (*Console) Features() uint64 { return 0 }

// QueueSizes implements Backend: receiveq0 and transmitq0.
func (*Console) QueueSizes() []uint16 { return []uint16{consoleQueueSize, consoleQueueSize} }

// Config implements Backend: no feature enables a field (§5.3.4).
func (*Console) Config() []byte { return make([]byte, consoleConfigLen) }

// Attach implements Backend and starts the input goroutine.
func (c *Console) Attach(m *MMIO) {
	c.rx = newPump(m.Queue(consoleRx))
	if c.in != nil {
		go c.input()
	}
}

// Notify implements Backend.
func (c *Console) Notify(q *Queue) {
	switch q.Index() {
	case consoleRx:
		c.rx.wake()
	case consoleTx:
		q.Serve(c.transmit)
	}
}

// Close stops delivering input. The input goroutine leaves once a pending
// Read of in returns; in is not closed.
func (c *Console) Close() error {
	if c.rx != nil {
		c.rx.close()
	}
	return nil
}

// transmit writes a transmit buffer to out (§5.3.6.1: output goes in
// device-readable buffers; nothing is written back).
func (c *Console) transmit(ch *Chain) (uint32, error) {
	buf := make([]byte, min(ch.ReadLen(), consoleChunk))
	c.outMu.Lock()
	defer c.outMu.Unlock()
	for off := uint64(0); off < ch.ReadLen(); {
		n, err := ch.ReadAt(buf[:min(ch.ReadLen()-off, consoleChunk)], off)
		if err != nil {
			return 0, err
		}
		if c.out != nil {
			c.out.Write(buf[:n])
		}
		off += uint64(n)
	}
	return 0, nil
}

// input reads the host side and hands the bytes to the driver's receive
// buffers (§5.3.6.1), filling each as far as it goes.
func (c *Console) input() {
	buf := make([]byte, consoleChunk)
	for {
		n, err := c.in.Read(buf)
		for p := buf[:n]; len(p) > 0; {
			if !c.rx.one(func(ch *Chain) (uint32, error) {
				k, err := ch.WriteAt(p[:min(uint64(len(p)), ch.WriteLen())], 0)
				p = p[k:]
				return uint32(k), err
			}) {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
