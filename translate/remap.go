package translate

import (
	"errors"

	"golang.org/x/sys/unix"
)

// RemapRequest is one mremap(2) call. The personality checks the flags
// and alignments (mm/mremap.c check_mremap_params) and rounds both
// lengths up to pages before calling Remap.
type RemapRequest struct {
	Addr, OldLen, NewLen uint64
	NewAddr              uint64 // MREMAP_FIXED target, or MREMAP_DONTUNMAP hint
	MayMove              bool   // MREMAP_MAYMOVE
	Fixed                bool   // MREMAP_FIXED
	DontUnmap            bool   // MREMAP_DONTUNMAP
}

// newAddr reports whether the call always picks a new address
// (vrm_implies_new_addr).
func (r RemapRequest) newAddr() bool { return r.Fixed || r.DontUnmap }

// span is a guest range whose translations must be dropped.
type span struct{ lo, hi uint64 }

// Remap implements mremap as Linux 6.18 mm/mremap.c does_mremap: shrink
// (an munmap of the tail, which may span mappings), grow in place or move
// (the old range must lie in one mapping), MREMAP_FIXED (the target's
// mappings are unmapped first; a move without resizing may span several
// mappings and gaps, which keep their distances: remap_move) and
// MREMAP_DONTUNMAP (the old mapping stays, empty if anonymous). old_len 0
// duplicates a shared mapping. Errors: ErrFault (EFAULT), ErrNoMem
// (ENOMEM), ErrInvalid (EINVAL), or the host's.
func (as *AddressSpace) Remap(r RemapRequest) (uint64, error) {
	var dirty []span
	as.mu.Lock()
	got, err := as.remap(r, &dirty)
	as.publish()
	as.mu.Unlock()
	for _, d := range dirty {
		as.notify(d.lo, d.hi)
	}
	return got, err
}

func (as *AddressSpace) remap(r RemapRequest, dirty *[]span) (uint64, error) {
	if r.Addr+r.OldLen < r.Addr || r.Addr >= as.limit {
		return 0, ErrFault
	}
	if r.newAddr() {
		if err := as.targetValid(r.Addr, r.OldLen, r.NewAddr, r.NewLen); err != nil {
			return 0, err
		}
	}
	// Sealed mappings neither move nor change size, nor are they replaced.
	if as.vmas.sealedIn(r.Addr, r.Addr+max(r.OldLen, 1)) || (r.newAddr() && as.vmas.sealedIn(r.NewAddr, r.NewAddr+r.NewLen)) {
		return 0, ErrSealed
	}
	if r.newAddr() {
		if r.Fixed && r.OldLen == r.NewLen {
			return as.remapMove(r, dirty)
		}
	}
	v, ok := as.vmas.find(r.Addr)
	if !ok {
		return 0, ErrFault
	}
	if r.NewLen > r.OldLen || r.newAddr() {
		if err := remapValid(v, r); err != nil {
			return 0, err
		}
	}
	if r.newAddr() {
		return as.remapTo(r, dirty)
	}
	switch {
	case r.NewLen == r.OldLen:
		return r.Addr, nil
	case r.NewLen < r.OldLen:
		lo, hi := r.Addr+r.NewLen, min(r.Addr+r.OldLen, as.limit)
		*dirty = append(*dirty, span{lo, hi})
		return r.Addr, as.unmapLocked(lo, hi-lo)
	}
	// Grow: in place when the range ends the mapping and room follows
	// (vrm_can_expand_in_place), else move if allowed.
	end := v.End + (r.NewLen - r.OldLen)
	if r.Addr+r.OldLen == v.End && end > v.End && end <= as.limit && !as.vmas.overlaps(v.End, end) {
		return as.growInPlace(v, r, dirty)
	}
	if !r.MayMove {
		return 0, ErrNoMem
	}
	dst, found := as.vmas.findFree(r.NewLen, as.MinAddr, as.MmapBase)
	if !found {
		return 0, ErrNoMem
	}
	return as.moveVMA(v, r.Addr, r.OldLen, dst, r.NewLen, false, dirty)
}

// targetValid is mremap_to's check of the new range: inside the address
// space and not overlapping the old one.
func (as *AddressSpace) targetValid(addr, oldLen, dst, newLen uint64) error {
	if newLen > as.limit || dst > as.limit-newLen {
		return ErrInvalid
	}
	if addr+oldLen > dst && dst+newLen > addr {
		return ErrInvalid
	}
	return nil
}

