/* aio: Linux native AIO through the raw calls (fs/aio.c): io_setup,
 * io_submit of pwrite, pread, preadv, pwritev, fsync and fdsync requests
 * on a file, io_getevents with and without a timeout, an eventfd
 * signalled per completion (IOCB_FLAG_RESFD), io_cancel, io_destroy, and
 * the calls' errors; IOCB_CMD_POLL (aio_poll): ready at submission, on a
 * pipe another thread writes to later, with an eventfd, cancelled with
 * io_cancel (EINPROGRESS, then an event with res 0), on a file that
 * cannot be polled, and its argument checks. usage: aio */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

static long setup(unsigned n, aio_context_t *ctx) { return syscall(SYS_io_setup, n, ctx); }
static long submit(aio_context_t ctx, long n, struct iocb **cbs) { return syscall(SYS_io_submit, ctx, n, cbs); }
/* A NULL timeout becomes 5 s: an emulator that loses events must not
 * hang the run. */
static long getevents(aio_context_t ctx, long min, long n, struct io_event *ev, struct timespec *ts)
{
	struct timespec limit = {5, 0};
	return syscall(SYS_io_getevents, ctx, min, n, ev, ts ? ts : &limit);
}

static void request(struct iocb *cb, int op, int fd, void *buf, size_t n, off_t off, uint64_t data)
{
	memset(cb, 0, sizeof *cb);
	cb->aio_lio_opcode = op;
	cb->aio_fildes = fd;
	cb->aio_buf = (uintptr_t)buf;
	cb->aio_nbytes = n;
	cb->aio_offset = off;
	cb->aio_data = data;
}

static long cancel(aio_context_t ctx, struct iocb *cb)
{
	struct io_event res;
	return syscall(SYS_io_cancel, ctx, cb, &res);
}

static int wake_fd;

/* writer makes the pipe readable a little after the poll is submitted. */
static void *writer(void *arg)
{
	(void)arg;
	usleep(50000);
	write(wake_fd, "x", 1);
	return NULL;
}

static void events(const char *label, long r, struct io_event *ev)
{
	show(label, r);
	for (long i = 0; i < r; i++)
		printf("  data %llu res %lld\n", (unsigned long long)ev[i].data, (long long)ev[i].res);
}

static void poll_request(struct iocb *cb, int fd, unsigned events, uint64_t data)
{
	request(cb, IOCB_CMD_POLL, fd, NULL, 0, 0, data);
	cb->aio_buf = events;
}

/* IOCB_CMD_POLL: the event's res is the ready events among those asked
 * (and POLLERR, POLLHUP), as poll(2) reports them. */
