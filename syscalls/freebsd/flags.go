package freebsd

import "golang.org/x/sys/unix"

// BitMap translates FreeBSD flag bits to the Linux host's. Unlike
// syscalls.FlagMap nothing passes through: a FreeBSD bit named in no pair
// comes back as rest, for the handler to emulate, ignore or refuse.
type BitMap struct {
	pairs [][2]uint64 // {FreeBSD, Linux}
}

// ToLinux translates the bits it knows; rest holds the others.
func (m *BitMap) ToLinux(bsd uint64) (linux, rest uint64) {
	rest = bsd
	for _, p := range m.pairs {
		if rest&p[0] == p[0] && p[0] != 0 {
			linux |= p[1]
			rest &^= p[0]
		}
	}
	return linux, rest
}

// FromLinux translates host bits back; host bits named in no pair are
// dropped.
func (m *BitMap) FromLinux(linux uint64) uint64 {
	var bsd uint64
	for _, p := range m.pairs {
		if linux&p[1] == p[1] && p[1] != 0 {
			bsd |= p[0]
		}
	}
	return bsd
}

// open(2) flags (FreeBSD sys/sys/fcntl.h). O_RDONLY, O_WRONLY and O_RDWR
// (0, 1, 2) are Linux's too.
const (
	O_ACCMODE         = 0x3
	O_NONBLOCK        = 0x4
	O_APPEND          = 0x8
	O_SHLOCK          = 0x10
	O_EXLOCK          = 0x20
	O_ASYNC           = 0x40
	O_SYNC            = 0x80 // O_FSYNC
	O_NOFOLLOW        = 0x100
	O_CREAT           = 0x200
	O_TRUNC           = 0x400
	O_EXCL            = 0x800
	O_NOCTTY          = 0x8000
	O_DIRECT          = 0x10000
	O_DIRECTORY       = 0x20000
	O_EXEC            = 0x40000 // O_SEARCH
	O_TTY_INIT        = 0x80000
	O_CLOEXEC         = 0x100000
	O_VERIFY          = 0x200000
	O_PATH            = 0x400000
	O_RESOLVE_BENEATH = 0x800000
	O_DSYNC           = 0x1000000
	O_EMPTY_PATH      = 0x2000000
)

// OpenFlags maps open(2) flags. O_SYNC is listed after O_DSYNC's pair so
// that O_SYNC alone gives Linux's O_SYNC (which includes O_DSYNC's bit).
// Left in rest: O_SHLOCK and O_EXLOCK (flock after the open), O_EXEC
// (Linux has no execute-only open; O_PATH comes closest), O_TTY_INIT and
// O_VERIFY (no effect to emulate), O_RESOLVE_BENEATH (openat2's
// RESOLVE_BENEATH) and O_EMPTY_PATH (AT_EMPTY_PATH semantics).
var OpenFlags = &BitMap{pairs: [][2]uint64{
	{O_NONBLOCK, unix.O_NONBLOCK}, {O_APPEND, unix.O_APPEND}, {O_ASYNC, unix.O_ASYNC},
	{O_DSYNC, unix.O_DSYNC}, {O_SYNC, unix.O_SYNC}, {O_NOFOLLOW, unix.O_NOFOLLOW},
	{O_CREAT, unix.O_CREAT}, {O_TRUNC, unix.O_TRUNC}, {O_EXCL, unix.O_EXCL},
	{O_NOCTTY, unix.O_NOCTTY}, {O_DIRECT, unix.O_DIRECT}, {O_DIRECTORY, unix.O_DIRECTORY},
	{O_CLOEXEC, unix.O_CLOEXEC}, {O_PATH, unix.O_PATH},
}}

// OpenFlagsToLinux converts open(2) flags, access mode included.
func OpenFlagsToLinux(flags uint64) (linux, rest uint64) {
	linux, rest = OpenFlags.ToLinux(flags &^ O_ACCMODE)
	return linux | flags&O_ACCMODE, rest
}

// OpenFlagsFromLinux converts F_GETFL's result back.
func OpenFlagsFromLinux(linux uint64) uint64 {
	bsd := OpenFlags.FromLinux(linux &^ unix.O_ACCMODE)
	if linux&unix.O_SYNC == unix.O_SYNC {
		bsd &^= O_DSYNC
	}
	return bsd | linux&unix.O_ACCMODE
}

