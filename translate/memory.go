package translate

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// PageSize is the guest page size of every supported Linux target
// (riscv64 and aarch64 Linux both run with 4 KiB pages here).
const PageSize = 4096

// Guest protection bits, the values of Linux include/uapi/asm-generic/mman-common.h.
const (
	ProtRead  = 0x1
	ProtWrite = 0x2
	ProtExec  = 0x4
)

// Errors returned by the address-space operations; personalities map them to errno.
var (
	ErrNoMem   = errors.New("guest address space exhausted")
	ErrInvalid = errors.New("invalid guest address range")
	ErrFault   = errors.New("bad guest address")
	// ErrSealed is an operation on a sealed mapping (mseal(2)): EPERM.
	ErrSealed error = unix.EPERM
)

// AddressSpace is a user-mode guest address space: one PROT_NONE host
// reservation where guest address a lives at host address base+a
// (docs/design.md "Memory"). Guest protections are mirrored onto the host pages so
// a stray guest access faults in hardware; the VMA list is the guest's view.
type AddressSpace struct {
	base  unsafe.Pointer
	limit uint64 // guest addresses are [0, limit)

	mu   sync.Mutex
	vmas vmaList
	// view is a copy of vmas.v published after every change under mu, so
	// the checks every syscall makes (rangeHas, ProtAt) take no lock that
	// guest threads would contend on.
	view atomic.Pointer[[]VMA]
	// MmapBase is the top of the region searched downward for mappings
	// without a fixed address (below the stack, like Linux's mmap_base).
	MmapBase uint64
	// MinAddr is the lowest address handed out for non-fixed mappings.
	MinAddr uint64

	// invalidate is called (outside mu) for ranges whose code may have
	// changed, so the block cache can drop translations.
	invalidate func(lo, hi uint64)

	// StackGrowth, when set, lets MAP_GROWSDOWN mappings grow (memgrow.go):
	// it gives the largest size such a mapping may reach (Linux:
	// RLIMIT_STACK) and the gap it must keep below it (stack_guard_gap).
	StackGrowth func() (limit, gap uint64)

	// lockNew is the mlock2 flag word + 1 every new host mapping is locked
	// with (mlockall MCL_FUTURE), 0 for none; see SetLockFuture.
	lockNew atomic.Int32
}

// GuardSize is the PROT_NONE tail past the guest's limit that is never
// mapped: compiled code checks only that an address is below the limit, and
// an access that starts below it and runs over faults here instead of
// touching whatever the host has after the reservation.
const GuardSize = 64 << 10

// NewAddressSpace reserves limit bytes of host address space for the guest.
func NewAddressSpace(limit uint64) (*AddressSpace, error) {
	if limit == 0 || limit%PageSize != 0 {
		return nil, fmt.Errorf("address space size %#x is not a positive multiple of the page size", limit)
	}
	p, err := unix.MmapPtr(-1, 0, nil, uintptr(limit+GuardSize), unix.PROT_NONE,
		unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("cannot reserve %#x bytes of host address space for the guest: %v", limit, err)
	}
	as := &AddressSpace{base: p, limit: limit, MinAddr: 0x10000}
	as.MmapBase = limit / 4 * 3
	return as, nil
}

// Close releases the host reservation.
func (as *AddressSpace) Close() {
	if as.base != nil {
		unix.MunmapPtr(as.base, uintptr(as.limit+GuardSize))
		as.base = nil
	}
}

// Base is the host address of guest address 0.
func (as *AddressSpace) Base() uintptr { return uintptr(as.base) }

// Limit is one past the highest guest address.
func (as *AddressSpace) Limit() uint64 { return as.limit }

// SetInvalidator registers the callback that drops translated code.
func (as *AddressSpace) SetInvalidator(f func(lo, hi uint64)) { as.invalidate = f }

func pageAlign(x uint64) uint64 { return (x + PageSize - 1) &^ (PageSize - 1) }

func (as *AddressSpace) checkRange(addr, length uint64) error {
	if addr%PageSize != 0 || length == 0 || addr+length < addr || addr+length > as.limit {
		return ErrInvalid
	}
	return nil
}

