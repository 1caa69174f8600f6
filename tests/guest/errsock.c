/* errsock: the documented error returns of the socket family (socket,
 * socketpair, bind, listen, accept4, connect, shutdown, getsockname,
 * getpeername, setsockopt/getsockopt, send/recv and their msg forms,
 * sendmmsg/recvmmsg), each in the order the kernel checks its
 * arguments: rows pass two bad arguments at once to show which errno
 * wins. Everything is on loopback and AF_UNIX; ports are never printed.
 * usage: errsock (run in a network namespace with lo up, or on a host) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "show.h"

#define BAD ((void *)-1)

static char *none;

/* fdshow shows a call that makes a descriptor: 0, or the errno. */
static void fdshow(const char *label, int fd)
{
	show(label, fd < 0 ? fd : 0);
	if (fd >= 0)
		close(fd);
}

static struct sockaddr_in lo(int port)
{
	return (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
}

/* bound returns a socket of type bound to 127.0.0.1 on a free port. */
static int bound(int type, struct sockaddr_in *a)
{
	int s = socket(AF_INET, type, 0);
	*a = lo(0);
	socklen_t n = sizeof(*a);
	bind(s, (struct sockaddr *)a, n);
	getsockname(s, (struct sockaddr *)a, &n);
	return s;
}

static void creates(void)
{
	int sv[2];
	show("socket bad domain", socket(9999, SOCK_STREAM, 0));
	show("socket bad domain, bad type", socket(9999, 9999, 0));
	show("socket bad type", socket(AF_INET, 9999, 0));
	show("socket bad type flags", socket(AF_INET, SOCK_STREAM | 0x1000000, 0));
	show("socket bad type flags, bad domain", socket(9999, SOCK_STREAM | 0x1000000, 0));
	show("socket bad protocol", socket(AF_INET, SOCK_STREAM, 9999));
	show("socket DGRAM with TCP", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
	show("socket STREAM with UDP", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	fdshow("socket AF_UNIX bad protocol", socket(AF_UNIX, SOCK_STREAM, 1));
	fdshow("socket AF_UNIX RAW", socket(AF_UNIX, SOCK_RAW, 0));
	show("socket negative domain", socket(-1, SOCK_STREAM, 0));
	show("socketpair AF_INET", socketpair(AF_INET, SOCK_STREAM, 0, sv));
	show("socketpair bad pointer", socketpair(AF_UNIX, SOCK_STREAM, 0, BAD));
	show("socketpair bad pointer, AF_INET", socketpair(AF_INET, SOCK_STREAM, 0, BAD));
	show("socketpair bad flags", socketpair(AF_UNIX, SOCK_STREAM | 0x1000000, 0, sv));
	show("socketpair bad protocol", socketpair(AF_UNIX, SOCK_STREAM, 5, sv));
	show("socketpair PROT_NONE pointer", socketpair(AF_UNIX, SOCK_STREAM, 0, (int *)none));
}

static void binds(void)
{
	struct sockaddr_in a, b = lo(0);
	int u = socket(AF_INET, SOCK_DGRAM, 0), dn = open("/dev/null", O_RDONLY);
	struct sockaddr_in6 six = {.sin6_family = AF_INET6};
	show("bind bad fd", bind(999, (struct sockaddr *)&b, sizeof(b)));
	show("bind bad fd, bad address", bind(999, BAD, sizeof(b)));
	show("bind not a socket", bind(dn, (struct sockaddr *)&b, sizeof(b)));
	show("bind not a socket, bad address", bind(dn, BAD, sizeof(b)));
	show("bind bad address", bind(u, BAD, sizeof(b)));
	show("bind addrlen 2", bind(u, (struct sockaddr *)&b, 2));
	show("bind addrlen -1", bind(u, (struct sockaddr *)&b, -1));
	show("bind addrlen 200", bind(u, (struct sockaddr *)&b, 200));
	show("bind addrlen -1, bad address", bind(u, BAD, -1));
	show("bind AF_INET6 address", bind(u, (struct sockaddr *)&six, sizeof(six)));
	b.sin_family = AF_UNIX;
	show("bind AF_UNIX family, loopback", bind(u, (struct sockaddr *)&b, sizeof(b)));
	b = lo(0);
	b.sin_addr.s_addr = htonl(0x01020304);
	show("bind foreign address", bind(u, (struct sockaddr *)&b, sizeof(b)));
	b = lo(0);
	show("bind", bind(u, (struct sockaddr *)&b, sizeof(b)));
	show("bind again", bind(u, (struct sockaddr *)&b, sizeof(b)));
	int t = bound(SOCK_STREAM, &a), t2 = socket(AF_INET, SOCK_STREAM, 0);
	listen(t, 1);
	show("bind in use", bind(t2, (struct sockaddr *)&a, sizeof(a)));
	int x = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	memset(un.sun_path, 'u', sizeof(un.sun_path));
	show("bind AF_UNIX addrlen past sun_path", bind(x, (struct sockaddr *)&un, sizeof(un) + 1));
	strcpy(un.sun_path, "missing/sock");
	show("bind AF_UNIX missing dir", bind(x, (struct sockaddr *)&un, sizeof(un)));
	strcpy(un.sun_path, "sock");
	show("bind AF_UNIX", bind(x, (struct sockaddr *)&un, sizeof(un)));
	int y = socket(AF_UNIX, SOCK_STREAM, 0);
	show("bind AF_UNIX existing path", bind(y, (struct sockaddr *)&un, sizeof(un)));
	show("bind AF_UNIX addrlen 1", bind(y, (struct sockaddr *)&un, 1));
	unlink("sock");
	close(u), close(dn), close(t), close(t2), close(x), close(y);
}

static void listens(void)
{
	struct sockaddr_in a;
	int u = socket(AF_INET, SOCK_DGRAM, 0), dn = open("/dev/null", O_RDONLY);
	int t = bound(SOCK_STREAM, &a), n = socket(AF_INET, SOCK_STREAM, 0);
	show("listen bad fd", listen(999, 1));
	show("listen not a socket", listen(dn, 1));
	show("listen UDP", listen(u, 1));
	show("listen negative backlog", listen(t, -5));
	show("listen unbound", listen(n, 1) == 0 ? 0 : -1);
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	show("accept bad fd", accept(999, NULL, NULL));
	show("accept not a socket", accept(dn, NULL, NULL));
	show("accept UDP", accept(u, NULL, NULL));
	show("accept not listening", accept(c, NULL, NULL));
	show("accept4 bad flags", accept4(t, NULL, NULL, 0x1));
	show("accept4 bad flags, bad fd", accept4(999, NULL, NULL, 0x1));
	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in la = lo(0);
	socklen_t ln = sizeof(la);
	bind(l, (struct sockaddr *)&la, ln);
	getsockname(l, (struct sockaddr *)&la, &ln);
	listen(l, 4);
	show("accept empty, nonblocking", accept(l, (struct sockaddr *)&from, &fl));
	show("accept4 bad flags, empty", accept4(l, NULL, NULL, 0x1));
	show("accept empty, bad addrlen", accept(l, (struct sockaddr *)&from, BAD));
	int k = socket(AF_INET, SOCK_STREAM, 0);
	connect(k, (struct sockaddr *)&la, sizeof(la));
	usleep(20000);
	show("accept bad addrlen pointer", accept(l, (struct sockaddr *)&from, BAD));
	int neg = -1;
	show("accept negative addrlen", accept(l, (struct sockaddr *)&from, (socklen_t *)&neg));
	show("accept bad address", accept(l, BAD, &fl));
	close(k), close(l), close(c);
	close(u), close(dn), close(t), close(n);
}

static void connects(void)
{
	struct sockaddr_in a, closed;
	int dn = open("/dev/null", O_RDONLY), t = socket(AF_INET, SOCK_STREAM, 0);
	int nl = bound(SOCK_STREAM, &closed); /* bound, never listening: connect is refused */
	show("connect bad fd", connect(999, (struct sockaddr *)&closed, sizeof(closed)));
	show("connect bad fd, bad address", connect(999, BAD, sizeof(closed)));
	show("connect not a socket", connect(dn, (struct sockaddr *)&closed, sizeof(closed)));
	show("connect not a socket, bad address", connect(dn, BAD, sizeof(closed)));
	show("connect not a socket, addrlen -1", connect(dn, (struct sockaddr *)&closed, -1));
	show("connect addrlen 2", connect(t, (struct sockaddr *)&closed, 2));
	show("connect addrlen 200", connect(t, (struct sockaddr *)&closed, 200));
	struct sockaddr_in6 six = {.sin6_family = AF_INET6};
	show("connect AF_INET6 address", connect(t, (struct sockaddr *)&six, sizeof(six)));
	show("connect refused", connect(t, (struct sockaddr *)&closed, sizeof(closed)));
	show("connect after refused", connect(t, (struct sockaddr *)&closed, sizeof(closed)));
	close(t);
	int l = bound(SOCK_STREAM, &a);
	listen(l, 4);
	t = socket(AF_INET, SOCK_STREAM, 0);
	show("connect", connect(t, (struct sockaddr *)&a, sizeof(a)));
	show("connect again", connect(t, (struct sockaddr *)&a, sizeof(a)));
	show("listen connected", listen(t, 1));
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr uns = {.sa_family = AF_UNSPEC};
	show("connect UDP AF_UNSPEC", connect(u, &uns, sizeof(uns)));
	show("connect UDP", connect(u, (struct sockaddr *)&a, sizeof(a)));
	int x = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "missing-sock"};
	show("connect AF_UNIX missing", connect(x, (struct sockaddr *)&un, sizeof(un)));
	strcpy(un.sun_path, "/dev/null");
	show("connect AF_UNIX not a socket", connect(x, (struct sockaddr *)&un, sizeof(un)));
	show("shutdown bad fd", shutdown(999, SHUT_RD));
	show("shutdown bad how", shutdown(t, 5));
	show("shutdown bad how, bad fd", shutdown(999, 5));
	show("shutdown not a socket", shutdown(dn, SHUT_RD));
	show("shutdown unconnected", shutdown(x, SHUT_RDWR));
	show("shutdown", shutdown(t, SHUT_WR));
	show("send after SHUT_WR", send(t, "x", 1, MSG_NOSIGNAL));
	struct sockaddr_in n;
	socklen_t nl2 = sizeof(n);
	int neg = -1;
	show("getsockname bad fd", getsockname(999, (struct sockaddr *)&n, &nl2));
	show("getsockname not a socket", getsockname(dn, (struct sockaddr *)&n, &nl2));
	show("getsockname bad addrlen", getsockname(t, (struct sockaddr *)&n, BAD));
	show("getsockname negative addrlen", getsockname(t, (struct sockaddr *)&n, (socklen_t *)&neg));
	show("getsockname bad address", getsockname(t, BAD, &nl2));
	nl2 = 0;
	show("getsockname addrlen 0, bad address", getsockname(t, BAD, &nl2));
	printf("addrlen now %u\n", nl2);
	nl2 = sizeof(n);
	show("getpeername unconnected", getpeername(x, (struct sockaddr *)&n, &nl2));
	show("getpeername unconnected, bad addrlen", getpeername(x, (struct sockaddr *)&n, BAD));
	show("getpeername bad addrlen", getpeername(t, (struct sockaddr *)&n, BAD));
	show("getpeername not a socket", getpeername(dn, (struct sockaddr *)&n, &nl2));
	close(dn), close(t), close(nl), close(l), close(u), close(x);
}

static void options(void)
{
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0), dn = open("/dev/null", O_RDONLY);
	int v = 1, neg = -1;
	socklen_t vl = sizeof(v);
	show("setsockopt bad fd", setsockopt(999, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	show("setsockopt not a socket", setsockopt(dn, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	show("setsockopt bad level", setsockopt(t, 9999, 1, &v, sizeof(v)));
	show("setsockopt bad option", setsockopt(t, SOL_SOCKET, 9999, &v, sizeof(v)));
	show("setsockopt short optlen", setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &v, 2));
	show("setsockopt negative optlen", setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &v, -1));
	show("setsockopt bad optval", setsockopt(t, SOL_SOCKET, SO_REUSEADDR, BAD, sizeof(v)));
	show("setsockopt bad optval, bad option", setsockopt(t, SOL_SOCKET, 9999, BAD, sizeof(v)));
	show("setsockopt TCP option on UDP", setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)));
	show("setsockopt TCP_MAXSEG 1", setsockopt(t, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)));
	show("setsockopt IP_TTL 0", setsockopt(t, IPPROTO_IP, IP_TTL, &(int){0}, sizeof(int)));
	show("setsockopt IP_TTL 256", setsockopt(t, IPPROTO_IP, IP_TTL, &(int){256}, sizeof(int)));
	struct timeval tv = {0, 2000000};
	show("setsockopt SO_RCVTIMEO usec 2e6", setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	show("setsockopt SO_RCVTIMEO short", setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &tv, 4));
	struct linger lg = {1, 0};
	show("setsockopt SO_LINGER short", setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, 4));
	show("getsockopt bad fd", getsockopt(999, SOL_SOCKET, SO_TYPE, &v, &vl));
	show("getsockopt not a socket", getsockopt(dn, SOL_SOCKET, SO_TYPE, &v, &vl));
	show("getsockopt bad level", getsockopt(t, 9999, 1, &v, &vl));
	show("getsockopt bad option", getsockopt(t, SOL_SOCKET, 9999, &v, &vl));
	show("getsockopt bad optlen pointer", getsockopt(t, SOL_SOCKET, SO_TYPE, &v, BAD));
	show("getsockopt negative optlen", getsockopt(t, SOL_SOCKET, SO_TYPE, &v, (socklen_t *)&neg));
	show("getsockopt bad optval", getsockopt(t, SOL_SOCKET, SO_TYPE, BAD, &vl));
	vl = 2;
	show("getsockopt short optlen", getsockopt(t, SOL_SOCKET, SO_TYPE, &v, &vl));
	printf("optlen now %u\n", vl);
	vl = 0;
	show("getsockopt optlen 0", getsockopt(t, SOL_SOCKET, SO_TYPE, &v, &vl));
	printf("optlen now %u\n", vl);
	vl = sizeof(v);
	show("getsockopt SO_ERROR", getsockopt(t, SOL_SOCKET, SO_ERROR, &v, &vl));
	show("getsockopt TCP_INFO on UDP", getsockopt(u, IPPROTO_TCP, TCP_INFO, &v, &vl));
	close(t), close(u), close(dn);
}

