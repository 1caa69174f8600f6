/* Socket options and control messages beyond the sockets fixture:
 * SO_REUSEPORT, SO_SNDTIMEO, buffer sizes, SO_ERROR, SO_DOMAIN/PROTOCOL/
 * ACCEPTCONN, TCP, IP and IPV6 options with their structs,
 * SCM_CREDENTIALS both ways, IP_PKTINFO/IP_TTL/SO_TIMESTAMP and
 * IPV6_PKTINFO control messages, NETLINK_ROUTE address and route dumps,
 * option errors, classic BPF socket filters (SO_ATTACH_FILTER and
 * SO_ATTACH_REUSEPORT_CBPF, whose struct sock_fprog points at the program). usage: sockopts. Output is the same on every
 * architecture and run. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "show.h"
#include "loopback.h"

static int geti(int fd, int level, int opt)
{
	int v = -1;
	socklen_t l = sizeof v;
	if (getsockopt(fd, level, opt, &v, &l) < 0)
		return -errno;
	return v;
}

static int seti(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof v);
}

/* Two listeners on one port: only when both set SO_REUSEPORT. */
static void reuseport(void)
{
	int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
	printf("fresh SO_REUSEPORT %d\n", geti(a, SOL_SOCKET, SO_REUSEPORT));
	seti(a, SOL_SOCKET, SO_REUSEPORT, 1);
	struct sockaddr_in sa = loop4(0);
	bind(a, (struct sockaddr *)&sa, sizeof sa);
	listen(a, 4);
	sa = loop4(port_of(a));
	show("second listener without SO_REUSEPORT", bind(b, (struct sockaddr *)&sa, sizeof sa));
	close(b);
	b = socket(AF_INET, SOCK_STREAM, 0);
	seti(b, SOL_SOCKET, SO_REUSEPORT, 1);
	show("second listener with SO_REUSEPORT", bind(b, (struct sockaddr *)&sa, sizeof sa));
	show("listen", listen(b, 4));
	printf("SO_ACCEPTCONN %d, SO_DOMAIN AF_INET %d, SO_PROTOCOL TCP %d, SO_TYPE stream %d\n",
	       geti(b, SOL_SOCKET, SO_ACCEPTCONN), geti(b, SOL_SOCKET, SO_DOMAIN) == AF_INET,
	       geti(b, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP, geti(b, SOL_SOCKET, SO_TYPE) == SOCK_STREAM);
	close(a), close(b);
}

static void options(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct timeval tv = {2, 500000}, got = {0};
	socklen_t l = sizeof got;
	show("SO_SNDTIMEO set", setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
	getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &got, &l);
	printf("SO_SNDTIMEO %ld.%06ld len %u\n", (long)got.tv_sec, (long)got.tv_usec, l);
	struct timeval bad = {0, 2000000};
	show("SO_SNDTIMEO bad usec", setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &bad, sizeof bad));
	show("SO_SNDTIMEO short", setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, 8));
	seti(s, SOL_SOCKET, SO_RCVBUF, 65536);
	printf("SO_RCVBUF doubled %d\n", geti(s, SOL_SOCKET, SO_RCVBUF) == 131072);
	seti(s, SOL_SOCKET, SO_KEEPALIVE, 1);
	printf("SO_KEEPALIVE %d\n", geti(s, SOL_SOCKET, SO_KEEPALIVE));
	seti(s, IPPROTO_TCP, TCP_KEEPIDLE, 77);
	seti(s, IPPROTO_TCP, TCP_KEEPINTVL, 7);
	seti(s, IPPROTO_TCP, TCP_KEEPCNT, 3);
	printf("TCP_KEEPIDLE %d TCP_KEEPINTVL %d TCP_KEEPCNT %d\n", geti(s, IPPROTO_TCP, TCP_KEEPIDLE),
	       geti(s, IPPROTO_TCP, TCP_KEEPINTVL), geti(s, IPPROTO_TCP, TCP_KEEPCNT));
	show("TCP_MAXSEG 1200", seti(s, IPPROTO_TCP, TCP_MAXSEG, 1200));
	char cc[16] = {0};
	l = sizeof cc;
	show("TCP_CONGESTION get", getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, &l));
	printf("congestion control named %d\n", cc[0] != 0);
	show("TCP_USER_TIMEOUT", seti(s, IPPROTO_TCP, TCP_USER_TIMEOUT, 5000));
	printf("TCP_USER_TIMEOUT %d\n", geti(s, IPPROTO_TCP, TCP_USER_TIMEOUT));
	seti(s, IPPROTO_IP, IP_TTL, 33);
	seti(s, IPPROTO_IP, IP_TOS, 0x10);
	printf("IP_TTL %d IP_TOS %#x\n", geti(s, IPPROTO_IP, IP_TTL), geti(s, IPPROTO_IP, IP_TOS));
	show("IP_TTL 0", seti(s, IPPROTO_IP, IP_TTL, 0));
	show("unknown level", seti(s, 12345, 1, 1));
	show("unknown SOL_SOCKET option", seti(s, SOL_SOCKET, 9999, 1));
	show("int option with optlen 2", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, "\1\0", 2));
	char small = 0x55;
	l = 1;
	show("getsockopt int into 1 byte", getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &small, &l));
	printf("1-byte result %d len %u\n", small, l);
	struct linger lg;
	l = 3;
	show("SO_LINGER into 3 bytes", getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &l));
	printf("len now %u\n", l);
	show("getsockopt bad pointer", getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, (void *)8, &l));
	close(s);

	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct ip_mreqn mr = {.imr_multiaddr.s_addr = inet_addr("239.1.2.3"),
			      .imr_address.s_addr = htonl(INADDR_LOOPBACK)};
	show("IP_ADD_MEMBERSHIP ip_mreqn", setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr));
	struct ip_mreq m4 = {.imr_multiaddr.s_addr = inet_addr("239.1.2.3"),
			     .imr_interface.s_addr = htonl(INADDR_LOOPBACK)};
	show("IP_DROP_MEMBERSHIP ip_mreq", setsockopt(u, IPPROTO_IP, IP_DROP_MEMBERSHIP, &m4, sizeof m4));
	seti(u, IPPROTO_IP, IP_MULTICAST_TTL, 4);
	seti(u, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
	printf("IP_MULTICAST_TTL %d IP_MULTICAST_LOOP %d\n", geti(u, IPPROTO_IP, IP_MULTICAST_TTL),
	       geti(u, IPPROTO_IP, IP_MULTICAST_LOOP));
	close(u);

	int v6 = socket(AF_INET6, SOCK_DGRAM, 0);
	if (v6 < 0) {
		printf("ipv6: unavailable\n");
		return;
	}
	printf("IPV6_V6ONLY default %d\n", geti(v6, IPPROTO_IPV6, IPV6_V6ONLY));
	seti(v6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 9);
	seti(v6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 3);
	printf("IPV6_UNICAST_HOPS %d IPV6_MULTICAST_HOPS %d\n", geti(v6, IPPROTO_IPV6, IPV6_UNICAST_HOPS),
	       geti(v6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS));
	show("IPV6_UNICAST_HOPS 300", seti(v6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 300));
	close(v6);
}

