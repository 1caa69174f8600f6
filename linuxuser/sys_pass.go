package linuxuser

import (
	"encoding/binary"
	"runtime"
	"syscall"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// Pass-through syscalls: calls whose numbers differ between the guests'
// asm-generic table and x86_64 but whose arguments, flags and structs do
// not (LP64 both; Linux include/uapi/asm-generic/*.h, which x86_64 uses
// for these). Each row says how every argument crosses: a value, a guest
// path (with the -L prefix), a string, or a guest buffer that becomes a
// host pointer after a bounds and protection check.

// pk is how one pass-through argument crosses.
type pk struct {
	kind   uint8
	size   uint64 // fixed buffer size, or
	lenArg int8   // the argument holding the buffer's length (-1: none)
	elem   uint64 // ... times this element size
	extra  uint64 // ... plus this many bytes (struct msgbuf's mtype)
}

const (
	pkVal   = iota // as it is (fds, flags, sizes)
	pkInt          // sign-extended 32-bit
	pkPath         // guest path, -L prefix applied
	pkStr          // guest C string
	pkIn           // buffer the kernel reads
	pkOut          // buffer the kernel writes
	pkInOut        // buffer the kernel reads and writes
)

var (
	val  = pk{kind: pkVal, lenArg: -1}
	i32  = pk{kind: pkInt, lenArg: -1}
	path = pk{kind: pkPath, lenArg: -1}
	str  = pk{kind: pkStr, lenArg: -1}
)

func in(n uint64) pk     { return pk{kind: pkIn, size: n, lenArg: -1} }
func out(n uint64) pk    { return pk{kind: pkOut, size: n, lenArg: -1} }
func inout(n uint64) pk  { return pk{kind: pkInOut, size: n, lenArg: -1} }
func inLen(arg int8) pk  { return pk{kind: pkIn, lenArg: arg, elem: 1} }
func outLen(arg int8) pk { return pk{kind: pkOut, lenArg: arg, elem: 1} }

// inMsg and outMsg are a struct msgbuf: a long mtype, then the number of
// bytes argument arg says (Linux include/uapi/linux/msg.h).
func inMsg(arg int8) pk  { return pk{kind: pkIn, lenArg: arg, elem: 1, extra: 8} }
func outMsg(arg int8) pk { return pk{kind: pkOut, lenArg: arg, elem: 1, extra: 8} }

// inArray is a buffer of elem-byte elements counted by argument arg.
func inArray(arg int8, elem uint64) pk { return pk{kind: pkIn, lenArg: arg, elem: elem} }

// passRow is a row for a pass-through syscall. blocking calls run
// interruptibly and restart under SA_RESTART.
func passRow(name string, nr uintptr, blocking bool, spec ...pk) row {
	ks := make([]syscalls.ArgKind, len(spec))
	for i, s := range spec {
		switch s.kind {
		case pkVal:
			ks[i] = aHex
		case pkInt:
			ks[i] = aInt
		case pkPath, pkStr:
			ks[i] = aStr
		default:
			ks[i] = aPtr
		}
	}
	note := "passed through"
	restart := uint64(0)
	if blocking {
		note += ", interruptible"
		restart = usermode.RestartSys
	}
	return row{name, passHandler(nr, restart, spec), ks, syscalls.RetInt, syscalls.Full, note}
}

// passRowNoRestart is a blocking pass-through call that a handled signal
// always ends with EINTR, SA_RESTART or not (signal(7): System V IPC).
func passRowNoRestart(name string, nr uintptr, spec ...pk) row {
	r := passRow(name, nr, true, spec...)
	r.h = passHandler(nr, usermode.RestartNoHand, spec)
	r.note = "passed through, interruptible, never restarted"
	return r
}

// passHandler makes the handler; restart is the code an interrupted call
// returns (0: the call does not block).
func passHandler(nr uintptr, restart uint64, spec []pk) usermode.Handler {
	return func(t *Thread, a *Args) uint64 {
		var args [6]uintptr
		var keep [6][]byte // host copies of strings, alive until the call returns
		for i, s := range spec {
			v, b, e := passArg(t, s, a, i)
			if e != 0 {
				return e
			}
			args[i], keep[i] = v, b
		}
		call := func() (int, error) { return usermode.Raw(nr, args[0], args[1], args[2], args[3], args[4], args[5]) }
		var r uint64
		if restart != 0 {
			r = t.Interruptible(restart, call)
		} else {
			r = usermode.Ret(call())
		}
		runtime.KeepAlive(&keep)
		return r
	}
}

// passArg converts argument i.
func passArg(t *Thread, s pk, a *Args, i int) (uintptr, []byte, uint64) {
	switch s.kind {
	case pkVal:
		return uintptr(a[i]), nil, 0
	case pkInt:
		return uintptr(int32(a[i])), nil, 0
	case pkPath:
		p, b := strArg(t, a[i], t.P.Prefixed)
		return p, b, 0
	case pkStr:
		p, b := strArg(t, a[i], nil)
		return p, b, 0
	}
	// A buffer goes as the host view of the guest's (userRange): the host
	// kernel reads or writes only what the call needs, with the guest's
	// protections, and fails in its own order (EFAULT after EBADF, ENOENT...).
	n := s.size
	if s.lenArg >= 0 {
		n = uint64(uint32(a[s.lenArg]))*s.elem + s.extra
	}
	p := t.UserRange(a[i], n)
	if s.extra != 0 && p == usermode.BadUserPtr && a[i] < t.P.AS.Limit() && n-s.extra > msgMax() {
		// A struct msgbuf with a size the kernel refuses (EINVAL) after
		// reading mtype (ipc/msg.c ksys_msgsnd): only mtype is read.
		p = t.UserRange(a[i], s.extra)
	}
	return p, nil, 0
}

// msgMax is the host's MSGMAX, the largest System V message (msgctl
// IPC_INFO: struct msginfo's msgmax, an int at offset 8).
func msgMax() uint64 {
	var info [32]byte
	if _, _, e := unix.Syscall(unix.SYS_MSGCTL, 0, ipcInfo, uintptr(unsafe.Pointer(&info[0]))); e != 0 {
		return 8192 // MSGMAX (include/uapi/linux/msg.h)
	}
	return uint64(binary.LittleEndian.Uint32(info[8:]))
}

// Sizes of the structs these calls take (the same on LP64 x86_64 and
// the guests).
const (
	sizeLoff        = 8  // loff_t
	sizeSchedParam  = 4  // struct sched_param
	sizeCapHeader   = 8  // struct __user_cap_header_struct
	sizeCapData     = 24 // two struct __user_cap_data_struct (_LINUX_CAPABILITY_VERSION_3)
	sizeSchedAttr   = 56 // struct sched_attr, SCHED_ATTR_SIZE_VER1
	sizeTimespecArg = 16
	sizeItimerspec  = 32
	sizeTimeval     = 16
	sizeTimezone    = 8
	sizeTimex       = 208 // struct timex (include/uapi/linux/timex.h)
)

func init() {
	register(
		// Extended attributes (fs/xattr.c).
		passRow("setxattr", unix.SYS_SETXATTR, false, path, str, inLen(3), val, i32),
		passRow("lsetxattr", unix.SYS_LSETXATTR, false, path, str, inLen(3), val, i32),
		passRow("fsetxattr", unix.SYS_FSETXATTR, false, i32, str, inLen(3), val, i32),
		passRow("getxattr", unix.SYS_GETXATTR, false, path, str, outLen(3), val),
		passRow("lgetxattr", unix.SYS_LGETXATTR, false, path, str, outLen(3), val),
		passRow("fgetxattr", unix.SYS_FGETXATTR, false, i32, str, outLen(3), val),
		passRow("listxattr", unix.SYS_LISTXATTR, false, path, outLen(2), val),
		passRow("llistxattr", unix.SYS_LLISTXATTR, false, path, outLen(2), val),
		passRow("flistxattr", unix.SYS_FLISTXATTR, false, i32, outLen(2), val),
		passRow("removexattr", unix.SYS_REMOVEXATTR, false, path, str),
		passRow("lremovexattr", unix.SYS_LREMOVEXATTR, false, path, str),
		passRow("fremovexattr", unix.SYS_FREMOVEXATTR, false, i32, str),

		// inotify: IN_CLOEXEC/IN_NONBLOCK are O_CLOEXEC/O_NONBLOCK, the same values here.
		passRow("inotify_init1", unix.SYS_INOTIFY_INIT1, false, i32),
		passRow("inotify_add_watch", unix.SYS_INOTIFY_ADD_WATCH, false, i32, path, val),
		passRow("inotify_rm_watch", unix.SYS_INOTIFY_RM_WATCH, false, i32, i32),

		// timerfd (fs/timerfd.c): struct itimerspec is two timespecs, 32
		// bytes; TFD_CLOEXEC/TFD_NONBLOCK are O_CLOEXEC/O_NONBLOCK.
		passRow("timerfd_create", unix.SYS_TIMERFD_CREATE, false, i32, val),
		passRow("timerfd_settime", unix.SYS_TIMERFD_SETTIME, false, i32, val, in(sizeItimerspec), out(sizeItimerspec)),
		passRow("timerfd_gettime", unix.SYS_TIMERFD_GETTIME, false, i32, out(sizeItimerspec)),

		// Setting the clocks (kernel/time/posix-timers.c, time.c): struct
		// timespec, timeval, timezone and timex are the same on LP64.
		passRow("clock_settime", unix.SYS_CLOCK_SETTIME, false, i32, in(sizeTimespecArg)),
		passRow("settimeofday", unix.SYS_SETTIMEOFDAY, false, in(sizeTimeval), in(sizeTimezone)),
		passRow("clock_adjtime", unix.SYS_CLOCK_ADJTIME, false, i32, inout(sizeTimex)),
		passRow("adjtimex", unix.SYS_ADJTIMEX, false, inout(sizeTimex)),

		// Locks, syncing, data movement between descriptors.
		passRow("flock", unix.SYS_FLOCK, true, i32, i32),
		passRow("sync", unix.SYS_SYNC, false),
		passRow("syncfs", unix.SYS_SYNCFS, false, i32),
		passRow("sync_file_range", unix.SYS_SYNC_FILE_RANGE, false, i32, val, val, val),
		passRow("readahead", unix.SYS_READAHEAD, false, i32, val, val),
		passRow("splice", unix.SYS_SPLICE, true, i32, inout(sizeLoff), i32, inout(sizeLoff), val, val),
		passRow("tee", unix.SYS_TEE, true, i32, i32, val, val),
		passRow("copy_file_range", unix.SYS_COPY_FILE_RANGE, true, i32, inout(sizeLoff), i32, inout(sizeLoff),
			val, val),
		passRow("memfd_create", unix.SYS_MEMFD_CREATE, false, str, val),
		passRow("fchmodat2", 452, false, i32, path, val, val), // x86_64 number: arch/x86/entry/syscalls/syscall_64.tbl

		// Scheduling and priorities (kernel/sched/syscalls.c).
		passRow("getpriority", unix.SYS_GETPRIORITY, false, i32, i32),
		passRow("setpriority", unix.SYS_SETPRIORITY, false, i32, i32, i32),
		passRow("sched_setparam", unix.SYS_SCHED_SETPARAM, false, i32, in(sizeSchedParam)),
		passRow("sched_getparam", unix.SYS_SCHED_GETPARAM, false, i32, out(sizeSchedParam)),
		passRow("sched_setscheduler", unix.SYS_SCHED_SETSCHEDULER, false, i32, i32, in(sizeSchedParam)),
		passRow("sched_getscheduler", unix.SYS_SCHED_GETSCHEDULER, false, i32),
		passRow("sched_get_priority_max", unix.SYS_SCHED_GET_PRIORITY_MAX, false, i32),
		passRow("sched_get_priority_min", unix.SYS_SCHED_GET_PRIORITY_MIN, false, i32),
		passRow("sched_rr_get_interval", unix.SYS_SCHED_RR_GET_INTERVAL, false, i32, out(sizeTimespecArg)),
		passRow("sched_getattr", unix.SYS_SCHED_GETATTR, false, i32, outLen(2), val, val),
		passRow("sched_setattr", unix.SYS_SCHED_SETATTR, false, i32, in(sizeSchedAttr), val),
		passRow("ioprio_get", unix.SYS_IOPRIO_GET, false, i32, i32),
		passRow("ioprio_set", unix.SYS_IOPRIO_SET, false, i32, i32, i32),
		passRow("getcpu", unix.SYS_GETCPU, false, out(4), out(4), val),

		// Capabilities (kernel/capability.c): header in/out, data as version 3.
		passRow("capget", unix.SYS_CAPGET, false, inout(sizeCapHeader), out(sizeCapData)),
		passRow("capset", unix.SYS_CAPSET, false, inout(sizeCapHeader), in(sizeCapData)),

		// Host names, mounts, pidfds.
		passRow("sethostname", unix.SYS_SETHOSTNAME, false, inLen(1), val),
		passRow("setdomainname", unix.SYS_SETDOMAINNAME, false, inLen(1), val),
		passRow("mount", unix.SYS_MOUNT, false, str, path, str, val, str),
		passRow("umount2", unix.SYS_UMOUNT2, false, path, i32),
		passRow("pivot_root", unix.SYS_PIVOT_ROOT, false, path, path),
		passRow("pidfd_open", unix.SYS_PIDFD_OPEN, false, i32, val),
		passRow("pidfd_getfd", unix.SYS_PIDFD_GETFD, false, i32, i32, val),
		// siginfo_t is the same on the guests and x86_64; a signal to gemu
		// itself comes back through hostSigHandler.
		passRow("pidfd_send_signal", unix.SYS_PIDFD_SEND_SIGNAL, false, i32, i32, in(128), val),
	)
}

// Credentials are per thread in the kernel; glibc makes setuid and its
// kin process-wide by running them on every thread (nptl setxid). gemu's
// guest threads are host threads of one process, so the call goes to all
// of them the same way (syscall.AllThreadsSyscall, Linux only, no cgo).
func init() {
	register(
		idRow("setuid", unix.SYS_SETUID, 1),
		idRow("setgid", unix.SYS_SETGID, 1),
		idRow("setreuid", unix.SYS_SETREUID, 2),
		idRow("setregid", unix.SYS_SETREGID, 2),
		idRow("setresuid", unix.SYS_SETRESUID, 3),
		idRow("setresgid", unix.SYS_SETRESGID, 3),
		idRow("setfsuid", unix.SYS_SETFSUID, 1),
		idRow("setfsgid", unix.SYS_SETFSGID, 1),
		row{"setgroups", sysSetgroups, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Full, "on every thread"},
	)
}

func idRow(name string, nr uintptr, n int) row {
	ks := make([]syscalls.ArgKind, n)
	for i := range ks {
		ks[i] = aInt
	}
	h := func(t *Thread, a *Args) uint64 {
		all := syscall.AllThreadsSyscall
		if t.P.Vfork != nil {
			// A vfork child shares gemu's process with its parent: only its
			// own thread changes, and the program it execs inherits that.
			all = syscall.RawSyscall
		}
		r, _, e := all(nr, uintptr(uint32(a[0])), uintptr(uint32(a[1])), uintptr(uint32(a[2])))
		if e != 0 {
			return usermode.Errno(unix.Errno(e))
		}
		return uint64(r)
	}
	return row{name, h, ks, syscalls.RetInt, syscalls.Full, "on every thread"}
}

func sysSetgroups(t *Thread, a *Args) uint64 {
	n := uint64(uint32(a[0]))
	if n > 65536 { // NGROUPS_MAX, include/uapi/linux/limits.h
		return usermode.Errno(unix.EINVAL)
	}
	p, ok := hostPtr(t, a[1], 4*n, translate.ProtRead)
	if !ok {
		return usermode.Errno(unix.EFAULT)
	}
	all := syscall.AllThreadsSyscall
	if t.P.Vfork != nil {
		all = syscall.RawSyscall
	}
	_, _, e := all(unix.SYS_SETGROUPS, uintptr(n), p, 0)
	if e != 0 {
		return usermode.Errno(unix.Errno(e))
	}
	return 0
}

func init() {
	register(row{"mincore", sysMincore, kinds(aPtr, aLong, aPtr), syscalls.RetInt, syscalls.Full,
		"the host's answer for the guest range"})
}

// mincore(addr, length, vec) (mm/mincore.c): addr must be page aligned
// (EINVAL), the range within the address space (ENOMEM) and the vector's
// (EFAULT) before the range is looked at (ENOMEM when not all mapped);
// one byte per page is written, by the host into the guest's vector.
func sysMincore(t *Thread, a *Args) uint64 {
	addr, length := a[0], a[1]
	if addr%translate.PageSize != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if lim := t.P.AS.Limit(); addr > lim || length > lim-addr {
		return usermode.Errno(unix.ENOMEM)
	}
	pages := (length + translate.PageSize - 1) / translate.PageSize
	vec := t.UserRange(a[2], pages)
	if vec == usermode.BadUserPtr {
		return usermode.Errno(unix.EFAULT)
	}
	if _, err := t.P.AS.Slice(addr, pages*translate.PageSize, 0); err != nil {
		return usermode.Errno(unix.ENOMEM) // not all mapped in the guest
	}
	return usermode.Ret(usermode.Raw(unix.SYS_MINCORE, t.P.AS.HostAddr(addr), uintptr(length), vec, 0, 0, 0))
}
