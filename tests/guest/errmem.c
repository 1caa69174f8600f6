/* errmem: the documented error returns of the memory family (mmap,
 * munmap, mprotect, madvise, msync, mincore, mremap, mlock, brk,
 * process_vm-style calls gemu implements), each in the order the kernel
 * checks its arguments: rows pass two bad arguments at once to show
 * which errno wins. Addresses are never printed.
 * usage: errmem (the cwd is writable) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "show.h"

#define PG 4096L
#define BAD ((void *)-1)

static char *none;

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

static long rawmmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	return syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

/* rm shows a raw mmap: 0 for a mapping, else the errno. */
static void rm(const char *label, long r)
{
	show(label, r == -1 ? -1 : 0);
}

static void mmaps(void)
{
	int rd = open("data", O_RDONLY), wr = open("data", O_WRONLY), dir = open(".", O_RDONLY), p[2];
	int pa = open("data", O_PATH);
	if (pipe(p) < 0)
		return;
	rm("mmap length 0", rawmmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	rm("mmap length 0, bad fd", rawmmap(NULL, 0, PROT_READ, MAP_PRIVATE, 999, 0));
	rm("mmap unaligned offset", rawmmap(NULL, PG, PROT_READ, MAP_PRIVATE, rd, 100));
	rm("mmap unaligned offset, bad fd", rawmmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 100));
	rm("mmap unaligned offset, length 0", rawmmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 100));
	rm("mmap no type", rawmmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0));
	rm("mmap no type, bad fd", rawmmap(NULL, PG, PROT_READ, 0, 999, 0));
	rm("mmap PRIVATE|SHARED", rawmmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	rm("mmap SHARED_VALIDATE unknown flag", rawmmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x800000, -1, 0));
	rm("mmap bad fd", rawmmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0));
	rm("mmap O_PATH fd", rawmmap(NULL, PG, PROT_READ, MAP_PRIVATE, pa, 0));
	rm("mmap a directory", rawmmap(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0));
	rm("mmap a pipe", rawmmap(NULL, PG, PROT_READ, MAP_PRIVATE, p[0], 0));
	rm("mmap write-only fd", rawmmap(NULL, PG, PROT_READ, MAP_PRIVATE, wr, 0));
	rm("mmap SHARED WRITE on read-only fd", rawmmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, rd, 0));
	rm("mmap PRIVATE WRITE on read-only fd", rawmmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, rd, 0));
	rm("mmap FIXED unaligned", rawmmap((void *)(0x200000000L + 1), PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	rm("mmap FIXED_NOREPLACE unaligned", rawmmap((void *)(0x200000000L + 1), PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	char *a = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rm("mmap FIXED_NOREPLACE over a mapping", rawmmap(a + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	rm("mmap FIXED_NOREPLACE overlapping the start", rawmmap(a - PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	rm("mmap length 2^62", rawmmap(NULL, 1UL << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
	rm("mmap length -4096", rawmmap(NULL, -PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	rm("mmap FIXED at the top", rawmmap((void *)-PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	rm("mmap offset overflow", rawmmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, rd, -PG));
	rm("mmap bad prot bits", rawmmap(NULL, PG, 0x100, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	rm("mmap GROWSDOWN|GROWSUP prot", rawmmap(NULL, PG, PROT_READ | PROT_GROWSDOWN, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	rm("mmap HUGETLB on a file", rawmmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_HUGETLB, rd, 0));
	rm("mmap SHARED_VALIDATE on a file", rawmmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE, rd, 0));
	/* Linux mm/mmap.c do_mmap: MAP_SHARED_VALIDATE refuses flags outside
	 * LEGACY_MAP_MASK and the file's own (MAP_SYNC needs DAX); MAP_SHARED
	 * drops them; MAP_FIXED_NOREPLACE's EEXIST comes before the type. */
	rm("mmap SHARED_VALIDATE on a file, unknown flag", rawmmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | 0x800000, rd, 0));
	rm("mmap SHARED_VALIDATE on a file, MAP_SYNC", rawmmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | 0x80000, rd, 0));
	rm("mmap SHARED on a file, unknown flag", rawmmap(NULL, PG, PROT_READ, MAP_SHARED | 0x800000, rd, 0));
	rm("mmap FIXED_NOREPLACE over a mapping, bad type", rawmmap(a + PG, PG, PROT_READ, 0xf | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	rm("mmap SHARED anonymous", rawmmap(NULL, PG, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	rm("mmap beyond the end of the file", rawmmap(NULL, PG, PROT_READ, MAP_PRIVATE, rd, 1 << 20));
	munmap(a, 4 * PG);
	close(rd), close(wr), close(dir), close(pa), close(p[0]), close(p[1]);
}

static void unmaps(void)
{
	char *a = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	show("munmap length 0", munmap(a, 0));
	show("munmap unaligned", munmap(a + 1, PG));
	show("munmap unaligned, length 0", munmap(a + 1, 0));
	show("munmap wrapping", munmap(a, -PG));
	show("munmap the top page", munmap((void *)-PG, PG));
	show("munmap unaligned length", munmap(a + 3 * PG, 1));
	show("mprotect unaligned", mprotect(a + 1, PG, PROT_READ));
	show("mprotect bad prot", mprotect(a, PG, 0x100));
	show("mprotect bad prot, unaligned", mprotect(a + 1, PG, 0x100));
	show("mprotect length 0", mprotect(a, 0, PROT_READ));
	show("mprotect unmapped", mprotect(a + 3 * PG, 2 * PG, PROT_READ));
	show("mprotect wrapping", mprotect(a, -PG, PROT_READ));
	show("mprotect GROWSDOWN|GROWSUP", mprotect(a, PG, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
	show("mprotect GROWSDOWN on a plain mapping", mprotect(a + PG, PG, PROT_READ | PROT_GROWSDOWN));
	show("mprotect GROWSUP", mprotect(a + PG, PG, PROT_READ | PROT_GROWSUP));
	show("mprotect wrapping, bad prot", mprotect(a, -PG, 0x100));
	char *g = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	show("mprotect GROWSDOWN on a GROWSDOWN mapping", mprotect(g + 2 * PG, PG, PROT_READ | PROT_WRITE | PROT_GROWSDOWN));
	g[0] = 1; /* writable from the start of the mapping now */
	show("page 0 of the GROWSDOWN mapping written", g[0]);
	munmap(g, 4 * PG);
	int rd = open("data", O_RDONLY);
	char *f = mmap(NULL, PG, PROT_READ, MAP_SHARED, rd, 0);
	show("mprotect WRITE on a read-only shared file", mprotect(f, PG, PROT_READ | PROT_WRITE));
	show("mprotect EXEC on a read-only shared file", mprotect(f, PG, PROT_READ | PROT_EXEC));
	munmap(f, PG);
	close(rd);
	show("madvise bad advice", madvise(a, PG, 999));
	show("madvise unaligned", madvise(a + 1, PG, MADV_NORMAL));
	show("madvise bad advice, unaligned", madvise(a + 1, PG, 999));
	show("madvise length 0", madvise(a, 0, MADV_NORMAL));
	show("madvise unmapped", madvise(a + 3 * PG, 2 * PG, MADV_NORMAL));
	show("madvise bad advice, unmapped", madvise(a + 3 * PG, 2 * PG, 999));
	show("madvise length -1", madvise(a, -1L, MADV_NORMAL));
	show("madvise unmapped, DONTNEED", madvise(a + 3 * PG, 2 * PG, MADV_DONTNEED));
	show("madvise unmapped, WILLNEED", madvise(a + 3 * PG, 2 * PG, MADV_WILLNEED));
	show("madvise wrapping", madvise(a, -PG, MADV_NORMAL));
	show("madvise REMOVE on private", madvise(a, PG, MADV_REMOVE));
	show("madvise DONTFORK", madvise(a, PG, MADV_DONTFORK));
	show("madvise COLLAPSE unaligned", madvise(a + 1, PG, MADV_COLLAPSE));
	show("msync bad flags", msync(a, PG, 8));
	show("msync SYNC|ASYNC", msync(a, PG, MS_SYNC | MS_ASYNC));
	show("msync unaligned", msync(a + 1, PG, MS_SYNC));
	show("msync bad flags, unaligned", msync(a + 1, PG, 8));
	show("msync unmapped", msync(a + 3 * PG, 2 * PG, MS_SYNC));
	show("msync bad flags, unmapped", msync(a + 3 * PG, 2 * PG, 8));
	show("msync SYNC|ASYNC, unmapped", msync(a + 3 * PG, 2 * PG, MS_SYNC | MS_ASYNC));
	show("msync length 0", msync(a, 0, MS_SYNC));
	show("msync wrapping", msync(a, -PG, MS_SYNC));
	unsigned char vec[8];
	show("mincore unaligned", mincore(a + 1, PG, vec));
	show("mincore unmapped", mincore(a + 3 * PG, 2 * PG, vec));
	show("mincore bad vector", mincore(a, PG, BAD));
	show("mincore bad vector, unaligned", mincore(a + 1, PG, BAD));
	show("mincore bad vector, unmapped", mincore(a + 3 * PG, PG, BAD));
	show("mincore length 0", mincore(a, 0, vec));
	show("mincore wrapping", mincore(a, -PG, vec));
	show("mincore NULL vector", mincore(a, PG, NULL));
	show("mincore PROT_NONE vector, unmapped", mincore(a + 3 * PG, PG, (unsigned char *)none));
	show("mincore PROT_NONE vector", mincore(a, PG, (unsigned char *)none));
	show("mincore", mincore(a, 3 * PG, vec));
	show("mlock unmapped", mlock(a + 3 * PG, 2 * PG));
	show("mlock wrapping", mlock(a, -PG));
	show("mlock2 bad flags, unmapped", syscall(SYS_mlock2, a + 3 * PG, PG, 2));
	show("munlock wrapping", munlock(a, -PG));
	munmap(a, 3 * PG);
}

static void remaps(void)
{
	char *a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *far = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(far, 4 * PG);
	show("mremap bad flags", (long)mremap(a, PG, PG, 8) == -1 ? -1 : 0);
	show("mremap unaligned", (long)mremap(a + 1, PG, PG, 0) == -1 ? -1 : 0);
	show("mremap new length 0", (long)mremap(a, PG, 0, 0) == -1 ? -1 : 0);
	show("mremap FIXED without MAYMOVE", (long)mremap(a, PG, PG, MREMAP_FIXED, far) == -1 ? -1 : 0);
	show("mremap FIXED unaligned target", (long)mremap(a, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, far + 1) == -1 ? -1 : 0);
	show("mremap FIXED overlapping", (long)mremap(a, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + PG) == -1 ? -1 : 0);
	show("mremap unmapped", (long)mremap(far, PG, 2 * PG, MREMAP_MAYMOVE) == -1 ? -1 : 0);
	show("mremap unmapped, bad flags", (long)mremap(far, PG, 2 * PG, 8) == -1 ? -1 : 0);
	show("mremap grow in place blocked", (long)mremap(a, 2 * PG, 3 * PG, 0) == -1 ? -1 : 0);
	show("mremap old length past the mapping", (long)mremap(a + 3 * PG, 2 * PG, 2 * PG, MREMAP_MAYMOVE) == -1 ? -1 : 0);
	show("mremap DONTUNMAP without MAYMOVE", (long)mremap(a, PG, PG, MREMAP_DONTUNMAP) == -1 ? -1 : 0);
	show("mremap DONTUNMAP resize", (long)mremap(a, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP) == -1 ? -1 : 0);
	show("mremap length 2^62", (long)mremap(a, PG, 1UL << 62, MREMAP_MAYMOVE) == -1 ? -1 : 0);
	munmap(a, 4 * PG);
}

static void brks(void)
{
	void *cur = (void *)syscall(SYS_brk, 0);
	show("brk below the start keeps it", (void *)syscall(SYS_brk, 4096) == cur ? 0 : -1);
	show("brk huge keeps it", (void *)syscall(SYS_brk, (char *)cur + (1L << 60)) == cur ? 0 : -1);
	show("brk -1 keeps it", (void *)syscall(SYS_brk, -1L) == cur ? 0 : -1);
	show("brk grow", (char *)syscall(SYS_brk, (char *)cur + 8192) == (char *)cur + 8192 ? 0 : -1);
	show("brk back", (void *)syscall(SYS_brk, cur) == cur ? 0 : -1);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int fd = open("data", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "0123456789", 10) != 10)
		return 1;
	close(fd);
	none = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mmaps();
	unmaps();
	remaps();
	brks();
	return 0;
}
