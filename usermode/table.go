package usermode

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

// Argument-kind shorthands for the rows.
const ()

// Error results.

func Errno(e unix.Errno) uint64 { return uint64(-int64(e)) }

// ErrRet converts a host or address-space error to a guest result.
func ErrRet(err error) uint64 {
	switch {
	case errors.Is(err, translate.ErrFault):
		return Errno(unix.EFAULT)
	case errors.Is(err, translate.ErrNoMem):
		return Errno(unix.ENOMEM)
	case errors.Is(err, translate.ErrInvalid):
		return Errno(unix.EINVAL)
	case errors.Is(err, translate.ErrExist):
		return Errno(unix.EEXIST)
	}
	var e unix.Errno
	if errors.As(err, &e) {
		return Errno(e)
	}
	return Errno(unix.EIO)
}

// Ret returns n, or the error.
func Ret(n int, err error) uint64 {
	if err != nil {
		return ErrRet(err)
	}
	return uint64(n)
}

// OK returns 0 or the error.
func OK(err error) uint64 { return Ret(0, err) }

// IsErr reports whether a raw result is a negated errno.
func IsErr(r uint64) bool { return int64(r) < 0 && int64(r) >= -4095 }

// Guest memory helpers: every guest pointer goes through the address space.

// WriteBytes copies b to guest addr.
func (t *Thread) WriteBytes(addr uint64, b []byte) error { return t.P.AS.Write(addr, b) }

// ReadBytes copies n guest bytes at addr.
func (t *Thread) ReadBytes(addr, n uint64) ([]byte, error) {
	b := make([]byte, n)
	return b, t.P.AS.Read(addr, b)
}

// Store32 writes a 32-bit guest int.
func (t *Thread) Store32(addr uint64, v uint32) error { return t.P.AS.Store32(addr, v) }

// IOSlice is the host view of a guest I/O buffer. A count running past
// the mapping is cut at its end, as the kernel copies only what it needs;
// a buffer whose first byte is inaccessible is EFAULT, and so is a range
// that runs past the end of the address space (the kernel's access_ok,
// checked before any copy: fs/read_write.c vfs_read).
func (t *Thread) IOSlice(addr, n uint64, prot int) ([]byte, error) {
	if n == 0 {
		return []byte{}, nil
	}
	if lim := t.P.AS.Limit(); addr >= lim || n > lim-addr {
		return nil, translate.ErrFault
	}
	if s, err := t.P.AS.Slice(addr, n, prot); err == nil {
		return s, nil
	}
	end := addr
	for _, v := range t.P.AS.VMAs() {
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
	return t.P.AS.Slice(addr, min(n, end-addr), prot)
}

// BadUserPtr is a host address no host call accepts: it is above the
// host's user address space, so the kernel's access_ok fails on it.
const BadUserPtr = uintptr(1) << 63

// UserPtr is the host address of the guest buffer [addr, addr+n) for a
// host call that checks and copies it itself, and the length to pass.
// Guest protections are mirrored on the host reservation, so the host
// kernel fails the access exactly where and when the guest's would (Linux
// checks a range with access_ok when it imports it and faults on a page
// when it copies), in its own order among the call's other errors. A
// range running past the guest's address space is cut at its end, an
// address beyond it becomes badUserPtr, and NULL stays NULL.
func (t *Thread) UserPtr(addr, n uint64) (uintptr, uint64) {
	lim := t.P.AS.Limit()
	switch {
	case addr == 0:
		return 0, n
	case addr >= lim:
		return BadUserPtr, n
	case n > lim-addr:
		n = lim - addr
	}
	// The host's copy faults below a MAP_GROWSDOWN mapping would grow it.
	t.P.AS.GrowDown(addr)
	return t.P.AS.HostAddr(addr), n
}

// HostAddr is the host address of guest pointer addr for a host call that
// checks it and knows the size itself (userPtr).
func (t *Thread) HostAddr(addr uint64) uintptr {
	p, _ := t.UserPtr(addr, 0)
	return p
}

// UserRange is userPtr for a struct of n bytes whose size the host call
// knows: a struct running past the guest's address space is badUserPtr.
func (t *Thread) UserRange(addr, n uint64) uintptr {
	if lim := t.P.AS.Limit(); addr != 0 && (addr >= lim || n > lim-addr) {
		return BadUserPtr
	}
	p, _ := t.UserPtr(addr, n)
	return p
}

// PathMax is PATH_MAX (Linux include/uapi/linux/limits.h).
const PathMax = 4096

// ReadPath reads a guest path argument.
func (t *Thread) ReadPath(addr uint64) (string, uint64) {
	if addr == 0 {
		return "", Errno(unix.EFAULT)
	}
	s, err := t.P.AS.ReadString(addr, PathMax)
	if errors.Is(err, translate.ErrInvalid) {
		return "", Errno(unix.ENAMETOOLONG)
	}
	if err != nil {
		return "", Errno(unix.EFAULT)
	}
	return s, 0
}

// HostPath reads a guest path and applies the -L prefix: an absolute path
// that exists under the prefix is used from there (like QEMU's path()).
func (t *Thread) HostPath(addr uint64) (string, uint64) {
	s, e := t.ReadPath(addr)
	if e != 0 {
		return "", e
	}
	return t.P.Prefixed(s), 0
}

func (p *Process) Prefixed(s string) string {
	if p.Opts.Prefix == "" || len(s) == 0 || s[0] != '/' {
		return s
	}
	full := p.Opts.Prefix + s
	var st unix.Stat_t
	if unix.Lstat(full, &st) == nil {
		return full
	}
	return s
}

// Record is the syscall table row type of the personalities.
type Record = syscalls.Record[Handler]

// Row describes one system call of a personality's table: its handler
// and how -strace and `gemu info syscalls` show it. Each sys_<area>.go
// file registers one row per call.
type Row struct {
	Name    string
	Handler Handler
	Args    []syscalls.ArgKind
	Ret     syscalls.RetKind
	Support syscalls.Support
	Note    string
}

func (r Row) String() string { return fmt.Sprintf("%s(%s)", r.Name, r.Support) }

// DefineRows fills t's records from rows; a name given twice is an error.
func DefineRows(t *syscalls.Table[Handler], rows []Row) error {
	for _, r := range rows {
		// A second row for a call finds the first one's handler in place
		// (checked without a set: every gemu start builds its table).
		if old := t.ByName(r.Name); old != nil && old.Handler != nil {
			return fmt.Errorf("two rows for %s", r.Name)
		}
		if len(r.Args) > len(Args{}) {
			return fmt.Errorf("%s: %d argument kinds, a call has at most %d", r.Name, len(r.Args), len(Args{}))
		}
		rec := Record{Handler: r.Handler, Args: r.Args, Ret: r.Ret, Support: r.Support, Note: r.Note}
		if err := t.Define(r.Name, rec); err != nil {
			return err
		}
	}
	return nil
}

// Kinds lists argument kinds for a Row; Kinds() (non-nil, empty) prints "name()".
func Kinds(k ...syscalls.ArgKind) []syscalls.ArgKind { return append([]syscalls.ArgKind{}, k...) }
