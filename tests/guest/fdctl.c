/* The descriptor-control part of the syscall surface: fcntl record locks
 * (struct flock, across a fork child) and OFD locks, F_DUPFD*, pipe size,
 * file status flags, memfd seals; eventfd2, poll/ppoll; mknodat and
 * mkfifoat; fallocate, utimensat/futimens, fchmodat/fchownat, statfs,
 * getdents64, renameat2, faccessat2, sync_file_range.
 * usage: fdctl DIR (an empty directory). Output is the same on every
 * architecture. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

static const char *ltype(int t)
{
	return t == F_RDLCK ? "F_RDLCK" : t == F_WRLCK ? "F_WRLCK" : t == F_UNLCK ? "F_UNLCK" : "?";
}

/* A child process asks F_GETLK about bytes the parent locked, tries
 * F_SETLK, then waits in F_SETLKW until the parent unlocks. */
static void record_locks(void)
{
	int fd = open("locks", O_CREAT | O_RDWR, 0644);
	show("write", write(fd, "0123456789abcdef", 16));
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 4, .l_len = 8};
	show("F_SETLK write lock 4..11", fcntl(fd, F_SETLK, &fl));
	int go[2], done[2];
	if (pipe(go) < 0 || pipe(done) < 0)
		return;
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		int cfd = open("locks", O_RDWR);
		struct flock q = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 6};
		show("child F_GETLK read 0..5", fcntl(cfd, F_GETLK, &q));
		printf("child sees %s start %lld len %lld owner is parent %d\n", ltype(q.l_type),
		       (long long)q.l_start, (long long)q.l_len, q.l_pid == getppid());
		struct flock w = {.l_type = F_WRLCK, .l_whence = SEEK_CUR, .l_start = 10, .l_len = 1};
		show("child F_SETLK write 10", fcntl(cfd, F_SETLK, &w));
		struct flock ok = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 12, .l_len = 0};
		show("child F_SETLK write 12..EOF", fcntl(cfd, F_SETLK, &ok));
		fflush(stdout);
		char c = 'g';
		if (write(go[1], &c, 1) != 1)
			_exit(2);
		show("child F_SETLKW write 10 (waits)", fcntl(cfd, F_SETLKW, &w));
		fflush(stdout);
		_exit(0);
	}
	char c;
	if (read(go[0], &c, 1) != 1)
		return;
	struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	show("parent F_GETLK whole file", fcntl(fd, F_GETLK, &q));
	printf("parent sees %s start %lld len %lld owner is child %d\n", ltype(q.l_type),
	       (long long)q.l_start, (long long)q.l_len, q.l_pid == child);
	struct timespec ts = {0, 20000000};
	nanosleep(&ts, NULL);
	fl.l_type = F_UNLCK;
	long unlocked = fcntl(fd, F_SETLK, &fl);
	int st;
	waitpid(child, &st, 0);
	show("parent F_SETLK unlock (before the child's wait ended)", unlocked);
	printf("child exit %d\n", WEXITSTATUS(st));
	struct flock bad = {.l_type = 99, .l_whence = SEEK_SET};
	show("F_SETLK bad type", fcntl(fd, F_SETLK, &bad));
	show("F_GETLK bad pointer", fcntl(fd, F_GETLK, (void *)8));
	close(fd);
	close(go[0]), close(go[1]), close(done[0]), close(done[1]);
}

