/* More of the file and process syscall surface: xattrs, inotify, flock,
 * splice/tee/copy_file_range, memfd, pselect6/select, scheduling,
 * capabilities, pidfd, credentials. usage: fileext DIR (an empty
 * directory). Output is the same on every architecture. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "show.h"

static void xattrs(void)
{
	int fd = open("x.txt", O_CREAT | O_WRONLY, 0644);
	close(fd);
	long r = setxattr("x.txt", "user.gemu", "value1", 6, 0);
	if (r < 0 && (errno == ENOTSUP || errno == EPERM)) {
		printf("xattr: not supported here (%s)\n", strerrorname_np(errno));
		return;
	}
	show("setxattr", r);
	char buf[64] = {0};
	show("getxattr", getxattr("x.txt", "user.gemu", buf, sizeof buf));
	printf("value: %s\n", buf);
	show("getxattr size query", getxattr("x.txt", "user.gemu", NULL, 0));
	show("lsetxattr create again", lsetxattr("x.txt", "user.gemu", "v", 1, XATTR_CREATE));
	fd = open("x.txt", O_RDONLY);
	show("fsetxattr", fsetxattr(fd, "user.two", "2", 1, 0));
	memset(buf, 0, sizeof buf);
	long n = flistxattr(fd, buf, sizeof buf);
	show("flistxattr", n);
	int user = 0;
	for (long i = 0; i < n; i += strlen(buf + i) + 1)
		user += strncmp(buf + i, "user.", 5) == 0;
	printf("user attributes: %d\n", user);
	show("fremovexattr", fremovexattr(fd, "user.two"));
	show("removexattr missing", removexattr("x.txt", "user.nope"));
	show("getxattr missing", getxattr("x.txt", "user.two", buf, sizeof buf));
	close(fd);
}

static void inotify(void)
{
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	show("inotify_init1 ok", in >= 0);
	mkdir("watched", 0755);
	int wd = inotify_add_watch(in, "watched", IN_CREATE | IN_DELETE);
	show("inotify_add_watch ok", wd > 0);
	close(open("watched/new", O_CREAT | O_WRONLY, 0644));
	unlink("watched/new");
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n = read(in, buf, sizeof buf);
	for (char *p = buf; n > 0 && p < buf + n;) {
		struct inotify_event *e = (struct inotify_event *)p;
		printf("event %s %s\n", e->mask & IN_CREATE ? "IN_CREATE" : e->mask & IN_DELETE ? "IN_DELETE" : "?",
		       e->len ? e->name : "");
		p += sizeof *e + e->len;
	}
	show("read again (nonblocking)", read(in, buf, sizeof buf));
	show("inotify_rm_watch", inotify_rm_watch(in, wd));
	close(in);
	rmdir("watched");
}

static void locks(void)
{
	int a = open("lock", O_CREAT | O_RDWR, 0644), b = open("lock", O_RDWR);
	show("flock a LOCK_EX", flock(a, LOCK_EX));
	show("flock b LOCK_EX|LOCK_NB", flock(b, LOCK_EX | LOCK_NB));
	show("flock a LOCK_UN", flock(a, LOCK_UN));
	show("flock b LOCK_SH|LOCK_NB", flock(b, LOCK_SH | LOCK_NB));
	close(a);
	close(b);
}

static void moving(void)
{
	int f = open("src", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(f, "0123456789abcdef", 16);
	int p[2], q[2];
	pipe(p);
	pipe(q);
	loff_t off = 4;
	show("splice file->pipe", splice(f, &off, p[1], NULL, 8, 0));
	printf("offset after splice: %lld\n", (long long)off);
	show("tee pipe->pipe", tee(p[0], q[1], 8, 0));
	char a[16] = {0}, b[16] = {0};
	read(p[0], a, 8);
	read(q[0], b, 8);
	printf("pipe: %s tee copy: %s\n", a, b);
	int g = open("dst", O_CREAT | O_RDWR | O_TRUNC, 0644);
	loff_t in = 10, outo = 0;
	show("copy_file_range", copy_file_range(f, &in, g, &outo, 6, 0));
	printf("offsets: in %lld out %lld\n", (long long)in, (long long)outo);
	memset(a, 0, sizeof a);
	pread(g, a, sizeof a - 1, 0);
	printf("dst: %s\n", a);
	/* sendfile(out, in, offset, count): file -> pipe, with and without an offset */
	off_t so = 2;
	show("sendfile with offset", sendfile(p[1], f, &so, 5));
	printf("sendfile offset now %lld\n", (long long)so);
	lseek(f, 10, SEEK_SET);
	show("sendfile at file position", sendfile(p[1], f, NULL, 3));
	memset(a, 0, sizeof a);
	show("read pipe", read(p[0], a, 8));
	printf("sendfile data: %s, file position %lld\n", a, (long long)lseek(f, 0, SEEK_CUR));
	int m = memfd_create("gemu-memfd", MFD_CLOEXEC);
	show("memfd write", write(m, "memfd!", 6));
	struct stat st;
	fstat(m, &st);
	printf("memfd size %lld, fd flags cloexec %d\n", (long long)st.st_size, (fcntl(m, F_GETFD) & FD_CLOEXEC) != 0);
	show("syncfs", syncfs(f));
	sync();
	show("fdatasync", fdatasync(g));
	close(m);
	close(f);
	close(g);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

