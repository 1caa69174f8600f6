/* mseal: sealed mappings (mm/mseal.c) refuse munmap, mprotect, mremap, a
 * MAP_FIXED mapping over them and, when read-only and anonymous, advice
 * that discards pages; neighbours stay free; a fork child inherits the
 * seals; mseal's own errors. usage: mseal */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

#define SYS_mseal_ 462 /* asm-generic and x86_64 alike */

static long mseal_(void *addr, unsigned long len, unsigned long flags)
{
	return syscall(SYS_mseal_, addr, len, flags);
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	p[page] = 7;

	show("mseal flags", mseal_(p + page, page, 1));
	show("mseal unaligned", mseal_(p + 1, page, 0));
	show("mseal wraps", mseal_(p, -page, 0));
	show("mseal empty", mseal_(p, 0, 0));
	show("mseal page 2", mseal_(p + page, page, 0));
	show("mseal again", mseal_(p + page, page, 0));

	show("munmap over it", munmap(p, 3 * page));
	show("munmap page 1", munmap(p, page));
	show("mprotect it", mprotect(p + page, page, PROT_READ));
	show("mprotect page 3", mprotect(p + 2 * page, page, PROT_READ));
	show("mremap grow", (long)mremap(p + page, page, 2 * page, 0));
	show("mremap same size", (long)mremap(p + page, page, page, 0));
	show("mremap move", (long)mremap(p + page, page, page, MREMAP_MAYMOVE | MREMAP_FIXED, p + 3 * page) == (long)MAP_FAILED ? -1 : 0);
	show("mmap fixed over it", mmap(p + page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ? -1 : 0);
	show("madvise dontneed writable", madvise(p + page, page, MADV_DONTNEED));
	printf("  data %d\n", p[page]);

	char *r = mmap(NULL, 2 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	show("mseal read-only", mseal_(r, 2 * page, 0));
	show("madvise dontneed read-only", madvise(r, page, MADV_DONTNEED));
	show("madvise willneed read-only", madvise(r, page, MADV_WILLNEED));
	char *gone = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, page);
	show("mseal unmapped", mseal_(gone, page, 0));
	show("mseal partly unmapped", mseal_(gone - page, 2 * page, 0));

	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		show("child munmap sealed", munmap(p + page, page));
		show("child mprotect sealed", mprotect(r, page, PROT_NONE));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(child, &st, 0);
	printf("child exit %d\n", WEXITSTATUS(st));
	return 0;
}
