/* errproc: the documented error returns of the process families
 * (signals: rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigpending,
 * rt_sigtimedwait, rt_sigqueueinfo, kill/tgkill/tkill; processes: wait4,
 * waitid, execve, clone/clone3, futex, robust lists, set_tid_address;
 * identity and limits: getrlimit/setrlimit/prlimit64, getgroups,
 * getresuid, setpgid/getpgid/getsid, uname, sysinfo, getrandom, prctl,
 * sched_*affinity, sched_* and priorities, capget, pidfd_*), each in
 * the order the kernel checks its arguments: rows pass two bad
 * arguments at once to show which errno wins. Pids are never printed.
 * usage: errproc (run as root; the cwd is writable) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

#define BAD ((void *)-1)

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
#ifndef GRND_INSECURE
#define GRND_INSECURE 4
#endif
#define NOPID 0x3ffffff0 /* above PID_MAX_LIMIT: never a process */

static char *none;

/* Raw rt_sigaction's struct: handler, flags, restorer, mask (8 bytes). */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

static void on_usr(int s) { (void)s; }

static void sigactions(void)
{
	struct ksigaction ka = {.handler = SIG_IGN}, old;
	uint64_t set = 0, oset;
	show("rt_sigaction SIGKILL", syscall(SYS_rt_sigaction, SIGKILL, &ka, NULL, 8));
	show("rt_sigaction SIGSTOP", syscall(SYS_rt_sigaction, SIGSTOP, &ka, NULL, 8));
	show("rt_sigaction SIGKILL query", syscall(SYS_rt_sigaction, SIGKILL, NULL, &old, 8));
	show("rt_sigaction signal 0", syscall(SYS_rt_sigaction, 0, &ka, NULL, 8));
	show("rt_sigaction signal 65", syscall(SYS_rt_sigaction, 65, &ka, NULL, 8));
	show("rt_sigaction signal -1", syscall(SYS_rt_sigaction, -1, NULL, &old, 8));
	show("rt_sigaction sigsetsize 4", syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 4));
	show("rt_sigaction sigsetsize 4, signal 0", syscall(SYS_rt_sigaction, 0, &ka, NULL, 4));
	show("rt_sigaction bad act", syscall(SYS_rt_sigaction, SIGUSR1, BAD, NULL, 8));
	show("rt_sigaction bad act, SIGKILL", syscall(SYS_rt_sigaction, SIGKILL, BAD, NULL, 8));
	show("rt_sigaction bad act, signal 0", syscall(SYS_rt_sigaction, 0, BAD, NULL, 8));
	show("rt_sigaction bad oldact", syscall(SYS_rt_sigaction, SIGUSR1, NULL, BAD, 8));
	show("rt_sigaction bad oldact, SIGKILL", syscall(SYS_rt_sigaction, SIGKILL, &ka, BAD, 8));
	show("rt_sigaction PROT_NONE oldact", syscall(SYS_rt_sigaction, SIGUSR1, NULL, none, 8));
	show("rt_sigaction unknown flag", syscall(SYS_rt_sigaction, SIGUSR2, &(struct ksigaction){.handler = SIG_DFL, .flags = 0x00000200}, NULL, 8));
	syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8);
	printf("unknown flag kept %d\n", (old.flags & 0x200) != 0);
	show("rt_sigprocmask bad how", syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8));
	show("rt_sigprocmask bad how, NULL set", syscall(SYS_rt_sigprocmask, 99, NULL, &oset, 8));
	show("rt_sigprocmask sigsetsize 4", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
	show("rt_sigprocmask sigsetsize 16", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16));
	show("rt_sigprocmask bad set", syscall(SYS_rt_sigprocmask, SIG_BLOCK, BAD, NULL, 8));
	show("rt_sigprocmask bad set, bad how", syscall(SYS_rt_sigprocmask, 99, BAD, NULL, 8));
	show("rt_sigprocmask bad oldset", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, BAD, 8));
	show("rt_sigprocmask bad oldset, bad how", syscall(SYS_rt_sigprocmask, 99, &set, BAD, 8));
	show("rt_sigpending sigsetsize 16", syscall(SYS_rt_sigpending, &set, 16));
	show("rt_sigpending sigsetsize 4", syscall(SYS_rt_sigpending, &set, 4));
	show("rt_sigpending bad pointer", syscall(SYS_rt_sigpending, BAD, 8));
	show("rt_sigsuspend sigsetsize 4", syscall(SYS_rt_sigsuspend, &set, 4));
	show("rt_sigsuspend bad mask", syscall(SYS_rt_sigsuspend, BAD, 8));
	struct timespec badts = {0, -1}, zero = {0, 0};
	siginfo_t si;
	uint64_t usr1 = 1ULL << (SIGUSR1 - 1);
	show("rt_sigtimedwait sigsetsize 4", syscall(SYS_rt_sigtimedwait, &usr1, &si, &zero, 4));
	show("rt_sigtimedwait bad set", syscall(SYS_rt_sigtimedwait, BAD, &si, &zero, 8));
	show("rt_sigtimedwait bad timeout", syscall(SYS_rt_sigtimedwait, &usr1, &si, &badts, 8));
	show("rt_sigtimedwait bad timeout pointer", syscall(SYS_rt_sigtimedwait, &usr1, &si, BAD, 8));
	show("rt_sigtimedwait nothing pending", syscall(SYS_rt_sigtimedwait, &usr1, &si, &zero, 8));
	stack_t ss = {.ss_size = 1024, .ss_sp = malloc(65536)}, oss;
	show("sigaltstack too small", sigaltstack(&ss, NULL));
	ss.ss_flags = 99;
	ss.ss_size = 65536;
	show("sigaltstack bad flags", sigaltstack(&ss, NULL));
	ss.ss_flags = SS_ONSTACK;
	show("sigaltstack SS_ONSTACK", sigaltstack(&ss, NULL));
	show("sigaltstack bad pointer", sigaltstack(BAD, NULL));
	show("sigaltstack bad old pointer", sigaltstack(NULL, BAD));
	ss.ss_flags = SS_DISABLE;
	ss.ss_size = 1;
	show("sigaltstack SS_DISABLE, size 1", sigaltstack(&ss, &oss));
	ss.ss_flags = SS_AUTODISARM;
	ss.ss_size = 65536;
	show("sigaltstack SS_AUTODISARM", sigaltstack(&ss, NULL));
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
}

