package bsduser

import (
	"math"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

// The waits: kevent's scan, poll, ppoll, select, pselect. FreeBSD
// restarts none of them after a signal (sys/kern/sys_generic.c kern_poll
// and kern_select, kern_event.c kqueue_scan: ERESTART becomes EINTR).

func init() {
	register(
		def("poll", sysPoll, aPtr, aInt, aInt),
		def("ppoll", sysPpoll, aPtr, aInt, aPtr, aPtr),
		def("select", sysSelect, aInt, aPtr, aPtr, aPtr, aPtr),
		def("pselect", sysPselect, aInt, aPtr, aPtr, aPtr, aPtr, aPtr),
	)
}

// scan waits up to wait (negative: forever) for at most limit events.
func (kq *kqueue) scan(t *Thread, limit int, wait time.Duration) ([]freebsd.Kevent, uint64) {
	deadline := time.Now().Add(wait)
	evs := make([]unix.EpollEvent, min(limit, 256))
	var out []freebsd.Kevent
	for {
		kq.mu.Lock()
		out = kq.collect(out, limit)
		d := wait
		if wait > 0 {
			d = max(0, time.Until(deadline))
		}
		if len(out) > 0 {
			d = 0
		} else if next, ok := kq.nextTimer(); ok && (d < 0 || next < d) {
			d = next
		}
		kq.mu.Unlock()
		if len(out) == limit {
			return out, 0
		}
		n, err := kq.hostWait(t, evs[:min(len(evs), limit-len(out))], d)
		if err != nil && len(out) == 0 {
			return nil, usermode.ErrRet(err)
		}
		kq.mu.Lock()
		kq.absorb(evs[:n])
		out = kq.collect(out, limit)
		kq.mu.Unlock()
		if len(out) > 0 || err != nil || wait >= 0 && !time.Now().Before(deadline) {
			return out, 0
		}
	}
}

// hostWait is one epoll_pwait2; an EINTR that is no guest signal's is
// no event.
func (kq *kqueue) hostWait(t *Thread, evs []unix.EpollEvent, d time.Duration) (int, error) {
	var n int
	err := t.HostCall(func() error {
		var tsp unsafe.Pointer
		if d >= 0 {
			ts := unix.NsecToTimespec(int64(d))
			tsp = unsafe.Pointer(&ts)
		}
		r, _, e := unix.Syscall6(unix.SYS_EPOLL_PWAIT2, uintptr(kq.ep), uintptr(unsafe.Pointer(&evs[0])),
			uintptr(len(evs)), uintptr(tsp), 0, 8)
		n = int(r)
		if e != 0 {
			return e
		}
		return nil
	})
	if err == unix.EINTR && !t.SigReady() {
		return 0, nil
	}
	if err != nil {
		n = 0
	}
	return n, err
}

// absorb queues the descriptor knotes the host reported ready and
// drains the wake eventfd.
func (kq *kqueue) absorb(evs []unix.EpollEvent) {
	for _, e := range evs {
		fd := int(e.Fd)
		if fd == kq.wake {
			var b [8]byte
			unix.Read(fd, b[:])
			continue
		}
		for _, f := range [2]int16{freebsd.EVFILT_READ, freebsd.EVFILT_WRITE} {
			key := kqKey{uint64(fd), f}
			kn := kq.notes[key]
			if kn == nil || kn.disabled {
				continue
			}
			if ready, eof := readiness(e.Events, f); ready {
				kn.fresh, kn.eof = true, eof
				kq.push(key, kn)
			}
		}
	}
}

// readiness maps host poll bits to a filter's: EV_EOF on a hang-up
// (filt_piperead, filt_soread: the peer will send no more; a write end
// whose reader is gone gets EPOLLERR on Linux).
func readiness(ev uint32, f int16) (ready, eof bool) {
	if f == freebsd.EVFILT_READ {
		return ev&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0,
			ev&(unix.EPOLLRDHUP|unix.EPOLLHUP) != 0
	}
	return ev&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) != 0, ev&(unix.EPOLLHUP|unix.EPOLLERR) != 0
}

