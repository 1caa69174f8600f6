// Package fdt builds and parses flattened devicetree blobs, the format of
// chapter 5 of the Devicetree Specification v0.4 ("Flattened Devicetree
// (DTB) Format"), and generates the tree of the riscv64 "virt" machine the
// way QEMU 7.2 describes it (see Virt).
//
// A Tree is built in memory from Nodes and Properties, in the order the
// blob should list them; Tree.Blob encodes it as an FDT of version 17 and
// Parse decodes a blob back into a Tree.
package fdt

import (
	"encoding/binary"
	"strings"
)

// Phandle is the handle one node gives itself in its "phandle" property and
// that other nodes use to refer to it (Devicetree Specification v0.4
// §2.3.3). Zero is not a valid phandle.
type Phandle uint32

// Property is one name/value pair of a node (§2.2.4). The value is raw
// bytes; big-endian cells and NUL-terminated strings are built with the
// Node.Set* helpers (§2.2.4.2 lists the value types).
type Property struct {
	Name  string
	Value []byte
}

// Node is one devicetree node (§2.2.1). Name is "node-name" or
// "node-name@unit-address"; the root node's name is empty. Properties and
// children keep the order they were added in, which is the order the blob
// lists them.
type Node struct {
	Name     string
	Props    []Property
	Children []*Node
}

// Reservation is one entry of the memory reservation block (§5.3): a
// physical range the client program must not use for itself.
type Reservation struct {
	Address uint64
	Size    uint64
}

// Tree is a whole devicetree: the root node, the memory reservation block
// and the boot CPU's physical id written in the header (§5.2).
type Tree struct {
	Root         *Node
	Reservations []Reservation
	BootCPU      uint32
}

// NewTree returns a tree with an empty root node.
func NewTree() *Tree { return &Tree{Root: &Node{}} }

// AddNode appends a new child called name to n and returns it.
func (n *Node) AddNode(name string) *Node {
	c := &Node{Name: name}
	n.Children = append(n.Children, c)
	return c
}

// Child returns n's child called name, or nil.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Lookup returns the node at path, such as "/soc/serial@10000000", or nil.
// The path is taken from the root ("/" is the root itself).
func (t *Tree) Lookup(path string) *Node {
	n := t.Root
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if part == "" {
			continue
		}
		if n = n.Child(part); n == nil {
			return nil
		}
	}
	return n
}

// Prop returns the value of n's property name and whether n has it.
func (n *Node) Prop(name string) ([]byte, bool) {
	for _, p := range n.Props {
		if p.Name == name {
			return p.Value, true
		}
	}
	return nil, false
}

// Set gives n the property name with value: it replaces the value in place
// when n already has that property, and appends the property otherwise. It
// returns n so that calls chain.
func (n *Node) Set(name string, value []byte) *Node {
	for i := range n.Props {
		if n.Props[i].Name == name {
			n.Props[i].Value = value
			return n
		}
	}
	n.Props = append(n.Props, Property{Name: name, Value: value})
	return n
}

// SetEmpty sets a property with an empty value, a boolean flag such as
// "interrupt-controller" (§2.2.4.2 <empty>).
func (n *Node) SetEmpty(name string) *Node { return n.Set(name, []byte{}) }

// SetU32 sets a one-cell property (§2.2.4.2 <u32>).
func (n *Node) SetU32(name string, v uint32) *Node { return n.SetCells(name, v) }

// SetU64 sets a 64-bit property written as two cells, high cell first
// (§2.2.4.2 <u64>).
func (n *Node) SetU64(name string, v uint64) *Node {
	return n.Set(name, binary.BigEndian.AppendUint64(nil, v))
}

// SetCells sets a property of big-endian 32-bit cells (§2.2.4.2
// <prop-encoded-array>), such as "reg" or "interrupts-extended".
func (n *Node) SetCells(name string, cells ...uint32) *Node {
	b := make([]byte, 0, 4*len(cells))
	for _, c := range cells {
		b = binary.BigEndian.AppendUint32(b, c)
	}
	return n.Set(name, b)
}

// SetString sets a NUL-terminated string property (§2.2.4.2 <string>).
func (n *Node) SetString(name, s string) *Node { return n.SetStrings(name, s) }

// SetStrings sets a list of NUL-terminated strings, such as a
// "compatible" list (§2.2.4.2 <stringlist>).
func (n *Node) SetStrings(name string, list ...string) *Node {
	var b []byte
	for _, s := range list {
		b = append(append(b, s...), 0)
	}
	return n.Set(name, b)
}

// SetBytes sets a property to a copy of raw bytes.
func (n *Node) SetBytes(name string, b []byte) *Node {
	return n.Set(name, append([]byte{}, b...))
}

// SetPhandle gives n the handle p (§2.3.3 "phandle").
func (n *Node) SetPhandle(p Phandle) *Node { return n.SetU32("phandle", uint32(p)) }

// SetPhandleRef sets a property that names another node by its phandle,
// such as "interrupt-parent" or "regmap" (§2.2.4.2 <phandle>).
func (n *Node) SetPhandleRef(name string, p Phandle) *Node {
	return n.SetU32(name, uint32(p))
}

// Cells decodes a value made of big-endian 32-bit cells; ok is false when
// its length is not a multiple of four.
func Cells(value []byte) (cells []uint32, ok bool) {
	if len(value)%4 != 0 {
		return nil, false
	}
	for i := 0; i < len(value); i += 4 {
		cells = append(cells, binary.BigEndian.Uint32(value[i:]))
	}
	return cells, true
}

// Strings decodes a <stringlist> value; ok is false when the value is empty
// or does not end in a NUL.
func Strings(value []byte) (list []string, ok bool) {
	if len(value) == 0 || value[len(value)-1] != 0 {
		return nil, false
	}
	return strings.Split(string(value[:len(value)-1]), "\x00"), true
}
