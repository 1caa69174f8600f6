package linuxuser

import (
	"runtime"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// The mount API of file descriptors (fs/fsopen.c, fs/namespace.c) and
// other calls whose arguments cross as they are: struct mount_attr,
// mnt_id_req, statmount, cachestat_range and cachestat are made of 64-bit
// fields, the same on the LP64 guests and x86_64
// (include/uapi/linux/mount.h, mman.h). util-linux's libmount uses the
// mount API when the kernel has it.

// Sizes of the structs (the versions the guests' headers know).
const (
	sizeMntIDReq      = 24 // MNT_ID_REQ_SIZE_VER0
	sizeCachestatArgs = 16 // struct cachestat_range
	sizeCachestat     = 40 // struct cachestat
	sizeKcmpEpollSlot = 12 // struct kcmp_epoll_slot
)

// fsconfig commands (include/uapi/linux/mount.h) and kcmp's type that
// takes a pointer (include/uapi/linux/kcmp.h).
const (
	fsconfigSetString    = 1
	fsconfigSetBinary    = 2
	fsconfigSetPath      = 3
	fsconfigSetPathEmpty = 4
	kcmpEpollTFD         = 7
)

func init() {
	register(
		passRow("fsopen", unix.SYS_FSOPEN, false, str, val),
		row{"fsconfig", sysFsconfig, kinds(aInt, aInt, aStr, aPtr, aInt), syscalls.RetInt, syscalls.Full,
			"passed through; the value as the command says (string, buffer of aux bytes, path)"},
		passRow("fsmount", unix.SYS_FSMOUNT, false, i32, val, val),
		passRow("fspick", unix.SYS_FSPICK, false, i32, path, val),
		passRow("move_mount", unix.SYS_MOVE_MOUNT, false, i32, path, i32, path, val),
		passRow("open_tree", unix.SYS_OPEN_TREE, false, i32, path, val),
		passRow("mount_setattr", unix.SYS_MOUNT_SETATTR, false, i32, path, val, inLen(4), val),
		passRow("statmount", unix.SYS_STATMOUNT, false, in(sizeMntIDReq), outLen(2), val, val),
		passRow("listmount", unix.SYS_LISTMOUNT, false, in(sizeMntIDReq), pk{kind: pkOut, lenArg: 2, elem: 8}, val, val),

		passRow("cachestat", unix.SYS_CACHESTAT, false, i32, in(sizeCachestatArgs), out(sizeCachestat), val),
		passRow("membarrier", unix.SYS_MEMBARRIER, false, i32, val, i32),
		passRow("memfd_secret", unix.SYS_MEMFD_SECRET, false, val),
		passRow("process_mrelease", unix.SYS_PROCESS_MRELEASE, false, i32, val),
		passRow("syslog", unix.SYS_SYSLOG, false, i32, outLen(2), i32),
		passRow("vhangup", unix.SYS_VHANGUP, false),
		passRow("acct", unix.SYS_ACCT, false, path),
		passRow("swapon", unix.SYS_SWAPON, false, path, val),
		passRow("swapoff", unix.SYS_SWAPOFF, false, path),
		row{"kcmp", sysKcmp, kinds(aInt, aInt, aInt, aHex, aHex), syscalls.RetInt, syscalls.Full,
			"passed through; KCMP_EPOLL_TFD's slot read from the guest"},
	)
}

// sysFsconfig is fsconfig(fd, cmd, key, value, aux): value is a string,
// a buffer of aux bytes or a path by cmd, and no pointer otherwise.
func sysFsconfig(t *Thread, a *Args) uint64 {
	key, keepKey := strArg(t, a[2], nil)
	value, keepValue := uintptr(a[3]), []byte(nil)
	switch a[1] {
	case fsconfigSetString:
		value, keepValue = strArg(t, a[3], nil)
	case fsconfigSetPath, fsconfigSetPathEmpty:
		value, keepValue = strArg(t, a[3], t.P.Prefixed)
	case fsconfigSetBinary:
		value = t.UserRange(a[3], uint64(uint32(a[4])))
	}
	r := usermode.Ret(usermode.Raw(unix.SYS_FSCONFIG, uintptr(int32(a[0])), uintptr(uint32(a[1])), key, value, uintptr(int32(a[4])), 0))
	runtime.KeepAlive(keepKey)
	runtime.KeepAlive(keepValue)
	return r
}

// sysKcmp is kcmp(pid1, pid2, type, idx1, idx2); for KCMP_EPOLL_TFD idx2
// points at a struct kcmp_epoll_slot.
func sysKcmp(t *Thread, a *Args) uint64 {
	idx2 := uintptr(a[4])
	if a[2] == kcmpEpollTFD {
		idx2 = t.UserRange(a[4], sizeKcmpEpollSlot)
	}
	return usermode.Ret(usermode.Raw(unix.SYS_KCMP, uintptr(int32(a[0])), uintptr(int32(a[1])), uintptr(int32(a[2])),
		uintptr(a[3]), idx2, 0))
}