static void kills(void)
{
	pid_t me = getpid();
	siginfo_t si = {.si_signo = SIGUSR1, .si_code = SI_QUEUE};
	struct sigaction sa = {.sa_handler = on_usr};
	sigaction(SIGUSR1, &sa, NULL);
	show("kill signal 99", kill(me, 99));
	show("kill signal -1", kill(me, -1));
	show("kill no such pid", kill(NOPID, SIGUSR1));
	show("kill no such pid, signal 99", kill(NOPID, 99));
	show("kill no such pid, signal 0", kill(NOPID, 0));
	show("kill INT_MIN", kill(INT32_MIN, 0));
	show("kill self, signal 0", kill(me, 0));
	show("kill no such group", kill(-NOPID, 0));
	show("tgkill tgid 0", syscall(SYS_tgkill, 0, me, SIGUSR1));
	show("tgkill tid 0", syscall(SYS_tgkill, me, 0, SIGUSR1));
	show("tgkill tid -1", syscall(SYS_tgkill, me, -1, SIGUSR1));
	show("tgkill signal 99", syscall(SYS_tgkill, me, syscall(SYS_gettid), 99));
	show("tgkill signal 99, tid 0", syscall(SYS_tgkill, me, 0, 99));
	show("tgkill no such thread", syscall(SYS_tgkill, me, NOPID, SIGUSR1));
	show("tgkill wrong group", syscall(SYS_tgkill, NOPID, syscall(SYS_gettid), SIGUSR1));
	show("tgkill signal 0", syscall(SYS_tgkill, me, syscall(SYS_gettid), 0));
	show("tkill tid 0", syscall(SYS_tkill, 0, SIGUSR1));
	show("tkill no such thread", syscall(SYS_tkill, NOPID, SIGUSR1));
	show("tkill signal 99", syscall(SYS_tkill, syscall(SYS_gettid), 99));
	show("rt_sigqueueinfo SI_USER to self", syscall(SYS_rt_sigqueueinfo, me, SIGUSR1, &(siginfo_t){.si_signo = SIGUSR1, .si_code = SI_USER}));
	show("rt_sigqueueinfo bad info", syscall(SYS_rt_sigqueueinfo, me, SIGUSR1, BAD));
	show("rt_sigqueueinfo bad info, no such pid", syscall(SYS_rt_sigqueueinfo, NOPID, SIGUSR1, BAD));
	show("rt_sigqueueinfo no such pid", syscall(SYS_rt_sigqueueinfo, NOPID, SIGUSR1, &si));
	show("rt_sigqueueinfo signal 99", syscall(SYS_rt_sigqueueinfo, me, 99, &si));
	show("rt_sigqueueinfo SI_USER to init", syscall(SYS_rt_sigqueueinfo, 1, 0, &(siginfo_t){.si_code = SI_USER}));
	show("rt_sigqueueinfo SI_TKILL to init", syscall(SYS_rt_sigqueueinfo, 1, 0, &(siginfo_t){.si_code = SI_TKILL}));
	show("rt_tgsigqueueinfo no such thread", syscall(SYS_rt_tgsigqueueinfo, me, NOPID, SIGUSR1, &si));
	show("rt_tgsigqueueinfo tid 0", syscall(SYS_rt_tgsigqueueinfo, me, 0, SIGUSR1, &si));
	show("rt_tgsigqueueinfo bad info", syscall(SYS_rt_tgsigqueueinfo, me, syscall(SYS_gettid), SIGUSR1, BAD));
}

