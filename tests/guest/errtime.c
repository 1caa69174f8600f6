/* errtime: the documented error returns of the time, timer, polling and
 * System V IPC families (clock_gettime/getres/settime, gettimeofday,
 * nanosleep, getitimer/setitimer, getrusage, times, timerfd_*,
 * epoll_create1/ctl/pwait/pwait2, eventfd2, ppoll, pselect6, msg*, sem*,
 * shm*, unshare/setns), each in the order the kernel checks its
 * arguments: rows pass two bad arguments at once to show which errno
 * wins. Times and ids are never printed.
 * usage: errtime (run as root) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

#define BAD ((void *)-1)
#define NOPID 0x3ffffff0

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

static char *none;

static void clocks(void)
{
	struct timespec ts, bad = {0, 1000000000}, neg = {-1, 0};
	show("clock_gettime bad clock", syscall(SYS_clock_gettime, 12345, &ts));
	show("clock_gettime bad clock, bad pointer", syscall(SYS_clock_gettime, 12345, BAD));
	show("clock_gettime bad pointer", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD));
	show("clock_gettime PROT_NONE", syscall(SYS_clock_gettime, CLOCK_REALTIME, none));
	show("clock_gettime no such process's clock", syscall(SYS_clock_gettime, (clockid_t)(((unsigned)~NOPID << 3) | 2), &ts));
	show("clock_gettime no such thread's clock", syscall(SYS_clock_gettime, (clockid_t)(((unsigned)~NOPID << 3) | 6), &ts));
	show("clock_gettime bad cpu clock kind", syscall(SYS_clock_gettime, (clockid_t)((~0U << 3) | 3), &ts));
	show("clock_gettime own cpu clock", syscall(SYS_clock_gettime, (clockid_t)((~0U << 3) | 2), &ts));
	show("clock_getres bad clock", syscall(SYS_clock_getres, 12345, &ts));
	show("clock_getres NULL", syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
	show("clock_getres bad pointer", syscall(SYS_clock_getres, CLOCK_MONOTONIC, BAD));
	show("clock_getres bad clock, NULL", syscall(SYS_clock_getres, 12345, NULL));
	show("clock_settime bad clock", syscall(SYS_clock_settime, 12345, &ts));
	show("clock_settime MONOTONIC", syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts));
	show("clock_settime bad nsec", syscall(SYS_clock_settime, CLOCK_REALTIME, &bad));
	show("clock_settime negative", syscall(SYS_clock_settime, CLOCK_REALTIME, &neg));
	show("clock_settime bad pointer", syscall(SYS_clock_settime, CLOCK_REALTIME, BAD));
	show("clock_settime bad clock, bad pointer", syscall(SYS_clock_settime, 12345, BAD));
	show("gettimeofday bad tv", syscall(SYS_gettimeofday, BAD, NULL));
	show("gettimeofday bad tz", syscall(SYS_gettimeofday, NULL, BAD));
	show("gettimeofday NULL, NULL", syscall(SYS_gettimeofday, NULL, NULL));
	show("settimeofday bad usec", settimeofday(&(struct timeval){0, 2000000}, NULL));
	show("settimeofday bad pointer", syscall(SYS_settimeofday, BAD, NULL));
	show("nanosleep bad nsec", syscall(SYS_nanosleep, &bad, NULL));
	show("nanosleep negative", syscall(SYS_nanosleep, &neg, NULL));
	show("nanosleep bad pointer", syscall(SYS_nanosleep, BAD, NULL));
	show("nanosleep bad nsec, bad rem", syscall(SYS_nanosleep, &bad, BAD));
	show("clock_nanosleep bad flags", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0x10, &(struct timespec){0, 0}, NULL));
	show("clock_nanosleep REALTIME_ALARM", syscall(SYS_clock_nanosleep, CLOCK_REALTIME_ALARM + 100, 0, &(struct timespec){0, 0}, NULL));
	show("clock_nanosleep negative", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &neg, NULL));
	show("clock_nanosleep ABSTIME past", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &(struct timespec){0, 0}, NULL));
	show("clock_adjtime bad clock", syscall(SYS_clock_adjtime, 12345, &(char[256]){0}));
}

static void itimers(void)
{
	struct itimerval it = {{0, 0}, {0, 0}}, bad = {{0, 0}, {0, 2000000}}, old;
	show("getitimer bad which", getitimer(99, &old));
	show("getitimer bad pointer", getitimer(ITIMER_REAL, BAD));
	show("getitimer bad which, bad pointer", getitimer(99, BAD));
	show("setitimer bad which", setitimer(99, &it, NULL));
	show("setitimer bad usec", setitimer(ITIMER_REAL, &bad, NULL));
	show("setitimer negative", setitimer(ITIMER_REAL, &(struct itimerval){{0, 0}, {-1, 0}}, NULL));
	show("setitimer bad interval usec", setitimer(ITIMER_VIRTUAL, &(struct itimerval){{0, -1}, {0, 0}}, NULL));
	show("setitimer bad pointer", setitimer(ITIMER_REAL, BAD, NULL));
	show("setitimer bad old pointer", setitimer(ITIMER_REAL, &it, BAD));
	show("setitimer bad which, bad pointer", setitimer(99, BAD, NULL));
	show("setitimer NULL new", syscall(SYS_setitimer, ITIMER_REAL, NULL, &old));
	struct rusage ru;
	show("getrusage bad who", getrusage(99, &ru));
	show("getrusage bad pointer", getrusage(RUSAGE_SELF, BAD));
	show("getrusage bad who, bad pointer", getrusage(99, BAD));
	show("getrusage THREAD", getrusage(RUSAGE_THREAD, &ru));
	show("times bad pointer", syscall(SYS_times, BAD));
	show("times NULL", syscall(SYS_times, NULL) == -1 ? -1 : 0);
}

static void timerfds(void)
{
	struct itimerspec its = {{0, 0}, {0, 0}}, bad = {{0, 0}, {0, 1000000000}};
	show("timerfd_create bad clock", timerfd_create(12345, 0));
	show("timerfd_create bad flags", timerfd_create(CLOCK_MONOTONIC, 0x1));
	show("timerfd_create bad clock, bad flags", timerfd_create(12345, 0x1));
	show("timerfd_create process cputime", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	show("timerfd_settime bad flags", timerfd_settime(fd, 0x10, &its, NULL));
	show("timerfd_settime bad value", timerfd_settime(fd, 0, &bad, NULL));
	show("timerfd_settime bad pointer", timerfd_settime(fd, 0, BAD, NULL));
	show("timerfd_settime bad old pointer", timerfd_settime(fd, 0, &its, BAD));
	show("timerfd_settime bad fd", timerfd_settime(999, 0, &its, NULL));
	show("timerfd_settime bad fd, bad pointer", timerfd_settime(999, 0, BAD, NULL));
	show("timerfd_settime bad fd, bad flags", timerfd_settime(999, 0x10, &its, NULL));
	show("timerfd_settime not a timerfd", timerfd_settime(0, 0, &its, NULL));
	show("timerfd_settime CANCEL_ON_SET without ABSTIME", timerfd_settime(fd, TFD_TIMER_CANCEL_ON_SET, &its, NULL));
	show("timerfd_gettime bad pointer", timerfd_gettime(fd, BAD));
	show("timerfd_gettime not a timerfd", timerfd_gettime(0, &its));
	uint64_t n;
	show("read timerfd short", read(fd, &n, 4));
	show("read timerfd not expired", read(fd, &n, 8));
	show("write timerfd", write(fd, &n, 8));
	show("ioctl TFD_IOC_SET_TICKS 0", ioctl(fd, TFD_IOC_SET_TICKS, &(uint64_t){0}));
	close(fd);
}

static void polls(void)
{
	int ep = epoll_create1(0), p[2];
	if (pipe(p) < 0)
		return;
	struct epoll_event ev = {.events = EPOLLIN}, evs[4];
	show("epoll_create1 bad flags", epoll_create1(1));
	show("epoll_create size 0", syscall(SYS_epoll_create1, 0) >= 0 ? 0 : -1);
	show("epoll_ctl EPOLLEXCLUSIVE with MOD", (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &(struct epoll_event){.events = EPOLLIN | EPOLLEXCLUSIVE})));
	show("epoll_ctl EPOLLEXCLUSIVE with EPOLLONESHOT", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &(struct epoll_event){.events = EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT}));
	show("epoll_ctl bad fd, bad op", epoll_ctl(999, 99, p[0], &ev));
	show("epoll_ctl bad target, bad op", epoll_ctl(ep, 99, 999, &ev));
	show("epoll_pwait maxevents 0", epoll_wait(ep, evs, 0, 0));
	show("epoll_pwait maxevents -1", syscall(SYS_epoll_pwait, ep, evs, -1, 0, NULL, 8));
	show("epoll_pwait maxevents too many", syscall(SYS_epoll_pwait, ep, evs, 0x7fffffff, 0, NULL, 8));
	show("epoll_pwait bad fd", epoll_wait(999, evs, 4, 0));
	show("epoll_pwait bad fd, maxevents 0", epoll_wait(999, evs, 0, 0));
	show("epoll_pwait not epoll", epoll_wait(p[0], evs, 4, 0));
	show("epoll_pwait bad events", epoll_wait(ep, BAD, 4, 0));
	show("epoll_pwait bad events, bad fd", epoll_wait(999, BAD, 4, 0));
	/* A PROT_NONE buffer faults only once there is an event to copy,
	 * which stays queued (fs/eventpoll.c ep_send_events). */
	show("epoll_pwait PROT_NONE events, none ready", epoll_wait(ep, (void *)none, 4, 20));
	show("epoll_pwait PROT_NONE events, not epoll", epoll_wait(p[0], (void *)none, 4, 0));
	if (write(p[1], "x", 1) != 1)
		return;
	show("epoll_pwait PROT_NONE events, one ready", epoll_wait(ep, (void *)none, 4, 20));
	show("epoll_pwait after that", epoll_wait(ep, evs, 4, 0));
	show("epoll_pwait sigsetsize 4", syscall(SYS_epoll_pwait, ep, evs, 4, 0, &(uint64_t){0}, 4));
	show("epoll_pwait bad sigmask", syscall(SYS_epoll_pwait, ep, evs, 4, 0, BAD, 8));
	show("epoll_pwait2 bad timeout", syscall(SYS_epoll_pwait2, ep, evs, 4, &(struct timespec){0, -1}, NULL, 8));
	show("epoll_pwait2 bad timeout pointer", syscall(SYS_epoll_pwait2, ep, evs, 4, BAD, NULL, 8));
	show("epoll_pwait2 bad timeout pointer, bad fd", syscall(SYS_epoll_pwait2, 999, evs, 4, BAD, NULL, 8));
	show("eventfd2 bad flags", syscall(SYS_eventfd2, 0, 0x10));
	int e = eventfd(0, EFD_NONBLOCK);
	uint64_t v = ~0ULL;
	show("eventfd write ~0", write(e, &v, 8));
	show("eventfd write 4 bytes", write(e, &v, 4));
	show("eventfd read 4 bytes", read(e, &v, 4));
	show("eventfd read empty", read(e, &v, 8));
	v = 0xfffffffffffffffeULL;
	show("eventfd write max", write(e, &v, 8));
	v = 1;
	show("eventfd write past max", write(e, &v, 8));
	show("eventfd read bad buffer", read(e, BAD, 8));
	show("eventfd write bad buffer", write(e, BAD, 8));
	close(e);
	struct pollfd pf[2] = {{p[0], POLLIN, 0}, {999, POLLIN, 0}};
	struct timespec zero = {0, 0}, badts = {0, 1000000000};
	show("ppoll with a closed fd", ppoll(pf, 2, &zero, NULL));
	printf("revents %#x\n", pf[1].revents);
	show("ppoll bad fds", ppoll(BAD, 2, &zero, NULL));
	show("ppoll nfds past RLIMIT_NOFILE", syscall(SYS_ppoll, pf, 1 << 20, &zero, NULL, 8));
	show("ppoll nfds past RLIMIT_NOFILE, bad fds", ppoll(BAD, 1 << 20, &zero, NULL));
	show("ppoll bad timeout", ppoll(pf, 2, &badts, NULL));
	show("ppoll bad timeout pointer", syscall(SYS_ppoll, pf, 2, BAD, NULL, 8));
	show("ppoll bad timeout, bad fds", ppoll(BAD, 2, &badts, NULL));
	show("ppoll sigsetsize 4", syscall(SYS_ppoll, pf, 2, &zero, &(uint64_t){0}, 4));
	show("ppoll bad sigmask", syscall(SYS_ppoll, pf, 2, &zero, BAD, 8));
	show("ppoll nfds 0, NULL", ppoll(NULL, 0, &zero, NULL));
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	show("pselect6 negative nfds", syscall(SYS_pselect6, -1, &rs, NULL, NULL, &zero, NULL));
	show("pselect6 bad timeout", syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &badts, NULL));
	show("pselect6 bad timeout pointer", syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, BAD, NULL));
	show("pselect6 bad set", syscall(SYS_pselect6, p[0] + 1, BAD, NULL, NULL, &zero, NULL));
	FD_ZERO(&rs);
	FD_SET(p[1] + 1, &rs);
	show("pselect6 closed fd in set", syscall(SYS_pselect6, p[1] + 2, &rs, NULL, NULL, &zero, NULL));
	struct {
		const void *set;
		size_t size;
	} sm = {&(uint64_t){0}, 4};
	FD_ZERO(&rs);
	show("pselect6 sigsetsize 4", syscall(SYS_pselect6, 1, &rs, NULL, NULL, &zero, &sm));
	show("pselect6 bad sigmask struct", syscall(SYS_pselect6, 1, &rs, NULL, NULL, &zero, BAD));
	show("pselect6 nfds huge", syscall(SYS_pselect6, 1 << 20, NULL, NULL, NULL, &zero, NULL));
	close(ep), close(p[0]), close(p[1]);
}