// collect reports queued knotes (kqueue_scan's loop): a level-triggered
// one the host reported earlier is asked again, as f_event is; the
// knotes that stay active go back on the queue after this scan.
func (kq *kqueue) collect(out []freebsd.Kevent, limit int) []freebsd.Kevent {
	kq.fireTimers(time.Now())
	q := kq.queue
	kq.queue = nil
	var again []kqKey
	for i, key := range q {
		if len(out) == limit {
			kq.queue = append(kq.queue, q[i:]...)
			break
		}
		kn := kq.notes[key]
		if kn == nil || !kn.queued {
			continue
		}
		kn.queued = false
		if kn.disabled {
			continue
		}
		if ev, ok := kq.report(key, kn); ok {
			out = append(out, ev)
			if kq.after(key, kn) {
				again = append(again, key)
			}
		}
	}
	for _, key := range again {
		if kn := kq.notes[key]; kn != nil {
			kq.push(key, kn)
		}
	}
	return out
}

// report is the event a knote gives, or false when it is not ready.
func (kq *kqueue) report(key kqKey, kn *knote) (freebsd.Kevent, bool) {
	ev := kn.ev
	switch key.filter {
	case freebsd.EVFILT_USER: // filt_usertouch EVENT_PROCESS
		ev.Fflags, ev.Data = kn.sfflags, kn.sdata
		return ev, true
	case freebsd.EVFILT_TIMER:
		ev.Data = kn.fired
		return ev, kn.fired > 0
	}
	fd := int(key.ident)
	if !kn.fresh && !kn.always {
		p := []unix.PollFd{{Fd: int32(fd), Events: int16(filterEvents(key.filter))}}
		if n, err := unix.Poll(p, 0); err != nil || n == 0 {
			return ev, false
		}
		_, kn.eof = readiness(uint32(uint16(p[0].Revents)), key.filter)
	}
	kn.fresh = false
	if kn.eof {
		ev.Flags |= freebsd.EV_EOF
	}
	ev.Data = fdData(fd, key.filter, kn.always)
	return ev, true
}

// after does what reporting does to a knote: EV_ONESHOT deletes it,
// EV_DISPATCH disables it, EV_CLEAR resets its state. It says whether
// the knote is still active with nothing new from the host.
func (kq *kqueue) after(key kqKey, kn *knote) bool {
	flags := kn.ev.Flags
	if flags&freebsd.EV_ONESHOT != 0 {
		kq.drop(key, kn)
		return false
	}
	if flags&freebsd.EV_DISPATCH != 0 {
		kn.disabled = true
		if key.filter == freebsd.EVFILT_READ || key.filter == freebsd.EVFILT_WRITE {
			kq.rearm(int(key.ident), false)
		}
	}
	clear := flags&freebsd.EV_CLEAR != 0
	switch key.filter {
	case freebsd.EVFILT_USER:
		if clear {
			kn.triggered = false
		}
		return kn.triggered && !kn.disabled
	case freebsd.EVFILT_TIMER:
		kn.fired = 0
		return false
	}
	return kn.always && !clear && !kn.disabled
}

// fdData is a descriptor filter's data: the bytes to read (a regular
// file's from its offset to its end, filt_vfsread), or the room to write
// in a pipe or a socket's send buffer.
func fdData(fd int, f int16, always bool) int64 {
	if f == freebsd.EVFILT_READ {
		if always {
			var st unix.Stat_t
			off, err := unix.Seek(fd, 0, 1)
			if err != nil || unix.Fstat(fd, &st) != nil {
				return 0
			}
			return max(st.Size-off, 0)
		}
		n, _ := unix.IoctlGetInt(fd, unix.TIOCINQ)
		return int64(n)
	}
	if size, err := unix.FcntlInt(uintptr(fd), unix.F_GETPIPE_SZ, 0); err == nil {
		n, _ := unix.IoctlGetInt(fd, unix.TIOCINQ)
		return int64(max(size-n, 0))
	}
	if size, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF); err == nil {
		n, _ := unix.IoctlGetInt(fd, unix.TIOCOUTQ)
		return int64(max(size-n, 0))
	}
	return 0
}

