package translate

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Memory locks are the host's, on the guest's host pages: the host's
// /proc/<pid>/status VmLck then counts exactly what the guest locked, and
// RLIMIT_MEMLOCK applies as it would natively. Locking the whole host
// process (mlockall) would count the reservation and the emulator's heap.

// hostLock is mlock2 on the host pages of a guest range (0 or MLOCK_ONFAULT).
func (as *AddressSpace) hostLock(addr, length uint64, flags int) error {
	_, _, e := unix.Syscall(unix.SYS_MLOCK2, uintptr(as.hostPtr(addr)), uintptr(length), uintptr(flags))
	if e != 0 {
		return e
	}
	return nil
}

// Lock implements mlock/mlock2 and Unlock munlock on [addr, addr+length)
// (page-aligned by the caller) as mm/mlock.c apply_vma_lock_flags: the
// mappings from addr on are locked one by one up to the first hole,
// which fails with ErrNoMem after what came before it was done.
func (as *AddressSpace) Lock(addr, length uint64, flags int) error {
	return as.eachMapped(addr, length, func(lo, n uint64) error { return as.hostLock(lo, n, flags) })
}

// Unlock is munlock (see Lock).
func (as *AddressSpace) Unlock(addr, length uint64) error {
	return as.eachMapped(addr, length, func(lo, n uint64) error {
		return unix.Munlock(unsafe.Slice((*byte)(as.hostPtr(lo)), n))
	})
}

func (as *AddressSpace) eachMapped(addr, length uint64, f func(lo, n uint64) error) error {
	end := addr + length
	if end < addr {
		return ErrInvalid
	}
	if end == addr {
		return nil
	}
	l := as.current()
	pos := addr
	for i := l.search(addr); pos < end; i++ {
		if i >= len(l.v) || l.v[i].Start > pos {
			return ErrNoMem
		}
		hi := min(end, l.v[i].End)
		if err := f(pos, hi-pos); err != nil {
			return err
		}
		pos = hi
	}
	return nil
}

// LockAll is mlockall: with current, every mapping now is locked (errors
// are ignored, as Linux's apply_mlockall_flags does); with future, every
// later one too (SetLockFuture), which mlockall without it turns off.
func (as *AddressSpace) LockAll(current, future, onFault bool) {
	as.SetLockFuture(future, onFault)
	if !current {
		return
	}
	flags := 0
	if onFault {
		flags = unix.MLOCK_ONFAULT
	}
	for _, v := range as.current().v {
		as.hostLock(v.Start, v.End-v.Start, flags)
	}
}

// UnlockAll is munlockall: no mapping stays locked, none will be.
func (as *AddressSpace) UnlockAll() {
	as.SetLockFuture(false, false)
	for _, v := range as.current().v {
		unix.Munlock(unsafe.Slice((*byte)(as.hostPtr(v.Start)), v.End-v.Start))
	}
}