/* SO_ERROR after a refused non-blocking connect. */
static void so_error(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = loop4(0);
	bind(l, (struct sockaddr *)&sa, sizeof sa);
	sa = loop4(port_of(l));
	close(l); /* bound, never listened: the port refuses */
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r = connect(c, (struct sockaddr *)&sa, sizeof sa);
	printf("non-blocking connect: %d %s\n", r, r < 0 ? strerrorname_np(errno) : "");
	struct pollfd p = {.fd = c, .events = POLLOUT};
	poll(&p, 1, 2000);
	int first = geti(c, SOL_SOCKET, SO_ERROR);
	printf("SO_ERROR %s, then %d\n", strerrorname_np(first), geti(c, SOL_SOCKET, SO_ERROR));
	close(c);
}

/* SCM_CREDENTIALS: sent explicitly, and added by the kernel for a
 * receiver with SO_PASSCRED. */
static void credentials(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	seti(sv[1], SOL_SOCKET, SO_PASSCRED, 1);
	printf("SO_PASSCRED %d\n", geti(sv[1], SOL_SOCKET, SO_PASSCRED));
	for (int explicit = 1; explicit >= 0; explicit--) {
		char cbuf[CMSG_SPACE(sizeof(struct ucred))] = {0};
		struct iovec iov = {.iov_base = "cred", .iov_len = 4};
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
		if (explicit) {
			m.msg_control = cbuf, m.msg_controllen = sizeof cbuf;
			struct cmsghdr *c = CMSG_FIRSTHDR(&m);
			c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_CREDENTIALS;
			c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
			struct ucred uc = {.pid = getpid(), .uid = getuid(), .gid = getgid()};
			memcpy(CMSG_DATA(c), &uc, sizeof uc);
		}
		show(explicit ? "sendmsg with SCM_CREDENTIALS" : "sendmsg without", sendmsg(sv[0], &m, 0));
		char data[8], rbuf[CMSG_SPACE(sizeof(struct ucred)) + 16];
		struct iovec riov = {.iov_base = data, .iov_len = sizeof data};
		struct msghdr rm = {.msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf, .msg_controllen = sizeof rbuf};
		ssize_t n = recvmsg(sv[1], &rm, 0);
		struct cmsghdr *c = CMSG_FIRSTHDR(&rm);
		struct ucred uc = {0};
		if (c && c->cmsg_type == SCM_CREDENTIALS)
			memcpy(&uc, CMSG_DATA(c), sizeof uc);
		printf("recvmsg %zd, cmsg len %zu level SOL_SOCKET %d type SCM_CREDENTIALS %d, pid ours %d uid ours %d, "
		       "controllen %zu\n",
		       n, c ? (size_t)c->cmsg_len : 0, c && c->cmsg_level == SOL_SOCKET,
		       c && c->cmsg_type == SCM_CREDENTIALS, uc.pid == getpid(), uc.uid == getuid(),
		       (size_t)rm.msg_controllen);
	}
	struct ucred bogus = {.pid = 1, .uid = getuid(), .gid = getgid()};
	char cbuf[CMSG_SPACE(sizeof bogus)] = {0};
	struct iovec iov = {.iov_base = "x", .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_CREDENTIALS, c->cmsg_len = CMSG_LEN(sizeof bogus);
	memcpy(CMSG_DATA(c), &bogus, sizeof bogus);
	if (geteuid() != 0)
		show("sendmsg claiming pid 1", sendmsg(sv[0], &m, 0));
	close(sv[0]), close(sv[1]);
}

/* Ancillary data the kernel adds to received UDP datagrams. */
static void udp_cmsgs(void)
{
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = loop4(0);
	bind(r, (struct sockaddr *)&sa, sizeof sa);
	sa = loop4(port_of(r));
	seti(r, IPPROTO_IP, IP_PKTINFO, 1);
	seti(r, IPPROTO_IP, IP_RECVTTL, 1);
	seti(r, SOL_SOCKET, SO_TIMESTAMP, 1);
	seti(s, IPPROTO_IP, IP_TTL, 42);
	sendto(s, "dgram", 5, 0, (struct sockaddr *)&sa, sizeof sa);
	char data[16], cbuf[256];
	struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
	ssize_t n = recvmsg(r, &m, 0);
	printf("udp recvmsg %zd, flags %#x\n", n, m.msg_flags);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			printf("  IP_PKTINFO len %zu ifindex>0 %d dst %s\n", (size_t)c->cmsg_len, pi.ipi_ifindex > 0,
			       inet_ntoa(pi.ipi_addr));
		} else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
			int ttl;
			memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
			printf("  IP_TTL len %zu ttl %d\n", (size_t)c->cmsg_len, ttl);
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMP) {
			struct timeval tv, now;
			memcpy(&tv, CMSG_DATA(c), sizeof tv);
			gettimeofday(&now, NULL);
			long d = (now.tv_sec - tv.tv_sec) * 1000000L + (now.tv_usec - tv.tv_usec);
			printf("  SO_TIMESTAMP len %zu within 5 s of now %d\n", (size_t)c->cmsg_len, d >= 0 && d < 5000000);
		} else {
			printf("  unexpected cmsg level %d type %d\n", c->cmsg_level, c->cmsg_type);
		}
	}
	/* A control buffer too small for what arrives: MSG_CTRUNC. */
	sendto(s, "again", 5, 0, (struct sockaddr *)&sa, sizeof sa);
	m.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo));
	n = recvmsg(r, &m, 0);
	printf("small control buffer: %zd, MSG_CTRUNC %d, controllen %zu\n", n, (m.msg_flags & MSG_CTRUNC) != 0,
	       (size_t)m.msg_controllen);
	close(r), close(s);

	int r6 = socket(AF_INET6, SOCK_DGRAM, 0), s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	if (r6 < 0)
		return;
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	if (bind(r6, (struct sockaddr *)&a6, sizeof a6) < 0) {
		printf("ipv6 loopback unavailable\n");
		return;
	}
	socklen_t l = sizeof a6;
	getsockname(r6, (struct sockaddr *)&a6, &l);
	seti(r6, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	seti(r6, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
	seti(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 17);
	sendto(s6, "six", 3, 0, (struct sockaddr *)&a6, sizeof a6);
	m.msg_controllen = sizeof cbuf;
	n = recvmsg(r6, &m, 0);
	printf("udp6 recvmsg %zd\n", n);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			char buf[64];
			printf("  IPV6_PKTINFO len %zu dst %s\n", (size_t)c->cmsg_len,
			       inet_ntop(AF_INET6, &pi.ipi6_addr, buf, sizeof buf));
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
			int h;
			memcpy(&h, CMSG_DATA(c), sizeof h);
			printf("  IPV6_HOPLIMIT len %zu hops %d\n", (size_t)c->cmsg_len, h);
		} else {
			printf("  unexpected cmsg level %d type %d\n", c->cmsg_level, c->cmsg_type);
		}
	}
	close(r6), close(s6);
}

