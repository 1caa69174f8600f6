/*
 * files.c: file-system system calls. Works in the directory given as
 * argv[1] (or a fresh mkdtemp under /tmp) and prints only names relative
 * to it, so the output does not depend on where it ran. Prints errno
 * names, not numbers, and mode bits, not raw flag words (O_* values
 * differ between architectures).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case 0: return "OK";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case ENOTEMPTY: return "ENOTEMPTY";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ESPIPE: return "ESPIPE";
	case ELOOP: return "ELOOP";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	}
	return "other";
}

/* print "label: ok" or "label: -1 ERRNO" */
static void check(const char *label, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", label, ename(errno));
	else
		printf("%s: ok\n", label);
}

static const char *kind(mode_t m)
{
	return S_ISREG(m) ? "reg" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "lnk" : S_ISFIFO(m) ? "fifo" : "other";
}

static void show_stat(const char *label, const struct stat *st)
{
	/* a directory's st_size depends on the file system: not printed */
	long long size = S_ISDIR(st->st_mode) ? -1 : (long long)st->st_size;
	printf("%s: %s size=%lld mode=%03o nlink=%lu\n", label, kind(st->st_mode),
	       size, (unsigned)(st->st_mode & 0777), (unsigned long)st->st_nlink);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
	char *names[64];
	int n = 0, i;
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		printf("opendir(%s): -1 %s\n", path, ename(errno));
		return;
	}
	while ((e = readdir(d)) != NULL && n < 64) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char t = e->d_type == DT_REG ? 'f' : e->d_type == DT_DIR ? 'd' : e->d_type == DT_LNK ? 'l' : '?';
		names[n] = malloc(strlen(e->d_name) + 3);
		sprintf(names[n], "%s:%c", e->d_name, t);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof names[0], cmpstr);
	printf("readdir %s:", path);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void cat(const char *label, const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (n < 0) {
		printf("%s: -1 %s\n", label, ename(errno));
	} else {
		buf[n] = 0;
		printf("%s: %zd bytes [%s]\n", label, n, buf);
	}
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/gemu-files-XXXXXX";
	char buf[256], cwd[PATH_MAX], real[PATH_MAX];
	const char *dir;
	struct stat st;
	int fd, fd2, made = 0;
	ssize_t n;

	if (argc > 1) {
		dir = argv[1];
	} else {
		dir = mkdtemp(tmpl);
		if (!dir) {
			perror("mkdtemp");
			return 1;
		}
		made = 1;
	}
	if (chdir(dir) != 0) {
		perror("chdir");
		return 1;
	}
	if (!getcwd(cwd, sizeof cwd) || !realpath(dir, real)) {
		perror("getcwd");
		return 1;
	}
	printf("getcwd matches realpath of dir: %s\n", strcmp(cwd, real) == 0 ? "yes" : "no");

	mode_t old = umask(022);
	printf("umask set\n");
	(void)old;

	/* create, write, read back */
	fd = open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0666);
	check("open a.txt O_CREAT", fd);
	printf("first free descriptor: %d\n", fd);
	n = write(fd, "hello, world\n", 13);
	printf("write: %zd\n", n);
	check("close", close(fd));
	check("open a.txt O_EXCL again", open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0600));
	/* close_range closes everything from 3 up; the program (and the
	 * emulator under it) goes on, and descriptors start at 3 again. */
	fd = open("a.txt", O_RDONLY);
	fd2 = dup(fd);
	check("close_range 3..", close_range(3, ~0U, 0));
	check("read after close_range", read(fd2, buf, 1));
	fd = open("a.txt", O_RDONLY);
	printf("after close_range: open gives %d\n", fd);
	check("close", close(fd));
	cat("read a.txt", "a.txt");
	check("stat a.txt", stat("a.txt", &st));
	show_stat("stat a.txt", &st);

	/* lseek, pread, pwrite, O_APPEND */
	fd = open("a.txt", O_RDWR);
	printf("lseek SEEK_END: %lld\n", (long long)lseek(fd, 0, SEEK_END));
	printf("lseek SEEK_SET 7: %lld\n", (long long)lseek(fd, 7, SEEK_SET));
	n = read(fd, buf, 5);
	buf[n > 0 ? n : 0] = 0;
	printf("read after seek: %zd [%s]\n", n, buf);
	printf("lseek SEEK_CUR -3: %lld\n", (long long)lseek(fd, -3, SEEK_CUR));
	n = pwrite(fd, "W", 1, 7);
	printf("pwrite: %zd, offset still %lld\n", n, (long long)lseek(fd, 0, SEEK_CUR));
	n = pread(fd, buf, 6, 7);
	buf[n > 0 ? n : 0] = 0;
	printf("pread: %zd [%s]\n", n, buf);
	printf("lseek past end 100: %lld\n", (long long)lseek(fd, 100, SEEK_SET));
	n = write(fd, "!", 1);
	printf("write at 100: %zd\n", n);
	fstat(fd, &st);
	show_stat("fstat after hole", &st);
	check("ftruncate 5", ftruncate(fd, 5));
	fstat(fd, &st);
	show_stat("fstat after ftruncate", &st);
	errno = 0;
	long long off = lseek(fd, -1, SEEK_SET);
	printf("lseek negative: %lld %s\n", off, ename(errno));
	close(fd);
	cat("read after truncate", "a.txt");

	fd = open("a.txt", O_WRONLY | O_APPEND);
	int fl = fcntl(fd, F_GETFL);
	printf("F_GETFL: accmode wronly=%s append=%s\n", (fl & O_ACCMODE) == O_WRONLY ? "yes" : "no",
	       (fl & O_APPEND) ? "yes" : "no");
	lseek(fd, 0, SEEK_SET);
	write(fd, "+app", 4);
	printf("F_GETFD initially: %d\n", fcntl(fd, F_GETFD));
	check("F_SETFD FD_CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC));
	printf("F_GETFD now cloexec: %s\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) ? "yes" : "no");
	close(fd);
	cat("read after append", "a.txt");

	/* writev / readv */
	struct iovec iov[3] = {
		{ "one ", 4 }, { "two ", 4 }, { "three\n", 6 },
	};
	fd = open("v.txt", O_CREAT | O_RDWR | O_TRUNC, 0640);
	printf("writev: %zd\n", writev(fd, iov, 3));
	char p1[3], p2[5], p3[32];
	struct iovec rv[3] = { { p1, 3 }, { p2, 5 }, { p3, sizeof p3 - 1 } };
	lseek(fd, 0, SEEK_SET);
	n = readv(fd, rv, 3);
	p3[n > 8 ? n - 8 : 0] = 0;
	printf("readv: %zd [%.3s|%.5s|%s]\n", n, p1, p2, p3);
	fstat(fd, &st);
	show_stat("fstat v.txt", &st);
	close(fd);

	/* directories, links, rename, unlink */
	check("mkdir sub", mkdir("sub", 0755));
	check("mkdir sub again", mkdir("sub", 0755));
	check("mkdir sub/inner", mkdir("sub/inner", 0700));
	stat("sub", &st);
	show_stat("stat sub", &st);
	stat("sub/inner", &st);
	printf("stat sub/inner: %s mode=%03o\n", kind(st.st_mode), (unsigned)(st.st_mode & 0777));
	check("symlink a.txt -> link", symlink("a.txt", "link"));
	check("symlink dangling", symlink("does-not-exist", "dangling"));
	n = readlink("link", buf, sizeof buf);
	printf("readlink link: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	check("readlink of regular file", readlink("a.txt", buf, sizeof buf));
	lstat("link", &st);
	show_stat("lstat link", &st);
	stat("link", &st);
	show_stat("stat link", &st);
	check("stat dangling", stat("dangling", &st));
	check("lstat dangling", lstat("dangling", &st));
	check("link a.txt hard", link("a.txt", "hard"));
	stat("a.txt", &st);
	show_stat("stat a.txt with hard link", &st);
	check("rename v.txt -> sub/v2.txt", rename("v.txt", "sub/v2.txt"));
	check("stat v.txt after rename", stat("v.txt", &st));
	cat("read sub/v2.txt", "sub/v2.txt");
	check("open missing", open("missing", O_RDONLY));
	check("open a.txt/x", open("a.txt/x", O_RDONLY));
	check("open sub for write", open("sub", O_WRONLY));
	fd = open("sub", O_RDONLY | O_DIRECTORY);
	check("open sub O_DIRECTORY", fd);
	check("openat sub/v2.txt via dirfd", fd2 = openat(fd, "v2.txt", O_RDONLY));
	close(fd2);
	close(fd);
	check("open a.txt O_DIRECTORY", open("a.txt", O_RDONLY | O_DIRECTORY));
	check("open link O_NOFOLLOW", open("link", O_RDONLY | O_NOFOLLOW));
	check("rmdir sub (not empty)", rmdir("sub"));
	check("access a.txt F_OK", access("a.txt", F_OK));
	check("access a.txt R_OK", access("a.txt", R_OK));
	check("access a.txt X_OK", access("a.txt", X_OK));
	check("access missing F_OK", access("missing", F_OK));
	check("chmod a.txt 0755", chmod("a.txt", 0755));
	check("access a.txt X_OK after chmod", access("a.txt", X_OK));
	stat("a.txt", &st);
	printf("mode after chmod: %03o\n", (unsigned)(st.st_mode & 0777));
	list_dir(".");
	list_dir("sub");

	/* chdir / getcwd */
	check("chdir sub", chdir("sub"));
	getcwd(buf, sizeof buf);
	printf("getcwd ends with /sub: %s\n",
	       strlen(buf) >= 4 && strcmp(buf + strlen(buf) - 4, "/sub") == 0 ? "yes" : "no");
	cat("read ../a.txt from sub", "../a.txt");
	check("chdir ..", chdir(".."));

	/* dup / dup2 / pipe */
	fd = open("d.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	fd2 = dup(fd);
	printf("dup gives a new fd: %s\n", fd2 > fd ? "yes" : "no");
	write(fd2, "via dup;", 8);
	printf("dup2 to 20: %d\n", dup2(fd, 20));
	write(20, "via dup2;", 9);
	printf("shared offset: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	close(20);
	check("write to closed fd", write(20, "x", 1));
	close(fd2);
	close(fd);
	cat("read d.txt", "d.txt");

	int pfd[2];
	check("pipe", pipe(pfd));
	fstat(pfd[0], &st);
	printf("pipe end is fifo: %s\n", S_ISFIFO(st.st_mode) ? "yes" : "no");
	printf("pipe write: %zd\n", write(pfd[1], "through the pipe", 16));
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof buf);
	printf("pipe read: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0), buf);
	printf("pipe read at eof: %zd\n", read(pfd[0], buf, sizeof buf));
	check("lseek on pipe", lseek(pfd[0], 0, SEEK_SET));
	close(pfd[0]);

	/* clean up */
	check("unlink a.txt", unlink("a.txt"));
	check("unlink a.txt again", unlink("a.txt"));
	stat("hard", &st);
	show_stat("stat hard after unlink", &st);
	unlink("hard");
	unlink("link");
	unlink("dangling");
	unlink("d.txt");
	unlink("sub/v2.txt");
	check("rmdir sub/inner", rmdir("sub/inner"));
	check("rmdir sub", rmdir("sub"));
	list_dir(".");
	if (made) {
		chdir("/");
		rmdir(dir);
	}
	return 0;
}
