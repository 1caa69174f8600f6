/* errpaths: error returns in the order the kernel checks them, and the
 * argument checks programs rely on: clock_nanosleep/nanosleep with bad
 * pointers, epoll_ctl's errors, prctl(PR_GET_PDEATHSIG), sendto/recvfrom/
 * recvmsg with bad buffers and lengths, signalfd on bad descriptors,
 * POSIX timers (every clock, every sigevent kind, settime's errors,
 * overrun saturation), tgkill at RLIMIT_SIGPENDING, SA_RESETHAND as the
 * handler sees it, pselect6/ppoll across signals that are not the
 * guest's business, clone3 with a bad pidfd pointer, ioctl on O_PATH,
 * name_to_handle_at/open_by_handle_at, personality(UNAME26).
 * usage: errpaths (run as root for the setuid part; the cwd is writable) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

#define BAD ((void *)-1)

/* none is a page nobody may touch; edge is a writable page followed by one. */
static char *none, *edge;

static void on_sig(int s) { (void)s; }

static void arm_alarm_ms(int ms)
{
	struct itimerval it = {{0, 0}, {0, ms * 1000}};
	setitimer(ITIMER_REAL, &it, NULL);
}

static void sleeps(void)
{
	struct sigaction sa = {.sa_handler = on_sig};
	sigaction(SIGALRM, &sa, NULL);
	struct timespec req = {5, 0}, bad = {0, 2000000000};
	show("clock_nanosleep bad req", syscall(SYS_clock_nanosleep, CLOCK_REALTIME, 0, BAD, NULL));
	show("clock_nanosleep bad clock, bad req", syscall(SYS_clock_nanosleep, 12345, 0, BAD, NULL));
	show("clock_nanosleep thread cputime", syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL));
	show("clock_nanosleep nsec 2e9", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL));
	arm_alarm_ms(30);
	show("clock_nanosleep interrupted, rem (void*)-1", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, BAD));
	arm_alarm_ms(30);
	show("clock_nanosleep interrupted, rem PROT_NONE", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, none));
	arm_alarm_ms(30);
	show("nanosleep interrupted, rem PROT_NONE", syscall(SYS_nanosleep, &req, none));
	struct timespec rem = {0, 0};
	arm_alarm_ms(30);
	show("clock_nanosleep interrupted", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, &rem));
	printf("rem between 4 and 5 s %d\n", rem.tv_sec == 4);
}

