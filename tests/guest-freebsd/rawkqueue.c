/*
 * rawkqueue: kqueue and kevent on a pipe.
 *
 * Expected output (rawkqueue.expected), from FreeBSD 14's semantics
 * (sys/sys/event.h, sys/kern/kern_event.c, sys/kern/sys_pipe.c):
 *  - pipe2(fds, O_NONBLOCK = 4) returns 0; reading the empty pipe fails
 *    with EAGAIN, which is 35 on FreeBSD (11 on Linux).
 *  - struct kevent is 64 bytes: ident, filter (short), flags (ushort),
 *    fflags, data, udata, ext[4]. EVFILT_READ is -1, EVFILT_WRITE -2,
 *    EV_ADD 0x1, EV_RECEIPT 0x40, EV_ERROR 0x4000, EV_EOF 0x8000.
 *  - Registering EVFILT_READ on the read end with a zero timeout returns
 *    0 events while the pipe is empty.
 *  - After writing 5 bytes, one event: ident the read end, filter -1,
 *    data 5 (bytes to read, filt_piperead), udata as registered (0x1234).
 *  - Once the 5 bytes are read the read filter is no longer true (a
 *    level-triggered knote is checked again before it is reported), so
 *    EVFILT_WRITE on the write end is the one event: ready at once (its
 *    data, the free buffer space, differs between systems: not printed).
 *  - After the write end is closed and the data read, the read filter
 *    fires with EV_EOF set and data 0.
 *  - EV_ADD|EV_RECEIPT for fd 999 (not open) returns one event with
 *    EV_ERROR set and data EBADF (9) instead of failing the call.
 */
#include "rawsys.h"

struct bsd_kevent {
	unsigned long ident;
	short filter;
	unsigned short flags;
	unsigned fflags;
	long data;
	void *udata;
	unsigned long ext[4];
};

struct bsd_timespec {
	long sec, nsec;
};

enum {
	EVFILT_READ = -1, EVFILT_WRITE = -2,
	EV_ADD = 0x1, EV_RECEIPT = 0x40, EV_ERROR = 0x4000, EV_EOF = 0x8000,
};

static long poll1(long kq, long fd, short filter, unsigned short flags, void *udata, struct bsd_kevent *got)
{
	struct bsd_kevent ch = { (unsigned long)fd, filter, flags, 0, 0, udata, { 0, 0, 0, 0 } };
	struct bsd_timespec zero = { 0, 0 };
	return sys6(SYS_kevent, kq, (long)&ch, flags ? 1 : 0, (long)got, 1, (long)&zero);
}

void cstart(long *block)
{
	(void)block;
	int fds[2];
	char buf[16];
	struct bsd_kevent ev;
	long kq;
	say("pipe2", sys2(SYS_pipe2, fds, O_NONBLOCK));
	say("read empty pipe", sys3(SYS_read, fds[0], buf, sizeof(buf)));
	kq = sys0(SYS_kqueue);
	yesno("kqueue gave a descriptor:", kq >= 0);
	say("events before write", poll1(kq, fds[0], EVFILT_READ, EV_ADD, (void *)0x1234, &ev));
	say("write", sys3(SYS_write, fds[1], "hello", 5));
	say("events after write", poll1(kq, 0, 0, 0, 0, &ev));
	yesno("ident is the read end:", ev.ident == (unsigned long)fds[0]);
	say("filter", ev.filter);
	say("data", ev.data);
	sayhex("udata", (long)ev.udata);
	say("read", sys3(SYS_read, fds[0], buf, sizeof(buf)));
	say("write filter events", poll1(kq, fds[1], EVFILT_WRITE, EV_ADD, 0, &ev));
	say("write filter", ev.filter);
	say("close write end", sys1(SYS_close, fds[1]));
	say("events after close", poll1(kq, 0, 0, 0, 0, &ev));
	yesno("EV_EOF:", (ev.flags & EV_EOF) != 0);
	say("data at eof", ev.data);
	say("receipt for fd 999", poll1(kq, 999, EVFILT_READ, EV_ADD | EV_RECEIPT, 0, &ev));
	yesno("EV_ERROR:", (ev.flags & EV_ERROR) != 0);
	say("error data", ev.data);
	sys_exit(0);
}
