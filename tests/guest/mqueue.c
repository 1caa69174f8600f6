/* mqueue: POSIX message queues (mq_open, mq_timedsend/receive by
 * priority, mq_getsetattr, mq_notify with SIGEV_SIGNAL, mq_unlink) and
 * their errors, then calls that cross as they are: the mount API on a
 * detached tmpfs (fsopen, fsconfig, fsmount, no mount table change),
 * kcmp, membarrier, cachestat, memfd_secret, syslog's buffer size.
 * Root for the mount API and syslog; otherwise those lines say EPERM
 * natively too.
 * usage: mqueue */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

/* The numbers are asm-generic's, the same on every guest and x86_64
 * from 424 on (include/uapi/asm-generic/unistd.h). */
#ifndef SYS_fsopen
#define SYS_fsopen 430
#define SYS_fsconfig 431
#define SYS_fsmount 432
#endif
#ifndef SYS_cachestat
#define SYS_cachestat 451
#endif
#ifndef SYS_memfd_secret
#define SYS_memfd_secret 447
#endif

static volatile sig_atomic_t notified, notify_code;

static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
	(void)sig, (void)ctx;
	notified = 1;
	notify_code = si->si_code;
}

static volatile sig_atomic_t thread_value;

static void on_message(union sigval v) { thread_value = v.sival_int; }

static void queues(void)
{
	char name[64];
	snprintf(name, sizeof name, "/gemu-mq-%d", getpid());
	struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 32};
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	show("mq_open create", q >= 0);
	show("mq_open O_EXCL again", mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr));
	show("mq_open a missing queue", mq_open("/gemu-mq-missing", O_RDONLY));
	show("mq_open a name with a slash inside", mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL));
	struct mq_attr bad = {.mq_maxmsg = 0, .mq_msgsize = 32};
	show("mq_open mq_maxmsg 0", mq_open("/gemu-mq-bad", O_RDWR | O_CREAT, 0600, &bad));

	show("send prio 1", mq_send(q, "low", 4, 1));
	show("send prio 9", mq_send(q, "high", 5, 9));
	show("send prio 5", mq_send(q, "middle", 7, 5));
	show("send too long", mq_send(q, "0123456789012345678901234567890123456789", 40, 0));
	struct mq_attr got;
	show("mq_getattr", mq_getattr(q, &got));
	printf("maxmsg %ld msgsize %ld curmsgs %ld flags %lx\n", got.mq_maxmsg, got.mq_msgsize, got.mq_curmsgs,
	       got.mq_flags);
	char buf[64];
	unsigned prio;
	for (int i = 0; i < 3; i++) {
		long n = mq_receive(q, buf, sizeof buf, &prio);
		show("receive", n);
		if (n > 0)
			printf("  %s at prio %u\n", buf, prio);
	}
	show("receive into a short buffer", mq_receive(q, buf, 8, &prio));
	struct timespec past = {0, 0};
	show("timedreceive, empty, timeout passed", mq_timedreceive(q, buf, sizeof buf, &prio, &past));
	struct timespec badns = {0, 2000000000};
	show("timedreceive, empty, bad timeout", mq_timedreceive(q, buf, sizeof buf, &prio, &badns));
	struct mq_attr nb = {.mq_flags = O_NONBLOCK}, old;
	show("mq_setattr O_NONBLOCK", mq_setattr(q, &nb, &old));
	printf("old flags %lx\n", old.mq_flags);
	show("receive, empty, O_NONBLOCK", mq_receive(q, buf, sizeof buf, &prio));

	struct sigaction sa = {.sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO};
	sigaction(SIGUSR1, &sa, NULL);
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	show("mq_notify SIGEV_SIGNAL", mq_notify(q, &ev));
	show("mq_notify again", mq_notify(q, &ev));
	show("send to an empty queue with a notification", mq_send(q, "ping", 5, 0));
	for (int i = 0; i < 200 && !notified; i++)
		usleep(1000);
	printf("notified %d, si_code is SI_MESGQ %d\n", notified, notify_code == SI_MESGQ);
	show("receive the ping", mq_receive(q, buf, sizeof buf, &prio));
	struct sigevent tev = {.sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_message,
			       .sigev_value = {.sival_int = 42}};
	show("mq_notify SIGEV_THREAD", mq_notify(q, &tev));
	show("send again", mq_send(q, "pong", 5, 0));
	for (int i = 0; i < 2000 && !thread_value; i++)
		usleep(1000);
	printf("notification thread got %d\n", thread_value);
	show("mq_notify NULL", mq_notify(q, NULL));
	show("mq_notify on a bad descriptor", mq_notify(-1, NULL));
	show("send on a bad descriptor", mq_send(-1, "x", 1, 0));
	show("mq_close", mq_close(q));
	show("mq_unlink", mq_unlink(name));
	show("mq_unlink again", mq_unlink(name));
}

static void others(void)
{
	int fs = syscall(SYS_fsopen, "tmpfs", 0);
	show("fsopen tmpfs", fs >= 0);
	if (fs >= 0) {
		show("fsconfig size", syscall(SYS_fsconfig, fs, 1 /* FSCONFIG_SET_STRING */, "size", "1m", 0));
		show("fsconfig an unknown key", syscall(SYS_fsconfig, fs, 1, "no-such-key", "1", 0));
		show("fsconfig create", syscall(SYS_fsconfig, fs, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0));
		int mnt = syscall(SYS_fsmount, fs, 0, 0);
		show("fsmount", mnt >= 0);
		if (mnt >= 0) {
			int f = openat(mnt, "file", O_RDWR | O_CREAT, 0600);
			show("a file in the detached mount", f >= 0);
			show("write", write(f, "detached", 8));
			char buf[16] = {0};
			show("pread", pread(f, buf, sizeof buf, 0));
			printf("read back %s\n", buf);
			close(f);
			close(mnt);
		}
		close(fs);
	}
	show("fsopen an unknown file system", syscall(SYS_fsopen, "no-such-fs", 0));

	int fd = open("/proc/self/exe", O_RDONLY);
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	show("kcmp KCMP_FILE of a duplicate", syscall(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, fd, dup));
	show("kcmp of a bad type", syscall(SYS_kcmp, getpid(), getpid(), 99, fd, dup));
	show("membarrier MEMBARRIER_CMD_QUERY has PRIVATE_EXPEDITED",
	     (syscall(SYS_membarrier, 0, 0, 0) & 8) != 0);
	show("membarrier register private expedited", syscall(SYS_membarrier, 16, 0, 0));
	show("membarrier private expedited", syscall(SYS_membarrier, 8, 0, 0));
	show("membarrier an unknown command", syscall(SYS_membarrier, 1 << 20, 0, 0));
	uint64_t range[2] = {0, 0};
	uint64_t cs[5];
	show("cachestat of the program", syscall(SYS_cachestat, fd, range, cs, 0));
	show("cachestat with flags", syscall(SYS_cachestat, fd, range, cs, 1));
	show("cachestat of a bad descriptor", syscall(SYS_cachestat, -1, range, cs, 0));
	close(fd);
	close(dup);
	long secret = syscall(SYS_memfd_secret, 0);
	show("memfd_secret", secret >= 0 ? 0 : secret);
	if (secret >= 0)
		close(secret);
	show("memfd_secret with a bad flag", syscall(SYS_memfd_secret, 1 << 20));
	show("syslog SYSLOG_ACTION_SIZE_BUFFER is positive", syscall(SYS_syslog, 10, NULL, 0) > 0);
	show("syslog an unknown action", syscall(SYS_syslog, 99, NULL, 0));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	queues();
	others();
	return 0;
}
