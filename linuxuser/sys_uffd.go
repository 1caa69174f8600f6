package linuxuser

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// userfaultfd(2) on the host's (fs/userfaultfd.c). Guest memory is host
// memory at base+addr with the guest's 4 KiB pages, so a guest fault on a
// registered page is a host fault on the same page: the host kernel blocks
// the faulting thread (running the guest's code, or gemu's handler or the
// host kernel copying for it, as a native copy_from_user would) and queues
// a message. gemu translates the ranges of the ioctls (guest to host, after
// checking them against the guest's address space, as validate_range and
// the VMA walk do) and the addresses in the messages read (host to guest).
// The thread that reads the descriptor never touches the faulting page on
// gemu's side: read(2) fills the guest buffer in the host, which gemu then
// rewrites in place.

func init() {
	register(row{"userfaultfd", sysUserfaultfd, kinds(aHex), syscalls.RetInt, syscalls.Partial,
		"the host's; ranges and messages in guest addresses (sys_uffd.go); no UFFD_FEATURE_EVENT_FORK, WP_ASYNC; " +
			"gemu's own copies of guest memory fault as user mode (UFFD_USER_MODE_ONLY handles them)"})
}

// Values of include/uapi/linux/userfaultfd.h, the same on every target.
const (
	uffdIoctlType = 0xAA
	uffdMsgSize   = 32

	uffdioAPI          = 0xc018aa3f // _IOWR(0xAA, 0x3F, struct uffdio_api)
	uffdioRegister     = 0xc020aa00
	uffdioUnregister   = 0x8010aa01 // _IOR
	uffdioWake         = 0x8010aa02
	uffdioCopy         = 0xc028aa03
	uffdioZeropage     = 0xc020aa04
	uffdioMove         = 0xc028aa05
	uffdioWriteprotect = 0xc018aa06
	uffdioContinue     = 0xc020aa07
	uffdioPoison       = 0xc020aa08
	uffdIocNew         = 0xaa00 // _IO(0xAA, 0) on /dev/userfaultfd

	uffdEventPagefault = 0x12
	uffdEventRemap     = 0x14
	uffdEventRemove    = 0x15
	uffdEventUnmap     = 0x16

	uffdUserModeOnly     = 1
	uffdRegisterModes    = 7 // MISSING | WP | MINOR
	uffdWriteprotectWP   = 1
	uffdWriteprotectWake = 2 // _MODE_DONTWAKE
)

// uffdHidden are the features the guest is not offered:
//   - EVENT_FORK (1<<1): gemu's fork is a raw clone that executes gemu
//     again; the host would block that clone until the fork event is read,
//     by a thread the fork has stopped, and the new descriptor would name
//     the clone's memory, not the guest child's.
//   - WP_ASYNC (1<<15): its state is read with PAGEMAP_SCAN on
//     /proc/self/pagemap, whose offsets are host addresses.
//
// THREAD_ID stays: a guest thread's id is its host thread's.
const uffdHidden = 1<<1 | 1<<15

// uffds are the host inodes of the descriptors known to be userfaultfds
// (one process per gemu); count lets read(2) skip them while there is none.
var uffds struct {
	sync.Mutex
	inos  map[[2]uint64]bool
	count atomic.Int32
}

func uffdKey(fd int) ([2]uint64, bool) {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return [2]uint64{}, false
	}
	return [2]uint64{st.Dev, st.Ino}, true
}

func uffdRemember(fd int) {
	k, ok := uffdKey(fd)
	if !ok {
		return
	}
	uffds.Lock()
	if uffds.inos == nil {
		uffds.inos = map[[2]uint64]bool{}
	}
	uffds.inos[k] = true
	uffds.count.Store(int32(len(uffds.inos)))
	uffds.Unlock()
}

// isUffd reports whether fd is a userfaultfd: one gemu made, or one that
// came another way (inherited, passed), which it learns from the link.
func isUffd(fd int) bool {
	k, ok := uffdKey(fd)
	if !ok {
		return false
	}
	uffds.Lock()
	known := uffds.inos[k]
	uffds.Unlock()
	if known {
		return true
	}
	if link, err := usermode.FDLink(fd); err != nil || link != "anon_inode:[userfaultfd]" {
		return false
	}
	uffdRemember(fd)
	return true
}

