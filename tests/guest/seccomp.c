/* seccomp: strict mode and filters as the kernel runs them: the checker's
 * refusals and the error order of seccomp(2), every action (ERRNO with its
 * cap, TRAP's SIGSYS siginfo, KILL_THREAD and KILL_PROCESS, TRACE and
 * USER_NOTIF without a tracer or listener, LOG, unknown actions), the
 * lowest action winning across filters, 64-bit arguments and the arch
 * word, TSYNC, the path limit, inheritance by threads, fork and execve,
 * and PR_GET/SET_SECCOMP. Children do the filtering; the parent prints
 * how they ended. Output is the same on every architecture. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define ARCH AUDIT_ARCH_RISCV64
#endif

#define NR offsetof(struct seccomp_data, nr)
#define ARG(i) offsetof(struct seccomp_data, args[i])
#define LD(k) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (k))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define IS(v) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (v), 0, 1)

static long sc(unsigned op, unsigned flags, void *args)
{
	return syscall(__NR_seccomp, op, flags, args);
}

static long install(struct sock_filter *f, unsigned short n, unsigned flags)
{
	struct sock_fprog p = {n, f};
	return sc(SECCOMP_SET_MODE_FILTER, flags, &p);
}

/* only: a filter giving ret for syscall nr and allowing the rest. */
static long only(int nr, unsigned ret, unsigned flags)
{
	struct sock_filter f[] = {LD(NR), IS(nr), RET(ret), RET(SECCOMP_RET_ALLOW)};
	return install(f, 4, flags);
}

/* ended prints how child pid ended. */
static void ended(const char *label, pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid) {
		printf("%s: waitpid failed\n", label);
		return;
	}
	if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", label, sigabbrev_np(WTERMSIG(st)));
	else
		printf("%s: exit %d\n", label, WEXITSTATUS(st));
	fflush(stdout);
}

/* child runs fn in a child without core dumps and prints how it ended. */
static void child(const char *label, void (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit no = {0, 0};
		setrlimit(RLIMIT_CORE, &no);
		fn();
		fflush(stdout);
		_exit(0);
	}
	ended(label, pid);
}

/* status prints the Seccomp lines of /proc/self/status. */
static void status(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "Seccomp", 7) == 0)
			fputs(line, stdout);
	if (f)
		fclose(f);
}

