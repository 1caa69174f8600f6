package linuxuser

import (
	"fmt"
	"runtime"
	"strconv"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// process_vm_readv and process_vm_writev (mm/process_vm_access.c). The
// local vector is the caller's guest memory; the remote one names guest
// addresses of the target, which are host ones only once the target's
// guest base is added: this process's own, another gemu's as its /proc
// peer tells it (usermode/proc_peer.go), none for a process that is not emulated.
// The host call then checks and copies in its own order (flags, the
// vectors, the pid, the permission, partial copies).

func init() {
	register(
		row{"process_vm_readv", sysProcessVMReadv, kinds(aInt, aPtr, aLong, aPtr, aLong, aHex), syscalls.RetInt,
			syscalls.Full, "remote guest addresses through the target's guest base (its /proc peer)"},
		row{"process_vm_writev", sysProcessVMWritev, kinds(aInt, aPtr, aLong, aPtr, aLong, aHex), syscalls.RetInt,
			syscalls.Full, "remote guest addresses through the target's guest base (its /proc peer)"},
	)
}

func sysProcessVMReadv(t *Thread, a *Args) uint64 { return processVM(t, unix.SYS_PROCESS_VM_READV, a) }

func sysProcessVMWritev(t *Thread, a *Args) uint64 {
	return processVM(t, unix.SYS_PROCESS_VM_WRITEV, a)
}

func processVM(t *Thread, nr uintptr, a *Args) uint64 {
	pid := int(int32(a[0]))
	space, ok := remoteSpace(t, pid)
	if !ok {
		t.P.Unimp("gemu: %s of pid %d: an emulated process whose guest memory gemu cannot find", syscallName(nr), pid)
		return usermode.Errno(unix.ENOSYS)
	}
	local, lp := t.HostIovecs(a[1], a[2])
	remote, rp := t.IovecsAt(a[3], a[4], space.host)
	r, _, e := unix.Syscall6(nr, uintptr(pid), lp, uintptr(a[2]), rp, uintptr(a[4]), uintptr(a[5]))
	runtime.KeepAlive(local)
	runtime.KeepAlive(remote)
	if e != 0 {
		return usermode.Errno(e)
	}
	return uint64(r)
}

func syscallName(nr uintptr) string {
	if nr == unix.SYS_PROCESS_VM_WRITEV {
		return "process_vm_writev"
	}
	return "process_vm_readv"
}

// guestSpace is where a process's guest memory is in its host process:
// guest address g is host address base+g below limit. A zero limit means
// a process that is not emulated (its addresses are host ones).
type guestSpace struct{ base, limit uint64 }

// remoteSpace finds pid's guest memory; ok is false for an emulated
// process that does not say (not reachable, or another build of gemu).
func remoteSpace(t *Thread, pid int) (guestSpace, bool) {
	p := t.P
	if pid == p.PID || p.Thread(pid) != nil {
		return guestSpace{uint64(p.AS.Base()), p.AS.Limit()}, true
	}
	if pid <= 0 {
		return guestSpace{}, true // the host's ESRCH
	}
	if out, ok := usermode.AskPeer(pid, usermode.PeerMemory); ok {
		var s guestSpace
		if _, err := fmt.Sscanf(string(out), "%x %x", &s.base, &s.limit); err == nil && s.limit != 0 {
			return s, true
		}
	}
	return guestSpace{}, !sameExecutable(pid)
}

// sameExecutable reports whether pid runs this gemu's binary.
func sameExecutable(pid int) bool {
	self, err := usermode.SelfExeFD()
	if err != nil {
		return false
	}
	var mine, theirs unix.Stat_t
	if unix.Fstat(self, &mine) != nil {
		return false
	}
	root, err := usermode.HostProcRoot()
	if err != nil || unix.Fstatat(root, strconv.Itoa(pid)+"/exe", &theirs, 0) != nil {
		return false
	}
	return mine.Dev == theirs.Dev && mine.Ino == theirs.Ino
}

// host is the host address of the remote guest range [g, g+n).
func (s guestSpace) host(g, n uint64) uintptr {
	switch {
	case s.limit == 0:
		return uintptr(g)
	case g < s.limit && n <= s.limit-g:
		return uintptr(s.base + g)
	}
	return usermode.BadUserPtr
}
