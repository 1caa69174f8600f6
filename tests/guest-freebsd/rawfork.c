/*
 * rawfork: fork, execve of this program (its path from AT_EXECPATH),
 * wait4 and the wait statuses.
 *
 * Expected output (rawfork.expected), from FreeBSD 14's semantics:
 *  - fork (2) returns the child's pid in the parent and 0 in the child
 *    (sys/arm64/arm64/vm_machdep.c / sys/riscv/riscv/vm_machdep.c
 *    cpu_fork clear the child's x0 / a0).
 *  - The child execve(2)s AT_EXECPATH (15, the kernel's full path of the
 *    image) with argv {path, "child"}; the new image prints its line and
 *    exits 7. wait4 returns that pid with status 7 << 8 (0x700):
 *    WIFEXITED, WEXITSTATUS 7 (sys/sys/wait.h, the same encoding as Linux).
 *  - A child exec'd with "fault" loads from 0x1008 with SIGSEGV at its
 *    default action and is killed: status & 0x7f is 11 (the core bit 0x80
 *    depends on RLIMIT_CORE and is not printed).
 *  - A child that calls exit(3) without exec gives status 0x300.
 *  - The parent prints nothing between a fork and its wait4, so the
 *    lines come in this order.
 */
#include "rawsys.h"

static const char *self;
static char **env;

static long spawn(const char *arg)
{
	long pid = sys0(SYS_fork);
	if (pid == 0) {
		char *argv[] = { (char *)self, (char *)arg, 0 };
		long err = sys3(SYS_execve, self, argv, env);
		say("execve failed", err);
		sys_exit(127);
	}
	return pid;
}

static int reap(long pid)
{
	int status = -1;
	long got = sys4(SYS_wait4, pid, &status, 0, 0);
	yesno("wait4 returned the child:", got == pid);
	return status;
}

static void child(const char *mode)
{
	if (streq(mode, "fault")) {
		volatile long addr = 0x1008;
		(void)*(volatile int *)addr;
		sys_exit(1);
	}
	out("child: running with argument ");
	out(mode);
	out("\n");
	sys_exit(7);
}

void cstart(long *block)
{
	struct args a = parse_args(block);
	if (a.argc >= 2)
		child(a.argv[1]);
	self = (const char *)auxval(&a, 15, 0);
	env = a.envp;
	out("parent: fork and exec\n");
	int st = reap(spawn("child"));
	sayhex("status", st);
	yesno("WIFEXITED:", (st & 0x7f) == 0);
	say("WEXITSTATUS", (st >> 8) & 0xff);
	out("parent: fork, exec and fault\n");
	st = reap(spawn("fault"));
	yesno("WIFSIGNALED:", (st & 0x7f) != 0 && (st & 0x7f) != 0x7f);
	say("WTERMSIG", st & 0x7f);
	out("parent: fork and exit\n");
	long pid = sys0(SYS_fork);
	if (pid == 0)
		sys_exit(3);
	sayhex("status", reap(pid));
	sys_exit(0);
}
