package virtio

import (
	"sync/atomic"
	"testing"
)

// outside is a guest physical address that is not RAM.
const outside = 0x1000

// badChains are driver errors that must put a block device in
// DEVICE_NEEDS_RESET (§2.1.2) instead of crashing it.
var badChains = []struct {
	name string
	post func(d *driver)
}{
	{"data buffer outside RAM", func(d *driver) {
		d.post(0, blkHeaderBuf(d, blkIn, 0), buf{outside, 512, true}, d.data([]byte{0xff}, true))
	}},
	{"header outside RAM", func(d *driver) {
		d.post(0, buf{outside, blkHeader, false}, d.data([]byte{0xff}, true))
	}},
	{"header too short", func(d *driver) {
		d.post(0, d.data(make([]byte, 8), false), d.data([]byte{0xff}, true))
	}},
	{"no status byte", func(d *driver) {
		d.post(0, blkHeaderBuf(d, blkFlush, 0))
	}},
	{"descriptor loop", func(d *driver) {
		h := blkHeaderBuf(d, blkFlush, 0)
		d.putDesc(d.qs[0].desc, 0, h.addr, h.len, descNext, 1)
		d.putDesc(d.qs[0].desc, 1, h.addr, h.len, descNext, 0)
		d.publish(0, 0)
	}},
	{"next outside the table", func(d *driver) {
		h := blkHeaderBuf(d, blkFlush, 0)
		d.putDesc(d.qs[0].desc, 0, h.addr, h.len, descNext, 999)
		d.publish(0, 0)
	}},
	{"head outside the table", func(d *driver) { d.publish(0, 4096) }},
	{"available idx jumps", func(d *driver) {
		d.mem.put16(d.qs[0].avail+2, d.qs[0].size+1)
		d.set(regQueueNotify, 0)
	}},
	{"readable after writable", func(d *driver) {
		d.post(0, d.data([]byte{0xff}, true), blkHeaderBuf(d, blkFlush, 0))
	}},
	{"indirect table outside RAM", func(d *driver) {
		d.putDesc(d.qs[0].desc, 0, outside, 2*descSize, descIndirect, 0)
		d.publish(0, 0)
	}},
	{"indirect table of odd length", func(d *driver) {
		d.putDesc(d.qs[0].desc, 0, d.alloc(64), 40, descIndirect, 0)
		d.publish(0, 0)
	}},
	{"indirect with NEXT", func(d *driver) {
		d.putDesc(d.qs[0].desc, 0, d.alloc(64), 32, descIndirect|descNext, 1)
		d.publish(0, 0)
	}},
	{"nested indirect", func(d *driver) {
		table := d.alloc(32)
		d.putDesc(table, 0, d.alloc(32), 32, descIndirect, 0)
		d.putDesc(d.qs[0].desc, 0, table, 32, descIndirect, 0)
		d.publish(0, 0)
	}},
	{"loop in an indirect table", func(d *driver) {
		table, h := d.alloc(32), blkHeaderBuf(d, blkFlush, 0)
		d.putDesc(table, 0, h.addr, h.len, descNext, 1)
		d.putDesc(table, 1, h.addr, h.len, descNext, 0)
		d.putDesc(d.qs[0].desc, 0, table, 32, descIndirect, 0)
		d.publish(0, 0)
	}},
	{"used ring outside RAM", func(d *driver) {
		d.set(regQueueSel, 0)
		d.set(regQueueReady, 0)
		d.set(regQueueUsedLow, outside)
		d.set(regQueueReady, 1)
		d.post(0, blkHeaderBuf(d, blkFlush, 0), d.data([]byte{0xff}, true))
	}},
}

func TestBadChainsNeedReset(t *testing.T) {
	for _, c := range badChains {
		t.Run(c.name, func(t *testing.T) {
			d, _ := blkDriver(t, false)
			c.post(d)
			if d.reg(regStatus)&StatusNeedsReset == 0 {
				t.Fatal("DEVICE_NEEDS_RESET not set")
			}
			if d.reg(regInterruptStat)&InterruptConfig == 0 || !d.line.level.Load() {
				t.Fatal("no configuration change interrupt")
			}
			d.noneUsed(0)
			// Broken, the device takes no more requests...
			d.post(0, blkHeaderBuf(d, blkFlush, 0), d.data([]byte{0xff}, true))
			d.noneUsed(0)
			// ...until it is reset.
			d.start(FeatureVersion1, 0)
			if st, _ := blkDo(t, d, blkFlush, 0, buf{}); st != blkOK || d.reg(regStatus)&StatusNeedsReset != 0 {
				t.Fatal("device unusable after reset")
			}
		})
	}
}

func TestIndirectNotNegotiated(t *testing.T) {
	b, _ := newDisk(t, false)
	d := newDriver(t, b)
	d.start(FeatureVersion1, 0)
	d.postIndirect(0, blkHeaderBuf(d, blkFlush, 0), d.data([]byte{0xff}, true))
	if d.reg(regStatus)&StatusNeedsReset == 0 {
		t.Fatal("indirect descriptor accepted without VIRTIO_F_INDIRECT_DESC")
	}
}

// TestDirectThenIndirect: §2.7.5.3.2 direct descriptors followed by an
// indirect one form one chain.
func TestDirectThenIndirect(t *testing.T) {
	d, _ := blkDriver(t, false)
	status := d.data([]byte{0xff}, true)
	table := d.alloc(descSize)
	d.putDesc(table, 0, status.addr, 1, descWrite, 0)
	h := blkHeaderBuf(d, blkFlush, 0)
	d.putDesc(d.qs[0].desc, 0, h.addr, h.len, descNext, 1)
	d.putDesc(d.qs[0].desc, 1, table, descSize, descIndirect, 0)
	d.publish(0, 0)
	if _, n := d.waitUsed(0); n != 1 || d.mem.bytes(status.addr, 1)[0] != blkOK {
		t.Fatal("direct-then-indirect chain not served")
	}
}

// TestConcurrentNotify has a second goroutine notify and read the
// interrupt status while requests are served, for the race detector.
func TestConcurrentNotify(t *testing.T) {
	d, _ := blkDriver(t, false)
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			d.m.Write(regQueueNotify, 4, 0)
			d.m.Read(regInterruptStat, 4)
		}
	}()
	for i := 0; i < 100; i++ {
		if st, _ := blkDo(t, d, blkIn, uint64(i%8), d.data(make([]byte, 512), true)); st != blkOK {
			t.Fatalf("request %d: status %d", i, st)
		}
		d.ack()
	}
	stop.Store(true)
	<-done
}
