/* signals.c: guest signal delivery; argv[1] picks a case. Output must
 * match a native run of the same source. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile sig_atomic_t hits, depth, maxdepth;
static void *volatile faddr;
static volatile int fcode;
static int pfd[2];

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0)
		perror("sigaction");
}

static void jump(int sig, siginfo_t *si, void *uc)
{
	faddr = si->si_addr;
	fcode = si->si_code;
	siglongjmp(jb, sig);
}

static volatile char *page;
static void unprotect(int sig, siginfo_t *si, void *uc)
{
	faddr = si->si_addr;
	fcode = si->si_code;
	mprotect((void *)page, 4096, PROT_READ | PROT_WRITE);
}

static void segv(void)
{
	on(SIGSEGV, jump, 0);
	int s = sigsetjmp(jb, 1);
	if (s == 0)
		*(volatile int *)0x1230 = 1;
	printf("jumped out of %d: addr %p code %d\n", s, faddr, fcode);
	page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	on(SIGSEGV, unprotect, 0);
	page[8] = 42;
	printf("retried store: %d addr offset %ld code %d\n", page[8], (long)((char *)faddr - page), fcode);
	/* The mask was restored by siglongjmp(…, 1): a second fault is caught. */
	on(SIGSEGV, jump, 0);
	if (sigsetjmp(jb, 1) == 0)
		*(volatile char *)8 = 1;
	printf("second fault addr %p\n", faddr);
}

static void ill(void)
{
	on(SIGILL, jump, 0);
	if (sigsetjmp(jb, 1) == 0) {
#if defined(__x86_64__)
		__asm__ volatile("ud2");
#else
		__asm__ volatile(".4byte 0");
#endif
	}
	/* x86 ud2 is ILL_ILLOPN, riscv's illegal word ILL_ILLOPC */
	printf("SIGILL code ok %d addr set %d\n", fcode == ILL_ILLOPC || fcode == ILL_ILLOPN, faddr != 0);
}

static volatile int gcode, gpid, guid, gval, gsig;
static void record(int sig, siginfo_t *si, void *uc)
{
	gsig = sig;
	gcode = si->si_code;
	gpid = si->si_pid;
	guid = si->si_uid;
	gval = si->si_value.sival_int;
	hits++;
}

static void info(void)
{
	on(SIGUSR1, record, 0);
	on(SIGUSR2, record, 0);
	kill(getpid(), SIGUSR1);
	printf("kill: sig %d code %d pid ok %d uid ok %d\n", gsig, gcode, gpid == getpid(), guid == (int)getuid());
	raise(SIGUSR2);
	printf("raise: sig %d code %d\n", gsig, gcode);
	union sigval v = {.sival_int = 42};
	sigqueue(getpid(), SIGUSR1, v);
	printf("sigqueue: code %d value %d hits %d\n", gcode, gval, hits);
}

static char alt[65536];
static volatile int onalt, altflags;
static void altcheck(int sig, siginfo_t *si, void *uc)
{
	char here;
	stack_t cur;
	onalt = &here >= alt && &here < alt + sizeof alt;
	sigaltstack(NULL, &cur);
	altflags = cur.ss_flags;
}

static void altstack(void)
{
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
	if (sigaltstack(&ss, NULL) != 0)
		perror("sigaltstack");
	on(SIGUSR1, altcheck, SA_ONSTACK);
	raise(SIGUSR1);
	printf("on alt stack %d flags in handler %d\n", onalt, altflags);
	on(SIGUSR1, altcheck, 0);
	raise(SIGUSR1);
	stack_t cur;
	sigaltstack(NULL, &cur);
	printf("without SA_ONSTACK %d; after: flags %d size %zu\n", onalt, cur.ss_flags, cur.ss_size);
}

static void count(int sig, siginfo_t *si, void *uc) { hits++; }

static void resethand(void)
{
	on(SIGUSR1, count, SA_RESETHAND);
	raise(SIGUSR1);
	printf("handled %d, now dfl %d\n", hits, signal(SIGUSR1, SIG_DFL) == SIG_DFL);
	fflush(stdout);
	on(SIGUSR1, count, SA_RESETHAND);
	raise(SIGUSR1);
	raise(SIGUSR1);
	printf("not reached\n");
}