var timerUnits = map[uint32]time.Duration{0: time.Millisecond, freebsd.NOTE_MSECONDS: time.Millisecond,
	freebsd.NOTE_SECONDS: time.Second, freebsd.NOTE_USECONDS: time.Microsecond, freebsd.NOTE_NSECONDS: 1}

// setTimer (re)starts a timer knote: data in the unit fflags name
// (milliseconds by default), NOTE_ABSTIME an absolute real time; zero is
// one tick unless EV_ONESHOT (filt_timerattach, timer2sbintime).
func setTimer(kn *knote, fflags uint32, data int64) unix.Errno {
	const units = freebsd.NOTE_SECONDS | freebsd.NOTE_MSECONDS | freebsd.NOTE_USECONDS | freebsd.NOTE_NSECONDS
	u, ok := timerUnits[fflags&units]
	if data < 0 || fflags&^(units|freebsd.NOTE_ABSTIME) != 0 || !ok {
		return unix.EINVAL
	}
	if data == 0 && kn.ev.Flags&freebsd.EV_ONESHOT == 0 {
		data = 1
	}
	d := time.Duration(min(data, math.MaxInt64/int64(u))) * u
	kn.fired, kn.sfflags, kn.sdata = 0, fflags, data
	if fflags&freebsd.NOTE_ABSTIME != 0 {
		kn.next, kn.period = time.Unix(0, int64(d)), 0
		return 0
	}
	kn.next, kn.period = time.Now().Add(d), d
	if kn.ev.Flags&freebsd.EV_ONESHOT != 0 {
		kn.period = 0
	}
	return 0
}

// fireTimers counts the expirations due by now and queues their knotes
// (filt_timerexpire).
func (kq *kqueue) fireTimers(now time.Time) {
	for key, kn := range kq.timers {
		if kn.next.IsZero() || now.Before(kn.next) {
			continue
		}
		if kn.period > 0 {
			n := 1 + int64(now.Sub(kn.next)/kn.period)
			kn.fired += n
			kn.next = kn.next.Add(time.Duration(n) * kn.period)
		} else {
			kn.fired++
			kn.next = time.Time{}
		}
		if !kn.disabled {
			kq.push(key, kn)
		}
	}
}

// nextTimer is the time to the next expiry of an enabled timer.
func (kq *kqueue) nextTimer() (time.Duration, bool) {
	var d time.Duration
	ok := false
	for _, kn := range kq.timers {
		if kn.next.IsZero() || kn.disabled {
			continue
		}
		if u := max(time.Until(kn.next), 0); !ok || u < d {
			d, ok = u, true
		}
	}
	return d, ok
}

// sysPoll: struct pollfd is the host's; a negative timeout other than
// INFTIM (-1) is EINVAL (sys/kern/sys_generic.c sys_poll).
func sysPoll(t *Thread, a *Args) uint64 {
	ms := int32(a[2])
	if ms < -1 {
		return usermode.Errno(unix.EINVAL)
	}
	var ts *unix.Timespec
	if ms >= 0 {
		x := unix.NsecToTimespec(int64(ms) * int64(time.Millisecond))
		ts = &x
	}
	return pollCall(t, a[0], a[1], ts, 0)
}

// sysPpoll: the timeout is not written back (sys_generic.c sys_ppoll).
func sysPpoll(t *Thread, a *Args) uint64 {
	ts, e := readTimespec(t, a[2])
	if e != 0 {
		return e
	}
	return pollCall(t, a[0], a[1], ts, a[3])
}

// maxPollFDs bounds nfds where FreeBSD's kern_poll does (the descriptor
// limit, or FD_SETSIZE when that is larger).
func maxPollFDs() uint64 {
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) != nil {
		return 1024
	}
	return max(rl.Cur, 1024)
}

