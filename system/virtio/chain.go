package virtio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Descriptors (§2.7.5).
const (
	descSize     = 16
	descNext     = 1 // VIRTQ_DESC_F_NEXT
	descWrite    = 2 // VIRTQ_DESC_F_WRITE
	descIndirect = 4 // VIRTQ_DESC_F_INDIRECT

	// maxIndirect bounds an indirect table (§2.7.4.1: a device MAY limit
	// the descriptors of a chain); QEMU allows as many.
	maxIndirect = 1024
	// maxChainBytes is §2.7.5.1's limit on a chain's total length.
	maxChainBytes = 1 << 32
)

var (
	errLoop      = errors.New("descriptor chain loops or outgrows its table")
	errOrder     = errors.New("device-readable descriptor after a device-writable one")
	errTooLong   = errors.New("descriptor chain longer than 4 GiB")
	errIndirect  = errors.New("misplaced indirect descriptor")
	errIndTable  = errors.New("bad indirect descriptor table")
	errBeyondEnd = errors.New("access beyond the buffer")
)

type desc struct {
	addr  uint64
	len   uint32
	flags uint16
	next  uint16
}

type segment struct {
	addr uint64
	len  uint32
}

// Chain is a descriptor chain the driver made available (§2.7.5): the
// device-readable buffers, then the device-writable ones, each seen as one
// contiguous byte range.
type Chain struct {
	mem      Memory
	head     uint16
	epoch    uint64
	readable []segment
	writable []segment
	rlen     uint64
	wlen     uint64
}

// ReadLen is the total length of the device-readable buffers.
func (c *Chain) ReadLen() uint64 { return c.rlen }

// WriteLen is the total length of the device-writable buffers.
func (c *Chain) WriteLen() uint64 { return c.wlen }

// ReadAt copies the device-readable bytes at off into p. Like
// io.ReaderAt, it returns an error with n < len(p): io.EOF past the end,
// or the Memory error of a buffer outside RAM.
func (c *Chain) ReadAt(p []byte, off uint64) (n int, err error) {
	n, err = c.each(c.readable, p, off, c.mem.Read)
	if err == errBeyondEnd {
		err = io.EOF
	}
	return n, err
}

// WriteAt copies p into the device-writable bytes at off; n < len(p) comes
// with an error (io.ErrShortWrite past the end).
func (c *Chain) WriteAt(p []byte, off uint64) (n int, err error) {
	n, err = c.each(c.writable, p, off, c.mem.Write)
	if err == errBeyondEnd {
		err = io.ErrShortWrite
	}
	return n, err
}

// each applies op to the parts of segs that off and len(p) cover.
func (c *Chain) each(segs []segment, p []byte, off uint64, op func(uint64, []byte) error) (int, error) {
	n := 0
	for _, s := range segs {
		if len(p) == 0 {
			return n, nil
		}
		if off >= uint64(s.len) {
			off -= uint64(s.len)
			continue
		}
		k := min(uint64(len(p)), uint64(s.len)-off)
		pa := s.addr + off
		if err := op(pa, p[:k]); err != nil {
			return n, memErr("buffer", pa, err)
		}
		n += int(k)
		p, off = p[k:], 0
	}
	if len(p) > 0 {
		return n, errBeyondEnd
	}
	return n, nil
}

// add appends a buffer descriptor (§2.7.4.2: readable ones first).
func (c *Chain) add(d desc) error {
	if d.len == 0 {
		return nil
	}
	if d.flags&descWrite != 0 {
		c.writable = append(c.writable, segment{d.addr, d.len})
		c.wlen += uint64(d.len)
	} else {
		if len(c.writable) > 0 {
			return errOrder
		}
		c.readable = append(c.readable, segment{d.addr, d.len})
		c.rlen += uint64(d.len)
	}
	if c.rlen+c.wlen > maxChainBytes {
		return errTooLong
	}
	return nil
}

// walk gathers the chain starting at descriptor head: direct descriptors
// possibly ending in one that points at an indirect table (§2.7.5.3).
func (q *Queue) walk(head uint16) (*Chain, error) {
	c := &Chain{mem: q.m.mem, head: head, epoch: q.epoch}
	ind, err := q.follow(c, q.desc, uint32(q.size), uint32(head), true)
	if err != nil || ind == nil {
		return c, wrapChain(q, head, err)
	}
	n := ind.len / descSize
	if !q.m.negotiated(FeatureIndirectDesc) || n == 0 || ind.len%descSize != 0 || n > maxIndirect {
		return nil, wrapChain(q, head, errIndTable)
	}
	_, err = q.follow(c, ind.addr, n, 0, false)
	return c, wrapChain(q, head, err)
}

func wrapChain(q *Queue, head uint16, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("queue %d, chain %d: %w", q.index, head, err)
}

// follow appends to c the chain at index i of the n-descriptor table at
// table. In the queue's own table (direct) it stops at an indirect
// descriptor and returns it; §2.7.5.3.1 forbids one with NEXT, and one
// inside an indirect table. More than n steps is a loop.
func (q *Queue) follow(c *Chain, table uint64, n, i uint32, direct bool) (*desc, error) {
	for step := uint32(0); step < n; step++ {
		if i >= n {
			return nil, fmt.Errorf("descriptor index %d outside a table of %d", i, n)
		}
		d, err := q.m.readDesc(table + uint64(i)*descSize)
		if err != nil {
			return nil, err
		}
		if d.flags&descIndirect != 0 {
			if !direct || d.flags&descNext != 0 {
				return nil, errIndirect
			}
			return &d, nil
		}
		if err := c.add(d); err != nil {
			return nil, err
		}
		if d.flags&descNext == 0 {
			return nil, nil
		}
		i = uint32(d.next)
	}
	return nil, errLoop
}

func (m *MMIO) readDesc(pa uint64) (desc, error) {
	var b [descSize]byte
	if err := m.mem.Read(pa, b[:]); err != nil {
		return desc{}, memErr("descriptor", pa, err)
	}
	le := binary.LittleEndian
	return desc{le.Uint64(b[0:]), le.Uint32(b[8:]), le.Uint16(b[12:]), le.Uint16(b[14:])}, nil
}
