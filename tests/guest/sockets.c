/* Guest sockets: SO_REUSEADDR exactly as the program sets it, TIME_WAIT
 * storms, re-listening, ephemeral listeners from threads, AF_UNIX with
 * SCM_RIGHTS and abstract names, UDP with sendmmsg/recvmmsg, IPv6 with
 * v4-mapped peers, NETLINK_ROUTE, options with structs, EINTR.
 * usage: sockets [clients]   (default 2000; the CI test runs 20000)
 * Output is the same on every architecture and run. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loopback.h"

static void die(const char *what)
{
	printf("FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

static int reuse(int fd)
{
	int v = 0;
	socklen_t l = sizeof v;
	if (getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &l) < 0)
		die("getsockopt SO_REUSEADDR");
	return v;
}

static void set_reuse(int fd)
{
	int one = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
		die("setsockopt SO_REUSEADDR");
}

/* listener on 127.0.0.1:port (0: any), with SO_REUSEADDR if asked;
 * returns -errno on failure. */
static int listener(int port, int with_reuse)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	if (with_reuse)
		set_reuse(fd);
	struct sockaddr_in a = loop4(port);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 128) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static void defaults(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	printf("fresh tcp socket: SO_REUSEADDR=%d\n", reuse(fd));
	set_reuse(fd);
	printf("after setsockopt: SO_REUSEADDR=%d\n", reuse(fd));
	int one = 1, v = 0;
	socklen_t l = sizeof v;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &l);
	printf("TCP_NODELAY=%d len %u\n", v != 0, l);
	struct linger lg = {1, 7}, lg2;
	l = sizeof lg2;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg2, &l);
	printf("SO_LINGER on=%d linger=%d len %u\n", lg2.l_onoff, lg2.l_linger, l);
	struct timeval tv = {1, 500000}, tv2;
	l = sizeof tv2;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv2, &l);
	printf("SO_RCVTIMEO %ld.%06ld len %u\n", (long)tv2.tv_sec, (long)tv2.tv_usec, l);
	int t = 0;
	l = sizeof t;
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &l);
	printf("SO_TYPE stream=%d\n", t == SOCK_STREAM);
	close(fd);
}

/* Sequential clients, each closing first (its port goes to TIME_WAIT);
 * every other one sets SO_REUSEADDR. */
static void storm(int n)
{
	int lfd = listener(0, 1);
	if (lfd < 0)
		die("storm listener");
	struct sockaddr_in a = loop4(port_of(lfd));
	int errors = 0, inuse = 0;
	for (int i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (i % 2)
			set_reuse(c);
		if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) {
			errors++;
			inuse += errno == EADDRINUSE || errno == EADDRNOTAVAIL;
			close(c);
			continue;
		}
		int s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0) {
			errors++;
			close(c);
			continue;
		}
		char b = 'x';
		if (write(c, &b, 1) != 1 || read(s, &b, 1) != 1)
			errors++;
		close(c);
		if (read(s, &b, 1) != 0) /* sees the client's FIN */
			errors++;
		close(s);
	}
	printf("storm: %d clients, %d errors, %d EADDRINUSE\n", n, errors, inuse);
	close(lfd);
}

/* A listener whose port has a server-side connection in TIME_WAIT is
 * closed and opened again at once: EADDRINUSE without SO_REUSEADDR, fine
 * with it, as the kernel decides. */
static void relisten(void)
{
	int lfd = listener(0, 1);
	int port = port_of(lfd);
	struct sockaddr_in a = loop4(port);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof a) < 0)
		die("relisten connect");
	int s = accept(lfd, NULL, NULL);
	close(s); /* the server closes first: TIME_WAIT on the listening port */
	char b;
	read(c, &b, 1);
	close(c);
	close(lfd);
	int r = listener(port, 0);
	printf("relisten without SO_REUSEADDR: %s\n", r < 0 ? strerror(-r) : "ok");
	if (r >= 0)
		close(r);
	r = listener(port, 1);
	printf("relisten with SO_REUSEADDR: %s\n", r < 0 ? strerror(-r) : "ok");
	if (r >= 0)
		close(r);
}

#define THREADS 8
#define PER_THREAD 200
static int ports[THREADS][PER_THREAD];
static pthread_barrier_t all_open; /* every listener stays open until all are */

