package linuxuser

import (
	"encoding/binary"
	"os/signal"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// Signals that reach gemu through the host (os/signal), which keeps no
// siginfo: SIGCHLD's is rebuilt from the child it reports, and a signal
// the guest sent its own process group carries the guest as sender.

// hostInfo is the siginfo the guest sees for a forwarded host signal.
func (p *Process) hostInfo(sig int) sigInfo {
	if sig == syscalls.SIGCHLD {
		return childInfo()
	}
	if groupSent[sig].Swap(false) {
		return sigInfo{signo: int32(sig), code: siUser, pid: uint32(p.pid), uid: uint32(unix.Getuid())}
	}
	return sigInfo{signo: int32(sig), code: siUser}
}

// childInfo peeks (WNOWAIT) at a child whose state changed: the kernel
// writes the siginfo_t a SIGCHLD for it carries (CLD_EXITED, si_pid,
// si_status...), in the layout the 64-bit guests share with x86_64.
func childInfo() sigInfo {
	b := make([]byte, 128)
	_, _, e := unix.Syscall6(unix.SYS_WAITID, unix.P_ALL, 0, uintptr(unsafe.Pointer(&b[0])),
		unix.WEXITED|unix.WSTOPPED|unix.WCONTINUED|unix.WNOHANG|unix.WNOWAIT, 0, 0)
	if e != 0 || binary.LittleEndian.Uint32(b) == 0 {
		return sigInfo{signo: syscalls.SIGCHLD, code: siUser}
	}
	return sigInfo{signo: syscalls.SIGCHLD, code: int32(binary.LittleEndian.Uint32(b[8:])), raw: b}
}

// groupSent marks signals this process sent to a group it is in: the
// host delivers gemu's own copy, which the guest sees from itself.
var groupSent [syscalls.NSIG + 1]atomic.Bool

// killGroup sends sig to process group pid (0: the caller's, -pgid) or
// to every process (-1, which spares the caller, as kill(2) says).
func (t *Thread) killGroup(pid, sig int) uint64 {
	if sig != 0 && pid != -1 {
		self, _ := unix.Getpgid(0)
		if pid == 0 || -pid == self {
			groupSent[sig].Store(true)
		}
	}
	return ok(unix.Kill(pid, unix.Signal(sig)))
}

// setHostChildPolicy makes the host treat gemu's children as the guest
// asked (wait(2) NOTES): with SIGCHLD ignored or SA_NOCLDWAIT the kernel
// reaps them itself and wait ends in ECHILD; with SA_NOCLDSTOP it sends
// no SIGCHLD for stops (sigaction(2)). Not from a vfork child,
// whose dispositions are its own (spawnJob.ignored carries them).
func (p *Process) setHostChildPolicy(act syscalls.Sigaction) {
	if p.vfork != nil || startIgnored.ch == nil || isStartIgnored(syscalls.SIGCHLD) {
		return
	}
	if act.Handler == syscalls.SigIgn {
		signal.Ignore(syscall.SIGCHLD)
		return
	}
	signal.Notify(startIgnored.ch, syscall.SIGCHLD)
	var cur [4]uint64 // x86_64 struct kernel_sigaction: handler, flags, restorer, mask
	if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), 0, uintptr(unsafe.Pointer(&cur)), 8, 0, 0); e != 0 {
		return
	}
	const mirrored = syscalls.SaNocldwait | syscalls.SaNocldstop
	flags := cur[1]&^mirrored | act.Flags&mirrored
	if flags != cur[1] {
		cur[1] = flags
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), uintptr(unsafe.Pointer(&cur)), 0, 8, 0, 0)
	}
}
