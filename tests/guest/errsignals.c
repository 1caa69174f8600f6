/* errsignals: POSIX timers and signal queueing against the kernel's
 * rules: timer_create on every clock and with every sigevent kind (raw
 * system calls, not glibc's SIGEV_THREAD helper), timer ids, timer_settime's
 * errors, a timer's siginfo, the overrun count saturating at INT_MAX,
 * tgkill failing with EAGAIN at RLIMIT_SIGPENDING (in a child with a uid of
 * its own, as the kernel counts per user), SA_RESETHAND as the handler
 * sees it.
 * usage: errsignals (as root for the RLIMIT_SIGPENDING part) */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

#define BAD ((void *)-1)

#ifndef SIGEV_THREAD_ID
#define SIGEV_THREAD_ID 4
#endif

/* The kernel's struct sigevent: value, signo, notify, then the tid. */
struct ksigevent {
	union sigval value;
	int signo;
	int notify;
	int tid;
	int pad[11];
};

static long tcreate(clockid_t c, struct ksigevent *ev, int *id)
{
	return syscall(SYS_timer_create, c, ev, id);
}

static long tsettime(int id, int flags, const struct itimerspec *n, struct itimerspec *o)
{
	return syscall(SYS_timer_settime, id, flags, n, o);
}

static void clocks(void)
{
	static const struct {
		clockid_t id;
		const char *name;
	} cs[] = {
		{CLOCK_REALTIME, "REALTIME"}, {CLOCK_MONOTONIC, "MONOTONIC"},
		{CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID"}, {CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID"},
		{CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW"}, {CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
		{CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"}, {CLOCK_BOOTTIME, "BOOTTIME"},
		{CLOCK_REALTIME_ALARM, "REALTIME_ALARM"}, {CLOCK_BOOTTIME_ALARM, "BOOTTIME_ALARM"},
		{CLOCK_TAI, "TAI"}, {12, "clock 12"}, {-1, "clock -1"},
	};
	struct ksigevent ev = {.signo = SIGUSR1, .notify = SIGEV_NONE};
	for (unsigned i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		int id = -1;
		char label[64];
		snprintf(label, sizeof(label), "timer_create %s", cs[i].name);
		long r = tcreate(cs[i].id, &ev, &id);
		show(label, r);
		if (r == 0)
			syscall(SYS_timer_delete, id);
	}
	int id;
	show("timer_create bad clock, bad sigevent", tcreate(12, BAD, &id));
}

static void kinds(void)
{
	int id = -1, first;
	show("timer_create NULL sigevent", tcreate(CLOCK_REALTIME, NULL, &first));
	struct ksigevent ev = {.value.sival_int = 77, .signo = SIGUSR1, .notify = SIGEV_SIGNAL};
	show("timer_create SIGEV_SIGNAL", tcreate(CLOCK_REALTIME, &ev, &id));
	printf("ids count up %d\n", id == first + 1);
	ev.notify = SIGEV_NONE;
	show("timer_create SIGEV_NONE", tcreate(CLOCK_REALTIME, &ev, &id));
	ev.notify = SIGEV_THREAD;
	show("timer_create SIGEV_THREAD", tcreate(CLOCK_REALTIME, &ev, &id));
	ev.notify = SIGEV_THREAD_ID;
	ev.tid = gettid();
	show("timer_create SIGEV_THREAD_ID", tcreate(CLOCK_REALTIME, &ev, &id));
	ev.tid = 1;
	show("timer_create SIGEV_THREAD_ID other process", tcreate(CLOCK_REALTIME, &ev, &id));
	ev.notify = 99;
	show("timer_create notify 99", tcreate(CLOCK_REALTIME, &ev, &id));
	ev.notify = SIGEV_SIGNAL;
	ev.signo = 0;
	show("timer_create signo 0", tcreate(CLOCK_REALTIME, &ev, &id));
	ev.signo = 65;
	show("timer_create signo 65", tcreate(CLOCK_REALTIME, &ev, &id));
	ev.notify = SIGEV_NONE;
	ev.signo = 0;
	show("timer_create SIGEV_NONE signo 0", tcreate(CLOCK_REALTIME, &ev, &id));
	show("timer_create bad sigevent", tcreate(CLOCK_REALTIME, BAD, &id));
	show("timer_create bad id pointer", tcreate(CLOCK_REALTIME, &ev, BAD));
	int next = -1;
	tcreate(CLOCK_REALTIME, NULL, &next);
	printf("ids used by failed creates %d\n", next - first);
	for (int i = first; i <= next; i++)
		syscall(SYS_timer_delete, i);
	show("timer_delete deleted", syscall(SYS_timer_delete, first));
	tcreate(CLOCK_REALTIME, NULL, &id);
	printf("ids not reused %d\n", id > next);
	syscall(SYS_timer_delete, id);
}

static void settimes(void)
{
	clockid_t cs[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_BOOTTIME};
	for (unsigned i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		int id;
		struct ksigevent ev = {.signo = SIGUSR1, .notify = SIGEV_NONE};
		tcreate(cs[i], &ev, &id);
		struct itimerspec it = {{0, 0}, {100, 0}}, old;
		printf("clock %d\n", cs[i]);
		show(" settime NULL new", tsettime(id, 0, NULL, &old));
		show(" settime bad new", tsettime(id, 0, BAD, &old));
		it.it_value.tv_nsec = -1;
		show(" settime nsec -1", tsettime(id, 0, &it, NULL));
		it.it_value.tv_nsec = 1000000000;
		show(" settime nsec 1e9", tsettime(id, 0, &it, NULL));
		it.it_value.tv_nsec = 0;
		it.it_interval.tv_sec = -1;
		show(" settime interval -1 s", tsettime(id, 0, &it, NULL));
		it.it_interval.tv_sec = 0;
		show(" settime bad timer", tsettime(id + 1000, 0, &it, NULL));
		show(" settime bad old", tsettime(id, 0, &it, BAD));
		show(" settime", tsettime(id, 0, &it, &old));
		printf(" old value was the armed one %d\n", old.it_value.tv_sec >= 98 && old.it_value.tv_sec <= 100);
		show(" gettime bad pointer", syscall(SYS_timer_gettime, id, BAD));
		show(" getoverrun", syscall(SYS_timer_getoverrun, id));
		syscall(SYS_timer_delete, id);
		show(" getoverrun deleted", syscall(SYS_timer_getoverrun, id));
	}
}

/* A timer's signal taken with sigwaitinfo: SI_TIMER, the id, the value. */
static void delivery(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigprocmask(SIG_BLOCK, &m, NULL);
	int id;
	struct ksigevent ev = {.value.sival_int = 4242, .signo = SIGUSR1, .notify = SIGEV_SIGNAL};
	tcreate(CLOCK_MONOTONIC, &ev, &id);
	struct itimerspec it = {{0, 0}, {0, 1000000}};
	tsettime(id, 0, &it, NULL);
	siginfo_t si;
	show("sigwaitinfo", sigwaitinfo(&m, &si));
	printf("code SI_TIMER %d, timerid %d, value %d, overrun %d\n", si.si_code == SI_TIMER, si.si_timerid == id,
	       si.si_value.sival_int, si.si_overrun);
	syscall(SYS_timer_delete, id);

	/* Expired at 1 ns after the epoch, every nanosecond since: the overrun
	 * count saturates at INT_MAX (kernel/time/posix-timers.c). */
	tcreate(CLOCK_REALTIME, &ev, &id);
	struct itimerspec past = {{0, 1}, {0, 1}};
	show("settime absolute, 1 ns interval", tsettime(id, TIMER_ABSTIME, &past, NULL));
	show("sigwaitinfo", sigwaitinfo(&m, &si));
	printf("si_overrun INT_MAX %d\n", si.si_overrun == INT_MAX);
	printf("timer_getoverrun INT_MAX %d\n", syscall(SYS_timer_getoverrun, id) == INT_MAX);
	struct itimerspec cur;
	syscall(SYS_timer_gettime, id, &cur);
	printf("gettime interval 1 ns %d\n", cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 1);
	struct itimerspec off = {{0, 0}, {0, 0}};
	tsettime(id, 0, &off, NULL);
	syscall(SYS_timer_delete, id);
	struct timespec zero = {0, 0};
	while (sigtimedwait(&m, &si, &zero) > 0)
		;
	sigprocmask(SIG_UNBLOCK, &m, NULL);
}

/* RLIMIT_SIGPENDING counts queued signals per user: a child with a uid
 * nobody else uses (from its pid: runs of this test at the same time get
 * different ones) queues real-time signals to itself until EAGAIN. */
static void sigpending_limit(void)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		struct rlimit rl = {5, 5};
		if (setrlimit(RLIMIT_SIGPENDING, &rl) < 0 || setuid(40000 + getpid() % 20000) < 0) {
			printf("setup failed\n");
			_exit(1);
		}
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, SIGRTMIN + 1);
		sigaddset(&m, SIGUSR2);
		sigprocmask(SIG_BLOCK, &m, NULL);
		int sent = 0;
		long r = 0;
		while (sent < 20 && (r = syscall(SYS_tgkill, getpid(), gettid(), SIGRTMIN + 1)) == 0)
			sent++;
		show("tgkill past the limit", r);
		printf("real-time signals queued %d\n", sent);
		show("tgkill SIGUSR2 at the limit", syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2));
		show("kill SIGRTMIN+1 at the limit", kill(getpid(), SIGRTMIN + 1));
		union sigval v = {.sival_int = 1};
		show("sigqueue at the limit", sigqueue(getpid(), SIGRTMIN + 1, v));
		siginfo_t si;
		struct timespec zero = {0, 0};
		int got = 0;
		while (sigtimedwait(&m, &si, &zero) > 0)
			got++;
		printf("taken %d\n", got);
		show("tgkill after taking them", syscall(SYS_tgkill, getpid(), gettid(), SIGRTMIN + 1));
		struct rlimit now;
		getrlimit(RLIMIT_SIGPENDING, &now);
		printf("limit %ld/%ld\n", (long)now.rlim_cur, (long)now.rlim_max);
		fflush(stdout);
		pid_t g = fork(); /* the limit is inherited */
		if (g == 0) {
			getrlimit(RLIMIT_SIGPENDING, &now);
			printf("fork child's limit %ld/%ld\n", (long)now.rlim_cur, (long)now.rlim_max);
			_exit(0);
		}
		waitpid(g, NULL, 0);
		rl.rlim_max = 6;
		show("raise the hard limit unprivileged", setrlimit(RLIMIT_SIGPENDING, &rl));
		rl.rlim_cur = 7;
		rl.rlim_max = 5;
		show("soft above hard", setrlimit(RLIMIT_SIGPENDING, &rl));
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	printf("child exit %d\n", WEXITSTATUS(st));
}

