package linuxuser

import (
	"encoding/binary"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// Linux native AIO (fs/aio.c), emulated: the kernel's completion ring
// would live at gemu's addresses, so gemu keeps each context's events
// itself. A context's id is the guest address of a read-only page named
// as the kernel's ring is, whose first word is not AIO_RING_MAGIC, so
// libaio always asks io_getevents instead of reading a ring. A request
// runs when io_submit takes it (an allowed order: AIO completes at any
// time), on the guest's descriptor, and its event waits in the context;
// IOCB_FLAG_RESFD signals its eventfd. IOCB_CMD_POLL, which waits, goes to
// the host's AIO (sys_aiopoll.go). Contexts belong to the memory, as the
// ring does: a fork child has none, an execve drops them.

func init() {
	register(
		row{"io_setup", sysIOSetup, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Full, "emulated ring (sys_aio.go)"},
		row{"io_destroy", sysIODestroy, kinds(aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"io_submit", sysIOSubmit, kinds(aHex, aLong, aPtr), syscalls.RetInt, syscalls.Partial,
			"reads, writes and syncs run at submission; IOCB_CMD_POLL waits in the host's AIO; IOCB_FLAG_IOPRIO is not checked or applied"},
		row{"io_cancel", sysIOCancel, kinds(aHex, aPtr, aPtr), syscalls.RetInt, syscalls.Full,
			"a pending IOCB_CMD_POLL: EINPROGRESS and an event of res 0, as fs/aio.c; others have completed: EINVAL"},
		row{"io_getevents", sysIOGetevents, kinds(aHex, aLong, aLong, aPtr, aPtr), syscalls.RetInt, syscalls.Full,
			"interruptible"},
		row{"io_pgetevents", sysIOPgetevents, kinds(aHex, aLong, aLong, aPtr, aPtr, aPtr), syscalls.RetInt,
			syscalls.Full, "interruptible"},
		// io_uring is not emulated: its rings are memory the guest maps at the
		// kernel's offsets, full of guest pointers; liburing, libuv and
		// Rust's runtimes fall back to threads or epoll on ENOSYS.
		row{"io_uring_setup", nil, nil, syscalls.RetInt, syscalls.Unimplemented, "ENOSYS: users fall back (liburing, libuv)"},
		row{"io_uring_enter", nil, nil, syscalls.RetInt, syscalls.Unimplemented, "ENOSYS"},
		row{"io_uring_register", nil, nil, syscalls.RetInt, syscalls.Unimplemented, "ENOSYS"},
	)
}

// struct iocb and struct io_event (include/uapi/linux/aio_abi.h).
const (
	iocbSize      = 64
	ioEventSize   = 32
	iocbKey       = 8
	iocbRWFlags   = 12
	iocbOpcode    = 16
	iocbFD        = 20
	iocbBuf       = 24
	iocbNbytes    = 32
	iocbOffset    = 40
	iocbReserved2 = 48
	iocbFlags     = 56
	iocbResFD     = 60

	iocbCmdPread   = 0
	iocbCmdPwrite  = 1
	iocbCmdFsync   = 2
	iocbCmdFdsync  = 3
	iocbCmdPoll    = 5
	iocbCmdPreadv  = 7
	iocbCmdPwritev = 8
	iocbFlagResFD  = 1

	aioMaxEvents = 1 << 16 // beyond this io_setup is EAGAIN, as past /proc/sys/fs/aio-max-nr
)

// aioContext is one io_setup context.
type aioContext struct {
	max      int
	events   [][ioEventSize]byte // completed, not yet collected
	wake     int                 // host eventfd, readable while events wait
	inflight int                 // slots taken by requests not yet completed
	host     uint64              // its host AIO context for IOCB_CMD_POLL, 0 before the first
}

// aioTable is a process's contexts by id and its IOCB_CMD_POLL requests
// in the host's AIO by their host aio_data, under its own lock.
type aioTable struct {
	sync.Mutex
	ctx      map[uint64]*aioContext
	polls    map[uint64]*aioPollReq
	nextPoll uint64
}

func sysIOSetup(t *Thread, a *Args) uint64 {
	n := int64(int32(a[0]))
	var cur [8]byte
	if err := t.P.AS.Read(a[1], cur[:]); err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	if binary.LittleEndian.Uint64(cur[:]) != 0 || n <= 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if n > aioMaxEvents {
		return usermode.Errno(unix.EAGAIN)
	}
	id, err := t.P.AS.Map(translate.MapSpec{Length: translate.PageSize, Prot: translate.ProtRead, FD: -1,
		Name: "/[aio] (deleted)"})
	if err != nil {
		return usermode.Errno(unix.EAGAIN)
	}
	wake, err := usermode.OwnFD(func() (int, error) { return unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK) })
	if err != nil {
		t.P.AS.Unmap(id, translate.PageSize)
		return usermode.Errno(unix.EAGAIN)
	}
	binary.LittleEndian.PutUint64(cur[:], id)
	if err := t.P.AS.Write(a[1], cur[:]); err != nil {
		usermode.UnparkFD(wake)
		t.P.AS.Unmap(id, translate.PageSize)
		return usermode.Errno(unix.EFAULT)
	}
	tab := &lx(t.P).aio
	tab.Lock()
	if tab.ctx == nil {
		tab.ctx = map[uint64]*aioContext{}
	}
	tab.ctx[id] = &aioContext{max: int(n), wake: wake}
	tab.Unlock()
	return 0
}

// aioLookup is the context id names.
func aioLookup(t *Thread, id uint64) *aioContext {
	tab := &lx(t.P).aio
	tab.Lock()
	defer tab.Unlock()
	return tab.ctx[id]
}

// sysIODestroy: the kernel cancels the pending requests and waits for
// them (fs/aio.c io_destroy); their events go with the context.
func sysIODestroy(t *Thread, a *Args) uint64 {
	tab := &lx(t.P).aio
	tab.Lock()
	c := tab.ctx[a[0]]
	delete(tab.ctx, a[0])
	tab.Unlock()
	if c == nil {
		return usermode.Errno(unix.EINVAL)
	}
	aioEnd(tab, c)
	t.P.AS.Unmap(a[0], translate.PageSize)
	return 0
}

// aioEnd frees what context c holds in the host.
func aioEnd(tab *aioTable, c *aioContext) {
	aioPollsEnd(tab, c)
	usermode.UnparkFD(c.wake)
}

// dropAIO ends every context (execve: they belong to the old memory).
func dropAIO(p *Process) {
	tab := &lx(p).aio
	tab.Lock()
	all := tab.ctx
	tab.ctx = nil
	tab.Unlock()
	for _, c := range all {
		aioEnd(tab, c)
	}
}

func sysIOSubmit(t *Thread, a *Args) uint64 {
	n := int64(a[1])
	c := aioLookup(t, a[0])
	switch {
	case n < 0:
		return usermode.Errno(unix.EINVAL)
	case c == nil:
		return usermode.Errno(unix.EINVAL)
	}
	var done int64
	for ; done < n; done++ {
		var ptr [8]byte
		if err := t.P.AS.Read(a[2]+uint64(8*done), ptr[:]); err != nil {
			return aioPartial(t, done, unix.EFAULT)
		}
		if e := aioSubmitOne(t, c, binary.LittleEndian.Uint64(ptr[:])); e != 0 {
			return aioPartial(t, done, e)
		}
	}
	return uint64(done)
}

// aioPartial is io_submit's result when request done fails with e: the
// count of those before it, or the error when it was the first.
func aioPartial(t *Thread, done int64, e unix.Errno) uint64 {
	if done > 0 {
		return uint64(done)
	}
	return usermode.Errno(e)
}

// aioSubmitOne runs the iocb at addr and queues its event, in
// io_submit_one's order: the reserved field and the length, a free slot
// (aio_get_req), the descriptor, the eventfd, the key, the request.
func aioSubmitOne(t *Thread, c *aioContext, addr uint64) unix.Errno {
	var cb [iocbSize]byte
	if err := t.P.AS.Read(addr, cb[:]); err != nil {
		return unix.EFAULT
	}
	le := binary.LittleEndian
	if le.Uint64(cb[iocbReserved2:]) != 0 || int64(le.Uint64(cb[iocbNbytes:])) < 0 {
		return unix.EINVAL
	}
	tab := &lx(t.P).aio
	if !aioReserve(tab, c) {
		return unix.EAGAIN
	}
	e := aioStart(t, c, addr, cb[:])
	if e != 0 {
		tab.Lock()
		c.inflight--
		tab.Unlock()
	}
	return e
}

// aioReserve takes a slot of c for a request, false when every slot is
// taken by waiting events or requests in flight.
func aioReserve(tab *aioTable, c *aioContext) bool {
	tab.Lock()
	defer tab.Unlock()
	if len(c.events)+c.inflight >= c.max {
		return false
	}
	c.inflight++
	return true
}

// aioStart checks the request in cb (at guest addr) and runs it, or
// hands an IOCB_CMD_POLL to the host; its slot is taken.
func aioStart(t *Thread, c *aioContext, addr uint64, cb []byte) unix.Errno {
	le := binary.LittleEndian
	fd := int(int32(le.Uint32(cb[iocbFD:])))
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil || fl&unix.O_PATH != 0 { // fget refuses O_PATH descriptors
		return unix.EBADF
	}
	resfd := -1
	if le.Uint32(cb[iocbFlags:])&iocbFlagResFD != 0 {
		resfd = int(int32(le.Uint32(cb[iocbResFD:])))
		if e := eventfdCheck(resfd); e != 0 {
			return e
		}
	}
	if err := t.P.AS.Write(addr+iocbKey, []byte{0, 0, 0, 0}); err != nil { // KIOCB_KEY
		return unix.EFAULT
	}
	if le.Uint16(cb[iocbOpcode:]) == iocbCmdPoll {
		return aioPoll(t, c, addr, cb, fd, resfd)
	}
	res, e := aioRun(t, cb, fd, fl)
	if e != 0 {
		return e
	}
	aioDone(&lx(t.P).aio, c, cb[0:8], addr, res, 0, resfd)
	return 0
}

// aioDone queues the event of a completed request (aio_data, the iocb's
// guest address, res and res2) in its slot and signals its eventfd.
func aioDone(tab *aioTable, c *aioContext, data []byte, obj uint64, res, res2 int64, resfd int) {
	var ev [ioEventSize]byte
	le := binary.LittleEndian
	copy(ev[0:8], data)
	le.PutUint64(ev[8:], obj)
	le.PutUint64(ev[16:], uint64(res))
	le.PutUint64(ev[24:], uint64(res2))
	one := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	tab.Lock()
	defer tab.Unlock()
	c.inflight--
	c.events = append(c.events, ev)
	// aio_complete signals the eventfd before it wakes io_getevents.
	if resfd >= 0 {
		unix.Write(resfd, one)
	}
	unix.Write(c.wake, one)
}

// eventfdCheck is eventfd_ctx_fdget: EBADF for a descriptor that is not
// open, EINVAL for one that is not an eventfd.
func eventfdCheck(fd int) unix.Errno {
	if !fdUsable(fd) {
		return unix.EBADF
	}
	if link, err := usermode.FDLink(fd); err != nil || link != "anon_inode:[eventfd]" {
		return unix.EINVAL
	}
	return 0
}

// aioRun does the read, write or sync request of iocb cb on fd (open with
// flags fl); e is an error io_submit returns, res the event's result (a
// count or a negated errno).
func aioRun(t *Thread, cb []byte, fd, fl int) (res int64, e unix.Errno) {
	le := binary.LittleEndian
	op, buf, n := le.Uint16(cb[iocbOpcode:]), le.Uint64(cb[iocbBuf:]), le.Uint64(cb[iocbNbytes:])
	off, rw := int64(le.Uint64(cb[iocbOffset:])), uintptr(le.Uint32(cb[iocbRWFlags:]))
	mode := fl & unix.O_ACCMODE
	switch op {
	case iocbCmdPread, iocbCmdPreadv:
		if mode == unix.O_WRONLY {
			return 0, unix.EBADF
		}
	case iocbCmdPwrite, iocbCmdPwritev:
		if mode == unix.O_RDONLY {
			return 0, unix.EBADF
		}
	case iocbCmdFsync:
		return aioResult(unix.Fsync(fd)), 0
	case iocbCmdFdsync:
		return aioResult(unix.Fdatasync(fd)), 0
	default:
		return 0, unix.EINVAL
	}
	nr := uintptr(unix.SYS_PREADV2)
	if op == iocbCmdPwrite || op == iocbCmdPwritev {
		nr = unix.SYS_PWRITEV2
	}
	var iov []unix.Iovec
	vec, cnt := uintptr(0), uintptr(n)
	if op == iocbCmdPread || op == iocbCmdPwrite {
		p, cut := t.UserPtr(buf, n)
		iov = []unix.Iovec{{Base: (*byte)(usermode.HostPointer(p)), Len: cut}}
		vec, cnt = uintptr(unsafe.Pointer(&iov[0])), 1
	} else {
		iov, vec = t.HostIovecs(buf, n)
	}
	r, _, errNo := unix.Syscall6(nr, uintptr(fd), vec, cnt, uintptr(off), 0, rw)
	runtime.KeepAlive(iov)
	if errNo != 0 {
		return -int64(errNo), 0
	}
	return int64(r), 0
}

// aioResult is a call's event result: 0 or a negated errno.
func aioResult(err error) int64 {
	if e, ok := err.(unix.Errno); ok && e != 0 {
		return -int64(e)
	}
	return 0
}

// sysIOCancel is fs/aio.c io_cancel: the iocb's key (EFAULT, EINVAL unless
// KIOCB_KEY), the context, then the request among those in flight: only
// a pending IOCB_CMD_POLL can be, the rest completed when submitted.
func sysIOCancel(t *Thread, a *Args) uint64 {
	key, err := t.P.AS.Load32(a[1] + iocbKey)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	c := aioLookup(t, a[0])
	if key != 0 || c == nil {
		return usermode.Errno(unix.EINVAL)
	}
	return aioPollCancel(&lx(t.P).aio, c, a[1])
}

// sysIOGetevents: a wait a signal interrupts is EINTR (fs/aio.c).
func sysIOGetevents(t *Thread, a *Args) uint64 { return ioGetevents(t, a, usermode.Errno(unix.EINTR)) }

// sysIOPgetevents is io_getevents with a struct __aio_sigset {sigmask
// pointer, size} in force while it waits, as ppoll's: interrupted, it is
// -ERESTARTNOHAND and the mask stays until the handler has run.
func sysIOPgetevents(t *Thread, a *Args) uint64 {
	if a[5] == 0 {
		return ioGetevents(t, a, usermode.RestartNoHand)
	}
	b, err := t.ReadBytes(a[5], 16)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	if e := tempMask(t, binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])); e != 0 {
		return e
	}
	r := ioGetevents(t, a, usermode.RestartNoHand)
	if r != usermode.RestartNoHand {
		t.EndTempMask()
	}
	return r
}

