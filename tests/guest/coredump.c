/* coredump: how a parent sees a child killed by a signal that dumps core
 * (signal(7), core(5)), against the kernel's rules: WCOREDUMP in wait4's
 * status, CLD_DUMPED in waitid's and SIGCHLD's si_code, and the core file
 * (named by core_pattern) only when RLIMIT_CORE allows one (fs/coredump.c:
 * not below a page, not with PR_SET_DUMPABLE 0), for faults, abort, a kill
 * from the parent, a crashing thread and a vfork child; SIGKILL and SIGTERM
 * never dump. Runs in an empty working directory.
 * usage: coredump */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* SIGCHLD stays blocked; its siginfo is taken with sigtimedwait after
 * the wait (under an emulator it may come a moment after the wait). */
static sigset_t chld;

static const char *cld(int code)
{
	switch (code) {
	case CLD_EXITED:
		return "CLD_EXITED";
	case CLD_KILLED:
		return "CLD_KILLED";
	case CLD_DUMPED:
		return "CLD_DUMPED";
	}
	return "other";
}

static char pattern[256];
static int uses_pid;

/* The core file a file core_pattern names for pid: only the plain
 * patterns are known here ("core", "core.%p", with core_uses_pid). */
static int core_name(pid_t pid, char *out, size_t n)
{
	if (pattern[0] == '|' || strchr(pattern, '/'))
		return -1;
	if (!strcmp(pattern, "core.%p") || (!strcmp(pattern, "core") && uses_pid))
		snprintf(out, n, "core.%d", pid);
	else if (!strcmp(pattern, "core"))
		snprintf(out, n, "core");
	else
		return -1;
	return 0;
}

static void report(pid_t pid, int status, int threads)
{
	printf("  signaled %d sig %d core bit %d\n", WIFSIGNALED(status), WIFSIGNALED(status) ? WTERMSIG(status) : 0,
	       WIFSIGNALED(status) ? WCOREDUMP(status) != 0 : 0);
	siginfo_t si;
	struct timespec ts = {5, 0};
	if (sigtimedwait(&chld, &si, &ts) < 0)
		printf("  SIGCHLD none\n");
	else if (threads)
		/* The group leader's exit code, taken while or after the
		 * dumping thread dumps (kernel/exit.c): racy. */
		printf("  SIGCHLD pid %d status %d\n", si.si_pid == pid, si.si_status);
	else
		printf("  SIGCHLD %s pid %d status %d\n", cld(si.si_code), si.si_pid == pid, si.si_status);
	char name[64];
	if (core_name(pid, name, sizeof(name)) < 0) {
		printf("  core file: pattern not checked\n");
		return;
	}
	int fd = open(name, O_RDONLY);
	if (fd < 0) {
		printf("  core file: none\n");
		return;
	}
	unsigned char h[18] = {0};
	read(fd, h, sizeof(h));
	close(fd);
	printf("  core file: ELF %d, ET_CORE %d\n", !memcmp(h, "\177ELF", 4), h[16] == 4 && h[17] == 0);
	unlink(name);
}

/* A bad address the compiler does not see through. */
static volatile int *volatile bad = (int *)16;

static void *crash_thread(void *arg)
{
	(void)arg;
	*bad = 1;
	return NULL;
}

/* run forks a child that sets RLIMIT_CORE to limit and dies as how says;
 * the parent reports wait4's view, or waitid's with use_waitid. */
static void run(const char *label, rlim_t limit, const char *how, int use_waitid)
{
	printf("%s\n", label);
	fflush(stdout);
	int ready[2];
	pipe(ready);
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		struct rlimit rl = {limit, RLIM_INFINITY};
		setrlimit(RLIMIT_CORE, &rl);
		if (!strcmp(how, "segv")) {
			*bad = 1;
		} else if (!strcmp(how, "abort")) {
			abort();
		} else if (!strcmp(how, "nodump")) {
			prctl(PR_SET_DUMPABLE, 0);
			*bad = 1;
		} else if (!strcmp(how, "thread")) {
			pthread_t t;
			pthread_create(&t, NULL, crash_thread, NULL);
			pthread_join(t, NULL);
		} else if (!strcmp(how, "ill")) {
#if defined(__x86_64__)
			__asm__ volatile("ud2");
#elif defined(__aarch64__)
			__asm__ volatile(".inst 0x00000000");
#else
			__asm__ volatile(".insn 0x00000000");
#endif
		} else {
			write(ready[1], "r", 1); /* running: its signals are its own */
			pause();
		}
		_exit(0);
	}
	close(ready[1]);
	if (!strcmp(how, "quit") || !strcmp(how, "kill") || !strcmp(how, "term")) {
		char c;
		read(ready[0], &c, 1);
		kill(pid, !strcmp(how, "quit") ? SIGQUIT : !strcmp(how, "kill") ? SIGKILL : SIGTERM);
	}
	close(ready[0]);
	int status = 0;
	if (use_waitid) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		waitid(P_PID, pid, &si, WEXITED);
		printf("  waitid %s status %d\n", cld(si.si_code), si.si_status);
		status = si.si_code == CLD_DUMPED ? (si.si_status | 0x80) : si.si_status;
	} else {
		waitpid(pid, &status, 0);
	}
	report(pid, status, !strcmp(how, "thread"));
}

/* A vfork child that dies by a signal before it execs. */
static void run_vfork(void)
{
	printf("vfork child, SIGSEGV, limit unlimited\n");
	fflush(stdout);
	struct rlimit old, rl = {RLIM_INFINITY, RLIM_INFINITY};
	getrlimit(RLIMIT_CORE, &old);
	setrlimit(RLIMIT_CORE, &rl);
	pid_t pid = vfork();
	if (pid == 0) {
		kill(getpid(), SIGSEGV);
		_exit(0);
	}
	setrlimit(RLIMIT_CORE, &old);
	int status;
	waitpid(pid, &status, 0);
	report(pid, status, 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	FILE *f = fopen("/proc/sys/kernel/core_pattern", "r");
	if (f) {
		if (fgets(pattern, sizeof(pattern), f))
			pattern[strcspn(pattern, "\n")] = 0;
		fclose(f);
	}
	f = fopen("/proc/sys/kernel/core_uses_pid", "r");
	if (f) {
		uses_pid = fgetc(f) == '1';
		fclose(f);
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);

	run("SIGSEGV, limit 0", 0, "segv", 0);
	run("SIGSEGV, limit unlimited", RLIM_INFINITY, "segv", 0);
	run("SIGSEGV, limit 1000 (under a page)", 1000, "segv", 0);
	run("abort, limit unlimited", RLIM_INFINITY, "abort", 0);
	run("abort, limit unlimited, waitid", RLIM_INFINITY, "abort", 1);
	run("abort, limit 0, waitid", 0, "abort", 1);
	run("SIGILL, limit unlimited", RLIM_INFINITY, "ill", 0);
	run("SIGSEGV after PR_SET_DUMPABLE 0", RLIM_INFINITY, "nodump", 0);
	run("SIGSEGV in a second thread", RLIM_INFINITY, "thread", 0);
	run("SIGQUIT from the parent", RLIM_INFINITY, "quit", 0);
	run("SIGKILL from the parent", RLIM_INFINITY, "kill", 0);
	run("SIGTERM from the parent", RLIM_INFINITY, "term", 0);
	run_vfork();
	return 0;
}