static void epolls(void)
{
	int ep = epoll_create1(0), p[2];
	if (pipe(p) < 0)
		return;
	struct epoll_event ev = {.events = EPOLLIN};
	show("epoll_ctl ADD NULL event", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], NULL));
	show("epoll_ctl MOD NULL event", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], NULL));
	show("epoll_ctl DEL unregistered", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], &ev));
	show("epoll_ctl MOD unregistered", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	show("epoll_ctl ADD", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	show("epoll_ctl ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	show("epoll_ctl ADD bad event pointer", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], BAD));
	show("epoll_ctl ADD itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	show("epoll_ctl on a pipe", epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev));
	show("epoll_ctl bad op", epoll_ctl(ep, 99, p[0], &ev));
	show("epoll_ctl bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev));
	int f = open("/proc/self/exe", O_RDONLY);
	show("epoll_ctl regular file", epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev));
	show("epoll_ctl DEL NULL event", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	show("epoll_ctl DEL again", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	close(f), close(ep), close(p[0]), close(p[1]);
}

static void prctls(void)
{
	int sig = -1;
	show("PR_SET_PDEATHSIG SIGUSR2", prctl(PR_SET_PDEATHSIG, SIGUSR2));
	show("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &sig));
	printf("pdeathsig %d\n", sig);
	show("PR_GET_PDEATHSIG bad pointer", prctl(PR_GET_PDEATHSIG, BAD));
	show("PR_SET_PDEATHSIG 99", prctl(PR_SET_PDEATHSIG, 99));
	show("PR_SET_PDEATHSIG 0", prctl(PR_SET_PDEATHSIG, 0));
	prctl(PR_GET_PDEATHSIG, &sig);
	printf("pdeathsig %d\n", sig);
}

/* udp returns a bound UDP socket on 127.0.0.1 and its address. */
static int udp(struct sockaddr_in *a)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t n = sizeof(*a);
	*a = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(s, (struct sockaddr *)a, n);
	getsockname(s, (struct sockaddr *)a, &n);
	return s;
}

static void sock_send_errors(int s, struct sockaddr_in *to)
{
	socklen_t n = sizeof(*to);
	show("sendto bad buffer", sendto(s, BAD, 8, 0, (struct sockaddr *)to, n));
	show("sendto bad buffer, bad fd", sendto(999, BAD, 8, 0, (struct sockaddr *)to, n));
	show("sendto PROT_NONE buffer, bad fd", sendto(999, none, 8, 0, (struct sockaddr *)to, n));
	show("sendto PROT_NONE buffer", sendto(s, none, 8, 0, (struct sockaddr *)to, n));
	show("sendto buffer running into PROT_NONE", sendto(s, edge + 4096 - 8, 64, 0, (struct sockaddr *)to, n));
	show("sendto addrlen -1", sendto(s, "x", 1, 0, (struct sockaddr *)to, -1));
	show("sendto addrlen 4096", sendto(s, "x", 1, 0, (struct sockaddr *)to, 4096));
	show("sendto bad address", sendto(s, "x", 1, 0, BAD, n));
	int dn = open("/dev/null", O_RDONLY);
	show("sendto not a socket", sendto(dn, "x", 1, 0, NULL, 0));
	close(dn);
}

static void sock_recv_errors(int s, int r, struct sockaddr_in *to)
{
	socklen_t n = sizeof(*to);
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	char buf[64];
	show("recvfrom bad buffer, bad fd", recvfrom(999, BAD, 8, MSG_DONTWAIT, NULL, NULL));
	show("recvfrom empty", recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL));
	sendto(s, "datagram", 8, 0, (struct sockaddr *)to, n);
	show("recvfrom bad buffer", recvfrom(r, BAD, 8, MSG_DONTWAIT, NULL, NULL));
	sendto(s, "datagram", 8, 0, (struct sockaddr *)to, n);
	show("recvfrom PROT_NONE buffer", recvfrom(r, none, 8, MSG_DONTWAIT, NULL, NULL));
	sendto(s, "datagram", 8, 0, (struct sockaddr *)to, n);
	show("recvfrom length past the mapping", recvfrom(r, edge + 4096 - 16, 4096, MSG_DONTWAIT, NULL, NULL));
	sendto(s, "datagram", 8, 0, (struct sockaddr *)to, n);
	int neg = -1;
	show("recvfrom addrlen -1", recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, (socklen_t *)&neg));
	sendto(s, "datagram", 8, 0, (struct sockaddr *)to, n);
	show("recvfrom bad addrlen pointer", recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, BAD));
	sendto(s, "datagram", 8, 0, (struct sockaddr *)to, n);
	show("recvfrom bad address", recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT, BAD, &fl));
	sendto(s, "datagram", 8, 0, (struct sockaddr *)to, n);
	fl = 2;
	show("recvfrom short addrlen", recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl));
	printf("addrlen now %u\n", fl);
}

static void sock_msg_errors(int s, int r, struct sockaddr_in *to)
{
	socklen_t n = sizeof(*to);
	char buf[64];
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	show("recvmsg bad msghdr", recvmsg(r, BAD, MSG_DONTWAIT));
	show("recvmsg bad msghdr, bad fd", recvmsg(999, BAD, MSG_DONTWAIT));
	sendto(s, "datagram", 8, 0, (struct sockaddr *)to, n);
	struct iovec badiov = {BAD, 8};
	struct msghdr mb = {.msg_iov = &badiov, .msg_iovlen = 1};
	show("recvmsg bad iov base", recvmsg(r, &mb, MSG_DONTWAIT));
	mb.msg_iov = BAD;
	show("recvmsg bad iov array", recvmsg(r, &mb, MSG_DONTWAIT));
	mb.msg_iov = &iov;
	mb.msg_iovlen = 2000;
	show("recvmsg iovlen 2000", recvmsg(r, &mb, MSG_DONTWAIT));
	sendto(s, "datagram", 8, 0, (struct sockaddr *)to, n);
	m.msg_name = BAD;
	m.msg_namelen = sizeof(struct sockaddr_in);
	show("recvmsg bad name", recvmsg(r, &m, MSG_DONTWAIT));
	sendto(s, "datagram", 8, 0, (struct sockaddr *)to, n);
	m.msg_name = NULL;
	m.msg_control = BAD;
	m.msg_controllen = 64;
	show("recvmsg bad control", recvmsg(r, &m, MSG_DONTWAIT));
	m.msg_control = NULL;
	m.msg_controllen = 0;
	show("recvmsg drained", recvmsg(r, &m, MSG_DONTWAIT));
	struct msghdr sm = {.msg_iov = &badiov, .msg_iovlen = 1, .msg_name = to, .msg_namelen = n};
	show("sendmsg bad iov base", sendmsg(s, &sm, 0));
}

