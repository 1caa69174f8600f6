package fdt

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Constants of the blob format, Devicetree Specification v0.4 chapter 5.
const (
	Magic = 0xd00dfeed // §5.2 magic, the first word of every blob

	Version         = 17 // §5.2 version this package writes
	LastCompVersion = 16 // §5.2 last_comp_version: v17 blobs are v16-compatible

	headerSize = 40 // §5.2: ten 32-bit fields

	// Structure block tokens (§5.4.1).
	tokenBeginNode = 0x1
	tokenEndNode   = 0x2
	tokenProp      = 0x3
	tokenNop       = 0x4
	tokenEnd       = 0x9

	maxNameLen = 31 // §2.2.1 node-name and §2.2.4 property name: 1 to 31 characters
)

// Blob encodes t as a version 17 flattened devicetree: the header (§5.2),
// the memory reservation block (§5.3), the structure block (§5.4) and the
// strings block (§5.5), in the order §5.1 recommends, with each property
// name stored once in the strings block. It fails on a name that §2.2
// does not allow or on two siblings of the same name.
func (t *Tree) Blob() ([]byte, error) {
	if t.Root == nil || t.Root.Name != "" {
		return nil, fmt.Errorf("fdt: the root node must exist and have an empty name")
	}
	var e encoder
	e.strOff = map[string]uint32{}
	if err := e.node(t.Root, "/"); err != nil {
		return nil, err
	}
	e.structBlk = be32(e.structBlk, tokenEnd)
	return e.assemble(t), nil
}

// encoder collects the structure and strings blocks while walking a tree.
type encoder struct {
	structBlk []byte
	strings   []byte
	strOff    map[string]uint32 // property name -> offset in strings
}

// node appends n and its subtree to the structure block (§5.4.1: BEGIN_NODE
// with the NUL-terminated, 4-byte-padded name, the properties, the
// children, END_NODE). path is n's path, for error messages.
func (e *encoder) node(n *Node, path string) error {
	e.structBlk = be32(e.structBlk, tokenBeginNode)
	e.structBlk = pad4(append(append(e.structBlk, n.Name...), 0))
	if err := e.props(n, path); err != nil {
		return err
	}
	childName := func(c *Node) string { return c.Name }
	if err := checkNames(path, "children", n.Children, childName, checkNodeName); err != nil {
		return err
	}
	for _, c := range n.Children {
		if err := e.node(c, strings.TrimSuffix(path, "/")+"/"+c.Name); err != nil {
			return err
		}
	}
	e.structBlk = be32(e.structBlk, tokenEndNode)
	return nil
}

// props appends n's properties: PROP, the value's length, the name's
// offset in the strings block, then the value padded to 4 bytes (§5.4.1).
func (e *encoder) props(n *Node, path string) error {
	propName := func(p Property) string { return p.Name }
	if err := checkNames(path, "properties", n.Props, propName, checkPropName); err != nil {
		return err
	}
	for _, p := range n.Props {
		e.structBlk = be32(e.structBlk, tokenProp)
		e.structBlk = be32(e.structBlk, uint32(len(p.Value)))
		e.structBlk = be32(e.structBlk, e.nameOffset(p.Name))
		e.structBlk = pad4(append(e.structBlk, p.Value...))
	}
	return nil
}

// nameOffset returns the offset of name in the strings block (§5.5),
// adding it the first time it is used.
func (e *encoder) nameOffset(name string) uint32 {
	if off, ok := e.strOff[name]; ok {
		return off
	}
	off := uint32(len(e.strings))
	e.strOff[name] = off
	e.strings = append(append(e.strings, name...), 0)
	return off
}

// assemble lays out header, reservation block (8-byte aligned, §5.3),
// structure block (4-byte aligned, §5.4) and strings block (§5.5).
func (e *encoder) assemble(t *Tree) []byte {
	rsvOff := uint32(headerSize) // 40 is a multiple of 8
	rsv := make([]byte, 0, 16*(len(t.Reservations)+1))
	for _, r := range t.Reservations {
		rsv = binary.BigEndian.AppendUint64(rsv, r.Address)
		rsv = binary.BigEndian.AppendUint64(rsv, r.Size)
	}
	rsv = append(rsv, make([]byte, 16)...) // the terminating zero entry
	structOff := rsvOff + uint32(len(rsv))
	stringsOff := structOff + uint32(len(e.structBlk))
	total := stringsOff + uint32(len(e.strings))
	header := []uint32{
		Magic, total, structOff, stringsOff, rsvOff,
		Version, LastCompVersion, t.BootCPU,
		uint32(len(e.strings)), uint32(len(e.structBlk)),
	}
	out := make([]byte, 0, total)
	for _, h := range header {
		out = be32(out, h)
	}
	out = append(out, rsv...)
	out = append(out, e.structBlk...)
	return append(out, e.strings...)
}

// checkNames checks the names of a node's children or properties with
// check, and that no two are the same (§2.2.1, §2.2.4).
func checkNames[T any](path, what string, items []T, name func(T) string, check func(string) error) error {
	seen := map[string]bool{}
	for _, it := range items {
		s := name(it)
		if err := check(s); err != nil {
			return fmt.Errorf("fdt: node %s: %w", path, err)
		}
		if seen[s] {
			return fmt.Errorf("fdt: node %s: two %s named %q", path, what, s)
		}
		seen[s] = true
	}
	return nil
}

// checkNodeName checks a node name against §2.2.1: a node-name of 1 to 31
// characters from [0-9a-zA-Z,._+-] starting with a letter, then optionally
// "@" and a non-empty unit address of the same characters.
func checkNodeName(name string) error {
	base, unit, hasUnit := strings.Cut(name, "@")
	switch {
	case base == "" || len(base) > maxNameLen:
		return fmt.Errorf("node name %q: node-name must have 1 to %d characters", name, maxNameLen)
	case !isLetter(base[0]):
		return fmt.Errorf("node name %q must start with a letter", name)
	case hasUnit && unit == "":
		return fmt.Errorf("node name %q: empty unit address", name)
	case !allIn(base, ",._+-") || !allIn(unit, ",._+-"):
		return fmt.Errorf("node name %q has a character §2.2.1 does not allow", name)
	}
	return nil
}

// checkPropName checks a property name against §2.2.4: 1 to 31 characters
// from [0-9a-zA-Z,._+?#-].
func checkPropName(name string) error {
	if name == "" || len(name) > maxNameLen {
		return fmt.Errorf("property name %q must have 1 to %d characters", name, maxNameLen)
	}
	if !allIn(name, ",._+?#-") {
		return fmt.Errorf("property name %q has a character §2.2.4 does not allow", name)
	}
	return nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// allIn reports whether every byte of s is a letter, a digit or in extra.
func allIn(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !('0' <= c && c <= '9') && strings.IndexByte(extra, c) < 0 {
			return false
		}
	}
	return true
}

func be32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

// pad4 appends zero bytes up to the next multiple of four (§5.4.1: every
// token and the data after it are 32-bit aligned).
func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}