// uffdFlags makes the flags of userfaultfd(2) and USERFAULTFD_IOC_NEW the
// host's: O_CLOEXEC and O_NONBLOCK translated, the rest (UFFD_USER_MODE_ONLY,
// unknown bits the host refuses) as they are.
func uffdFlags(t *Thread, flags uint64) uintptr {
	open := flags & (linux.OCloexec | linux.ONonblock)
	return uintptr(uint32(flags&^open) | uint32(t.P.ABI.OpenFlags.ToHost(open)))
}

func sysUserfaultfd(t *Thread, a *Args) uint64 {
	fd, err := usermode.Raw(unix.SYS_USERFAULTFD, uffdFlags(t, a[0]), 0, 0, 0, 0, 0)
	if err != nil {
		return usermode.ErrRet(err)
	}
	uffdRemember(fd)
	return uint64(fd)
}

// uffdIoctl runs a request of the userfaultfd family on fd; handled is
// false when fd is neither a userfaultfd nor /dev/userfaultfd.
func uffdIoctl(t *Thread, fd int, req uint32, arg uint64) (r uint64, handled bool) {
	if req>>8&0xff != uffdIoctlType {
		return 0, false
	}
	if !isUffd(fd) {
		link, err := usermode.FDLink(fd)
		if err != nil || link != "/dev/userfaultfd" {
			return 0, false
		}
		// userfaultfd_dev_ioctl: USERFAULTFD_IOC_NEW takes the flags by
		// value; any other request is EINVAL.
		if req != uffdIocNew {
			return usermode.Errno(unix.EINVAL), true
		}
		n, err := usermode.Raw(unix.SYS_IOCTL, uintptr(fd), uffdIocNew, uffdFlags(t, arg), 0, 0, 0)
		if err != nil {
			return usermode.ErrRet(err), true
		}
		uffdRemember(n)
		return uint64(n), true
	}
	switch req {
	case uffdioAPI:
		return uffdAPI(t, fd, arg), true
	case uffdioRegister, uffdioUnregister, uffdioWriteprotect:
		return uffdPerRun(t, fd, req, arg), true
	case uffdioWake, uffdioCopy, uffdioZeropage, uffdioMove, uffdioContinue, uffdioPoison:
		return uffdFill(t, fd, req, arg), true
	}
	// userfaultfd_ioctl: an unknown request is EINVAL.
	return usermode.Errno(unix.EINVAL), true
}

// uffdHost runs request req on the host with the struct b.
func uffdHost(fd int, req uint32, b []byte) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&b[0])), 0, 0, 0))
}

// uffdReadArg reads the n bytes of the request's struct the kernel reads.
// Before UFFDIO_API every other request is EINVAL (userfaultfd_ioctl),
// before the struct is read: the host tells which with a NULL UFFDIO_WAKE
// (EFAULT once the API is done).
func uffdReadArg(t *Thread, fd int, arg uint64, b []byte) uint64 {
	if t.P.AS.Read(arg, b) == nil {
		return 0
	}
	if _, err := usermode.Raw(unix.SYS_IOCTL, uintptr(fd), uffdioWake, 0, 0, 0, 0); err == unix.EINVAL {
		return usermode.Errno(unix.EINVAL)
	}
	return usermode.Errno(unix.EFAULT)
}

// uffdAPI is UFFDIO_API: the host's handshake, the features gemu cannot
// honour refused as a kernel without them refuses them, and hidden from
// the features reported.
func uffdAPI(t *Thread, fd int, arg uint64) uint64 {
	var b [24]byte
	if t.P.AS.Read(arg, b[:]) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	// The kernel writes the struct back on success and zeroed on every
	// error after the read: a struct the guest cannot write is EFAULT, and
	// the context stays new (userfaultfd_api).
	if _, err := t.P.AS.Slice(arg, 24, translate.ProtWrite); err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	le := binary.LittleEndian
	var r uint64
	if le.Uint64(b[0:]) != uffdIoctlType || le.Uint64(b[8:])&uffdHidden != 0 {
		b, r = [24]byte{}, usermode.Errno(unix.EINVAL)
	} else {
		r = uffdHost(fd, uffdioAPI, b[:])
		le.PutUint64(b[8:], le.Uint64(b[8:])&^uffdHidden)
	}
	if t.P.AS.Write(arg, b[:]) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return r
}