static void on_alarm(int s) { (void)s; }

static void selecting(void)
{
	int p[2];
	pipe(p);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = {0, 20000};
	show("select empty pipe (timeout)", select(p[0] + 1, &r, NULL, NULL, &tv));
	write(p[1], "x", 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	fd_set w;
	FD_ZERO(&w);
	FD_SET(p[1], &w);
	tv = (struct timeval){1, 0};
	show("select readable+writable", select(p[1] + 1, &r, &w, NULL, &tv));
	printf("read set %d write set %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));

	/* pselect with SIGALRM blocked outside and unblocked inside: the
	 * handler runs and pselect returns EINTR. */
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);
	sigset_t block, none;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&none);
	struct itimerval it = {.it_value = {0, 30000}};
	setitimer(ITIMER_REAL, &it, NULL);
	char c;
	read(p[0], &c, 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	show("pselect with SIGALRM unblocked", pselect(p[0] + 1, &r, NULL, NULL, NULL, &none));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	close(p[0]);
	close(p[1]);
}

static void timers(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	show("timerfd_create ok", fd >= 0);
	struct itimerspec its = {.it_interval = {0, 10000000}, .it_value = {0, 10000000}}, old;
	show("timerfd_settime", timerfd_settime(fd, 0, &its, &old));
	printf("old value zero %d\n", old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0);
	unsigned long long ticks = 0;
	show("read timerfd", read(fd, &ticks, sizeof ticks));
	printf("ticks >= 1: %d\n", ticks >= 1);
	struct itimerspec cur;
	show("timerfd_gettime", timerfd_gettime(fd, &cur));
	printf("interval kept %d\n", cur.it_interval.tv_nsec == 10000000);
	close(fd);
}

/* signalfd: blocked signals read as records, poll sees them. */
static void sigfd(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, NULL);
	int fd = signalfd(-1, &m, SFD_CLOEXEC | SFD_NONBLOCK);
	show("signalfd ok", fd >= 0);
	struct signalfd_siginfo si[4];
	show("read with nothing pending", read(fd, si, sizeof si));
	kill(getpid(), SIGUSR1);
	union sigval v = {.sival_int = 42};
	sigqueue(getpid(), SIGUSR2, v);
	struct pollfd pfd = {fd, POLLIN, 0};
	show("poll", poll(&pfd, 1, 1000));
	printf("POLLIN %d\n", (pfd.revents & POLLIN) != 0);
	ssize_t n = read(fd, si, sizeof si);
	printf("read %zd bytes = %zd records\n", n, n / (ssize_t)sizeof si[0]);
	for (int i = 0; i < n / (ssize_t)sizeof si[0]; i++)
		printf("  signo %s code %s pid ours %d int %d\n", strsignal(si[i].ssi_signo),
		       si[i].ssi_code == SI_USER ? "SI_USER" : si[i].ssi_code == SI_QUEUE ? "SI_QUEUE" : "?",
		       si[i].ssi_pid == (unsigned)getpid(), si[i].ssi_int);
	show("read drained", read(fd, si, sizeof si));
	show("read short buffer", read(fd, si, 100));
	close(fd);
	sigprocmask(SIG_UNBLOCK, &m, NULL);
}

/* mincore's errors and answers; a huge mmap is ENOMEM. */
static void memory(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 3 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	unsigned char v[3];
	show("mincore", mincore(p, 3 * ps, v));
	printf("touched page resident %d\n", v[0] & 1);
	munmap(p + ps, ps);
	show("mincore over a hole", mincore(p, 3 * ps, v));
	/* (a misaligned address is EINVAL: checked by make conformance,
	 * runtime TestMincoreErrorSign; qemu-user 7.2 says ENOMEM) */
	void *q = mmap(NULL, ~(size_t)0 & ~(size_t)(ps - 1), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	show("mmap of almost 2^64 bytes", q == MAP_FAILED ? -1 : 0);
	show("mmap of 0 bytes", mmap(NULL, 0, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0);
}

static void sched(void)
{
	show("sched_getscheduler", sched_getscheduler(0));
	struct sched_param sp;
	show("sched_getparam", sched_getparam(0, &sp));
	printf("priority %d\n", sp.sched_priority);
	show("sched_get_priority_max(SCHED_FIFO)", sched_get_priority_max(SCHED_FIFO));
	show("sched_get_priority_min(SCHED_RR)", sched_get_priority_min(SCHED_RR));
	errno = 0;
	int prio = getpriority(PRIO_PROCESS, 0);
	printf("getpriority: %d errno %d\n", prio, errno);
	show("setpriority +0", setpriority(PRIO_PROCESS, 0, prio));
	unsigned cpu = 99, node = 99;
	show("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
	printf("cpu valid %d\n", cpu < 4096);
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	show("capget", syscall(SYS_capget, &h, d));
	printf("cap version %#x\n", h.version);
	int pfd = syscall(SYS_pidfd_open, getpid(), 0);
	show("pidfd_open ok", pfd >= 0);
	close(pfd);
	show("setresuid(-1,-1,-1)", setresuid(-1, -1, -1));
	show("setgid(getgid())", setgid(getgid()));
}

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: fileext DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	xattrs();
	inotify();
	locks();
	moving();
	selecting();
	timers();
	sigfd();
	memory();
	sched();
	return 0;
}
