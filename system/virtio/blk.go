package virtio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// virtio-blk (§5.2).
const (
	blkFSegMax  = 1 << 2 // VIRTIO_BLK_F_SEG_MAX
	blkFRO      = 1 << 5 // VIRTIO_BLK_F_RO
	blkFBlkSize = 1 << 6 // VIRTIO_BLK_F_BLK_SIZE
	blkFFlush   = 1 << 9 // VIRTIO_BLK_F_FLUSH

	blkIn    = 0 // VIRTIO_BLK_T_IN
	blkOut   = 1 // VIRTIO_BLK_T_OUT
	blkFlush = 4 // VIRTIO_BLK_T_FLUSH
	blkGetID = 8 // VIRTIO_BLK_T_GET_ID

	blkOK     = 0 // VIRTIO_BLK_S_OK
	blkIOErr  = 1 // VIRTIO_BLK_S_IOERR
	blkUnsupp = 2 // VIRTIO_BLK_S_UNSUPP

	blkHeader    = 16  // type, reserved, sector
	blkIDBytes   = 20  // VIRTIO_BLK_ID_BYTES
	blkConfigLen = 24  // through blk_size
	blkQueueSize = 256 // QEMU's default queue-size
	// SectorSize is the unit of capacity and of request sectors (§5.2.4).
	SectorSize = 512
	// blkChunk is the most a request copies through host memory at once.
	blkChunk = 128 << 10
)

// chunks are the host buffers requests copy through.
var chunks = sync.Pool{New: func() any { b := make([]byte, blkChunk); return &b }}

// Block is a virtio-blk device (§5.2) backed by a host file or block
// device: one request queue, capacity, FLUSH, optional RO, SEG_MAX and
// BLK_SIZE, and requests IN, OUT, FLUSH and GET_ID. Requests run on the
// notifying hart, with the file I/O done synchronously (pread/pwrite).
type Block struct {
	f       *os.File
	ro      bool
	sectors uint64
	id      [blkIDBytes]byte
}

// NewBlock returns a block device on f, whose size (rounded down to whole
// sectors) is the capacity. The device owns f from now on: Close closes
// it.
func NewBlock(f *os.File, readOnly bool) (*Block, error) {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("virtio-blk: size of %s: %w", f.Name(), err)
	}
	return &Block{f: f, ro: readOnly, sectors: uint64(size) / SectorSize}, nil
}

// SetID sets the device ID string GET_ID returns (QEMU's serial=; at most
// 20 bytes are kept). Call it before the device is used.
func (b *Block) SetID(id string) {
	b.id = [blkIDBytes]byte{}
	copy(b.id[:], id)
}

// Sectors returns the capacity in 512-byte sectors.
func (b *Block) Sectors() uint64 { return b.sectors }

// Close closes the backing file; call it once no hart can notify the
// device any more.
func (b *Block) Close() error { return b.f.Close() }

// DeviceID implements Backend.
func (b *Block) DeviceID() uint32 { return IDBlock }

// Features implements Backend.
func (b *Block) Features() uint64 {
	f := uint64(blkFSegMax | blkFBlkSize | blkFFlush)
	if b.ro {
		f |= blkFRO
	}
	return f
}

// QueueSizes implements Backend: one request queue.
func (b *Block) QueueSizes() []uint16 { return []uint16{blkQueueSize} }

// Config implements Backend (§5.2.4): capacity, seg_max (a request may
// fill the queue but for its header and status) and blk_size.
func (b *Block) Config() []byte {
	cfg := make([]byte, blkConfigLen)
	binary.LittleEndian.PutUint64(cfg[0:], b.sectors)
	binary.LittleEndian.PutUint32(cfg[12:], blkQueueSize-2)
	binary.LittleEndian.PutUint32(cfg[20:], SectorSize)
	return cfg
}

// Attach implements Backend.
func (b *Block) Attach(*MMIO) {}

// Notify implements Backend: the requests run here.
func (b *Block) Notify(q *Queue) { q.Serve(b.request) }

// request carries out one request (§5.2.6): a 16-byte header in the
// readable part, OUT data after it; IN data in the writable part, whose
// last byte is the status. A chain without room for both header and status
// is a driver error.
func (b *Block) request(c *Chain) (uint32, error) {
	var h [blkHeader]byte
	if _, err := c.ReadAt(h[:], 0); err != nil {
		return 0, fmt.Errorf("virtio-blk request header: %w", err)
	}
	if c.WriteLen() == 0 {
		return 0, errors.New("virtio-blk request without a status byte")
	}
	typ := binary.LittleEndian.Uint32(h[0:])
	sector := binary.LittleEndian.Uint64(h[8:])
	data := c.WriteLen() - 1
	var n uint64
	var status byte
	var err error
	switch typ {
	case blkIn:
		n, status, err = b.read(c, sector, data)
	case blkOut:
		status, err = b.write(c, sector, c.ReadLen()-blkHeader)
	case blkFlush:
		status = b.flush()
	case blkGetID:
		var k int
		k, err = c.WriteAt(b.id[:min(data, blkIDBytes)], 0)
		n = uint64(k)
	default:
		status = blkUnsupp
	}
	if err != nil {
		return 0, err
	}
	if _, err := c.WriteAt([]byte{status}, data); err != nil {
		return 0, err
	}
	return uint32(n + 1), nil
}

// span checks a transfer of length bytes at sector: whole sectors within
// the capacity (§5.2.6.1).
func (b *Block) span(sector, length uint64) bool {
	return length%SectorSize == 0 && sector <= b.sectors && length/SectorSize <= b.sectors-sector
}

// read copies length bytes from the disk at sector into the chain,
// returning how many reached it; a host error is an IOERR status, a guest
// memory error an error.
func (b *Block) read(c *Chain, sector, length uint64) (uint64, byte, error) {
	if !b.span(sector, length) {
		return 0, blkIOErr, nil
	}
	buf := chunks.Get().(*[]byte)
	defer chunks.Put(buf)
	for done := uint64(0); done < length; {
		p := (*buf)[:min(length-done, blkChunk)]
		if _, err := b.f.ReadAt(p, int64(sector*SectorSize+done)); err != nil {
			return done, blkIOErr, nil
		}
		if _, err := c.WriteAt(p, done); err != nil {
			return done, 0, err
		}
		done += uint64(len(p))
	}
	return length, blkOK, nil
}

// write copies length bytes after the header of the chain to the disk at
// sector; a read-only device fails it without writing (§5.2.6.2).
func (b *Block) write(c *Chain, sector, length uint64) (byte, error) {
	if b.ro || !b.span(sector, length) {
		return blkIOErr, nil
	}
	buf := chunks.Get().(*[]byte)
	defer chunks.Put(buf)
	for done := uint64(0); done < length; {
		p := (*buf)[:min(length-done, blkChunk)]
		if _, err := c.ReadAt(p, blkHeader+done); err != nil {
			return 0, err
		}
		if _, err := b.f.WriteAt(p, int64(sector*SectorSize+done)); err != nil {
			return blkIOErr, nil
		}
		done += uint64(len(p))
	}
	return blkOK, nil
}

// flush makes the writes done so far durable (§5.2.6: VIRTIO_BLK_T_FLUSH).
func (b *Block) flush() byte {
	if b.ro {
		return blkOK
	}
	if err := b.f.Sync(); err != nil {
		return blkIOErr
	}
	return blkOK
}