// ioGetevents collects between min_nr and nr events, waiting for them
// until the timeout (a relative timespec; NULL waits for ever); intr is
// the result when a guest signal interrupts the wait.
func ioGetevents(t *Thread, a *Args, intr uint64) uint64 {
	minNr, nr := int64(a[1]), int64(a[2])
	c := aioLookup(t, a[0])
	if minNr < 0 || nr < 0 || minNr > nr || c == nil {
		return usermode.Errno(unix.EINVAL)
	}
	deadline := time.Time{}
	if a[4] != 0 {
		ts, e := getTimespec(t, a[4])
		if e != 0 {
			return e
		}
		deadline = time.Now().Add(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	}
	var got int64
	for {
		n, e := aioCollect(t, c, a[3]+uint64(got*ioEventSize), nr-got)
		if e != 0 {
			if got > 0 {
				return uint64(got)
			}
			return usermode.Errno(e)
		}
		got += n
		if got >= minNr || got == nr {
			return uint64(got)
		}
		if r := aioWait(t, c, deadline, intr); r != 0 {
			if r == usermode.Errno(unix.ETIMEDOUT) {
				return uint64(got)
			}
			return r
		}
	}
}

// aioCollect copies up to max waiting events of c to the guest at addr.
func aioCollect(t *Thread, c *aioContext, addr uint64, max int64) (int64, unix.Errno) {
	lx(t.P).aio.Lock()
	defer lx(t.P).aio.Unlock()
	n := min(int64(len(c.events)), max)
	for i := int64(0); i < n; i++ {
		if err := t.P.AS.Write(addr+uint64(i*ioEventSize), c.events[i][:]); err != nil {
			c.events = c.events[i:]
			return i, unix.EFAULT
		}
	}
	c.events = c.events[n:]
	if len(c.events) == 0 {
		var b [8]byte
		unix.Read(c.wake, b[:])
	}
	return n, 0
}

// aioWait waits for c's eventfd until deadline (zero: for ever), in the
// host; a guest signal ends it with intr.
func aioWait(t *Thread, c *aioContext, deadline time.Time, intr uint64) uint64 {
	return t.Interruptible(intr, func() (int, error) {
		ms := -1
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				return 0, unix.ETIMEDOUT
			}
			ms = int(left.Milliseconds()) + 1
		}
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(c.wake), Events: unix.POLLIN}}, ms)
		if err == nil && n == 0 {
			return 0, unix.ETIMEDOUT
		}
		return 0, err
	})
}