static void *ephemeral(void *arg)
{
	int *out = arg, fds[PER_THREAD];
	for (int i = 0; i < PER_THREAD; i++) {
		fds[i] = listener(0, 1);
		out[i] = fds[i] < 0 ? -1 : port_of(fds[i]);
	}
	pthread_barrier_wait(&all_open);
	for (int i = 0; i < PER_THREAD; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return NULL;
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static void ephemerals(void)
{
	pthread_t th[THREADS];
	pthread_barrier_init(&all_open, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, ephemeral, ports[i]);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	int *all = &ports[0][0], n = THREADS * PER_THREAD, errors = 0, distinct = 0;
	qsort(all, n, sizeof *all, cmp_int);
	for (int i = 0; i < n; i++) {
		errors += all[i] < 0;
		distinct += all[i] > 0 && (i == 0 || all[i] != all[i - 1]);
	}
	printf("ephemeral listeners: %d, errors %d, distinct ports %d\n", n, errors, distinct);
}

static void unix_sockets(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	struct ucred cr;
	socklen_t l = sizeof cr;
	getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &l);
	printf("SO_PEERCRED pid is ours: %d, len %u\n", cr.pid == getpid(), l);

	/* SCM_RIGHTS: send the read end of a pipe, read through the copy */
	int p[2];
	pipe(p);
	write(p[1], "through a passed fd", 19);
	char data = 'F';
	struct iovec iov = {&data, 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof u);
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[0], sizeof(int));
	if (sendmsg(sv[0], &m, 0) != 1)
		die("sendmsg");
	close(p[0]);
	char got = 0;
	struct iovec iov2 = {&got, 1};
	memset(&u, 0, sizeof u);
	struct msghdr m2 = {.msg_iov = &iov2, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	ssize_t r = recvmsg(sv[1], &m2, MSG_CMSG_CLOEXEC);
	c = CMSG_FIRSTHDR(&m2);
	int fd = -1;
	if (r == 1 && c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof fd);
	char text[32] = {0};
	if (fd >= 0)
		read(fd, text, sizeof text - 1);
	printf("recvmsg %zd byte %c, controllen %zu, fd read: %s\n", r, got, (size_t)m2.msg_controllen, text);
	close(fd);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);

	/* abstract AF_UNIX listener */
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	char name[64];
	int len = snprintf(name, sizeof name, "gemu-test-%d", getpid());
	memcpy(a.sun_path + 1, name, len);
	socklen_t al = offsetof(struct sockaddr_un, sun_path) + 1 + len;
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(lfd, (struct sockaddr *)&a, al) < 0 || listen(lfd, 4) < 0)
		die("abstract bind");
	int cfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(cfd, (struct sockaddr *)&a, al) < 0)
		die("abstract connect");
	int s = accept(lfd, NULL, NULL);
	struct sockaddr_un b;
	socklen_t bl = sizeof b;
	getsockname(lfd, (struct sockaddr *)&b, &bl);
	write(cfd, "ping", 4);
	char pbuf[5] = {0};
	read(s, pbuf, 4);
	printf("abstract unix: %s, name length matches %d, leading NUL %d\n", pbuf, bl == al, b.sun_path[0] == 0);
	close(s);
	close(cfd);
	close(lfd);
}

