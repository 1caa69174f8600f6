/* fileio.c: file I/O, stat fields, directories, renames, vectors. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) != 0) {
		perror("chdir");
		return 1;
	}
	int fd = open("a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0) { perror("open"); return 1; }
	const char *msg = "0123456789abcdef";
	printf("write %zd\n", write(fd, msg, 16));
	struct iovec iov[2] = {{"XY", 2}, {"Z\n", 2}};
	printf("writev %zd\n", writev(fd, iov, 2));
	printf("pwrite %zd\n", pwrite(fd, "##", 2, 4));
	close(fd);

	struct stat st;
	if (stat("a.txt", &st) != 0) { perror("stat"); return 1; }
	printf("size %lld mode %o nlink %ld isreg %d blksize>0 %d\n", (long long)st.st_size,
	       st.st_mode & 07777, (long)st.st_nlink, S_ISREG(st.st_mode), st.st_blksize > 0);
	printf("mtime set %d\n", st.st_mtime > 1000000000);

	fd = open("a.txt", O_RDONLY);
	char buf[64] = {0};
	printf("lseek %lld\n", (long long)lseek(fd, 2, SEEK_SET));
	printf("read %zd '%.*s'\n", read(fd, buf, 6), 6, buf);
	printf("pread %zd '%.*s'\n", pread(fd, buf, 4, 16), 3, buf);
	char a[3] = {0}, b[3] = {0};
	struct iovec riov[2] = {{a, 2}, {b, 2}};
	lseek(fd, 0, SEEK_SET);
	printf("readv %zd %s %s\n", readv(fd, riov, 2), a, b);
	struct stat fst;
	fstat(fd, &fst);
	printf("fstat same ino %d size %lld\n", fst.st_ino == st.st_ino, (long long)fst.st_size);
	close(fd);

	printf("mkdir %d\n", mkdir("sub", 0755));
	int r = mkdir("sub", 0755);
	printf("mkdir again %d %s\n", r, strerror(errno));
	printf("rename %d\n", rename("a.txt", "sub/b.txt"));
	printf("symlink %d\n", symlink("sub/b.txt", "link"));
	char target[64] = {0};
	printf("readlink %zd %s\n", readlink("link", target, sizeof target), target);
	int a1 = access("sub/b.txt", R_OK), a2 = access("nope", F_OK);
	printf("access %d %d\n", a1, a2);
	close(open("c.dat", O_CREAT | O_WRONLY, 0600));

	DIR *d = opendir(".");
	char *names[16];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 16)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], cmp);
	for (int i = 0; i < n; i++)
		printf("entry %s\n", names[i]);

	printf("unlink %d\n", unlink("link"));
	r = rmdir("sub");
	printf("rmdir busy %d %s\n", r, strerror(errno));
	int u1 = unlink("sub/b.txt"), u2 = unlink("c.dat");
	printf("unlink %d %d\n", u1, u2);
	printf("rmdir %d\n", rmdir("sub"));
	r = open("missing", O_RDONLY);
	printf("open missing %d %s\n", r, strerror(errno));
	char cwd[4096];
	printf("getcwd ok %d\n", getcwd(cwd, sizeof cwd) != NULL);
	return 0;
}