// remapValid is check_prep_vma's remap_is_valid for a call that grows or
// moves v: old_len 0 needs a shared mapping, and the old range must not
// run past the mapping's end.
func remapValid(v VMA, r RemapRequest) error {
	if r.OldLen == 0 && !v.Shared {
		return ErrInvalid
	}
	if r.OldLen > v.End-r.Addr {
		return ErrFault
	}
	return nil
}

// remapMove moves every mapping in [Addr, Addr+OldLen) to the same place
// relative to NewAddr, one piece at a time (Linux 6.17+ remap_move): the
// range must start in a mapping; each piece unmaps its own target.
func (as *AddressSpace) remapMove(r RemapRequest, dirty *[]span) (uint64, error) {
	start, end := r.Addr, r.Addr+r.OldLen
	pos, res, first := start, uint64(0), true
	for {
		i := as.vmas.search(pos)
		if i >= len(as.vmas.v) || as.vmas.v[i].Start >= end {
			break
		}
		v := as.vmas.v[i]
		if first && v.Start > start {
			return 0, ErrFault
		}
		addr := max(v.Start, start)
		n := min(end, v.End) - addr
		piece := r
		piece.Addr, piece.OldLen, piece.NewLen, piece.NewAddr = addr, n, n, r.NewAddr+(addr-start)
		if err := remapValid(v, piece); err != nil {
			return 0, err
		}
		got, err := as.remapTo(piece, dirty)
		if err != nil {
			return 0, err
		}
		if first {
			res = got
		}
		first = false
		pos = addr + n
	}
	if first {
		return 0, ErrFault
	}
	return res, nil
}

// remapTo is mremap_to: unmap a fixed target, shrink in place first, then
// move to the target, the hint (DONTUNMAP without FIXED) or a free range.
func (as *AddressSpace) remapTo(r RemapRequest, dirty *[]span) (uint64, error) {
	if r.Fixed {
		*dirty = append(*dirty, span{r.NewAddr, r.NewAddr + r.NewLen})
		if err := as.unmapLocked(r.NewAddr, r.NewLen); err != nil {
			return 0, err
		}
	}
	oldLen := r.OldLen
	if r.NewLen < oldLen {
		*dirty = append(*dirty, span{r.Addr + r.NewLen, r.Addr + oldLen})
		if err := as.unmapLocked(r.Addr+r.NewLen, oldLen-r.NewLen); err != nil {
			return 0, err
		}
		oldLen = r.NewLen
	}
	v, ok := as.vmas.find(r.Addr)
	if !ok {
		return 0, ErrFault
	}
	dst := r.NewAddr
	if !r.Fixed {
		// A hint, as for mmap: taken when free, else searched top-down.
		if dst == 0 || dst < as.MinAddr || as.checkRange(dst, r.NewLen) != nil || as.vmas.overlaps(dst, dst+r.NewLen) {
			var found bool
			if dst, found = as.vmas.findFree(r.NewLen, as.MinAddr, as.MmapBase); !found {
				return 0, ErrNoMem
			}
		}
	}
	return as.moveVMA(v, r.Addr, oldLen, dst, r.NewLen, r.DontUnmap, dirty)
}

// growInPlace extends v's end by moving its host pages out to a free
// range and back grown (the host range after it is the reservation, which
// a host mremap cannot grow into).
func (as *AddressSpace) growInPlace(v VMA, r RemapRequest, dirty *[]span) (uint64, error) {
	tmp, found := as.vmas.findFree(r.NewLen, as.MinAddr, as.MmapBase)
	if !found {
		return 0, ErrNoMem
	}
	if err := as.hostMove(v, r.Addr, r.OldLen, tmp, r.NewLen, false); err != nil {
		return 0, err
	}
	if err := as.hostMove(v, tmp, r.NewLen, r.Addr, r.NewLen, false); err != nil {
		return 0, err
	}
	nv := v
	nv.End = r.Addr + r.NewLen
	as.vmas.insert(nv)
	*dirty = append(*dirty, span{v.Start, nv.End})
	return r.Addr, nil
}

