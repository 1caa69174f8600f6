package virtio

import (
	"testing"
)

func TestRegisters(t *testing.T) {
	b, _ := newDisk(t, false)
	d := newDriver(t, b)
	for _, r := range []struct {
		name string
		off  uint64
		want uint32
	}{
		{"MagicValue", regMagic, 0x74726976},
		{"Version", regVersion, 2},
		{"DeviceID", regDeviceID, IDBlock},
		{"VendorID", regVendorID, 0x554d4551},
		{"Status", regStatus, 0},
		{"InterruptStatus", regInterruptStat, 0},
		{"QueueNumMax", regQueueNumMax, blkQueueSize},
		{"QueueReady", regQueueReady, 0},
		{"SHMLenLow", regSHMLenLow, 0xffffffff},
		{"SHMBaseHigh", regSHMBaseHigh, 0xffffffff},
		{"QueueNum (write-only)", regQueueNum, 0},
	} {
		if got := d.reg(r.off); got != r.want {
			t.Errorf("%s = %#x, want %#x", r.name, got, r.want)
		}
	}
	d.set(regDeviceFeatSel, 1)
	if got := d.reg(regDeviceFeatures); got != 1 {
		t.Errorf("features 63:32 = %#x, want VERSION_1 only", got)
	}
	d.set(regDeviceFeatSel, 0)
	want := uint32(FeatureIndirectDesc | FeatureEventIdx | blkFSegMax | blkFBlkSize | blkFFlush)
	if got := d.reg(regDeviceFeatures); got != want {
		t.Errorf("features 31:0 = %#x, want %#x", got, want)
	}
	d.set(regDeviceFeatSel, 2)
	if got := d.reg(regDeviceFeatures); got != 0 {
		t.Errorf("features 95:64 = %#x", got)
	}
	d.set(regQueueSel, 1)
	if got := d.reg(regQueueNumMax); got != 0 {
		t.Errorf("QueueNumMax of a missing queue = %d", got)
	}
	if got := d.m.Read(regMagic, 2); got != 0 {
		t.Errorf("16-bit read of a control register = %#x", got)
	}
}

func TestFeatureNegotiation(t *testing.T) {
	b, _ := newDisk(t, false)
	d := newDriver(t, b)
	try := func(f uint64) bool {
		d.set(regStatus, 0)
		d.set(regStatus, StatusAcknowledge|StatusDriver)
		d.set(regDriverFeatSel, 0)
		d.set(regDriverFeatures, uint32(f))
		d.set(regDriverFeatSel, 1)
		d.set(regDriverFeatures, uint32(f>>32))
		d.set(regStatus, StatusAcknowledge|StatusDriver|StatusFeaturesOK)
		return d.reg(regStatus)&StatusFeaturesOK != 0
	}
	if try(blkFFlush) {
		t.Error("FEATURES_OK without VIRTIO_F_VERSION_1")
	}
	if try(FeatureVersion1 | 1<<3) {
		t.Error("FEATURES_OK with a feature not offered")
	}
	if !try(FeatureVersion1 | blkFFlush) {
		t.Fatal("valid features refused")
	}
	d.set(regDriverFeatSel, 0)
	d.set(regDriverFeatures, FeatureIndirectDesc)
	d.m.mu.Lock()
	f := d.m.driverFeat
	d.m.mu.Unlock()
	if f != FeatureVersion1|blkFFlush {
		t.Errorf("features changed after FEATURES_OK: %#x", f)
	}
}

func TestInterruptAndAck(t *testing.T) {
	d, _ := blkDriver(t, false)
	if d.line.level.Load() {
		t.Fatal("line raised before any request")
	}
	blkDo(t, d, blkFlush, 0, buf{})
	if !d.line.level.Load() || d.reg(regInterruptStat) != InterruptUsed {
		t.Fatalf("after a used buffer: line %v, InterruptStatus %d", d.line.level.Load(), d.reg(regInterruptStat))
	}
	d.ack()
	if d.line.level.Load() || d.reg(regInterruptStat) != 0 {
		t.Fatal("InterruptACK did not lower the line")
	}
}