static volatile sig_atomic_t seen_flags = -1, seen_dfl = -1, seen_code = -1;

static void oneshot(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	struct sigaction now;
	sigaction(sig, NULL, &now);
	seen_flags = now.sa_flags & (SA_SIGINFO | SA_RESETHAND | SA_NODEFER | SA_RESTART | SA_ONSTACK);
	seen_dfl = now.sa_handler == SIG_DFL;
	seen_code = si->si_code;
}

static void resethand(void)
{
	struct sigaction sa = {.sa_sigaction = oneshot, .sa_flags = SA_SIGINFO | SA_RESETHAND | SA_RESTART};
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t m, old;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigprocmask(SIG_BLOCK, &m, &old);
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("in the handler: flags %#x (SA_SIGINFO|SA_RESETHAND|SA_RESTART %#x), SIG_DFL %d, si_code SI_TKILL %d\n",
	       (int)seen_flags, SA_SIGINFO | SA_RESETHAND | SA_RESTART, (int)seen_dfl, seen_code == SI_TKILL);
	struct sigaction after;
	sigaction(SIGUSR1, NULL, &after);
	printf("after: SIG_DFL %d, SA_SIGINFO kept %d\n", after.sa_handler == SIG_DFL, (after.sa_flags & SA_SIGINFO) != 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	clocks();
	kinds();
	settimes();
	delivery();
	sigpending_limit();
	resethand();
	return 0;
}
