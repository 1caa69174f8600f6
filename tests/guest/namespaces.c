/* namespaces: unshare, setns and clone's CLONE_NEW* flags, each in a
 * child so the test leaves the machine as it was. Needs root (CI runs as
 * root); the output is compared with a native run.
 * usage: namespaces */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* run_in runs fn in the child a clone call returned pid to; the child's
 * exit status (-errno when there is no child). */
static int run_in(long pid, int (*fn)(void))
{
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(fn());
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* run fn in a child forked with clone(flags | SIGCHLD); its exit status */
static int in_child(int (*fn)(void), unsigned long flags)
{
	return run_in(syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0), fn);
}

static int hostname_is(const char *name)
{
	struct utsname u;
	return uname(&u) == 0 && strcmp(u.nodename, name) == 0;
}

static char original[65];

/* unshare(CLONE_NEWUTS): the new name is the child's alone. */
static int uts_unshare(void)
{
	if (unshare(CLONE_NEWUTS) != 0)
		return 10;
	if (sethostname("gemu-ns-a", 9) != 0)
		return 11;
	return hostname_is("gemu-ns-a") ? 0 : 12;
}

static int uts_cloned(void)
{
	return sethostname("gemu-ns-b", 9) == 0 && hostname_is("gemu-ns-b") ? 0 : 20;
}

/* clone(CLONE_NEWPID): the child is pid 1 of its namespace and the
 * parent of its own children there. (Their pid numbers are not checked:
 * gemu's own threads take pids too.) */
static int pid_child(void)
{
	if (getpid() != 1)
		return 30;
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t me = getpid();
		write(p[1], &me, sizeof me);
		_exit(getppid() == 1 ? 0 : 1);
	}
	pid_t seen = 0;
	read(p[0], &seen, sizeof seen);
	int st;
	waitpid(pid, &st, 0);
	return seen == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 31;
}

/* A new network namespace has only lo, and it is down (getifaddrs reads
 * the links through NETLINK_ROUTE). */
static int net_child(void)
{
	if (unshare(CLONE_NEWNET) != 0)
		return 40;
	struct ifaddrs *all;
	if (getifaddrs(&all) != 0)
		return 41;
	int links = 0, up = 0, lo = 0;
	for (struct ifaddrs *i = all; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_PACKET)
			continue;
		links++;
		up += (i->ifa_flags & IFF_UP) != 0;
		lo += strcmp(i->ifa_name, "lo") == 0;
	}
	freeifaddrs(all);
	return links == 1 && lo == 1 && up == 0 ? 0 : 42;
}

/* unshare(CLONE_NEWNS) and a tmpfs mount the parent does not see. */
static char dir[64];

static int mnt_child(void)
{
	if (unshare(CLONE_NEWNS) != 0)
		return 50;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return 51;
	if (mount("gemu", dir, "tmpfs", 0, "size=64k") != 0)
		return 52;
	char f[96];
	snprintf(f, sizeof f, "%s/inside", dir);
	int fd = open(f, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		return 53;
	close(fd);
	struct stat st;
	return stat(f, &st) == 0 ? 0 : 54;
}

/* clone(CLONE_NEWUSER): an unmapped uid is the overflow uid 65534. */
static int user_child(void)
{
	return getuid() == 65534 && geteuid() == 65534 ? 0 : 60;
}

/* setns back into the original UTS namespace through a saved fd. */
static int setns_child(void)
{
	int fd = open("/proc/self/ns/uts", O_RDONLY);
	if (fd < 0 || unshare(CLONE_NEWUTS) != 0 || sethostname("gemu-ns-c", 9) != 0)
		return 70;
	if (setns(fd, CLONE_NEWUTS) != 0)
		return 71;
	return hostname_is(original) ? 0 : 72;
}

/* clone3(CLONE_NEWTIME): the child is in a time namespace of its own
 * (clone's flags cannot say it: 0x80 is the exit signal's there). */
static char parent_time[64];

static int time_child(void)
{
	char buf[64] = {0};
	if (readlink("/proc/self/ns/time", buf, sizeof buf - 1) < 0)
		return 80;
	return strcmp(buf, parent_time) != 0 ? 0 : 81;
}

static int in_clone3_child(int (*fn)(void), unsigned long long flags)
{
	struct {
		unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	} ca = {.flags = flags, .exit_signal = SIGCHLD};
	return run_in(syscall(SYS_clone3, &ca, sizeof ca), fn);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct utsname u;
	uname(&u);
	strcpy(original, u.nodename);
	printf("unshare(CLONE_NEWUTS) + sethostname in a child: %d\n", in_child(uts_unshare, 0));
	printf("clone(CLONE_NEWUTS) + sethostname: %d\n", in_child(uts_cloned, CLONE_NEWUTS));
	printf("the parent's hostname is unchanged: %d\n", hostname_is(original));
	printf("clone(CLONE_NEWPID): child is pid 1 and its children's parent: %d\n", in_child(pid_child, CLONE_NEWPID));
	printf("unshare(CLONE_NEWNET): only lo, down: %d\n", in_child(net_child, 0));
	snprintf(dir, sizeof dir, "/tmp/gemu-ns-%d", (int)getpid());
	mkdir(dir, 0700);
	printf("unshare(CLONE_NEWNS) + tmpfs mount: %d\n", in_child(mnt_child, 0));
	char f[96];
	snprintf(f, sizeof f, "%s/inside", dir);
	struct stat st;
	printf("the parent does not see the mount: %d\n", stat(f, &st) != 0 && errno == ENOENT);
	rmdir(dir);
	printf("clone(CLONE_NEWUSER): uid 65534 until mapped: %d\n", in_child(user_child, CLONE_NEWUSER));
	printf("setns back to the saved UTS namespace: %d\n", in_child(setns_child, 0));
	readlink("/proc/self/ns/time", parent_time, sizeof parent_time - 1);
	printf("clone3(CLONE_NEWTIME): a time namespace of its own: %d\n", in_clone3_child(time_child, 0x80));
	printf("the parent's is unchanged: %d\n", in_child(time_child, 0) == 81);
	printf("unshare of an unknown flag: %s\n",
	       unshare(0x1) == -1 && errno == EINVAL ? "EINVAL" : "?");
	return 0;
}