static void transfers(void)
{
	struct sockaddr_in a, b;
	int u = bound(SOCK_DGRAM, &a), r = bound(SOCK_DGRAM, &b), t = socket(AF_INET, SOCK_STREAM, 0);
	int dn = open("/dev/null", O_RDONLY);
	static char big[70000];
	char buf[64];
	show("send unconnected UDP", send(u, "x", 1, 0));
	show("send unconnected TCP", send(t, "x", 1, MSG_NOSIGNAL));
	show("recv unconnected TCP", recv(t, buf, sizeof(buf), MSG_DONTWAIT));
	show("send not a socket", send(dn, "x", 1, 0));
	show("sendto UDP too big", sendto(u, big, sizeof(big), 0, (struct sockaddr *)&b, sizeof(b)));
	show("sendto UDP MSG_OOB", sendto(u, "x", 1, MSG_OOB, (struct sockaddr *)&b, sizeof(b)));
	show("sendto UDP AF_INET6 address", sendto(u, "x", 1, 0, (struct sockaddr *)&(struct sockaddr_in6){.sin6_family = AF_INET6}, sizeof(struct sockaddr_in6)));
	show("sendto UDP addrlen 2", sendto(u, "x", 1, 0, (struct sockaddr *)&b, 2));
	show("sendto bad flags", sendto(u, "x", 1, 0x80000000, (struct sockaddr *)&b, sizeof(b)) >= 0 ? 0 : -1);
	show("recv UDP MSG_OOB", recv(r, buf, sizeof(buf), MSG_OOB | MSG_DONTWAIT));
	show("recv UDP empty", recv(r, buf, sizeof(buf), MSG_DONTWAIT | MSG_ERRQUEUE));
	show("recvfrom bad fd, bad buffer", recvfrom(999, BAD, 8, 0, NULL, NULL));
	show("recvfrom not a socket", recvfrom(dn, buf, 8, MSG_DONTWAIT, NULL, NULL));
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_name = &b, .msg_namelen = sizeof(b)};
	m.msg_iovlen = 1025;
	show("sendmsg iovlen 1025", sendmsg(u, &m, 0));
	show("sendmsg iovlen 1025, bad fd", sendmsg(999, &m, 0));
	m.msg_iovlen = 1;
	m.msg_controllen = 1 << 30;
	m.msg_control = buf;
	show("sendmsg controllen 2^30", sendmsg(u, &m, 0));
	m.msg_controllen = 8;
	show("sendmsg controllen 8", sendmsg(u, &m, 0));
	struct {
		struct cmsghdr h;
		int fd;
	} c = {{.cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS}, 0};
	m.msg_control = &c;
	m.msg_controllen = sizeof(c);
	show("sendmsg SCM_RIGHTS over UDP", sendmsg(u, &m, 0));
	c.h.cmsg_len = 200;
	show("sendmsg cmsg_len past controllen", sendmsg(u, &m, 0));
	m.msg_control = BAD;
	m.msg_controllen = 64;
	show("sendmsg bad control", sendmsg(u, &m, 0));
	m.msg_control = NULL;
	m.msg_controllen = 0;
	m.msg_name = BAD;
	show("sendmsg bad name", sendmsg(u, &m, 0));
	m.msg_namelen = 200;
	m.msg_name = &b;
	show("sendmsg namelen 200", sendmsg(u, &m, 0));
	show("sendmsg bad msghdr", sendmsg(u, BAD, 0));
	show("sendmsg bad msghdr, not a socket", sendmsg(dn, BAD, 0));
	struct mmsghdr mm[2];
	memset(mm, 0, sizeof(mm));
	show("sendmmsg vlen 0", sendmmsg(u, mm, 0, 0));
	show("sendmmsg bad vector", sendmmsg(u, BAD, 2, 0));
	show("sendmmsg bad fd, bad vector", sendmmsg(999, BAD, 2, 0));
	show("sendmmsg not a socket", sendmmsg(dn, mm, 2, 0));
	show("recvmmsg bad vector", recvmmsg(r, BAD, 2, MSG_DONTWAIT, NULL));
	show("recvmmsg bad fd", recvmmsg(999, mm, 2, 0, NULL));
	struct timespec badts = {0, 2000000000};
	show("recvmmsg bad timeout", recvmmsg(r, mm, 2, MSG_DONTWAIT, &badts));
	show("recvmmsg bad timeout pointer", recvmmsg(r, mm, 2, MSG_DONTWAIT, BAD));
	show("recvmmsg bad timeout pointer, bad fd", recvmmsg(999, mm, 2, MSG_DONTWAIT, BAD));
	show("recvmmsg", recvmmsg(r, mm, 2, MSG_DONTWAIT, NULL));
	show("recvmmsg vlen 0, not a socket", recvmmsg(dn, mm, 0, MSG_DONTWAIT, NULL));
	show("recvmmsg vlen 0, bad timeout, bad fd", recvmmsg(999, mm, 0, MSG_DONTWAIT, &badts));
	show("sendmmsg vlen 0, bad fd", sendmmsg(999, mm, 0, 0));
	int x = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un un = {.sun_family = AF_UNIX, .sun_path = "missing-sock"};
	show("sendto AF_UNIX missing", sendto(x, "x", 1, 0, (struct sockaddr *)&un, sizeof(un)));
	show("send AF_UNIX unconnected", send(x, "x", 1, 0));
	int sv[2];
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	show("sendto SEQPACKET with an address", sendto(sv[0], "x", 1, 0, (struct sockaddr *)&un, sizeof(un)));
	close(sv[1]);
	show("send SEQPACKET peer closed", send(sv[0], "x", 1, MSG_NOSIGNAL));
	show("recv SEQPACKET peer closed", recv(sv[0], buf, sizeof(buf), 0));
	close(sv[0]), close(x);
	close(u), close(r), close(t), close(dn);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	creates();
	binds();
	listens();
	connects();
	options();
	transfers();
	return 0;
}