// mmap(2) flags (FreeBSD sys/sys/mman.h). PROT_READ, PROT_WRITE and
// PROT_EXEC (1, 2, 4) and MAP_SHARED, MAP_PRIVATE, MAP_FIXED (1, 2, 0x10)
// are Linux's values too.
const (
	MAP_SHARED          = 0x1
	MAP_PRIVATE         = 0x2
	MAP_FIXED           = 0x10
	MAP_HASSEMAPHORE    = 0x200
	MAP_STACK           = 0x400
	MAP_NOSYNC          = 0x800
	MAP_ANON            = 0x1000
	MAP_GUARD           = 0x2000
	MAP_EXCL            = 0x4000
	MAP_NOCORE          = 0x20000
	MAP_PREFAULT_READ   = 0x40000
	MAP_32BIT           = 0x80000
	MAP_ALIGNMENT_SHIFT = 24
	MAP_ALIGNMENT_MASK  = 0xff << MAP_ALIGNMENT_SHIFT
	MAP_ALIGNED_SUPER   = 1 << MAP_ALIGNMENT_SHIFT // MAP_ALIGNED(1)
)

// MmapFlags maps mmap(2) flags. MAP_FIXED|MAP_EXCL is Linux's
// MAP_FIXED_NOREPLACE. Left in rest: MAP_GUARD (a PROT_NONE reservation
// the guest cannot mprotect), MAP_NOCORE (MADV_DONTDUMP),
// MAP_HASSEMAPHORE and MAP_NOSYNC (no effect), MAP_32BIT (an address
// constraint on the guest map) and the MAP_ALIGNED field (see
// MmapAlignment).
var MmapFlags = &BitMap{pairs: [][2]uint64{
	{MAP_SHARED, unix.MAP_SHARED}, {MAP_PRIVATE, unix.MAP_PRIVATE},
	{MAP_FIXED | MAP_EXCL, unix.MAP_FIXED_NOREPLACE}, {MAP_FIXED, unix.MAP_FIXED},
	{MAP_ANON, unix.MAP_ANONYMOUS}, {MAP_STACK, unix.MAP_STACK},
	{MAP_PREFAULT_READ, unix.MAP_POPULATE},
}}

// MmapAlignment returns log2 of the alignment MAP_ALIGNED(n) asks for
// (0: none); MAP_ALIGNED_SUPER (n = 1) asks for a superpage, returned
// as 1 for the caller to choose the size.
func MmapAlignment(flags uint64) int {
	return int(flags&MAP_ALIGNMENT_MASK) >> MAP_ALIGNMENT_SHIFT
}

// fcntl(2) commands and lock types (FreeBSD sys/sys/fcntl.h).
const (
	F_DUPFD          = 0
	F_GETFD          = 1
	F_SETFD          = 2
	F_GETFL          = 3
	F_SETFL          = 4
	F_GETOWN         = 5
	F_SETOWN         = 6
	F_OGETLK         = 7
	F_OSETLK         = 8
	F_OSETLKW        = 9
	F_DUP2FD         = 10
	F_GETLK          = 11
	F_SETLK          = 12
	F_SETLKW         = 13
	F_SETLK_REMOTE   = 14
	F_READAHEAD      = 15
	F_RDAHEAD        = 16
	F_DUPFD_CLOEXEC  = 17
	F_DUP2FD_CLOEXEC = 18
	F_ADD_SEALS      = 19
	F_GET_SEALS      = 20
	F_ISUNIONSTACK   = 21
	F_KINFO          = 22

	F_RDLCK = 1
	F_UNLCK = 2
	F_WRLCK = 3
)

// fcntlToLinux maps the commands with a direct host twin; F_DUP2FD(_CLOEXEC)
// are dup3, the F_O*LK ones use the old struct flock without l_sysid, and
// the read-ahead and kinfo commands need emulation.
var fcntlToLinux = map[int]int{
	F_DUPFD: unix.F_DUPFD, F_GETFD: unix.F_GETFD, F_SETFD: unix.F_SETFD,
	F_GETFL: unix.F_GETFL, F_SETFL: unix.F_SETFL, F_GETOWN: unix.F_GETOWN,
	F_SETOWN: unix.F_SETOWN, F_GETLK: unix.F_GETLK, F_SETLK: unix.F_SETLK,
	F_SETLKW: unix.F_SETLKW, F_DUPFD_CLOEXEC: unix.F_DUPFD_CLOEXEC,
	F_ADD_SEALS: unix.F_ADD_SEALS, F_GET_SEALS: unix.F_GET_SEALS,
}

