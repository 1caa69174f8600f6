package usermode

import (
	"encoding/binary"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"golang.org/x/sys/unix"
)

// Host signals for the guest (kill from another process, a terminal's
// SIGINT, SIGCHLD from gemu's children) are caught by hostSigHandler
// (hostsig_amd64.s), not os/signal, which keeps no siginfo: the handler
// copies the kernel's siginfo_t (si_pid, si_uid, si_value, SIGCHLD's
// CLD_* and status) into a ring, and one reader thread sends it on to
// the guest. The 64-bit guests' siginfo_t is x86_64's (asm-generic/siginfo.h).

// Ring layout: a header (the reservation counter at 0, the eventfd at 8,
// the 8-byte value 1 the handler writes to it at 16), then ringSlots
// slots of [sequence+1 u64][siginfo_t 128 bytes] (the stride is fixed
// in hostsig_amd64.s).
const (
	ringHeader   = 64
	ringSlots    = 256
	ringSlotSize = 256
)

// sigRing is the ring's address; hostSigHandler reads it.
var sigRing uintptr

func hostSigHandler()
func hostSigHandlerPC() uintptr
func hostSigReturn()
func restorerPC() uintptr

// hostSigs is the state of host signal catching.
var hostSigs struct {
	sync.Mutex
	ring         []byte
	efd          int
	startIgnored uint64 // ignored when gemu started, not yet wanted by the guest
	caught       uint64 // hostSigHandler installed
}

// catchHostSignals installs hostSigHandler for the forwarded signals, as
// early as NewProcess: before, a signal sent to a new gemu (a child its
// parent signals at once) would be lost to Go's handler or kill gemu.
// Until the reader runs they wait in the ring.
//
// A signal gemu was started with ignored (nohup's SIGHUP, a shell's
// background SIGINT) stays ignored on the host and starts ignored in the
// guest (execve(2) keeps SIG_IGN); it is caught once the guest sets a
// handler or SIG_DFL for it (hostSignalWanted).
func catchHostSignals() {
	hostSigs.Lock()
	defer hostSigs.Unlock()
	if hostSigs.ring != nil {
		return
	}
	ring, err := unix.Mmap(-1, 0, ringHeader+ringSlots*ringSlotSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return
	}
	efd, err := OwnFD(func() (int, error) { return unix.Eventfd(0, unix.EFD_CLOEXEC) })
	if err != nil {
		unix.Munmap(ring)
		return
	}
	*(*uint64)(unsafe.Pointer(&ring[8])) = uint64(efd)
	*(*uint64)(unsafe.Pointer(&ring[16])) = 1
	hostSigs.ring, hostSigs.efd = ring, efd
	atomic.StoreUintptr(&sigRing, uintptr(unsafe.Pointer(&ring[0])))
	for _, s := range hostSignals() {
		sig := int(s.(syscall.Signal))
		if signal.Ignored(s) {
			hostSigs.startIgnored |= SigBit(sig)
		} else {
			setHostAction(sig, true, 0)
		}
	}
}

// setHostAction catches sig with hostSigHandler (SA_RESTART: the kick
// signal interrupts guest calls, host_signal.go) or sets SIG_IGN, with
// the extra flags SIGCHLD may carry. Call with hostSigs held.
func setHostAction(sig int, catch bool, flags uint64) {
	// x86_64 struct kernel_sigaction: handler, flags, restorer, mask
	act := [4]uint64{linux.SigIgn}
	if catch {
		act = [4]uint64{uint64(hostSigHandlerPC()),
			flags | linux.SaSiginfo | linux.SaOnstack | linux.SaRestart | linux.SaRestorer,
			uint64(restorerPC()), HeldAcrossExec()}
		hostSigs.caught |= SigBit(sig)
	} else {
		hostSigs.caught &^= SigBit(sig)
	}
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
}

// isStartIgnored reports whether sig was ignored when gemu started (and
// the guest has not asked for it since).
func isStartIgnored(sig int) bool {
	hostSigs.Lock()
	defer hostSigs.Unlock()
	return hostSigs.startIgnored&SigBit(sig) != 0
}

// HostSignalWanted catches a start-ignored sig once the guest gives it a
// disposition other than SIG_IGN.
func HostSignalWanted(sig int) {
	hostSigs.Lock()
	defer hostSigs.Unlock()
	if hostSigs.startIgnored&SigBit(sig) == 0 || hostSigs.ring == nil {
		return
	}
	hostSigs.startIgnored &^= SigBit(sig)
	setHostAction(sig, true, 0)
}

