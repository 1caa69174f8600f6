package virtio

import "crypto/rand"

// rngMax bounds the bytes one request gets; the driver asks again for more.
const rngMax = 64 << 10

// RNG is a virtio entropy device (§5.4): one request queue whose
// device-writable buffers it fills from crypto/rand. It has no features
// and no configuration space.
type RNG struct{}

// NewRNG returns an entropy device.
func NewRNG() *RNG { return &RNG{} }

// DeviceID implements Backend.
func (*RNG) DeviceID() uint32 { return IDEntropy }

// Features implements Backend.
func (*RNG) Features() uint64 { return 0 }

// QueueSizes implements Backend: requestq.
func (*RNG) QueueSizes() []uint16 { return []uint16{64} }

// Config implements Backend.
func (*RNG) Config() []byte { return nil }

// Attach implements Backend.
func (*RNG) Attach(*MMIO) {}

// Notify implements Backend (§5.4.6: the device writes random bytes into
// the buffer and returns it with the count).
func (*RNG) Notify(q *Queue) { q.Serve(fillRandom) }

func fillRandom(c *Chain) (uint32, error) {
	p := make([]byte, min(c.WriteLen(), rngMax))
	rand.Read(p)
	n, err := c.WriteAt(p, 0)
	return uint32(n), err
}
