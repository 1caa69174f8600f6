/* fdbudget: the guest's RLIMIT_NOFILE is the guest's alone. The program
 * lowers its soft limit to 64 and executes itself, so an emulator starts
 * under that limit; then it fills the table with pipes, and at the limit
 * fork, posix_spawn, a shared anonymous mapping and an exec must still work,
 * dup2 reaches limit-1 and not the limit, and /proc/self/fd lists only the
 * program's descriptors.
 * usage: fdbudget */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

#define LIMIT 64

extern char **environ;

/* open_fds counts descriptors below the soft limit, as programs that
 * probe up to sysconf(_SC_OPEN_MAX) do. */
static int open_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < sysconf(_SC_OPEN_MAX); fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static int listed_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

/* at_limit runs what must work with every descriptor taken. */
static void at_limit(void)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0)
		_exit(3);
	int st = 0;
	show("fork at the limit", c > 0 ? 0 : -1);
	if (c > 0)
		waitpid(c, &st, 0);
	printf("fork child exit %d\n", WEXITSTATUS(st));
	pid_t sp;
	char *argv[] = {"fdbudget", "spawned", NULL};
	int r = posix_spawn(&sp, "/proc/self/exe", NULL, NULL, argv, environ);
	printf("posix_spawn at the limit %s\n", r ? strerrorname_np(r) : "0");
	if (r == 0) {
		waitpid(sp, &st, 0);
		printf("spawned exit %d\n", WEXITSTATUS(st));
	}
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	show("shared anonymous mmap at the limit", m == MAP_FAILED ? -1 : 0);
	int p[2];
	show("one more pipe", pipe(p));
	show("dup at the limit", dup(0));
	show("F_DUPFD 0 at the limit", fcntl(0, F_DUPFD, 0));
	show("F_DUPFD at the limit number", fcntl(0, F_DUPFD, LIMIT));
	show("dup2 to limit-1", dup2(0, LIMIT - 1));
	show("dup2 to the limit", dup2(0, LIMIT));
	show("dup3 to the limit", dup3(0, LIMIT, O_CLOEXEC));
}

static void child(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("soft limit %ld\n", (long)rl.rlim_cur);
	int before = open_fds();
	printf("open at start %d, listed %d\n", before, listed_fds());
	int p[2], pipes = 0;
	while (pipe(p) == 0)
		pipes++;
	printf("pipes %d, then %s\n", pipes, strerrorname_np(errno));
	int last = open("/dev/null", O_RDONLY);
	show("one more open", last);
	printf("open now %d of %d\n", open_fds(), LIMIT);
	show("setrlimit NOFILE soft 66", setrlimit(RLIMIT_NOFILE, &(struct rlimit){66, rl.rlim_max}));
	show("a pipe with two more", pipe(p));
	show("setrlimit NOFILE soft 64", setrlimit(RLIMIT_NOFILE, &rl));
	at_limit();
	close(LIMIT - 1);
	close(LIMIT - 2);
	printf("listed with two free %d\n", listed_fds());
	show("dup2 to limit-1 after close", dup2(0, LIMIT - 1));
	close(LIMIT - 3);
	fflush(stdout);
	execl("/proc/self/exe", "fdbudget", "again", (char *)NULL);
	printf("exec at the limit: %s\n", strerrorname_np(errno));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "spawned") == 0)
		return 4;
	if (argc > 1 && strcmp(argv[1], "again") == 0) {
		printf("exec at the limit: ran, open %d\n", open_fds());
		return 0;
	}
	if (argc > 1) {
		child();
		return 1;
	}
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = LIMIT;
	show("setrlimit NOFILE soft 64", setrlimit(RLIMIT_NOFILE, &rl));
	fflush(stdout);
	execl("/proc/self/exe", "fdbudget", "child", (char *)NULL);
	return 2;
}
