/*
 * rawbasic: write, exit, getpid, a failing openat and the start-up block.
 *
 * Expected output (rawbasic.expected), from FreeBSD 14's semantics:
 *  - write(1, ...) returns the byte count: "write returned 13".
 *  - getpid() and getppid() succeed with positive ids; kill(pid, 0) on
 *    ourselves is 0 (sys/kern/kern_sig.c kern_kill: signal 0 only checks).
 *  - openat(AT_FDCWD, "/nonexistent/gemu-rawbasic", O_RDONLY) fails with
 *    ENOENT, 2 in sys/sys/errno.h, reported as carry set / t0 != 0.
 *  - close(-1) fails with EBADF (9).
 *  - argv and envp come from the block at x0/a0; the test runs it as
 *    `rawbasic one "two words"`, so argc is 3.
 *  - auxv (sys/kern/imgact_elf.c freebsd_copyout_auxargs): AT_PAGESZ (6)
 *    4096; AT_CANARYLEN (17) 64 (kern_exec.c: canary is sizeof(long) * 8);
 *    AT_PAGESIZESLEN (21) 24 (MAXPAGESIZES 3 longs) whose first entry is
 *    4096; AT_EXECPATH (15) an absolute path; AT_NCPUS (19) at least 1;
 *    AT_ARGC (28) equal to argc; AT_OSRELDATE (18) 14xxxxx.
 *  - exit(0) ends the process with status 0.
 */
#include "rawsys.h"

static void startup(const struct args *a)
{
	say("argc", a->argc);
	for (long i = 1; i < a->argc; i++) {
		out("arg: ");
		out(a->argv[i]);
		out("\n");
	}
	say("AT_PAGESZ", auxval(a, 6, 0));
	say("AT_CANARYLEN", auxval(a, 17, 0));
	say("AT_PAGESIZESLEN", auxval(a, 21, 0));
	unsigned long *ps = (unsigned long *)auxval(a, 20, 0);
	say("pagesizes[0]", ps ? (long)ps[0] : -1);
	const char *path = (const char *)auxval(a, 15, 0);
	yesno("AT_EXECPATH absolute:", path && path[0] == '/');
	yesno("AT_NCPUS >= 1:", auxval(a, 19, 0) >= 1);
	yesno("AT_ARGC == argc:", auxval(a, 28, 0) == (unsigned long)a->argc);
	say("AT_OSRELDATE / 100000", (long)(auxval(a, 18, 0) / 100000));
}

void cstart(long *block)
{
	struct args a = parse_args(block);
	say("write returned", sys3(SYS_write, 1, "hello, bsd!\n\n", 13));
	long pid = sys0(SYS_getpid);
	yesno("getpid > 0:", pid > 0);
	yesno("getppid > 0:", sys0(SYS_getppid) > 0);
	say("kill(self, 0)", sys2(SYS_kill, pid, 0));
	say("openat missing file", sys4(SYS_openat, AT_FDCWD, "/nonexistent/gemu-rawbasic", O_RDONLY, 0));
	say("close(-1)", sys1(SYS_close, -1));
	startup(&a);
	sys_exit(0);
}