static void udp(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = loop4(0);
	bind(a, (struct sockaddr *)&sa, sizeof sa);
	sa = loop4(port_of(a));
	sendto(b, "hello", 5, 0, (struct sockaddr *)&sa, sizeof sa);
	char buf[16] = {0};
	struct sockaddr_in from;
	socklen_t fl = sizeof from;
	ssize_t n = recvfrom(a, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
	printf("udp recvfrom %zd %s from loopback %d port matches %d\n", n, buf,
	       from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), ntohs(from.sin_port) == port_of(b));

	struct mmsghdr out[3], in[3];
	struct iovec oiov[3], iiov[3];
	char obuf[3][8], ibuf[3][8];
	memset(out, 0, sizeof out);
	memset(in, 0, sizeof in);
	for (int i = 0; i < 3; i++) {
		snprintf(obuf[i], sizeof obuf[i], "msg%d", i);
		oiov[i] = (struct iovec){obuf[i], strlen(obuf[i])};
		out[i].msg_hdr = (struct msghdr){.msg_name = &sa, .msg_namelen = sizeof sa, .msg_iov = &oiov[i], .msg_iovlen = 1};
		iiov[i] = (struct iovec){ibuf[i], sizeof ibuf[i]};
		in[i].msg_hdr = (struct msghdr){.msg_iov = &iiov[i], .msg_iovlen = 1};
	}
	int sent = sendmmsg(b, out, 3, 0);
	int got = recvmmsg(a, in, 3, MSG_WAITFORONE, NULL);
	printf("sendmmsg %d recvmmsg %d:", sent, got);
	for (int i = 0; i < got; i++)
		printf(" %.*s(%u)", (int)in[i].msg_len, ibuf[i], in[i].msg_len);
	printf("\n");
	struct timeval tv = {0, 100000};
	setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	n = recv(a, buf, sizeof buf, 0);
	printf("recv with SO_RCVTIMEO: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	close(a);
	close(b);
}

static void ipv6(void)
{
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	int off = 0;
	setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = in6addr_any};
	if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0) {
		printf("ipv6: unavailable (%s)\n", strerror(errno));
		close(l);
		return;
	}
	socklen_t al = sizeof a;
	getsockname(l, (struct sockaddr *)&a, &al);
	struct sockaddr_in v4 = loop4(ntohs(a.sin6_port));
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&v4, sizeof v4) < 0)
		die("v4-mapped connect");
	struct sockaddr_in6 peer;
	socklen_t pl = sizeof peer;
	int s = accept(l, (struct sockaddr *)&peer, &pl);
	char text[64];
	inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text);
	printf("ipv6 dual-stack accept: family %s peer %s len %u\n", peer.sin6_family == AF_INET6 ? "AF_INET6" : "?",
	       text, pl);
	close(s);
	close(c);
	close(l);
}

/* NETLINK_ROUTE: dump the links, as getifaddrs does; report loopback. */
static void netlink(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		die("netlink socket");
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("netlink bind");
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {.h = {.nlmsg_len = sizeof req, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = 1},
		 .i = {.ifi_family = AF_UNSPEC}};
	if (send(fd, &req, sizeof req, 0) < 0)
		die("netlink send");
	static char buf[65536];
	int links = 0, lo = 0, done = 0;
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0)
			die("netlink recv");
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			links++;
			int len = h->nlmsg_len - NLMSG_LENGTH(sizeof *ifi);
			for (struct rtattr *ra = IFLA_RTA(ifi); RTA_OK(ra, len); ra = RTA_NEXT(ra, len))
				if (ra->rta_type == IFLA_IFNAME && strcmp(RTA_DATA(ra), "lo") == 0)
					lo = 1;
		}
	}
	printf("netlink RTM_GETLINK: links>0 %d, lo found %d\n", links > 0, lo);
	close(fd);
}

static void on_alarm(int sig) { (void)sig; }

/* accept blocked in the kernel is interrupted by a handler without
 * SA_RESTART: EINTR. */
static void interrupted(void)
{
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);
	int lfd = listener(0, 1);
	struct itimerval it = {.it_value = {0, 50000}};
	setitimer(ITIMER_REAL, &it, NULL);
	int r = accept(lfd, NULL, NULL);
	printf("accept under SIGALRM without SA_RESTART: %d %s\n", r, r < 0 ? strerror(errno) : "");
	close(lfd);

	/* With SA_RESTART a socket call restarts, unless the socket has a
	 * timeout: then it fails with EINTR (signal(7)). */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in ua = loop4(0);
	bind(u, (struct sockaddr *)&ua, sizeof ua);
	struct timeval tv = {5, 0};
	setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setitimer(ITIMER_REAL, &it, NULL);
	char b[8];
	ssize_t n = recv(u, b, sizeof b, 0);
	printf("recv with SO_RCVTIMEO under SIGALRM with SA_RESTART: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	/* read(2) on such a socket too (net/core/sock.c sock_intr_errno) */
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(u, b, sizeof b);
	printf("read with SO_RCVTIMEO under SIGALRM with SA_RESTART: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	close(u);
	/* and a pipe read restarts: the writer's byte arrives after the signal */
	int p[2];
	pipe(p);
	if (fork() == 0) {
		usleep(200000);
		write(p[1], "x", 1);
		_exit(0);
	}
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(p[0], b, 1);
	printf("pipe read under SIGALRM with SA_RESTART: %zd\n", n);
	wait(NULL);
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	setvbuf(stdout, NULL, _IOLBF, 0);
	defaults();
	storm(n);
	relisten();
	ephemerals();
	unix_sockets();
	udp();
	ipv6();
	netlink();
	interrupted();
	return 0;
}
