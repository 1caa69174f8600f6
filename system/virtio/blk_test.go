package virtio

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

const diskSize = 64 << 10

// newDisk returns a block device on a temporary file holding a pattern.
func newDisk(t *testing.T, ro bool) (*Block, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "disk.img")
	img := make([]byte, diskSize)
	for i := range img {
		img[i] = byte(i * 7)
	}
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBlock(f, ro)
	if err != nil {
		t.Fatal(err)
	}
	return b, path
}

// blkDriver is a driver started on a fresh disk.
func blkDriver(t *testing.T, ro bool) (*driver, string) {
	b, path := newDisk(t, ro)
	d := newDriver(t, b)
	d.start(FeatureVersion1|FeatureIndirectDesc|blkFFlush|blkFSegMax, 0)
	return d, path
}

func blkHeaderBuf(d *driver, typ uint32, sector uint64) buf {
	h := make([]byte, blkHeader)
	binary.LittleEndian.PutUint32(h, typ)
	binary.LittleEndian.PutUint64(h[8:], sector)
	return d.data(h, false)
}

// blkDo posts header / data / status as three descriptors and returns the
// status byte and used length.
func blkDo(t *testing.T, d *driver, typ uint32, sector uint64, data buf) (byte, uint32) {
	t.Helper()
	status := d.data([]byte{0xff}, true)
	bufs := []buf{blkHeaderBuf(d, typ, sector), data, status}
	if data.len == 0 {
		bufs = []buf{bufs[0], status}
	}
	head := d.post(0, bufs...)
	id, n := d.waitUsed(0)
	if id != uint32(head) {
		t.Fatalf("used id %d, want %d", id, head)
	}
	return d.mem.bytes(status.addr, 1)[0], n
}

func TestBlockConfig(t *testing.T) {
	d, _ := blkDriver(t, false)
	if got := d.reg(regDeviceID); got != IDBlock {
		t.Fatalf("device ID %d", got)
	}
	capacity := uint64(d.reg(regConfig)) | uint64(d.reg(regConfig+4))<<32
	if capacity != diskSize/SectorSize {
		t.Errorf("capacity %d sectors, want %d", capacity, diskSize/SectorSize)
	}
	if got := d.m.Read(regConfig, 8); got != capacity {
		t.Errorf("8-byte capacity read %d", got)
	}
	if got := d.reg(regConfig + 12); got != blkQueueSize-2 {
		t.Errorf("seg_max %d", got)
	}
	if got := d.reg(regConfig + 20); got != SectorSize {
		t.Errorf("blk_size %d", got)
	}
	if got := d.m.Read(regConfig+1, 1); got != uint64(capacity>>8&0xff) {
		t.Errorf("byte 1 of capacity %#x", got)
	}
	if got := d.reg(regConfig + 0x40); got != 0 {
		t.Errorf("past the config space: %#x", got)
	}
}

func TestBlockReadWrite(t *testing.T) {
	d, path := blkDriver(t, false)
	want := bytes.Repeat([]byte("gemu-virtio-blk!"), 64) // 1 KiB
	if st, n := blkDo(t, d, blkOut, 3, d.data(want, false)); st != blkOK || n != 1 {
		t.Fatalf("write: status %d, used len %d", st, n)
	}
	img, _ := os.ReadFile(path)
	if !bytes.Equal(img[3*SectorSize:3*SectorSize+len(want)], want) {
		t.Fatal("write did not reach the file")
	}
	if img[3*SectorSize-1] != byte((3*SectorSize-1)*7%256) {
		t.Fatal("write clobbered the sector before")
	}
	in := d.data(make([]byte, 2048), true)
	if st, n := blkDo(t, d, blkIn, 2, in); st != blkOK || n != 2049 {
		t.Fatalf("read: status %d, used len %d", st, n)
	}
	if got := d.mem.bytes(in.addr, 2048); !bytes.Equal(got, img[2*SectorSize:2*SectorSize+2048]) {
		t.Fatal("read returned other data")
	}
	if st, _ := blkDo(t, d, blkFlush, 0, buf{}); st != blkOK {
		t.Fatalf("flush: status %d", st)
	}
}

