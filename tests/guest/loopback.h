/* IPv4 loopback helpers shared by the socket fixtures. */
#ifndef GEMU_FIXTURE_LOOPBACK_H
#define GEMU_FIXTURE_LOOPBACK_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* loop4 is 127.0.0.1:port (0: any port). */
static struct sockaddr_in loop4(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* port_of is the local port fd is bound to, or -1. */
static int port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t l = sizeof a;
	if (getsockname(fd, (struct sockaddr *)&a, &l) < 0)
		return -1;
	return ntohs(a.sin_port);
}
#endif
