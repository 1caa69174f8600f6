package virtio

import (
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	ramBase = 0x80000000
	ramSize = 1 << 20
	// heapBase is where the test driver's buffers start; rings are below.
	heapBase = ramBase + 0x40000
)

var errNotRAM = errors.New("not RAM")

// fakeMem is guest RAM over a []byte, locked so the race detector sees the
// device goroutines and the test's driver agree.
type fakeMem struct {
	mu sync.Mutex
	b  []byte
}

func newFakeMem() *fakeMem { return &fakeMem{b: make([]byte, ramSize)} }

// at runs fn on the n bytes of RAM at pa, or fails if they are not RAM.
func (f *fakeMem) at(pa uint64, n int, fn func(ram []byte)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if pa < ramBase || pa-ramBase > ramSize || uint64(n) > ramSize-(pa-ramBase) {
		return errNotRAM
	}
	fn(f.b[pa-ramBase:][:n])
	return nil
}

func (f *fakeMem) Read(pa uint64, p []byte) error {
	return f.at(pa, len(p), func(ram []byte) { copy(p, ram) })
}

func (f *fakeMem) Write(pa uint64, p []byte) error {
	return f.at(pa, len(p), func(ram []byte) { copy(ram, p) })
}

func (f *fakeMem) bytes(pa uint64, n int) []byte {
	p := make([]byte, n)
	if err := f.Read(pa, p); err != nil {
		panic(err)
	}
	return p
}

func (f *fakeMem) put(pa uint64, p []byte) {
	if err := f.Write(pa, p); err != nil {
		panic(err)
	}
}

func (f *fakeMem) get16(pa uint64) uint16 { return binary.LittleEndian.Uint16(f.bytes(pa, 2)) }

func (f *fakeMem) put16(pa uint64, v uint16) {
	f.put(pa, binary.LittleEndian.AppendUint16(nil, v))
}

// fakeLine records an interrupt line.
type fakeLine struct {
	level  atomic.Bool
	raises atomic.Int32
}

func (l *fakeLine) irq(level bool) {
	if level && !l.level.Load() {
		l.raises.Add(1)
	}
	l.level.Store(level)
}

// buf is one descriptor of a chain the test driver posts.
type buf struct {
	addr  uint64
	len   uint32
	write bool
}

// drvQueue is the test driver's side of a split virtqueue.
type drvQueue struct {
	size              uint16
	desc, avail, used uint64
	nextDesc          uint16
	availIdx, seen    uint16
}

// driver drives an MMIO device through its registers as Linux's
// virtio_mmio and virtio_ring would.
type driver struct {
	t    *testing.T
	mem  *fakeMem
	line *fakeLine
	m    *MMIO
	qs   []*drvQueue
	heap uint64
}

func newDriver(t *testing.T, b Backend) *driver {
	d := &driver{t: t, mem: newFakeMem(), line: &fakeLine{}, heap: heapBase}
	d.m = NewMMIO(d.mem, d.line.irq, b)
	d.m.SetLogf(t.Logf)
	t.Cleanup(func() { d.m.Close() })
	return d
}

func (d *driver) reg(off uint64) uint32 { return uint32(d.m.Read(off, 4)) }

func (d *driver) set(off uint64, v uint32) { d.m.Write(off, 4, uint64(v)) }

// start initialises the device (§3.1.1) accepting features and sets up
// every queue at size entries (0: QueueNumMax).
func (d *driver) start(features uint64, size uint16) {
	d.t.Helper()
	d.set(regStatus, 0)
	d.set(regStatus, StatusAcknowledge)
	d.set(regStatus, StatusAcknowledge|StatusDriver)
	d.set(regDriverFeatSel, 0)
	d.set(regDriverFeatures, uint32(features))
	d.set(regDriverFeatSel, 1)
	d.set(regDriverFeatures, uint32(features>>32))
	st := uint32(StatusAcknowledge | StatusDriver | StatusFeaturesOK)
	d.set(regStatus, st)
	if d.reg(regStatus)&StatusFeaturesOK == 0 {
		d.t.Fatalf("features %#x refused", features)
	}
	d.qs = nil
	for i := range d.m.queues {
		d.setupQueue(i, size)
	}
	d.set(regStatus, st|StatusDriverOK)
}

