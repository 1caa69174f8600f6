/* spawn: one of gemu's process benchmarks: posix_spawn of this same
 * (foreign) binary and wait; repeated. glibc spawns with
 * clone(CLONE_VM|CLONE_VFORK), so no guest memory is copied.
 * usage: spawn [count]   (default 300) */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 7;
	long n = argc > 1 ? atol(argv[1]) : 300;
	long ok = 0;
	for (long i = 0; i < n; i++) {
		char *args[] = {argv[0], "child", NULL};
		pid_t pid;
		if (posix_spawn(&pid, argv[0], NULL, NULL, args, environ) != 0)
			return 1;
		int st;
		if (waitpid(pid, &st, 0) != pid)
			return 1;
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 7;
	}
	printf("spawn: %ld of %ld children exited 7\n", ok, n);
	return ok == n ? 0 : 1;
}