static void waits(void)
{
	int st;
	siginfo_t si;
	show("wait4 no children", wait4(-1, &st, WNOHANG, NULL));
	show("wait4 bad options", wait4(-1, &st, 0x10000000, NULL));
	show("wait4 bad options, no such pid", wait4(NOPID, &st, 0x10000000, NULL));
	show("wait4 no such pid", wait4(NOPID, &st, 0, NULL));
	show("wait4 INT_MIN", wait4(INT32_MIN, &st, 0, NULL));
	show("waitid bad idtype", waitid(99, 0, &si, WEXITED));
	show("waitid no options", waitid(P_ALL, 0, &si, 0));
	show("waitid bad options", waitid(P_ALL, 0, &si, WEXITED | 0x10000000));
	show("waitid no children", waitid(P_ALL, 0, &si, WEXITED | WNOHANG));
	show("waitid P_PID 0", waitid(P_PID, 0, &si, WEXITED));
	show("waitid P_PGID -1", waitid(P_PGID, -1, &si, WEXITED));
	show("waitid P_PIDFD bad fd", waitid(P_PIDFD, 999, &si, WEXITED));
	show("waitid P_PIDFD not a pidfd", waitid(P_PIDFD, 0, &si, WEXITED));
	pid_t c = fork();
	if (c == 0)
		_exit(3);
	show("wait4 bad status pointer", wait4(c, BAD, 0, NULL));
	c = fork();
	if (c == 0)
		_exit(4);
	show("wait4 bad rusage pointer", wait4(c, &st, 0, BAD));
	show("wait4 child reaped", wait4(c, &st, WNOHANG, NULL));
	c = fork();
	if (c == 0)
		_exit(5);
	show("waitid bad info pointer", waitid(P_PID, c, BAD, WEXITED));
	show("waitid child reaped", waitid(P_PID, c, &si, WEXITED | WNOHANG));
}

/* A script run by execveat gets the name fs/exec.c makes for it:
 * /dev/fd/N for the descriptor itself, /dev/fd/N/NAME relative to it. */
static void scriptat(void)
{
	int fd = open("script", O_CREAT | O_RDWR | O_TRUNC, 0755);
	const char *text = "#!/bin/sh\necho \"script sees \\$0 as $0\" | sed 's/[0-9][0-9]*/N/'\n";
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return;
	close(fd);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	fd = open("script", O_RDONLY);
	for (int i = 0; i < 2; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char *argv[] = {"script", NULL}, *envp[] = {"PATH=/usr/bin:/bin", NULL};
			if (i == 0)
				syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
			else
				syscall(SYS_execveat, dir, "script", argv, envp, 0);
			_exit(99);
		}
		int st;
		waitpid(pid, &st, 0);
		printf("execveat of a script (%s): exit %d\n", i == 0 ? "AT_EMPTY_PATH" : "relative", WEXITSTATUS(st));
	}
	close(fd);
	close(dir);
}