func TestBlockIndirectRead(t *testing.T) {
	d, path := blkDriver(t, false)
	img, _ := os.ReadFile(path)
	a, b := d.data(make([]byte, 512), true), d.data(make([]byte, 1024), true)
	status := d.data([]byte{0xff}, true)
	d.postIndirect(0, blkHeaderBuf(d, blkIn, 10), a, b, status)
	if _, n := d.waitUsed(0); n != 1537 {
		t.Fatalf("used len %d", n)
	}
	got := append(d.mem.bytes(a.addr, 512), d.mem.bytes(b.addr, 1024)...)
	if st := d.mem.bytes(status.addr, 1)[0]; st != blkOK || !bytes.Equal(got, img[10*SectorSize:13*SectorSize]) {
		t.Fatalf("indirect read: status %d, data differs %v", st, !bytes.Equal(got, img[10*SectorSize:13*SectorSize]))
	}
}

func TestBlockErrors(t *testing.T) {
	d, _ := blkDriver(t, false)
	last := uint64(diskSize/SectorSize - 1)
	for _, c := range []struct {
		name   string
		typ    uint32
		sector uint64
		len    int
		want   byte
	}{
		{"read past the end", blkIn, last, 1024, blkIOErr},
		{"read of the last sector", blkIn, last, 512, blkOK},
		{"sector overflow", blkIn, 1 << 60, 512, blkIOErr},
		{"partial sector", blkIn, 0, 100, blkIOErr},
		{"write past the end", blkOut, last + 1, 512, blkIOErr},
		{"unknown type", 99, 0, 0, blkUnsupp},
	} {
		data := buf{}
		if c.len > 0 {
			data = d.data(make([]byte, c.len), c.typ == blkIn)
		}
		if st, _ := blkDo(t, d, c.typ, c.sector, data); st != c.want {
			t.Errorf("%s: status %d, want %d", c.name, st, c.want)
		}
	}
	if d.reg(regStatus)&StatusNeedsReset != 0 {
		t.Fatal("a failed request broke the device")
	}
}

func TestBlockGetID(t *testing.T) {
	b, _ := newDisk(t, false)
	b.SetID("gemu-disk-0")
	d := newDriver(t, b)
	d.start(FeatureVersion1, 0)
	id := d.data(make([]byte, blkIDBytes), true)
	if st, n := blkDo(t, d, blkGetID, 0, id); st != blkOK || n != blkIDBytes+1 {
		t.Fatalf("GET_ID: status %d, used len %d", st, n)
	}
	if got := string(bytes.TrimRight(d.mem.bytes(id.addr, blkIDBytes), "\x00")); got != "gemu-disk-0" {
		t.Fatalf("GET_ID %q", got)
	}
}

func TestBlockReadOnly(t *testing.T) {
	b, path := newDisk(t, true)
	d := newDriver(t, b)
	d.set(regDeviceFeatSel, 0)
	if d.reg(regDeviceFeatures)&blkFRO == 0 {
		t.Fatal("VIRTIO_BLK_F_RO not offered")
	}
	d.start(FeatureVersion1|blkFRO|blkFFlush, 0)
	if st, _ := blkDo(t, d, blkOut, 0, d.data(make([]byte, 512), false)); st != blkIOErr {
		t.Fatalf("write to a read-only disk: status %d", st)
	}
	if img, _ := os.ReadFile(path); img[1] != 7 {
		t.Fatal("read-only disk written")
	}
	if st, _ := blkDo(t, d, blkIn, 0, d.data(make([]byte, 512), true)); st != blkOK {
		t.Fatalf("read: status %d", st)
	}
	if st, _ := blkDo(t, d, blkFlush, 0, buf{}); st != blkOK {
		t.Fatalf("flush: status %d", st)
	}
}