// setupQueue lays queue i out in its own 64 KiB of RAM below the heap.
func (d *driver) setupQueue(i int, size uint16) {
	d.set(regQueueSel, uint32(i))
	if d.reg(regQueueReady) != 0 {
		d.t.Fatalf("queue %d already ready", i)
	}
	if size == 0 {
		size = uint16(d.reg(regQueueNumMax))
	}
	base := uint64(ramBase + i*0x10000)
	d.mem.put(base, make([]byte, 0x10000))
	q := &drvQueue{size: size, desc: base, avail: base + 0x8000, used: base + 0xc000}
	d.set(regQueueNum, uint32(size))
	for _, r := range [][2]uint64{{regQueueDescLow, q.desc}, {regQueueAvailLow, q.avail}, {regQueueUsedLow, q.used}} {
		d.set(r[0], uint32(r[1]))
		d.set(r[0]+4, uint32(r[1]>>32))
	}
	d.set(regQueueReady, 1)
	d.qs = append(d.qs, q)
}

// alloc returns n bytes of zeroed RAM from the heap, 16-byte aligned.
func (d *driver) alloc(n int) uint64 {
	a := d.heap
	d.heap += uint64(n+15) &^ 15
	if d.heap > ramBase+ramSize {
		d.t.Fatal("test heap exhausted")
	}
	d.mem.put(a, make([]byte, n))
	return a
}

// data allocates a buffer holding p.
func (d *driver) data(p []byte, write bool) buf {
	a := d.alloc(len(p))
	d.mem.put(a, p)
	return buf{a, uint32(len(p)), write}
}

// writeDescs writes bufs as a chain at consecutive indexes of the
// n-entry table at table, starting at first and wrapping.
func (d *driver) writeDescs(table uint64, first, n uint16, bufs []buf) {
	for k, b := range bufs {
		i := (first + uint16(k)) % n
		var flags, next uint16
		if b.write {
			flags |= descWrite
		}
		if k < len(bufs)-1 {
			flags, next = flags|descNext, (i+1)%n
		}
		d.putDesc(table, i, b.addr, b.len, flags, next)
	}
}

// post makes bufs available on queue qi as one chain and notifies.
func (d *driver) post(qi int, bufs ...buf) uint16 {
	q := d.qs[qi]
	head := q.nextDesc
	d.writeDescs(q.desc, head, q.size, bufs)
	q.nextDesc = (head + uint16(len(bufs))) % q.size
	d.publish(qi, head)
	return head
}

// postIndirect makes bufs available through one indirect descriptor.
func (d *driver) postIndirect(qi int, bufs ...buf) uint16 {
	table := d.alloc(len(bufs) * descSize)
	d.writeDescs(table, 0, uint16(len(bufs)), bufs)
	q := d.qs[qi]
	head := q.nextDesc
	d.putDesc(q.desc, head, table, uint32(len(bufs)*descSize), descIndirect, 0)
	q.nextDesc = (head + 1) % q.size
	d.publish(qi, head)
	return head
}

// putDesc writes descriptor i of the table at table.
func (d *driver) putDesc(table uint64, i uint16, addr uint64, n uint32, flags, next uint16) {
	var e [descSize]byte
	binary.LittleEndian.PutUint64(e[0:], addr)
	binary.LittleEndian.PutUint32(e[8:], n)
	binary.LittleEndian.PutUint16(e[12:], flags)
	binary.LittleEndian.PutUint16(e[14:], next)
	d.mem.put(table+uint64(i)*descSize, e[:])
}

// publish puts head in the available ring, bumps idx, and notifies.
func (d *driver) publish(qi int, head uint16) {
	q := d.qs[qi]
	d.mem.put16(q.avail+4+2*uint64(q.availIdx%q.size), head)
	q.availIdx++
	d.mem.put16(q.avail+2, q.availIdx)
	d.set(regQueueNotify, uint32(qi))
}

// waitUsed waits for the next used element of queue qi.
func (d *driver) waitUsed(qi int) (id, n uint32) {
	d.t.Helper()
	q := d.qs[qi]
	for end := time.Now().Add(5 * time.Second); d.mem.get16(q.used+2) == q.seen; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			d.t.Fatalf("queue %d: no used buffer", qi)
		}
	}
	e := d.mem.bytes(q.used+4+8*uint64(q.seen%q.size), 8)
	q.seen++
	return binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])
}

// noneUsed checks that queue qi returned nothing more.
func (d *driver) noneUsed(qi int) {
	d.t.Helper()
	if got := d.mem.get16(d.qs[qi].used + 2); got != d.qs[qi].seen {
		d.t.Fatalf("queue %d: used idx %d, want %d", qi, got, d.qs[qi].seen)
	}
}

// ack reads InterruptStatus and acknowledges it, as vm_interrupt does.
func (d *driver) ack() uint32 {
	isr := d.reg(regInterruptStat)
	d.set(regInterruptACK, isr)
	return isr
}

// eventually fails the test unless cond turns true within five seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
