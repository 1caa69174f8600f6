package syscalls

import (
	"fmt"
	"sort"
)

// ArchMask says which guest architectures have a Linux syscall number.
type ArchMask uint8

const (
	ArchRiscv64 ArchMask = 1 << iota
	ArchAarch64

	ArchAll = ArchRiscv64 | ArchAarch64
)

// SyscallNumber is one generated row: number, Linux name, architectures.
type SyscallNumber struct {
	Num   int
	Name  string
	Archs ArchMask
}

// Support is how completely gemu implements a syscall (for `gemu info syscalls`).
type Support uint8

const (
	Unimplemented Support = iota // returns -ENOSYS
	Stub                         // accepted, returns a fixed result or error
	Partial                      // common cases work; the note says what does not
	Full                         // behaves as on Linux
)

func (s Support) String() string {
	switch s {
	case Stub:
		return "stub"
	case Partial:
		return "partial"
	case Full:
		return "full"
	}
	return "unimplemented"
}

// RetKind says how -strace prints a result.
type RetKind uint8

const (
	RetInt  RetKind = iota // signed decimal, or -1 errno=N (message)
	RetPtr                 // an address: 0x%016x
	RetNone                // the call does not return (exit, exit_group)
)

// Record is the one table row per syscall that drives dispatch (Handler),
// -strace (Args, Ret) and the compatibility listing (Support, Note).
// H is the personality's handler type.
type Record[H any] struct {
	Num     int
	Name    string
	Handler H
	Args    []ArgKind // nil: print six raw decimal arguments, as QEMU does
	Ret     RetKind
	Support Support
	Note    string
}

// Table maps syscall numbers to records for one OS and architecture.
type Table[H any] struct {
	byNum  []*Record[H]
	byName map[string]*Record[H]
	nums   []SyscallNumber // every architecture's, for Define
}

// NewTable makes records, all Unimplemented, for the numbers arch has.
// The records are allocated together and the map at its size: every gemu
// start (each fork child) builds its table.
func NewTable[H any](nums []SyscallNumber, arch ArchMask) *Table[H] {
	count, top := 0, -1
	for _, n := range nums {
		if n.Archs&arch != 0 {
			count, top = count+1, max(top, n.Num)
		}
	}
	t := &Table[H]{byNum: make([]*Record[H], top+1), byName: make(map[string]*Record[H], count), nums: nums}
	records := make([]Record[H], 0, count)
	for _, n := range nums {
		if n.Archs&arch == 0 {
			continue
		}
		records = append(records, Record[H]{Num: n.Num, Name: n.Name})
		r := &records[len(records)-1]
		t.byNum[n.Num] = r
		t.byName[n.Name] = r
	}
	return t
}

// Define fills in the record for name; the number comes from the table.
// Names the architecture does not have are ignored (e.g. renameat on riscv64).
func (t *Table[H]) Define(name string, r Record[H]) error {
	old, ok := t.byName[name]
	if !ok {
		for _, n := range t.nums {
			if n.Name == name {
				return nil // another architecture's call
			}
		}
		return fmt.Errorf("syscalls: no syscall named %q", name)
	}
	r.Num, r.Name = old.Num, old.Name
	*old = r
	return nil
}

// Lookup returns the record for a number, or nil when the number is unknown.
func (t *Table[H]) Lookup(num uint64) *Record[H] {
	if num < uint64(len(t.byNum)) {
		return t.byNum[num]
	}
	return nil
}

// ByName returns the record for a Linux syscall name.
func (t *Table[H]) ByName(name string) *Record[H] { return t.byName[name] }

// All lists the records in number order.
func (t *Table[H]) All() []*Record[H] {
	var out []*Record[H]
	for _, r := range t.byNum {
		if r != nil {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Num < out[j].Num })
	return out
}
