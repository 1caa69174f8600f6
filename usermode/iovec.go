package usermode

import (
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/translate"
	"golang.org/x/sys/unix"
)

// IovMax is UIO_MAXIOV (Linux include/uapi/linux/uio.h).
const IovMax = 1024

// HostIovecs is the host copy of the guest's array of n struct iovec at
// addr, each base the host view of its guest range (userRange), for a host
// call that imports the array itself: the host kernel then checks the
// descriptor and its mode first and the vector after, in its own order
// (fs/read_write.c vfs_readv, lib/iov_iter.c import_iovec: a count above
// UIO_MAXIOV is EINVAL, an unreadable array EFAULT, a negative length
// EINVAL, a range past the end of the address space EFAULT). p is the
// array's host address, or the host view of a guest array that cannot be
// read (or is too long to), which the host fails on.
func (t *Thread) HostIovecs(addr, n uint64) (iov []unix.Iovec, p uintptr) {
	return t.IovecsAt(addr, n, t.UserRange)
}

// IovecsAt is HostIovecs with host(base, len) making each base a host one.
func (t *Thread) IovecsAt(addr, n uint64, host func(base, n uint64) uintptr) (iov []unix.Iovec, p uintptr) {
	bad := t.UserRange(addr, linux.IovecSize*min(n, IovMax+1))
	if n > IovMax || n == 0 {
		return nil, bad
	}
	g, err := t.P.AS.Slice(addr, linux.IovecSize*n, translate.ProtRead)
	if err != nil {
		return nil, bad
	}
	iov = make([]unix.Iovec, n)
	for i, v := range linux.DecodeIovecs(g) {
		iov[i] = unix.Iovec{Base: (*byte)(HostPointer(host(v.Base, v.Len))), Len: v.Len}
	}
	return iov, uintptr(unsafe.Pointer(&iov[0]))
}

// HostPointer turns the host address of guest memory (mmap'd outside the
// Go heap, never moved or freed by the runtime) into a pointer.
func HostPointer(u uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&u)) }
