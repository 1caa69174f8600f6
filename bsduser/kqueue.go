package bsduser

import (
	"math"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

// kqueue(2) and kevent(2) on the host's epoll (FreeBSD sys/kern/
// kern_event.c, sys/sys/event.h). A kqueue is an epoll descriptor the
// guest sees; its knotes live here, keyed by ident and filter. Both
// descriptor filters of one fd share its epoll registration (EPOLLET
// when every enabled one has EV_CLEAR). EVFILT_USER and EVFILT_TIMER are
// kept in Go; an eventfd of gemu's wakes a waiter when they change. Fork
// children re-exec gemu and lose this state: a kqueue is not inherited
// by fork on FreeBSD either.

type kqKey struct {
	ident  uint64
	filter int16
}

type knote struct {
	ev        freebsd.Kevent // ident, filter, the flags kept, udata
	sfflags   uint32         // fflags and data as registered
	sdata     int64
	disabled  bool
	queued    bool // waiting in kqueue.queue
	fresh     bool // just reported by the host: no need to ask again
	eof       bool
	always    bool // a file epoll cannot watch (regular file): always ready
	triggered bool // EVFILT_USER
	next      time.Time
	period    time.Duration // EVFILT_TIMER; 0: once
	fired     int64
}

type kqueue struct {
	mu     sync.Mutex
	ep     int
	wake   int // eventfd; -1 until a user or timer knote needs it
	notes  map[kqKey]*knote
	armed  map[int]uint32 // epoll events registered per descriptor
	queue  []kqKey
	timers map[kqKey]*knote
}

// kqueues are this process's kqueue descriptors.
var kqueues = struct {
	sync.Mutex
	m map[int]*kqueue
}{m: map[int]*kqueue{}}

func init() {
	register(
		def("kqueue", func(t *Thread, a *Args) uint64 { return newKqueue(0) }),
		def("kqueuex", sysKqueuex, aHex),
		partial("kevent", sysKevent, "EVFILT_READ, EVFILT_WRITE, EVFILT_USER, EVFILT_TIMER",
			aInt, aPtr, aInt, aPtr, aInt, aPtr),
	)
}

// sysKqueuex takes KQUEUE_CLOEXEC only (sys/kern/kern_event.c sys_kqueuex).
func sysKqueuex(t *Thread, a *Args) uint64 {
	if a[0]&^freebsd.KQUEUE_CLOEXEC != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	return newKqueue(int(a[0]))
}

// newKqueue: a plain kqueue stays open across exec, as FreeBSD's does.
func newKqueue(flags int) uint64 {
	fl := 0
	if flags&freebsd.KQUEUE_CLOEXEC != 0 {
		fl = unix.EPOLL_CLOEXEC
	}
	ep, err := unix.EpollCreate1(fl)
	if err != nil {
		return usermode.ErrRet(err)
	}
	kqueues.Lock()
	stale := kqueues.m[ep] // closed without close(2): dup2 over it, exec
	kqueues.m[ep] = &kqueue{ep: ep, wake: -1, notes: map[kqKey]*knote{}, armed: map[int]uint32{},
		timers: map[kqKey]*knote{}}
	kqueues.Unlock()
	stale.release()
	return uint64(ep)
}

// release closes the eventfd of a kqueue that is gone.
func (kq *kqueue) release() {
	if kq == nil {
		return
	}
	kq.mu.Lock()
	if kq.wake >= 0 {
		usermode.UnparkFD(kq.wake)
		kq.wake = -1
	}
	kq.mu.Unlock()
}

func lookupKqueue(fd int) *kqueue {
	kqueues.Lock()
	defer kqueues.Unlock()
	return kqueues.m[fd]
}

// forgetKqueue drops the state of a kqueue descriptor being closed, and
// the knotes on fd in every kqueue (kern_event.c knote_fdclose).
func forgetKqueue(p *Process, fd int) {
	kqueues.Lock()
	kq := kqueues.m[fd]
	delete(kqueues.m, fd)
	all := make([]*kqueue, 0, len(kqueues.m))
	for _, q := range kqueues.m {
		all = append(all, q)
	}
	kqueues.Unlock()
	kq.release()
	for _, q := range all {
		q.mu.Lock()
		for _, f := range [2]int16{freebsd.EVFILT_READ, freebsd.EVFILT_WRITE} {
			if kn := q.notes[kqKey{uint64(fd), f}]; kn != nil {
				q.drop(kqKey{uint64(fd), f}, kn)
			}
		}
		q.mu.Unlock()
	}
}

// sysKevent applies the changes, each error (or EV_RECEIPT) going to the
// event list while it has room, then waits for events (kern_event.c
// sys_kevent, kern_kevent_fp, kqueue_scan).
func sysKevent(t *Thread, a *Args) uint64 {
	var ts []byte
	if a[5] != 0 {
		var err error
		if ts, err = t.ReadBytes(a[5], 16); err != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	kq := lookupKqueue(fdArg(a[0]))
	nch, room := int32(a[2]), int32(a[4])
	switch {
	case kq == nil:
		return usermode.Errno(unix.EBADF)
	case nch < 0 || room < 0:
		return usermode.Errno(unix.EINVAL)
	}
	k := keventCall{out: a[3], room: int(room)}
	if r, done := kq.changes(t, &k, a[1], int(nch)); done {
		return r
	}
	if k.room == 0 {
		return 0
	}
	wait, e := keventTimeout(ts)
	if e != 0 {
		return e
	}
	evs, e := kq.scan(t, k.room, wait)
	if e != 0 {
		return e
	}
	return putKevents(t, k.out, evs)
}

// keventCall is where the event list goes on and the room it has left.
type keventCall struct {
	out  uint64
	room int
}

// changes registers n changes at addr; done with the call's result when
// a change failed (or asked for a receipt) and there is no room for it,
// or when it wrote error events, which end the call.
func (kq *kqueue) changes(t *Thread, k *keventCall, addr uint64, n int) (uint64, bool) {
	nerr := uint64(0)
	for i := range uint64(n) {
		b, err := t.ReadBytes(addr+i*freebsd.KeventSize, freebsd.KeventSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT), true
		}
		ch := freebsd.DecodeKevent(b)
		if ch.Filter == 0 {
			continue
		}
		ch.Flags &^= freebsd.EV_SYSFLAGS
		e := kq.register(t, &ch)
		if e == 0 && ch.Flags&freebsd.EV_RECEIPT == 0 {
			continue
		}
		if k.room == 0 {
			return usermode.Errno(e), true // 0 for a receipt: the rest is skipped
		}
		ch.Flags, ch.Data = freebsd.EV_ERROR, bsdErrno(int(e))
		ch.Encode(b)
		t.WriteBytes(k.out, b)
		k.out += freebsd.KeventSize
		k.room--
		nerr++
	}
	return nerr, nerr > 0
}

// bsdErrno is a host errno as FreeBSD's number; 0 stays 0.
func bsdErrno(e int) int64 {
	if e == 0 {
		return 0
	}
	return int64(freebsd.ErrnoFromLinux(e))
}

// keventTimeout is the wait: negative for none given (forever), and
// forever too past INT32_MAX seconds (kqueue_scan).
func keventTimeout(ts []byte) (time.Duration, uint64) {
	if ts == nil {
		return -1, 0
	}
	sec, nsec := freebsd.DecodeTimespec(ts)
	switch {
	case sec < 0 || nsec < 0 || nsec >= 1e9:
		return 0, usermode.Errno(unix.EINVAL)
	case sec > math.MaxInt32:
		return -1, 0
	}
	return time.Duration(sec)*time.Second + time.Duration(nsec), 0
}

func putKevents(t *Thread, addr uint64, evs []freebsd.Kevent) uint64 {
	b := make([]byte, len(evs)*freebsd.KeventSize)
	for i := range evs {
		evs[i].Encode(b[i*freebsd.KeventSize:])
	}
	if t.WriteBytes(addr, b) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return uint64(len(evs))
}

// register is kqueue_register for one change; a new knote's change has
// its fflags and data cleared, as FreeBSD's receipt shows them.
func (kq *kqueue) register(t *Thread, ch *freebsd.Kevent) unix.Errno {
	f := ch.Filter
	switch f {
	case freebsd.EVFILT_READ, freebsd.EVFILT_WRITE:
		if ch.Ident > math.MaxInt32 || !fdOpen(int(ch.Ident)) {
			return unix.EBADF
		}
	case freebsd.EVFILT_USER, freebsd.EVFILT_TIMER:
	default:
		if f < 0 && f >= -freebsd.EVFILT_SYSCOUNT {
			t.P.Unimp("gemu: FreeBSD kevent filter %d not supported", f)
		}
		return unix.EINVAL
	}
	kq.mu.Lock()
	defer kq.mu.Unlock()
	key := kqKey{ch.Ident, f}
	kn := kq.notes[key]
	switch {
	case kn == nil && ch.Flags&freebsd.EV_ADD == 0:
		return unix.ENOENT
	case kn == nil:
		return kq.add(key, ch)
	case ch.Flags&freebsd.EV_DELETE != 0:
		kq.drop(key, kn)
		return 0
	}
	if ch.Flags&freebsd.EV_KEEPUDATA == 0 {
		kn.ev.Udata = ch.Udata
	}
	switch f {
	case freebsd.EVFILT_USER:
		touchUser(kn, ch)
	case freebsd.EVFILT_TIMER:
		if e := setTimer(kn, ch.Fflags, ch.Data); e != 0 {
			return e
		}
	default:
		kn.sfflags, kn.sdata = ch.Fflags, ch.Data
	}
	return kq.activate(key, kn, ch.Flags)
}

// fdOpen: gemu's own descriptors are not the guest's.
func fdOpen(fd int) bool {
	if usermode.IsHostFD(fd) {
		return false
	}
	_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil
}

// add makes a knote: the flags it keeps are the change's but for
// EV_ADD, EV_DELETE, EV_ENABLE and EV_DISABLE.
func (kq *kqueue) add(key kqKey, ch *freebsd.Kevent) unix.Errno {
	kn := &knote{sfflags: ch.Fflags, sdata: ch.Data}
	kn.ev = freebsd.Kevent{Ident: ch.Ident, Filter: ch.Filter, Udata: ch.Udata,
		Flags: ch.Flags &^ (freebsd.EV_ADD | freebsd.EV_DELETE | freebsd.EV_ENABLE | freebsd.EV_DISABLE)}
	ch.Fflags, ch.Data = 0, 0
	switch key.filter {
	case freebsd.EVFILT_TIMER:
		kn.ev.Flags |= freebsd.EV_CLEAR // filt_timerattach
		if e := setTimer(kn, kn.sfflags, kn.sdata); e != 0 {
			return e
		}
		kq.timers[key] = kn
	case freebsd.EVFILT_USER:
		kn.triggered = kn.sfflags&freebsd.NOTE_TRIGGER != 0
	}
	kq.notes[key] = kn
	if e := kq.activate(key, kn, ch.Flags); e != 0 {
		kq.drop(key, kn)
		return e
	}
	return 0
}

// activate applies EV_DISABLE and EV_ENABLE and queues a knote that is
// ready (or asks the host again for a descriptor's).
func (kq *kqueue) activate(key kqKey, kn *knote, flags uint16) unix.Errno {
	if flags&freebsd.EV_DISABLE != 0 {
		kn.disabled = true
	}
	if flags&freebsd.EV_ENABLE != 0 {
		kn.disabled = false
	}
	switch key.filter {
	case freebsd.EVFILT_READ, freebsd.EVFILT_WRITE:
		if e := kq.rearm(int(key.ident), true); e != 0 {
			return e
		}
	case freebsd.EVFILT_USER, freebsd.EVFILT_TIMER:
		if !kn.disabled && (kn.triggered || kn.fired > 0) {
			kq.push(key, kn)
		}
	}
	if key.filter == freebsd.EVFILT_TIMER || kn.queued {
		kq.poke()
	}
	return 0
}

// drop deletes a knote.
func (kq *kqueue) drop(key kqKey, kn *knote) {
	delete(kq.notes, key)
	delete(kq.timers, key)
	kn.queued = false
	if key.filter == freebsd.EVFILT_READ || key.filter == freebsd.EVFILT_WRITE {
		kq.rearm(int(key.ident), false)
	}
}

// rearm sets fd's epoll registration from its enabled knotes; force
// modifies it even unchanged, so the host looks at the descriptor again
// (a re-added or enabled knote that is ready is reported). A file epoll
// refuses (EPERM) is always ready, as a regular file is on FreeBSD.
func (kq *kqueue) rearm(fd int, force bool) unix.Errno {
	var want uint32
	clear, any := true, false
	for _, f := range [2]int16{freebsd.EVFILT_READ, freebsd.EVFILT_WRITE} {
		kn := kq.notes[kqKey{uint64(fd), f}]
		if kn == nil || kn.disabled {
			continue
		}
		if kn.always {
			kq.push(kqKey{uint64(fd), f}, kn)
			continue
		}
		any = true
		clear = clear && kn.ev.Flags&freebsd.EV_CLEAR != 0
		want |= filterEvents(f)
	}
	if any && clear {
		want |= unix.EPOLLET
	}
	old, had := kq.armed[fd]
	if !any {
		if had {
			delete(kq.armed, fd)
			unix.EpollCtl(kq.ep, unix.EPOLL_CTL_DEL, fd, nil)
		}
		return 0
	}
	if had && old == want && !force {
		return 0
	}
	err := epollSet(kq.ep, fd, want, had)
	if err == unix.EPERM {
		kq.markAlways(fd)
		return 0
	}
	if err != nil {
		return err.(unix.Errno)
	}
	kq.armed[fd] = want
	return 0
}

// filterEvents are the host events a descriptor filter waits for.
func filterEvents(f int16) uint32 {
	if f == freebsd.EVFILT_READ {
		return unix.EPOLLIN | unix.EPOLLRDHUP
	}
	return unix.EPOLLOUT
}

// epollSet adds or modifies fd's registration, whichever the host's
// state needs (a closed and reopened descriptor left the epoll set).
func epollSet(ep, fd int, events uint32, had bool) error {
	ev := &unix.EpollEvent{Events: events, Fd: int32(fd)}
	op := unix.EPOLL_CTL_ADD
	if had {
		op = unix.EPOLL_CTL_MOD
	}
	err := unix.EpollCtl(ep, op, fd, ev)
	switch {
	case err == unix.ENOENT && op == unix.EPOLL_CTL_MOD:
		err = unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, ev)
	case err == unix.EEXIST:
		err = unix.EpollCtl(ep, unix.EPOLL_CTL_MOD, fd, ev)
	}
	return err
}

