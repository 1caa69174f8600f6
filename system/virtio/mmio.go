package virtio

import (
	"sync"
	"sync/atomic"

	"github.com/gemu-project/gemu/system/dev"
)

// The virtio-mmio registers (§4.2.2), as offsets in the region.
const (
	regMagic          = 0x000
	regVersion        = 0x004
	regDeviceID       = 0x008
	regVendorID       = 0x00c
	regDeviceFeatures = 0x010
	regDeviceFeatSel  = 0x014
	regDriverFeatures = 0x020
	regDriverFeatSel  = 0x024
	regQueueSel       = 0x030
	regQueueNumMax    = 0x034
	regQueueNum       = 0x038
	regQueueReady     = 0x044
	regQueueNotify    = 0x050
	regInterruptStat  = 0x060
	regInterruptACK   = 0x064
	regStatus         = 0x070
	regQueueDescLow   = 0x080
	regQueueDescHigh  = 0x084
	regQueueAvailLow  = 0x090 // QueueDriverLow
	regQueueAvailHigh = 0x094 // QueueDriverHigh
	regQueueUsedLow   = 0x0a0 // QueueDeviceLow
	regQueueUsedHigh  = 0x0a4 // QueueDeviceHigh
	regSHMLenLow      = 0x0b0
	regSHMBaseHigh    = 0x0bc
	regConfigGen      = 0x0fc
	regConfig         = 0x100

	// Size is the register block's size in the virt machine's slots.
	Size = 0x1000

	mmioMagic   = 0x74726976 // "virt"
	mmioVersion = 2
	// VendorID is QEMU's, as the virt machine's devices report it.
	VendorID = 0x554d4551
)

// MMIO is a virtio-mmio device (§4.2): the transport registers, the
// virtqueues, and a Backend. It implements dev.Device.
type MMIO struct {
	mem    Memory
	irq    dev.IRQLine
	d      Backend
	offer  uint64
	queues []*Queue
	logf   func(format string, args ...any)

	// dma is held for reading while a device works on chains it popped
	// (Queue.Serve); a reset or a queue being stopped takes it for writing
	// to wait such work out before the register write returns.
	dma sync.RWMutex
	// level is the interrupt line's level as last decided under mu.
	level atomic.Bool

	mu         sync.Mutex
	status     uint32
	broken     bool // DEVICE_NEEDS_RESET (§2.1.2)
	devSel     uint32
	drvSel     uint32
	driverFeat uint64
	queueSel   uint32
	isr        uint32
	configGen  uint32
}

// NewMMIO returns the transport for d, doing DMA into mem and raising irq
// (level-triggered; nil for none).
func NewMMIO(mem Memory, irq dev.IRQLine, d Backend) *MMIO {
	m := &MMIO{mem: mem, irq: irq, d: d, logf: func(string, ...any) {}}
	m.offer = d.Features() | FeatureVersion1 | FeatureIndirectDesc | FeatureEventIdx
	for i, max := range d.QueueSizes() {
		q := &Queue{m: m, index: i, max: max}
		q.clear()
		m.queues = append(m.queues, q)
	}
	d.Attach(m)
	return m
}

// SetLogf makes the device report driver errors (those that set
// DEVICE_NEEDS_RESET) through f. Call it before the device is used.
func (m *MMIO) SetLogf(f func(format string, args ...any)) { m.logf = f }

// Backend returns the device type behind the transport.
func (m *MMIO) Backend() Backend { return m.d }

// Queue returns virtqueue i.
func (m *MMIO) Queue(i int) *Queue { return m.queues[i] }

// Close stops the backend's goroutines and releases its host resources, if
// it has any (it implements io.Closer).
func (m *MMIO) Close() error {
	if c, ok := m.d.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}

