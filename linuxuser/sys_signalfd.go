package linuxuser

import (
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// signalfd (signalfd(2)). Guest signals are gemu's own, so the host kernel
// cannot hand them out: a guest signalfd is a host eventfd that is made
// readable whenever a signal in its mask is queued, and read() on it
// dequeues the guest's pending signals as struct signalfd_siginfo
// (include/uapi/linux/signalfd.h: 128 bytes, the same on every target).

func init() {
	register(row{"signalfd4", sysSignalfd4, kinds(aInt, aPtr, aInt, syscalls.ArgOpenFlags), syscalls.RetInt,
		syscalls.Full, "an eventfd that guest signals in the mask make readable"})
}

const signalfdSiginfoSize = 128

// signalfds maps a guest signalfd descriptor to its mask (one process
// per gemu). count lets every read() skip the lock while there is none.
var signalfds struct {
	sync.Mutex
	mask  map[int]uint64
	count atomic.Int32
}

func signalfdMask(fd int) (uint64, bool) {
	if signalfds.count.Load() == 0 {
		return 0, false
	}
	signalfds.Lock()
	defer signalfds.Unlock()
	m, ok := signalfds.mask[fd]
	return m, ok
}

// forgetSignalfd drops fd when the guest closes it.
func forgetSignalfd(fd int) {
	signalfds.Lock()
	delete(signalfds.mask, fd)
	signalfds.count.Store(int32(len(signalfds.mask)))
	signalfds.Unlock()
}

// signalfdQueued makes every signalfd watching sig readable.
func signalfdQueued(sig int) {
	signalfds.Lock()
	defer signalfds.Unlock()
	for fd, m := range signalfds.mask {
		if m&sigBit(sig) != 0 {
			one := [8]byte{1}
			unix.Write(fd, one[:])
		}
	}
}

func sysSignalfd4(t *Thread, a *Args) uint64 {
	// The kernel's order (fs/signalfd.c): the mask size, the mask, the
	// flags, then the descriptor (EBADF) and its kind (EINVAL).
	fd, flags := fdArg(a[0]), t.p.abi.OpenFlags.ToHost(a[3])
	if a[2] != sigsetSize {
		return errno(unix.EINVAL)
	}
	m, err := t.p.as.Load64(a[1])
	if err != nil {
		return errno(unix.EFAULT)
	}
	if a[3]&^t.p.abi.OpenFlags.FromHost(unix.O_CLOEXEC|unix.O_NONBLOCK) != 0 {
		return errno(unix.EINVAL)
	}
	if fd != -1 && !fdUsable(fd) {
		return errno(unix.EBADF)
	}
	m &^= unblockable
	signalfds.Lock()
	defer signalfds.Unlock()
	if signalfds.mask == nil {
		signalfds.mask = map[int]uint64{}
	}
	if fd != -1 {
		if _, ok := signalfds.mask[fd]; !ok {
			return errno(unix.EINVAL)
		}
		signalfds.mask[fd] = m
		return uint64(fd)
	}
	efd, err := unix.Eventfd(0, int(flags)) // EFD_CLOEXEC/EFD_NONBLOCK are O_CLOEXEC/O_NONBLOCK
	if err != nil {
		return errRet(err)
	}
	signalfds.mask[efd] = m
	signalfds.count.Store(int32(len(signalfds.mask)))
	return uint64(efd)
}

// readSignalfd dequeues up to n/128 signals in mask from t's and the
// process's pending sets; it waits for one unless the fd is non-blocking.
func (t *Thread) readSignalfd(fd int, mask, addr, n uint64) uint64 {
	if n < signalfdSiginfoSize {
		return errno(unix.EINVAL)
	}
	for {
		var out []byte
		p := t.p
		p.mu.Lock()
		for uint64(len(out))+signalfdSiginfoSize <= n {
			info, ok := t.dequeue(mask)
			if !ok {
				break
			}
			out = append(out, info.signalfdRecord()...)
		}
		more := (t.pending.mask|p.shared.mask)&mask != 0
		p.mu.Unlock()
		if len(out) > 0 {
			var c [8]byte
			unix.Read(fd, c[:]) // drain; re-arm if signals are left
			if more {
				one := [8]byte{1}
				unix.Write(fd, one[:])
			}
			if e := t.putBytes(addr, out); e != 0 {
				return e
			}
			return uint64(len(out))
		}
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err == nil && fl&unix.O_NONBLOCK != 0 {
			return errno(unix.EAGAIN)
		}
		var c [8]byte
		if r := t.interruptible(restartSys, func() (int, error) { return unix.Read(fd, c[:]) }); isErr(r) || isRestart(r) {
			return r
		}
	}
}

// signalfdRecord lays info out as struct signalfd_siginfo.
func (s *sigInfo) signalfdRecord() []byte {
	if s.raw != nil && len(s.raw) >= 32 { // rt_sigqueueinfo: the sender's siginfo_t
		r := *s
		r.pid, r.uid, r.value, r.raw = le.Uint32(s.raw[16:]), le.Uint32(s.raw[20:]), le.Uint64(s.raw[24:]), nil
		return r.signalfdRecord()
	}
	b := make([]byte, signalfdSiginfoSize)
	le.PutUint32(b[0:], uint32(s.signo))
	le.PutUint32(b[8:], uint32(s.code))
	switch {
	case s.fault:
		le.PutUint64(b[72:], s.addr)
	case s.code == siTimer:
		le.PutUint32(b[24:], s.pid) // ssi_tid: the timer id
		le.PutUint32(b[32:], s.uid) // ssi_overrun
	default:
		le.PutUint32(b[12:], s.pid)
		le.PutUint32(b[16:], s.uid)
	}
	le.PutUint32(b[44:], uint32(s.value)) // ssi_int
	le.PutUint64(b[48:], s.value)         // ssi_ptr
	return b
}