// hostProt maps guest protections onto the host's. Exec-only pages stay
// readable on the host because the translator fetches code through them;
// execute permission is checked against the VMA list instead.
func hostProt(prot int) int {
	p := prot & (ProtRead | ProtWrite)
	if prot&ProtExec != 0 {
		p |= ProtRead
	}
	return p
}

// MapSpec describes one guest mmap request.
type MapSpec struct {
	Addr      uint64 // hint, or exact address when Fixed
	Length    uint64
	Prot      int
	Fixed     bool // MAP_FIXED: replace whatever is there
	NoReplace bool // MAP_FIXED_NOREPLACE: fail with ErrExist when occupied
	Shared    bool
	FD        int // -1 for anonymous
	Offset    int64
	Name      string // for /proc/self/maps: a path, "[heap]", "[stack]" ...
	Grows     bool   // MAP_GROWSDOWN stack
	// Attach, when set, puts the host pages in place instead of mmap
	// (System V shmat with SHM_REMAP); SysV goes into the VMA.
	Attach func(host unsafe.Pointer) error
	SysV   int
}

// ErrExist is returned for MAP_FIXED_NOREPLACE over an existing mapping.
var ErrExist = errors.New("guest range already mapped")

// Map creates a guest mapping and returns its address.
func (as *AddressSpace) Map(s MapSpec) (uint64, error) {
	length := pageAlign(s.Length)
	if length == 0 || length > as.limit {
		return 0, ErrInvalid
	}
	as.mu.Lock()
	addr := s.Addr &^ (PageSize - 1)
	switch {
	case s.Fixed || s.NoReplace:
		if s.Addr%PageSize != 0 || as.checkRange(addr, length) != nil {
			as.mu.Unlock()
			return 0, ErrInvalid
		}
		if s.NoReplace && as.vmas.overlaps(addr, addr+length) {
			as.mu.Unlock()
			return 0, ErrExist
		}
		if as.vmas.sealedIn(addr, addr+length) {
			as.mu.Unlock()
			return 0, ErrSealed
		}
	default:
		if addr == 0 || as.checkRange(addr, length) != nil || as.vmas.overlaps(addr, addr+length) {
			a, ok := as.vmas.findFree(length, as.MinAddr, as.MmapBase)
			if !ok {
				as.mu.Unlock()
				return 0, ErrNoMem
			}
			addr = a
		}
	}
	err := as.hostMap(addr, length, s)
	if err == nil {
		anon := s.FD < 0 && s.Attach == nil
		off := s.Offset
		if anon {
			off = int64(addr) // Linux: an anonymous VMA's vm_pgoff is its first page
		}
		as.vmas.insert(vma{Start: addr, End: addr + length, Prot: s.Prot, Shared: s.Shared,
			Name: s.Name, Offset: off, Anon: anon, SysV: s.SysV, Grows: s.Grows})
		as.publish()
	}
	as.mu.Unlock()
	if err != nil {
		return 0, err
	}
	as.notify(addr, addr+length)
	return addr, nil
}

func (as *AddressSpace) hostMap(addr, length uint64, s MapSpec) error {
	if s.Attach != nil {
		return s.Attach(as.hostPtr(addr))
	}
	flags := unix.MAP_FIXED
	if s.Shared {
		flags |= unix.MAP_SHARED
	} else {
		flags |= unix.MAP_PRIVATE
	}
	fd := s.FD
	if fd < 0 {
		flags |= unix.MAP_ANONYMOUS
		fd = -1
	}
	_, err := unix.MmapPtr(fd, s.Offset, as.hostPtr(addr), uintptr(length), hostProt(s.Prot), flags)
	if err != nil {
		return err
	}
	as.lockFuture(addr, length)
	return nil
}

// SetLockFuture makes every later mapping locked (mlockall MCL_FUTURE,
// with MLOCK_ONFAULT when onFault) or stops it.
func (as *AddressSpace) SetLockFuture(on, onFault bool) {
	switch {
	case !on:
		as.lockNew.Store(0)
	case onFault:
		as.lockNew.Store(1 + unix.MLOCK_ONFAULT)
	default:
		as.lockNew.Store(1)
	}
}