static void polls(int file)
{
	aio_context_t ctx = 0;
	show("io_setup for polls", setup(8, &ctx));
	struct iocb p, *cbs[1] = {&p};
	struct io_event ev[8];
	struct timespec none = {0, 0};
	int pfd[2];
	pipe(pfd);

	poll_request(&p, pfd[0], POLLIN, 20);
	show("submit poll on an empty pipe", submit(ctx, 1, cbs));
	events("getevents before it is ready", getevents(ctx, 0, 8, ev, &none), ev);
	wake_fd = pfd[1];
	pthread_t th;
	pthread_create(&th, NULL, writer, NULL);
	events("getevents after a write", getevents(ctx, 1, 8, ev, NULL), ev);
	pthread_join(th, NULL);
	printf("  obj matches %d\n", ev[0].obj == (uintptr_t)&p);

	poll_request(&p, pfd[0], POLLIN | POLLOUT | POLLPRI, 21);
	show("submit poll already readable", submit(ctx, 1, cbs));
	events("getevents", getevents(ctx, 1, 8, ev, NULL), ev);
	poll_request(&p, pfd[1], POLLOUT, 22);
	show("submit poll for writing", submit(ctx, 1, cbs));
	events("getevents", getevents(ctx, 1, 8, ev, NULL), ev);

	char c;
	read(pfd[0], &c, 1);
	int efd = eventfd(0, EFD_NONBLOCK);
	poll_request(&p, pfd[0], POLLIN, 23);
	p.aio_flags = IOCB_FLAG_RESFD;
	p.aio_resfd = efd;
	show("submit poll with eventfd", submit(ctx, 1, cbs));
	uint64_t count = 0;
	show("eventfd before", read(efd, &count, 8));
	write(pfd[1], "y", 1);
	events("getevents", getevents(ctx, 1, 8, ev, NULL), ev);
	show("eventfd after", read(efd, &count, 8));
	printf("  count %llu\n", (unsigned long long)count);
	read(pfd[0], &c, 1);

	struct iocb q, *qs[1] = {&q};
	poll_request(&q, pfd[0], POLLIN, 30);
	show("submit poll to cancel", submit(ctx, 1, qs));
	show("io_cancel of a pending poll", cancel(ctx, &q));
	events("getevents after cancel", getevents(ctx, 1, 8, ev, NULL), ev);
	show("io_cancel again", cancel(ctx, &q));
	show("submit poll to cancel", submit(ctx, 1, qs));
	q.aio_key = 1;
	show("io_cancel with a bad key", cancel(ctx, &q));
	q.aio_key = 0;
	show("io_cancel bad pointer", cancel(ctx, (struct iocb *)8));
	show("io_cancel bad context", cancel(12345, &q));
	show("io_cancel of an unknown iocb", cancel(ctx, &p));
	write(pfd[1], "z", 1);
	events("getevents", getevents(ctx, 1, 8, ev, NULL), ev);
	read(pfd[0], &c, 1);

	poll_request(&p, pfd[0], 0x10000, 40);
	show("submit poll events beyond 16 bits", submit(ctx, 1, cbs));
	poll_request(&p, pfd[0], POLLIN, 41);
	p.aio_offset = 1;
	show("submit poll with an offset", submit(ctx, 1, cbs));
	poll_request(&p, pfd[0], POLLIN, 42);
	p.aio_nbytes = 1;
	show("submit poll with a length", submit(ctx, 1, cbs));
	poll_request(&p, pfd[0], POLLIN, 43);
	p.aio_rw_flags = 1;
	show("submit poll with rw flags", submit(ctx, 1, cbs));
	poll_request(&p, 999, POLLIN, 44);
	show("submit poll bad fd", submit(ctx, 1, cbs));
	poll_request(&p, file, POLLPRI, 45);
	show("submit poll of a file for POLLPRI", submit(ctx, 1, cbs));
	poll_request(&p, file, POLLIN, 46);
	show("submit poll of a file for POLLIN", submit(ctx, 1, cbs));
	events("getevents", getevents(ctx, 1, 8, ev, NULL), ev);

	poll_request(&p, pfd[0], POLLIN, 50);
	show("submit poll left pending", submit(ctx, 1, cbs));
	show("io_destroy with a poll pending", syscall(SYS_io_destroy, ctx));
	close(pfd[0]);
	close(pfd[1]);
	close(efd);
}

