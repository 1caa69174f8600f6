package linuxuser

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/internal/seccomp"
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// seccomp is emulated: gemu runs the guest's filters over the guest's
// syscalls (usermode/seccomp.go), with the guest's numbers and
// AUDIT_ARCH, which a host filter could not see. qemu-user 7.2 refuses
// it (prctl PR_SET_SECCOMP is EINVAL there).
func init() {
	register(
		row{"seccomp", sysSeccomp, kinds(aInt, aHex, aPtr), syscalls.RetInt, syscalls.Partial,
			"strict and filter modes, TSYNC; no user notification listener (NEW_LISTENER is EINVAL)"},
	)
}

// seccomp(2) operations and filter flags (include/uapi/linux/seccomp.h).
const (
	seccompSetModeStrict = 0
	seccompSetModeFilter = 1
	seccompGetActionAvl  = 2
	seccompGetNotifSizes = 3

	filterFlagTsync        = 1 << 0
	filterFlagLog          = 1 << 1
	filterFlagSpecAllow    = 1 << 2
	filterFlagNewListener  = 1 << 3
	filterFlagTsyncEsrch   = 1 << 4
	filterFlagWaitKillable = 1 << 5
	filterFlagMask         = 1<<6 - 1
)

func sysSeccomp(t *Thread, a *Args) uint64 {
	return doSeccomp(t, uint32(a[0]), uint32(a[1]), a[2])
}

// doSeccomp is kernel/seccomp.c do_seccomp, shared with prctl.
func doSeccomp(t *Thread, op, flags uint32, uargs uint64) uint64 {
	switch op {
	case seccompSetModeStrict:
		if flags != 0 || uargs != 0 {
			return usermode.Errno(unix.EINVAL)
		}
		return setSeccompStrict(t)
	case seccompSetModeFilter:
		return setSeccompFilter(t, flags, uargs)
	case seccompGetActionAvl:
		if flags != 0 {
			return usermode.Errno(unix.EINVAL)
		}
		action, err := t.P.AS.Load32(uargs)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		if !seccomp.KnownAction(action) {
			return usermode.Errno(unix.EOPNOTSUPP)
		}
		return 0
	case seccompGetNotifSizes:
		if flags != 0 {
			return usermode.Errno(unix.EINVAL)
		}
		// struct seccomp_notif_sizes: sizeof seccomp_notif, seccomp_notif_resp, seccomp_data.
		b := binary.LittleEndian.AppendUint16(nil, 80)
		b = binary.LittleEndian.AppendUint16(b, 24)
		b = binary.LittleEndian.AppendUint16(b, seccomp.DataSize)
		return putBytes(t, uargs, b)
	}
	return usermode.Errno(unix.EINVAL)
}

// setSeccompStrict is seccomp_set_mode_strict: for the calling thread
// only, and not over filters.
func setSeccompStrict(t *Thread) uint64 {
	p := t.P
	p.Mu.Lock()
	defer p.Mu.Unlock()
	if s := t.Seccomp(); s != nil && s.Mode != usermode.SeccompStrict {
		return usermode.Errno(unix.EINVAL)
	}
	t.SetSeccomp(&usermode.SeccompState{Mode: usermode.SeccompStrict})
	return 0
}

// setSeccompFilter is seccomp_set_mode_filter, in its order: flags,
// the sock_fprog (EFAULT), its length, privilege (EACCES), the program
// (EFAULT, then EINVAL for what the checker refuses), then under the
// lock the mode, the path length (ENOMEM) and TSYNC.
func setSeccompFilter(t *Thread, flags uint32, uargs uint64) uint64 {
	if flags&^filterFlagMask != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if flags&filterFlagTsync != 0 && flags&filterFlagNewListener != 0 && flags&filterFlagTsyncEsrch == 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if flags&filterFlagWaitKillable != 0 && flags&filterFlagNewListener == 0 {
		return usermode.Errno(unix.EINVAL)
	}
	prog, errno := readFilter(t, uargs)
	if errno != 0 {
		return usermode.Errno(errno)
	}
	if flags&filterFlagNewListener != 0 {
		t.P.Unimp("seccomp: SECCOMP_FILTER_FLAG_NEW_LISTENER (user notification) is not emulated")
		return usermode.Errno(unix.EINVAL)
	}
	return attachFilter(t, &seccomp.Filter{Prog: prog, Log: flags&filterFlagLog != 0}, flags)
}