// pollCall runs the host's ppoll on a copy of the guest's array with the
// event bits made Linux's and the results made FreeBSD's.
func pollCall(t *Thread, addr, n uint64, ts *unix.Timespec, mask uint64) uint64 {
	if n > maxPollFDs() {
		return usermode.Errno(unix.EINVAL)
	}
	g, err := t.ReadBytes(addr, n*freebsd.PollfdSize)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	fds := make([]unix.PollFd, n+1) // never empty: &fds[0] is passed
	for i := range n {
		b := g[i*freebsd.PollfdSize:]
		ev, _ := freebsd.PollEvents.ToLinux(uint64(le.Uint16(b[4:])))
		fds[i] = unix.PollFd{Fd: int32(le.Uint32(b)), Events: int16(ev)}
	}
	if e := pollMask(t, mask); e != 0 {
		return e
	}
	r, err := t.WaitCall(func() (uintptr, unix.Errno) {
		r, _, e := unix.Syscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), uintptr(n),
			uintptr(unsafe.Pointer(ts)), 0, 0, 0)
		return r, e
	})
	if err == usermode.ErrGuestSignal {
		return usermode.RestartNoHand
	}
	t.EndTempMask()
	if err != nil {
		return usermode.ErrRet(err)
	}
	for i := range n {
		le.PutUint16(g[i*freebsd.PollfdSize+6:], uint16(freebsd.PollEvents.FromLinux(uint64(uint16(fds[i].Revents)))))
	}
	if n > 0 && t.WriteBytes(addr, g) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return uint64(r)
}

// sysSelect: struct timeval's timeout is left as it is, unlike Linux's
// (sys_generic.c kern_select).
func sysSelect(t *Thread, a *Args) uint64 {
	var ts *unix.Timespec
	if a[4] != 0 {
		b, err := t.ReadBytes(a[4], 16)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		sec, usec := int64(le.Uint64(b)), int64(le.Uint64(b[8:]))
		if sec < 0 || usec < 0 || usec >= 1e6 {
			return usermode.Errno(unix.EINVAL)
		}
		ts = &unix.Timespec{Sec: sec, Nsec: usec * 1000}
	}
	return selectCall(t, a, ts, 0)
}

func sysPselect(t *Thread, a *Args) uint64 {
	ts, e := readTimespec(t, a[4])
	if e != 0 {
		return e
	}
	return selectCall(t, a, ts, a[5])
}

// selectCall: fd_set is an array of longs as on Linux, changed in place
// by the host.
func selectCall(t *Thread, a *Args, ts *unix.Timespec, mask uint64) uint64 {
	n := int(int32(a[0]))
	if n < 0 {
		return usermode.Errno(unix.EINVAL)
	}
	setBytes := uint64(n+63) / 64 * 8
	var sets [3]uintptr
	for i := range sets {
		sets[i] = t.UserRange(a[1+i], setBytes)
	}
	if e := pollMask(t, mask); e != 0 {
		return e
	}
	r, err := t.WaitCall(func() (uintptr, unix.Errno) {
		r, _, e := unix.Syscall6(unix.SYS_PSELECT6, uintptr(n), sets[0], sets[1], sets[2], uintptr(unsafe.Pointer(ts)), 0)
		return r, e
	})
	if err == usermode.ErrGuestSignal {
		return usermode.RestartNoHand
	}
	t.EndTempMask()
	return usermode.Ret(int(r), err)
}

// readTimespec reads a timeout (NULL: none), which must be valid.
func readTimespec(t *Thread, addr uint64) (*unix.Timespec, uint64) {
	if addr == 0 {
		return nil, 0
	}
	b, err := t.ReadBytes(addr, 16)
	if err != nil {
		return nil, usermode.Errno(unix.EFAULT)
	}
	sec, nsec := freebsd.DecodeTimespec(b)
	if sec < 0 || nsec < 0 || nsec >= 1e9 {
		return nil, usermode.Errno(unix.EINVAL)
	}
	return &unix.Timespec{Sec: sec, Nsec: nsec}, 0
}

// pollMask installs ppoll's or pselect's signal mask (a FreeBSD sigset
// at addr; 0: none) until the call ends or a handler's frame saves the
// old one.
func pollMask(t *Thread, addr uint64) uint64 {
	if addr == 0 {
		return 0
	}
	b, err := t.ReadBytes(addr, freebsd.SigsetSize)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	t.SetTempMask(freebsd.DecodeSigset(b).Linux())
	return 0
}