/* One NETLINK_ROUTE dump; counts messages and calls fn on each. */
static int dump(int type, int family, void (*fn)(struct nlmsghdr *))
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} req = {.h = {.nlmsg_len = sizeof req, .nlmsg_type = type, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = 7},
		 .g = {.rtgen_family = family}};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel);
	static char buf[65536];
	int count = 0;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				close(fd);
				return count;
			}
			if (h->nlmsg_seq != 7)
				printf("  wrong sequence %u\n", h->nlmsg_seq);
			count++;
			fn(h);
		}
	}
	close(fd);
	return -1;
}

static int lo_addr, local_route;

static void on_addr(struct nlmsghdr *h)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = IFA_PAYLOAD(h);
	for (struct rtattr *ra = IFA_RTA(ifa); RTA_OK(ra, len); ra = RTA_NEXT(ra, len))
		if (ra->rta_type == IFA_LOCAL && ifa->ifa_family == AF_INET &&
		    *(uint32_t *)RTA_DATA(ra) == htonl(INADDR_LOOPBACK))
			lo_addr = ifa->ifa_prefixlen;
}

static void on_route(struct nlmsghdr *h)
{
	struct rtmsg *rt = NLMSG_DATA(h);
	if (rt->rtm_table == RT_TABLE_LOCAL && rt->rtm_type == RTN_LOCAL)
		local_route = 1;
}

