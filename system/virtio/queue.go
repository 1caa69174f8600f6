package virtio

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Split virtqueue layout (§2.7): the available ring is flags, idx,
// ring[size], used_event; the used ring is flags, idx, ring[size] of
// {id, len}, avail_event.
const (
	ringHeader    = 4 // flags and idx of either ring
	availElemSize = 2
	usedElemSize  = 8

	availNoInterrupt = 1 // VIRTQ_AVAIL_F_NO_INTERRUPT (§2.7.7)
)

// Queue is one split virtqueue of an MMIO device, as its backend uses it.
// Its fields are guarded by the device's lock.
type Queue struct {
	m     *MMIO
	index int
	max   uint16

	size              uint16
	ready             bool
	desc, avail, used uint64
	lastAvail         uint16 // the next available ring entry to take
	usedIdx           uint16 // the used ring's idx as last written
	signalled         uint16 // usedIdx at the last interrupt decision
	signalledOK       bool
	epoch             uint64 // counts resets and stops of the queue
}

// Index returns the queue's number.
func (q *Queue) Index() int { return q.index }

// clear puts the queue in its reset state (§4.2.2: not ready); m.mu is
// held.
func (q *Queue) clear() {
	q.stop()
	q.size, q.desc, q.avail, q.used = q.max, 0, 0, 0
}

// stop makes the queue not ready; chains taken from it before are then
// dropped rather than returned to the driver. m.mu is held.
func (q *Queue) stop() {
	q.ready = false
	q.epoch++
}

// setReg writes QueueNum or an area address (§4.2.2); m.mu is held and the
// queue is not ready.
func (q *Queue) setReg(off uint64, v uint32) {
	lo := func(a *uint64) { *a = *a&^math.MaxUint32 | uint64(v) }
	hi := func(a *uint64) { *a = *a&math.MaxUint32 | uint64(v)<<32 }
	switch off {
	case regQueueNum:
		q.size = uint16(min(v, math.MaxUint16))
	case regQueueDescLow:
		lo(&q.desc)
	case regQueueDescHigh:
		hi(&q.desc)
	case regQueueAvailLow:
		lo(&q.avail)
	case regQueueAvailHigh:
		hi(&q.avail)
	case regQueueUsedLow:
		lo(&q.used)
	case regQueueUsedHigh:
		hi(&q.used)
	}
}

// enable checks the queue's size and alignment (§2.7, §2.7.1) and makes it
// ready with fresh ring indexes; m.mu is held.
func (q *Queue) enable() error {
	switch {
	case q.size == 0 || q.size > q.max || q.size&(q.size-1) != 0:
		return fmt.Errorf("queue %d: size %d (max %d, a power of 2)", q.index, q.size, q.max)
	case q.desc%16 != 0 || q.avail%2 != 0 || q.used%4 != 0:
		return fmt.Errorf("queue %d: misaligned areas %#x %#x %#x", q.index, q.desc, q.avail, q.used)
	}
	q.ready = true
	q.lastAvail, q.usedIdx, q.signalledOK = 0, 0, false
	return nil
}

// Serve hands every chain the driver has made available to fn, in ring
// order, and returns each to the driver (§2.7.8) with fn's count of bytes
// written into it; then it sends a used buffer notification unless the
// driver suppressed it (§2.7.7). An error from fn (a malformed request, a
// buffer outside RAM) puts the device in DEVICE_NEEDS_RESET. fn must not
// call Serve or ServeOne.
func (q *Queue) Serve(fn func(c *Chain) (written uint32, err error)) {
	q.serve(math.MaxInt, fn)
}

// ServeOne is Serve for at most one chain; it reports whether there was
// one. When there was none, the device has asked to be notified of the
// next one (§2.7.10), so a backend may wait for its Notify.
func (q *Queue) ServeOne(fn func(c *Chain) (written uint32, err error)) bool {
	return q.serve(1, fn) == 1
}

func (q *Queue) serve(limit int, fn func(c *Chain) (uint32, error)) int {
	var signal bool
	n := q.serveLocked(limit, fn, &signal)
	if signal {
		q.m.signal() // with no lock held, dma included
	}
	return n
}

// serveLocked is serve inside a DMA section; *signal notes whether the
// interrupt line must be driven afterwards.
func (q *Queue) serveLocked(limit int, fn func(c *Chain) (uint32, error), signal *bool) int {
	q.m.dma.RLock()
	defer q.m.dma.RUnlock()
	n := 0
	var epoch uint64
	for n < limit {
		c := q.pop(signal)
		if c == nil {
			break
		}
		epoch = c.epoch
		written, err := fn(c)
		if !q.push(c, written, err, signal) {
			break
		}
		n++
	}
	if n > 0 {
		q.interrupt(epoch, signal)
	}
	return n
}

// usable reports whether the device may touch the queue (§4.2.2: not when
// QueueReady is 0; §3.1.1: not before DRIVER_OK); m.mu is held.
func (q *Queue) usable() bool {
	return q.ready && q.m.status&StatusDriverOK != 0 && !q.m.broken
}