// SetHostChildPolicy makes the host treat gemu's children as the guest
// asked (wait(2) NOTES): with SIGCHLD ignored or SA_NOCLDWAIT the kernel
// reaps them itself and wait ends in ECHILD; with SA_NOCLDSTOP it sends
// no SIGCHLD for stops (sigaction(2)). Not from a vfork child, whose
// dispositions are its own (spawnJob.ignored carries them).
func (p *Process) SetHostChildPolicy(act linux.Sigaction) {
	hostSigs.Lock()
	defer hostSigs.Unlock()
	if p.Vfork != nil || hostSigs.ring == nil || hostSigs.startIgnored&SigBit(linux.SIGCHLD) != 0 {
		return
	}
	const mirrored = linux.SaNocldwait | linux.SaNocldstop
	setHostAction(linux.SIGCHLD, act.Handler != linux.SigIgn, act.Flags&mirrored)
}

// forwardHostSignals starts the reader: a thread of its own with the
// forwarded signals unblocked (a gemu started by fork or execve begins
// with them blocked, heldAcrossExec), which sends each caught siginfo to
// the guest in order. A guest thread waiting in Thread.wait drains the
// ring too, without waiting for the reader.
func (p *Process) forwardHostSignals() {
	catchHostSignals()
	if hostSigs.ring == nil {
		return
	}
	ringOwner.Store(p)
	go func() {
		runtime.LockOSThread()
		held := HeldAcrossExec()
		unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&held)), 0, 8, 0, 0)
		var count [8]byte
		for {
			p.drainHostSignals()
			if _, err := unix.Read(hostSigs.efd, count[:]); err != nil && err != unix.EINTR {
				return
			}
		}
	}()
}

// ringOwner is the process whose host signals the ring holds (a vfork
// child shares the host process but not its signals).
var ringOwner atomic.Pointer[Process]

// DrainIgnored sends what the ring holds before sig stops being ignored:
// a signal the host delivered while the guest ignored it is discarded, as
// the kernel discards it at generation (kernel/signal.c prepare_signal),
// not caught by a handler set after it came (a child's SIGCHLD from
// before the guest's sigaction).
func (p *Process) DrainIgnored(sig int) {
	p.Mu.Lock()
	was := Ignored(p.Sigacts[sig], sig)
	p.Mu.Unlock()
	if was && ringOwner.Load() == p {
		p.drainHostSignals()
	}
}

// ringNext is the next ring entry to send; the mutex orders the drains.
var ringNext struct {
	sync.Mutex
	n uint64
}

// drainHostSignals sends the caught signals not sent yet.
func (p *Process) drainHostSignals() {
	ring := hostSigs.ring
	if ring == nil {
		return
	}
	reserved := (*uint64)(unsafe.Pointer(&ring[0]))
	ringNext.Lock()
	defer ringNext.Unlock()
	for ringNext.n != atomic.LoadUint64(reserved) {
		ringNext.n = p.forwardSlot(ring, ringNext.n)
	}
}

// forwardSlot sends the siginfo of entry next once its handler has
// finished writing it, and returns the entry after it. Entries the ring
// overran are lost, as a full kernel queue loses real-time signals.
func (p *Process) forwardSlot(ring []byte, next uint64) uint64 {
	slot := ring[ringHeader+(next%ringSlots)*ringSlotSize:][:ringSlotSize]
	seq := (*uint64)(unsafe.Pointer(&slot[0]))
	for atomic.LoadUint64(seq) < next+1 {
		time.Sleep(10 * time.Microsecond) // a handler is still copying
	}
	if s := atomic.LoadUint64(seq); s > next+1 {
		next = s - 1
	}
	raw := make([]byte, 128)
	copy(raw, slot[8:])
	le := binary.LittleEndian
	info := SigInfo{Signo: int32(le.Uint32(raw)), Code: int32(le.Uint32(raw[8:])), PID: le.Uint32(raw[16:]),
		UID: le.Uint32(raw[20:]), Value: le.Uint64(raw[24:]), Raw: raw}
	p.Send(nil, nil, info)
	return next + 1
}

// hostStop stops gemu as the default action of stop signal sig does
// (signal(7)): sig is raised on the host with its default action, so the
// parent's waitpid(WUNTRACED) sees WSTOPSIG sig; the handler is back once
// a SIGCONT has continued gemu.
func hostStop(sig int) {
	hostSigs.Lock()
	defer hostSigs.Unlock()
	var dfl, old [4]uint64
	set := sig != linux.SIGSTOP
	if set {
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	}
	unix.Kill(unix.Getpid(), unix.Signal(sig))
	if set {
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	}
}