static void errors(void)
{
	unsigned act;
	static const unsigned acts[] = {SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP,
		SECCOMP_RET_ERRNO, SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW,
		0x00010000, SECCOMP_RET_ERRNO | 5};
	for (unsigned i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		char label[64];
		act = acts[i];
		snprintf(label, sizeof(label), "action avail %#x", act);
		show(label, sc(SECCOMP_GET_ACTION_AVAIL, 0, &act));
	}
	show("action avail flags", sc(SECCOMP_GET_ACTION_AVAIL, 1, &act));
	show("action avail bad pointer", sc(SECCOMP_GET_ACTION_AVAIL, 0, (void *)8));
	struct seccomp_notif_sizes sz;
	show("notif sizes", sc(SECCOMP_GET_NOTIF_SIZES, 0, &sz));
	printf("sizes %u %u %u\n", sz.seccomp_notif, sz.seccomp_notif_resp, sz.seccomp_data);
	show("notif sizes flags", sc(SECCOMP_GET_NOTIF_SIZES, 2, &sz));
	show("notif sizes bad pointer", sc(SECCOMP_GET_NOTIF_SIZES, 0, (void *)8));
	show("bad op", sc(9, 0, NULL));
	show("strict with flags", sc(SECCOMP_SET_MODE_STRICT, 1, NULL));
	show("strict with args", sc(SECCOMP_SET_MODE_STRICT, 0, &act));
	show("prctl bad mode", prctl(PR_SET_SECCOMP, 7, 0, 0, 0));
	show("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));

	struct sock_filter ok[] = {RET(SECCOMP_RET_ALLOW)};
	struct sock_fprog p = {1, ok};
	show("unknown flag", sc(SECCOMP_SET_MODE_FILTER, 1 << 12, (void *)8));
	show("tsync and listener", sc(SECCOMP_SET_MODE_FILTER,
		SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER, (void *)8));
	show("wait killable alone", sc(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, (void *)8));
	show("fprog bad pointer", sc(SECCOMP_SET_MODE_FILTER, 0, (void *)8));
	p.len = 0;
	show("len 0", sc(SECCOMP_SET_MODE_FILTER, 0, &p));
	p.len = 4097;
	show("len 4097", sc(SECCOMP_SET_MODE_FILTER, 0, &p));
	p.len = 1;
	p.filter = NULL;
	show("NULL program", sc(SECCOMP_SET_MODE_FILTER, 0, &p));
	p.filter = (void *)8;
	show("program bad pointer", sc(SECCOMP_SET_MODE_FILTER, 0, &p));

	struct {
		const char *what;
		struct sock_filter f[4];
		unsigned short n;
	} bad[] = {
		{"no final RET", {LD(NR)}, 1},
		{"jump past the end", {LD(NR), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 0), RET(0)}, 3},
		{"JA past the end", {BPF_STMT(BPF_JMP | BPF_JA, 1), RET(0)}, 2},
		{"load past seccomp_data", {LD(64), RET(0)}, 2},
		{"unaligned load", {LD(2), RET(0)}, 2},
		{"byte load", {BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), RET(0)}, 2},
		{"MOD", {BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), RET(0)}, 2},
		{"DIV by constant 0", {BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), RET(0)}, 2},
		{"shift by 32", {BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), RET(0)}, 2},
		{"scratch read before write", {BPF_STMT(BPF_LD | BPF_MEM, 3), RET(0)}, 2},
		{"scratch word 16", {BPF_STMT(BPF_ST, 16), RET(0)}, 2},
		{"scratch written on one path", {LD(NR), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
			BPF_STMT(BPF_ST, 2), BPF_STMT(BPF_LD | BPF_MEM, 2)}, 4},
		{"unknown opcode", {BPF_STMT(0x07 | 0x30, 0), RET(0)}, 2},
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		show(bad[i].what, install(bad[i].f, bad[i].n, 0));
	show("PR_GET_SECCOMP after refusals", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	status();
}

/* no_privilege: without CAP_SYS_ADMIN and no_new_privs, EACCES (after
 * the length check); with no_new_privs the same filter goes on. */
static void no_privilege(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	syscall(__NR_capget, &h, d);
	d[0].effective &= ~(1u << CAP_SYS_ADMIN);
	show("capset", syscall(__NR_capset, &h, d));
	struct sock_filter ok[] = {RET(SECCOMP_RET_ALLOW)};
	struct sock_fprog p = {0, ok};
	show("len 0 unprivileged", sc(SECCOMP_SET_MODE_FILTER, 0, &p));
	p.len = 1;
	show("unprivileged", sc(SECCOMP_SET_MODE_FILTER, 0, &p));
	show("no_new_privs", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	show("with no_new_privs", sc(SECCOMP_SET_MODE_FILTER, 0, &p));
}

static void errno_action(void)
{
	show("filter getppid EPERM", only(__NR_getppid, SECCOMP_RET_ERRNO | EPERM, 0));
	show("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	show("getppid", syscall(__NR_getppid));
	show("filter getpgid errno 0xffff", only(__NR_getpgid, SECCOMP_RET_ERRNO | 0xffff, 0));
	errno = 0;
	long r = syscall(__NR_getpgid, 0);
	printf("getpgid: %ld errno %d\n", r, errno);
	show("filter dup errno 0", only(__NR_dup, SECCOMP_RET_ERRNO | 0, 0));
	show("dup(0) skipped", syscall(__NR_dup, 0));
	show("strict over a filter", sc(SECCOMP_SET_MODE_STRICT, 0, NULL));
	show("prctl strict over a filter", prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0));
}

/* arguments: 64-bit arguments in two words, the arch word. */
static void arguments(void)
{
	struct sock_filter f[] = {
		LD(offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
		RET(SECCOMP_RET_KILL_PROCESS),
		LD(NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_lseek, 0, 4),
		LD(ARG(1) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2),
		LD(ARG(1)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		RET(SECCOMP_RET_ERRNO | 42),
	};
	show("arch and argument filter", install(f, sizeof(f) / sizeof(f[0]), 0));
	show("lseek 1<<32|5", syscall(__NR_lseek, 0, (1L << 32) | 5, SEEK_SET));
	show("lseek 5", syscall(__NR_lseek, 99, 5L, SEEK_SET));
	show("lseek 1<<32", syscall(__NR_lseek, 99, 1L << 32, SEEK_SET));
	/* ALU and scratch memory: A = nr * 3 + 7, kept and compared. */
	struct sock_filter g[] = {
		LD(NR),
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 3),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 7),
		BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_LDX | BPF_IMM, __NR_getsid * 3 + 7),
		BPF_STMT(BPF_LD | BPF_MEM, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1),
		RET(SECCOMP_RET_ERRNO | 43),
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sizeof(struct seccomp_data), 1, 0),
		RET(SECCOMP_RET_KILL_PROCESS),
		RET(SECCOMP_RET_ALLOW),
	};
	show("arithmetic filter", install(g, sizeof(g) / sizeof(g[0]), 0));
	show("getsid", syscall(__NR_getsid, 0));
	show("still allowed", syscall(__NR_getppid) > 0);
}

