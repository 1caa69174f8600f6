/* epoll: epoll_create1/ctl/wait/pwait2. The guests' struct epoll_event
 * is 16 bytes (x86_64 packs it to 12); data comes back whole; epoll_pwait2
 * times out to its timespec.
 * usage: epoll */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void polling(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	show("epoll_create1 close-on-exec", fcntl(ep, F_GETFD) == FD_CLOEXEC);
	int p[2], q[2];
	pipe(p);
	pipe(q);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ull};
	show("epoll_ctl add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ev.data.u64 = 42;
	show("epoll_ctl add another", epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev));
	show("epoll_ctl add again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	write(p[1], "x", 1);
	struct epoll_event out[4];
	memset(out, 0, sizeof out);
	int n = epoll_wait(ep, out, 4, 1000);
	printf("epoll_wait: %d, events %#x, data %#llx\n", n, out[0].events, (unsigned long long)out[0].data.u64);
	struct timespec ts = {0, 30 * 1000 * 1000};
	char c;
	read(p[0], &c, 1);
	double t0 = seconds();
	n = syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8);
	printf("epoll_pwait2 30 ms on nothing: %d, waited >= 30 ms: %d\n", n, seconds() - t0 >= 0.03);
	write(q[1], "y", 1);
	n = syscall(SYS_epoll_pwait2, ep, out, 4, NULL, NULL, 8);
	printf("epoll_pwait2 forever: %d, data %llu\n", n, (unsigned long long)out[0].data.u64);
	ts.tv_nsec = 1000000000;
	show("epoll_pwait2 bad timespec", syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8));
	show("epoll_ctl del", epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL));
	show("epoll_wait after del", epoll_wait(ep, out, 4, 0));
	close(ep);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	polling();
	return 0;
}
