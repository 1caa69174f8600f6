/*
 * rawsignal: sigaction with SA_SIGINFO, kill to self, blocking, and a
 * handler on the alternate signal stack.
 *
 * Expected output (rawsignal.expected), from FreeBSD 14's semantics:
 *  - sigaction(SIGUSR1 = 30, SA_SIGINFO) returns 0; reading it back gives
 *    sa_flags 0x40 (SA_SIGINFO, sys/sys/signal.h).
 *  - kill(getpid(), SIGUSR1): a signal a process sends itself and does not
 *    block is delivered before kill returns (sys/kern/kern_sig.c, the AST
 *    on the way back to user mode), so the handler's line comes first.
 *    The siginfo (sys/sys/signal.h struct __siginfo: si_signo, si_errno,
 *    si_code, si_pid, si_uid, ..., si_addr at offset 24) has si_signo 30,
 *    si_code SI_USER = 0x10001 (65537), si_pid our pid, si_uid our uid.
 *  - Blocked with sigprocmask(SIG_BLOCK), the signal stays pending: kill
 *    returns 0 and nothing runs; SIG_UNBLOCK delivers it before
 *    sigprocmask returns (deliveries 1 -> 2).
 *  - sigaltstack({sp, 65536, 0}) returns 0; SIGUSR2 (31) with SA_ONSTACK
 *    runs on that stack: a local's address lies inside it and
 *    sigaltstack(NULL, &cur) reports SS_ONSTACK (1) in the handler.
 *    Afterwards the flags read 0 and the size 65536; after SS_DISABLE
 *    (4) they read SS_DISABLE (kern_sig.c kern_sigaltstack).
 *  - The waits (kern_sig.c): sigqueue(self, SIGUSR1, 42) of a blocked
 *    signal returns 0 and sigtimedwait takes it: 30, si_code SI_QUEUE
 *    (65538), si_value 42, our pid. Nothing pending: a zero timeout is
 *    EAGAIN (35), an invalid tv_nsec EINVAL (22, checked after the pending
 *    signals). sigwait returns 0 and stores 31 for a pending SIGUSR2.
 *    sigsuspend with an empty mask runs the handler of the pending
 *    SIGUSR1 and fails with EINTR (4); the mask is back afterwards.
 *  - thr_kill2(pid, own tid, SIGUSR1) runs the handler before it returns
 *    (si_code SI_LWP, 65543); with id -1 and no other thread it is ESRCH
 *    (3) (kern_thr.c sys_thr_kill2).
 *  - An unknown syscall (273 is reserved) fails with ENOSYS (78) and
 *    sends SIGSYS (12, si_code SI_KERNEL 65542) to the thread (kern_sig.c
 *    nosys: kern.signosys defaults to 1); with SIGSYS ignored only ENOSYS.
 */
#include "rawsys.h"

static volatile int deliveries;
static volatile int info_ok, alt_inside, alt_flags;
static long mypid, myuid;
static char altstack[65536] __attribute__((aligned(16)));

static void on_usr1(int sig, struct bsd_siginfo *si, void *uc)
{
	(void)uc;
	deliveries++;
	say("handler: sig", sig);
	say("handler: si_signo", si->si_signo);
	say("handler: si_code", si->si_code);
	info_ok = si->si_pid == mypid && si->si_uid == (unsigned)myuid;
}

static void on_usr2(int sig, struct bsd_siginfo *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	char local;
	struct bsd_stack cur;
	alt_inside = &local >= altstack && &local < altstack + sizeof(altstack);
	sys2(SYS_sigaltstack, 0, &cur);
	alt_flags = cur.ss_flags;
}

static long handle(int sig, void *fn, int flags)
{
	struct bsd_sigaction sa = { fn, flags, { 0, 0, 0, 0 } };
	return sys3(SYS_sigaction, sig, &sa, 0);
}

static void blocked(void)
{
	unsigned set[4] = { 1u << (SIGUSR1 - 1), 0, 0, 0 };
	say("sigprocmask block", sys3(SYS_sigprocmask, SIG_BLOCK, set, 0));
	say("kill while blocked", sys2(SYS_kill, mypid, SIGUSR1));
	say("deliveries while blocked", deliveries);
	say("sigprocmask unblock", sys3(SYS_sigprocmask, SIG_UNBLOCK, set, 0));
	say("deliveries after unblock", deliveries);
}