static volatile int trapped;
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	printf("SIGSYS %d code %d errno %d syscall ok %d arch ok %d\n", sig == SIGSYS, si->si_code, si->si_errno,
		si->si_syscall == __NR_getppid, si->si_arch == ARCH);
	trapped++;
}

static void trap_action(void)
{
	struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
	sigaction(SIGSYS, &sa, NULL);
	show("filter getppid TRAP", only(__NR_getppid, SECCOMP_RET_TRAP | 0x1234, 0));
	syscall(__NR_getppid);
	printf("trapped %d\n", trapped);
}

static void trap_blocked(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGSYS);
	sigprocmask(SIG_BLOCK, &s, NULL);
	only(__NR_getppid, SECCOMP_RET_TRAP, 0);
	syscall(__NR_getppid);
	printf("not reached\n");
}

static void kill_process(void)
{
	only(__NR_getppid, SECCOMP_RET_KILL_PROCESS, 0);
	syscall(__NR_getppid);
	printf("not reached\n");
}

static void kill_thread_alone(void)
{
	only(__NR_getppid, SECCOMP_RET_KILL_THREAD, 0);
	syscall(__NR_getppid);
	printf("not reached\n");
}

static void unknown_action(void)
{
	only(__NR_getppid, 0x00010000, 0);
	syscall(__NR_getppid);
	printf("not reached\n");
}

static void *doomed(void *arg)
{
	(void)arg;
	only(__NR_getppid, SECCOMP_RET_KILL_THREAD, 0);
	syscall(__NR_getppid);
	printf("not reached\n");
	return NULL;
}

/* kill_thread: only the filtered thread dies; the others go on. */
static void kill_thread(void)
{
	pthread_t th;
	pthread_create(&th, NULL, doomed, NULL);
	pthread_join(th, NULL);
	printf("main thread goes on, getppid allowed %d\n", syscall(__NR_getppid) > 0);
	fflush(stdout);
	exit(3);
}

static void others(void)
{
	show("filter TRACE", only(__NR_getppid, SECCOMP_RET_TRACE | 1, 0));
	show("getppid traced without tracer", syscall(__NR_getppid));
	show("filter USER_NOTIF", only(__NR_getpgid, SECCOMP_RET_USER_NOTIF, 0));
	show("getpgid without listener", syscall(__NR_getpgid, 0) >= 0 ? 0 : -1);
	show("filter LOG", only(__NR_getsid, SECCOMP_RET_LOG, SECCOMP_FILTER_FLAG_LOG));
	show("getsid logged", syscall(__NR_getsid, 0) > 0);
	/* Two ERRNO filters: the newest wins a tie; TRAP beats ERRNO. */
	only(__NR_umask, SECCOMP_RET_ERRNO | 1, 0);
	only(__NR_umask, SECCOMP_RET_ERRNO | 2, 0);
	show("umask, newest ERRNO", syscall(__NR_umask, 022));
	only(__NR_umask, SECCOMP_RET_ALLOW, 0);
	show("umask, ALLOW loses", syscall(__NR_umask, 022));
	show("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	status();
}

static void strict_exit(void)
{
	show("PR_SET_SECCOMP strict", prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0));
	fflush(stdout);
	static const char msg[] = "write works in strict mode\n";
	syscall(__NR_write, 1, msg, sizeof(msg) - 1);
	syscall(__NR_exit, 4);
}