// readFilter is seccomp_prepare_user_filter: struct sock_fprog is a
// u16 length and, at offset 8, the instructions' address.
func readFilter(t *Thread, uargs uint64) ([]seccomp.Insn, unix.Errno) {
	fprog, err := t.P.AS.Slice(uargs, 16, translate.ProtRead)
	if err != nil {
		return nil, unix.EFAULT
	}
	n := int(binary.LittleEndian.Uint16(fprog))
	addr := binary.LittleEndian.Uint64(fprog[8:])
	if n == 0 || n > seccomp.MaxInsns {
		return nil, unix.EINVAL
	}
	if !mayInstallFilter() {
		return nil, unix.EACCES
	}
	if addr == 0 { // bpf_check_basics_ok
		return nil, unix.EINVAL
	}
	raw, err := t.ReadBytes(addr, uint64(n*seccomp.InsnSize))
	if err != nil {
		return nil, unix.EFAULT
	}
	prog, err := seccomp.Check(seccomp.Decode(raw))
	if err != nil {
		return nil, unix.EINVAL
	}
	return prog, 0
}

// mayInstallFilter: no_new_privs or CAP_SYS_ADMIN, both the calling host
// thread's, which is the guest thread's (seccomp_prepare_filter).
func mayInstallFilter() bool {
	if v, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0); err == nil && v == 1 {
		return true
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if unix.Capget(&hdr, &data[0]) != nil {
		return false
	}
	return data[0].Effective&(1<<unix.CAP_SYS_ADMIN) != 0
}

// attachFilter is seccomp_attach_filter under the process lock. With
// TSYNC every other thread must have no filter or one of the caller's
// ancestors; the first that has not is the result (or ESRCH).
func attachFilter(t *Thread, f *seccomp.Filter, flags uint32) uint64 {
	p := t.P
	p.Mu.Lock()
	defer p.Mu.Unlock()
	cur := t.Seccomp()
	if cur != nil && cur.Mode != usermode.SeccompFilter {
		return usermode.Errno(unix.EINVAL)
	}
	if cur != nil {
		f.Prev = cur.Filter
	}
	if f.Prev.PathInsns(len(f.Prog)) > seccomp.MaxInsnsPerPath {
		return usermode.Errno(unix.ENOMEM)
	}
	if flags&filterFlagTsync != 0 {
		if tid := unsyncable(t, f.Prev); tid != 0 && flags&filterFlagTsyncEsrch != 0 {
			return usermode.Errno(unix.ESRCH)
		} else if tid != 0 {
			return uint64(tid)
		}
	}
	s := &usermode.SeccompState{Mode: usermode.SeccompFilter, Filter: f}
	t.SetSeccomp(s)
	if flags&filterFlagTsync != 0 {
		// The kernel also gives the others the caller's no_new_privs;
		// that is a host thread attribute gemu cannot set from here.
		for _, th := range p.Threads {
			th.SetSeccomp(s)
		}
	}
	return 0
}

// unsyncable is the oldest (lowest) thread whose filters TSYNC cannot
// replace by the caller's, 0 when there is none (seccomp_can_sync_threads).
func unsyncable(t *Thread, callers *seccomp.Filter) int {
	first := 0
	for tid, th := range t.P.Threads {
		s := th.Seccomp()
		if th == t || s == nil || (s.Mode == usermode.SeccompFilter && callers.HasAncestor(s.Filter)) {
			continue
		}
		if first == 0 || tid < first {
			first = tid
		}
	}
	return first
}

// prctlGetSeccomp is PR_GET_SECCOMP: the calling thread's mode.
func prctlGetSeccomp(t *Thread) uint64 {
	if s := t.Seccomp(); s != nil {
		return uint64(s.Mode)
	}
	return 0
}

// prctlSetSeccomp is prctl_set_seccomp: strict ignores the filter
// argument, flags are always 0.
func prctlSetSeccomp(t *Thread, mode, filter uint64) uint64 {
	switch mode {
	case usermode.SeccompStrict:
		return doSeccomp(t, seccompSetModeStrict, 0, 0)
	case usermode.SeccompFilter:
		return doSeccomp(t, seccompSetModeFilter, 0, filter)
	}
	return usermode.Errno(unix.EINVAL)
}