// lockFuture locks new host pages under SetLockFuture; as on Linux, a
// mapping stays even when the lock fails (RLIMIT_MEMLOCK).
func (as *AddressSpace) lockFuture(addr, length uint64) {
	if f := as.lockNew.Load(); f != 0 {
		as.hostLock(addr, length, int(f-1))
	}
}

// Unmap removes guest mappings in [addr, addr+length), returning the pages to
// the reservation (never a host munmap: that would open a hole Go could take).
func (as *AddressSpace) Unmap(addr, length uint64) error {
	length = pageAlign(length)
	if err := as.checkRange(addr, length); err != nil {
		return err
	}
	as.mu.Lock()
	if as.vmas.sealedIn(addr, addr+length) {
		as.mu.Unlock()
		return ErrSealed
	}
	err := as.unmapLocked(addr, length)
	as.mu.Unlock()
	as.notify(addr, addr+length)
	return err
}

// Seal seals the mappings in [addr, addr+length) (mseal(2)); the range
// must be mapped throughout (ErrNoMem).
func (as *AddressSpace) Seal(addr, length uint64) error {
	if err := as.checkRange(addr, length); err != nil {
		return ErrNoMem
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	if !as.vmas.covers(addr, addr+length) {
		return ErrNoMem
	}
	as.vmas.setSealed(addr, addr+length)
	as.publish()
	return nil
}

// SealedReadOnlyAnon reports whether [addr, addr+length) holds a sealed
// private anonymous mapping without write permission, whose pages
// discarding advice may not drop (mm/mseal.c is_ro_anon).
func (as *AddressSpace) SealedReadOnlyAnon(addr, length uint64) bool {
	as.mu.Lock()
	defer as.mu.Unlock()
	for _, v := range as.vmas.v {
		if v.Sealed && v.Start < addr+length && addr < v.End && v.Anon && !v.Shared && v.Prot&ProtWrite == 0 {
			return true
		}
	}
	return false
}

// unmapLocked is Unmap with mu held and the range checked.
func (as *AddressSpace) unmapLocked(addr, length uint64) error {
	_, err := unix.MmapPtr(-1, 0, as.hostPtr(addr), uintptr(length), unix.PROT_NONE,
		unix.MAP_FIXED|unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err == nil {
		as.vmas.remove(addr, addr+length)
		as.publish()
	}
	return err
}

// Protect changes guest protections; every page in the range must be mapped.
func (as *AddressSpace) Protect(addr, length uint64, prot int) error {
	length = pageAlign(length)
	if err := as.checkRange(addr, length); err != nil {
		return err
	}
	as.mu.Lock()
	if !as.vmas.covers(addr, addr+length) {
		as.mu.Unlock()
		return ErrNoMem
	}
	if as.vmas.sealedIn(addr, addr+length) {
		as.mu.Unlock()
		return ErrSealed
	}
	err := unix.Mprotect(as.hostSlice(addr, length), hostProt(prot))
	if err == nil {
		as.vmas.setProt(addr, addr+length, prot)
		as.publish()
	}
	as.mu.Unlock()
	as.notify(addr, addr+length)
	return err
}

func (as *AddressSpace) notify(lo, hi uint64) {
	if as.invalidate != nil {
		as.invalidate(lo, hi)
	}
}

func (as *AddressSpace) hostPtr(addr uint64) unsafe.Pointer {
	return unsafe.Add(as.base, addr)
}

func (as *AddressSpace) hostSlice(addr, length uint64) []byte {
	return unsafe.Slice((*byte)(as.hostPtr(addr)), length)
}

// VMAs returns a copy of the guest's mappings, in address order.
func (as *AddressSpace) VMAs() []VMA {
	as.mu.Lock()
	defer as.mu.Unlock()
	out := make([]VMA, len(as.vmas.v))
	copy(out, as.vmas.v)
	return out
}

// ProtAt returns the guest protection of the page holding addr, and whether it is mapped.
func (as *AddressSpace) ProtAt(addr uint64) (int, bool) {
	v, ok := as.current().find(addr)
	return v.Prot, ok
}

// SharedAt reports whether addr is in a shared mapping.
func (as *AddressSpace) SharedAt(addr uint64) bool {
	v, ok := as.current().find(addr)
	return ok && v.Shared
}

// publish makes the current mappings the view lock-free readers see;
// called with mu held after every change.
func (as *AddressSpace) publish() {
	v := slices.Clone(as.vmas.v)
	as.view.Store(&v)
}

// current is the last published view of the mappings.
func (as *AddressSpace) current() *vmaList {
	l := &vmaList{}
	if v := as.view.Load(); v != nil {
		l.v = *v
	}
	return l
}

// rangeHas reports whether every byte of [addr, addr+n) is mapped with all of prot.
func (as *AddressSpace) rangeHas(addr, n uint64, prot int) bool {
	if n == 0 {
		return true
	}
	if addr+n < addr || addr+n > as.limit {
		return false
	}
	return as.current().coversWith(addr, addr+n, prot)
}

// Slice returns the host bytes backing guest [addr, addr+n) after checking
// that the guest may access them with prot. Syscall handlers use it for
// zero-copy I/O; the slice is valid until the range is unmapped.
func (as *AddressSpace) Slice(addr, n uint64, prot int) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	if !as.rangeHas(addr, n, prot) && !(as.GrowDown(addr) && as.rangeHas(addr, n, prot)) {
		return nil, ErrFault
	}
	return as.hostSlice(addr, n), nil
}

// Read copies guest memory into buf.
func (as *AddressSpace) Read(addr uint64, buf []byte) error {
	s, err := as.Slice(addr, uint64(len(buf)), ProtRead)
	if err != nil {
		return err
	}
	copy(buf, s)
	return nil
}

// Write copies buf into guest memory.
func (as *AddressSpace) Write(addr uint64, buf []byte) error {
	s, err := as.Slice(addr, uint64(len(buf)), ProtWrite)
	if err != nil {
		return err
	}
	copy(s, buf)
	return nil
}

// WriteForce writes guest memory ignoring guest write protection (loader use:
// filling read-only segments). The pages must be mapped.
func (as *AddressSpace) WriteForce(addr uint64, buf []byte) error {
	if !as.rangeHas(addr, uint64(len(buf)), 0) {
		return ErrFault
	}
	hs := as.hostSlice(addr&^(PageSize-1), pageAlign(addr+uint64(len(buf)))-addr&^(PageSize-1))
	if err := unix.Mprotect(hs, unix.PROT_READ|unix.PROT_WRITE); err != nil {
		return err
	}
	copy(as.hostSlice(addr, uint64(len(buf))), buf)
	as.mu.Lock()
	// Restore each VMA's protection over the touched pages.
	lo, hi := addr&^(PageSize-1), pageAlign(addr+uint64(len(buf)))
	for _, v := range as.vmas.v {
		s, e := max(v.Start, lo), min(v.End, hi)
		if s < e {
			unix.Mprotect(as.hostSlice(s, e-s), hostProt(v.Prot))
		}
	}
	as.mu.Unlock()
	as.notify(addr, addr+uint64(len(buf)))
	return nil
}

// ReadString reads a NUL-terminated guest string of at most max bytes.
func (as *AddressSpace) ReadString(addr uint64, maxLen int) (string, error) {
	var out []byte
	for len(out) < maxLen {
		chunk := PageSize - addr%PageSize
		s, err := as.Slice(addr, chunk, ProtRead)
		if err != nil {
			return "", err
		}
		for i, c := range s {
			if c == 0 {
				return string(append(out, s[:i]...)), nil
			}
		}
		out = append(out, s...)
		addr += chunk
	}
	return "", ErrInvalid
}

// Load64 and Store64 are checked accessors for personality code.
func (as *AddressSpace) Load64(addr uint64) (uint64, error) {
	s, err := as.Slice(addr, 8, ProtRead)
	if err != nil {
		return 0, err
	}
	return *(*uint64)(unsafe.Pointer(&s[0])), nil
}

func (as *AddressSpace) Store64(addr, v uint64) error {
	s, err := as.Slice(addr, 8, ProtWrite)
	if err != nil {
		return err
	}
	*(*uint64)(unsafe.Pointer(&s[0])) = v
	return nil
}

func (as *AddressSpace) Load32(addr uint64) (uint32, error) {
	s, err := as.Slice(addr, 4, ProtRead)
	if err != nil {
		return 0, err
	}
	return *(*uint32)(unsafe.Pointer(&s[0])), nil
}

func (as *AddressSpace) Store32(addr uint64, v uint32) error {
	s, err := as.Slice(addr, 4, ProtWrite)
	if err != nil {
		return err
	}
	*(*uint32)(unsafe.Pointer(&s[0])) = v
	return nil
}

// HostAddr is the host address of guest addr (futexes use it directly).
func (as *AddressSpace) HostAddr(addr uint64) uintptr { return uintptr(as.base) + uintptr(addr) }

// LockMappings freezes the mappings for a fork snapshot: it returns the
// VMAs and keeps every mapping change waiting until UnlockMappings, so the
// list stays true to the host pages while the host process is cloned.
func (as *AddressSpace) LockMappings() []VMA {
	as.mu.Lock()
	out := make([]VMA, len(as.vmas.v))
	copy(out, as.vmas.v)
	return out
}

// UnlockMappings ends LockMappings.
func (as *AddressSpace) UnlockMappings() { as.mu.Unlock() }

// RestoreVMA recreates a mapping that VMAs listed in another process (a
// forked child rebuilding its parent's memory): v is recorded as it was.
// With fd >= 0 the host maps fd's pages at off MAP_SHARED; otherwise
// fresh anonymous pages, which fill (when not nil) writes before v.Prot is
// applied.
func (as *AddressSpace) RestoreVMA(v VMA, fd int, off int64, fill func(host []byte) error) error {
	return as.restore(v, nil, fd, off, fill)
}

// RestoreAttached recreates v with attach putting its host pages in place
// (a System V segment attached again).
func (as *AddressSpace) RestoreAttached(v VMA, attach func(host unsafe.Pointer) error) error {
	return as.restore(v, attach, -1, 0, nil)
}

func (as *AddressSpace) restore(v VMA, attach func(host unsafe.Pointer) error, fd int, off int64, fill func(host []byte) error) error {
	if v.Start%PageSize != 0 || v.End%PageSize != 0 || as.checkRange(v.Start, v.End-v.Start) != nil {
		return ErrInvalid
	}
	n := v.End - v.Start
	as.mu.Lock()
	defer as.mu.Unlock()
	var err error
	if attach != nil {
		err = attach(as.hostPtr(v.Start))
	} else if fd >= 0 {
		_, err = unix.MmapPtr(fd, off, as.hostPtr(v.Start), uintptr(n), hostProt(v.Prot), unix.MAP_FIXED|unix.MAP_SHARED)
	} else {
		_, err = unix.MmapPtr(-1, 0, as.hostPtr(v.Start), uintptr(n), unix.PROT_READ|unix.PROT_WRITE,
			unix.MAP_FIXED|unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err == nil && fill != nil {
			err = fill(as.hostSlice(v.Start, n))
		}
		if err == nil {
			err = unix.Mprotect(as.hostSlice(v.Start, n), hostProt(v.Prot))
		}
	}
	if err != nil {
		return err
	}
	as.vmas.insert(v)
	as.publish()
	return nil
}

// HostPtr is the host address of guest addr as a pointer.
func (as *AddressSpace) HostPtr(addr uint64) unsafe.Pointer { return as.hostPtr(addr) }

// Zero gives the anonymous private mappings in [addr, addr+length) fresh
// zero-filled host pages with their protections: MADV_DONTNEED for
// anonymous memory, whatever backs the host pages (a fork child maps its
// parent's memory image privately).
func (as *AddressSpace) Zero(addr, length uint64) error {
	length = pageAlign(length)
	if err := as.checkRange(addr, length); err != nil {
		return err
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	for _, v := range as.vmas.v {
		s, e := max(v.Start, addr), min(v.End, addr+length)
		if s >= e || !v.Anon || v.Shared {
			continue
		}
		_, err := unix.MmapPtr(-1, 0, as.hostPtr(s), uintptr(e-s), hostProt(v.Prot),
			unix.MAP_FIXED|unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err != nil {
			return err
		}
	}
	return nil
}