// uffdRange is validate_range (aligned) and validate_unaligned_range
// against the guest's address space: a length of whole pages, not 0, and
// the range inside the address space without wrapping.
func uffdRange(t *Thread, start, n uint64, aligned bool) bool {
	lim := t.P.AS.Limit()
	return !(aligned && start%translate.PageSize != 0) && n%translate.PageSize == 0 && n != 0 &&
		start < lim && n <= lim-start
}

// uffdFill runs the requests that act on one range of one mapping
// (UFFDIO_WAKE, COPY, ZEROPAGE, MOVE, CONTINUE, POISON): the ranges are
// checked in the kernel's order and made host addresses; the host checks
// the mode and the mapping, and its result field goes back to the guest.
func uffdFill(t *Thread, fd int, req uint32, arg uint64) uint64 {
	// The struct: dst or range.start at 0, then src at 8 for COPY and
	// MOVE, the length, the mode, and the result the kernel writes.
	size, src, out := 16, -1, -1
	switch req {
	case uffdioCopy, uffdioMove:
		size, src, out = 40, 8, 32
	case uffdioZeropage, uffdioContinue, uffdioPoison:
		size, out = 32, 24
	}
	b := make([]byte, size)
	in := size
	if out >= 0 {
		in = out // the result field is not read
	}
	if e := uffdReadArg(t, fd, arg, b[:in]); e != 0 {
		return e
	}
	le := binary.LittleEndian
	dst, lenOff := le.Uint64(b[0:]), 8
	if src >= 0 {
		lenOff = 16
	}
	n := le.Uint64(b[lenOff:])
	// userfaultfd_copy checks the source first, unaligned; userfaultfd_move
	// checks the destination first, both aligned.
	if req == uffdioCopy && !uffdRange(t, le.Uint64(b[src:]), n, false) ||
		!uffdRange(t, dst, n, true) ||
		req == uffdioMove && !uffdRange(t, le.Uint64(b[src:]), n, true) {
		return usermode.Errno(unix.EINVAL)
	}
	le.PutUint64(b[0:], uint64(t.P.AS.HostAddr(dst)))
	if src >= 0 {
		le.PutUint64(b[src:], uint64(t.P.AS.HostAddr(le.Uint64(b[src:]))))
	}
	const unset = 0x7fff_0000_dead_beef // neither a count nor a negated errno
	if out >= 0 {
		le.PutUint64(b[out:], unset)
	}
	r := uffdHost(fd, req, b)
	if req != uffdioWake {
		// New pages: translations of the code they replace are stale.
		t.P.Engine().Invalidate(dst, dst+n)
		if req == uffdioMove {
			s := le.Uint64(b[src:]) - uint64(t.P.AS.Base())
			t.P.Engine().Invalidate(s, s+n)
		}
	}
	if out >= 0 && le.Uint64(b[out:]) != unset && t.P.AS.Write(arg+uint64(out), b[out:out+8]) != nil {
		return usermode.Errno(unix.EFAULT) // put_user of the result failed
	}
	return r
}

