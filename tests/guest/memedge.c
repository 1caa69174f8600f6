/* memedge: memory edge cases against the kernel's rules (#20 class 5):
 * an access to whole pages past the end of a mapped file is SIGBUS
 * BUS_ADRERR at the address (mm/filemap.c filemap_fault), not SIGSEGV;
 * MAP_GROWSDOWN mappings grow on a fault below them (mm/mmap.c
 * expand_downwards) up to RLIMIT_STACK and stack_guard_gap, but not in a
 * system call; mremap shrinking, growing, moving, MREMAP_FIXED over other
 * mappings and MREMAP_DONTUNMAP (mm/mremap.c) with their errors; munmap of
 * partial ranges, also while other threads fault on the pages; mlock,
 * mlock2 and mlockall as /proc/self/status VmLck counts them.
 * Addresses are printed relative to the mapping under test. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

#define PG 4096L

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

static __thread sigjmp_buf jb;
static __thread volatile int armed;
static __thread volatile int got_sig, got_code;
static __thread volatile uintptr_t got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!armed)
		_exit(99);
	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	siglongjmp(jb, 1);
}

static const char *signame(int s)
{
	switch (s) {
	case 0:
		return "none";
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	}
	return "other";
}

static const char *codename(int sig, int code)
{
	if (sig == SIGSEGV && code == SEGV_MAPERR)
		return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR)
		return "SEGV_ACCERR";
	if (sig == SIGBUS && code == BUS_ADRERR)
		return "BUS_ADRERR";
	if (sig == SIGBUS && code == BUS_ADRALN)
		return "BUS_ADRALN";
	return sig ? "other" : "-";
}

/* touch reads (or writes) *p and reports what happened, with si_addr
 * relative to base. */
static void touch(const char *label, volatile char *p, int write, char *base)
{
	got_sig = 0;
	armed = 1;
	int v = -1;
	if (sigsetjmp(jb, 1) == 0) {
		if (write)
			*p = 'w';
		else
			v = *p;
	}
	armed = 0;
	if (got_sig)
		printf("%s: %s %s at base%+ld\n", label, signame(got_sig), codename(got_sig, got_code),
		       (long)(got_addr - (uintptr_t)base));
	else if (write)
		printf("%s: ok\n", label);
	else
		printf("%s: ok %d\n", label, v);
}

static void catch_faults(void)
{
	struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* A file of 100 bytes mapped 3 pages: page 0 is the file (its tail
 * zeros), pages 1 and 2 are past the end. */
static void past_eof(const char *what, int fd)
{
	printf("== past end of file: %s\n", what);
	ftruncate(fd, 100);
	pwrite(fd, "x", 1, 50);
	char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	touch("read 50", p + 50, 0, p);
	touch("read 4000", p + 4000, 0, p);
	touch("read page 1", p + PG + 8, 0, p);
	touch("write page 2", p + 2 * PG + 16, 1, p);
	/* A system call reading the page gets EFAULT. */
	int pfd[2];
	pipe(pfd);
	show("write(pipe) from page 1", write(pfd[1], p + PG, 10));
	show("write(pipe) across the end", write(pfd[1], p + PG - 5, 10));
	close(pfd[0]);
	close(pfd[1]);
	/* The file grows: the page is there. */
	ftruncate(fd, 2 * PG);
	touch("read page 1 after ftruncate", p + PG + 8, 0, p);
	touch("read page 2 after ftruncate", p + 2 * PG, 0, p);
	munmap(p, 3 * PG);

	/* Private and read-only mappings: a read is SIGBUS; a write to a
	 * read-only page is a protection fault first; PROT_NONE too. */
	ftruncate(fd, 100);
	p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	touch("private read page 1", p + PG, 0, p);
	touch("private write page 1", p + PG, 1, p);
	munmap(p, 3 * PG);
	p = mmap(NULL, 3 * PG, PROT_READ, MAP_SHARED, fd, 0);
	touch("read-only read page 2", p + 2 * PG + 100, 0, p);
	touch("read-only write page 2", p + 2 * PG + 100, 1, p);
	mprotect(p + PG, PG, PROT_NONE);
	touch("PROT_NONE read page 1", p + PG, 0, p);
	munmap(p, 3 * PG);
	/* Offset past the end: the first page is already past it. */
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 4 * PG);
	touch("mapped at offset 4 pages", p, 0, p);
	munmap(p, PG);
}

