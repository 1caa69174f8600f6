package linuxuser

import (
	"encoding/binary"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"
)

// IOCB_CMD_POLL (fs/aio.c aio_poll) waits: for its descriptor to have one
// of the events asked, or for io_cancel. gemu checks the arguments as
// aio_poll does and completes a request whose descriptor is ready at once,
// with the ready events among those asked and POLLERR/POLLHUP, as aio_poll
// does during the submit (vfs_poll's mask, which poll(2) reports alike;
// the POLL* bits are asm-generic's on both guests and on x86_64). A request
// that must wait goes to a host AIO context that the guest's context gets
// at its first one: the host then holds the file, refuses a file that
// cannot be polled (EINVAL), completes the request with the wakeup's mask
// (aio_poll_wake) and answers io_cancel with EINPROGRESS and an event of
// res 0, as the guest's kernel would. A goroutine per host context moves
// its events into the guest's context.

// aioPollReq is an IOCB_CMD_POLL request in the host's AIO.
type aioPollReq struct {
	c     *aioContext
	id    uint64          // its host aio_data
	obj   uint64          // the guest iocb's address
	data  [8]byte         // the guest's aio_data
	resfd int             // a copy of its eventfd, held as the kernel holds it, or -1
	cb    *[iocbSize]byte // the host iocb, by whose address the host cancels
}

// aioPoll starts the IOCB_CMD_POLL of cb (at guest address obj) on fd,
// whose slot is taken (aioSubmitOne).
func aioPoll(t *Thread, c *aioContext, obj uint64, cb []byte, fd, resfd int) unix.Errno {
	le := binary.LittleEndian
	events := le.Uint64(cb[iocbBuf:])
	// aio_poll: events beyond the 16-bit mask, then the fields poll has no use for.
	if events != uint64(uint16(events)) {
		return unix.EINVAL
	}
	if le.Uint64(cb[iocbOffset:]) != 0 || le.Uint64(cb[iocbNbytes:]) != 0 || le.Uint32(cb[iocbRWFlags:]) != 0 {
		return unix.EINVAL
	}
	tab := &lx(t.P).aio
	p := []unix.PollFd{{Fd: int32(fd), Events: int16(events)}}
	if n, err := unix.Poll(p, 0); err == nil && n == 1 && p[0].Revents&unix.POLLNVAL == 0 {
		aioDone(tab, c, cb[0:8], obj, int64(uint16(p[0].Revents)), 0, resfd)
		return 0
	}
	host, e := aioHostContext(tab, c)
	if e != 0 {
		return e
	}
	r := &aioPollReq{c: c, obj: obj, resfd: -1, cb: new([iocbSize]byte)}
	copy(r.data[:], cb[0:8])
	if resfd >= 0 {
		d, err := usermode.OwnFD(func() (int, error) { return unix.FcntlInt(uintptr(resfd), unix.F_DUPFD_CLOEXEC, 0) })
		if err != nil {
			return unix.EAGAIN
		}
		r.resfd = d
	}
	tab.Lock()
	if tab.polls == nil {
		tab.polls = map[uint64]*aioPollReq{}
	}
	tab.nextPoll++
	r.id = tab.nextPoll
	tab.polls[r.id] = r // before the host can complete it
	tab.Unlock()
	le.PutUint64(r.cb[0:], r.id)
	le.PutUint16(r.cb[iocbOpcode:], iocbCmdPoll)
	le.PutUint32(r.cb[iocbFD:], uint32(fd))
	le.PutUint64(r.cb[iocbBuf:], events)
	ptr := uintptr(unsafe.Pointer(r.cb))
	if _, _, e := unix.Syscall(unix.SYS_IO_SUBMIT, uintptr(host), 1, uintptr(unsafe.Pointer(&ptr))); e != 0 {
		if r = aioPollTake(tab, r.id); r != nil {
			aioPollFree(r, false)
		}
		return e
	}
	return 0
}

// aioHostContext is c's host AIO context, made (with its collector) at
// the first request that waits.
func aioHostContext(tab *aioTable, c *aioContext) (uint64, unix.Errno) {
	tab.Lock()
	defer tab.Unlock()
	if c.host == 0 {
		var id uint64
		if _, _, e := unix.Syscall(unix.SYS_IO_SETUP, uintptr(c.max), uintptr(unsafe.Pointer(&id)), 0); e != 0 {
			return 0, e
		}
		c.host = id
		go aioPollCollect(tab, id)
	}
	return c.host, 0
}

// aioPollCollect moves the events of host context host into the guest
// contexts of their requests until the context is destroyed. Requests
// are found by their process-wide id, so a collector that outlives its
// context (the host may give a later context the same id) still
// delivers right.
func aioPollCollect(tab *aioTable, host uint64) {
	var evs [16][4]uint64 // struct io_event: data, obj, res, res2
	for {
		n, _, e := unix.Syscall6(unix.SYS_IO_GETEVENTS, uintptr(host), 1, uintptr(len(evs)), uintptr(unsafe.Pointer(&evs[0])), 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return // EINVAL: destroyed
		}
		for _, ev := range evs[:n] {
			if r := aioPollTake(tab, ev[0]); r != nil {
				aioDone(tab, r.c, r.data[:], r.obj, int64(ev[2]), int64(ev[3]), r.resfd)
				aioPollFree(r, false)
			}
		}
	}
}

// aioPollTake removes request id from the table; nil when another
// goroutine has already taken it.
func aioPollTake(tab *aioTable, id uint64) *aioPollReq {
	tab.Lock()
	defer tab.Unlock()
	r := tab.polls[id]
	delete(tab.polls, id)
	return r
}

// aioPollFree closes r's copy of its eventfd, signalled first when the
// request ends without an event gemu queues.
func aioPollFree(r *aioPollReq, signal bool) {
	if r.resfd < 0 {
		return
	}
	if signal {
		unix.Write(r.resfd, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	}
	usermode.UnparkFD(r.resfd)
}

// aioPollCancel is io_cancel of the iocb at guest address obj in c: the
// host's answer for a pending poll (EINPROGRESS, its event of res 0 to
// follow; EINVAL if it completed meanwhile), EINVAL for anything else.
func aioPollCancel(tab *aioTable, c *aioContext, obj uint64) uint64 {
	tab.Lock()
	var r *aioPollReq
	for _, x := range tab.polls { // the first submitted, as active_reqs is searched
		if x.c == c && x.obj == obj && (r == nil || x.id < r.id) {
			r = x
		}
	}
	host := c.host
	tab.Unlock()
	if r == nil {
		return usermode.Errno(unix.EINVAL)
	}
	var res [4]uint64
	_, _, e := unix.Syscall(unix.SYS_IO_CANCEL, uintptr(host), uintptr(unsafe.Pointer(r.cb)), uintptr(unsafe.Pointer(&res)))
	if e != 0 {
		return usermode.Errno(e)
	}
	return 0
}

// aioPollsEnd destroys c's host context: the host cancels its pending
// polls and waits for them (io_destroy), whose events go with the
// context; their eventfds are still signalled, as aio_complete does.
func aioPollsEnd(tab *aioTable, c *aioContext) {
	tab.Lock()
	host := c.host
	c.host = 0
	tab.Unlock()
	if host == 0 {
		return
	}
	unix.Syscall(unix.SYS_IO_DESTROY, uintptr(host), 0, 0)
	tab.Lock()
	var left []*aioPollReq
	for id, r := range tab.polls {
		if r.c == c {
			left = append(left, r)
			delete(tab.polls, id)
		}
	}
	tab.Unlock()
	for _, r := range left {
		aioPollFree(r, true)
	}
}