// pop takes the next available chain, or returns nil.
func (q *Queue) pop(signal *bool) *Chain {
	q.m.mu.Lock()
	defer q.m.release(signal)
	if !q.usable() {
		return nil
	}
	c, err := q.popLocked()
	if err != nil {
		q.m.fail(err)
		return nil
	}
	return c
}

func (q *Queue) popLocked() (*Chain, error) {
	idx, err := q.m.read16(q.avail + 2)
	if err == nil && idx == q.lastAvail && q.m.negotiated(FeatureEventIdx) {
		// §2.7.10: ask for a notification when the driver makes the next
		// chain available, then look again for one it made meanwhile.
		err = q.m.write16(q.availEvent(), q.lastAvail)
		fence()
		if err == nil {
			idx, err = q.m.read16(q.avail + 2)
		}
	}
	if err != nil || idx == q.lastAvail {
		return nil, err
	}
	if uint16(idx-q.lastAvail) > q.size {
		return nil, fmt.Errorf("queue %d: available idx moved from %d to %d", q.index, q.lastAvail, idx)
	}
	slot := q.avail + ringHeader + availElemSize*uint64(q.lastAvail%q.size)
	head, err := q.m.read16(slot)
	if err != nil {
		return nil, err
	}
	q.lastAvail++
	return q.walk(head)
}

// push returns c to the driver through the used ring (§2.7.8: the element
// before the idx that publishes it), or, when fn failed, marks the device
// broken. It reports whether the queue is still in service.
func (q *Queue) push(c *Chain, written uint32, ferr error, signal *bool) bool {
	q.m.mu.Lock()
	defer q.m.release(signal)
	if c.epoch != q.epoch || !q.usable() {
		return false
	}
	err := ferr
	if err == nil {
		err = q.putUsed(c.head, written)
	}
	if err != nil {
		q.m.fail(fmt.Errorf("queue %d: %w", q.index, err))
		return false
	}
	return true
}

func (q *Queue) putUsed(head uint16, written uint32) error {
	var e [usedElemSize]byte
	binary.LittleEndian.PutUint32(e[0:], uint32(head))
	binary.LittleEndian.PutUint32(e[4:], written)
	slot := q.used + ringHeader + usedElemSize*uint64(q.usedIdx%q.size)
	if err := q.m.mem.Write(slot, e[:]); err != nil {
		return memErr("ring", slot, err)
	}
	q.usedIdx++
	return q.m.write16(q.used+2, q.usedIdx)
}

// interrupt sends a used buffer notification for the chains pushed since
// the last one, unless the driver suppressed it (§2.7.7).
func (q *Queue) interrupt(epoch uint64, signal *bool) {
	q.m.mu.Lock()
	defer q.m.release(signal)
	if epoch != q.epoch || !q.usable() {
		return
	}
	need, err := q.wantsInterrupt()
	if err != nil {
		q.m.fail(err)
		return
	}
	if need {
		q.m.isr |= InterruptUsed
	}
}

// wantsInterrupt reads the driver's suppression after the used idx store
// is visible (§2.7.7): used_event with VIRTIO_F_EVENT_IDX, the
// NO_INTERRUPT flag without; m.mu is held.
func (q *Queue) wantsInterrupt() (bool, error) {
	fence()
	if !q.m.negotiated(FeatureEventIdx) {
		flags, err := q.m.read16(q.avail)
		return flags&availNoInterrupt == 0, err
	}
	event, err := q.m.read16(q.usedEvent())
	old, valid := q.signalled, q.signalledOK
	q.signalled, q.signalledOK = q.usedIdx, true
	// vring_need_event: did idx pass event+1 since the last decision?
	return !valid || q.usedIdx-event-1 < q.usedIdx-old, err
}

// usedEvent is where the driver's used_event lives: after the available
// ring (§2.7.6).
func (q *Queue) usedEvent() uint64 {
	return q.avail + ringHeader + availElemSize*uint64(q.size)
}

// availEvent is where the device's avail_event lives: after the used ring
// (§2.7.8).
func (q *Queue) availEvent() uint64 {
	return q.used + ringHeader + usedElemSize*uint64(q.size)
}

// memErr wraps a Memory error with what was accessed where.
func memErr(what string, pa uint64, err error) error {
	return fmt.Errorf("%s at %#x: %w", what, pa, err)
}

func (m *MMIO) read16(pa uint64) (uint16, error) {
	var b [2]byte
	if err := m.mem.Read(pa, b[:]); err != nil {
		return 0, memErr("ring", pa, err)
	}
	return binary.LittleEndian.Uint16(b[:]), nil
}

func (m *MMIO) write16(pa uint64, v uint16) error {
	var b [2]byte
	binary.LittleEndian.PutUint16(b[:], v)
	if err := m.mem.Write(pa, b[:]); err != nil {
		return memErr("ring", pa, err)
	}
	return nil
}
