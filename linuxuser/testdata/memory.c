/* memory.c: mmap/munmap/mprotect/mremap, file mappings, brk via malloc. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long pg = sysconf(_SC_PAGESIZE);
	printf("pagesize %ld\n", pg);
	char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap ok %d zero %d\n", p != MAP_FAILED, p[100] == 0 && p[4 * pg - 1] == 0);
	memset(p, 'x', 4 * pg);
	printf("mprotect %d\n", mprotect(p + pg, pg, PROT_READ));
	printf("read-only page %c\n", p[pg + 5]);
	printf("munmap %d\n", munmap(p + 2 * pg, pg));
	char *q = mremap(p, pg, 8 * pg, MREMAP_MAYMOVE);
	printf("mremap ok %d kept %c\n", q != MAP_FAILED, q[10]);
	char *fixed = mmap(p + 2 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("fixed at hole %d\n", fixed == p + 2 * pg);
	char *nr = mmap(p + 2 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	printf("noreplace fails %d\n", nr == MAP_FAILED);
	printf("bad munmap %d\n", munmap(p + 1, pg));

	/* File mappings: shared writes reach the file, private ones do not. */
	char path[] = "/tmp/gemu-mem-XXXXXX";
	int fd = mkstemp(path);
	ftruncate(fd, pg);
	char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	strcpy(s, "shared data");
	msync(s, pg, MS_SYNC);
	char *pr = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("private sees %s\n", pr);
	strcpy(pr, "private!!!");
	char buf[16] = {0};
	pread(fd, buf, 11, 0);
	printf("file has %s\n", buf);
	munmap(s, pg);
	munmap(pr, pg);
	close(fd);
	unlink(path);

	/* malloc: small blocks from brk, large ones from mmap. */
	void *small[100];
	for (int i = 0; i < 100; i++) {
		small[i] = malloc(100 + i);
		memset(small[i], i, 100 + i);
	}
	char *big = malloc(64 << 20);
	memset(big, 1, 64 << 20);
	long sum = 0;
	for (int i = 0; i < 100; i++)
		sum += ((unsigned char *)small[i])[99];
	printf("malloc sum %ld big %d\n", sum, big[(64 << 20) - 1]);
	free(big);
	for (int i = 0; i < 100; i++)
		free(small[i]);
	void *cur = sbrk(0);
	printf("sbrk grow %d\n", sbrk(1 << 20) == cur);
	printf("sbrk shrink %d\n", sbrk(-(1 << 20)) != (void *)-1);
	return 0;
}
