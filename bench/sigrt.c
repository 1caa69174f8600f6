/* sigrt: one of gemu's process benchmarks: signal round trips between two
 * processes. The parent sends SIGUSR1, the child's handler runs and the
 * child answers with SIGUSR2; both wait in sigsuspend with the signal
 * blocked otherwise, so none is lost.
 * usage: sigrt [round trips]   (default 20000) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_signal(int sig)
{
	(void)sig;
	got++;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigset_t block, wait_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	pid_t parent = getpid();
	pid_t child = fork();
	if (child < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		if (child == 0) {
			while (got == i)
				sigsuspend(&wait_mask);
			kill(parent, SIGUSR2);
		} else {
			kill(child, SIGUSR1);
			while (got == i)
				sigsuspend(&wait_mask);
		}
	}
	if (child == 0)
		_exit(got == n ? 0 : 1);
	int st;
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 1;
	printf("sigrt: %ld round trips\n", (long)got);
	return 0;
}