// FcntlCmdToLinux returns the host command for a FreeBSD fcntl command.
func FcntlCmdToLinux(cmd int) (int, bool) {
	linux, ok := fcntlToLinux[cmd]
	return linux, ok
}

var lockTypeToLinux = map[int16]int16{F_RDLCK: unix.F_RDLCK, F_UNLCK: unix.F_UNLCK, F_WRLCK: unix.F_WRLCK}

// LockTypeToLinux converts struct flock's l_type; unknown types give -1.
func LockTypeToLinux(t int16) int16 {
	if l, ok := lockTypeToLinux[t]; ok {
		return l
	}
	return -1
}

// LockTypeFromLinux converts l_type back.
func LockTypeFromLinux(l int16) int16 {
	for bsd, linux := range lockTypeToLinux {
		if linux == l {
			return bsd
		}
	}
	return -1
}

// *at() flags (FreeBSD sys/sys/fcntl.h). AT_FDCWD is -100 on Linux too.
const (
	AT_FDCWD            = -100
	AT_EACCESS          = 0x100
	AT_SYMLINK_NOFOLLOW = 0x200
	AT_SYMLINK_FOLLOW   = 0x400
	AT_REMOVEDIR        = 0x800
	AT_RESOLVE_BENEATH  = 0x2000
	AT_EMPTY_PATH       = 0x4000
)

// AtFlags maps the *at() flags. Linux gives AT_EACCESS and AT_REMOVEDIR
// the same bit (0x200), meaningful per call. AT_RESOLVE_BENEATH is left in
// rest (openat2's RESOLVE_BENEATH).
var AtFlags = &BitMap{pairs: [][2]uint64{
	{AT_EACCESS, unix.AT_EACCESS}, {AT_SYMLINK_NOFOLLOW, unix.AT_SYMLINK_NOFOLLOW},
	{AT_SYMLINK_FOLLOW, unix.AT_SYMLINK_FOLLOW}, {AT_REMOVEDIR, unix.AT_REMOVEDIR},
	{AT_EMPTY_PATH, unix.AT_EMPTY_PATH},
}}

// Wait options (FreeBSD sys/sys/wait.h).
const (
	WNOHANG     = 1
	WUNTRACED   = 2 // WSTOPPED
	WCONTINUED  = 4
	WNOWAIT     = 8
	WEXITED     = 16
	WTRAPPED    = 32
	WLINUXCLONE = 0x80000000
)

// WaitOptions maps wait4/wait6 options. WTRAPPED (ptrace stops) is left
// in rest; WLINUXCLONE is Linux's __WCLONE.
var WaitOptions = &BitMap{pairs: [][2]uint64{
	{WNOHANG, unix.WNOHANG}, {WUNTRACED, unix.WUNTRACED}, {WCONTINUED, unix.WCONTINUED},
	{WNOWAIT, unix.WNOWAIT}, {WEXITED, unix.WEXITED}, {WLINUXCLONE, unix.WCLONE},
}}

// WaitStatusFromLinux rewrites a host wait status for the guest: the
// encodings agree (FreeBSD sys/sys/wait.h) except the signal numbers
// inside, and "continued", which is 0xffff on Linux and 0x13 (SIGCONT
// stopped-style) on FreeBSD.
func WaitStatusFromLinux(status uint32) uint32 {
	switch {
	case status == 0xffff:
		return 0x13
	case status&0x7f == 0: // exited
		return status
	case status&0xff == 0x7f: // stopped: signal in bits 8-15
		return uint32(guestSignal(int(status>>8&0xff)))<<8 | 0x7f | status&^0xffff
	default: // killed: signal in bits 0-6, core flag 0x80
		return status&^0x7f | uint32(guestSignal(int(status&0x7f)))
	}
}

func guestSignal(linux int) Signal {
	if s, ok := SignalFromLinux(linux); ok {
		return s
	}
	return Signal(linux)
}