/* The /proc/self/maps line holding a, relative to a. */
static void maps_line(const char *label, char *a)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perm[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) == 3 && lo <= (uintptr_t)a && (uintptr_t)a < hi) {
			printf("%s: [%+ld, %+ld) %s\n", label, (long)(lo - (uintptr_t)a), (long)(hi - (uintptr_t)a), perm);
			fclose(f);
			return;
		}
	}
	printf("%s: not mapped\n", label);
	fclose(f);
}

/* A MAP_GROWSDOWN mapping 2 pages long at the top of a 64 MiB hole, with a
 * 1-page mapping at the bottom of the hole. */
static void growsdown(void)
{
	printf("== MAP_GROWSDOWN\n");
	char *hole = mmap(NULL, 64 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole + PG, (64 << 20) - PG); /* the bottom page stays: the lower neighbour */
	char *top = hole + (64 << 20);
	char *g = mmap(top - 2 * PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED,
		       -1, 0);
	printf("mmap at the hint %d\n", g == top - 2 * PG);
	maps_line("before", g);
	touch("write at start", g, 1, g);
	touch("write 1 page below", g - PG + 10, 1, g);
	maps_line("after 1 page", g);
	touch("read 100 pages below", g - 100 * PG, 0, g);
	maps_line("after 100 pages", g);
	/* A system call does not grow it (mm/gup.c: no stack expansion). */
	show("getcwd 200 pages below", syscall(SYS_getcwd, g - 200 * PG, 64));
	maps_line("after getcwd", g);
	/* Within stack_guard_gap (256 pages) of the neighbour: no growth. */
	touch("write 100 pages above the neighbour", hole + 100 * PG, 1, g);
	maps_line("after the gap fault", g);
	/* RLIMIT_STACK bounds the size (mm/mmap.c acct_stack_growth). */
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		struct rlimit rl = {1 << 20, 1 << 20};
		setrlimit(RLIMIT_STACK, &rl);
		touch("child: 200 pages below, limit 1 MiB", g - 200 * PG, 1, g);
		touch("child: 255 pages below, limit 1 MiB", g - 254 * PG, 1, g);
		maps_line("child: after", g);
		touch("child: 300 pages below, limit 1 MiB", g - 300 * PG, 1, g);
		maps_line("child: after", g);
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	munmap(hole, 64 << 20);
}

