package usermode

import (
	"encoding/binary"
	"fmt"
	"os"
	"unsafe"

	"github.com/gemu-project/gemu/translate"
	"golang.org/x/sys/unix"
)

// forkShm reports whether VMA v is a whole attached segment, which a fork
// child attaches again; a piece of one (mprotect or munmap split it) is
// copied instead.
func forkShm(v translate.VMA) bool {
	if v.SysV == 0 || v.Offset != 0 {
		return false
	}
	var ds [ShmidDsSize]byte
	if _, err := Raw(unix.SYS_SHMCTL, uintptr(v.SysV-1), IPCStat, uintptr(unsafe.Pointer(&ds[0])), 0, 0, 0); err != nil {
		return false
	}
	return PageUp(binary.LittleEndian.Uint64(ds[ShmSegszOffset:])) == v.End-v.Start
}

// restoreShm attaches the segment of v again in a fork child. The parent
// may have detached and removed it between the host fork and now (the
// child's own attachment ends at its execve): the child then gets zeros.
func restoreShm(as *translate.AddressSpace, v translate.VMA) error {
	flags := uintptr(ShmRemap)
	if v.Prot&translate.ProtWrite == 0 {
		flags |= ShmRdonly
	}
	err := as.RestoreAttached(v, func(host unsafe.Pointer) error { return AttachShm(v.SysV-1, host, flags) })
	if err == nil {
		return nil
	}
	fmt.Fprintf(os.Stderr, "gemu: fork child: System V segment %d at %#x is gone: %v\n", v.SysV-1, v.Start, err)
	v.SysV, v.Anon, v.Shared = 0, true, false
	return as.RestoreVMA(v, -1, 0, nil)
}

const IPCStat = 2

const ShmRdonly = 0o10000

const ShmRemap = 0o40000

const ShmidDsSize = 112

const ShmSegszOffset = 48 // shmid64_ds.shm_segsz, after struct ipc64_perm

// AttachShm attaches segment id at host address host exactly.
func AttachShm(id int, host unsafe.Pointer, flags uintptr) error {
	r, _, e := unix.Syscall(unix.SYS_SHMAT, uintptr(id), uintptr(host), flags)
	if e != 0 {
		return e
	}
	if r != uintptr(host) {
		return unix.EINVAL
	}
	return nil
}