// uffdPerRun runs UFFDIO_REGISTER, UNREGISTER and WRITEPROTECT. The
// kernel walks the VMAs in the range and passes over holes; a hole of the
// guest is gemu's reservation on the host, which must not be registered
// (a later guest mmap there would be an UNMAP event) and is not
// write-protectable, so the host gets each mapped run of the range. The
// kernel checks every VMA before it changes one; a run the host refuses
// after others were done leaves those done.
func uffdPerRun(t *Thread, fd int, req uint32, arg uint64) uint64 {
	size := 16
	if req == uffdioRegister || req == uffdioWriteprotect {
		size = 24 // uffdio_register's ioctls field is not read
	}
	b := make([]byte, 32)
	if e := uffdReadArg(t, fd, arg, b[:size]); e != 0 {
		return e
	}
	le := binary.LittleEndian
	start, n, mode := le.Uint64(b[0:]), le.Uint64(b[8:]), le.Uint64(b[16:])
	// userfaultfd_register checks the mode before the range.
	if req == uffdioRegister && (mode == 0 || mode&^uffdRegisterModes != 0) {
		return usermode.Errno(unix.EINVAL)
	}
	if !uffdRange(t, start, n, true) {
		return usermode.Errno(unix.EINVAL)
	}
	// userfaultfd_writeprotect checks the mode after the range, before
	// the VMAs (mwriteprotect_range: none in the range is ENOENT).
	none := unix.EINVAL
	if req == uffdioWriteprotect {
		if mode&^(uffdWriteprotectWP|uffdWriteprotectWake) != 0 || mode == uffdWriteprotectWP|uffdWriteprotectWake {
			return usermode.Errno(unix.EINVAL)
		}
		none = unix.ENOENT
	}
	runs := mappedRuns(t.P.AS.VMAs(), start, start+n)
	if len(runs) == 0 {
		return usermode.Errno(none)
	}
	ioctls := ^uint64(0)
	for _, r := range runs {
		le.PutUint64(b[0:], uint64(t.P.AS.HostAddr(r[0])))
		le.PutUint64(b[8:], r[1]-r[0])
		if e := uffdHost(fd, req, b); e != 0 {
			return e
		}
		ioctls &= le.Uint64(b[24:])
	}
	if req == uffdioRegister {
		// Written once every VMA is registered; EFAULT leaves them so.
		le.PutUint64(b[24:], ioctls)
		if t.P.AS.Write(arg+24, b[24:32]) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return 0
}

// mappedRuns are the runs of contiguous guest mappings in [lo, hi), as
// [start, end) pairs.
func mappedRuns(vmas []translate.VMA, lo, hi uint64) [][2]uint64 {
	var runs [][2]uint64
	for _, v := range vmas {
		s, e := max(v.Start, lo), min(v.End, hi)
		if s >= e {
			continue
		}
		if k := len(runs) - 1; k >= 0 && runs[k][1] == s {
			runs[k][1] = e
		} else {
			runs = append(runs, [2]uint64{s, e})
		}
	}
	return runs
}

// uffdMessages rewrites the host addresses in the struct uffd_msg records
// of b as guest ones: pagefault.address, remap.from and .to, and
// remove.start and .end (UFFD_EVENT_REMOVE and UNMAP). An address outside
// the guest's reservation (a descriptor of another process) stays.
func uffdMessages(t *Thread, b []byte) {
	base, lim := uint64(t.P.AS.Base()), t.P.AS.Limit()
	le := binary.LittleEndian
	fix := func(f []byte) {
		if v := le.Uint64(f); v >= base && v-base <= lim {
			le.PutUint64(f, v-base)
		}
	}
	for m := b; len(m) >= uffdMsgSize; m = m[uffdMsgSize:] {
		switch m[0] {
		case uffdEventPagefault:
			fix(m[16:24])
		case uffdEventRemap, uffdEventRemove, uffdEventUnmap:
			fix(m[8:16])
			fix(m[16:24])
		}
	}
}

// uffdLike reports whether the n bytes read into b can be uffd_msg
// records: whole records, the first one's event a known one and its
// reserved bytes zero. It spares the other descriptors' reads a look at
// the descriptor.
func uffdLike(b []byte, n uint64) bool {
	if n == 0 || n%uffdMsgSize != 0 || uint64(len(b)) < uffdMsgSize || b[0] < uffdEventPagefault || b[0] > uffdEventUnmap {
		return false
	}
	return binary.LittleEndian.Uint64(b[0:8])>>8 == 0
}

// uffdRead is read(2)'s end: r bytes read from fd into the guest buffer
// b; when fd is a userfaultfd their addresses become guest ones.
func uffdRead(t *Thread, fd int, b []byte, r uint64) uint64 {
	if uffds.count.Load() == 0 || usermode.IsErr(r) || r > uint64(len(b)) || !uffdLike(b, r) || !isUffd(fd) {
		return r
	}
	uffdMessages(t, b[:r])
	return r
}

// uffdReadv is readv(2)'s end: the records may be split among the
// guest's buffers, so they are gathered, rewritten and put back.
func uffdReadv(t *Thread, fd int, vec, cnt uint64, r uint64) uint64 {
	if uffds.count.Load() == 0 || usermode.IsErr(r) || r == 0 {
		return r
	}
	g, err := t.P.AS.Slice(vec, linux.IovecSize*cnt, translate.ProtRead)
	if err != nil {
		return r
	}
	var parts [][]byte
	var all []byte
	left := r
	for _, v := range linux.DecodeIovecs(g) {
		if left == 0 {
			break
		}
		n := min(v.Len, left)
		s, err := t.P.AS.Slice(v.Base, n, translate.ProtWrite)
		if err != nil {
			return r
		}
		parts, all, left = append(parts, s), append(all, s...), left-n
	}
	if !uffdLike(all, r) || !isUffd(fd) {
		return r
	}
	uffdMessages(t, all)
	for _, s := range parts {
		all = all[copy(s, all):]
	}
	return r
}