static void sysv(void)
{
	struct msqid_ds mq;
	char buf[64];
	show("msgget missing key", msgget(0x7e570001, 0));
	int q = msgget(IPC_PRIVATE, 0600);
	show("msgget IPC_PRIVATE", q >= 0 ? 0 : -1);
	show("msgctl bad cmd", msgctl(q, 99, &mq));
	show("msgctl bad id", msgctl(-1, IPC_STAT, &mq));
	show("msgctl bad id, bad cmd", msgctl(-1, 99, &mq));
	show("msgctl IPC_STAT bad pointer", msgctl(q, IPC_STAT, BAD));
	show("msgctl IPC_SET bad pointer", msgctl(q, IPC_SET, BAD));
	struct {
		long type;
		char text[8];
	} m = {0, "x"};
	show("msgsnd type 0", msgsnd(q, &m, 1, IPC_NOWAIT));
	m.type = 1;
	show("msgsnd negative size", syscall(SYS_msgsnd, q, &m, -1L, IPC_NOWAIT));
	show("msgsnd bad id", msgsnd(-1, &m, 1, IPC_NOWAIT));
	show("msgsnd bad buffer", msgsnd(q, BAD, 1, IPC_NOWAIT));
	show("msgsnd too big", msgsnd(q, &m, 1 << 20, IPC_NOWAIT));
	show("msgsnd", msgsnd(q, &m, 8, IPC_NOWAIT));
	show("msgrcv too small", msgrcv(q, buf, 1, 0, IPC_NOWAIT));
	show("msgrcv bad buffer", msgrcv(q, BAD, 8, 0, IPC_NOWAIT));
	show("msgrcv MSG_COPY without IPC_NOWAIT", msgrcv(q, buf, 8, 0, MSG_COPY));
	show("msgrcv MSG_COPY|MSG_EXCEPT", msgrcv(q, buf, 8, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT));
	show("msgrcv negative size", syscall(SYS_msgrcv, q, buf, -1L, 0, IPC_NOWAIT));
	show("msgrcv no such type", msgrcv(q, buf, 8, 5, IPC_NOWAIT));
	show("msgrcv", msgrcv(q, buf, 8, 0, IPC_NOWAIT | MSG_NOERROR));
	show("msgrcv empty", msgrcv(q, buf, 8, 0, IPC_NOWAIT));
	show("msgctl IPC_RMID", msgctl(q, IPC_RMID, NULL));
	show("msgsnd removed", msgsnd(q, &m, 1, IPC_NOWAIT));
	show("semget nsems -1", semget(IPC_PRIVATE, -1, 0600));
	show("semget nsems huge", semget(IPC_PRIVATE, 1 << 30, 0600));
	show("semget missing key", semget(0x7e570002, 1, 0));
	int s = semget(IPC_PRIVATE, 2, 0600);
	struct sembuf op = {0, -1, IPC_NOWAIT};
	show("semop would block", semop(s, &op, 1));
	show("semop nsops 0", semop(s, &op, 0));
	show("semop nsops huge", semop(s, &op, 100000));
	show("semop bad id", semop(-1, &op, 1));
	show("semop bad sembuf", semop(s, BAD, 1));
	show("semop bad sembuf, bad id", semop(-1, BAD, 1));
	op.sem_num = 5;
	show("semop sem_num out of range", semop(s, &op, 1));
	op.sem_num = 0;
	op.sem_op = 32767;
	semop(s, &op, 1);
	op.sem_op = 10;
	show("semop past SEMVMX", semop(s, &op, 1));
	show("semtimedop bad timeout", semtimedop(s, &op, 1, &(struct timespec){0, -1}));
	show("semtimedop bad timeout pointer", semtimedop(s, &op, 1, BAD));
	show("semctl bad cmd", semctl(s, 0, 99));
	show("semctl bad semnum", semctl(s, 9, GETVAL));
	show("semctl SETVAL negative", semctl(s, 0, SETVAL, -1));
	show("semctl SETVAL past SEMVMX", semctl(s, 0, SETVAL, 40000));
	show("semctl IPC_STAT bad pointer", semctl(s, 0, IPC_STAT, BAD));
	show("semctl GETALL bad pointer", semctl(s, 0, GETALL, BAD));
	show("semctl bad id", semctl(-1, 0, GETVAL));
	semctl(s, 0, IPC_RMID);
	show("semop removed", semop(s, &op, 1));
	show("shmget size 0", shmget(IPC_PRIVATE, 0, 0600));
	show("shmget missing key", shmget(0x7e570003, 4096, 0));
	int h = shmget(IPC_PRIVATE, 8192, 0600);
	show("shmat bad id", (long)shmat(-1, NULL, 0) == -1 ? -1 : 0);
	show("shmat unaligned", (long)shmat(h, (void *)0x10001, 0) == -1 ? -1 : 0);
	show("shmat bad flags", (long)shmat(h, NULL, 0x1000000) == -1 ? -1 : 0);
	show("shmat SHM_REMAP without address", (long)shmat(h, NULL, SHM_REMAP) == -1 ? -1 : 0);
	char *at = shmat(h, NULL, 0);
	show("shmat over a mapping", (long)shmat(h, at, 0) == -1 ? -1 : 0);
	show("shmdt unaligned", shmdt(at + 1));
	show("shmdt not attached", shmdt(none));
	show("shmdt", shmdt(at));
	show("shmctl bad cmd", shmctl(h, 99, NULL));
	show("shmctl IPC_STAT bad pointer", shmctl(h, IPC_STAT, BAD));
	show("shmctl bad id", shmctl(-1, IPC_STAT, &(struct shmid_ds){0}));
	show("shmctl IPC_RMID", shmctl(h, IPC_RMID, NULL));
	show("shmat removed", (long)shmat(h, NULL, 0) == -1 ? -1 : 0);
}

static void namespaces(void)
{
	show("unshare bad flags", unshare(0x1));
	show("unshare CLONE_THREAD", unshare(CLONE_THREAD));
	show("setns bad fd", setns(999, 0));
	show("setns not a namespace", setns(0, 0));
	int fd = open("/proc/self/ns/uts", O_RDONLY);
	show("setns wrong type", setns(fd, CLONE_NEWNET));
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	clocks();
	itimers();
	timerfds();
	polls();
	sysv();
	namespaces();
	return 0;
}
