package linuxuser

import (
	"time"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// Readiness: epoll, eventfd, ppoll. The waiting calls' sigmask arguments
// hold while they wait and until the handler they let in has run.

func init() {
	register(
		row{"epoll_create1", sysEpollCreate1, kinds(aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"epoll_ctl", sysEpollCtl, kinds(aInt, aInt, aInt, aPtr), syscalls.RetInt, syscalls.Full,
			"struct epoll_event converted (packed on x86_64)"},
		row{"epoll_pwait", sysEpollPwait, kinds(aInt, aPtr, aInt, aInt, aPtr, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"epoll_pwait2", sysEpollPwait2, kinds(aInt, aPtr, aInt, syscalls.ArgTimespec, aPtr, aLong), syscalls.RetInt,
			syscalls.Full, ""},
		row{"eventfd2", sysEventfd2, kinds(aInt, syscalls.ArgOpenFlags), syscalls.RetInt, syscalls.Full, ""},
		row{"ppoll", sysPpoll, kinds(aPtr, aInt, aPtr, aPtr, aLong), syscalls.RetInt, syscalls.Full,
			"interruptible; the sigmask argument is honoured"},
	)
}

// Guest struct epoll_event is {u32 events; u64 data} with natural
// alignment: 16 bytes (Linux include/uapi/linux/eventpoll.h; only x86_64
// packs it, to 12 bytes, which is the host's unix.EpollEvent).
const epollEventSize = 16

// maxEpollEvents bounds one epoll_pwait's host buffer.
const maxEpollEvents = 4096

func sysEpollCreate1(t *Thread, a *Args) uint64 {
	return usermode.Ret(unix.EpollCreate1(int(t.P.ABI.OpenFlags.ToHost(a[0]))))
}

// sysEpollCtl: every op but EPOLL_CTL_DEL reads the event first, NULL
// included, before any descriptor check (fs/eventpoll.c epoll_ctl).
func sysEpollCtl(t *Thread, a *Args) uint64 {
	op := int(int32(a[1]))
	var evp *unix.EpollEvent
	if op != unix.EPOLL_CTL_DEL {
		b, err := t.ReadBytes(a[3], epollEventSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		evp = &unix.EpollEvent{Events: usermode.LE.Uint32(b[0:]), Fd: int32(usermode.LE.Uint32(b[8:])), Pad: int32(usermode.LE.Uint32(b[12:]))}
	}
	return usermode.OK(unix.EpollCtl(fdArg(a[0]), op, fdArg(a[2]), evp))
}

func sysEpollPwait(t *Thread, a *Args) uint64 {
	timeout := time.Duration(int32(a[3])) * time.Millisecond
	if int32(a[3]) < 0 {
		timeout = -1
	}
	return epollWait(t, a, timeout)
}

// sysEpollPwait2 is epoll_pwait with a struct timespec timeout (NULL:
// forever), kept to the nanosecond through the host's epoll_pwait2.
func sysEpollPwait2(t *Thread, a *Args) uint64 {
	timeout := time.Duration(-1)
	if a[3] != 0 {
		b, err := t.ReadBytes(a[3], linux.TimespecSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		g := linux.DecodeTimespec(b)
		if g.Sec < 0 || g.Nsec < 0 || g.Nsec >= 1e9 {
			return usermode.Errno(unix.EINVAL)
		}
		timeout = time.Duration(min(g.Sec, 1<<32))*time.Second + time.Duration(g.Nsec)
	}
	return epollWait(t, a, timeout)
}

// epollWait runs epoll_pwait/epoll_pwait2 (epfd, events, maxevents, -,
// sigmask, sigsetsize) with timeout (negative: forever); Go's own EINTRs
// are retried with the time left.
//
// fs/eventpoll.c: epoll_pwait installs the mask first (EINVAL, EFAULT),
// then the descriptor is looked up (EBADF), the count checked (EINVAL past
// EP_MAX_EVENTS, INT_MAX over the guests' 16-byte struct epoll_event) and
// the buffer (EFAULT); the host says whether the file is an epoll.
func epollWait(t *Thread, a *Args, timeout time.Duration) uint64 {
	if e := tempMask(t, a[4], a[5]); e != 0 {
		return e
	}
	epfd, maxEvents := fdArg(a[0]), int(int32(a[2]))
	var out []byte
	var err error
	switch {
	case maxEvents <= 0 || maxEvents > (1<<31-1)/epollEventSize:
		err = unix.EINVAL
	case a[1]+uint64(maxEvents)*epollEventSize < a[1] || a[1]+uint64(maxEvents)*epollEventSize > t.P.AS.Limit():
		err = unix.EFAULT // access_ok: the range itself
	default:
		// A buffer the guest cannot write faults only when there are
		// events to copy (ep_send_events), which are then left queued.
		out, _ = t.P.AS.Slice(a[1], uint64(maxEvents)*epollEventSize, translate.ProtWrite)
	}
	if err != nil || usermode.IsHostFD(epfd) {
		// The descriptor's EBADF comes first (asked only on this path:
		// otherwise the host's epoll_pwait2 says it).
		if usermode.IsHostFD(epfd) || !fdUsable(epfd) {
			err = unix.EBADF
		}
		t.EndTempMask()
		return usermode.ErrRet(err)
	}
	if out == nil {
		return epollProbe(t, epfd, timeout)
	}
	evs := make([]unix.EpollEvent, min(maxEvents, maxEpollEvents))
	var n int
	deadline := time.Now().Add(timeout)
	for {
		err = t.HostCall(func() error {
			var tsp unsafe.Pointer
			if timeout >= 0 {
				ts := unix.NsecToTimespec(int64(max(0, time.Until(deadline))))
				tsp = unsafe.Pointer(&ts)
			}
			r, _, e := unix.Syscall6(unix.SYS_EPOLL_PWAIT2, uintptr(fdArg(a[0])), uintptr(unsafe.Pointer(&evs[0])),
				uintptr(len(evs)), uintptr(tsp), 0, 8)
			n = int(r)
			if e != 0 {
				return e
			}
			return nil
		})
		if err != unix.EINTR {
			break
		}
		if t.SigReady() {
			err = usermode.ErrGuestSignal
			break
		}
	}
	if err == usermode.ErrGuestSignal {
		return usermode.RestartNoHand
	}
	t.EndTempMask()
	if err != nil {
		return usermode.ErrRet(err)
	}
	for i, ev := range evs[:n] {
		b := out[i*epollEventSize:]
		usermode.LE.PutUint32(b[0:], ev.Events)
		usermode.LE.PutUint32(b[4:], 0)
		usermode.LE.PutUint32(b[8:], uint32(ev.Fd))
		usermode.LE.PutUint32(b[12:], uint32(ev.Pad))
	}
	return uint64(n)
}

// epollProbe is epoll_pwait into a buffer the guest cannot write: it waits
// as the kernel would, through poll(2) on the epoll descriptor, which
// reports ready events without taking them, and fails with EFAULT once
// there are some (0 when the time runs out first). Call with the
// temporary mask installed.
func epollProbe(t *Thread, epfd int, timeout time.Duration) uint64 {
	if target, err := usermode.FDLink(epfd); err != nil || target != "anon_inode:[eventpoll]" {
		t.EndTempMask()
		if err != nil {
			return usermode.Errno(unix.EBADF)
		}
		return usermode.Errno(unix.EINVAL) // not an epoll descriptor
	}
	deadline := time.Now().Add(timeout)
	var n int
	var err error
	for {
		err = t.HostCall(func() error {
			ms := -1
			if timeout >= 0 {
				ms = int((max(0, time.Until(deadline)) + time.Millisecond - 1) / time.Millisecond)
			}
			var e error
			n, e = unix.Poll([]unix.PollFd{{Fd: int32(epfd), Events: unix.POLLIN}}, ms)
			return e
		})
		if err != unix.EINTR {
			break
		}
		if t.SigReady() {
			return usermode.RestartNoHand
		}
	}
	t.EndTempMask()
	switch {
	case err != nil:
		return usermode.ErrRet(err)
	case n > 0:
		return usermode.Errno(unix.EFAULT)
	}
	return 0
}

func sysEventfd2(t *Thread, a *Args) uint64 {
	return usermode.Ret(unix.Eventfd(uint(uint32(a[0])), int(t.P.ABI.OpenFlags.ToHost(a[1]))))
}

// pollfdSize is sizeof(struct pollfd), the same everywhere (Linux include/uapi/asm-generic/poll.h).
const pollfdSize = 8

// sysPpoll checks as fs/select.c does: the timeout (EFAULT, EINVAL), the
// mask, then the host checks the count against RLIMIT_NOFILE (EINVAL)
// and reads and writes the guest's pollfd array where it is (EFAULT).
func sysPpoll(t *Thread, a *Args) uint64 {
	n := a[1]
	fds := t.UserRange(a[0], min(n, 1<<20)*pollfdSize)
	ts, tsp, e := selectTimeout(t, a[2])
	if e != 0 {
		return e
	}
	if e := tempMask(t, a[3], a[4]); e != 0 {
		return e
	}
	r, err := t.WaitCall(func() (uintptr, unix.Errno) {
		r, _, e := unix.Syscall6(unix.SYS_PPOLL, fds, uintptr(n), uintptr(tsp), 0, 0, 0)
		return r, e
	})
	if err == usermode.ErrGuestSignal {
		return usermode.RestartNoHand
	}
	t.EndTempMask()
	if err != nil {
		return usermode.ErrRet(err)
	}
	if tsp != nil {
		var b [linux.TimespecSize]byte
		linux.Timespec{Sec: ts.Sec, Nsec: ts.Nsec}.Encode(b[:])
		t.WriteBytes(a[2], b[:])
	}
	return uint64(r)
}

// selectTimeout reads the timeout of ppoll or pselect6 (0: none), which
// must be a valid time (fs/select.c poll_select_set_timeout: EINVAL).
func selectTimeout(t *Thread, addr uint64) (*unix.Timespec, unsafe.Pointer, uint64) {
	if addr == 0 {
		return nil, nil, 0
	}
	b, err := t.ReadBytes(addr, linux.TimespecSize)
	if err != nil {
		return nil, nil, usermode.Errno(unix.EFAULT)
	}
	g := linux.DecodeTimespec(b)
	if g.Sec < 0 || g.Nsec < 0 || g.Nsec >= 1e9 {
		return nil, nil, usermode.Errno(unix.EINVAL)
	}
	ts := &unix.Timespec{Sec: g.Sec, Nsec: g.Nsec}
	return ts, unsafe.Pointer(ts), 0
}

// tempMask installs the sigmask argument of ppoll/epoll_pwait (addr 0:
// none) until the call ends or a handler's frame saves the old one
// (fs/select.c set_user_sigmask).
func tempMask(t *Thread, addr, size uint64) uint64 {
	if addr == 0 {
		return 0
	}
	if size != sigsetSize {
		return usermode.Errno(unix.EINVAL)
	}
	m, err := t.P.AS.Load64(addr)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	t.SetTempMask(m)
	return 0
}

func init() {
	register(row{"pselect6", sysPselect6, kinds(aInt, aPtr, aPtr, aPtr, aPtr, aPtr), syscalls.RetInt, syscalls.Full,
		"interruptible; the sigmask argument is honoured"})
}

// pselect6(n, rfds, wfds, efds, timeout, {sigmask, size}): fd_set is an
// array of longs on every LP64 target, changed in place; the remaining
// time is written back as the kernel does (fs/select.c).
//
// The checks come in fs/select.c's order: the {sigmask, size} pack
// (EFAULT), the timeout (EFAULT, EINVAL), the mask, then the host's: a
// negative count (EINVAL), the sets, which it reads and writes where they
// are (EFAULT), the descriptors in them (EBADF).
func sysPselect6(t *Thread, a *Args) uint64 {
	var pack []byte
	if a[5] != 0 {
		var err error
		if pack, err = t.ReadBytes(a[5], 16); err != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	ts, tsp, e := selectTimeout(t, a[4])
	if e != 0 {
		return e
	}
	if pack != nil {
		if e := tempMask(t, usermode.LE.Uint64(pack), usermode.LE.Uint64(pack[8:])); e != 0 {
			return e
		}
	}
	n := int(int32(a[0]))
	setBytes := uint64(max(n, 0)+63) / 64 * 8
	var sets [3]uintptr
	for i := range sets {
		sets[i] = t.UserRange(a[1+i], setBytes)
	}
	r, err := t.WaitCall(func() (uintptr, unix.Errno) {
		r, _, e := unix.Syscall6(unix.SYS_PSELECT6, uintptr(n), sets[0], sets[1], sets[2], uintptr(tsp), 0)
		return r, e
	})
	if tsp != nil {
		var b [linux.TimespecSize]byte
		linux.Timespec{Sec: ts.Sec, Nsec: ts.Nsec}.Encode(b[:])
		t.WriteBytes(a[4], b[:])
	}
	if err == usermode.ErrGuestSignal {
		return usermode.RestartNoHand
	}
	t.EndTempMask()
	if err != nil {
		return usermode.ErrRet(err)
	}
	return uint64(r)
}
