/* crash.c: dies from a signal chosen by argv[1]. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	printf("before\n");
	fflush(stdout);
	if (argc > 1 && strcmp(argv[1], "segv") == 0)
		*(volatile int *)16 = 1;
	if (argc > 1 && strcmp(argv[1], "abort") == 0)
		abort();
	if (argc > 1 && strcmp(argv[1], "kill") == 0)
		kill(getpid(), SIGTERM);
	if (argc > 1 && strcmp(argv[1], "ignored") == 0) {
		signal(SIGTERM, SIG_IGN);
		raise(SIGTERM);
		raise(SIGCHLD);
		printf("survived\n");
	}
	return 0;
}