static void routes(void)
{
	int addrs = dump(RTM_GETADDR, AF_INET, on_addr);
	printf("RTM_GETADDR: addresses>0 %d, 127.0.0.1/%d\n", addrs > 0, lo_addr);
	int rts = dump(RTM_GETROUTE, AF_INET, on_route);
	printf("RTM_GETROUTE: routes>0 %d, a local route %d\n", rts > 0, local_route);
}

/* filters: a UDP socket that drops datagrams shorter than 4 bytes. */
static void filters(void)
{
	int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	bind(rx, (struct sockaddr *)&a, sizeof a);
	getsockname(rx, (struct sockaddr *)&a, &al);
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 8 + 4, 1, 0), /* UDP header and 4 bytes */
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
	};
	struct sock_fprog prog = {4, f};
	show("SO_ATTACH_FILTER", setsockopt(rx, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog));
	sendto(tx, "ab", 2, 0, (struct sockaddr *)&a, sizeof a);
	sendto(tx, "abcdef", 6, 0, (struct sockaddr *)&a, sizeof a);
	char buf[16];
	struct pollfd pfd = {rx, POLLIN, 0};
	poll(&pfd, 1, 1000);
	show("first datagram through the filter", recv(rx, buf, sizeof buf, MSG_DONTWAIT));
	show("no more", recv(rx, buf, sizeof buf, MSG_DONTWAIT));
	struct sock_filter got[8];
	socklen_t gl = 8;
	show("SO_GET_FILTER length", getsockopt(rx, SOL_SOCKET, SO_GET_FILTER, got, &gl) < 0 ? -1 : (long)gl);
	show("SO_LOCK_FILTER", seti(rx, SOL_SOCKET, SO_LOCK_FILTER, 1));
	show("SO_ATTACH_FILTER when locked", setsockopt(rx, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog));
	int other = socket(AF_INET, SOCK_DGRAM, 0);
	prog.filter = (void *)8;
	show("program bad pointer", setsockopt(other, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog));
	prog.filter = NULL;
	show("NULL program", setsockopt(other, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog));
	prog.filter = f;
	prog.len = 0;
	show("empty program", setsockopt(other, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog));
	prog.len = 2;
	show("program without RET", setsockopt(other, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog));
	prog.len = 4;
	show("short optlen", setsockopt(other, SOL_SOCKET, SO_ATTACH_FILTER, &prog, 8));
	show("fprog bad pointer", setsockopt(other, SOL_SOCKET, SO_ATTACH_FILTER, (void *)8, sizeof prog));
	show("SO_DETACH_FILTER without one", seti(other, SOL_SOCKET, SO_DETACH_FILTER, 0));
	seti(other, SOL_SOCKET, SO_REUSEPORT, 1);
	struct sock_filter pick[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
	struct sock_fprog rp = {1, pick};
	show("SO_ATTACH_REUSEPORT_CBPF", setsockopt(other, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &rp, sizeof rp));
	close(rx);
	close(tx);
	close(other);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	reuseport();
	options();
	so_error();
	credentials();
	udp_cmsgs();
	routes();
	filters();
	return 0;
}
