/* sysinfo.c: identity and system facts a guest asks about itself. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct utsname u;
	uname(&u);
	printf("sysname %s machine ok %d\n", u.sysname, strcmp(u.machine, argv[2]) == 0);
	char exe[PATH_MAX] = {0};
	readlink("/proc/self/exe", exe, sizeof exe);
	printf("exe matches argv0 %d\n", strcmp(exe, argv[1]) == 0);
	printf("pid==tid %d\n", getpid() == gettid());
	printf("AT_PAGESZ %lu AT_ENTRY set %d AT_PHDR set %d\n", getauxval(AT_PAGESZ),
	       getauxval(AT_ENTRY) != 0, getauxval(AT_PHDR) != 0);
	struct rlimit rl;
	printf("getrlimit %d\n", getrlimit(RLIMIT_NOFILE, &rl));
	struct timespec ts;
	printf("clock_gettime %d sane %d\n", clock_gettime(CLOCK_MONOTONIC, &ts), ts.tv_sec >= 0);
	struct timespec d = {0, 1000000};
	printf("nanosleep %d\n", nanosleep(&d, NULL));
	cpu_set_t set;
	printf("affinity %d\n", sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0);
	int fds[2];
	printf("pipe2 %d\n", pipe2(fds, O_CLOEXEC));
	write(fds[1], "ping", 4);
	char buf[5] = {0};
	read(fds[0], buf, 4);
	printf("pipe read %s cloexec %d\n", buf, fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	int fl = fcntl(fds[0], F_GETFL);
	fcntl(fds[0], F_SETFL, fl | O_NONBLOCK);
	printf("nonblock %d\n", (fcntl(fds[0], F_GETFL) & O_NONBLOCK) != 0);
	int d2 = dup(fds[1]);
	printf("dup %d dup3 %d\n", d2 > fds[1], dup3(fds[1], 20, O_CLOEXEC));
	FILE *f = fopen("/proc/self/cmdline", "r");
	char cl[256] = {0};
	size_t n = fread(cl, 1, sizeof cl, f);
	printf("cmdline argv1 ok %d\n", n > 0 && strcmp(cl + strlen(cl) + 1, argv[1]) == 0);
	return 0;
}
