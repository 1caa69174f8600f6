// Package virtio holds gemu's virtio devices for the riscv64 "virt"
// machine: the virtio-mmio transport (Virtual I/O Device (VIRTIO) spec 1.2
// §4.2, version 2 "modern" registers only) with split virtqueues (§2.7), and
// the block (§5.2), entropy (§5.4), console (§5.3) and network (§5.1)
// device types behind it.
//
// A device is an MMIO (the register block the machine maps on its bus) in
// front of a Backend (the device type). Queue notifications run the backend
// on the notifying goroutine; backends fed by the host (console input,
// network frames) run goroutines of their own and block there, never on a
// hart. Guest memory is reached only through Memory.
//
// A machine puts slot i of the virt memory map together as
//
//	m := virtio.NewMMIO(mem, plic.IRQ(fdt.VirtioIRQ+i), virtio.NewRNG())
//	bus.AddDevice(fdt.VirtioRegion(i).Base, virtio.Size, m, name)
//
// and calls m.Close when it shuts down.
package virtio

import (
	"sync/atomic"

	"github.com/gemu-project/gemu/system/dev"
)

var (
	_ dev.Device = (*MMIO)(nil)
	_ Backend    = (*Block)(nil)
	_ Backend    = (*RNG)(nil)
	_ Backend    = (*Console)(nil)
	_ Backend    = (*Net)(nil)
	_ FrameIO    = (*Socket)(nil)
)

// Memory is guest physical memory as a device sees it (DMA). Write must be
// used for every store into guest RAM (the machine drops translated code
// there).
//
// The device relies on the order of its accesses: a Write must be visible
// to the harts before any later Write or Read of the same goroutine is
// performed, and Reads must not be satisfied out of order (a plain copy
// does this on amd64). An aligned 2-byte Read or Write must not tear (the
// ring indexes of §2.7.6 and §2.7.8).
type Memory interface {
	Read(pa uint64, p []byte) error // error: not RAM
	Write(pa uint64, p []byte) error
}

// Backend is a device type (§5) behind the transport.
type Backend interface {
	// DeviceID is the virtio device ID (§5).
	DeviceID() uint32
	// Features are the device-type feature bits offered; the transport adds
	// the reserved ones it implements (§6).
	Features() uint64
	// QueueSizes gives each virtqueue's maximum size, one per queue.
	QueueSizes() []uint16
	// Config returns the device configuration space (§2.5) as it is now,
	// little-endian; reads past its end return 0.
	Config() []byte
	// Attach is called once by NewMMIO, before any register access.
	Attach(m *MMIO)
	// Notify tells the backend that the driver made buffers available on q
	// (§2.7.13); it may also come spuriously. It runs on the notifying
	// goroutine (a hart), with no lock of the transport held.
	Notify(q *Queue)
}

// Device IDs (§5).
const (
	IDNet     = 1
	IDBlock   = 2
	IDConsole = 3
	IDEntropy = 4
)

// Reserved feature bits (§6).
const (
	FeatureIndirectDesc = 1 << 28 // VIRTIO_F_INDIRECT_DESC (§2.7.5.3)
	FeatureEventIdx     = 1 << 29 // VIRTIO_F_EVENT_IDX (§2.7.7, §2.7.10)
	FeatureVersion1     = 1 << 32 // VIRTIO_F_VERSION_1
)

// Device status bits (§2.1).
const (
	StatusAcknowledge  = 1
	StatusDriver       = 2
	StatusDriverOK     = 4
	StatusFeaturesOK   = 8
	StatusNeedsReset   = 64
	StatusFailed       = 128
	statusWritableMask = 0xff &^ StatusNeedsReset
)

// InterruptStatus bits (§4.2.2).
const (
	InterruptUsed   = 1 // used buffer notification
	InterruptConfig = 2 // configuration change notification
)

// fenceWord is the target of fence's read-modify-write.
var fenceWord atomic.Uint32

// fence orders this goroutine's earlier guest memory stores before its
// later loads, as the device side of notification suppression needs
// (§2.7.7, §2.7.10: publish the used index, then read what the driver
// asked for). A locked read-modify-write is a full barrier on amd64.
func fence() { fenceWord.Add(1) }
