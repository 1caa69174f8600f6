package dev

import (
	"fmt"
	"sort"
)

// Region is one range of the physical address map: RAM (Mem set) or a
// device (Dev set).
type Region struct {
	Base, Size uint64
	Name       string
	Mem        []byte
	Dev        Device
}

// End returns the last address of the region.
func (r Region) End() uint64 { return r.Base + r.Size - 1 }

// String formats the region as a line of QEMU's "info mtree".
func (r Region) String() string {
	kind := "i/o"
	if r.Mem != nil {
		kind = "ram"
	}
	return fmt.Sprintf("%016x-%016x (prio 0, %s): %s", r.Base, r.End(), kind, r.Name)
}

// Bus is the physical address map of a machine. It is filled before the
// harts start and only read afterwards, so lookups take no lock.
type Bus struct {
	regions []Region // sorted by Base, never overlapping
}

// NewBus returns an empty address map.
func NewBus() *Bus { return &Bus{} }

// AddRAM maps mem at base. RAM is read and written by the CPU directly;
// the bus only says where it is.
func (b *Bus) AddRAM(base uint64, mem []byte) {
	b.add(Region{Base: base, Size: uint64(len(mem)), Name: "ram", Mem: mem})
}

// AddDevice maps d at base for size bytes under name.
func (b *Bus) AddDevice(base, size uint64, d Device, name string) {
	b.add(Region{Base: base, Size: size, Name: name, Dev: d})
}

// add inserts r; an empty, wrapping or overlapping region is a bug in the
// machine's description and panics.
func (b *Bus) add(r Region) {
	if r.Size == 0 || r.Base+r.Size-1 < r.Base {
		panic(fmt.Sprintf("dev: bad region %s at %#x size %#x", r.Name, r.Base, r.Size))
	}
	i := sort.Search(len(b.regions), func(i int) bool { return b.regions[i].Base > r.Base })
	if i > 0 && b.regions[i-1].End() >= r.Base {
		panic(fmt.Sprintf("dev: region %s overlaps %s", r.Name, b.regions[i-1].Name))
	}
	if i < len(b.regions) && r.End() >= b.regions[i].Base {
		panic(fmt.Sprintf("dev: region %s overlaps %s", r.Name, b.regions[i].Name))
	}
	b.regions = append(b.regions, Region{})
	copy(b.regions[i+1:], b.regions[i:])
	b.regions[i] = r
}

// find returns the region holding addr.
func (b *Bus) find(addr uint64) (*Region, bool) {
	rs := b.regions
	i := sort.Search(len(rs), func(i int) bool { return rs[i].Base > addr }) - 1
	if i < 0 || addr > rs[i].End() {
		return nil, false
	}
	return &rs[i], true
}

// Lookup returns the device mapped at addr and addr's offset in it; ok is
// false for RAM and unmapped addresses.
func (b *Bus) Lookup(addr uint64) (dev Device, off uint64, ok bool) {
	r, ok := b.find(addr)
	if !ok || r.Dev == nil {
		return nil, 0, false
	}
	return r.Dev, addr - r.Base, true
}

// RAM returns the RAM holding addr and addr's offset in it.
func (b *Bus) RAM(addr uint64) (mem []byte, off uint64, ok bool) {
	r, ok := b.find(addr)
	if !ok || r.Mem == nil {
		return nil, 0, false
	}
	return r.Mem, addr - r.Base, true
}

// device returns the device and offset for an access of size bytes at
// addr, which must lie wholly inside one device region.
func (b *Bus) device(addr uint64, size int) (Device, uint64, bool) {
	if size != 1 && size != 2 && size != 4 && size != 8 {
		return nil, 0, false
	}
	r, ok := b.find(addr)
	if !ok || r.Dev == nil || r.End()-addr < uint64(size-1) {
		return nil, 0, false
	}
	return r.Dev, addr - r.Base, true
}

// Read performs a device read; ok is false when no device region holds the
// whole access (the CPU raises an access fault).
func (b *Bus) Read(addr uint64, size int) (v uint64, ok bool) {
	d, off, ok := b.device(addr, size)
	if !ok {
		return 0, false
	}
	return d.Read(off, size), true
}

// Write performs a device write; ok as for Read.
func (b *Bus) Write(addr uint64, size int, v uint64) (ok bool) {
	d, off, ok := b.device(addr, size)
	if !ok {
		return false
	}
	d.Write(off, size, v)
	return true
}

// Regions returns the map in address order.
func (b *Bus) Regions() []Region {
	return append([]Region(nil), b.regions...)
}