static void execs(void)
{
	char *argv[] = {"x", NULL}, *envp[] = {NULL};
	int fd = open("noexec", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (write(fd, "#!/bin/sh\n", 10) != 10)
		return;
	close(fd);
	fd = open("garbage", O_CREAT | O_RDWR | O_TRUNC, 0755);
	if (write(fd, "\x7f" "ELF garbage that is not a program", 34) != 34)
		return;
	close(fd);
	fd = open("empty", O_CREAT | O_RDWR | O_TRUNC, 0755);
	close(fd);
	fd = open("badinterp", O_CREAT | O_RDWR | O_TRUNC, 0755);
	if (write(fd, "#!/missing/interpreter\n", 23) != 23)
		return;
	close(fd);
	mkdir("adir", 0755);
	show("execve missing", execve("missing", argv, envp));
	show("execve directory", execve("adir", argv, envp));
	show("execve not executable", execve("noexec", argv, envp));
	show("execve through a file", execve("noexec/x", argv, envp));
	show("execve bad path", execve(BAD, argv, envp));
	show("execve bad argv", execve("/bin/true", BAD, envp));
	show("execve bad argv, missing", execve("missing", BAD, envp));
	show("execve bad argv element", execve("/bin/true", (char *[]){BAD, NULL}, envp));
	show("execve bad envp", execve("/bin/true", argv, BAD));
	show("execve empty file", execve("empty", argv, envp));
	show("execve bad ELF", execve("garbage", argv, envp));
	show("execve missing interpreter", execve("badinterp", argv, envp));
	show("execveat bad flags", syscall(SYS_execveat, AT_FDCWD, "missing", argv, envp, 0x1));
	show("execveat bad dirfd", syscall(SYS_execveat, 999, "x", argv, envp, 0));
	show("execveat empty path", syscall(SYS_execveat, AT_FDCWD, "", argv, envp, 0));
	fd = open("noexec", O_RDONLY);
	show("execveat AT_EMPTY_PATH, not executable", syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH));
	close(fd);
	scriptat();
}

/* cshow shows a clone that must fail; a child made by mistake leaves at once. */
static void cshow(const char *label, long r)
{
	if (r == 0)
		_exit(0);
	show(label, r);
}

