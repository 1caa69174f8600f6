/* openflags: open flags whose values differ between x86_64 and the
 * guests (O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE on aarch64),
 * through openat and openat2, and F_GETFL/F_SETFL reporting the guest's
 * bits; statx.
 * usage: openflags DIR */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void show(const char *label, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", label, strerrorname_np(errno));
	else
		printf("%s: ok\n", label);
}

static long open2(const char *name, unsigned long long flags, unsigned long long resolve)
{
	struct open_how how = {.flags = flags, .mode = (flags & O_CREAT) ? 0600 : 0, .resolve = resolve};
	long fd = syscall(SYS_openat2, AT_FDCWD, name, &how, sizeof how);
	if (fd >= 0)
		close((int)fd);
	return fd;
}

/* statx: the struct is the same everywhere (include/uapi/linux/stat.h);
 * what it reports of a file, a symlink and a descriptor. */
static void statx_checks(void)
{
	struct statx sx;
	memset(&sx, 0xff, sizeof sx);
	long r = statx(AT_FDCWD, "file", 0, STATX_BASIC_STATS, &sx);
	printf("statx file: %ld, basic stats %d, regular %d, mode %o, size %llu, nlink %u, blocks set %d\n", r,
	       (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, S_ISREG(sx.stx_mode), sx.stx_mode & 07777,
	       (unsigned long long)sx.stx_size, sx.stx_nlink, sx.stx_blocks != ~0ull);
	struct stat st;
	stat("file", &st);
	printf("statx matches stat: ino %d, dev %d, mtime %d\n", sx.stx_ino == st.st_ino,
	       makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev, sx.stx_mtime.tv_sec == st.st_mtim.tv_sec);
	r = statx(AT_FDCWD, "link", AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx);
	printf("statx link nofollow: %ld, symlink %d\n", r, S_ISLNK(sx.stx_mode));
	int fd = open("dir", O_RDONLY | O_DIRECTORY);
	r = statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_MODE, &sx);
	printf("statx AT_EMPTY_PATH on a directory fd: %ld, directory %d\n", r, S_ISDIR(sx.stx_mode));
	close(fd);
	r = statx(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx);
	printf("statx missing: %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
	r = statx(AT_FDCWD, "file", 0, 0x80000000u, &sx);
	printf("statx reserved mask bit: %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
}

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	close(open("file", O_CREAT | O_WRONLY, 0600));
	mkdir("dir", 0700);
	symlink("file", "link");
	symlink("/", "escape");

	long fd;
	show("openat O_DIRECTORY on a directory", fd = open("dir", O_RDONLY | O_DIRECTORY));
	close((int)fd);
	show("openat O_DIRECTORY on a file", open("file", O_RDONLY | O_DIRECTORY));
	show("openat O_NOFOLLOW on a symlink", open("link", O_RDONLY | O_NOFOLLOW));
	show("openat O_NOFOLLOW|O_PATH on a symlink", fd = open("link", O_PATH | O_NOFOLLOW));
	close((int)fd);
	fd = open("file", O_RDWR | O_DIRECT);
	printf("openat O_DIRECT: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	if (fd >= 0) {
		int fl = fcntl((int)fd, F_GETFL);
		printf("F_GETFL has O_DIRECT %d\n", (fl & O_DIRECT) != 0);
		close((int)fd);
	}

	fd = open("file", O_RDWR | O_APPEND);
	int fl = fcntl((int)fd, F_GETFL);
	printf("F_GETFL: O_RDWR %d, O_APPEND %d, O_NONBLOCK %d, O_LARGEFILE %d\n", (fl & O_ACCMODE) == O_RDWR,
	       (fl & O_APPEND) != 0, (fl & O_NONBLOCK) != 0, (fl & O_LARGEFILE) != 0);
	fcntl((int)fd, F_SETFL, fl | O_NONBLOCK);
	fl = fcntl((int)fd, F_GETFL);
	printf("after F_SETFL O_NONBLOCK: O_NONBLOCK %d, O_APPEND %d\n", (fl & O_NONBLOCK) != 0, (fl & O_APPEND) != 0);
	close((int)fd);

	show("openat2 O_DIRECTORY on a directory", open2("dir", O_RDONLY | O_DIRECTORY, 0));
	show("openat2 O_DIRECTORY on a file", open2("file", O_RDONLY | O_DIRECTORY, 0));
	show("openat2 O_NOFOLLOW on a symlink", open2("link", O_RDONLY | O_NOFOLLOW, 0));
	show("openat2 O_CREAT", open2("made", O_CREAT | O_WRONLY, 0));
	show("openat2 RESOLVE_BENEATH inside", open2("dir", O_RDONLY, RESOLVE_BENEATH));
	show("openat2 RESOLVE_BENEATH through an escaping link", open2("escape", O_RDONLY, RESOLVE_BENEATH));
	show("openat2 RESOLVE_NO_SYMLINKS", open2("link", O_RDONLY, RESOLVE_NO_SYMLINKS));
	show("openat2 unknown resolve bit", open2("file", O_RDONLY, 1ull << 40));
	struct {
		struct open_how how;
		unsigned long long extra;
	} big = {{.flags = O_RDONLY}, 1};
	show("openat2 larger struct with a nonzero tail", syscall(SYS_openat2, AT_FDCWD, "file", &big, sizeof big));
	show("openat2 short struct", syscall(SYS_openat2, AT_FDCWD, "file", &big, 16));
	statx_checks();
	return 0;
}