static char *map(long pages, int prot)
{
	return mmap(NULL, pages * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* rel prints an mremap result relative to a base, or its error. */
static void rel(const char *label, void *r, char *base)
{
	if (r == MAP_FAILED)
		printf("%s: -1 %s\n", label, strerrorname_np(errno));
	else
		printf("%s: base%+ld\n", label, (long)((char *)r - base));
}

/* A 32-page hole to work in, empty. */
static char *hole32(void)
{
	char *h = map(32, PROT_NONE);
	munmap(h, 32 * PG);
	return h;
}

static void fill(char *p, long pages, char c)
{
	for (long i = 0; i < pages; i++)
		p[i * PG] = c + i;
}

static void mremaps(void)
{
	printf("== mremap\n");
	char *h = hole32();
	char *a = mmap(h, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	fill(a, 4, 'a');
	rel("shrink 4 -> 2 pages", mremap(a, 4 * PG, 2 * PG, 0), a);
	touch("page 1 after the shrink", a + PG, 0, a);
	touch("page 2 after the shrink", a + 2 * PG, 0, a);
	rel("grow 2 -> 6 pages in place", mremap(a, 2 * PG, 6 * PG, 0), a);
	touch("page 1 after the growth", a + PG, 0, a);
	touch("page 5 after the growth", a + 5 * PG, 0, a);
	/* Something right after it: no room to grow in place. */
	char *b = mmap(a + 6 * PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	rel("grow 6 -> 8 pages, blocked", mremap(a, 6 * PG, 8 * PG, 0), a);
	rel("grow across the neighbour", mremap(a, 8 * PG, 10 * PG, 0), a);
	char *m = mremap(a, 6 * PG, 8 * PG, MREMAP_MAYMOVE);
	printf("grow 6 -> 8 pages, MAYMOVE: moved %d\n", m != a && m != MAP_FAILED);
	touch("moved page 1", m + PG, 0, m);
	touch("old page 1", a + PG, 0, a);
	munmap(m, 8 * PG);
	munmap(b, 2 * PG);

	/* Shrinking is an munmap of the tail: it may span mappings. */
	a = mmap(h, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	mprotect(a + 2 * PG, 2 * PG, PROT_READ);
	rel("shrink 4 -> 1 across two mappings", mremap(a, 4 * PG, PG, 0), a);
	touch("page 2 after", a + 2 * PG, 0, a);
	a = mmap(h, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	mprotect(a + 2 * PG, 2 * PG, PROT_READ);
	rel("grow across two mappings", mremap(a, 4 * PG, 6 * PG, MREMAP_MAYMOVE), a);
	rel("same size across two mappings", mremap(a, 4 * PG, 4 * PG, 0), a);
	munmap(h, 32 * PG);

	/* MREMAP_FIXED: the target's mappings are replaced. */
	a = mmap(h, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	b = mmap(h + 8 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	fill(a, 2, 'A');
	fill(b, 4, 'P');
	rel("FIXED without MAYMOVE", mremap(a, 2 * PG, 2 * PG, MREMAP_FIXED, b), b);
	rel("FIXED unaligned target", mremap(a, 2 * PG, 2 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, b + 1), b);
	rel("FIXED overlapping itself", mremap(a, 2 * PG, 2 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, a + PG), b);
	rel("FIXED into the middle of b", mremap(a, 2 * PG, 2 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, b + PG), b);
	printf("b now: %c %c %c %c\n", b[0], b[PG], b[2 * PG], b[3 * PG]);
	touch("old a", a, 0, a);
	maps_line("b page 1", b + PG);
	rel("FIXED growing 2 -> 3 pages", mremap(b + PG, 2 * PG, 3 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, h + 20 * PG), h);
	touch("grown page 2", h + 22 * PG, 0, h);
	rel("FIXED shrinking 2 -> 1 page", mremap(h + 20 * PG, 2 * PG, PG, MREMAP_FIXED | MREMAP_MAYMOVE, h), h);
	touch("left behind", h + 21 * PG, 0, h);
	munmap(h, 32 * PG);

	/* A move of a range spanning two mappings, no resize. */
	a = mmap(h, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	fill(a, 4, 'm');
	mprotect(a + 2 * PG, 2 * PG, PROT_READ);
	rel("FIXED move of two mappings", mremap(a, 4 * PG, 4 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, h + 16 * PG), h);
	printf("moved: %c %c %c %c\n", h[16 * PG], h[17 * PG], h[18 * PG], h[19 * PG]);
	maps_line("first", h + 16 * PG);
	maps_line("second", h + 18 * PG);
	touch("source", h, 0, h);
	/* With a gap in the middle and at the end: kept at the target, whose
	 * pages in the gaps stay as they were. */
	a = mmap(h, 6 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	fill(a, 6, 'g');
	munmap(a + 2 * PG, PG);
	munmap(a + 5 * PG, PG);
	b = mmap(h + 16 * PG, 6 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	rel("FIXED move with gaps", mremap(a, 6 * PG, 6 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, b), h);
	for (int i = 0; i < 6; i++)
		maps_line(" target page", b + i * PG);
	munmap(h, 32 * PG);
	a = mmap(h + PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	rel("FIXED move starting in a gap", mremap(h, 3 * PG, 3 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, h + 16 * PG), h);
	rel("FIXED move of nothing", mremap(h + 8 * PG, 3 * PG, 3 * PG, MREMAP_FIXED | MREMAP_MAYMOVE, h + 16 * PG), h);
	mprotect(a + PG, PG, PROT_READ);
	rel("DONTUNMAP of two mappings", mremap(a, 2 * PG, 2 * PG, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0), h);
	rel("DONTUNMAP|FIXED of two mappings",
	    mremap(a, 2 * PG, 2 * PG, MREMAP_DONTUNMAP | MREMAP_MAYMOVE | MREMAP_FIXED, h + 16 * PG), h);
	maps_line("source after", a);
	munmap(h, 32 * PG);

	/* MREMAP_DONTUNMAP: the old range stays, empty. */
	a = mmap(h, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	fill(a, 2, 'D');
	rel("DONTUNMAP without MAYMOVE", mremap(a, 2 * PG, 2 * PG, MREMAP_DONTUNMAP, 0), a);
	rel("DONTUNMAP resizing", mremap(a, 2 * PG, 3 * PG, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0), a);
	m = mremap(a, 2 * PG, 2 * PG, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0);
	printf("DONTUNMAP: moved %d, new %c %c, old %d %d\n", m != a && m != MAP_FAILED, m[0], m[PG], a[0], a[PG]);
	maps_line("old after DONTUNMAP", a);
	munmap(m, 2 * PG);
	rel("DONTUNMAP|FIXED", mremap(a, 2 * PG, 2 * PG, MREMAP_DONTUNMAP | MREMAP_MAYMOVE | MREMAP_FIXED, h + 10 * PG), h);
	touch("old still mapped", a + PG, 0, a);

	/* Shared memory: DONTUNMAP keeps the old view of the same pages, and
	 * old_len 0 duplicates the mapping. */
	int fd = memfd_create("memedge", 0);
	ftruncate(fd, 2 * PG);
	char *s = mmap(h + 16 * PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	fill(s, 2, 'S');
	m = mremap(s, 2 * PG, 2 * PG, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0);
	if (m == MAP_FAILED) {
		printf("shared DONTUNMAP: -1 %s\n", strerrorname_np(errno));
	} else {
		m[PG] = 'z';
		printf("shared DONTUNMAP: old sees %c %c\n", s[0], s[PG]);
		munmap(m, 2 * PG);
	}
	m = mremap(s, 0, 2 * PG, MREMAP_MAYMOVE);
	if (m == MAP_FAILED) {
		printf("old_len 0 of shared: -1 %s\n", strerrorname_np(errno));
	} else {
		m[0] = 'y';
		printf("old_len 0 of shared: moved %d, old sees %c\n", m != s, s[0]);
		munmap(m, 2 * PG);
	}
	close(fd);
	rel("old_len 0 of private", mremap(h, 0, PG, MREMAP_MAYMOVE), h);

	/* Errors. */
	rel("unaligned address", mremap(h + 1, PG, PG, 0), h);
	rel("new_len 0", mremap(h, PG, 0, 0), h);
	rel("bad flags", mremap(h, PG, PG, 8), h);
	rel("not mapped", mremap(h + 30 * PG, PG, 2 * PG, MREMAP_MAYMOVE), h);
	rel("past the mapping's end", mremap(h + 10 * PG, 4 * PG, 5 * PG, MREMAP_MAYMOVE), h);
	munmap(h, 32 * PG);
}

static volatile int stop;
static char *volatile arena;

/* A reader faulting on the pages the main thread unmaps and maps again. */
static void *reader(void *arg)
{
	(void)arg;
	long n = 0;
	while (!stop) {
		for (long i = 0; i < 16 && !stop; i++) {
			armed = 1;
			if (sigsetjmp(jb, 1) == 0)
				n += arena[i * PG];
			armed = 0;
		}
	}
	return (void *)n;
}

static void munmaps(void)
{
	printf("== munmap\n");
	char *h = hole32();
	char *a = mmap(h, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	fill(a, 8, '0');
	show("munmap pages 2-3", munmap(a + 2 * PG, 2 * PG));
	touch("page 1", a + PG, 0, a);
	touch("page 2", a + 2 * PG, 0, a);
	touch("page 4", a + 4 * PG, 0, a);
	maps_line("page 4", a + 4 * PG);
	mprotect(a + 6 * PG, PG, PROT_READ);
	show("munmap pages 1-9 (holes, two mappings, beyond)", munmap(a + PG, 9 * PG));
	touch("page 0", a, 0, a);
	touch("page 6", a + 6 * PG, 0, a);
	show("munmap nothing mapped", munmap(a + 12 * PG, 4 * PG));
	show("munmap length 0", munmap(a, 0));
	show("munmap unaligned", munmap(a + 1, PG));
	show("munmap unaligned length", munmap(a, 100));
	touch("page 0 after a length of 100", a, 0, a);
	show("munmap wrapping", munmap(a, -PG));
	munmap(h, 32 * PG);

	/* Under load: readers fault on the pages while they come and go. */
	arena = mmap(h, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, reader, NULL);
	int fails = 0;
	for (int i = 0; i < 2000; i++) {
		long off = (i * 7) % 14;
		if (munmap(arena + off * PG, 2 * PG) != 0)
			fails++;
		if (mmap(arena + off * PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			 0) == MAP_FAILED)
			fails++;
	}
	stop = 1;
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	printf("2000 partial munmaps under 3 faulting readers: %d failures\n", fails);
	munmap(h, 32 * PG);
}

/* VmLck from /proc/self/status, in kB. */
static long vmlck(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void mlocks(void)
{
	printf("== mlock\n");
	printf("VmLck at start: %ld kB\n", vmlck());
	char *h = hole32();
	char *a = mmap(h, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	show("mlock 3 pages", mlock(a, 3 * PG));
	printf("VmLck: %ld kB\n", vmlck());
	show("mlock 2 of them again, unaligned start", mlock(a + PG + 100, PG));
	printf("VmLck: %ld kB\n", vmlck());
	show("munlock the middle page", munlock(a + PG, PG));
	printf("VmLck: %ld kB\n", vmlck());
	show("mlock length 0", mlock(a + 5 * PG, 0));
	show("mlock past the end (a hole)", mlock(a + 6 * PG, 4 * PG));
	printf("VmLck: %ld kB\n", vmlck());
	show("mlock not mapped", mlock(h + 20 * PG, PG));
	show("mlock2 bad flags", syscall(SYS_mlock2, a, PG, 2));
	show("mlock2 ONFAULT 2 pages", syscall(SYS_mlock2, a + 3 * PG, 2 * PG, MLOCK_ONFAULT));
	printf("VmLck: %ld kB\n", vmlck());
	show("munlock all 8", munlock(a, 8 * PG));
	printf("VmLck: %ld kB\n", vmlck());
	show("munlock not mapped", munlock(h + 20 * PG, PG));
	show("mlockall 0", mlockall(0));
	show("mlockall ONFAULT alone", mlockall(MCL_ONFAULT));
	show("mlockall bad flag", mlockall(8 | MCL_CURRENT));
	show("mlockall CURRENT", mlockall(MCL_CURRENT));
	long all = vmlck();
	printf("VmLck > 0: %d\n", all > 0);
	char *b = mmap(h + 16 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("new mapping without FUTURE adds %ld kB\n", vmlck() - all);
	munmap(b, 4 * PG);
	show("mlockall CURRENT|FUTURE", mlockall(MCL_CURRENT | MCL_FUTURE));
	all = vmlck();
	b = mmap(h + 16 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("new mapping with FUTURE adds %ld kB\n", vmlck() - all);
	munmap(b, 4 * PG);
	printf("unmapped again: %ld kB\n", vmlck() - all);
	show("munlockall", munlockall());
	printf("VmLck: %ld kB\n", vmlck());
	munmap(h, 32 * PG);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	catch_faults();
	int fd = memfd_create("eof", 0);
	past_eof("memfd", fd);
	close(fd);
	char path[] = "/tmp/memedge-XXXXXX";
	const char *tmp = getenv("TMPDIR");
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s/memedge-XXXXXX", tmp ? tmp : "/tmp");
	fd = mkstemp(tmp ? buf : path);
	unlink(tmp ? buf : path);
	past_eof("file", fd);
	close(fd);
	growsdown();
	mremaps();
	munmaps();
	mlocks();
	return 0;
}
