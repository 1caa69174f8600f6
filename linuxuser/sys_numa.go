package linuxuser

import (
	"encoding/binary"
	"runtime"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// NUMA memory policy (mm/mempolicy.c, mm/migrate.c) on the host memory
// behind the guest's: node masks are arrays of unsigned long, the same on
// every 64-bit guest; guest addresses become host ones. A range with a
// hole in the guest's mappings is given to the host at an address no
// mapping has, so the host reports it (EFAULT) after its argument checks,
// in its own order: gemu's reservation around guest memory would hide it.

func init() {
	register(
		row{"get_mempolicy", sysGetMempolicy, kinds(aPtr, aPtr, aLong, aPtr, aHex), syscalls.RetInt, syscalls.Full,
			"host policy of the calling thread or of the guest address's host page"},
		row{"set_mempolicy", sysSetMempolicy, kinds(aInt, aPtr, aLong), syscalls.RetInt, syscalls.Full,
			"host policy of the calling thread"},
		row{"mbind", sysMbind, kinds(aPtr, aLong, aInt, aPtr, aLong, aHex), syscalls.RetInt, syscalls.Full,
			"host policy of the guest range's host pages"},
		row{"set_mempolicy_home_node", sysSetMempolicyHomeNode, kinds(aPtr, aLong, aInt, aHex), syscalls.RetInt,
			syscalls.Full, "on the guest range's host pages"},
		row{"migrate_pages", sysMigratePages, kinds(aInt, aLong, aPtr, aPtr), syscalls.RetInt, syscalls.Full,
			"host call: the pages of a whole process"},
		row{"move_pages", sysMovePages, kinds(aInt, aLong, aPtr, aPtr, aPtr, aHex), syscalls.RetInt, syscalls.Partial,
			"this process's pages; another process's guest addresses are its own (ENOSYS)"},
	)
}

const (
	mpolFAddr     = 1 << 1 // MPOL_F_ADDR (include/uapi/linux/mempolicy.h)
	nodeMaskLimit = translate.PageSize * 8
)

// nodeMask is the host address of a guest node mask of maxnode bits: the
// kernel reads or writes ALIGN(maxnode-1, 64)/8 bytes of it, and refuses a
// mask of more than a page of bits before touching it.
func nodeMask(t *Thread, addr, maxnode uint64) uintptr {
	if maxnode == 0 || maxnode-1 > nodeMaskLimit {
		return t.HostAddr(addr)
	}
	return t.UserRange(addr, (maxnode-1+63)/64*8)
}

// guestRange is the host address of the guest range [addr, addr+n) for a
// host call that works on its pages: badUserPtr's page when the range has
// a hole (the host then fails on it as on an unmapped range).
func guestRange(t *Thread, addr, n uint64) uintptr {
	if addr%translate.PageSize != 0 {
		return uintptr(addr) // the host's EINVAL
	}
	n = usermode.PageUp(n)
	if n == 0 || addr+n < addr {
		return uintptr(addr)
	}
	if _, err := t.P.AS.Slice(addr, n, 0); err != nil {
		return usermode.BadUserPtr
	}
	return t.P.AS.HostAddr(addr)
}

func sysGetMempolicy(t *Thread, a *Args) uint64 {
	addr := uintptr(a[3])
	if a[4]&mpolFAddr != 0 {
		if addr = guestRange(t, a[3]&^uint64(translate.PageSize-1), translate.PageSize); addr != usermode.BadUserPtr {
			addr = t.P.AS.HostAddr(a[3])
		}
	}
	return usermode.Ret(usermode.Raw(unix.SYS_GET_MEMPOLICY, t.UserRange(a[0], 4), nodeMask(t, a[1], a[2]), uintptr(a[2]),
		addr, uintptr(a[4]), 0))
}

func sysSetMempolicy(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_SET_MEMPOLICY, uintptr(int32(a[0])), nodeMask(t, a[1], a[2]), uintptr(a[2]), 0, 0, 0))
}

func sysMbind(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_MBIND, guestRange(t, a[0], a[1]), uintptr(a[1]), uintptr(uint32(a[2])),
		nodeMask(t, a[3], a[4]), uintptr(a[4]), uintptr(uint32(a[5]))))
}

func sysSetMempolicyHomeNode(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_SET_MEMPOLICY_HOME_NODE, guestRange(t, a[0], a[1]), uintptr(a[1]), uintptr(a[2]),
		uintptr(a[3]), 0, 0))
}

func sysMigratePages(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_MIGRATE_PAGES, uintptr(int32(a[0])), uintptr(a[1]), nodeMask(t, a[2], a[1]),
		nodeMask(t, a[3], a[1]), 0, 0))
}

// sysMovePages is move_pages(pid, count, pages, nodes, status, flags) for
// this process: the guest's page addresses go to the host as host ones.
func sysMovePages(t *Thread, a *Args) uint64 {
	pid := int32(a[0])
	if pid != 0 && int(pid) != t.P.PID {
		t.P.Unimp("gemu: move_pages of another process (pid %d): its guest addresses are its own", pid)
		return usermode.Errno(unix.ENOSYS)
	}
	count := a[1]
	if count > 1<<20 {
		return usermode.Errno(unix.E2BIG)
	}
	pages := make([]uint64, count+1) // one more: a pointer to it even for count 0
	raw8 := make([]byte, 8*count)
	bad := t.P.AS.Read(a[2], raw8) != nil && count > 0
	for i := range raw8[:len(raw8)/8] {
		g := binary.LittleEndian.Uint64(raw8[8*i:])
		// An unmapped guest page is EFAULT in its status, as natively;
		// the host would see gemu's reservation there (ENOENT).
		pages[i] = uint64(usermode.BadUserPtr)
		if _, err := t.P.AS.Slice(g&^uint64(translate.PageSize-1), 1, 0); err == nil {
			pages[i] = uint64(t.P.AS.HostAddr(g))
		}
	}
	hostPages := uintptr(unsafe.Pointer(&pages[0]))
	if bad {
		hostPages = usermode.BadUserPtr // the host's EFAULT, after its own checks
	}
	r, _, e := unix.Syscall6(unix.SYS_MOVE_PAGES, 0, uintptr(count), hostPages, t.UserRange(a[3], 4*count),
		t.UserRange(a[4], 4*count), uintptr(int32(a[5])))
	runtime.KeepAlive(pages)
	if e != 0 {
		return usermode.Errno(e)
	}
	return uint64(r)
}
