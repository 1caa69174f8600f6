/* execbusy: execve of a program open for writing fails with ETXTBSY (and
 * works once the writer is gone); dnotify (F_NOTIFY) raises SIGIO, or the
 * F_SETSIG signal with si_fd, when a directory changes; connect to a
 * listener in a loop, accepted by another thread, never stalls;
 * execveat with AT_EXECVE_CHECK checks without executing.
 * usage: execbusy DIR (an empty directory) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

/* copy writes a copy of this program to path and returns a descriptor
 * still open for writing. */
static int copy(const char *path)
{
	int in = open("/proc/self/exe", O_RDONLY), out = open(path, O_CREAT | O_RDWR | O_TRUNC, 0755);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			break;
	close(in);
	return out;
}

/* run executes path with the argument "ran" in a child and prints the
 * exit status, or the error of a failed execve. */
static void run(const char *label, const char *path)
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		execl(path, path, "ran", (char *)NULL);
		printf("%s: -1 %s\n", label, strerrorname_np(errno));
		fflush(stdout);
		_exit(1);
	}
	int st;
	waitpid(c, &st, 0);
	if (WEXITSTATUS(st) != 1)
		printf("%s: exit %d\n", label, WEXITSTATUS(st));
}

static void exec_busy(void)
{
	int w = copy("prog");
	run("execve while open for writing", "./prog");
	close(w);
	run("execve after close", "./prog");
	int r = open("prog", O_RDONLY);
	run("execve with a reader", "./prog");
	close(r);
	int sw = open("script", O_CREAT | O_RDWR | O_TRUNC, 0755);
	if (write(sw, "#!./prog\n", 9) != 9)
		return;
	run("execve of a script open for writing", "./script");
	close(sw);
	run("execve of the script after close", "./script");
}

#ifndef AT_EXECVE_CHECK
#define AT_EXECVE_CHECK 0x10000
#endif

static long check(int dirfd, const char *path, char **argv, int flags)
{
	char *env[] = {NULL};
	return syscall(SYS_execveat, dirfd, path, argv, env, flags | AT_EXECVE_CHECK);
}

/* exec_check: AT_EXECVE_CHECK opens and checks the file (permissions,
 * a writer), then argv, and executes nothing. */
static void exec_check(void)
{
	char *argv[] = {"prog", NULL};
	show("AT_EXECVE_CHECK of a program", check(AT_FDCWD, "./prog", argv, 0));
	int w = open("prog", O_WRONLY);
	show("AT_EXECVE_CHECK while open for writing", check(AT_FDCWD, "./prog", argv, 0));
	close(w);
	int d = open("data", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	close(d);
	show("AT_EXECVE_CHECK of a file without x", check(AT_FDCWD, "./data", argv, 0));
	show("AT_EXECVE_CHECK of no file", check(AT_FDCWD, "./none", argv, 0));
	show("AT_EXECVE_CHECK with a bad argv", check(AT_FDCWD, "./prog", (char **)8, 0));
	show("AT_EXECVE_CHECK of no file with a bad argv", check(AT_FDCWD, "./none", (char **)8, 0));
	int fd = open("prog", O_RDONLY);
	show("AT_EXECVE_CHECK of a descriptor", check(fd, "", argv, AT_EMPTY_PATH));
	close(fd);
	show("AT_EXECVE_CHECK with an unknown flag", check(AT_FDCWD, "./prog", argv, 0x40000));
}

static volatile sig_atomic_t got_sig, got_fd;

static void on_note(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_fd = si->si_fd;
}

/* notify asks for change notes on a new directory, makes a change with
 * the signal blocked, and takes it with sigsuspend. */
static void notify(int sig)
{
	char dir[32];
	snprintf(dir, sizeof(dir), "watched%d", sig);
	mkdir(dir, 0755);
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	struct sigaction sa = {.sa_sigaction = on_note, .sa_flags = SA_SIGINFO};
	sigaction(sig, &sa, NULL);
	sigset_t m, old;
	sigemptyset(&m);
	sigaddset(&m, sig);
	sigprocmask(SIG_BLOCK, &m, &old);
	if (sig != SIGIO)
		show("F_SETSIG", fcntl(d, F_SETSIG, sig));
	show("F_NOTIFY DN_CREATE", fcntl(d, F_NOTIFY, DN_CREATE));
	got_sig = got_fd = 0;
	char name[64];
	snprintf(name, sizeof(name), "%s/new", dir);
	close(open(name, O_CREAT | O_WRONLY, 0644));
	sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("note: signal %s, si_fd is the directory %d\n", sigabbrev_np(got_sig) ? sigabbrev_np(got_sig) : "RT",
	       sig == SIGIO || got_fd == d);
	show("F_NOTIFY on a file", fcntl(open(name, O_RDONLY), F_NOTIFY, DN_CREATE));
	close(d);
}

static int listener;

static void *acceptor(void *arg)
{
	long n = (long)arg;
	for (long i = 0; i < n; i++) {
		int c = accept(listener, NULL, NULL);
		if (c < 0)
			break;
		close(c);
	}
	return NULL;
}

/* nonblocking_connect calls connect until it reports the connection:
 * EINPROGRESS, then EALREADY while it is under way, then EISCONN. */
static void nonblocking_connect(struct sockaddr_in *a)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r, calls = 0, first = 0;
	while ((r = connect(s, (struct sockaddr *)a, sizeof(*a))) < 0 && calls < 1000000) {
		if (calls++ == 0)
			first = errno;
		if (errno != EINPROGRESS && errno != EALREADY)
			break;
	}
	printf("nonblocking connect: first %s, then %s\n", strerrorname_np(first), r == 0 ? "0" : strerrorname_np(errno));
	close(s);
}

static void connect_loop(long n)
{
	listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	bind(listener, (struct sockaddr *)&a, len);
	getsockname(listener, (struct sockaddr *)&a, &len);
	listen(listener, 4096);
	pthread_t th;
	pthread_create(&th, NULL, acceptor, (void *)(n + 1));
	nonblocking_connect(&a);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long ok = 0;
	for (long i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(s, (struct sockaddr *)&a, len) == 0)
			ok++;
		close(s);
	}
	pthread_join(th, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("connect loop: %ld of %ld connected, under 10 s %d\n", ok, n, secs < 10);
	close(listener);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "ran") == 0)
		return 5;
	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	exec_busy();
	exec_check();
	notify(SIGIO);
	notify(SIGRTMIN + 2);
	connect_loop(argc > 2 ? atol(argv[2]) : 2000);
	return 0;
}
