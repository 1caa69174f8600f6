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
	sys_exit(0);
}
