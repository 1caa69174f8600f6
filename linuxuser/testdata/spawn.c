/* spawn.c: posix_spawn, vfork, system and wait under a foreign guest. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void show(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: signal %d\n", what, WTERMSIG(st));
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "child")) {
		printf("child: argv0 %s ppid ok %d\n", argv[0], getppid() == atoi(argv[2]));
		return 3;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	int pfd[2];
	pipe(pfd);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	char ppid[16];
	snprintf(ppid, sizeof ppid, "%d", getpid());
	char *args[] = {"kid", "child", ppid, NULL};
	pid_t pid;
	int r = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, args, environ);
	close(pfd[1]);
	char buf[128];
	ssize_t n = read(pfd[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	int st;
	pid_t w = waitpid(pid, &st, 0);
	printf("posix_spawn %d, read through pipe: %s", r, buf);
	show("spawned child", st);
	printf("waited right pid %d\n", w == pid);

	char *echo[] = {"echo", "native", "child", NULL};
	r = posix_spawnp(&pid, "echo", NULL, NULL, echo, environ);
	waitpid(pid, &st, 0);
	show("echo", st);

	char *none[] = {"none", NULL};
	r = posix_spawn(&pid, "/nonexistent", NULL, NULL, none, environ);
	printf("posix_spawn nonexistent: %s\n", strerror(r));

	pid = vfork();
	if (pid == 0)
		_exit(5);
	waitpid(pid, &st, 0);
	show("vfork _exit", st);

	st = system("exit 7");
	show("system", st);
	return 0;
}
