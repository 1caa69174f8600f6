/* errfs: the documented error returns of the path-name families
 * (mkdirat, mknodat, unlinkat, renameat2, symlinkat, linkat, readlinkat,
 * faccessat/faccessat2, fchmodat/fchmodat2, fchownat, utimensat,
 * statfs/fstatfs, getcwd, chdir/fchdir/chroot, extended attributes),
 * each in the order the kernel checks its arguments: rows pass two bad
 * arguments at once to show which errno wins.
 * usage: errfs DIR (an empty, writable directory; run as root) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "show.h"

#define BAD ((void *)-1)

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452 /* the same on every architecture */
#endif

static char *none;
static char longname[NAME_MAX + 2];
static char big[65537];

static void setup(void)
{
	int fd = open("file", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (write(fd, "0123456789", 10) != 10)
		exit(1);
	close(fd);
	mkdir("dir", 0755);
	mkdir("full", 0755);
	close(open("full/x", O_CREAT | O_RDWR, 0644));
	mkdir("full/sub", 0755);
	symlink("file", "link");
	symlink("missing", "dangling");
	symlink("loop1", "loop2");
	symlink("loop2", "loop1");
	memset(longname, 'n', sizeof(longname) - 1);
}

static void makes(void)
{
	int f = open("file", O_RDONLY);
	show("mkdirat existing", mkdirat(AT_FDCWD, "dir", 0755));
	show("mkdirat existing file", mkdirat(AT_FDCWD, "file", 0755));
	show("mkdirat dangling link", mkdirat(AT_FDCWD, "dangling", 0755));
	show("mkdirat through a file", mkdirat(AT_FDCWD, "file/x", 0755));
	show("mkdirat missing parent", mkdirat(AT_FDCWD, "missing/x", 0755));
	show("mkdirat empty", mkdirat(AT_FDCWD, "", 0755));
	show("mkdirat long name", mkdirat(AT_FDCWD, longname, 0755));
	show("mkdirat bad path", mkdirat(AT_FDCWD, BAD, 0755));
	show("mkdirat bad path, bad dirfd", mkdirat(999, BAD, 0755));
	show("mkdirat bad dirfd", mkdirat(999, "x", 0755));
	show("mkdirat file dirfd", mkdirat(f, "x", 0755));
	show("mkdirat loop/x", mkdirat(AT_FDCWD, "loop1/x", 0755));
	show("mkdirat /proc/self/x", mkdirat(AT_FDCWD, "/proc/self/x", 0755));
	show("mknodat existing", mknodat(AT_FDCWD, "file", S_IFREG | 0644, 0));
	show("mknodat bad type", mknodat(AT_FDCWD, "node", 0170000 | 0644, 0));
	show("mknodat S_IFDIR", mknodat(AT_FDCWD, "node", S_IFDIR | 0644, 0));
	show("mknodat bad type, existing", mknodat(AT_FDCWD, "file", 0170000 | 0644, 0));
	show("mknodat fifo through a file", mknodat(AT_FDCWD, "file/x", S_IFIFO | 0644, 0));
	show("mknodat bad path", mknodat(AT_FDCWD, BAD, S_IFIFO | 0644, 0));
	show("mknodat fifo", mknodat(AT_FDCWD, "fifo", S_IFIFO | 0644, 0));
	show("mknodat socket", mknodat(AT_FDCWD, "sock", S_IFSOCK | 0644, 0));
	show("mknodat regular, type 0", mknodat(AT_FDCWD, "plain", 0644, 0));
	close(f);
}

static void removes(void)
{
	int f = open("file", O_RDONLY);
	show("unlinkat missing", unlinkat(AT_FDCWD, "missing", 0));
	show("unlinkat directory", unlinkat(AT_FDCWD, "dir", 0));
	show("unlinkat bad flags", unlinkat(AT_FDCWD, "file", 1));
	show("unlinkat bad flags, missing", unlinkat(AT_FDCWD, "missing", 1));
	show("unlinkat bad flags, bad path", unlinkat(AT_FDCWD, BAD, 1));
	show("unlinkat bad path", unlinkat(AT_FDCWD, BAD, 0));
	show("unlinkat empty", unlinkat(AT_FDCWD, "", 0));
	show("unlinkat through a file", unlinkat(AT_FDCWD, "file/x", 0));
	show("unlinkat file dirfd", unlinkat(f, "x", 0));
	show("unlinkat bad dirfd", unlinkat(999, "x", 0));
	show("unlinkat dir/", unlinkat(AT_FDCWD, "file/", 0));
	show("unlinkat .", unlinkat(AT_FDCWD, ".", 0));
	show("rmdir file", unlinkat(AT_FDCWD, "file", AT_REMOVEDIR));
	show("rmdir not empty", unlinkat(AT_FDCWD, "full", AT_REMOVEDIR));
	show("rmdir .", unlinkat(AT_FDCWD, ".", AT_REMOVEDIR));
	show("rmdir ..", unlinkat(AT_FDCWD, "..", AT_REMOVEDIR));
	show("rmdir dir/.", unlinkat(AT_FDCWD, "dir/.", AT_REMOVEDIR));
	show("rmdir link to dir", unlinkat(AT_FDCWD, "link", AT_REMOVEDIR));
	show("rmdir missing", unlinkat(AT_FDCWD, "missing", AT_REMOVEDIR));
	show("rmdir /", unlinkat(AT_FDCWD, "/", AT_REMOVEDIR));
	close(f);
}

static void renames(void)
{
	show("renameat2 missing", renameat2(AT_FDCWD, "missing", AT_FDCWD, "x", 0));
	show("renameat2 bad flags", renameat2(AT_FDCWD, "file", AT_FDCWD, "x", 0x100));
	show("renameat2 bad flags, missing", renameat2(AT_FDCWD, "missing", AT_FDCWD, "x", 0x100));
	show("renameat2 NOREPLACE|EXCHANGE", renameat2(AT_FDCWD, "file", AT_FDCWD, "dir", RENAME_NOREPLACE | RENAME_EXCHANGE));
	show("renameat2 WHITEOUT|EXCHANGE", renameat2(AT_FDCWD, "file", AT_FDCWD, "dir", RENAME_WHITEOUT | RENAME_EXCHANGE));
	show("renameat2 NOREPLACE existing", renameat2(AT_FDCWD, "file", AT_FDCWD, "link", RENAME_NOREPLACE));
	show("renameat2 EXCHANGE missing target", renameat2(AT_FDCWD, "file", AT_FDCWD, "missing", RENAME_EXCHANGE));
	show("renameat2 dir into itself", renameat2(AT_FDCWD, "full", AT_FDCWD, "full/sub/x", 0));
	show("renameat2 dir over file", renameat2(AT_FDCWD, "dir", AT_FDCWD, "file", 0));
	show("renameat2 file over dir", renameat2(AT_FDCWD, "file", AT_FDCWD, "dir", 0));
	show("renameat2 dir over non-empty dir", renameat2(AT_FDCWD, "dir", AT_FDCWD, "full", 0));
	show("renameat2 to a missing dir", renameat2(AT_FDCWD, "file", AT_FDCWD, "missing/x", 0));
	show("renameat2 through a file", renameat2(AT_FDCWD, "file", AT_FDCWD, "file/x", 0));
	show("renameat2 .", renameat2(AT_FDCWD, ".", AT_FDCWD, "x", 0));
	show("renameat2 to ..", renameat2(AT_FDCWD, "dir", AT_FDCWD, "..", 0));
	show("renameat2 bad old path", renameat2(AT_FDCWD, BAD, AT_FDCWD, "x", 0));
	show("renameat2 bad new path", renameat2(AT_FDCWD, "file", AT_FDCWD, BAD, 0));
	show("renameat2 bad old dirfd", renameat2(999, "file", AT_FDCWD, "x", 0));
	show("renameat2 bad new dirfd", renameat2(AT_FDCWD, "file", 999, "x", 0));
	show("renameat2 bad old dirfd, bad new path", renameat2(999, "file", AT_FDCWD, BAD, 0));
	show("renameat2 long new name", renameat2(AT_FDCWD, "file", AT_FDCWD, longname, 0));
	show("renameat2 to itself", renameat2(AT_FDCWD, "file", AT_FDCWD, "file", 0));
	show("renameat2 NOREPLACE to itself", renameat2(AT_FDCWD, "file", AT_FDCWD, "file", RENAME_NOREPLACE));
	show("renameat2 across /proc", renameat2(AT_FDCWD, "file", AT_FDCWD, "/proc/self/x", 0));
	show("renameat", syscall(SYS_renameat2, AT_FDCWD, "missing", AT_FDCWD, "x", 0));
}

static void links(void)
{
	char buf[64];
	int f = open("file", O_RDONLY);
	show("symlinkat existing", symlinkat("x", AT_FDCWD, "file"));
	show("symlinkat empty target", symlinkat("", AT_FDCWD, "newlink"));
	show("symlinkat bad target", symlinkat(BAD, AT_FDCWD, "newlink"));
	show("symlinkat bad target, existing", symlinkat(BAD, AT_FDCWD, "file"));
	show("symlinkat bad name", symlinkat("x", AT_FDCWD, BAD));
	show("symlinkat empty name", symlinkat("x", AT_FDCWD, ""));
	show("symlinkat through a file", symlinkat("x", AT_FDCWD, "file/x"));
	show("symlinkat bad dirfd", symlinkat("x", 999, "x"));
	show("symlinkat long name", symlinkat("x", AT_FDCWD, longname));
	show("linkat directory", linkat(AT_FDCWD, "dir", AT_FDCWD, "dirlink", 0));
	show("linkat existing", linkat(AT_FDCWD, "file", AT_FDCWD, "link", 0));
	show("linkat missing", linkat(AT_FDCWD, "missing", AT_FDCWD, "x", 0));
	show("linkat bad flags", linkat(AT_FDCWD, "file", AT_FDCWD, "x", 0x1));
	show("linkat bad flags, missing", linkat(AT_FDCWD, "missing", AT_FDCWD, "x", 0x1));
	show("linkat empty old, no AT_EMPTY_PATH", linkat(f, "", AT_FDCWD, "x", 0));
	show("linkat bad old path", linkat(AT_FDCWD, BAD, AT_FDCWD, "x", 0));
	show("linkat bad new path", linkat(AT_FDCWD, "file", AT_FDCWD, BAD, 0));
	show("linkat bad old dirfd", linkat(999, "file", AT_FDCWD, "x", 0));
	show("linkat dangling, FOLLOW", linkat(AT_FDCWD, "dangling", AT_FDCWD, "x", AT_SYMLINK_FOLLOW));
	show("linkat loop, FOLLOW", linkat(AT_FDCWD, "loop1", AT_FDCWD, "x", AT_SYMLINK_FOLLOW));
	show("linkat into /proc", linkat(AT_FDCWD, "file", AT_FDCWD, "/proc/self/x", 0));
	show("readlinkat not a link", readlinkat(AT_FDCWD, "file", buf, sizeof(buf)));
	show("readlinkat bufsiz 0", readlinkat(AT_FDCWD, "link", buf, 0));
	show("readlinkat bufsiz -1", syscall(SYS_readlinkat, AT_FDCWD, "link", buf, -1));
	show("readlinkat bufsiz 0, missing", readlinkat(AT_FDCWD, "missing", buf, 0));
	show("readlinkat missing", readlinkat(AT_FDCWD, "missing", buf, sizeof(buf)));
	show("readlinkat bad buffer", readlinkat(AT_FDCWD, "link", BAD, sizeof(buf)));
	show("readlinkat bad buffer, not a link", readlinkat(AT_FDCWD, "file", BAD, sizeof(buf)));
	show("readlinkat PROT_NONE buffer", readlinkat(AT_FDCWD, "link", none, sizeof(buf)));
	show("readlinkat bad path", readlinkat(AT_FDCWD, BAD, buf, sizeof(buf)));
	show("readlinkat empty path, fd a file", readlinkat(f, "", buf, sizeof(buf)));
	int l = open("link", O_PATH | O_NOFOLLOW);
	show("readlinkat empty path, fd a link", readlinkat(l, "", buf, sizeof(buf)));
	show("readlinkat empty path, fd a link, bufsiz 2", readlinkat(l, "", buf, 2));
	close(l);
	show("readlinkat bufsiz 2", readlinkat(AT_FDCWD, "link", buf, 2));
	show("readlinkat /proc/self/fd/999", readlinkat(AT_FDCWD, "/proc/self/fd/999", buf, sizeof(buf)));
	show("readlinkat /proc/self/exe bufsiz 0", readlinkat(AT_FDCWD, "/proc/self/exe", buf, 0));
	show("readlinkat /proc/self/exe bad buffer", readlinkat(AT_FDCWD, "/proc/self/exe", BAD, sizeof(buf)));
	show("readlinkat /proc/self/exe bufsiz 1", readlinkat(AT_FDCWD, "/proc/self/exe", buf, 1));
	close(f);
}

static void access_modes(void)
{
	int f = open("file", O_RDONLY);
	show("faccessat bad mode", syscall(SYS_faccessat, AT_FDCWD, "file", 8));
	show("faccessat bad mode, missing", syscall(SYS_faccessat, AT_FDCWD, "missing", 8));
	show("faccessat missing", syscall(SYS_faccessat, AT_FDCWD, "missing", F_OK));
	show("faccessat through a file", syscall(SYS_faccessat, AT_FDCWD, "file/x", F_OK));
	show("faccessat bad path", syscall(SYS_faccessat, AT_FDCWD, BAD, F_OK));
	show("faccessat X_OK on a file", syscall(SYS_faccessat, AT_FDCWD, "file", X_OK));
	show("faccessat W_OK on /proc/self/exe", syscall(SYS_faccessat, AT_FDCWD, "/proc/self/exe", W_OK));
	show("faccessat2 bad flags", syscall(SYS_faccessat2, AT_FDCWD, "file", F_OK, 0x1));
	show("faccessat2 bad flags, bad mode", syscall(SYS_faccessat2, AT_FDCWD, "file", 8, 0x1));
	show("faccessat2 EACCESS|NOFOLLOW", syscall(SYS_faccessat2, AT_FDCWD, "dangling", F_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW));
	show("faccessat2 dangling", syscall(SYS_faccessat2, AT_FDCWD, "dangling", F_OK, 0));
	show("faccessat2 empty path", syscall(SYS_faccessat2, f, "", R_OK, 0));
	show("faccessat2 empty path, AT_EMPTY_PATH", syscall(SYS_faccessat2, f, "", R_OK, AT_EMPTY_PATH));
	show("faccessat2 bad dirfd", syscall(SYS_faccessat2, 999, "file", R_OK, 0));
	show("fchmodat missing", syscall(SYS_fchmodat, AT_FDCWD, "missing", 0644));
	show("fchmodat bad path", syscall(SYS_fchmodat, AT_FDCWD, BAD, 0644));
	show("fchmodat bad dirfd", syscall(SYS_fchmodat, 999, "file", 0644));
	show("fchmodat dangling", syscall(SYS_fchmodat, AT_FDCWD, "dangling", 0644));
	show("fchmodat2 bad flags", syscall(SYS_fchmodat2, AT_FDCWD, "file", 0644, 0x1));
	show("fchmodat2 NOFOLLOW on a link", syscall(SYS_fchmodat2, AT_FDCWD, "link", 0644, AT_SYMLINK_NOFOLLOW));
	show("fchmodat2 NOFOLLOW on a file", syscall(SYS_fchmodat2, AT_FDCWD, "file", 0644, AT_SYMLINK_NOFOLLOW));
	show("fchmodat2 empty path", syscall(SYS_fchmodat2, f, "", 0644, 0));
	show("fchmodat2 empty path, AT_EMPTY_PATH", syscall(SYS_fchmodat2, f, "", 0644, AT_EMPTY_PATH));
	show("fchmod bad fd", fchmod(999, 0644));
	int pa = open("file", O_PATH);
	show("fchmod O_PATH", fchmod(pa, 0644));
	show("fchown O_PATH", fchown(pa, 0, 0));
	show("fchownat bad flags", fchownat(AT_FDCWD, "file", 0, 0, 0x1));
	show("fchownat bad flags, missing", fchownat(AT_FDCWD, "missing", 0, 0, 0x1));
	show("fchownat missing", fchownat(AT_FDCWD, "missing", 0, 0, 0));
	show("fchownat dangling, NOFOLLOW", fchownat(AT_FDCWD, "dangling", 0, 0, AT_SYMLINK_NOFOLLOW));
	show("fchownat empty path", fchownat(f, "", 0, 0, 0));
	show("fchownat empty path, AT_EMPTY_PATH", fchownat(f, "", 0, 0, AT_EMPTY_PATH));
	show("fchownat O_PATH, AT_EMPTY_PATH", fchownat(pa, "", 0, 0, AT_EMPTY_PATH));
	show("fchownat bad path", fchownat(AT_FDCWD, BAD, 0, 0, 0));
	close(pa);
	close(f);
}

static void utimes_rows(void)
{
	struct timespec ts[2] = {{0, 0}, {0, 0}};
	struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
	struct timespec neg[2] = {{0, -1}, {0, 0}};
	struct timespec omit[2] = {{5, UTIME_OMIT}, {5, UTIME_OMIT}};
	int f = open("file", O_RDONLY);
	show("utimensat", syscall(SYS_utimensat, AT_FDCWD, "file", ts, 0));
	show("utimensat nsec 1e9", syscall(SYS_utimensat, AT_FDCWD, "file", bad, 0));
	show("utimensat nsec -1", syscall(SYS_utimensat, AT_FDCWD, "file", neg, 0));
	show("utimensat nsec 1e9, missing", syscall(SYS_utimensat, AT_FDCWD, "missing", bad, 0));
	show("utimensat both OMIT", syscall(SYS_utimensat, AT_FDCWD, "missing", omit, 0));
	show("utimensat bad flags", syscall(SYS_utimensat, AT_FDCWD, "file", ts, 0x1));
	show("utimensat bad flags, bad times", syscall(SYS_utimensat, AT_FDCWD, "file", bad, 0x1));
	show("utimensat bad times pointer", syscall(SYS_utimensat, AT_FDCWD, "file", BAD, 0));
	show("utimensat bad times pointer, missing", syscall(SYS_utimensat, AT_FDCWD, "missing", BAD, 0));
	show("utimensat missing", syscall(SYS_utimensat, AT_FDCWD, "missing", ts, 0));
	show("utimensat NULL path, fd", syscall(SYS_utimensat, f, NULL, ts, 0));
	show("utimensat NULL path, NOFOLLOW", syscall(SYS_utimensat, f, NULL, ts, AT_SYMLINK_NOFOLLOW));
	show("utimensat NULL path, bad fd", syscall(SYS_utimensat, 999, NULL, ts, 0));
	show("utimensat NULL path, AT_FDCWD", syscall(SYS_utimensat, AT_FDCWD, NULL, ts, 0));
	show("utimensat empty path", syscall(SYS_utimensat, f, "", ts, 0));
	show("utimensat empty path, AT_EMPTY_PATH", syscall(SYS_utimensat, f, "", ts, AT_EMPTY_PATH));
	show("utimensat bad path", syscall(SYS_utimensat, AT_FDCWD, BAD, ts, 0));
	show("utimensat dangling, NOFOLLOW", syscall(SYS_utimensat, AT_FDCWD, "dangling", ts, AT_SYMLINK_NOFOLLOW));
	show("utimensat dangling", syscall(SYS_utimensat, AT_FDCWD, "dangling", ts, 0));
	close(f);
}

static void fsinfo(void)
{
	struct statfs sf;
	char buf[PATH_MAX + 10];
	show("statfs missing", statfs("missing", &sf));
	show("statfs bad buffer", statfs("file", BAD));
	show("statfs missing, bad buffer", statfs("missing", BAD));
	show("statfs bad path", statfs(BAD, &sf));
	show("statfs through a file", statfs("file/x", &sf));
	show("statfs loop", statfs("loop1", &sf));
	show("fstatfs bad fd", fstatfs(999, &sf));
	show("fstatfs bad fd, bad buffer", fstatfs(999, BAD));
	int f = open("file", O_RDONLY);
	show("fstatfs bad buffer", fstatfs(f, BAD));
	close(f);
	f = open("file", O_PATH);
	show("fstatfs O_PATH", fstatfs(f, &sf));
	close(f);
	show("getcwd size 0", syscall(SYS_getcwd, buf, 0));
	show("getcwd size 1", syscall(SYS_getcwd, buf, 1));
	show("getcwd NULL, size 0", syscall(SYS_getcwd, NULL, 0));
	show("getcwd bad buffer", syscall(SYS_getcwd, BAD, sizeof(buf)));
	show("getcwd bad buffer, size 1", syscall(SYS_getcwd, BAD, 1));
	show("getcwd PROT_NONE buffer", syscall(SYS_getcwd, none, sizeof(buf)));
	show("chdir missing", chdir("missing"));
	show("chdir file", chdir("file"));
	show("chdir bad path", chdir(BAD));
	show("chdir empty", chdir(""));
	show("chdir loop", chdir("loop1"));
	show("chdir long name", chdir(longname));
	show("fchdir bad fd", fchdir(999));
	f = open("file", O_RDONLY);
	show("fchdir file", fchdir(f));
	close(f);
	f = open("dir", O_PATH);
	show("fchdir O_PATH dir", fchdir(f));
	show("fchdir back", fchdir(open("..", O_RDONLY)));
	close(f);
	show("chroot missing", chroot("missing"));
	show("chroot file", chroot("file"));
	show("chroot bad path", chroot(BAD));
	show("chroot empty", chroot(""));
}

static void xattrs(void)
{
	char v[64], name[300];
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	memcpy(name, "user.", 5);
	show("setxattr", setxattr("file", "user.a", "value", 5, 0));
	show("setxattr CREATE existing", setxattr("file", "user.a", "value", 5, XATTR_CREATE));
	show("setxattr REPLACE missing", setxattr("file", "user.b", "value", 5, XATTR_REPLACE));
	show("setxattr bad flags", setxattr("file", "user.a", "value", 5, 4));
	show("setxattr bad flags, missing", setxattr("missing", "user.a", "value", 5, 4));
	show("setxattr CREATE|REPLACE", setxattr("file", "user.a", "value", 5, XATTR_CREATE | XATTR_REPLACE));
	show("setxattr empty name", setxattr("file", "", "value", 5, 0));
	show("setxattr long name", setxattr("file", name, "value", 5, 0));
	show("setxattr unknown namespace", setxattr("file", "bogus.a", "value", 5, 0));
	show("setxattr size 65537", setxattr("file", "user.a", big, sizeof(big), 0));
	show("setxattr bad value", setxattr("file", "user.a", BAD, 5, 0));
	show("setxattr bad name", setxattr("file", BAD, "value", 5, 0));
	show("setxattr bad name, missing", setxattr("missing", BAD, "value", 5, 0));
	show("setxattr missing", setxattr("missing", "user.a", "value", 5, 0));
	show("getxattr size 1", getxattr("file", "user.a", v, 1));
	show("getxattr size 0", getxattr("file", "user.a", v, 0));
	show("getxattr missing attr", getxattr("file", "user.zz", v, sizeof(v)));
	show("getxattr missing attr, bad buffer", getxattr("file", "user.zz", BAD, sizeof(v)));
	show("getxattr bad buffer", getxattr("file", "user.a", BAD, sizeof(v)));
	show("getxattr long name", getxattr("file", name, v, sizeof(v)));
	show("getxattr empty name", getxattr("file", "", v, sizeof(v)));
	show("getxattr bad name", getxattr("file", BAD, v, sizeof(v)));
	show("lgetxattr on a link, user.", lgetxattr("link", "user.a", v, sizeof(v)));
	show("listxattr size 1", listxattr("file", v, 1));
	show("listxattr bad buffer", listxattr("file", BAD, sizeof(v)));
	show("listxattr missing", listxattr("missing", v, sizeof(v)));
	show("listxattr missing, bad buffer", listxattr("missing", BAD, sizeof(v)));
	show("removexattr missing attr", removexattr("file", "user.zz"));
	show("removexattr empty name", removexattr("file", ""));
	show("removexattr", removexattr("file", "user.a"));
	show("fsetxattr bad fd", fsetxattr(999, "user.a", "v", 1, 0));
	show("fsetxattr bad fd, bad name", fsetxattr(999, BAD, "v", 1, 0));
	int pa = open("file", O_PATH);
	show("fsetxattr O_PATH", fsetxattr(pa, "user.a", "v", 1, 0));
	show("fgetxattr O_PATH", fgetxattr(pa, "user.a", v, sizeof(v)));
	show("flistxattr O_PATH", flistxattr(pa, v, sizeof(v)));
	show("fremovexattr O_PATH", fremovexattr(pa, "user.a"));
	close(pa);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: errfs DIR\n");
		return 2;
	}
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	setup();
	makes();
	removes();
	renames();
	links();
	access_modes();
	utimes_rows();
	fsinfo();
	xattrs();
	return 0;
}
