/*
 * rawfault: a load from an unmapped address, caught by a SIGSEGV handler
 * installed with SA_SIGINFO.
 *
 * Expected output (rawfault.expected), from FreeBSD 14's semantics:
 *  - Address 0x1008 is below every mapping of a static program (text
 *    starts at 0x10000 or higher), so the load faults. The data abort /
 *    page fault handler (sys/arm64/arm64/trap.c data_abort, sys/riscv/
 *    riscv/trap.c page_fault) calls trapsignal with SIGSEGV (11),
 *    SEGV_MAPERR (1: no mapping, KERN_INVALID_ADDRESS) and the faulting
 *    data address (FAR_EL1 / stval) as si_addr: 0x1008.
 *  - The handler prints and exits with status 0; nothing after the load
 *    runs.
 */
#include "rawsys.h"

static void on_segv(int sig, struct bsd_siginfo *si, void *uc)
{
	(void)uc;
	say("handler: sig", sig);
	say("handler: si_signo", si->si_signo);
	say("handler: si_code", si->si_code);
	sayhex("handler: si_addr", (long)si->si_addr);
	sys_exit(0);
}

void cstart(long *block)
{
	(void)block;
	struct bsd_sigaction sa = { on_segv, SA_SIGINFO, { 0, 0, 0, 0 } };
	say("sigaction SIGSEGV", sys3(SYS_sigaction, SIGSEGV, &sa, 0));
	volatile long addr = 0x1008;
	out("loading from 0x1008\n");
	say("loaded", *(volatile int *)addr);
	out("not reached\n");
	sys_exit(1);
}
