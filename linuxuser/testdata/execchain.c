/* execchain.c: execve chains through /proc/self/exe and into a native
 * program, keeping argv[0], the environment, ignored signals and the mask. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	sigset_t set;
	sigprocmask(SIG_BLOCK, NULL, &set);
	printf("step %d argv0 %s CHAIN=%s usr1 blocked %d hup ignored %d\n", n, n == 3 ? "(path)" : argv[0],
	       getenv("CHAIN") ? getenv("CHAIN") : "-", sigismember(&set, SIGUSR1),
	       signal(SIGHUP, SIG_IGN) == SIG_IGN);
	fflush(stdout);
	if (n == 3) {
		signal(SIGHUP, SIG_IGN);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		setenv("CHAIN", "kept", 1);
	}
	if (n > 1) {
		char num[16];
		snprintf(num, sizeof num, "%d", n - 1);
		char *args[] = {"renamed", num, NULL};
		execve("/proc/self/exe", args, environ);
		perror("execve");
		return 1;
	}
	char *args[] = {"echo", "native", "echo", NULL};
	execve("/bin/echo", args, environ);
	perror("execve echo");
	return 1;
}
