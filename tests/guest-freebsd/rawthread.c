/*
 * rawthread: threads without libthr: thr_new, thr_self, thr_exit with
 * its state word, thr_kill, and _umtx_op waits and wakes (what Go's
 * runtime and libthr build on), on both guests.
 *
 * Expected output (rawthread.expected), from FreeBSD 14's semantics:
 *  - thr_new (sys/kern/kern_thr.c) stores the new thread's id (a long) at
 *    child_tid and parent_tid before either thread goes on, so both read
 *    the same non-zero id; the thread starts at start_func with arg in
 *    the first argument register and sp = stack_base + stack_size.
 *  - thr_self stores the caller's id; the thread's equals the stored one.
 *  - UMTX_OP_WAIT_UINT_PRIVATE sleeps while the word holds the value and
 *    returns 0 at once when it does not (kern_umtx.c do_wait); a relative
 *    timeout in a struct _umtx_time ends it with ETIMEDOUT (60).
 *  - thr_exit(&state) stores 1 in state and wakes its waiters
 *    (kern_thr.c kern_thr_exit), so UMTX_OP_WAIT on state (a long) ends;
 *    the thread is gone soon after (thread_exit runs after the wake), and
 *    then thr_kill(id, 0) finds no thread: ESRCH (3).
 */
#include "rawsys.h"

enum {
	SYS_thr_exit = 431, SYS_thr_self = 432, SYS_thr_kill = 433,
	SYS__umtx_op = 454, SYS_thr_new = 455, SYS_nanosleep = 240,
	UMTX_OP_WAIT = 2, UMTX_OP_WAKE_PRIVATE = 16, UMTX_OP_WAIT_UINT_PRIVATE = 15,
	ETIMEDOUT = 60, ESRCH = 3,
};

struct thr_param {
	void (*start_func)(void *);
	void *arg;
	char *stack_base;
	size_t stack_size;
	char *tls_base;
	size_t tls_size;
	long *child_tid;
	long *parent_tid;
	int flags;
	void *rtp;
	void *spare[3];
};

struct umtx_time {
	long sec, nsec;
	unsigned flags, clockid;
};

static char stack[65536] __attribute__((aligned(16)));
static volatile unsigned ready;
static volatile long child_tid, parent_tid, state;
static long self_in_thread;
static long arg_seen;

static void worker(void *arg)
{
	arg_seen = (long)arg;
	sys1(SYS_thr_self, &self_in_thread);
	ready = 1;
	sys3(SYS__umtx_op, &ready, UMTX_OP_WAKE_PRIVATE, 1);
	sys1(SYS_thr_exit, &state);
	for (;;)
		;
}

void cstart(long *block)
{
	(void)block;
	long me = 0;
	say("thr_self", sys1(SYS_thr_self, &me));
	yesno("own id non-zero:", me != 0);

	struct thr_param p = { worker, (void *)0x1234, stack, sizeof(stack), 0, 0,
		(long *)&child_tid, (long *)&parent_tid, 0, 0, { 0, 0, 0 } };
	state = -1;
	say("thr_new", sys2(SYS_thr_new, &p, sizeof(p)));
	yesno("child_tid == parent_tid, non-zero:", child_tid == parent_tid && child_tid != 0);
	yesno("the new thread is another:", child_tid != me);

	while (!ready)
		sys4(SYS__umtx_op, &ready, UMTX_OP_WAIT_UINT_PRIVATE, 0, 0);
	sayhex("thread saw arg", arg_seen);
	yesno("thread's thr_self == child_tid:", self_in_thread == child_tid);

	/* state is -1 until thr_exit makes it 1 (the tid in libthr; any value works). */
	while (state != 1)
		sys4(SYS__umtx_op, &state, UMTX_OP_WAIT, -1, 0);
	say("state after thr_exit", state);
	long r;
	struct { long sec, nsec; } ms = { 0, 1000 * 1000 };
	for (int i = 0; i < 5000 && (r = sys2(SYS_thr_kill, child_tid, 0)) == 0; i++)
		sys2(SYS_nanosleep, &ms, 0); /* up to 5 s for the thread to go */
	say("thr_kill(exited, 0)", r);

	unsigned word = 7;
	say("wait with another value", sys4(SYS__umtx_op, &word, UMTX_OP_WAIT_UINT_PRIVATE, 8, 0));
	struct umtx_time ut = { 0, 20 * 1000 * 1000, 0, 4 /* CLOCK_MONOTONIC */ };
	say("wait with a timeout", sys6(SYS__umtx_op, (long)&word, UMTX_OP_WAIT_UINT_PRIVATE, 7,
	    sizeof(ut), (long)&ut, 0));
	sys_exit(0);
}