static void altstack_test(void)
{
	struct bsd_stack ss = { altstack, sizeof(altstack), 0 }, cur;
	say("sigaltstack", sys2(SYS_sigaltstack, &ss, 0));
	say("sigaction SIGUSR2 onstack", handle(SIGUSR2, on_usr2, SA_SIGINFO | SA_ONSTACK));
	say("kill SIGUSR2", sys2(SYS_kill, mypid, SIGUSR2));
	yesno("handler ran on the alternate stack:", alt_inside);
	say("ss_flags in handler", alt_flags);
	sys2(SYS_sigaltstack, 0, &cur);
	say("ss_flags after", cur.ss_flags);
	say("ss_size after", (long)cur.ss_size);
	ss.ss_flags = SS_DISABLE;
	say("sigaltstack disable", sys2(SYS_sigaltstack, &ss, 0));
	sys2(SYS_sigaltstack, 0, &cur);
	say("ss_flags disabled", cur.ss_flags);
}

enum {
	SYS_thr_self = 432, SYS_sigsuspend = 341, SYS_sigtimedwait = 345,
	SYS_sigwait = 429, SYS_sigqueue = 456, SYS_thr_kill2 = 481,
	SIGSYS = 12, SIG_SETMASK = 3,
};

static volatile int last_code, sigsys_count;

static void on_any(int sig, struct bsd_siginfo *si, void *uc)
{
	(void)uc;
	if (sig == SIGSYS)
		sigsys_count++;
	last_code = si->si_code;
}

static void waits(void)
{
	unsigned set[4] = { 1u << (SIGUSR1 - 1), 0, 0, 0 }, none[4] = { 0 };
	struct bsd_siginfo si;
	long zero[2] = { 0, 0 }, bad[2] = { 0, 1000000000 };
	sys3(SYS_sigprocmask, SIG_BLOCK, set, 0);
	say("sigqueue blocked", sys3(SYS_sigqueue, mypid, SIGUSR1, 42));
	say("sigtimedwait", sys3(SYS_sigtimedwait, set, &si, zero));
	say("si_code", si.si_code);
	say("si_value", si.si_value);
	yesno("si_pid is ours:", si.si_pid == mypid);
	say("sigtimedwait nothing", sys3(SYS_sigtimedwait, set, &si, zero));
	say("sigtimedwait bad timeout", sys3(SYS_sigtimedwait, set, &si, bad));
	unsigned set2[4] = { 1u << (SIGUSR2 - 1), 0, 0, 0 };
	int got = 0;
	sys3(SYS_sigprocmask, SIG_BLOCK, set2, 0);
	sys2(SYS_kill, mypid, SIGUSR2);
	say("sigwait", sys2(SYS_sigwait, set2, &got));
	say("sigwait got", got);
	sys2(SYS_kill, mypid, SIGUSR1);
	say("deliveries before sigsuspend", deliveries);
	say("sigsuspend", sys1(SYS_sigsuspend, none));
	say("deliveries after sigsuspend", deliveries);
	unsigned cur[4];
	sys3(SYS_sigprocmask, SIG_BLOCK, none, cur);
	yesno("SIGUSR1 blocked again:", cur[0] == (set[0] | set2[0]));
	sys3(SYS_sigprocmask, SIG_SETMASK, none, 0);
}

static void threads_and_nosys(void)
{
	long tid = 0;
	sys1(SYS_thr_self, &tid);
	handle(SIGUSR1, on_any, SA_SIGINFO);
	say("thr_kill2 self", sys3(SYS_thr_kill2, mypid, tid, SIGUSR1));
	say("handler si_code", last_code);
	say("thr_kill2 others", sys3(SYS_thr_kill2, mypid, -1, SIGUSR1));
	handle(SIGSYS, on_any, SA_SIGINFO);
	say("syscall 273", sys0(273));
	say("SIGSYS deliveries", sigsys_count);
	say("SIGSYS si_code", last_code);
	handle(SIGSYS, (void *)1, 0);
	say("syscall 273 ignored", sys0(273));
	say("SIGSYS deliveries", sigsys_count);
}

void cstart(long *block)
{
	(void)block;
	mypid = sys0(SYS_getpid);
	myuid = sys0(SYS_getuid);
	say("sigaction SIGUSR1", handle(SIGUSR1, on_usr1, SA_SIGINFO));
	struct bsd_sigaction old;
	sys3(SYS_sigaction, SIGUSR1, 0, &old);
	sayhex("sa_flags read back", old.flags);
	say("kill SIGUSR1", sys2(SYS_kill, mypid, SIGUSR1));
	yesno("si_pid and si_uid are ours:", info_ok);
	say("deliveries", deliveries);
	blocked();
	altstack_test();
	waits();
	threads_and_nosys();
	sys_exit(0);
}