static char order[64];
static volatile int olen;
static void nest(int sig, siginfo_t *si, void *uc)
{
	depth++;
	if (depth > maxdepth)
		maxdepth = depth;
	order[olen++] = '0' + depth;
	if (hits++ == 0)
		raise(SIGUSR1);
	order[olen++] = 'r';
	depth--;
}

static void nodefer(void)
{
	on(SIGUSR1, nest, SA_NODEFER);
	raise(SIGUSR1);
	printf("nodefer: max depth %d order %.*s\n", maxdepth, olen, order);
	hits = maxdepth = olen = 0;
	on(SIGUSR1, nest, 0);
	raise(SIGUSR1);
	printf("deferred: max depth %d order %.*s\n", maxdepth, olen, order);
}

static void masks(void)
{
	sigset_t set, old, pend;
	on(SIGUSR1, count, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	sigpending(&pend);
	printf("blocked: hits %d pending %d\n", hits, sigismember(&pend, SIGUSR1));
	sigset_t empty;
	sigemptyset(&empty);
	int r = sigsuspend(&empty);
	int e = errno;
	sigprocmask(SIG_BLOCK, NULL, &set);
	printf("sigsuspend %d errno %d hits %d still blocked %d\n", r, e, hits, sigismember(&set, SIGUSR1));
	raise(SIGUSR1);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("unblocked: hits %d\n", hits);
}

static void alrm_write(int sig, siginfo_t *si, void *uc)
{
	hits++;
	write(pfd[1], "x", 1);
}

static void arm(int ms)
{
	struct itimerval it = {{0, 0}, {0, ms * 1000}};
	setitimer(ITIMER_REAL, &it, NULL);
}

static void eintr(void)
{
	char c;
	pipe(pfd);
	on(SIGALRM, alrm_write, 0);
	arm(50);
	ssize_t n = read(pfd[0], &c, 1);
	printf("no SA_RESTART: read %zd errno %s hits %d\n", n, n < 0 && errno == EINTR ? "EINTR" : "?", hits);
	read(pfd[0], &c, 1); /* the handler's byte */
	on(SIGALRM, alrm_write, SA_RESTART);
	arm(50);
	n = read(pfd[0], &c, 1);
	printf("SA_RESTART: read %zd '%c' hits %d\n", n, n == 1 ? c : '?', hits);
	struct timespec ts = {5, 0}, rem;
	arm(50);
	int r = nanosleep(&ts, &rem);
	printf("nanosleep %d errno %d rem ok %d\n", r, errno, rem.tv_sec >= 3 && rem.tv_sec < 5);
}

static pthread_t target;
static volatile int inthread, sleeperr;
static void who(int sig, siginfo_t *si, void *uc)
{
	inthread = pthread_equal(pthread_self(), target);
	gcode = si->si_code;
}

static void *sleeper(void *arg)
{
	struct timespec ts = {10, 0};
	if (nanosleep(&ts, NULL) != 0)
		sleeperr = errno;
	return NULL;
}

static void thread(void)
{
	on(SIGUSR1, who, 0);
	pthread_create(&target, NULL, sleeper, NULL);
	usleep(50000);
	pthread_kill(target, SIGUSR1);
	pthread_join(target, NULL);
	printf("pthread_kill: in thread %d code %d sleeper errno %s\n", inthread, gcode,
	       sleeperr == EINTR ? "EINTR" : "?");
}

static void itimer(void)
{
	sigset_t set, empty;
	on(SIGALRM, count, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigemptyset(&empty);
	struct itimerval it = {{0, 20000}, {0, 20000}}, cur;
	setitimer(ITIMER_REAL, &it, NULL);
	while (hits < 3)
		sigsuspend(&empty);
	getitimer(ITIMER_REAL, &cur);
	printf("itimer: hits %d interval %ld armed %d\n", hits, (long)cur.it_interval.tv_usec,
	       cur.it_value.tv_usec > 0 || cur.it_value.tv_sec > 0);
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void waits(void)
{
	sigset_t set;
	siginfo_t si;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	int s = sigwaitinfo(&set, &si);
	printf("sigwaitinfo %d code %d\n", s, si.si_code);
	struct timespec ts = {0, 10000000};
	s = sigtimedwait(&set, &si, &ts);
	printf("timeout %d errno %s\n", s, errno == EAGAIN ? "EAGAIN" : "?");
	timer_t tid;
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN + 1;
	ev.sigev_value.sival_int = 7;
	timer_create(CLOCK_MONOTONIC, &ev, &tid);
	struct itimerspec its = {{0, 0}, {0, 10000000}};
	timer_settime(tid, 0, &its, NULL);
	s = sigwaitinfo(&set, &si);
	printf("timer: sig ok %d code %d value %d\n", s == SIGRTMIN + 1, si.si_code, si.si_value.sival_int);
	timer_delete(tid);
	/* Real-time signals queue, standard ones merge. */
	union sigval v = {.sival_int = 1};
	sigqueue(getpid(), SIGRTMIN + 1, v);
	v.sival_int = 2;
	sigqueue(getpid(), SIGRTMIN + 1, v);
	raise(SIGUSR1);
	raise(SIGUSR1);
	int a = sigwaitinfo(&set, &si), av = si.si_value.sival_int;
	int b = sigwaitinfo(&set, &si), bv = si.si_value.sival_int;
	int c = sigwaitinfo(&set, &si), cv = si.si_value.sival_int;
	sigset_t pend;
	sigpending(&pend);
	printf("queued: %d %d/%d %d/%d %d, left %d\n", a == SIGUSR1, b == SIGRTMIN + 1, av == 0 ? bv : av,
	       c == SIGRTMIN + 1, cv, 0, sigismember(&pend, SIGUSR1) || sigismember(&pend, SIGRTMIN + 1));
}

static void term(void)
{
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static void pipes(void)
{
	pipe(pfd);
	close(pfd[0]);
	on(SIGPIPE, count, 0);
	ssize_t n = write(pfd[1], "x", 1);
	printf("write %zd errno %s SIGPIPE hits %d\n", n, errno == EPIPE ? "EPIPE" : "?", hits);
	fflush(stdout);
	signal(SIGPIPE, SIG_DFL);
	write(pfd[1], "x", 1);
	printf("not reached\n");
}

static void *stormer(void *arg)
{
	sigset_t set;
	sigfillset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < 300; i++) {
		kill(getpid(), SIGUSR1);
		if (i % 10 == 9)
			write(pfd[1], "b", 1);
		usleep(200);
	}
	return NULL;
}

/* A signal storm while blocked in read: SA_RESTART loses nothing and
 * never fails; without it reads fail with EINTR but still lose nothing. */
static void storm(void)
{
	pipe(pfd);
	for (int restart = 1; restart >= 0; restart--) {
		pthread_t th;
		on(SIGUSR1, count, restart ? SA_RESTART : 0);
		pthread_create(&th, NULL, stormer, NULL);
		int got = 0, errs = 0, other = 0;
		char c;
		while (got < 30) {
			ssize_t n = read(pfd[0], &c, 1);
			if (n == 1)
				got++;
			else if (errno == EINTR)
				errs++;
			else
				other++;
		}
		pthread_join(th, NULL);
		printf("SA_RESTART %d: bytes %d EINTR seen %d other errors %d handled %d\n", restart, got,
		       errs > 0, other, hits > 0);
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *c = argc > 1 ? argv[1] : "";
	if (!strcmp(c, "segv")) segv();
	else if (!strcmp(c, "ill")) ill();
	else if (!strcmp(c, "info")) info();
	else if (!strcmp(c, "altstack")) altstack();
	else if (!strcmp(c, "resethand")) resethand();
	else if (!strcmp(c, "nodefer")) nodefer();
	else if (!strcmp(c, "mask")) masks();
	else if (!strcmp(c, "eintr")) eintr();
	else if (!strcmp(c, "thread")) thread();
	else if (!strcmp(c, "itimer")) itimer();
	else if (!strcmp(c, "wait")) waits();
	else if (!strcmp(c, "term")) term();
	else if (!strcmp(c, "pipe")) pipes();
	else if (!strcmp(c, "storm")) storm();
	else return 2;
	return 0;
}