// moveVMA moves [addr, addr+oldLen) of v to dst, newLen long (move_vma).
// With dontUnmap the old range stays mapped; an anonymous private one
// gets fresh zero pages (a fork child's private pages are a file's).
func (as *AddressSpace) moveVMA(v VMA, addr, oldLen, dst, newLen uint64, dontUnmap bool, dirty *[]span) (uint64, error) {
	if err := as.hostMove(v, addr, oldLen, dst, newLen, dontUnmap); err != nil {
		return 0, err
	}
	if dontUnmap && v.Anon && !v.Shared {
		unix.MmapPtr(-1, 0, as.hostPtr(addr), uintptr(oldLen), hostProt(v.Prot),
			unix.MAP_FIXED|unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	}
	nv := v
	nv.Start, nv.End = dst, dst+newLen
	nv.Offset = v.Offset + int64(addr-v.Start)
	if oldLen > 0 && !dontUnmap {
		as.vmas.remove(addr, addr+oldLen)
	}
	as.vmas.insert(nv)
	*dirty = append(*dirty, span{addr, addr + oldLen}, span{dst, dst + newLen})
	return dst, nil
}

// hostMove moves host pages with mremap and puts reservation back over the
// hole the move leaves at the source (none with dontUnmap). An anonymous
// private v moves without ever leaving a hole (privateMove): another
// thread's host mmap (Go's runtime allocating) could land in one and be
// overwritten by the reservation put back.
func (as *AddressSpace) hostMove(v VMA, src, srcLen, dst, dstLen uint64, dontUnmap bool) error {
	if !dontUnmap && v.Anon && !v.Shared && srcLen > 0 && as.privateMove(v, src, srcLen, dst, dstLen) {
		return as.reserveHole(src, srcLen, dst, dstLen)
	}
	if err := as.hostRemap(src, srcLen, dst, dstLen, dontUnmap); err != nil {
		return err
	}
	if dontUnmap || srcLen == 0 {
		return nil
	}
	return as.reserveHole(src, srcLen, dst, dstLen)
}

// privateMove moves the pages with MREMAP_DONTUNMAP, which leaves the
// source mapped, and maps a growth as zero pages with v's protection over
// the reservation (MAP_FIXED replaces in one step); false when the host
// refuses (overlapping ranges), for the plain move to be used.
func (as *AddressSpace) privateMove(v VMA, src, srcLen, dst, dstLen uint64) bool {
	if as.hostRemap(src, srcLen, dst, srcLen, true) != nil {
		return false
	}
	if dstLen > srcLen {
		unix.MmapPtr(-1, 0, as.hostPtr(dst+srcLen), uintptr(dstLen-srcLen), hostProt(v.Prot),
			unix.MAP_FIXED|unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	}
	return true
}

// reserveHole maps the reservation over what a move left of the source.
func (as *AddressSpace) reserveHole(src, srcLen, dst, dstLen uint64) error {
	lo, hi := src, src+srcLen
	if dst < hi && dst+dstLen > lo { // only the part not covered by dst is a hole
		if dst <= lo {
			lo = dst + dstLen
		} else {
			hi = dst
		}
	}
	if lo < hi {
		_, err := unix.MmapPtr(-1, 0, as.hostPtr(lo), uintptr(hi-lo), unix.PROT_NONE,
			unix.MAP_FIXED|unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
		return err
	}
	return nil
}

// hostRemap is one host mremap to a fixed place. A guest mapping may be
// several host mappings (the host merges anonymous ones only sometimes),
// and a host older than 6.17 moves only one at a time: on EFAULT the
// range is moved in two halves, the second one taking the growth.
func (as *AddressSpace) hostRemap(src, srcLen, dst, dstLen uint64, dontUnmap bool) error {
	flags := unix.MREMAP_MAYMOVE | unix.MREMAP_FIXED
	if dontUnmap {
		flags |= unix.MREMAP_DONTUNMAP
	}
	_, err := unix.MremapPtr(as.hostPtr(src), uintptr(srcLen), as.hostPtr(dst), uintptr(dstLen), flags)
	if !errors.Is(err, unix.EFAULT) || srcLen <= PageSize {
		return err
	}
	half := srcLen / 2 &^ (PageSize - 1)
	if err := as.hostRemap(src, half, dst, half, dontUnmap); err != nil {
		return err
	}
	return as.hostRemap(src+half, srcLen-half, dst+half, dstLen-half, dontUnmap)
}