func TestNoInterruptFlag(t *testing.T) {
	d, _ := blkDriver(t, false)
	d.mem.put16(d.qs[0].avail, availNoInterrupt)
	blkDo(t, d, blkFlush, 0, buf{})
	if d.line.level.Load() {
		t.Fatal("interrupt despite VIRTQ_AVAIL_F_NO_INTERRUPT")
	}
	d.mem.put16(d.qs[0].avail, 0)
	blkDo(t, d, blkFlush, 0, buf{})
	if !d.line.level.Load() {
		t.Fatal("no interrupt with notifications enabled")
	}
}

func TestEventIdx(t *testing.T) {
	b, _ := newDisk(t, false)
	d := newDriver(t, b)
	d.start(FeatureVersion1|FeatureEventIdx, 0)
	q := d.qs[0]
	usedEvent := q.avail + 4 + 2*uint64(q.size)
	availEvent := q.used + 4 + 8*uint64(q.size)
	// used_event 0: notify when the used idx passes 0 (§2.7.7).
	blkDo(t, d, blkFlush, 0, buf{})
	if d.ack() != InterruptUsed {
		t.Fatal("no interrupt for the first buffer with used_event 0")
	}
	if got := d.mem.get16(availEvent); got != 1 {
		t.Errorf("avail_event %d after one chain, want 1", got)
	}
	// used_event 2: no interrupt when idx becomes 2, one when it becomes 3.
	d.mem.put16(usedEvent, 2)
	blkDo(t, d, blkFlush, 0, buf{})
	if d.line.level.Load() {
		t.Fatal("interrupt before used_event was reached")
	}
	blkDo(t, d, blkFlush, 0, buf{})
	if d.ack() != InterruptUsed {
		t.Fatal("no interrupt when used idx passed used_event")
	}
	if got := d.mem.get16(availEvent); got != 3 {
		t.Errorf("avail_event %d after three chains, want 3", got)
	}
}

func TestResetClearsQueues(t *testing.T) {
	d, _ := blkDriver(t, false)
	blkDo(t, d, blkFlush, 0, buf{})
	d.set(regQueueSel, 0)
	d.set(regStatus, 0)
	if d.reg(regStatus) != 0 || d.reg(regQueueReady) != 0 || d.reg(regInterruptStat) != 0 {
		t.Fatal("reset left status, QueueReady or InterruptStatus set")
	}
	if d.line.level.Load() {
		t.Fatal("reset left the line raised")
	}
	// A notify on the reset queue is ignored.
	d.set(regQueueNotify, 0)
	d.set(regQueueNotify, 7)
	// New rings: the indexes start again from 0.
	d.heap = heapBase
	d.start(FeatureVersion1, 0)
	if st, _ := blkDo(t, d, blkFlush, 0, buf{}); st != blkOK {
		t.Fatal("device unusable after reset")
	}
}

func TestQueueStop(t *testing.T) {
	d, _ := blkDriver(t, false)
	d.set(regQueueSel, 0)
	d.set(regQueueReady, 0)
	if d.reg(regQueueReady) != 0 {
		t.Fatal("QueueReady reads 1 after 0 was written")
	}
	q := d.qs[0]
	d.writeDescs(q.desc, 0, q.size, []buf{blkHeaderBuf(d, blkFlush, 0), d.data([]byte{0xff}, true)})
	d.publish(0, 0)
	d.noneUsed(0)
}

func TestBadQueueLayout(t *testing.T) {
	b, _ := newDisk(t, false)
	d := newDriver(t, b)
	d.set(regStatus, StatusAcknowledge|StatusDriver)
	d.set(regQueueSel, 0)
	d.set(regQueueNum, 100) // not a power of 2
	d.set(regQueueReady, 1)
	if d.reg(regQueueReady) != 0 || d.reg(regStatus)&StatusNeedsReset == 0 {
		t.Fatal("a bad queue size was accepted")
	}
}
