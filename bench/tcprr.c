/* tcprr: one of gemu's benchmark workloads, syscall-bound: request/response
 * round trips of 64 bytes over loopback TCP between two threads.
 * usage: tcprr [round-trips]   (default 100000) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static long rounds;
static int lfd;

static int full(int fd, char *b, int n, int writing)
{
	for (int done = 0; done < n;) {
		int r = writing ? write(fd, b + done, n - done) : read(fd, b + done, n - done);
		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

static void *server(void *arg)
{
	(void)arg;
	int s = accept(lfd, NULL, NULL);
	char b[64];
	for (long i = 0; i < rounds; i++) {
		if (full(s, b, sizeof b, 0) < 0)
			break;
		b[0]++;
		if (full(s, b, sizeof b, 1) < 0)
			break;
	}
	close(s);
	return NULL;
}

int main(int argc, char **argv)
{
	rounds = argc > 1 ? atol(argv[1]) : 100000;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof a;
	if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &l) < 0)
		return 1;
	pthread_t th;
	pthread_create(&th, NULL, server, NULL);
	int c = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (connect(c, (struct sockaddr *)&a, sizeof a) < 0)
		return 1;
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	char b[64] = {0};
	unsigned long sum = 0;
	for (long i = 0; i < rounds; i++) {
		b[1] = (char)i;
		if (full(c, b, sizeof b, 1) < 0 || full(c, b, sizeof b, 0) < 0)
			return 1;
		sum += (unsigned char)b[0];
	}
	close(c);
	pthread_join(th, NULL);
	printf("tcprr: rounds %ld sum %lu\n", rounds, sum);
	return 0;
}
