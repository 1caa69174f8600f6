package linuxuser

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// Args are a syscall's six raw argument registers.
type Args [6]uint64

// Handler implements one syscall; it returns the raw result register
// value: a result, or a negated errno.
type Handler func(t *Thread, a *Args) uint64

// Record is the syscall table row type of the Linux personality.
type Record = syscalls.Record[Handler]

// row is how sys_*.go files describe their syscalls: one row each.
type row struct {
	name    string
	h       Handler
	args    []syscalls.ArgKind
	ret     syscalls.RetKind
	support syscalls.Support
	note    string
}

var rows []row

// register adds rows to the table every Linux process uses.
func register(rs ...row) { rows = append(rows, rs...) }

// Argument-kind shorthands for the rows.
const (
	aInt   = syscalls.ArgInt
	aLong  = syscalls.ArgLong
	aHex   = syscalls.ArgHex
	aOct   = syscalls.ArgOct
	aPtr   = syscalls.ArgPtr
	aStr   = syscalls.ArgStr
	aDirFD = syscalls.ArgDirFD
)

// kinds lists argument kinds; kinds() (non-nil, empty) prints "name()".
func kinds(k ...syscalls.ArgKind) []syscalls.ArgKind { return append([]syscalls.ArgKind{}, k...) }

// NewTable assembles the syscall table for a guest architecture from the
// generated numbers and the registered rows.
func NewTable(abi *syscalls.LinuxABI) (*syscalls.Table[Handler], error) {
	t := syscalls.NewTable[Handler](syscalls.LinuxGeneric, abi.Mask)
	for _, r := range rows {
		err := t.Define(r.name, Record{Handler: r.h, Args: r.args, Ret: r.ret, Support: r.support, Note: r.note})
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Error results.

func errno(e unix.Errno) uint64 { return uint64(-int64(e)) }

// errRet converts a host or address-space error to a guest result.
func errRet(err error) uint64 {
	switch {
	case errors.Is(err, translate.ErrFault):
		return errno(unix.EFAULT)
	case errors.Is(err, translate.ErrNoMem):
		return errno(unix.ENOMEM)
	case errors.Is(err, translate.ErrInvalid):
		return errno(unix.EINVAL)
	case errors.Is(err, translate.ErrExist):
		return errno(unix.EEXIST)
	}
	var e unix.Errno
	if errors.As(err, &e) {
		return errno(e)
	}
	return errno(unix.EIO)
}

// ret returns n, or the error.
func ret(n int, err error) uint64 {
	if err != nil {
		return errRet(err)
	}
	return uint64(n)
}

// ok returns 0 or the error.
func ok(err error) uint64 { return ret(0, err) }

// isErr reports whether a raw result is a negated errno.
func isErr(r uint64) bool { return int64(r) < 0 && int64(r) >= -4095 }

// Guest memory helpers: every guest pointer goes through the address space.

// writeBytes copies b to guest addr.
func (t *Thread) writeBytes(addr uint64, b []byte) error { return t.p.as.Write(addr, b) }

// readBytes copies n guest bytes at addr.
func (t *Thread) readBytes(addr, n uint64) ([]byte, error) {
	b := make([]byte, n)
	return b, t.p.as.Read(addr, b)
}

// store32 writes a 32-bit guest int.
func (t *Thread) store32(addr uint64, v uint32) error { return t.p.as.Store32(addr, v) }

// ioSlice is the host view of a guest I/O buffer. A count running past
// the mapping is cut at its end, as the kernel copies only what it needs;
// a buffer whose first byte is inaccessible is EFAULT, and so is a range
// that runs past the end of the address space (the kernel's access_ok,
// checked before any copy: fs/read_write.c vfs_read).
func (t *Thread) ioSlice(addr, n uint64, prot int) ([]byte, error) {
	if n == 0 {
		return []byte{}, nil
	}
	if lim := t.p.as.Limit(); addr >= lim || n > lim-addr {
		return nil, translate.ErrFault
	}
	if s, err := t.p.as.Slice(addr, n, prot); err == nil {
		return s, nil
	}
	end := addr
	for _, v := range t.p.as.VMAs() {
		if v.End <= end {
			continue
		}
		if v.Start > end || v.Prot&prot != prot {
			break
		}
		end = v.End
	}
	if end == addr {
		return nil, translate.ErrFault
	}
	return t.p.as.Slice(addr, min(n, end-addr), prot)
}

// badUserPtr is a host address no host call accepts: it is above the
// host's user address space, so the kernel's access_ok fails on it.
const badUserPtr = uintptr(1) << 63

// userPtr is the host address of the guest buffer [addr, addr+n) for a
// host call that checks and copies it itself, and the length to pass.
// Guest protections are mirrored on the host reservation, so the host
// kernel fails the access exactly where and when the guest's would (Linux
// checks a range with access_ok when it imports it and faults on a page
// when it copies), in its own order among the call's other errors. A
// range running past the guest's address space is cut at its end, an
// address beyond it becomes badUserPtr, and NULL stays NULL.
func (t *Thread) userPtr(addr, n uint64) (uintptr, uint64) {
	lim := t.p.as.Limit()
	switch {
	case addr == 0:
		return 0, n
	case addr >= lim:
		return badUserPtr, n
	case n > lim-addr:
		n = lim - addr
	}
	// The host's copy faults below a MAP_GROWSDOWN mapping would grow it.
	t.p.as.GrowDown(addr)
	return t.p.as.HostAddr(addr), n
}

// hostAddr is the host address of guest pointer addr for a host call that
// checks it and knows the size itself (userPtr).
func (t *Thread) hostAddr(addr uint64) uintptr {
	p, _ := t.userPtr(addr, 0)
	return p
}

// userRange is userPtr for a struct of n bytes whose size the host call
// knows: a struct running past the guest's address space is badUserPtr.
func (t *Thread) userRange(addr, n uint64) uintptr {
	if lim := t.p.as.Limit(); addr != 0 && (addr >= lim || n > lim-addr) {
		return badUserPtr
	}
	p, _ := t.userPtr(addr, n)
	return p
}

// pathMax is PATH_MAX (Linux include/uapi/linux/limits.h).
const pathMax = 4096

// readPath reads a guest path argument.
func (t *Thread) readPath(addr uint64) (string, uint64) {
	if addr == 0 {
		return "", errno(unix.EFAULT)
	}
	s, err := t.p.as.ReadString(addr, pathMax)
	if errors.Is(err, translate.ErrInvalid) {
		return "", errno(unix.ENAMETOOLONG)
	}
	if err != nil {
		return "", errno(unix.EFAULT)
	}
	return s, 0
}

// hostPath reads a guest path and applies the -L prefix: an absolute path
// that exists under the prefix is used from there (like QEMU's path()).
func (t *Thread) hostPath(addr uint64) (string, uint64) {
	s, e := t.readPath(addr)
	if e != 0 {
		return "", e
	}
	return t.p.prefixed(s), 0
}

func (p *Process) prefixed(s string) string {
	if p.opts.Prefix == "" || len(s) == 0 || s[0] != '/' {
		return s
	}
	full := p.opts.Prefix + s
	var st unix.Stat_t
	if unix.Lstat(full, &st) == nil {
		return full
	}
	return s
}

func (r row) String() string { return fmt.Sprintf("%s(%s)", r.name, r.support) }
