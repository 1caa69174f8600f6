package translate

import (
	"golang.org/x/sys/unix"
)

// growFloor is the lowest address a mapping may grow down to (Linux
// mmap_min_addr's usual 64 KiB).
const growFloor = 0x10000

// GrowDown extends the MAP_GROWSDOWN mapping just above addr down to
// addr's page, as Linux does for a fault below such a mapping
// (mm/mmap.c expand_downwards, acct_stack_growth): the mapping must stay
// stack_guard_gap above an accessible mapping below it and within the size
// limit StackGrowth gives. It reports whether addr is mapped afterwards.
// Only anonymous mappings grow.
func (as *AddressSpace) GrowDown(addr uint64) bool {
	if as.StackGrowth == nil || addr >= as.limit {
		return false
	}
	l := as.current()
	i := l.search(addr)
	if i >= len(l.v) || l.v[i].Start <= addr || !l.v[i].Grows {
		return false
	}
	limit, gap := as.StackGrowth()
	as.mu.Lock()
	defer as.mu.Unlock()
	i = as.vmas.search(addr)
	if i >= len(as.vmas.v) {
		return false
	}
	v := as.vmas.v[i]
	if v.Start <= addr {
		return true // another thread grew it
	}
	lo := addr &^ (PageSize - 1)
	if !v.Grows || !v.Anon || lo < growFloor || v.End-lo > limit {
		return false
	}
	if i > 0 {
		p := as.vmas.v[i-1]
		if !p.Grows && p.Prot&(ProtRead|ProtWrite|ProtExec) != 0 && lo-p.End < gap {
			return false
		}
	}
	flags := unix.MAP_FIXED | unix.MAP_PRIVATE | unix.MAP_ANONYMOUS
	if _, err := unix.MmapPtr(-1, 0, as.hostPtr(lo), uintptr(v.Start-lo), hostProt(v.Prot), flags); err != nil {
		return false
	}
	as.lockFuture(lo, v.Start-lo)
	v.Offset -= int64(v.Start - lo)
	v.Start = lo
	as.vmas.v[i] = v
	as.publish()
	return true
}

// probeSink keeps readable's load from being optimised away.
var probeSink byte

// readable reports whether the host can read the byte at guest addr: a
// page of a file mapping wholly past the end of the file cannot (the host
// raises SIGBUS). Call with debug.SetPanicOnFault on, as Engine.Run has.
func (as *AddressSpace) readable(addr uint64) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	probeSink = *(*byte)(as.hostPtr(addr))
	return true
}

// writes reports whether op stores to memory; helpers (OpCall) are not
// known and count as loads.
func writes(op *Op) bool {
	switch op.Code {
	case OpStore8, OpStore16, OpStore32, OpStore64, OpAmo, OpSC, OpCas:
		return true
	}
	return false
}
