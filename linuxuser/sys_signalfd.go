package linuxuser

import (
	"sync"
	"sync/atomic"

	"github.com/gemu-project/gemu/usermode"

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
		if m&usermode.SigBit(sig) != 0 {
			one := [8]byte{1}
			unix.Write(fd, one[:])
		}
	}
}

func sysSignalfd4(t *Thread, a *Args) uint64 {
	// The kernel's order (fs/signalfd.c): the mask size, the mask, the
	// flags, then the descriptor (EBADF) and its kind (EINVAL).
	fd, flags := fdArg(a[0]), t.P.ABI.OpenFlags.ToHost(a[3])
	if a[2] != sigsetSize {
		return usermode.Errno(unix.EINVAL)
	}
	m, err := t.P.AS.Load64(a[1])
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	if a[3]&^t.P.ABI.OpenFlags.FromHost(unix.O_CLOEXEC|unix.O_NONBLOCK) != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if fd != -1 && !fdUsable(fd) {
		return usermode.Errno(unix.EBADF)
	}
	m &^= usermode.Unblockable
	signalfds.Lock()
	defer signalfds.Unlock()
	if signalfds.mask == nil {
		signalfds.mask = map[int]uint64{}
	}
	if fd != -1 {
		if _, ok := signalfds.mask[fd]; !ok {
			return usermode.Errno(unix.EINVAL)
		}
		signalfds.mask[fd] = m
		return uint64(fd)
	}
	efd, err := unix.Eventfd(0, int(flags)) // EFD_CLOEXEC/EFD_NONBLOCK are O_CLOEXEC/O_NONBLOCK
	if err != nil {
		return usermode.ErrRet(err)
	}
	signalfds.mask[efd] = m
	signalfds.count.Store(int32(len(signalfds.mask)))
	return uint64(efd)
}

// readSignalfd dequeues up to n/128 signals in mask from t's and the
// process's pending sets; it waits for one unless the fd is non-blocking.
func readSignalfd(t *Thread, fd int, mask, addr, n uint64) uint64 {
	if n < signalfdSiginfoSize {
		return usermode.Errno(unix.EINVAL)
	}
	for {
		var out []byte
		p := t.P
		p.Mu.Lock()
		for uint64(len(out))+signalfdSiginfoSize <= n {
			info, ok := t.Dequeue(mask)
			if !ok {
				break
			}
			out = append(out, signalfdRecord(&info)...)
		}
		more := (t.Pending.Mask|p.Shared.Mask)&mask != 0
		p.Mu.Unlock()
		if len(out) > 0 {
			var c [8]byte
			unix.Read(fd, c[:]) // drain; re-arm if signals are left
			if more {
				one := [8]byte{1}
				unix.Write(fd, one[:])
			}
			if e := putBytes(t, addr, out); e != 0 {
				return e
			}
			return uint64(len(out))
		}
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err == nil && fl&unix.O_NONBLOCK != 0 {
			return usermode.Errno(unix.EAGAIN)
		}
		var c [8]byte
		if r := t.Interruptible(usermode.RestartSys, func() (int, error) { return unix.Read(fd, c[:]) }); usermode.IsErr(r) || usermode.IsRestart(r) {
			return r
		}
	}
}

// signalfdRecord lays info out as struct signalfd_siginfo.
func signalfdRecord(s *usermode.SigInfo) []byte {
	if s.Raw != nil && len(s.Raw) >= 32 { // rt_sigqueueinfo: the sender's siginfo_t
		r := *s
		r.PID, r.UID, r.Value, r.Raw = usermode.LE.Uint32(s.Raw[16:]), usermode.LE.Uint32(s.Raw[20:]), usermode.LE.Uint64(s.Raw[24:]), nil
		return signalfdRecord(&r)
	}
	b := make([]byte, signalfdSiginfoSize)
	usermode.LE.PutUint32(b[0:], uint32(s.Signo))
	usermode.LE.PutUint32(b[8:], uint32(s.Code))
	switch {
	case s.Fault:
		usermode.LE.PutUint64(b[72:], s.Addr)
	case s.Code == usermode.SiTimer:
		usermode.LE.PutUint32(b[24:], s.PID) // ssi_tid: the timer id
		usermode.LE.PutUint32(b[32:], s.UID) // ssi_overrun
	default:
		usermode.LE.PutUint32(b[12:], s.PID)
		usermode.LE.PutUint32(b[16:], s.UID)
	}
	usermode.LE.PutUint32(b[44:], uint32(s.Value)) // ssi_int
	usermode.LE.PutUint64(b[48:], s.Value)         // ssi_ptr
	return b
}