// Read implements dev.Device. The control registers take aligned 32-bit
// accesses only (§4.2.2 driver requirements); anything else reads 0.
func (m *MMIO) Read(off uint64, size int) uint64 {
	if off >= regConfig {
		return m.readConfig(off-regConfig, size)
	}
	if size != 4 || off%4 != 0 {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return uint64(m.readReg(off))
}

// readReg reads a control register; m.mu is held.
func (m *MMIO) readReg(off uint64) uint32 {
	switch off {
	case regMagic:
		return mmioMagic
	case regVersion:
		return mmioVersion
	case regDeviceID:
		return m.d.DeviceID()
	case regVendorID:
		return VendorID
	case regDeviceFeatures:
		if m.devSel < 2 {
			return uint32(m.offer >> (32 * m.devSel))
		}
	case regQueueNumMax:
		if q := m.selected(); q != nil {
			return uint32(q.max)
		}
	case regQueueReady:
		if q := m.selected(); q != nil && q.ready {
			return 1
		}
	case regInterruptStat:
		return m.isr
	case regStatus:
		if m.broken {
			return m.status | StatusNeedsReset
		}
		return m.status
	case regConfigGen:
		return m.configGen
	}
	if off >= regSHMLenLow && off <= regSHMBaseHigh {
		return ^uint32(0) // no shared memory regions: length and base -1
	}
	return 0
}

// readConfig reads the device configuration space, little-endian.
func (m *MMIO) readConfig(off uint64, size int) uint64 {
	cfg := m.d.Config()
	var v uint64
	for i := uint64(size); i > 0; i-- {
		v <<= 8
		if off+i-1 < uint64(len(cfg)) {
			v |= uint64(cfg[off+i-1])
		}
	}
	return v
}

// Write implements dev.Device. Nothing in the configuration spaces of the
// devices here is writable, so writes there are ignored.
func (m *MMIO) Write(off uint64, size int, v uint64) {
	if off >= regConfig || size != 4 || off%4 != 0 {
		return
	}
	val := uint32(v)
	switch off {
	case regQueueNotify:
		m.notify(val)
	case regStatus:
		m.setStatus(val)
	case regQueueReady:
		m.setReady(val)
	default:
		m.mu.Lock()
		m.writeReg(off, val)
		m.unlock()
	}
}

// writeReg writes a control register without side effects beyond the
// device's own state; m.mu is held.
func (m *MMIO) writeReg(off uint64, v uint32) {
	switch off {
	case regDeviceFeatSel:
		m.devSel = v
	case regDriverFeatSel:
		m.drvSel = v
	case regDriverFeatures:
		// §3.1.1: features are fixed once FEATURES_OK is set.
		if m.drvSel < 2 && m.status&StatusFeaturesOK == 0 {
			shift := 32 * m.drvSel
			m.driverFeat = m.driverFeat&^(0xffffffff<<shift) | uint64(v)<<shift
		}
	case regQueueSel:
		m.queueSel = v
	case regInterruptACK:
		m.isr &^= v
	default:
		if q := m.selected(); q != nil && !q.ready {
			q.setReg(off, v)
		}
	}
}

// selected returns the queue QueueSel names, or nil; m.mu is held.
func (m *MMIO) selected() *Queue {
	if m.queueSel < uint32(len(m.queues)) {
		return m.queues[m.queueSel]
	}
	return nil
}

// notify handles a QueueNotify write: without VIRTIO_F_NOTIFICATION_DATA
// the value is the queue index (§4.2.2).
func (m *MMIO) notify(v uint32) {
	if v < uint32(len(m.queues)) {
		m.d.Notify(m.queues[v])
	}
}

// setStatus handles a Status write (§2.1, §3.1.1): 0 resets the device;
// FEATURES_OK only sticks if the driver's features are acceptable; the
// first DRIVER_OK lets the backend see the buffers made available so far.
func (m *MMIO) setStatus(v uint32) {
	if v == 0 {
		m.reset()
		return
	}
	m.mu.Lock()
	old := m.status
	if v&StatusFeaturesOK != 0 && old&StatusFeaturesOK == 0 && !m.featuresOK() {
		v &^= StatusFeaturesOK
	}
	m.status = v & statusWritableMask
	start := v&StatusDriverOK != 0 && old&StatusDriverOK == 0
	m.unlock()
	if start {
		for _, q := range m.queues {
			m.d.Notify(q)
		}
	}
}

// featuresOK reports whether the driver accepted only offered features,
// VIRTIO_F_VERSION_1 among them: this transport has no legacy interface
// (§2.2.1, §4.2.4); m.mu is held.
func (m *MMIO) featuresOK() bool {
	return m.driverFeat&^m.offer == 0 && m.driverFeat&FeatureVersion1 != 0
}

// negotiated reports whether feature bit f was accepted; m.mu is held.
func (m *MMIO) negotiated(f uint64) bool {
	return m.status&StatusFeaturesOK != 0 && m.driverFeat&f != 0
}

// reset is the device reset (§2.4, §4.2.2 device requirements): status,
// features, interrupt status and every queue cleared. It returns once no
// device work on the old queues is still under way.
func (m *MMIO) reset() {
	m.mu.Lock()
	m.status, m.broken = 0, false
	m.devSel, m.drvSel, m.driverFeat, m.queueSel = 0, 0, 0, 0
	m.isr = 0
	for _, q := range m.queues {
		q.clear()
	}
	m.unlock()
	m.quiesce()
}

// setReady handles a QueueReady write (§4.2.3.2): 1 checks the queue's
// layout and enables it; 0 stops it, returning once the device no longer
// uses it, so the driver's read-back synchronises.
func (m *MMIO) setReady(v uint32) {
	m.mu.Lock()
	q := m.selected()
	stopped := false
	switch {
	case q == nil:
	case v == 1 && !q.ready:
		if err := q.enable(); err != nil {
			m.fail(err)
		}
	case v == 0 && q.ready:
		q.stop()
		stopped = true
	}
	m.unlock()
	if stopped {
		m.quiesce()
	}
}

// quiesce waits until no goroutine is working on popped chains.
func (m *MMIO) quiesce() {
	m.dma.Lock()
	m.dma.Unlock() // taking the lock was the wait
}

// fail marks the device broken after a driver error (§2.1.2: it sets
// DEVICE_NEEDS_RESET and, once DRIVER_OK, sends a configuration change
// notification); it stops using its queues until reset. m.mu is held.
func (m *MMIO) fail(err error) {
	if m.broken {
		return
	}
	m.broken = true
	m.logf("virtio-mmio (device %d): %v: device needs reset", m.d.DeviceID(), err)
	if m.status&StatusDriverOK != 0 {
		m.isr |= InterruptConfig
	}
}

// ConfigChanged tells the driver that the backend's configuration space
// changed (§2.5.1, §4.2.2 InterruptStatus bit 1).
func (m *MMIO) ConfigChanged() {
	m.mu.Lock()
	m.configGen++
	if m.status&StatusDriverOK != 0 {
		m.isr |= InterruptConfig
	}
	m.unlock()
}

// unlock releases m.mu and brings the interrupt line to the level decided
// under it.
func (m *MMIO) unlock() {
	var signal bool
	m.release(&signal)
	if signal {
		m.signal()
	}
}

// release releases m.mu after deciding the line's level: asserted while
// InterruptStatus has a bit set (§4.2.2). It sets *signal when the level
// changed; the caller must then call signal once it holds no lock.
func (m *MMIO) release(signal *bool) {
	want := m.isr != 0
	if m.level.Swap(want) != want {
		*signal = true
	}
	m.mu.Unlock()
}

// signal drives the line to the level last decided. Every goroutine that
// changed the level calls it, and it reads the level again after each
// call, so the last call made carries the newest level.
func (m *MMIO) signal() {
	if m.irq == nil {
		return
	}
	for want := m.level.Load(); ; {
		m.irq(want)
		now := m.level.Load()
		if now == want {
			return
		}
		want = now
	}
}
