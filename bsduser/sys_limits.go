package bsduser

import (
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

// Resource limits and usage, credentials and process groups.

func init() {
	register(
		def("getrlimit", sysGetrlimit, aInt, aPtr),
		partial("setrlimit", sysSetrlimit, "RLIMIT_AS and RLIMIT_DATA accepted, not applied; FreeBSD-only limits unlimited",
			aInt, aPtr),
		def("getrusage", sysGetrusage, aInt, aPtr),
		def("setpgid", sysSetpgid, aInt, aInt),
		idCall("setuid", unix.SYS_SETUID, 1, nil),
		idCall("setgid", unix.SYS_SETGID, 1, nil),
		idCall("seteuid", unix.SYS_SETRESUID, 1, effectiveOnly),
		idCall("setegid", unix.SYS_SETRESGID, 1, effectiveOnly),
		idCall("setreuid", unix.SYS_SETREUID, 2, nil),
		idCall("setregid", unix.SYS_SETREGID, 2, nil),
		idCall("setresuid", unix.SYS_SETRESUID, 3, nil),
		idCall("setresgid", unix.SYS_SETRESGID, 3, nil),
		def("getresuid", func(t *Thread, a *Args) uint64 { return getres(t, unix.SYS_GETRESUID, a) }, aPtr, aPtr, aPtr),
		def("getresgid", func(t *Thread, a *Args) uint64 { return getres(t, unix.SYS_GETRESGID, a) }, aPtr, aPtr, aPtr),
		partial("setgroups", sysSetgroups, "FreeBSD 14's: the first entry is the effective group", aInt, aPtr),
		def("getgroups", sysGetgroups, aInt, aPtr),
	)
}

// rlimitArg is the host resource for a FreeBSD one; ok is false for the
// FreeBSD-only limits (RLIMIT_SBSIZE, RLIMIT_NPTS, RLIMIT_SWAP,
// RLIMIT_KQUEUES, RLIMIT_UMTXP, RLIMIT_PIPEBUF), which nothing enforces
// here; past the last one is EINVAL (sys/kern/kern_resource.c).
func rlimitArg(v uint64) (res int, ok bool, e uint64) {
	r := int(int32(v))
	if r < 0 || r > freebsd.RLIMIT_PIPEBUF {
		return 0, false, usermode.Errno(unix.EINVAL)
	}
	res, ok = freebsd.RlimitToLinux(r)
	return res, ok, 0
}

// guestLimit is the limit the guest sees: RLIMIT_STACK is the one gemu
// keeps for it (usermode/limits.go), RLIMIT_NOFILE the guest's own while
// gemu has raised it for a moment (usermode/hostfd.go).
func guestLimit(p *Process, res int) (unix.Rlimit, error) {
	switch res {
	case unix.RLIMIT_STACK:
		return usermode.KeptLimit(p.StackLimit.Load(), res), nil
	case unix.RLIMIT_NOFILE:
		usermode.Nofile.Lock()
		defer usermode.Nofile.Unlock()
	}
	var rl unix.Rlimit
	return rl, unix.Getrlimit(res, &rl)
}

func sysGetrlimit(t *Thread, a *Args) uint64 {
	res, ok, e := rlimitArg(a[0])
	if e != 0 {
		return e
	}
	rl := unix.Rlimit{Cur: unix.RLIM_INFINITY, Max: unix.RLIM_INFINITY}
	if ok {
		var err error
		if rl, err = guestLimit(t.P, res); err != nil {
			return usermode.ErrRet(err)
		}
	}
	b := make([]byte, freebsd.RlimitSize)
	le.PutUint64(b, freebsd.RlimValueFromLinux(rl.Cur))
	le.PutUint64(b[8:], freebsd.RlimValueFromLinux(rl.Max))
	return usermode.OK(t.WriteBytes(a[1], b))
}

// rlimValueToLinux: FreeBSD's RLIM_INFINITY (and, as kern_proc_setrlimit
// says, any negative value) is Linux's all-ones.
func rlimValueToLinux(v uint64) uint64 {
	if v >= freebsd.RLIM_INFINITY {
		return unix.RLIM_INFINITY
	}
	return v
}

// sysSetrlimit follows kern_proc_setrlimit: a soft limit above the hard
// one becomes the hard one; raising the hard limit needs privilege
// (EPERM from the host). The address-space and data limits bound gemu
// itself, so they are checked, not applied (as QEMU does).
func sysSetrlimit(t *Thread, a *Args) uint64 {
	res, ok, e := rlimitArg(a[0])
	if e != 0 {
		return e
	}
	b, err := t.ReadBytes(a[1], freebsd.RlimitSize)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	nl := unix.Rlimit{Cur: rlimValueToLinux(le.Uint64(b)), Max: rlimValueToLinux(le.Uint64(b[8:]))}
	nl.Cur = min(nl.Cur, nl.Max)
	if !ok {
		return 0
	}
	old, err := guestLimit(t.P, res)
	if err != nil {
		return usermode.ErrRet(err)
	}
	switch res {
	case unix.RLIMIT_AS, unix.RLIMIT_DATA, unix.RLIMIT_STACK:
		if nl.Max > old.Max && !privileged() {
			return usermode.Errno(unix.EPERM)
		}
		if res == unix.RLIMIT_STACK {
			t.P.StackLimit.Store(&nl)
		}
		return 0
	case unix.RLIMIT_NOFILE:
		usermode.Nofile.Lock()
		defer usermode.Nofile.Unlock()
	}
	return usermode.OK(unix.Setrlimit(res, &nl))
}

// privileged reports whether gemu may raise hard limits
// (CAP_SYS_RESOURCE, which root has).
func privileged() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if unix.Capget(&hdr, &data[0]) != nil {
		return false
	}
	return data[0].Effective&(1<<unix.CAP_SYS_RESOURCE) != 0
}