int main(void)
{
	char path[] = "/tmp/gemu-aio-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	unlink(path);
	aio_context_t ctx = 0;
	show("io_setup", setup(8, &ctx));
	aio_context_t again = ctx;
	show("io_setup nonzero id", setup(8, &again));
	aio_context_t zero = 0;
	show("io_setup 0 events", setup(0, &zero));
	show("io_setup bad pointer", setup(8, (aio_context_t *)8));

	struct iocb w, r, f, *cbs[3];
	struct io_event ev[8];
	char out[] = "hello, aio", in[16] = {0};
	request(&w, IOCB_CMD_PWRITE, fd, out, 10, 0, 1);
	request(&f, IOCB_CMD_FSYNC, fd, NULL, 0, 0, 2);
	cbs[0] = &w;
	cbs[1] = &f;
	show("submit write and fsync", submit(ctx, 2, cbs));
	events("getevents", getevents(ctx, 2, 8, ev, NULL), ev);
	printf("  obj matches %d\n", ev[0].obj == (uintptr_t)&w);

	int efd = eventfd(0, EFD_NONBLOCK); /* an emulator without AIO must not hang the run */
	request(&r, IOCB_CMD_PREAD, fd, in, 16, 7, 3);
	r.aio_flags = IOCB_FLAG_RESFD;
	r.aio_resfd = efd;
	cbs[0] = &r;
	show("submit read with eventfd", submit(ctx, 1, cbs));
	uint64_t count = 0;
	show("eventfd read", read(efd, &count, 8));
	printf("  count %llu\n", (unsigned long long)count);
	events("getevents", getevents(ctx, 1, 8, ev, NULL), ev);
	printf("  read %s\n", in);

	char a[4] = {0}, b[4] = {0};
	struct iovec vec[2] = {{a, 3}, {b, 3}};
	struct iocb v, wv;
	request(&v, IOCB_CMD_PREADV, fd, vec, 2, 0, 4);
	struct iovec wvec[1] = {{"XY", 2}};
	request(&wv, IOCB_CMD_PWRITEV, fd, wvec, 1, 0, 5);
	cbs[0] = &v;
	cbs[1] = &wv;
	show("submit preadv and pwritev", submit(ctx, 2, cbs));
	events("getevents", getevents(ctx, 2, 8, ev, NULL), ev);
	printf("  preadv %s %s\n", a, b);

	struct timespec none = {0, 0}, short_ = {0, 20000000};
	events("getevents nothing waiting", getevents(ctx, 0, 8, ev, &none), ev);
	events("getevents timeout", getevents(ctx, 1, 8, ev, &short_), ev);
	show("getevents min above nr", getevents(ctx, 3, 2, ev, &none));
	show("getevents bad context", getevents(12345, 0, 8, ev, &none));

	struct iocb bad;
	request(&bad, IOCB_CMD_PREAD, 999, in, 4, 0, 6);
	cbs[0] = &bad;
	show("submit bad fd", submit(ctx, 1, cbs));
	request(&bad, 77, fd, in, 4, 0, 7);
	show("submit bad opcode", submit(ctx, 1, cbs));
	request(&bad, IOCB_CMD_PREAD, fd, in, 4, 0, 8);
	bad.aio_reserved2 = 1;
	show("submit reserved set", submit(ctx, 1, cbs));
	request(&bad, IOCB_CMD_PREAD, fd, in, 4, 0, 9);
	bad.aio_flags = IOCB_FLAG_RESFD;
	bad.aio_resfd = fd;
	show("submit resfd not an eventfd", submit(ctx, 1, cbs));
	int wr = open("/dev/null", O_WRONLY);
	request(&bad, IOCB_CMD_PREAD, wr, in, 4, 0, 10);
	show("submit read of a write-only fd", submit(ctx, 1, cbs));
	show("submit negative count", submit(ctx, -1, cbs));
	show("submit bad array", submit(ctx, 1, (struct iocb **)8));
	request(&bad, IOCB_CMD_PREAD, fd, (void *)8, 4, 0, 11);
	show("submit bad buffer", submit(ctx, 1, cbs));
	events("getevents", getevents(ctx, 1, 8, ev, NULL), ev);
	struct iocb fds;
	request(&fds, IOCB_CMD_FDSYNC, fd, NULL, 0, 0, 12);
	cbs[0] = &fds;
	cbs[1] = &bad;
	bad.aio_lio_opcode = 77;
	show("submit fdsync then a bad one", submit(ctx, 2, cbs));
	events("getevents", getevents(ctx, 1, 8, ev, NULL), ev);
	struct io_event res;
	show("io_cancel of a finished request", syscall(SYS_io_cancel, ctx, &w, &res));
	show("io_destroy", syscall(SYS_io_destroy, ctx));
	show("io_destroy again", syscall(SYS_io_destroy, ctx));
	show("submit after destroy", submit(ctx, 1, cbs));
	polls(fd);
	return 0;
}
