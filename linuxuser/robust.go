package linuxuser

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/translate"
)

// Robust futexes (Documentation/locking/robust-futexes.rst, kernel/futex/
// core.c exit_robust_list): when a thread dies, every lock on its
// set_robust_list list that it still owns gets FUTEX_OWNER_DIED and one
// waiter is woken, so pthread_mutex_lock on a robust mutex returns
// EOWNERDEAD instead of hanging.

const (
	futexWaiters    = 0x80000000 // include/uapi/linux/futex.h
	futexOwnerDied  = 0x40000000
	futexTIDMask    = 0x3fffffff
	robustListLimit = 2048 // ROBUST_LIST_LIMIT
)

// exitRobustList walks t's robust list:
// struct robust_list_head { list *next; long futex_offset; list *list_op_pending; }.
func exitRobustList(t *Thread) {
	as := t.P.AS
	head := t.RobustList
	if head == 0 {
		return
	}
	next, err1 := as.Load64(head)
	off, err2 := as.Load64(head + 8)
	pending, err3 := as.Load64(head + 16)
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	for n := 0; next != head && n < robustListLimit; n++ {
		entry := next
		var err error
		if next, err = as.Load64(entry); err != nil {
			return
		}
		// Bit 0 of an entry marks a PI futex; the lock word is at entry+offset.
		if entry != pending {
			futexDeath(t, entry&^1+off)
		}
	}
	if pending != 0 {
		futexDeath(t, pending&^1+off)
	}
}

// futexDeath marks the lock word at addr as owner-dead if t owns it, and
// wakes a waiter (kernel/futex/core.c handle_futex_death).
func futexDeath(t *Thread, addr uint64) {
	as := t.P.AS
	if addr%4 != 0 {
		return
	}
	b, err := as.Slice(addr, 4, translate.ProtRead|translate.ProtWrite)
	if err != nil {
		return
	}
	word := (*uint32)(unsafe.Pointer(&b[0]))
	for {
		v := atomic.LoadUint32(word)
		if v&futexTIDMask != uint32(t.TID) {
			return
		}
		nv := v&futexWaiters | futexOwnerDied
		if atomic.CompareAndSwapUint32(word, v, nv) {
			if v&futexWaiters != 0 {
				// A shared wake, as the kernel does: it also reaches private waiters.
				unix.Syscall6(unix.SYS_FUTEX, as.HostAddr(addr), linux.FutexWake, 1, 0, 0, 0)
			}
			return
		}
	}
}
