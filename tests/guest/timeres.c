/* timeres: time and resource calls with structs to convert: getrusage
 * (self and a CPU-burning child), times, sysinfo, prlimit64 and
 * getrlimit/setrlimit, clock_getres, clock_nanosleep with TIMER_ABSTIME,
 * POSIX timers (create, settime, gettime, overrun, delete) and their
 * errors. Only facts that hold on any host are printed.
 * usage: timeres */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

static volatile sig_atomic_t fired;
static void on_timer(int s) { (void)s; fired++; }

static void burn(long ms)
{
	struct timespec s, n;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &s);
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &n);
	while ((n.tv_sec - s.tv_sec) * 1000 + (n.tv_nsec - s.tv_nsec) / 1000000 < ms);
}

static void usage(void)
{
	struct rusage ru;
	burn(30);
	show("getrusage self", getrusage(RUSAGE_SELF, &ru));
	printf("self: cpu time > 0 %d, maxrss > 0 %d\n",
	       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec > 0, ru.ru_maxrss > 0);
	pid_t pid = fork();
	if (pid == 0) {
		burn(60);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	show("getrusage children", getrusage(RUSAGE_CHILDREN, &ru));
	long us = ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
	printf("children: cpu time >= 40 ms %d\n", us >= 40000);
	show("getrusage bad who", getrusage(7, &ru));

	struct tms t;
	clock_t c = times(&t);
	printf("times: ticks > 0 %d, own ticks > 0 %d, children ticks > 0 %d\n", c > 0, t.tms_utime + t.tms_stime > 0,
	       t.tms_cutime + t.tms_cstime > 0);

	struct sysinfo si;
	show("sysinfo", sysinfo(&si));
	printf("sysinfo: uptime > 0 %d, totalram > freeram %d, mem_unit %u, procs > 0 %d\n", si.uptime > 0,
	       si.totalram > si.freeram, si.mem_unit, si.procs > 0);
}

static void limits(void)
{
	struct rlimit r, p;
	show("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &r));
	show("prlimit NOFILE", prlimit(0, RLIMIT_NOFILE, NULL, &p));
	printf("same as getrlimit %d\n", r.rlim_cur == p.rlim_cur && r.rlim_max == p.rlim_max);
	struct rlimit lower = {r.rlim_cur / 2, r.rlim_max};
	struct rlimit old;
	show("prlimit set NOFILE soft to half", prlimit(getpid(), RLIMIT_NOFILE, &lower, &old));
	printf("old was the limit %d\n", old.rlim_cur == r.rlim_cur);
	getrlimit(RLIMIT_NOFILE, &p);
	printf("now half %d\n", p.rlim_cur == r.rlim_cur / 2);
	setrlimit(RLIMIT_NOFILE, &r);
	struct rlimit bad = {10, 5};
	show("soft above hard", setrlimit(RLIMIT_NOFILE, &bad));
	show("unknown resource", getrlimit(99, &r));
	getrlimit(RLIMIT_CORE, &r);
	printf("core limit read %d\n", r.rlim_cur <= r.rlim_max);
}

static void clocks(void)
{
	struct timespec res;
	show("clock_getres MONOTONIC", clock_getres(CLOCK_MONOTONIC, &res));
	printf("resolution 1 ns %d\n", res.tv_sec == 0 && res.tv_nsec == 1);
	show("clock_getres bad clock", clock_getres(99, &res) == 0 ? 0 : -1);
	struct timespec now, after;
	clock_gettime(CLOCK_MONOTONIC, &now);
	struct timespec until = now;
	until.tv_nsec += 20 * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	errno = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
	show("clock_nanosleep absolute", errno ? -1 : 0);
	clock_gettime(CLOCK_MONOTONIC, &after);
	printf("woke at or after the deadline %d\n",
	       after.tv_sec > until.tv_sec || (after.tv_sec == until.tv_sec && after.tv_nsec >= until.tv_nsec));
}

static void timers(void)
{
	signal(SIGUSR1, on_timer);
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	timer_t id;
	show("timer_create", timer_create(CLOCK_MONOTONIC, &ev, &id));
	struct itimerspec its = {{0, 0}, {0, 200 * 1000000}}, left;
	show("timer_settime 200 ms", timer_settime(id, 0, &its, NULL));
	show("timer_gettime", timer_gettime(id, &left));
	printf("left between 0 and 200 ms %d\n",
	       left.it_value.tv_sec == 0 && left.it_value.tv_nsec > 0 && left.it_value.tv_nsec <= 200 * 1000000);
	/* SIGUSR1 blocked until sigsuspend: a signal landing between the
	 * flag's test and pause() would leave us paused forever. */
	sigset_t usr1, unblocked;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &unblocked);
	struct itimerspec soon = {{0, 0}, {0, 10 * 1000000}};
	show("timer_settime 10 ms", timer_settime(id, 0, &soon, NULL));
	while (!fired)
		sigsuspend(&unblocked);
	sigprocmask(SIG_SETMASK, &unblocked, NULL);
	printf("fired %d\n", fired);
	show("timer_getoverrun", timer_getoverrun(id));
	show("timer_delete", timer_delete(id));
	show("timer_gettime after delete", timer_gettime(id, &left));
	struct itimerspec badts = {{0, 0}, {0, 2000000000}};
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	show("timer_settime nsec out of range", timer_settime(id, 0, &badts, NULL));
	timer_delete(id);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	usage();
	limits();
	clocks();
	timers();
	return 0;
}