func (kq *kqueue) markAlways(fd int) {
	for _, f := range [2]int16{freebsd.EVFILT_READ, freebsd.EVFILT_WRITE} {
		if kn := kq.notes[kqKey{uint64(fd), f}]; kn != nil {
			kn.always = true
			if !kn.disabled {
				kq.push(kqKey{uint64(fd), f}, kn)
			}
		}
	}
	kq.poke()
}

// push queues a knote to report.
func (kq *kqueue) push(key kqKey, kn *knote) {
	if !kn.queued {
		kn.queued = true
		kq.queue = append(kq.queue, key)
	}
}

// poke wakes the waiters of kq so they look at its Go-side knotes.
func (kq *kqueue) poke() {
	if kq.wake < 0 {
		fd, err := usermode.OwnFD(func() (int, error) { return unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC) })
		if err != nil {
			return
		}
		if unix.EpollCtl(kq.ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}) != nil {
			usermode.UnparkFD(fd)
			return
		}
		kq.wake = fd
	}
	one := [8]byte{1}
	unix.Write(kq.wake, one[:])
}

// touchUser is filt_usertouch's EVENT_REGISTER: NOTE_TRIGGER fires the
// knote, the control bits combine the user's fflags, EV_CLEAR resets.
func touchUser(kn *knote, ch *freebsd.Kevent) {
	if ch.Fflags&freebsd.NOTE_TRIGGER != 0 {
		kn.triggered = true
	}
	v := ch.Fflags & freebsd.NOTE_FFLAGSMASK
	switch ch.Fflags & freebsd.NOTE_FFCTRLMASK {
	case freebsd.NOTE_FFAND:
		kn.sfflags &= v
	case freebsd.NOTE_FFOR:
		kn.sfflags |= v
	case freebsd.NOTE_FFCOPY:
		kn.sfflags = v
	}
	ch.Fflags = v
	kn.sdata = ch.Data
	if ch.Flags&freebsd.EV_CLEAR != 0 {
		kn.triggered = false
	}
}
