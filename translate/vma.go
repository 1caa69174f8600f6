package translate

import "sort"

// VMA is one guest mapping as /proc/self/maps shows it.
type VMA struct {
	Start, End uint64
	Prot       int
	Shared     bool
	Anon       bool
	Offset     int64
	Name       string
	// SysV is a System V shared memory segment's id + 1 (0: none); the
	// segment's pages are the host kernel's (shmat), and a fork child
	// attaches the same segment again.
	SysV int
	// Grows is a MAP_GROWSDOWN mapping (VM_GROWSDOWN): a fault just below
	// it extends it downwards (memgrow.go).
	Grows bool
	// Sealed is mseal(2)'s VM_SEALED: the mapping cannot be unmapped,
	// moved, resized, replaced or have its protection changed.
	Sealed bool
}

type vma = VMA

// vmaList keeps the guest mappings sorted and non-overlapping. Operations are
// O(n) in the number of mappings; they run only on mmap-family syscalls.
type vmaList struct{ v []VMA }

// index of the first VMA with End > addr.
func (l *vmaList) search(addr uint64) int {
	return sort.Search(len(l.v), func(i int) bool { return l.v[i].End > addr })
}

func (l *vmaList) find(addr uint64) (VMA, bool) {
	i := l.search(addr)
	if i < len(l.v) && l.v[i].Start <= addr {
		return l.v[i], true
	}
	return VMA{}, false
}

func (l *vmaList) overlaps(lo, hi uint64) bool {
	i := l.search(lo)
	return i < len(l.v) && l.v[i].Start < hi
}

func (l *vmaList) covers(lo, hi uint64) bool { return l.coversWith(lo, hi, 0) }

// coversWith reports whether [lo,hi) is mapped without gaps by VMAs that all
// grant prot.
func (l *vmaList) coversWith(lo, hi uint64, prot int) bool {
	i := l.search(lo)
	for pos := lo; pos < hi; i++ {
		if i >= len(l.v) || l.v[i].Start > pos || l.v[i].Prot&prot != prot {
			return false
		}
		pos = l.v[i].End
	}
	return true
}

// remove cuts [lo,hi) out of every VMA, splitting where needed.
func (l *vmaList) remove(lo, hi uint64) {
	var out []VMA
	for _, v := range l.v {
		if v.End <= lo || v.Start >= hi {
			out = append(out, v)
			continue
		}
		if v.Start < lo {
			left := v
			left.End = lo
			out = append(out, left)
		}
		if v.End > hi {
			right := v
			right.Offset += int64(hi - v.Start)
			right.Start = hi
			out = append(out, right)
		}
	}
	l.v = out
}

// insert adds v, replacing whatever overlapped it.
func (l *vmaList) insert(v VMA) {
	l.remove(v.Start, v.End)
	i := l.search(v.Start)
	l.v = append(l.v, VMA{})
	copy(l.v[i+1:], l.v[i:])
	l.v[i] = v
	l.merge()
}

func (l *vmaList) setProt(lo, hi uint64, prot int) {
	l.update(lo, hi, func(v *VMA) { v.Prot = prot })
}

// update applies change to the parts of the mappings in [lo, hi),
// splitting them at its ends.
func (l *vmaList) update(lo, hi uint64, change func(*VMA)) {
	var parts []VMA
	for _, v := range l.v {
		s, e := max(v.Start, lo), min(v.End, hi)
		if s < e {
			p := v
			p.Offset += int64(s - v.Start)
			p.Start, p.End = s, e
			change(&p)
			parts = append(parts, p)
		}
	}
	for _, p := range parts {
		l.insert(p)
	}
}

// setSealed seals [lo, hi), splitting the mappings at its ends.
func (l *vmaList) setSealed(lo, hi uint64) { l.update(lo, hi, func(v *VMA) { v.Sealed = true }) }

// sealedIn reports whether a sealed mapping overlaps [lo, hi).
func (l *vmaList) sealedIn(lo, hi uint64) bool {
	for _, v := range l.v {
		if v.Sealed && v.Start < hi && lo < v.End {
			return true
		}
	}
	return false
}

// merge joins neighbours that are indistinguishable, as Linux's
// vma_merge does: the offsets must run on, also for anonymous mappings,
// whose offset is where they were first mapped (mm/mmap.c: an anonymous
// VMA's vm_pgoff), so a mapping moved by mremap stays apart.
func (l *vmaList) merge() {
	out := l.v[:0]
	for _, v := range l.v {
		if n := len(out); n > 0 {
			p := &out[n-1]
			if p.End == v.Start && p.Prot == v.Prot && p.Shared == v.Shared && p.Anon == v.Anon &&
				p.Name == v.Name && p.SysV == v.SysV && p.Grows == v.Grows && p.Sealed == v.Sealed && p.Offset+int64(p.End-p.Start) == v.Offset {
				p.End = v.End
				continue
			}
		}
		out = append(out, v)
	}
	l.v = out
}

// findFree returns the highest page-aligned gap of size n inside [lo, hi),
// searching top-down like Linux's default mmap layout.
func (l *vmaList) findFree(n, lo, hi uint64) (uint64, bool) {
	top := hi
	for i := len(l.v) - 1; i >= -1; i-- {
		bottom := lo
		if i >= 0 {
			bottom = max(l.v[i].End, lo)
			if l.v[i].Start >= top {
				continue
			}
		}
		if top >= bottom+n && top-n >= bottom {
			return (top - n) &^ (PageSize - 1), true
		}
		if i >= 0 {
			top = min(top, l.v[i].Start)
		}
		if top <= lo {
			break
		}
	}
	return 0, false
}
