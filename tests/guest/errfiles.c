/* errfiles: the documented error returns of the file and descriptor
 * families (read/write and their vectored and positioned forms, lseek,
 * openat/openat2, close, dup/dup3, fcntl, pipe2, fstat/newfstatat/statx,
 * getdents64, ftruncate/truncate, fallocate, fadvise64, fsync, sendfile,
 * splice/tee/copy_file_range, flock, memfd_create, inotify), each in the
 * order the kernel checks its arguments: rows pass two bad arguments at
 * once to show which errno wins.
 * usage: errfiles DIR (an empty, writable directory) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <linux/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "show.h"

#define BAD ((void *)-1)

/* none is a page nobody may touch. */
static char *none;
static char buf[256];

/* rd opens the data file read-only; wr write-only. */
static int rd(void) { return open("data", O_RDONLY); }
static int wr(void) { return open("data", O_WRONLY); }

static void setup(void)
{
	int fd = open("data", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (write(fd, "0123456789abcdef", 16) != 16)
		exit(1);
	close(fd);
	mkdir("dir", 0755);
	symlink("loop1", "loop2");
	symlink("loop2", "loop1");
	symlink("data", "link");
	mkfifo("fifo", 0644);
}

static void reads(void)
{
	int r = rd(), w = wr(), d = open("dir", O_RDONLY), pa = open("data", O_PATH), p[2];
	if (pipe(p) < 0)
		return;
	show("read bad fd", read(999, buf, 16));
	show("read fd -1", read(-1, buf, 16));
	show("read write-only fd", read(w, buf, 16));
	show("read write-only fd, bad buffer", read(w, BAD, 16));
	show("read O_PATH fd", read(pa, buf, 16));
	show("read directory", read(d, buf, 16));
	show("read directory, bad buffer", read(d, BAD, 16));
	show("read bad buffer", read(r, BAD, 16));
	show("read PROT_NONE buffer", read(r, none, 16));
	show("read count SSIZE_MAX", syscall(SYS_read, r, buf, (size_t)SSIZE_MAX));
	show("read count -1", syscall(SYS_read, r, buf, (size_t)-1));
	show("read pipe count -1", syscall(SYS_read, p[0], buf, (size_t)-1));
	show("read NULL buffer, count 0", read(r, NULL, 0));
	show("write read-only fd", write(r, "x", 1));
	show("write read-only fd, bad buffer", write(r, BAD, 1));
	show("write directory", write(d, "x", 1));
	show("write O_PATH fd", write(pa, "x", 1));
	show("write count -1", syscall(SYS_write, w, buf, (size_t)-1));
	show("write pipe, bad buffer", write(p[1], BAD, 4));
	close(p[0]);
	show("write pipe without reader", write(p[1], "x", 1));
	close(p[1]);
	if (pipe(p) < 0)
		return;
	show("pread pipe", pread(p[0], buf, 4, 0));
	show("pread negative offset", pread(r, buf, 4, -1));
	show("pread negative offset, bad fd", pread(999, buf, 4, -1));
	show("pread negative offset, pipe", pread(p[0], buf, 4, -1));
	show("pread write-only fd", pread(w, buf, 4, 0));
	show("pread directory", pread(d, buf, 4, 0));
	show("pread bad buffer, bad fd", pread(999, BAD, 4, 0));
	show("pread past the end", pread(r, buf, 4, 1 << 20));
	show("pread past the end, bad buffer", pread(r, BAD, 4, 1 << 20));
	show("pwrite pipe", pwrite(p[1], "x", 1, 0));
	show("pwrite negative offset", pwrite(w, "x", 1, -1));
	show("pwrite read-only fd", pwrite(r, "x", 1, 0));
	show("pwrite bad buffer", pwrite(w, BAD, 1, 0));
	close(r), close(w), close(d), close(pa), close(p[0]), close(p[1]);
}

static void vectors(void)
{
	int r = rd(), w = wr(), d = open("dir", O_RDONLY), p[2];
	if (pipe(p) < 0)
		return;
	struct iovec iov[2] = {{buf, 4}, {buf + 4, 4}};
	struct iovec badbase[1] = {{BAD, 4}};
	struct iovec huge[2] = {{buf, 4}, {buf, (size_t)SSIZE_MAX}};
	struct iovec neg[1] = {{buf, (size_t)-1}};
	show("readv", readv(r, iov, 2));
	show("readv bad fd", readv(999, iov, 2));
	show("readv bad fd, bad iovec", syscall(SYS_readv, 999, BAD, 2));
	show("readv bad fd, iovcnt 1025", syscall(SYS_readv, 999, iov, 1025));
	show("readv iovcnt 1025", syscall(SYS_readv, r, iov, 1025));
	show("readv iovcnt -1", syscall(SYS_readv, r, iov, -1));
	show("readv iovcnt 0", readv(r, iov, 0));
	show("readv iovcnt 0, bad iovec", readv(r, BAD, 0));
	show("readv bad iovec", syscall(SYS_readv, r, BAD, 2));
	show("readv iovec PROT_NONE", readv(r, (struct iovec *)none, 1));
	show("readv bad base", readv(r, badbase, 1));
	show("readv lengths past SSIZE_MAX", readv(r, huge, 2));
	show("readv length -1", readv(r, neg, 1));
	show("readv write-only fd", readv(w, iov, 2));
	show("readv write-only fd, bad iovec", syscall(SYS_readv, w, BAD, 2));
	show("readv directory", readv(d, iov, 2));
	show("writev read-only fd", writev(r, iov, 2));
	show("writev bad base", writev(w, badbase, 1));
	show("writev bad base on a pipe", writev(p[1], badbase, 1));
	show("writev iovcnt 1025", syscall(SYS_writev, w, iov, 1025));
	show("preadv negative offset", preadv(r, iov, 2, -1));
	show("preadv negative offset, bad fd", preadv(999, iov, 2, -1));
	show("preadv pipe", preadv(p[0], iov, 2, 0));
	show("preadv iovcnt 1025, pipe", syscall(SYS_preadv, p[0], iov, 1025, 0, 0));
	show("pwritev negative offset", pwritev(w, iov, 2, -1));
	show("pwritev pipe", pwritev(p[1], iov, 2, 0));
	show("preadv2 bad flags", syscall(SYS_preadv2, r, iov, 2, 0, 0, 0x1000));
	show("preadv2 RWF_NOWAIT on a pipe", syscall(SYS_preadv2, p[0], iov, 2, -1L, 0, RWF_NOWAIT));
	show("pwritev2 bad flags", syscall(SYS_pwritev2, w, iov, 2, 0, 0, 0x1000));
	close(r), close(w), close(d), close(p[0]), close(p[1]);
}

static void seeks(void)
{
	int r = rd(), d = open("dir", O_RDONLY), p[2];
	if (pipe(p) < 0)
		return;
	show("lseek bad fd", lseek(999, 0, SEEK_SET));
	show("lseek bad fd, bad whence", lseek(999, 0, 99));
	show("lseek bad whence", lseek(r, 0, 99));
	show("lseek pipe", lseek(p[0], 0, SEEK_SET));
	show("lseek pipe, bad whence", lseek(p[0], 0, 99));
	show("lseek negative result", lseek(r, -1, SEEK_SET));
	show("lseek before the start", lseek(r, -100, SEEK_END));
	show("lseek SEEK_DATA past the end", lseek(r, 100, SEEK_DATA));
	show("lseek SEEK_HOLE past the end", lseek(r, 100, SEEK_HOLE));
	show("lseek SEEK_HOLE", lseek(r, 0, SEEK_HOLE));
	show("lseek SEEK_END", lseek(r, 0, SEEK_END));
	close(r), close(d), close(p[0]), close(p[1]);
}

static void opens(void)
{
	char longname[NAME_MAX + 2], longpath[PATH_MAX + 10];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = 0;
	for (int i = 100; i < PATH_MAX; i += 100)
		longpath[i] = '/';
	int fd = rd();
	show("openat missing", openat(AT_FDCWD, "missing", O_RDONLY));
	show("openat missing/x", openat(AT_FDCWD, "missing/x", O_RDONLY));
	show("openat through a file", openat(AT_FDCWD, "data/x", O_RDONLY));
	show("openat O_CREAT through a file", openat(AT_FDCWD, "data/x", O_CREAT | O_RDWR, 0644));
	show("openat data/", openat(AT_FDCWD, "data/", O_RDONLY));
	show("openat O_CREAT dir/", openat(AT_FDCWD, "newdir/", O_CREAT | O_RDWR, 0644));
	show("openat O_CREAT|O_EXCL existing", openat(AT_FDCWD, "data", O_CREAT | O_EXCL | O_RDWR, 0644));
	show("openat O_CREAT|O_EXCL dangling link", openat(AT_FDCWD, "loop1", O_CREAT | O_EXCL | O_RDWR, 0644));
	show("openat O_DIRECTORY on a file", openat(AT_FDCWD, "data", O_RDONLY | O_DIRECTORY));
	show("openat directory O_WRONLY", openat(AT_FDCWD, "dir", O_WRONLY));
	show("openat directory O_RDWR", openat(AT_FDCWD, "dir", O_RDWR));
	show("openat directory O_CREAT", openat(AT_FDCWD, "dir", O_CREAT | O_RDONLY, 0644));
	show("openat directory O_TRUNC", openat(AT_FDCWD, "dir", O_RDONLY | O_TRUNC));
	show("openat long component", openat(AT_FDCWD, longname, O_RDONLY));
	show("openat long component, O_CREAT", openat(AT_FDCWD, longname, O_CREAT | O_RDWR, 0644));
	show("openat path past PATH_MAX", openat(AT_FDCWD, longpath, O_RDONLY));
	show("openat bad path", openat(AT_FDCWD, BAD, O_RDONLY));
	show("openat bad path, bad dirfd", openat(999, BAD, O_RDONLY));
	show("openat empty path", openat(AT_FDCWD, "", O_RDONLY));
	show("openat empty path, bad dirfd", openat(999, "", O_RDONLY));
	show("openat relative, bad dirfd", openat(999, "data", O_RDONLY));
	show("openat relative, dirfd a file", openat(fd, "data", O_RDONLY));
	int a = openat(999, "/dev/null", O_RDONLY);
	show("openat absolute, bad dirfd", a >= 0 ? 0 : a);
	close(a);
	show("openat symlink loop", openat(AT_FDCWD, "loop1", O_RDONLY));
	show("openat O_NOFOLLOW on a link", openat(AT_FDCWD, "link", O_RDONLY | O_NOFOLLOW));
	show("openat O_NOFOLLOW|O_DIRECTORY on a link", openat(AT_FDCWD, "link", O_RDONLY | O_NOFOLLOW | O_DIRECTORY));
	show("openat O_TMPFILE read-only", openat(AT_FDCWD, "dir", O_TMPFILE | O_RDONLY, 0600));
	show("openat O_TMPFILE on a file", openat(AT_FDCWD, "data", O_TMPFILE | O_RDWR, 0600));
	show("openat O_TMPFILE missing", openat(AT_FDCWD, "missing", O_TMPFILE | O_RDWR, 0600));
	show("openat fifo O_WRONLY|O_NONBLOCK", openat(AT_FDCWD, "fifo", O_WRONLY | O_NONBLOCK));
	show("openat /dev/null O_DIRECTORY", openat(AT_FDCWD, "/dev/null", O_RDONLY | O_DIRECTORY));
	show("openat /proc/self/exe O_NOFOLLOW", openat(AT_FDCWD, "/proc/self/exe", O_RDONLY | O_NOFOLLOW));
	show("openat /proc/self/maps O_DIRECTORY", openat(AT_FDCWD, "/proc/self/maps", O_RDONLY | O_DIRECTORY));
	show("openat /proc/self/maps O_WRONLY", openat(AT_FDCWD, "/proc/self/maps", O_WRONLY));
	show("openat /proc/self/maps O_CREAT|O_EXCL", openat(AT_FDCWD, "/proc/self/maps", O_CREAT | O_EXCL | O_RDONLY, 0644));
	show("openat /proc/self/auxv O_RDWR", openat(AT_FDCWD, "/proc/self/auxv", O_RDWR));
	show("openat /proc/self/cmdline O_DIRECTORY", openat(AT_FDCWD, "/proc/self/cmdline", O_RDONLY | O_DIRECTORY));
	show("openat /proc/self/stat/x", openat(AT_FDCWD, "/proc/self/stat/x", O_RDONLY));
	show("openat /proc/self/exe O_WRONLY", openat(AT_FDCWD, "/proc/self/exe", O_WRONLY));
	show("openat /proc/self/exe O_DIRECTORY", openat(AT_FDCWD, "/proc/self/exe", O_RDONLY | O_DIRECTORY));
	show("openat /proc/cpuinfo O_WRONLY", openat(AT_FDCWD, "/proc/cpuinfo", O_WRONLY));
	show("openat /proc/cpuinfo O_DIRECTORY", openat(AT_FDCWD, "/proc/cpuinfo", O_RDONLY | O_DIRECTORY));
	show("openat /proc/self/fd/999", openat(AT_FDCWD, "/proc/self/fd/999", O_RDONLY));
	struct open_how how = {.flags = O_RDONLY};
	show("openat2 size 0", syscall(SYS_openat2, AT_FDCWD, "data", &how, 0));
	show("openat2 size 23", syscall(SYS_openat2, AT_FDCWD, "data", &how, 23));
	show("openat2 bad how", syscall(SYS_openat2, AT_FDCWD, "data", BAD, sizeof(how)));
	show("openat2 bad how, bad path", syscall(SYS_openat2, AT_FDCWD, BAD, BAD, sizeof(how)));
	show("openat2 bad path", syscall(SYS_openat2, AT_FDCWD, BAD, &how, sizeof(how)));
	struct {
		struct open_how h;
		uint64_t more;
	} big = {{.flags = O_RDONLY}, 1};
	show("openat2 larger struct, nonzero tail", syscall(SYS_openat2, AT_FDCWD, "data", &big, sizeof(big)));
	big.more = 0;
	int b = syscall(SYS_openat2, AT_FDCWD, "data", &big, sizeof(big));
	show("openat2 larger struct, zero tail", b >= 0 ? 0 : b);
	close(b);
	show("openat2 size 4096 past the mapping", syscall(SYS_openat2, AT_FDCWD, "data", none - 8, 4096));
	how.flags = 1ULL << 40;
	show("openat2 unknown flag bit", syscall(SYS_openat2, AT_FDCWD, "data", &how, sizeof(how)));
	how.flags = O_RDONLY;
	how.mode = 0644;
	show("openat2 mode without O_CREAT", syscall(SYS_openat2, AT_FDCWD, "data", &how, sizeof(how)));
	how.flags = O_CREAT | O_RDWR;
	how.mode = 010000;
	show("openat2 mode with S_ISVTX|S_IFMT bits", syscall(SYS_openat2, AT_FDCWD, "data", &how, sizeof(how)));
	how = (struct open_how){.flags = O_RDONLY, .resolve = 0x100};
	show("openat2 unknown resolve", syscall(SYS_openat2, AT_FDCWD, "data", &how, sizeof(how)));
	how.resolve = RESOLVE_BENEATH | RESOLVE_IN_ROOT;
	show("openat2 BENEATH|IN_ROOT", syscall(SYS_openat2, AT_FDCWD, "data", &how, sizeof(how)));
	how.resolve = RESOLVE_BENEATH;
	show("openat2 BENEATH absolute", syscall(SYS_openat2, AT_FDCWD, "/dev/null", &how, sizeof(how)));
	show("openat2 BENEATH ..", syscall(SYS_openat2, AT_FDCWD, "../x", &how, sizeof(how)));
	how.resolve = RESOLVE_NO_SYMLINKS;
	show("openat2 NO_SYMLINKS on a link", syscall(SYS_openat2, AT_FDCWD, "link", &how, sizeof(how)));
	how.resolve = RESOLVE_NO_MAGICLINKS;
	show("openat2 NO_MAGICLINKS /proc/self/exe", syscall(SYS_openat2, AT_FDCWD, "/proc/self/exe", &how, sizeof(how)));
	how = (struct open_how){.flags = O_PATH | O_RDWR};
	b = syscall(SYS_openat2, AT_FDCWD, "data", &how, sizeof(how));
	show("openat2 O_PATH|O_RDWR", b >= 0 ? 0 : b);
	close(b);
	close(fd);
}

static void fds(void)
{
	int r = rd(), pa = open("data", O_PATH), p[2];
	show("close bad fd", close(999));
	show("close -1", close(-1));
	show("dup bad fd", dup(999));
	show("dup3 same fd", dup3(r, r, 0));
	show("dup3 bad flags", dup3(r, 50, 1));
	show("dup3 bad flags, same fd", dup3(r, r, 1));
	show("dup3 bad oldfd", dup3(999, 50, 0));
	show("dup3 bad oldfd, same fd", dup3(999, 999, 0));
	show("dup3 newfd -1", dup3(r, -1, 0));
	show("dup3 newfd past RLIMIT_NOFILE", dup3(r, 1 << 20, 0));
	show("dup3 bad oldfd, newfd past RLIMIT_NOFILE", dup3(999, 1 << 20, 0));
	show("dup2 same fd", dup2(r, r) == r ? 0 : -1);
	show("dup2 bad fd, same fd", dup2(999, 999));
	show("pipe2 bad flags", pipe2(p, 1));
	show("pipe2 bad flags, bad pointer", pipe2(BAD, 1));
	show("pipe2 bad pointer", pipe2(BAD, 0));
	show("pipe2 PROT_NONE", pipe2((int *)none, 0));
	show("fcntl bad fd", fcntl(999, F_GETFD));
	show("fcntl bad fd, bad cmd", fcntl(999, 12345));
	show("fcntl bad cmd", fcntl(r, 12345));
	show("fcntl F_DUPFD -1", fcntl(r, F_DUPFD, -1));
	show("fcntl F_DUPFD past RLIMIT_NOFILE", fcntl(r, F_DUPFD, 1 << 20));
	show("fcntl F_DUPFD_CLOEXEC past RLIMIT_NOFILE", fcntl(r, F_DUPFD_CLOEXEC, 1 << 20));
	show("fcntl F_GETFL on O_PATH has O_PATH", (fcntl(pa, F_GETFL) & O_PATH) != 0);
	show("fcntl F_SETFL on O_PATH", fcntl(pa, F_SETFL, O_NONBLOCK));
	show("fcntl F_GETLK on O_PATH", fcntl(pa, F_GETLK, BAD));
	show("fcntl F_GETLK bad pointer", fcntl(r, F_GETLK, BAD));
	struct flock fl = {.l_type = 99, .l_whence = SEEK_SET};
	show("fcntl F_SETLK bad type", fcntl(r, F_SETLK, &fl));
	fl.l_type = F_WRLCK;
	show("fcntl F_SETLK write lock on read-only fd", fcntl(r, F_SETLK, &fl));
	fl = (struct flock){.l_type = F_RDLCK, .l_whence = 99};
	show("fcntl F_SETLK bad whence", fcntl(r, F_SETLK, &fl));
	fl = (struct flock){.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = -5};
	show("fcntl F_SETLK negative start", fcntl(r, F_SETLK, &fl));
	fl = (struct flock){.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1};
	show("fcntl F_OFD_SETLK with l_pid", fcntl(r, F_OFD_SETLK, &fl));
	show("fcntl F_GETPIPE_SZ on a file", fcntl(r, F_GETPIPE_SZ));
	show("fcntl F_SETPIPE_SZ on a file", fcntl(r, F_SETPIPE_SZ, 4096));
	show("fcntl F_SETSIG 99", fcntl(r, F_SETSIG, 99));
	show("fcntl F_SETSIG -1", fcntl(r, F_SETSIG, -1));
	show("fcntl F_GETOWN_EX bad pointer", fcntl(r, F_GETOWN_EX, BAD));
	struct f_owner_ex ox = {.type = 99, .pid = 0};
	show("fcntl F_SETOWN_EX bad type", fcntl(r, F_SETOWN_EX, &ox));
	show("fcntl F_ADD_SEALS on a file", fcntl(r, F_ADD_SEALS, F_SEAL_WRITE));
	show("fcntl F_GET_SEALS on a file", fcntl(r, F_GET_SEALS));
	show("fcntl F_SETLEASE bad type", fcntl(r, F_SETLEASE, 99));
	show("fcntl F_NOTIFY on a file", fcntl(r, F_NOTIFY, DN_MODIFY));
	show("fcntl F_GET_RW_HINT bad pointer", fcntl(r, F_GET_RW_HINT, BAD));
	uint64_t hint = 99;
	show("fcntl F_SET_RW_HINT bad hint", fcntl(r, F_SET_RW_HINT, &hint));
	show("ioctl bad fd", ioctl(999, FIONBIO, BAD));
	show("ioctl FIONBIO bad pointer", ioctl(r, FIONBIO, BAD));
	show("ioctl FIOASYNC bad pointer", ioctl(r, FIOASYNC, BAD));
	show("ioctl FIONREAD bad pointer", ioctl(r, FIONREAD, BAD));
	show("ioctl FIGETBSZ bad pointer", ioctl(r, FIGETBSZ, BAD));
	int dn = open("/dev/null", O_RDWR);
	show("ioctl TCSETS bad pointer, not a tty", ioctl(dn, TCSETS, BAD));
	show("ioctl TCGETS bad pointer, not a tty", ioctl(dn, TCGETS, BAD));
	show("ioctl TIOCSWINSZ bad pointer, not a tty", ioctl(dn, TIOCSWINSZ, BAD));
	show("ioctl TIOCGWINSZ bad pointer, not a tty", ioctl(dn, TIOCGWINSZ, BAD));
	show("ioctl TCSETS bad pointer, bad fd", ioctl(999, TCSETS, BAD));
	close(dn);
	close(r), close(pa);
}

static void stats(void)
{
	struct stat st;
	struct statx sx;
	int r = rd(), pa = open("data", O_PATH);
	show("fstat bad fd", fstat(999, &st));
	show("fstat bad fd, bad buffer", fstat(999, BAD));
	show("fstat bad buffer", fstat(r, BAD));
	show("fstat O_PATH", fstat(pa, &st));
	show("newfstatat bad flags", fstatat(AT_FDCWD, "data", &st, 0x1));
	show("newfstatat bad flags, missing", fstatat(AT_FDCWD, "missing", &st, 0x1));
	show("newfstatat bad flags, bad dirfd", fstatat(999, "data", &st, 0x1));
	show("newfstatat missing", fstatat(AT_FDCWD, "missing", &st, 0));
	show("newfstatat missing, bad buffer", fstatat(AT_FDCWD, "missing", BAD, 0));
	show("newfstatat bad buffer", fstatat(AT_FDCWD, "data", BAD, 0));
	show("newfstatat empty path", fstatat(r, "", &st, 0));
	show("newfstatat empty path, AT_EMPTY_PATH", fstatat(r, "", &st, AT_EMPTY_PATH));
	show("newfstatat empty path, AT_EMPTY_PATH, bad fd", fstatat(999, "", &st, AT_EMPTY_PATH));
	show("newfstatat relative, bad dirfd", fstatat(999, "data", &st, 0));
	show("newfstatat relative, file dirfd", fstatat(r, "data", &st, 0));
	show("newfstatat symlink loop", fstatat(AT_FDCWD, "loop1", &st, 0));
	show("newfstatat symlink loop, NOFOLLOW", fstatat(AT_FDCWD, "loop1", &st, AT_SYMLINK_NOFOLLOW));
	show("newfstatat bad path", fstatat(AT_FDCWD, BAD, &st, 0));
	show("newfstatat data/", fstatat(AT_FDCWD, "data/", &st, 0));
	show("statx", syscall(SYS_statx, AT_FDCWD, "data", 0, STATX_BASIC_STATS, &sx));
	show("statx reserved mask bit", syscall(SYS_statx, AT_FDCWD, "data", 0, STATX__RESERVED, &sx));
	show("statx reserved mask bit, missing", syscall(SYS_statx, AT_FDCWD, "missing", 0, STATX__RESERVED, &sx));
	show("statx bad flags", syscall(SYS_statx, AT_FDCWD, "data", 0x1, STATX_BASIC_STATS, &sx));
	show("statx FORCE_SYNC|DONT_SYNC", syscall(SYS_statx, AT_FDCWD, "data", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &sx));
	show("statx bad buffer", syscall(SYS_statx, AT_FDCWD, "data", 0, STATX_BASIC_STATS, BAD));
	show("statx missing, bad buffer", syscall(SYS_statx, AT_FDCWD, "missing", 0, STATX_BASIC_STATS, BAD));
	show("statx bad dirfd", syscall(SYS_statx, 999, "data", 0, STATX_BASIC_STATS, &sx));
	show("statx bad path", syscall(SYS_statx, AT_FDCWD, BAD, 0, STATX_BASIC_STATS, &sx));
	show("statx empty path", syscall(SYS_statx, r, "", 0, STATX_BASIC_STATS, &sx));
	show("statx empty path, AT_EMPTY_PATH", syscall(SYS_statx, r, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));
	show("statx O_PATH fd, AT_EMPTY_PATH", syscall(SYS_statx, pa, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));
	show("statx empty path, AT_EMPTY_PATH, bad fd", syscall(SYS_statx, 999, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));
	show("statx NULL path, AT_EMPTY_PATH, bad fd", syscall(SYS_statx, 999, NULL, AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));
	close(r), close(pa);
}

static void dirs(void)
{
	int r = rd(), d = open("dir", O_RDONLY | O_DIRECTORY), dp = open("dir", O_PATH);
	show("getdents64 bad fd", syscall(SYS_getdents64, 999, buf, sizeof(buf)));
	show("getdents64 on a file", syscall(SYS_getdents64, r, buf, sizeof(buf)));
	show("getdents64 on O_PATH", syscall(SYS_getdents64, dp, buf, sizeof(buf)));
	show("getdents64 count 1", syscall(SYS_getdents64, d, buf, 1));
	show("getdents64 bad buffer", syscall(SYS_getdents64, d, BAD, sizeof(buf)));
	show("getdents64 PROT_NONE buffer", syscall(SYS_getdents64, d, none, sizeof(buf)));
	show("getdents64 bad buffer, on a file", syscall(SYS_getdents64, r, BAD, sizeof(buf)));
	lseek(d, 0, SEEK_SET);
	show("getdents64 count -1", syscall(SYS_getdents64, d, buf, (size_t)-1) > 0 ? 0 : -1);
	show("getdents64 at the end", syscall(SYS_getdents64, d, buf, sizeof(buf)));
	close(r), close(d), close(dp);
}

static void sizes(void)
{
	int r = rd(), w = wr(), d = open("dir", O_RDONLY), p[2];
	if (pipe(p) < 0)
		return;
	show("ftruncate negative", ftruncate(w, -1));
	show("ftruncate negative, bad fd", ftruncate(999, -1));
	show("ftruncate bad fd", ftruncate(999, 0));
	show("ftruncate read-only fd", ftruncate(r, 0));
	show("ftruncate directory", ftruncate(d, 0));
	show("ftruncate pipe", ftruncate(p[1], 0));
	show("truncate negative", truncate("data", -1));
	show("truncate missing", truncate("missing", 0));
	show("truncate negative, missing", truncate("missing", -1));
	show("truncate directory", truncate("dir", 0));
	show("truncate bad path", truncate(BAD, 0));
	show("truncate through a file", truncate("data/x", 0));
	show("truncate fifo", truncate("fifo", 0));
	show("fallocate len 0", fallocate(w, 0, 0, 0));
	show("fallocate negative offset", fallocate(w, 0, -1, 10));
	show("fallocate len 0, bad fd", fallocate(999, 0, 0, 0));
	show("fallocate bad fd", fallocate(999, 0, 0, 10));
	show("fallocate bad mode", fallocate(w, 0x1000, 0, 10));
	show("fallocate PUNCH_HOLE without KEEP_SIZE", fallocate(w, FALLOC_FL_PUNCH_HOLE, 0, 10));
	show("fallocate read-only fd", fallocate(r, 0, 0, 10));
	show("fallocate read-only fd, bad mode", fallocate(r, 0x1000, 0, 10));
	show("fallocate pipe", fallocate(p[1], 0, 0, 10));
	show("fallocate directory", fallocate(d, 0, 0, 10));
	show("fallocate offset+len overflow", fallocate(w, 0, 1, LLONG_MAX));
	show("fadvise bad advice", syscall(SYS_fadvise64, r, 0, 0, 99));
	show("fadvise negative len", syscall(SYS_fadvise64, r, 0, -1L, POSIX_FADV_NORMAL));
	show("fadvise pipe", syscall(SYS_fadvise64, p[0], 0, 0, POSIX_FADV_NORMAL));
	show("fadvise pipe, bad advice", syscall(SYS_fadvise64, p[0], 0, 0, 99));
	show("fadvise bad fd", syscall(SYS_fadvise64, 999, 0, 0, 99));
	show("readahead pipe", readahead(p[0], 0, 10));
	show("readahead write-only fd", readahead(w, 0, 10));
	show("fsync bad fd", fsync(999));
	show("fsync pipe", fsync(p[0]));
	show("fdatasync pipe", fdatasync(p[0]));
	show("sync_file_range bad flags", sync_file_range(w, 0, 0, 0x100));
	show("sync_file_range negative offset", sync_file_range(w, -1, 0, 0));
	show("sync_file_range pipe", sync_file_range(p[1], 0, 0, 0));
	show("syncfs bad fd", syncfs(999));
	close(r), close(w), close(d), close(p[0]), close(p[1]);
}

static void transfers(void)
{
	int r = rd(), w = wr(), d = open("dir", O_RDONLY), p[2], q[2];
	if (pipe(p) < 0 || pipe(q) < 0)
		return;
	off_t off = 0, neg = -1;
	show("sendfile bad out fd", sendfile(999, r, NULL, 4));
	show("sendfile bad in fd", sendfile(w, 999, NULL, 4));
	show("sendfile read-only out", sendfile(r, r, NULL, 4));
	show("sendfile write-only in", sendfile(w, w, NULL, 4));
	show("sendfile bad offset pointer", sendfile(w, r, BAD, 4));
	show("sendfile bad offset pointer, bad in fd", sendfile(w, 999, BAD, 4));
	show("sendfile negative offset", sendfile(w, r, &neg, 4));
	show("sendfile in a pipe with offset", sendfile(w, p[0], &off, 4));
	show("sendfile in a directory", sendfile(w, d, NULL, 4));
	show("sendfile count 0", sendfile(w, r, NULL, 0));
	show("splice two files", splice(r, NULL, w, NULL, 4, 0));
	show("splice bad flags", splice(r, NULL, p[1], NULL, 4, 0x100));
	show("splice bad fd", splice(999, NULL, p[1], NULL, 4, 0));
	show("splice pipe with offset", splice(p[0], &off, w, NULL, 4, SPLICE_F_NONBLOCK));
	show("splice bad offset pointer", splice(r, BAD, p[1], NULL, 4, 0));
	show("splice negative offset", splice(r, &neg, p[1], NULL, 4, 0));
	show("splice write-only in", splice(w, NULL, p[1], NULL, 4, 0));
	show("splice into read end", splice(r, NULL, p[0], NULL, 4, 0));
	show("splice pipe to itself", splice(p[0], NULL, p[1], NULL, 4, SPLICE_F_NONBLOCK));
	show("splice empty pipe, nonblocking", splice(p[0], NULL, q[1], NULL, 4, SPLICE_F_NONBLOCK));
	show("tee file", tee(r, p[1], 4, 0));
	show("tee same pipe", tee(p[0], p[1], 4, 0));
	show("tee bad flags", tee(p[0], q[1], 4, 0x100));
	show("tee empty, nonblocking", tee(p[0], q[1], 4, SPLICE_F_NONBLOCK));
	show("tee bad fd", tee(999, q[1], 4, 0));
	show("copy_file_range bad flags", copy_file_range(r, NULL, w, NULL, 4, 1));
	show("copy_file_range bad fd", copy_file_range(999, NULL, w, NULL, 4, 0));
	show("copy_file_range write-only in", copy_file_range(w, NULL, w, NULL, 4, 0));
	show("copy_file_range read-only out", copy_file_range(r, NULL, r, NULL, 4, 0));
	show("copy_file_range pipe", copy_file_range(p[0], NULL, w, NULL, 4, 0));
	show("copy_file_range directory", copy_file_range(d, NULL, w, NULL, 4, 0));
	show("copy_file_range bad offset pointer", copy_file_range(r, BAD, w, NULL, 4, 0));
	show("copy_file_range negative offset", copy_file_range(r, &neg, w, NULL, 4, 0));
	off = 0;
	off_t off2 = 2;
	show("copy_file_range overlapping in one file", copy_file_range(open("data", O_RDWR), &off, open("data", O_RDWR), &off2, 8, 0));
	show("flock bad fd", flock(999, LOCK_SH));
	show("flock bad op", flock(r, 99));
	show("flock bad op, bad fd", flock(999, 99));
	show("flock LOCK_NB alone", flock(r, LOCK_NB));
	int pa = open("data", O_PATH);
	show("flock O_PATH", flock(pa, LOCK_SH));
	close(pa);
	close(r), close(w), close(d), close(p[0]), close(p[1]), close(q[0]), close(q[1]);
}

static void special(void)
{
	char name[300];
	memset(name, 'm', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	show("memfd_create bad flags", memfd_create("x", 0x100));
	show("memfd_create long name", memfd_create(name, 0));
	name[249] = 0;
	int m = memfd_create(name, 0);
	show("memfd_create name of 249", m >= 0 ? 0 : m);
	close(m);
	show("memfd_create bad name", memfd_create(BAD, 0));
	show("memfd_create bad name, bad flags", memfd_create(BAD, 0x100));
	m = memfd_create("x", 0);
	show("memfd F_ADD_SEALS without ALLOW_SEALING", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
	close(m);
	m = memfd_create("x", MFD_ALLOW_SEALING);
	show("memfd F_ADD_SEALS bad seal", fcntl(m, F_ADD_SEALS, 0x1000));
	show("memfd F_ADD_SEALS SEAL_SHRINK", fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL));
	show("memfd ftruncate sealed", ftruncate(m, 0));
	show("memfd F_ADD_SEALS sealed", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
	close(m);
	int in = inotify_init1(IN_NONBLOCK);
	show("inotify_init1 bad flags", inotify_init1(1));
	show("inotify_add_watch mask 0", inotify_add_watch(in, "data", 0));
	show("inotify_add_watch mask 0, missing", inotify_add_watch(in, "missing", 0));
	show("inotify_add_watch missing", inotify_add_watch(in, "missing", IN_MODIFY));
	show("inotify_add_watch bad path", inotify_add_watch(in, BAD, IN_MODIFY));
	show("inotify_add_watch not inotify", inotify_add_watch(0, "data", IN_MODIFY));
	show("inotify_add_watch bad fd", inotify_add_watch(999, "data", IN_MODIFY));
	show("inotify_add_watch bad fd, mask 0", inotify_add_watch(999, "data", 0));
	show("inotify_add_watch ONLYDIR on a file", inotify_add_watch(in, "data", IN_MODIFY | IN_ONLYDIR));
	show("inotify_add_watch MASK_ADD|MASK_CREATE", inotify_add_watch(in, "data", IN_MODIFY | IN_MASK_ADD | IN_MASK_CREATE));
	show("inotify_add_watch", inotify_add_watch(in, "data", IN_MODIFY));
	show("inotify_add_watch MASK_CREATE again", inotify_add_watch(in, "data", IN_MODIFY | IN_MASK_CREATE));
	show("inotify_rm_watch bad wd", inotify_rm_watch(in, 99));
	show("inotify_rm_watch not inotify", inotify_rm_watch(0, 1));
	show("read inotify, nothing pending", read(in, buf, sizeof(buf)));
	int w = wr();
	show("write to the watched file", write(w, "x", 1));
	close(w);
	show("read inotify short buffer", read(in, buf, 1));
	show("read inotify bad buffer", read(in, BAD, sizeof(buf)));
	show("read inotify", read(in, buf, sizeof(buf)));
	close(in);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: errfiles DIR\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	setup();
	reads();
	vectors();
	seeks();
	opens();
	fds();
	stats();
	dirs();
	sizes();
	transfers();
	special();
	return 0;
}
