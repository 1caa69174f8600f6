package linuxuser

import (
	"sync/atomic"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

func init() {
	register(
		row{"uname", sysUname, kinds(aPtr), syscalls.RetInt, syscalls.Full, "machine is the guest's"},
		row{"getrandom", sysGetrandom, kinds(aHex, aLong, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"prlimit64", sysPrlimit64, kinds(aInt, aInt, aPtr, aPtr), syscalls.RetInt, syscalls.Partial,
			"RLIMIT_AS/DATA/STACK changes are accepted but not applied; RLIMIT_SIGPENDING is kept by gemu"},
		row{"getrlimit", sysGetrlimit, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"setrlimit", sysSetrlimit, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Partial, "as prlimit64"},
		row{"umask", sysUmask, kinds(aOct), syscalls.RetInt, syscalls.Full, ""},
		row{"sysinfo", sysSysinfo, kinds(aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"getuid", sysGetuid, kinds(), syscalls.RetInt, syscalls.Full, ""},
		row{"geteuid", sysGeteuid, kinds(), syscalls.RetInt, syscalls.Full, ""},
		row{"getgid", sysGetgid, kinds(), syscalls.RetInt, syscalls.Full, ""},
		row{"getegid", sysGetegid, kinds(), syscalls.RetInt, syscalls.Full, ""},
		row{"getresuid", sysGetresuid, kinds(aPtr, aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"getresgid", sysGetresgid, kinds(aPtr, aPtr, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"getgroups", sysGetgroups, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"getpgid", sysGetpgid, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"setpgid", sysSetpgid, kinds(aInt, aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"getsid", sysGetsid, kinds(aInt), syscalls.RetInt, syscalls.Full, ""},
		row{"setsid", sysSetsid, kinds(), syscalls.RetInt, syscalls.Full, ""},
		row{"prctl", sysPrctl, kinds(aInt, aHex, aHex, aHex, aHex), syscalls.RetInt, syscalls.Partial,
			"PR_SET_NAME/GET_NAME, dumpable, pdeathsig, no_new_privs, seccomp, keepcaps, subreaper, securebits, capbset, …; others EINVAL"},
		row{"personality", sysPersonality, kinds(aHex), syscalls.RetInt, syscalls.Full,
			"UNAME26 and the exec-layout flags also on the host; ADDR_LIMIT_*, READ_IMPLIES_EXEC, MMAP_PAGE_ZERO kept by gemu"},
		row{"riscv_flush_icache", sysRiscvFlushIcache, kinds(aPtr, aPtr, aHex), syscalls.RetInt, syscalls.Full,
			"drops every translation"},
		// The emulated CPU has no performance counters (the host's would
		// count gemu), and eBPF programs see the host kernel's structures
		// with host addresses: both are refused as a kernel without them.
		row{"perf_event_open", nil, nil, syscalls.RetInt, syscalls.Unimplemented, "ENOSYS: no PMU is emulated"},
		row{"bpf", nil, nil, syscalls.RetInt, syscalls.Unimplemented, "ENOSYS: eBPF would see the host's kernel and addresses"},
	)
}

// defaultRelease is uname's release when the host's is unusable.
const defaultRelease = "6.1.0"

func sysUname(t *Thread, a *Args) uint64 {
	var h unix.Utsname
	if err := unix.Uname(&h); err != nil {
		return usermode.ErrRet(err)
	}
	u := linux.Utsname{Sysname: "Linux", Nodename: usermode.Cstr(h.Nodename[:]), Release: usermode.Cstr(h.Release[:]),
		Version: usermode.Cstr(h.Version[:]), Machine: t.P.Arch().UnameMachine(), Domainname: usermode.Cstr(h.Domainname[:])}
	if t.P.Opts.Uname != "" {
		u.Release = t.P.Opts.Uname
	}
	if u.Release == "" {
		u.Release = defaultRelease
	}
	var b [linux.UtsnameSize]byte
	u.Encode(b[:])
	return putBytes(t, a[0], b[:])
}

// sysGetrandom: the host fills the guest's buffer, after it has checked
// the flags (drivers/char/random.c: EINVAL before EFAULT, and EFAULT for
// a bad buffer even when the count is 0).
func sysGetrandom(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_GETRANDOM, t.UserRange(a[0], a[1]), uintptr(a[1]), uintptr(uint32(a[2])), 0, 0, 0))
}

// Resource limits gemu itself depends on: accepted, not applied (as QEMU does).
func emulatorOwnsLimit(res int) bool {
	return res == unix.RLIMIT_AS || res == unix.RLIMIT_DATA || res == unix.RLIMIT_STACK
}

func sysPrlimit64(t *Thread, a *Args) uint64 {
	pid, res := int(int32(a[0])), int(int32(a[1]))
	var nl *unix.Rlimit
	if a[2] != 0 {
		b, err := t.ReadBytes(a[2], linux.RlimitSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		g := linux.DecodeRlimit(b)
		nl = &unix.Rlimit{Cur: g.Cur, Max: g.Max}
		if (pid == 0 || pid == t.P.PID) && emulatorOwnsLimit(res) && res != unix.RLIMIT_STACK {
			// Not applied, but refused as the kernel would refuse it
			// (kernel/sys.c do_prlimit: soft above hard EINVAL, a higher
			// hard limit EPERM without CAP_SYS_RESOURCE).
			var cur unix.Rlimit
			if nl.Cur > nl.Max {
				return usermode.Errno(unix.EINVAL)
			}
			if unix.Getrlimit(res, &cur) == nil && nl.Max > cur.Max && !hasCap(unix.CAP_SYS_RESOURCE) {
				return usermode.Errno(unix.EPERM)
			}
			nl = nil
		}
	}
	if (pid == 0 || pid == t.P.PID) && res == unix.RLIMIT_SIGPENDING && (a[2] == 0 || nl != nil) {
		return prlimitKept(t, &t.P.Sigpending, res, nl, a[3])
	}
	if (pid == 0 || pid == t.P.PID) && res == unix.RLIMIT_STACK {
		// Kept for the guest (its MAP_GROWSDOWN mappings): gemu's own
		// stacks stay under the host's.
		return prlimitKept(t, &t.P.StackLimit, res, nl, a[3])
	}
	if res == unix.RLIMIT_NOFILE && (pid == 0 || pid == t.P.PID) {
		usermode.Nofile.Lock() // not while gemu has raised it for itself (usermode/hostfd.go)
		defer usermode.Nofile.Unlock()
	}
	var old unix.Rlimit
	if err := unix.Prlimit(pid, res, nl, &old); err != nil {
		return usermode.ErrRet(err)
	}
	if a[3] != 0 {
		var b [linux.RlimitSize]byte
		linux.Rlimit{Cur: old.Cur, Max: old.Max}.Encode(b[:])
		return putBytes(t, a[3], b[:])
	}
	return 0
}

// RLIMIT_SIGPENDING is the guest's alone: gemu counts the guest's queued
// signals against it (Process.sigpendingFull), while the host process keeps
// its own, because the Go runtime signals its threads with queued
// real-time signals (syscall.AllThreadsSyscall for setuid and its kin) and
// would wait forever for one the limit refused. RLIMIT_STACK too: it bounds
// the guest's MAP_GROWSDOWN mappings (translate/memgrow.go). prlimitKept
// gets or sets such a limit, kept in *kept.
func prlimitKept(t *Thread, kept *atomic.Pointer[unix.Rlimit], res int, nl *unix.Rlimit, oldAddr uint64) uint64 {
	p := t.P
	p.Mu.Lock()
	old := usermode.KeptLimit(kept.Load(), res)
	if nl != nil {
		// kernel/sys.c do_prlimit: soft above hard is EINVAL; raising the
		// hard limit needs CAP_SYS_RESOURCE.
		if nl.Cur > nl.Max {
			p.Mu.Unlock()
			return usermode.Errno(unix.EINVAL)
		}
		if nl.Max > old.Max && !hasCap(unix.CAP_SYS_RESOURCE) {
			p.Mu.Unlock()
			return usermode.Errno(unix.EPERM)
		}
		kept.Store(nl)
	}
	p.Mu.Unlock()
	if oldAddr != 0 {
		var b [linux.RlimitSize]byte
		linux.Rlimit{Cur: old.Cur, Max: old.Max}.Encode(b[:])
		return putBytes(t, oldAddr, b[:])
	}
	return 0
}

// hasCap reports whether gemu holds capability c in its effective set.
func hasCap(c int) bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if unix.Capget(&hdr, &data[0]) != nil {
		return false
	}
	return data[c/32].Effective&(1<<(c%32)) != 0
}

func sysGetrlimit(t *Thread, a *Args) uint64 {
	return sysPrlimit64(t, &Args{0, a[0], 0, a[1]})
}

func sysSetrlimit(t *Thread, a *Args) uint64 {
	return sysPrlimit64(t, &Args{0, a[0], a[1], 0})
}

func sysUmask(t *Thread, a *Args) uint64 { return uint64(unix.Umask(int(a[0] & 0o777))) }

func sysSysinfo(t *Thread, a *Args) uint64 {
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		return usermode.ErrRet(err)
	}
	var b [linux.SysinfoSize]byte
	g := linux.SysinfoFromHost(&si)
	g.Encode(b[:])
	return putBytes(t, a[0], b[:])
}

func sysGetuid(t *Thread, a *Args) uint64  { return uint64(unix.Getuid()) }
func sysGeteuid(t *Thread, a *Args) uint64 { return uint64(unix.Geteuid()) }
func sysGetgid(t *Thread, a *Args) uint64  { return uint64(unix.Getgid()) }
func sysGetegid(t *Thread, a *Args) uint64 { return uint64(unix.Getegid()) }

// putIDs writes three 32-bit ids (uid_t/gid_t).
func putIDs(t *Thread, addrs []uint64, ids [3]int) uint64 {
	for i, addr := range addrs {
		if t.Store32(addr, uint32(ids[i])) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return 0
}

func sysGetresuid(t *Thread, a *Args) uint64 {
	r, e, s := unix.Getresuid()
	return putIDs(t, a[:3], [3]int{r, e, s})
}

func sysGetresgid(t *Thread, a *Args) uint64 {
	r, e, s := unix.Getresgid()
	return putIDs(t, a[:3], [3]int{r, e, s})
}

func sysGetgroups(t *Thread, a *Args) uint64 {
	gs, err := unix.Getgroups()
	if err != nil {
		return usermode.ErrRet(err)
	}
	n := int(int32(a[0]))
	if n == 0 {
		return uint64(len(gs))
	}
	if n < len(gs) || n < 0 {
		return usermode.Errno(unix.EINVAL)
	}
	for i, g := range gs {
		if t.Store32(a[1]+uint64(4*i), uint32(g)) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return uint64(len(gs))
}

func sysGetpgid(t *Thread, a *Args) uint64 { return usermode.Ret(unix.Getpgid(int(int32(a[0])))) }
func sysSetpgid(t *Thread, a *Args) uint64 {
	return t.Setpgid(int(int32(a[0])), int(int32(a[1])))
}
func sysGetsid(t *Thread, a *Args) uint64 { return usermode.Ret(unix.Getsid(int(int32(a[0])))) }
func sysSetsid(t *Thread, a *Args) uint64 { return t.Setsid() }

// prctl options (Linux include/uapi/linux/prctl.h).
const (
	prSetPdeathsig  = 1
	prGetPdeathsig  = 2
	prGetDumpable   = 3
	prSetDumpable   = 4
	prSetName       = 15
	prGetName       = 16
	prSetNoNewPrivs = 38
	prGetNoNewPrivs = 39
)

// prctlScalar are the options whose arguments and results are plain
// values, passed to the host for the calling thread (include/uapi/linux/prctl.h).
var prctlScalar = map[int]bool{
	unix.PR_GET_KEEPCAPS: true, unix.PR_SET_KEEPCAPS: true, unix.PR_GET_TIMERSLACK: true,
	unix.PR_SET_TIMERSLACK: true, unix.PR_CAPBSET_READ: true, unix.PR_CAPBSET_DROP: true,
	unix.PR_GET_SECUREBITS: true, unix.PR_SET_SECUREBITS: true, unix.PR_SET_CHILD_SUBREAPER: true,
	unix.PR_GET_THP_DISABLE: true, unix.PR_SET_THP_DISABLE: true, unix.PR_CAP_AMBIENT: true,
	unix.PR_GET_TIMING: true, unix.PR_MCE_KILL: true, unix.PR_MCE_KILL_GET: true,
	unix.PR_SET_PTRACER: true, unix.PR_GET_IO_FLUSHER: true,
}

func sysPrctl(t *Thread, a *Args) uint64 {
	switch int(int32(a[0])) {
	case prSetName:
		b, err := t.ReadBytes(a[1], usermode.TaskCommLen)
		if err != nil {
			if s, err2 := t.P.AS.ReadString(a[1], usermode.TaskCommLen); err2 == nil {
				b = []byte(s)
			} else {
				return usermode.Errno(unix.EFAULT)
			}
		}
		name := make([]byte, usermode.TaskCommLen)
		copy(name[:usermode.TaskCommLen-1], b)
		_, _, e := unix.Syscall(unix.SYS_PRCTL, prSetName, uintptr(unsafe.Pointer(&name[0])), 0)
		if e != 0 {
			return usermode.Errno(e)
		}
		return 0
	case prGetName:
		b := make([]byte, usermode.TaskCommLen)
		if _, _, e := unix.Syscall(unix.SYS_PRCTL, prGetName, uintptr(unsafe.Pointer(&b[0])), 0); e != 0 {
			return usermode.Errno(e)
		}
		return putBytes(t, a[1], b)
	case prGetDumpable, prSetDumpable, prSetNoNewPrivs, prGetNoNewPrivs, prGetPdeathsig:
		if int(int32(a[0])) == prGetPdeathsig {
			// The kernel stores the signal at arg2 (kernel/sys.c put_user).
			var v int32
			if err := unix.Prctl(prGetPdeathsig, uintptr(unsafe.Pointer(&v)), 0, 0, 0); err != nil {
				return usermode.ErrRet(err)
			}
			return usermode.OK(t.Store32(a[1], uint32(v)))
		}
		return usermode.Ret(unix.PrctlRetInt(int(int32(a[0])), uintptr(a[1]), uintptr(a[2]), uintptr(a[3]), uintptr(a[4])))
	case prSetPdeathsig:
		return usermode.OK(unix.Prctl(prSetPdeathsig, uintptr(a[1]), 0, 0, 0))
	case unix.PR_GET_SECCOMP:
		return prctlGetSeccomp(t)
	case unix.PR_SET_SECCOMP:
		return prctlSetSeccomp(t, a[1], a[2])
	case unix.PR_GET_TID_ADDRESS: // the clear_child_tid pointer (kernel/sys.c)
		return usermode.OK(t.P.AS.Store64(a[1], t.ClearTID))
	case unix.PR_GET_CHILD_SUBREAPER:
		v, err := unix.PrctlRetInt(unix.PR_GET_CHILD_SUBREAPER, 0, 0, 0, 0)
		if err != nil {
			return usermode.ErrRet(err)
		}
		return usermode.OK(t.Store32(a[1], uint32(v)))
	}
	if prctlScalar[int(int32(a[0]))] {
		return usermode.Ret(unix.PrctlRetInt(int(int32(a[0])), uintptr(a[1]), uintptr(a[2]), uintptr(a[3]), uintptr(a[4])))
	}
	return usermode.Errno(unix.EINVAL)
}

// sysRiscvFlushIcache: Linux flushes the whole process's instruction
// caches whatever the range (arch/riscv/kernel/sys_riscv.c), so do we.
func sysRiscvFlushIcache(t *Thread, a *Args) uint64 {
	if a[2]&^1 != 0 { // SYS_RISCV_FLUSH_ICACHE_LOCAL is the only flag
		return usermode.Errno(unix.EINVAL)
	}
	t.P.Engine().FlushAll()
	return 0
}

// personality(2) flags gemu also sets on its host process (Linux
// include/uapi/linux/personality.h): they only change what the kernel
// reports (UNAME26 makes uname say 2.6.x) or the layout of a later exec,
// and the host passes them on to children. The rest (ADDR_LIMIT_32BIT,
// ADDR_LIMIT_3GB, READ_IMPLIES_EXEC, MMAP_PAGE_ZERO) would change gemu's own
// memory, and the execution domain (the low byte) the host's ABI: gemu keeps
// those for the guest in Process.persona.
const (
	personaHostFlags = 0x0020000 | 0x0040000 | 0x0080000 | 0x0200000 | 0x1000000 | 0x2000000 | 0x4000000
	perLinux32       = 0x0008
	personaQuery     = 0xffffffff
)

// sysPersonality (kernel/exec_domain.c): 0xffffffff asks; any other value
// is set and the old one returned. arm64 refuses PER_LINUX32 without
// 32-bit EL0 (arch/arm64/kernel/sys.c), which gemu does not run.
func sysPersonality(t *Thread, a *Args) uint64 {
	v := uint32(a[0])
	p := t.P
	p.Mu.Lock()
	defer p.Mu.Unlock()
	host, _, _ := unix.RawSyscall(unix.SYS_PERSONALITY, personaQuery, 0, 0)
	old := uint32(host) | p.Persona
	if v == personaQuery {
		return uint64(old)
	}
	if v&0xff == perLinux32 && p.Arch().Name() == "aarch64" {
		return usermode.Errno(unix.EINVAL)
	}
	unix.RawSyscall(unix.SYS_PERSONALITY, uintptr(v&personaHostFlags), 0, 0)
	p.Persona = v &^ personaHostFlags
	return uint64(old)
}
