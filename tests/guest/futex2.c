/* futex2: the futex2 calls (futex_wake, futex_wait, futex_waitv,
 * futex_requeue) between threads, their errors in the kernel's order, and
 * vmsplice of a buffer into a pipe.
 * usage: futex2 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

/* asm-generic numbers, the same on every guest and x86_64. */
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#ifndef SYS_futex_wake
#define SYS_futex_wake 454
#define SYS_futex_wait 455
#define SYS_futex_requeue 456
#endif

/* include/uapi/linux/futex.h */
#define FUTEX2_SIZE_U8 0x00
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_PRIVATE 128
/* 64 bits wide: riscv64 sign-extends a 32-bit argument, which the kernel
 * then refuses for a 32-bit futex (EINVAL), as natively. */
#define FUTEX_BITSET_MATCH_ANY ((uint64_t)0xffffffff)

struct waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

static uint32_t w1, w2;
static volatile int stage;

static long wake(uint32_t *w, int n) { return syscall(SYS_futex_wake, w, FUTEX_BITSET_MATCH_ANY, n, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE); }

static void *waitv_both(void *arg)
{
	(void)arg;
	struct waitv v[2] = {{0, (uintptr_t)&w1, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
			     {0, (uintptr_t)&w2, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0}};
	stage = 1;
	long r = syscall(SYS_futex_waitv, v, 2, 0, NULL, 0);
	return (void *)r;
}

static void *wait_w1(void *arg)
{
	(void)arg;
	stage = 2;
	long r = syscall(SYS_futex_wait, &w1, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, NULL, 0);
	return (void *)r;
}

/* wake_until wakes w until one waiter has been woken (the thread may not
 * wait yet). */
static long wake_until(uint32_t *w)
{
	for (int i = 0; i < 5000; i++) {
		long n = wake(w, 1);
		if (n != 0)
			return n;
		usleep(1000);
	}
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	show("futex_wake, no waiters", wake(&w1, 1));
	show("futex_wait, value differs", syscall(SYS_futex_wait, &w1, 7, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, NULL, 0));
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000)
		ts.tv_sec++, ts.tv_nsec -= 1000000000;
	show("futex_wait, absolute timeout", syscall(SYS_futex_wait, &w1, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, &ts, CLOCK_MONOTONIC));
	show("futex_wait, misaligned", syscall(SYS_futex_wait, (char *)&w1 + 1, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, NULL, 0));
	show("futex_wait, 8-bit size", syscall(SYS_futex_wait, &w1, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U8, NULL, 0));
	show("futex_wait, NULL word", syscall(SYS_futex_wait, NULL, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, NULL, 0));
	show("futex_waitv, none", syscall(SYS_futex_waitv, NULL, 0, 0, NULL, 0));
	struct waitv many[129];
	memset(many, 0, sizeof many);
	show("futex_waitv, 129", syscall(SYS_futex_waitv, many, 129, 0, NULL, 0));
	show("futex_waitv, bad array", syscall(SYS_futex_waitv, (void *)8, 1, 0, NULL, 0));
	struct waitv mism = {5, (uintptr_t)&w1, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0};
	show("futex_waitv, value differs", syscall(SYS_futex_waitv, &mism, 1, 0, NULL, 0));

	pthread_t th;
	void *res;
	pthread_create(&th, NULL, waitv_both, NULL);
	while (!stage)
		usleep(100);
	w2 = 1;
	long woke = wake_until(&w2);
	show("futex_wake w2 woke", woke);
	if (woke != 1)
		return 1; /* the waiter would never end */
	pthread_join(th, &res);
	printf("futex_waitv returned index %ld\n", (long)res);

	w1 = w2 = 0;
	pthread_create(&th, NULL, wait_w1, NULL);
	while (stage != 2)
		usleep(100);
	struct waitv rq[2] = {{0, (uintptr_t)&w1, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
			      {0, (uintptr_t)&w2, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0}};
	long moved = 0;
	for (int i = 0; i < 5000 && moved == 0; i++) {
		moved = syscall(SYS_futex_requeue, rq, 0, 0, 1);
		if (moved == 0)
			usleep(1000);
	}
	show("futex_requeue moved", moved);
	show("futex_wake w1 after the requeue", wake(&w1, 1));
	woke = wake_until(&w2);
	show("futex_wake w2", woke);
	if (woke != 1)
		return 1;
	pthread_join(th, &res);
	printf("futex_wait returned %ld\n", (long)res);
	rq[0].val = 9;
	show("futex_requeue, value differs", syscall(SYS_futex_requeue, rq, 0, 0, 1));

	int p[2];
	pipe(p);
	char msg[] = "spliced from memory";
	struct iovec iov[2] = {{msg, 8}, {msg + 8, sizeof msg - 8}};
	show("vmsplice", vmsplice(p[1], iov, 2, 0));
	char got[64] = {0};
	show("read", read(p[0], got, sizeof got));
	printf("got \"%s\"\n", got);
	int f = open("/proc/self/exe", O_RDONLY);
	show("vmsplice to a file", vmsplice(f, iov, 2, 0));
	show("vmsplice with a bad vector", vmsplice(p[1], (void *)8, 1, 0));
	show("vmsplice to a bad descriptor", vmsplice(-1, iov, 1, 0));
	return 0;
}