static void sockets(void)
{
	struct sockaddr_in sa, ra;
	int s = udp(&sa), r = udp(&ra);
	sock_send_errors(s, &ra);
	sock_recv_errors(s, r, &ra);
	sock_msg_errors(s, r, &ra);
	close(s), close(r);
}

static void signalfds(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	show("signalfd bad fd", signalfd(999, &m, 0));
	show("signalfd not a signalfd", signalfd(0, &m, 0));
	show("signalfd bad flags", syscall(SYS_signalfd4, -1, &m, 8, 0x1));
	show("signalfd bad flags, bad mask", syscall(SYS_signalfd4, -1, BAD, 8, 0x1));
	show("signalfd bad size, bad mask", syscall(SYS_signalfd4, -1, BAD, 4, 0));
	show("signalfd bad flags, bad fd", syscall(SYS_signalfd4, 999, &m, 8, 0x1));
	int fd = signalfd(-1, &m, 0);
	show("signalfd", fd >= 0 ? 0 : -1);
	show("signalfd update", signalfd(fd, &m, 0) == fd ? 0 : -1);
	close(fd);
}

static void ioctls(void)
{
	int fd = open("/dev/null", O_PATH), n = 0;
	struct termios tio;
	show("ioctl TCGETS on O_PATH", ioctl(fd, TCGETS, &tio));
	show("ioctl FIONREAD on O_PATH", ioctl(fd, FIONREAD, &n));
	show("ioctl FIOCLEX on O_PATH", ioctl(fd, FIOCLEX));
	show("ioctl unknown on O_PATH", ioctl(fd, 0x1234abcd, 0));
	show("ioctl unknown on a closed fd", ioctl(999, 0x1234abcd, 0));
	show("ioctl TCGETS bad pointer on a closed fd", ioctl(999, TCGETS, BAD));
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	show("ioctl TCGETS on /dev/null", ioctl(fd, TCGETS, &tio));
	show("ioctl FIONREAD on /dev/null", ioctl(fd, FIONREAD, &n));
	close(fd);
}

/* struct file_handle with room for the largest handle (MAX_HANDLE_SZ). */
struct handle128 {
	unsigned int handle_bytes;
	int handle_type;
	unsigned char f_handle[128];
};