static void clones(void)
{
	cshow("clone CLONE_SIGHAND without CLONE_VM", syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0));
	cshow("clone CLONE_THREAD without CLONE_SIGHAND", syscall(SYS_clone, CLONE_THREAD | CLONE_VM | SIGCHLD, 0, 0, 0, 0));
	cshow("clone CLONE_NEWNS|CLONE_FS", syscall(SYS_clone, CLONE_NEWNS | CLONE_FS | SIGCHLD, 0, 0, 0, 0));
	cshow("clone CLONE_NEWUSER|CLONE_FS", syscall(SYS_clone, CLONE_NEWUSER | CLONE_FS | SIGCHLD, 0, 0, 0, 0));
	cshow("clone CLONE_PIDFD|CLONE_DETACHED", syscall(SYS_clone, CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, 0, 0, 0, 0));
	struct clone_args ca = {.exit_signal = 99};
	cshow("clone3 exit_signal 99", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.exit_signal = SIGCHLD;
	cshow("clone3 size 8", syscall(SYS_clone3, &ca, 8));
	cshow("clone3 size 0", syscall(SYS_clone3, &ca, 0));
	cshow("clone3 NULL args", syscall(SYS_clone3, NULL, sizeof(ca)));
	struct {
		struct clone_args a;
		uint64_t more;
	} big = {{.exit_signal = SIGCHLD}, 1};
	cshow("clone3 larger struct, nonzero tail", syscall(SYS_clone3, &big, sizeof(big)));
	cshow("clone3 size past a page", syscall(SYS_clone3, &ca, 8192));
	ca.flags = CLONE_THREAD;
	cshow("clone3 CLONE_THREAD alone", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.flags = 1ULL << 40;
	cshow("clone3 unknown flag", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.flags = CLONE_DETACHED;
	cshow("clone3 CLONE_DETACHED", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.flags = 0x11;
	cshow("clone3 a CSIGNAL bit", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.flags = 0;
	ca.stack_size = 4096;
	cshow("clone3 stack size without stack", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.stack_size = 0;
	ca.set_tid_size = 1;
	cshow("clone3 set_tid_size without set_tid", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.set_tid_size = 0;
	ca.flags = CLONE_INTO_CGROUP;
	ca.cgroup = 999;
	cshow("clone3 INTO_CGROUP bad fd", syscall(SYS_clone3, &ca, sizeof(ca)));
	show("no child was made", waitpid(-1, NULL, WNOHANG));
}

static void futexes(void)
{
	static uint32_t word = 5;
	struct timespec bad = {0, -1};
	show("futex WAIT value differs", syscall(SYS_futex, &word, FUTEX_WAIT, 6, NULL, NULL, 0));
	show("futex WAIT bad address", syscall(SYS_futex, BAD, FUTEX_WAIT, 5, NULL, NULL, 0));
	show("futex WAIT unaligned", syscall(SYS_futex, (char *)&word + 1, FUTEX_WAIT, 5, NULL, NULL, 0));
	show("futex WAIT bad timeout", syscall(SYS_futex, &word, FUTEX_WAIT, 5, &bad, NULL, 0));
	show("futex WAIT bad timeout pointer", syscall(SYS_futex, &word, FUTEX_WAIT, 5, BAD, NULL, 0));
	show("futex WAIT PROT_NONE", syscall(SYS_futex, none, FUTEX_WAIT, 0, NULL, NULL, 0));
	show("futex WAKE bad address", syscall(SYS_futex, BAD, FUTEX_WAKE, 1, NULL, NULL, 0));
	show("futex WAKE nobody", syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0));
	show("futex bad op", syscall(SYS_futex, &word, 99, 0, NULL, NULL, 0));
	show("futex bad op, bad address", syscall(SYS_futex, BAD, 99, 0, NULL, NULL, 0));
	show("futex CLOCK_REALTIME with WAKE", syscall(SYS_futex, &word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));
	show("futex WAIT_BITSET bitset 0", syscall(SYS_futex, &word, FUTEX_WAIT_BITSET, 5, NULL, NULL, 0));
	show("futex WAKE_BITSET bitset 0", syscall(SYS_futex, &word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0));
	static uint32_t other = 0;
	show("futex CMP_REQUEUE value differs", syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE, 1, 1, &other, 6));
	show("futex CMP_REQUEUE negative count", syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE, -1, 1, &other, 5));
	show("futex CMP_REQUEUE same word, PI", syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE_PI, 1, 1, &word, 5));
	show("futex UNLOCK_PI not owner", syscall(SYS_futex, &word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	show("set_robust_list bad size", syscall(SYS_set_robust_list, NULL, 8));
	void *head;
	size_t len;
	show("get_robust_list no such pid", syscall(SYS_get_robust_list, NOPID, &head, &len));
	show("get_robust_list bad head pointer", syscall(SYS_get_robust_list, 0, BAD, &len));
	show("get_robust_list bad len pointer", syscall(SYS_get_robust_list, 0, &head, BAD));
}

static void limits(void)
{
	struct rlimit rl;
	show("getrlimit bad resource", getrlimit(99, &rl));
	show("getrlimit bad pointer", getrlimit(RLIMIT_NOFILE, BAD));
	show("getrlimit bad resource, bad pointer", getrlimit(99, BAD));
	getrlimit(RLIMIT_CORE, &rl);
	struct rlimit inv = {rl.rlim_max, rl.rlim_max == RLIM_INFINITY ? 5 : rl.rlim_max - 1};
	if (inv.rlim_cur <= inv.rlim_max)
		inv = (struct rlimit){10, 5};
	show("setrlimit soft above hard", setrlimit(RLIMIT_CORE, &inv));
	show("setrlimit bad resource", setrlimit(99, &rl));
	show("setrlimit bad pointer", setrlimit(RLIMIT_CORE, BAD));
	show("setrlimit bad pointer, bad resource", setrlimit(99, BAD));
	struct rlimit bad = {10 << 20, 5 << 20};
	show("setrlimit AS soft above hard", setrlimit(RLIMIT_AS, &bad));
	show("setrlimit DATA soft above hard", setrlimit(RLIMIT_DATA, &bad));
	show("setrlimit STACK soft above hard", setrlimit(RLIMIT_STACK, &bad));
	show("prlimit64 AS soft above hard", syscall(SYS_prlimit64, 0, RLIMIT_AS, &bad, NULL));
	show("prlimit64 STACK soft above hard, bad old", syscall(SYS_prlimit64, 0, RLIMIT_STACK, &bad, BAD));
	show("prlimit64 AS bad old", syscall(SYS_prlimit64, 0, RLIMIT_AS, NULL, BAD));
	struct rlimit nof = {1 << 30, 1 << 30};
	show("setrlimit NOFILE past nr_open", setrlimit(RLIMIT_NOFILE, &nof));
	show("prlimit64 no such pid", syscall(SYS_prlimit64, NOPID, RLIMIT_CORE, NULL, &rl));
	show("prlimit64 bad resource", syscall(SYS_prlimit64, 0, 99, NULL, &rl));
	show("prlimit64 bad resource, no such pid", syscall(SYS_prlimit64, NOPID, 99, NULL, &rl));
	show("prlimit64 bad new", syscall(SYS_prlimit64, 0, RLIMIT_CORE, BAD, NULL));
	show("prlimit64 bad old", syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, BAD));
	show("prlimit64 bad new, no such pid", syscall(SYS_prlimit64, NOPID, RLIMIT_CORE, BAD, NULL));
	show("prlimit64 soft above hard", syscall(SYS_prlimit64, 0, RLIMIT_CORE, &inv, NULL));
	show("prlimit64 soft above hard, bad old", syscall(SYS_prlimit64, 0, RLIMIT_CORE, &inv, BAD));
	gid_t g[1];
	show("getgroups negative", syscall(SYS_getgroups, -1, g));
	show("getgroups size 0", getgroups(0, BAD) >= 0 ? 0 : -1);
	uid_t u;
	show("getresuid bad pointer", getresuid(&u, BAD, &u));
	show("getresgid bad pointer", getresgid(BAD, &u, &u));
	show("setpgid negative", setpgid(0, -1));
	show("setpgid no such pid", setpgid(NOPID, 0));
	show("getpgid no such pid", getpgid(NOPID));
	show("getsid no such pid", getsid(NOPID));
	show("setpgid init", setpgid(1, 0));
	show("uname bad pointer", syscall(SYS_uname, BAD));
	show("sysinfo bad pointer", syscall(SYS_sysinfo, BAD));
	char buf[16];
	show("getrandom bad flags", syscall(SYS_getrandom, buf, sizeof(buf), 0x100));
	show("getrandom RANDOM|INSECURE", syscall(SYS_getrandom, buf, sizeof(buf), GRND_RANDOM | GRND_INSECURE));
	show("getrandom bad buffer", syscall(SYS_getrandom, BAD, sizeof(buf), 0));
	show("getrandom bad buffer, bad flags", syscall(SYS_getrandom, BAD, sizeof(buf), 0x100));
	show("getrandom count 0, bad buffer", syscall(SYS_getrandom, BAD, 0, 0));
}

static void prctls(void)
{
	char name[32];
	show("prctl bad option", prctl(9999, 0, 0, 0, 0));
	show("PR_SET_NAME bad pointer", prctl(PR_SET_NAME, BAD, 0, 0, 0));
	show("PR_GET_NAME bad pointer", prctl(PR_GET_NAME, BAD, 0, 0, 0));
	show("PR_SET_DUMPABLE 5", prctl(PR_SET_DUMPABLE, 5, 0, 0, 0));
	show("PR_SET_NO_NEW_PRIVS 2", prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0));
	show("PR_SET_NO_NEW_PRIVS extra args", prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
	show("PR_GET_NO_NEW_PRIVS extra args", prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
	show("PR_SET_TIMERSLACK", prctl(PR_SET_TIMERSLACK, 50000, 0, 0, 0));
	show("PR_GET_TID_ADDRESS bad pointer", prctl(PR_GET_TID_ADDRESS, BAD, 0, 0, 0));
	show("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	show("PR_GET_CHILD_SUBREAPER bad pointer", prctl(PR_GET_CHILD_SUBREAPER, BAD, 0, 0, 0));
	show("PR_SET_CHILD_SUBREAPER off", prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0));
	show("PR_CAPBSET_READ bad cap", prctl(PR_CAPBSET_READ, 999, 0, 0, 0));
	show("PR_SET_KEEPCAPS 2", prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0));
	show("PR_SET_THP_DISABLE extra args", prctl(PR_SET_THP_DISABLE, 1, 1, 0, 0));
	show("PR_GET_NAME", prctl(PR_GET_NAME, name, 0, 0, 0));
	cpu_set_t cs;
	show("sched_getaffinity size 1", syscall(SYS_sched_getaffinity, 0, 1, &cs));
	show("sched_getaffinity size 12", syscall(SYS_sched_getaffinity, 0, 12, &cs));
	show("sched_getaffinity bad mask", syscall(SYS_sched_getaffinity, 0, sizeof(cs), BAD));
	show("sched_getaffinity no such pid", syscall(SYS_sched_getaffinity, NOPID, sizeof(cs), &cs));
	show("sched_getaffinity no such pid, size 1", syscall(SYS_sched_getaffinity, NOPID, 1, &cs));
	CPU_ZERO(&cs);
	show("sched_setaffinity empty", sched_setaffinity(0, sizeof(cs), &cs));
	show("sched_setaffinity bad mask", syscall(SYS_sched_setaffinity, 0, sizeof(cs), BAD));
	show("sched_setaffinity no such pid", sched_setaffinity(NOPID, sizeof(cs), &cs));
	struct sched_param sp = {0};
	show("sched_setscheduler bad policy", sched_setscheduler(0, 99, &sp));
	show("sched_setscheduler bad param", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, BAD));
	show("sched_setscheduler FIFO priority 0", sched_setscheduler(0, SCHED_FIFO, &sp));
	show("sched_setscheduler no such pid", sched_setscheduler(NOPID, SCHED_OTHER, &sp));
	show("sched_getscheduler no such pid", sched_getscheduler(NOPID));
	show("sched_getscheduler negative", sched_getscheduler(-1));
	show("sched_getparam bad pointer", syscall(SYS_sched_getparam, 0, BAD));
	show("sched_get_priority_max bad policy", sched_get_priority_max(99));
	show("sched_rr_get_interval bad pointer", syscall(SYS_sched_rr_get_interval, 0, BAD));
	show("sched_rr_get_interval no such pid", sched_rr_get_interval(NOPID, &(struct timespec){0, 0}));
	show("getpriority bad which", getpriority(99, 0));
	show("setpriority bad which", setpriority(99, 0, 0));
	show("getpriority no such pid", getpriority(PRIO_PROCESS, NOPID));
	struct __user_cap_header_struct h = {.version = 0x12345678, .pid = 0};
	struct __user_cap_data_struct d[2];
	show("capget bad version", syscall(SYS_capget, &h, d));
	printf("version now %#x\n", h.version);
	h.version = 0x12345678;
	show("capget bad version, NULL data", syscall(SYS_capget, &h, NULL));
	show("capget bad header", syscall(SYS_capget, BAD, d));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	h.pid = NOPID;
	show("capget no such pid", syscall(SYS_capget, &h, d));
	h.pid = 0;
	show("capget bad data", syscall(SYS_capget, &h, BAD));
	show("pidfd_open bad flags", syscall(SYS_pidfd_open, getpid(), 1));
	show("pidfd_open no such pid", syscall(SYS_pidfd_open, NOPID, 0));
	show("pidfd_open pid 0", syscall(SYS_pidfd_open, 0, 0));
	show("pidfd_send_signal bad fd", syscall(SYS_pidfd_send_signal, 999, SIGUSR1, NULL, 0));
	show("pidfd_send_signal not a pidfd", syscall(SYS_pidfd_send_signal, 0, SIGUSR1, NULL, 0));
	show("pidfd_send_signal bad flags", syscall(SYS_pidfd_send_signal, 0, SIGUSR1, NULL, 99));
	show("pidfd_getfd bad flags", syscall(SYS_pidfd_getfd, 0, 0, 1));
	show("pidfd_getfd bad fd", syscall(SYS_pidfd_getfd, 999, 0, 0));
}

/* Administration calls that fail before they change anything (as root). */
static void admin(void)
{
	char longname[80];
	memset(longname, 'h', sizeof(longname));
	mkdir("mnt", 0755);
	show("sethostname length 65", sethostname(longname, 65));
	show("sethostname length -1", syscall(SYS_sethostname, longname, -1L));
	show("sethostname bad name", sethostname(BAD, 8));
	show("setdomainname length 65", setdomainname(longname, 65));
	show("setdomainname bad name", setdomainname(BAD, 8));
	show("mount bad source", mount(BAD, "mnt", "tmpfs", 0, NULL));
	show("mount bad target", mount("none", BAD, "tmpfs", 0, NULL));
	show("mount missing target", mount("none", "missing", "tmpfs", 0, NULL));
	show("mount unknown type", mount("none", "mnt", "no-such-fs", 0, NULL));
	show("mount bad type", mount("none", "mnt", BAD, 0, NULL));
	show("mount REMOUNT of no mount point", mount("none", "mnt", NULL, MS_REMOUNT, NULL));
	show("mount MOVE of no mount point", mount("mnt", "mnt", NULL, MS_MOVE, NULL));
	show("umount2 bad flags", umount2("mnt", 0x100));
	show("umount2 no mount point", umount2("mnt", 0));
	show("umount2 missing", umount2("missing", 0));
	show("umount2 EXPIRE|FORCE", umount2("mnt", MNT_EXPIRE | MNT_FORCE));
	show("umount2 bad path", umount2(BAD, 0));
	show("pivot_root missing", syscall(SYS_pivot_root, "missing", "missing"));
	show("pivot_root bad path", syscall(SYS_pivot_root, BAD, "mnt"));
	struct __user_cap_header_struct h = {.version = 0x12345678};
	struct __user_cap_data_struct d[2] = {{0, 0, 0}, {0, 0, 0}};
	show("capset bad version", syscall(SYS_capset, &h, d));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	show("capset bad data", syscall(SYS_capset, &h, BAD));
	h.pid = 1;
	show("capset another process", syscall(SYS_capset, &h, d));
	show("capset bad header", syscall(SYS_capset, BAD, d));
	gid_t g[1] = {0};
	show("setgroups size -1", syscall(SYS_setgroups, -1L, g));
	show("setgroups size 65537", syscall(SYS_setgroups, 65537, g));
	show("setgroups bad list", syscall(SYS_setgroups, 1, BAD));
	show("setuid -1", syscall(SYS_setuid, -1));
	show("setresuid all -1", syscall(SYS_setresuid, -1, -1, -1));
	show("setfsuid query", syscall(SYS_setfsuid, -1) >= 0 ? 0 : -1);
	show("ptrace PEEKDATA untraced", syscall(SYS_ptrace, PTRACE_PEEKDATA, 1, 0, 0));
	show("ptrace bad request untraced", syscall(SYS_ptrace, 9999, 1, 0, 0));
	show("ptrace ATTACH no such pid", syscall(SYS_ptrace, PTRACE_ATTACH, NOPID, 0, 0));
	show("ptrace ATTACH self", syscall(SYS_ptrace, PTRACE_ATTACH, getpid(), 0, 0));
	show("ptrace SEIZE no such pid, addr 1", syscall(SYS_ptrace, PTRACE_SEIZE, NOPID, 1, 0));
	show("ptrace GETREGSET no such pid", syscall(SYS_ptrace, PTRACE_GETREGSET, NOPID, 1, BAD));
	show("sched_setattr bad pointer", syscall(SYS_sched_setattr, 0, BAD, 0));
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t prio;
		uint64_t runtime, deadline, period;
		uint32_t umin, umax;
	} attr = {.size = 8};
	show("sched_setattr size 8", syscall(SYS_sched_setattr, 0, &attr, 0));
	printf("size now %u\n", attr.size);
	attr.size = sizeof(attr);
	show("sched_setattr flags", syscall(SYS_sched_setattr, 0, &attr, 1));
	attr.policy = 99;
	show("sched_setattr bad policy", syscall(SYS_sched_setattr, 0, &attr, 0));
	attr.policy = SCHED_OTHER;
	show("sched_setattr no such pid", syscall(SYS_sched_setattr, NOPID, &attr, 0));
	show("sched_getattr size 8", syscall(SYS_sched_getattr, 0, &attr, 8, 0));
	show("sched_getattr flags", syscall(SYS_sched_getattr, 0, &attr, sizeof(attr), 1));
	show("sched_getattr bad pointer", syscall(SYS_sched_getattr, 0, BAD, sizeof(attr), 0));
	show("sched_getattr no such pid", syscall(SYS_sched_getattr, NOPID, &attr, sizeof(attr), 0));
	show("ioprio_get bad which", syscall(SYS_ioprio_get, 99, 0));
	show("ioprio_set bad which", syscall(SYS_ioprio_set, 99, 0, 0));
	show("ioprio_set bad class", syscall(SYS_ioprio_set, 1, 0, 7 << 13));
	show("ioprio_get no such pid", syscall(SYS_ioprio_get, 1, NOPID));
	show("personality bad domain", personality(0x42) >= 0 ? 0 : -1);
	personality(PER_LINUX);
	show("getcpu bad cpu pointer", syscall(SYS_getcpu, BAD, NULL, NULL));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sigactions();
	kills();
	waits();
	execs();
	clones();
	futexes();
	limits();
	prctls();
	admin();
	return 0;
}