/* Open-file-description locks conflict between two opens in one process. */
static void ofd_locks(void)
{
	int a = open("locks", O_RDWR), b = open("locks", O_RDWR);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4};
	show("F_OFD_SETLK a", fcntl(a, F_OFD_SETLK, &fl));
	struct flock q = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 1};
	show("F_OFD_GETLK b", fcntl(b, F_OFD_GETLK, &q));
	printf("b sees %s start %lld len %lld pid %d\n", ltype(q.l_type), (long long)q.l_start,
	       (long long)q.l_len, q.l_pid);
	q = (struct flock){.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 1};
	show("F_OFD_SETLK b conflicting", fcntl(b, F_OFD_SETLK, &q));
	struct flock nz = fl;
	nz.l_pid = 1;
	show("F_OFD_SETLK with l_pid set", fcntl(b, F_OFD_SETLK, &nz));
	fl.l_type = F_UNLCK;
	show("F_OFD_SETLK a unlock", fcntl(a, F_OFD_SETLK, &fl));
	show("F_OFD_SETLKW b", fcntl(b, F_OFD_SETLKW, &q));
	close(a), close(b);
}

static void descriptors(void)
{
	int fd = open("locks", O_RDONLY);
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 40);
	printf("F_DUPFD_CLOEXEC 40: %d cloexec %d\n", d, fcntl(d, F_GETFD) == FD_CLOEXEC);
	int e = fcntl(fd, F_DUPFD, 40);
	printf("F_DUPFD 40: %d cloexec %d\n", e, fcntl(e, F_GETFD));
	show("F_DUPFD past RLIMIT_NOFILE", fcntl(fd, F_DUPFD, 1 << 30));
	show("F_GETFD closed", fcntl(99, F_GETFD));
	show("fcntl unknown command", fcntl(fd, 0x7777));
	close(d), close(e), close(fd);

	int p[2];
	if (pipe2(p, O_NONBLOCK) < 0)
		return;
	show("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
	show("F_SETPIPE_SZ 100000", fcntl(p[1], F_SETPIPE_SZ, 100000));
	show("F_GETPIPE_SZ now", fcntl(p[0], F_GETPIPE_SZ));
	int f = open("locks", O_RDONLY);
	show("F_SETPIPE_SZ on a file", fcntl(f, F_SETPIPE_SZ, 4096));
	close(f);
	int fl = fcntl(p[0], F_GETFL);
	printf("pipe2 O_NONBLOCK: %d, O_RDONLY %d\n", (fl & O_NONBLOCK) != 0, (fl & O_ACCMODE) == O_RDONLY);
	show("F_SETFL clear O_NONBLOCK", fcntl(p[0], F_SETFL, fl & ~O_NONBLOCK));
	printf("O_NONBLOCK now %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
	show("F_SETOWN self", fcntl(p[0], F_SETOWN, getpid()));
	printf("F_GETOWN is self %d\n", fcntl(p[0], F_GETOWN) == getpid());
	close(p[0]), close(p[1]);

	int m = memfd_create("sealed", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	show("memfd write", write(m, "seal", 4));
	show("F_ADD_SEALS write|shrink", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK));
	printf("F_GET_SEALS %#x\n", fcntl(m, F_GET_SEALS));
	show("write after F_SEAL_WRITE", write(m, "x", 1));
	show("ftruncate after F_SEAL_SHRINK", ftruncate(m, 1));
	close(m);
}

static volatile sig_atomic_t usr1;
static void on_usr1(int sig)
{
	(void)sig;
	usr1 = 1;
}

static void events(void)
{
	int e = eventfd(3, EFD_NONBLOCK | EFD_SEMAPHORE | EFD_CLOEXEC);
	uint64_t v = 0;
	show("eventfd semaphore read", read(e, &v, 8));
	printf("value %llu\n", (unsigned long long)v);
	read(e, &v, 8), read(e, &v, 8);
	show("read at zero (nonblocking)", read(e, &v, 8));
	show("read 4 bytes", read(e, &v, 4));
	v = 5;
	show("write 5", write(e, &v, 8));
	v = UINT64_MAX;
	show("write UINT64_MAX", write(e, &v, 8));
	struct pollfd pfd[2] = {{.fd = e, .events = POLLIN | POLLOUT}, {.fd = 77, .events = POLLIN}};
	show("poll eventfd + closed fd", poll(pfd, 2, 0));
	printf("revents in %d out %d, bad fd POLLNVAL %d\n", (pfd[0].revents & POLLIN) != 0,
	       (pfd[0].revents & POLLOUT) != 0, pfd[1].revents == POLLNVAL);
	close(e);

	int p[2];
	if (pipe(p) < 0)
		return;
	struct pollfd r = {.fd = p[0], .events = POLLIN};
	struct timespec ts = {0, 30000000};
	show("ppoll empty pipe 30 ms", syscall(SYS_ppoll, &r, 1, &ts, NULL, 8));
	printf("timeout left zero %d\n", ts.tv_sec == 0 && ts.tv_nsec == 0);
	sigset_t block, empty;
	sigemptyset(&block), sigaddset(&block, SIGUSR1), sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	struct sigaction sa = {.sa_handler = on_usr1};
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	show("ppoll unblocking a pending signal", ppoll(&r, 1, NULL, &empty));
	printf("handler ran %d, still blocked after %d\n", usr1, sigprocmask(SIG_BLOCK, NULL, &empty) == 0 &&
	       sigismember(&empty, SIGUSR1));
	sigemptyset(&empty);
	close(p[1]);
	show("ppoll after writer closed", ppoll(&r, 1, NULL, &empty));
	printf("POLLHUP %d\n", (r.revents & POLLHUP) != 0);
	struct timespec bad = {0, 2000000000};
	show("ppoll bad timespec", ppoll(&r, 1, &bad, NULL));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	close(p[0]);
}

static void nodes(void)
{
	int dir = open(".", O_DIRECTORY | O_RDONLY);
	show("mknodat fifo", mknodat(dir, "fifo", S_IFIFO | 0600, 0));
	show("mknodat regular", mknodat(dir, "plain", S_IFREG | 0640, 0));
	show("mkfifoat again", mkfifoat(dir, "fifo", 0600));
	show("mknodat bad type", mknodat(dir, "bad", 0170000 | 0600, 0));
	struct stat st;
	fstatat(dir, "fifo", &st, 0);
	printf("fifo is S_ISFIFO %d mode %o\n", S_ISFIFO(st.st_mode), st.st_mode & 0777);
	fstatat(dir, "plain", &st, 0);
	printf("plain is S_ISREG %d mode %o size %lld\n", S_ISREG(st.st_mode), st.st_mode & 0777,
	       (long long)st.st_size);
	close(dir);
}

static void metadata(void)
{
	int fd = open("data", O_CREAT | O_RDWR, 0600);
	show("fallocate 64 KiB", fallocate(fd, 0, 0, 65536));
	struct stat st;
	fstat(fd, &st);
	printf("size %lld blocks>=128 %d\n", (long long)st.st_size, st.st_blocks >= 128);
	show("fallocate KEEP_SIZE", fallocate(fd, FALLOC_FL_KEEP_SIZE, 65536, 65536));
	fstat(fd, &st);
	printf("size still %lld\n", (long long)st.st_size);
	show("fallocate bad mode", fallocate(fd, 0x4000, 0, 1));
	show("fallocate negative length", fallocate(fd, 0, 0, -1));
	show("sync_file_range", sync_file_range(fd, 0, 4096, SYNC_FILE_RANGE_WRITE));
	show("sync_file_range bad flags", sync_file_range(fd, 0, 4096, 0x80));

	struct timespec t[2] = {{1000000000, 123456789}, {1200000000, 987654321}};
	show("utimensat", utimensat(AT_FDCWD, "data", t, 0));
	stat("data", &st);
	printf("atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	struct timespec omit[2] = {{0, UTIME_OMIT}, {1300000000, 5}};
	show("futimens atime omitted", futimens(fd, omit));
	fstat(fd, &st);
	printf("atime %lld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec,
	       st.st_mtim.tv_nsec);
	show("symlink", symlink("data", "ln"));
	show("utimensat AT_SYMLINK_NOFOLLOW", utimensat(AT_FDCWD, "ln", t, AT_SYMLINK_NOFOLLOW));
	lstat("ln", &st);
	printf("link mtime %lld\n", (long long)st.st_mtim.tv_sec);
	struct timespec badt[2] = {{0, 1000000000}, {0, 0}};
	show("utimensat bad nsec", utimensat(AT_FDCWD, "data", badt, 0));

	show("fchmodat 0604", fchmodat(AT_FDCWD, "data", 0604, 0));
	stat("data", &st);
	printf("mode %o\n", st.st_mode & 07777);
	show("fchmod 0640", fchmod(fd, 0640));
	show("fchownat own ids", fchownat(AT_FDCWD, "data", getuid(), getgid(), 0));
	show("fchownat -1 -1 NOFOLLOW", fchownat(AT_FDCWD, "ln", -1, -1, AT_SYMLINK_NOFOLLOW));
	show("fchown own ids", fchown(fd, getuid(), getgid()));
	show("fchownat bad flag", fchownat(AT_FDCWD, "data", -1, -1, 0x8000000));
	show("faccessat2 R_OK AT_EACCESS", syscall(SYS_faccessat2, AT_FDCWD, "data", R_OK, AT_EACCESS));
	show("faccessat2 bad flag", syscall(SYS_faccessat2, AT_FDCWD, "data", R_OK, 0x1));

	struct statfs a, b;
	show("statfs", statfs(".", &a));
	show("fstatfs", fstatfs(fd, &b));
	printf("statfs fields agree: type %d bsize %d namelen %ld\n", a.f_type == b.f_type,
	       a.f_bsize == b.f_bsize && a.f_bsize > 0, (long)a.f_namelen);
	show("statfs missing", statfs("missing/x", &a));
	close(fd);
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* getdents64 with a small buffer, so the listing takes several calls. */
static void directory(void)
{
	mkdir("sub", 0755);
	show("renameat2 NOREPLACE onto existing", syscall(SYS_renameat2, AT_FDCWD, "data", AT_FDCWD, "plain", 1));
	show("renameat2 EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, "data", AT_FDCWD, "sub", 2));
	struct stat st;
	stat("data", &st);
	printf("data is now a directory %d\n", S_ISDIR(st.st_mode));
	show("renameat2 EXCHANGE back", syscall(SYS_renameat2, AT_FDCWD, "data", AT_FDCWD, "sub", 2));
	int d = open(".", O_RDONLY | O_DIRECTORY);
	char buf[96], *names[32];
	int n = 0, calls = 0;
	for (;;) {
		long r = syscall(SYS_getdents64, d, buf, sizeof buf);
		if (r <= 0) {
			show("getdents64 end", r);
			break;
		}
		calls++;
		for (long off = 0; off < r && n < 32;) {
			struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
			char type = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l'
				  : e->d_type == DT_FIFO ? 'p' : '?';
			names[n] = malloc(strlen(e->d_name) + 3);
			sprintf(names[n++], "%c:%s", type, e->d_name);
			off += e->d_reclen;
		}
	}
	qsort(names, n, sizeof names[0], by_name);
	printf("getdents64 several calls %d:", calls > 1);
	for (int i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
	lseek(d, 0, SEEK_SET);
	show("getdents64 buffer too small", syscall(SYS_getdents64, d, buf, 8));
	int f = open("plain", O_RDONLY);
	show("getdents64 on a file", syscall(SYS_getdents64, f, buf, sizeof buf));
	close(f);
	close(d);
	show("unlinkat AT_REMOVEDIR", unlinkat(AT_FDCWD, "sub", AT_REMOVEDIR));
	mkdir("sub2", 0755);
	show("unlinkat dir without flag", unlinkat(AT_FDCWD, "sub2", 0));
}

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: fdctl DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	record_locks();
	ofd_locks();
	descriptors();
	events();
	nodes();
	metadata();
	directory();
	return 0;
}