// sysGetrusage: RUSAGE_SELF 0, RUSAGE_CHILDREN -1 and RUSAGE_THREAD 1
// are Linux's numbers too (FreeBSD sys/sys/resource.h).
func sysGetrusage(t *Thread, a *Args) uint64 {
	who := int(int32(a[0]))
	if who != unix.RUSAGE_SELF && who != unix.RUSAGE_CHILDREN && who != unix.RUSAGE_THREAD {
		return usermode.Errno(unix.EINVAL)
	}
	var ru unix.Rusage
	if err := unix.Getrusage(who, &ru); err != nil {
		return usermode.ErrRet(err)
	}
	return usermode.OK(t.WriteBytes(a[1], freebsd.RusageFromLinux(&ru)))
}

// sysSetpgid: a vfork child shares gemu's process, so its setpgid is
// made on the host child its execve starts (usermode/vfork.go).
func sysSetpgid(t *Thread, a *Args) uint64 {
	return t.Setpgid(int(int32(a[0])), int(int32(a[1])))
}

// effectiveOnly: seteuid/setegid change the effective id alone
// (sys/kern/kern_prot.c sys_seteuid), the saved one staying, which is
// setres*id(-1, id, -1) on the host.
func effectiveOnly(a *Args) [3]uintptr {
	return [3]uintptr{0xffffffff, uintptr(uint32(a[0])), 0xffffffff}
}

var idKinds = [3]syscalls.ArgKind{aInt, aInt, aInt}

// idCall is a credential call (n id arguments, 32-bit as uid_t and
// gid_t are, -1 for "unchanged"), spread over the host call's arguments
// when spread is given.
func idCall(name string, nr uintptr, n int, spread func(a *Args) [3]uintptr) usermode.Row {
	h := func(t *Thread, a *Args) uint64 {
		args := [3]uintptr{uintptr(uint32(a[0])), uintptr(uint32(a[1])), uintptr(uint32(a[2]))}
		if spread != nil {
			args = spread(a)
		}
		return allThreads(t, nr, args)
	}
	return def(name, h, idKinds[:n]...)
}

// allThreads makes a credential call on every host thread, as the kernel
// changes the whole process's credentials; a vfork child changes only
// its own thread, whose exec'd program inherits them.
func allThreads(t *Thread, nr uintptr, a [3]uintptr) uint64 {
	call := syscall.AllThreadsSyscall
	if t.P.Vfork != nil {
		call = syscall.RawSyscall
	}
	r, _, e := call(nr, a[0], a[1], a[2])
	if e != 0 {
		return usermode.Errno(unix.Errno(e))
	}
	return uint64(r)
}

// getres is getresuid or getresgid: three 32-bit ids.
func getres(t *Thread, nr uintptr, a *Args) uint64 {
	var ids [3]uint32
	_, _, e := unix.RawSyscall(nr, uintptr(unsafe.Pointer(&ids[0])), uintptr(unsafe.Pointer(&ids[1])),
		uintptr(unsafe.Pointer(&ids[2])))
	if e != 0 {
		return usermode.Errno(e)
	}
	for i, id := range ids {
		if a[i] != 0 && t.Store32(a[i], id) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return 0
}

// ngroupsMax is FreeBSD's NGROUPS_MAX (sys/sys/syslimits.h, 1023) plus
// the effective group that FreeBSD 14's lists begin with.
const ngroupsMax = 1024

// sysSetgroups: in FreeBSD 14 the list's first entry is the effective
// group and the rest the supplementary ones (sys/kern/kern_prot.c
// kern_setgroups and crsetgroups); an empty list keeps the effective
// group and drops the rest.
func sysSetgroups(t *Thread, a *Args) uint64 {
	n := int(int32(a[0]))
	if n < 0 || n > ngroupsMax {
		return usermode.Errno(unix.EINVAL)
	}
	b, err := t.ReadBytes(a[1], uint64(4*n))
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	gids := make([]uint32, max(n, 1))
	for i := range n {
		gids[i] = le.Uint32(b[4*i:])
	}
	if n > 0 {
		if r := allThreads(t, unix.SYS_SETRESGID, effectiveOnly(&Args{uint64(gids[0])})); usermode.IsErr(r) {
			return r
		}
	}
	rest := gids[1:]
	if n == 0 {
		rest = nil
	}
	var p uintptr
	if len(rest) > 0 {
		p = uintptr(unsafe.Pointer(&rest[0]))
	}
	r := allThreads(t, unix.SYS_SETGROUPS, [3]uintptr{uintptr(len(rest)), p})
	runtime.KeepAlive(rest)
	return r
}

// sysGetgroups gives the effective group first, then the host's
// supplementary groups (FreeBSD 14's cr_groups); with size 0 it counts
// them; a list that does not fit is EINVAL (kern_prot.c sys_getgroups).
func sysGetgroups(t *Thread, a *Args) uint64 {
	host, err := unix.Getgroups()
	if err != nil {
		return usermode.ErrRet(err)
	}
	gids := append([]int{unix.Getegid()}, host...)
	size := int(int32(a[0]))
	if size == 0 {
		return uint64(len(gids))
	}
	if size < len(gids) {
		return usermode.Errno(unix.EINVAL)
	}
	b := make([]byte, 4*len(gids))
	for i, g := range gids {
		le.PutUint32(b[4*i:], uint32(g))
	}
	return usermode.Ret(len(gids), t.WriteBytes(a[1], b))
}