static void handles(void)
{
	int fd = open("handled", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (write(fd, "by handle\n", 10) != 10)
		return;
	close(fd);
	struct handle128 h = {.handle_bytes = 0};
	int mnt = -1;
	show("name_to_handle_at size 0", name_to_handle_at(AT_FDCWD, "handled", (struct file_handle *)&h, &mnt, 0));
	printf("needed bytes > 0 %d\n", h.handle_bytes > 0);
	h.handle_bytes = 129;
	show("name_to_handle_at size 129", name_to_handle_at(AT_FDCWD, "handled", (struct file_handle *)&h, &mnt, 0));
	h.handle_bytes = 128;
	show("name_to_handle_at bad flags", name_to_handle_at(AT_FDCWD, "handled", (struct file_handle *)&h, &mnt, 0x8000));
	show("name_to_handle_at missing", name_to_handle_at(AT_FDCWD, "missing", (struct file_handle *)&h, &mnt, 0));
	show("name_to_handle_at bad handle", name_to_handle_at(AT_FDCWD, "handled", BAD, &mnt, 0));
	show("name_to_handle_at bad mount id", name_to_handle_at(AT_FDCWD, "handled", (struct file_handle *)&h, BAD, 0));
	h.handle_bytes = 128;
	show("name_to_handle_at", name_to_handle_at(AT_FDCWD, "handled", (struct file_handle *)&h, &mnt, 0));
	printf("mount id >= 0 %d, bytes <= 128 %d\n", mnt >= 0, h.handle_bytes <= 128);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	fd = open_by_handle_at(dir, (struct file_handle *)&h, O_RDONLY);
	show("open_by_handle_at", fd >= 0 ? 0 : -1);
	char buf[32] = {0};
	if (fd >= 0) {
		show("read by handle", read(fd, buf, sizeof(buf) - 1));
		printf("%s", buf);
		printf("cloexec %d\n", fcntl(fd, F_GETFD));
		close(fd);
	}
	fd = open_by_handle_at(dir, (struct file_handle *)&h, O_RDONLY | O_CLOEXEC);
	printf("O_CLOEXEC cloexec %d\n", fcntl(fd, F_GETFD));
	close(fd);
	show("open_by_handle_at O_DIRECTORY on a file", open_by_handle_at(dir, (struct file_handle *)&h, O_RDONLY | O_DIRECTORY));
	show("open_by_handle_at bad handle", open_by_handle_at(dir, BAD, O_RDONLY));
	show("open_by_handle_at bad mount fd", open_by_handle_at(999, (struct file_handle *)&h, O_RDONLY));
	h.handle_bytes = 0;
	show("open_by_handle_at size 0", open_by_handle_at(dir, (struct file_handle *)&h, O_RDONLY));
	close(dir);
}

static void personas(void)
{
	show("personality query", personality(0xffffffff));
	show("personality UNAME26", personality(PER_LINUX | UNAME26));
	struct utsname u;
	uname(&u);
	printf("release starts with 2.6. %d\n", strncmp(u.release, "2.6.", 4) == 0);
	show("personality query", personality(0xffffffff));
	show("personality back", personality(PER_LINUX));
	uname(&u);
	printf("release starts with 2.6. %d\n", strncmp(u.release, "2.6.", 4) == 0);
	show("personality query", personality(0xffffffff));
}

/* A child's exit (SIGCHLD, ignored by default) and a signal the caller
 * blocks arrive while select and ppoll wait: neither ends the wait. */
static void waits(void)
{
	sigset_t m, old;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigprocmask(SIG_BLOCK, &m, &old);
	int p[2];
	if (pipe(p) < 0)
		return;
	pid_t parent = getpid();
	pid_t c = fork();
	if (c == 0) {
		usleep(20000);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct timeval tv = {0, 200000};
	show("select across SIGCHLD and a blocked signal", select(p[0] + 1, &rs, NULL, NULL, &tv));
	waitpid(c, NULL, 0);
	c = fork();
	if (c == 0) {
		usleep(20000);
		_exit(0);
	}
	struct pollfd pf = {p[0], POLLIN, 0};
	struct timespec ts = {0, 200000000};
	show("ppoll across SIGCHLD", ppoll(&pf, 1, &ts, NULL));
	waitpid(c, NULL, 0);
	siginfo_t si;
	struct timespec zero = {0, 0};
	show("SIGUSR1 still pending", sigtimedwait(&m, &si, &zero));
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[0]), close(p[1]);
}

static void clone3s(void)
{
	struct clone_args ca = {.flags = CLONE_PIDFD, .exit_signal = SIGCHLD, .pidfd = (uint64_t)(uintptr_t)BAD};
	show("clone3 CLONE_PIDFD pidfd (void*)-1", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.pidfd = (uint64_t)(uintptr_t)none;
	show("clone3 CLONE_PIDFD pidfd PROT_NONE", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.pidfd = 0;
	show("clone3 CLONE_PIDFD pidfd NULL", syscall(SYS_clone3, &ca, sizeof(ca)));
	show("no child was made", waitpid(-1, NULL, WNOHANG));
	int pidfd = -1;
	ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(7);
	int st;
	printf("clone3 child made %d, pidfd set %d\n", pid > 0, pidfd >= 0);
	waitpid(pid, &st, 0);
	printf("child exit %d\n", WEXITSTATUS(st));
	close(pidfd);
	show("clone3 bad args", syscall(SYS_clone3, BAD, sizeof(ca)));
}

/* Pass-through calls: the buffer is the kernel's to check, after the
 * descriptor and the path. */
static void passthrough(void)
{
	show("fgetxattr bad fd, bad buffer", fgetxattr(999, "user.x", BAD, 16));
	show("getxattr missing path, bad buffer", getxattr("missing", "user.x", BAD, 16));
	int fd = open("xattr-file", O_CREAT | O_RDWR, 0644);
	show("fsetxattr", fsetxattr(fd, "user.k", "value", 5, 0));
	show("fgetxattr size past the mapping", fgetxattr(fd, "user.k", edge + 4096 - 8, 64));
	show("fgetxattr into PROT_NONE", fgetxattr(fd, "user.k", none, 64));
	show("fsetxattr from PROT_NONE", fsetxattr(fd, "user.k", none, 5, 0));
	show("read bad fd, bad buffer", read(999, BAD, 16));
	show("read at end of file into PROT_NONE", read(fd, none, 16));
	show("pread past the end into PROT_NONE", pread(fd, none, 16, 1 << 20));
	show("write from PROT_NONE", write(fd, none, 16));
	show("write bad fd, bad buffer", write(999, BAD, 16));
	show("read into PROT_NONE", pread(open("/proc/self/exe", O_RDONLY), none, 16, 0));
	unsigned cpu = 99;
	show("getcpu bad node pointer", syscall(SYS_getcpu, &cpu, BAD, NULL));
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	edge = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(edge + 4096, 4096, PROT_NONE);
	sleeps();
	epolls();
	prctls();
	sockets();
	signalfds();
	ioctls();
	handles();
	personas();
	waits();
	clone3s();
	passthrough();
	return 0;
}
