/* forkexec: one of gemu's process benchmarks: fork, execve of this same
 * (foreign) binary, wait; repeated. Under qemu-user the exec needs
 * binfmt_misc; gemu runs the foreign child itself.
 * usage: forkexec [count]   (default 300) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 7;
	long n = argc > 1 ? atol(argv[1]) : 300;
	long ok = 0;
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			char *args[] = {argv[0], "child", NULL};
			execv(argv[0], args);
			_exit(127);
		}
		int st;
		if (waitpid(pid, &st, 0) != pid)
			return 1;
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 7;
	}
	printf("forkexec: %ld of %ld children exited 7\n", ok, n);
	return ok == n ? 0 : 1;
}