static void strict_killed(void)
{
	show("seccomp strict", sc(SECCOMP_SET_MODE_STRICT, 0, NULL));
	fflush(stdout);
	syscall(__NR_getppid);
	static const char msg[] = "not reached\n";
	syscall(__NR_write, 1, msg, sizeof(msg) - 1);
}

static void strict_exit_group(void)
{
	prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0);
	syscall(__NR_exit_group, 0);
}

/* path_limit: 4096-instruction filters until the path passes 32768. */
static void path_limit(void)
{
	static struct sock_filter big[4096];
	for (int i = 0; i < 4095; i++)
		big[i] = (struct sock_filter)LD(NR);
	big[4095] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
	int n = 0;
	long r;
	while ((r = install(big, 4096, 0)) == 0)
		n++;
	printf("attached %d\n", n);
	show("the next", r);
	struct sock_filter small[] = {RET(SECCOMP_RET_ALLOW)};
	show("a small one still fits", install(small, 1, 0));
}

static void forked(void)
{
	only(__NR_getppid, SECCOMP_RET_ERRNO | EACCES, 0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		show("fork child getppid", syscall(__NR_getppid));
		show("fork child PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
		fflush(stdout);
		_exit(0);
	}
	ended("fork child", pid);
}

static char *self;
static void execd(void)
{
	only(__NR_getppid, SECCOMP_RET_ERRNO | EXDEV, 0);
	fflush(stdout);
	execl(self, self, "after-exec", (char *)NULL);
	show("execl", -1);
}

static void after_exec(void)
{
	show("after exec getppid", syscall(__NR_getppid));
	show("after exec PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	exit(0);
}

static pthread_barrier_t bar, done;
static volatile int ready_tid;
static void *bystander(void *arg)
{
	long own = (long)arg;
	if (own)
		only(__NR_getpgid, SECCOMP_RET_ERRNO | 1, 0);
	ready_tid = gettid();
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&done);
	show(own ? "own-filter thread getppid" : "synced thread getppid", syscall(__NR_getppid));
	return NULL;
}

/* tsync: a thread without filters is synced; one with a filter of its
 * own is named by TSYNC (or ESRCH with TSYNC_ESRCH). */
static void tsync(void)
{
	pthread_t th;
	pthread_barrier_init(&bar, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	pthread_create(&th, NULL, bystander, (void *)0);
	pthread_barrier_wait(&bar);
	show("TSYNC", only(__NR_getppid, SECCOMP_RET_ERRNO | ENOTTY, SECCOMP_FILTER_FLAG_TSYNC));
	pthread_barrier_wait(&done);
	pthread_join(th, NULL);

	pthread_create(&th, NULL, bystander, (void *)1);
	pthread_barrier_wait(&bar);
	long r = only(__NR_getppid, SECCOMP_RET_ERRNO | EROFS, SECCOMP_FILTER_FLAG_TSYNC);
	printf("TSYNC names the other thread %d\n", r == ready_tid);
	show("TSYNC_ESRCH", only(__NR_getppid, SECCOMP_RET_ERRNO | EROFS,
		SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH));
	show("main getppid", syscall(__NR_getppid));
	pthread_barrier_wait(&done);
	pthread_join(th, NULL);
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "after-exec") == 0)
		after_exec();
	setvbuf(stdout, NULL, _IOLBF, 0);
	errors();
	child("no privilege", no_privilege);
	child("errno", errno_action);
	child("arguments", arguments);
	child("trap", trap_action);
	child("trap blocked", trap_blocked);
	child("kill process", kill_process);
	child("kill thread alone", kill_thread_alone);
	child("unknown action", unknown_action);
	child("kill thread", kill_thread);
	child("others", others);
	child("strict exit", strict_exit);
	child("strict killed", strict_killed);
	child("strict exit_group", strict_exit_group);
	child("path limit", path_limit);
	child("fork", forked);
	child("exec", execd);
	child("tsync", tsync);
	return 0;
}
