package fdt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// header is the blob header of §5.2, in field order.
type header struct {
	Magic, TotalSize, OffStruct, OffStrings, OffMemRsvmap      uint32
	Version, LastCompVersion, BootCPU, SizeStrings, SizeStruct uint32
}

// Parse decodes a flattened devicetree blob (Devicetree Specification v0.4
// chapter 5) of version 16 or 17 into a Tree. NOP tokens are dropped;
// anything out of bounds or out of order is an error.
func Parse(blob []byte) (*Tree, error) {
	h, err := parseHeader(blob)
	if err != nil {
		return nil, err
	}
	blob = blob[:h.TotalSize]
	rsv, err := parseReservations(blob, h.OffMemRsvmap)
	if err != nil {
		return nil, err
	}
	strs, err := section(blob, h.OffStrings, h.SizeStrings, "strings block")
	if err != nil {
		return nil, err
	}
	st, err := section(blob, h.OffStruct, h.SizeStruct, "structure block")
	if err != nil {
		return nil, err
	}
	root, err := parseStruct(st, strs)
	if err != nil {
		return nil, err
	}
	return &Tree{Root: root, Reservations: rsv, BootCPU: h.BootCPU}, nil
}

// parseHeader reads and checks the §5.2 header.
func parseHeader(blob []byte) (header, error) {
	var h header
	if len(blob) < headerSize {
		return h, errors.New("fdt: blob shorter than its header")
	}
	_ = binary.Read(bytes.NewReader(blob[:headerSize]), binary.BigEndian, &h)
	switch {
	case h.Magic != Magic:
		return h, fmt.Errorf("fdt: bad magic %#x", h.Magic)
	case h.Version < 16 || h.LastCompVersion > Version:
		return h, fmt.Errorf("fdt: version %d (compatible with %d) not supported", h.Version, h.LastCompVersion)
	case h.TotalSize < headerSize || int(h.TotalSize) > len(blob):
		return h, fmt.Errorf("fdt: totalsize %d does not fit the %d bytes given", h.TotalSize, len(blob))
	case h.Version < 17:
		// A v16 header has no size_dt_struct: the block runs to the end.
		h.SizeStruct = h.TotalSize - min(h.OffStruct, h.TotalSize)
	}
	return h, nil
}

// section returns blob[off:off+size], or an error when it is out of bounds.
func section(blob []byte, off, size uint32, what string) ([]byte, error) {
	end := uint64(off) + uint64(size)
	if end > uint64(len(blob)) {
		return nil, fmt.Errorf("fdt: %s [%d, %d) past the blob's end %d", what, off, end, len(blob))
	}
	return blob[off:end], nil
}

// parseReservations reads (address, size) pairs up to the zero entry
// (§5.3).
func parseReservations(blob []byte, off uint32) ([]Reservation, error) {
	var rsv []Reservation
	for p := uint64(off); ; p += 16 {
		if p+16 > uint64(len(blob)) {
			return nil, errors.New("fdt: memory reservation block has no terminating entry")
		}
		r := Reservation{binary.BigEndian.Uint64(blob[p:]), binary.BigEndian.Uint64(blob[p+8:])}
		if r == (Reservation{}) {
			return rsv, nil
		}
		rsv = append(rsv, r)
	}
}

// structReader walks the tokens of a structure block (§5.4).
type structReader struct {
	st, strs []byte
	pos      int
}

// parseStruct decodes the structure block: one root node, then END.
func parseStruct(st, strs []byte) (*Node, error) {
	r := &structReader{st: st, strs: strs}
	tok, err := r.token()
	if err != nil {
		return nil, err
	}
	if tok != tokenBeginNode {
		return nil, fmt.Errorf("fdt: structure block starts with token %#x, not BEGIN_NODE", tok)
	}
	root, err := r.node()
	if err != nil {
		return nil, err
	}
	if root.Name != "" {
		return nil, fmt.Errorf("fdt: root node named %q", root.Name)
	}
	if tok, err = r.token(); err != nil || tok != tokenEnd {
		return nil, fmt.Errorf("fdt: no END token after the root node (%#x, %v)", tok, err)
	}
	return root, nil
}

// token returns the next token that is not NOP.
func (r *structReader) token() (uint32, error) {
	for {
		v, err := r.u32()
		if err != nil || v != tokenNop {
			return v, err
		}
	}
}

func (r *structReader) u32() (uint32, error) {
	if r.pos+4 > len(r.st) {
		return 0, errors.New("fdt: structure block ends inside a token")
	}
	v := binary.BigEndian.Uint32(r.st[r.pos:])
	r.pos += 4
	return v, nil
}

// node decodes a node whose BEGIN_NODE token has been read, up to and
// including its END_NODE.
func (r *structReader) node() (*Node, error) {
	name, err := cstring(r.st, r.pos)
	if err != nil {
		return nil, err
	}
	r.pos = (r.pos + len(name) + 1 + 3) &^ 3
	n := &Node{Name: name}
	for {
		tok, err := r.token()
		if err != nil {
			return nil, err
		}
		switch tok {
		case tokenProp:
			if len(n.Children) > 0 {
				return nil, fmt.Errorf("fdt: node %q has a property after a child", name)
			}
			err = r.prop(n)
		case tokenBeginNode:
			var c *Node
			if c, err = r.node(); err == nil {
				n.Children = append(n.Children, c)
			}
		case tokenEndNode:
			return n, nil
		default:
			err = fmt.Errorf("fdt: unexpected token %#x in node %q", tok, name)
		}
		if err != nil {
			return nil, err
		}
	}
}

// prop decodes one property whose PROP token has been read.
func (r *structReader) prop(n *Node) error {
	size, err := r.u32()
	if err != nil {
		return err
	}
	nameOff, err := r.u32()
	if err != nil {
		return err
	}
	if uint64(r.pos)+uint64(size) > uint64(len(r.st)) {
		return fmt.Errorf("fdt: property of %d bytes past the structure block", size)
	}
	name, err := cstring(r.strs, int(nameOff))
	if err != nil {
		return err
	}
	value := append([]byte{}, r.st[r.pos:r.pos+int(size)]...)
	r.pos = (r.pos + int(size) + 3) &^ 3
	n.Props = append(n.Props, Property{Name: name, Value: value})
	return nil
}

// cstring returns the NUL-terminated string at b[off:].
func cstring(b []byte, off int) (string, error) {
	if off < 0 || off > len(b) {
		return "", fmt.Errorf("fdt: string offset %d out of bounds", off)
	}
	end := bytes.IndexByte(b[off:], 0)
	if end < 0 {
		return "", errors.New("fdt: unterminated string")
	}
	return string(b[off : off+end]), nil
}
