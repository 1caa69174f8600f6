/* uffd: userfaultfd(2) against the kernel's rules (fs/userfaultfd.c): the
 * UFFDIO_API handshake and its errors; MISSING faults on an anonymous
 * mapping resolved by a handler thread with UFFDIO_COPY, UFFDIO_ZEROPAGE
 * and UFFDIO_COPY_MODE_DONTWAKE + UFFDIO_WAKE, also a fault taken by a
 * system call reading the page; write-protect faults (UFFDIO_WRITEPROTECT);
 * a MINOR fault on shared memory (UFFDIO_CONTINUE); UFFDIO_MOVE and
 * UFFDIO_POISON; the REMOVE, UNMAP and REMAP events; UFFD_FEATURE_SIGBUS;
 * /dev/userfaultfd; and the ioctls' errors (flags, alignment, unmapped and
 * unregistered ranges, descriptors). Fault and event addresses are printed
 * relative to the mapping under test; the handler's records are printed by
 * main at the end, so the output does not depend on thread timing.
 * usage: uffd */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "show.h"

#define PG 4096L

/* Newer than the toolchains' headers (include/uapi/linux/userfaultfd.h). */
#ifndef _UFFDIO_MOVE
#define _UFFDIO_MOVE 0x05
struct uffdio_move {
	__u64 dst, src, len, mode;
	__s64 move;
};
#define UFFDIO_MOVE _IOWR(UFFDIO, _UFFDIO_MOVE, struct uffdio_move)
#define UFFDIO_MOVE_MODE_DONTWAKE (1ULL << 0)
#endif
#ifndef _UFFDIO_POISON
#define _UFFDIO_POISON 0x08
struct uffdio_poison {
	struct uffdio_range range;
	__u64 mode;
	__s64 updated;
};
#define UFFDIO_POISON _IOWR(UFFDIO, _UFFDIO_POISON, struct uffdio_poison)
#endif
#ifndef UFFD_FEATURE_POISON
#define UFFD_FEATURE_POISON (1 << 14)
#endif
#ifndef UFFD_FEATURE_MOVE
#define UFFD_FEATURE_MOVE (1 << 16)
#endif

static int uffd;
static char *A, *W, *M, *D, *R, *U; /* missing, write-protect, minor, move target, remap, unmapped */
static char *src;                /* UFFDIO_COPY's source page */
static int stop_fd;              /* eventfd: the handler ends */
static pid_t main_tid;
static int minor_ok;

/* What the handler saw, printed by main at the end. */
struct rec {
	char what[64];
};
static struct rec recs[64];
static int nrec;
static unsigned seen[8]; /* per region, a bit per page: duplicates are dropped */

static void record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void record(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (nrec < 64)
		vsnprintf(recs[nrec++].what, sizeof recs[0].what, fmt, ap);
	va_end(ap);
}

static const char *region(uintptr_t a, char **base, int *idx)
{
	struct {
		const char *name;
		char *base;
		long len;
	} rs[] = {{"M", M, PG}, {"A", A, 8 * PG}, {"W", W, 2 * PG}, {"D", D, 2 * PG}, {"R", R, 4 * PG}, {"U", U, PG}};
	/* M first: it may be mapped where U was. */
	for (int i = 0; i < 6; i++)
		if (rs[i].base && a >= (uintptr_t)rs[i].base && a < (uintptr_t)rs[i].base + rs[i].len) {
			*base = rs[i].base;
			*idx = i;
			return rs[i].name;
		}
	*base = NULL;
	*idx = 7;
	return "?";
}

static long copy_page(char *dst, int c, unsigned long mode)
{
	memset(src, c, PG);
	struct uffdio_copy cp = {.dst = (uintptr_t)dst, .src = (uintptr_t)src, .len = PG, .mode = mode};
	if (ioctl(uffd, UFFDIO_COPY, &cp) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static void fault(struct uffd_msg *m)
{
	uintptr_t a = m->arg.pagefault.address;
	char *base;
	int idx;
	const char *name = region(a, &base, &idx);
	long off = base ? (long)(a - (uintptr_t)base) : -1;
	long page = off / PG;
	unsigned bit = 1u << (page & 31);
	int dup = base && (seen[idx] & bit);
	if (!dup) {
		seen[idx] |= bit;
		record("fault %s+%#lx flags %#llx tid %s", name, off, (unsigned long long)m->arg.pagefault.flags,
		       m->arg.pagefault.feat.ptid == (__u32)main_tid ? "main" : "other");
	}
	if (base == A) {
		switch (page) {
		case 1: {
			struct uffdio_zeropage z = {.range = {a, PG}};
			ioctl(uffd, UFFDIO_ZEROPAGE, &z);
			break;
		}
		case 2: {
			copy_page((char *)a, 'c', UFFDIO_COPY_MODE_DONTWAKE);
			struct uffdio_range r = {a, PG};
			ioctl(uffd, UFFDIO_WAKE, &r);
			break;
		}
		default:
			copy_page((char *)a, 'a' + page, 0);
		}
	} else if (base == W) {
		struct uffdio_writeprotect wp = {.range = {a, PG}, .mode = 0};
		ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
	} else if (base == M) {
		struct uffdio_continue c = {.range = {a, PG}};
		ioctl(uffd, UFFDIO_CONTINUE, &c);
	} else if (base == D || base == R) {
		copy_page((char *)a, 'r', 0);
	}
}

static void event(struct uffd_msg *m)
{
	char *b1, *b2;
	int i1, i2;
	switch (m->event) {
	case UFFD_EVENT_PAGEFAULT:
		fault(m);
		break;
	case UFFD_EVENT_REMOVE:
	case UFFD_EVENT_UNMAP: {
		const char *n = region(m->arg.remove.start, &b1, &i1);
		region(m->arg.remove.end - 1, &b2, &i2);
		record("%s %s+%#lx..+%#lx", m->event == UFFD_EVENT_REMOVE ? "remove" : "unmap", n,
		       b1 ? (long)(m->arg.remove.start - (uintptr_t)b1) : -1L,
		       b1 ? (long)(m->arg.remove.end - (uintptr_t)b1) : -1L);
		break;
	}
	case UFFD_EVENT_REMAP: {
		const char *from = region(m->arg.remap.from, &b1, &i1);
		record("remap from %s+%#lx len %#llx to %s", from, b1 ? (long)(m->arg.remap.from - (uintptr_t)b1) : -1L,
		       (unsigned long long)m->arg.remap.len,
		       m->arg.remap.to == (uintptr_t)R + 8 * PG ? "R+0x8000" : "elsewhere");
		break;
	}
	default:
		record("event %#x", m->event);
	}
}

/* handler reads the messages (the REMOVE ones through readv, split inside
 * a field) until stop_fd is signalled. */
static void *handler(void *arg)
{
	(void)arg;
	int vec = 0;
	for (;;) {
		struct pollfd p[2] = {{uffd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
		if (poll(p, 2, 10000) <= 0) {
			record("handler: poll timed out");
			return NULL;
		}
		if (p[0].revents & POLLIN) {
			struct uffd_msg m[4];
			long n;
			if (vec++ % 2) {
				struct iovec iov[2] = {{m, 20}, {(char *)m + 20, sizeof m - 20}};
				n = readv(uffd, iov, 2);
			} else {
				n = read(uffd, m, sizeof m);
			}
			if (n < 0 && errno == EAGAIN)
				continue;
			if (n < 0 || n % sizeof m[0]) {
				record("handler: read %ld %s", n, strerrorname_np(errno));
				return NULL;
			}
			for (long i = 0; i < n / (long)sizeof m[0]; i++)
				event(&m[i]);
		}
		if (p[1].revents & POLLIN)
			return NULL;
	}
}

static long api(int fd, __u64 features, struct uffdio_api *out)
{
	struct uffdio_api a = {.api = UFFD_API, .features = features};
	long r = ioctl(fd, UFFDIO_API, &a);
	if (out)
		*out = a;
	return r;
}

static long reg(void *p, long len, __u64 mode, __u64 *ioctls)
{
	struct uffdio_register r = {.range = {(uintptr_t)p, len}, .mode = mode};
	long ret = ioctl(uffd, UFFDIO_REGISTER, &r);
	if (ioctls)
		*ioctls = r.ioctls;
	return ret;
}

static long unreg(void *p, long len)
{
	struct uffdio_range r = {(uintptr_t)p, len};
	return ioctl(uffd, UFFDIO_UNREGISTER, &r);
}

static char *map(long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static const char *errname(long v) { return v < 0 ? strerrorname_np(-v) : "ok"; }

static sigjmp_buf jb;
static volatile int got_sig, got_code;
static volatile uintptr_t got_addr;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	siglongjmp(jb, 1);
}

/* The handshake, its errors and the feature bits all three runs share. */
static __u64 handshake(void)
{
	int probe = syscall(SYS_userfaultfd, O_CLOEXEC);
	struct uffdio_api a;
	show("probe api", api(probe, 0, &a));
	__u64 avail = a.features;
	printf("  ioctls %#llx\n", (unsigned long long)a.ioctls);
	/* Bits whose meaning is the same under an emulator (no EVENT_FORK). */
	const struct {
		const char *name;
		__u64 bit;
	} fs[] = {{"PAGEFAULT_FLAG_WP", UFFD_FEATURE_PAGEFAULT_FLAG_WP},
		  {"EVENT_REMAP", UFFD_FEATURE_EVENT_REMAP},
		  {"EVENT_REMOVE", UFFD_FEATURE_EVENT_REMOVE},
		  {"MISSING_SHMEM", UFFD_FEATURE_MISSING_SHMEM},
		  {"EVENT_UNMAP", UFFD_FEATURE_EVENT_UNMAP},
		  {"SIGBUS", UFFD_FEATURE_SIGBUS},
		  {"THREAD_ID", UFFD_FEATURE_THREAD_ID},
		  {"MINOR_SHMEM", UFFD_FEATURE_MINOR_SHMEM},
		  {"EXACT_ADDRESS", UFFD_FEATURE_EXACT_ADDRESS}};
	for (unsigned i = 0; i < sizeof fs / sizeof fs[0]; i++)
		printf("  feature %s %d\n", fs[i].name, !!(avail & fs[i].bit));
	show("api again", api(probe, 0, NULL));
	close(probe);

	show("userfaultfd bad flags", syscall(SYS_userfaultfd, 0x10));
	int um = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	printf("userfaultfd user mode only: %s\n", um >= 0 ? "fd" : strerrorname_np(errno));
	close(um);

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	printf("userfaultfd: %s\n", uffd >= 0 ? "fd" : strerrorname_np(errno));
	struct pollfd p = {uffd, POLLIN, 0};
	show("poll before api", poll(&p, 1, 0));
	printf("  revents %#x\n", p.revents);
	char *x = map(PG);
	show("register before api", reg(x, PG, UFFDIO_REGISTER_MODE_MISSING, NULL));
	struct uffd_msg m;
	show("read before api", read(uffd, &m, sizeof m));
	struct uffdio_api bad = {.api = 0x55, .features = 0, .ioctls = 7};
	show("api bad version", ioctl(uffd, UFFDIO_API, &bad));
	printf("  zeroed %d\n", bad.api == 0 && bad.features == 0 && bad.ioctls == 0);
	show("api unknown feature", api(uffd, 1ULL << 40, NULL));
	show("api bad pointer", ioctl(uffd, UFFDIO_API, (void *)8));
	show("api bad fd", api(-1, 0, NULL));
	__u64 want = UFFD_FEATURE_THREAD_ID | UFFD_FEATURE_EVENT_REMOVE | UFFD_FEATURE_EVENT_UNMAP |
		     UFFD_FEATURE_EVENT_REMAP | UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_MINOR_SHMEM |
		     UFFD_FEATURE_MOVE | UFFD_FEATURE_POISON;
	want &= avail;
	show("api", api(uffd, want, &a));
	printf("  ioctls %#llx same features %d\n", (unsigned long long)a.ioctls, a.features == avail);
	show("api twice", api(uffd, want, NULL));
	show("poll after api", poll(&p, 1, 0));
	show("read with nothing pending", read(uffd, &m, sizeof m));
	show("read short", read(uffd, &m, 16));
	munmap(x, PG);
	return want;
}

static void register_errors(void)
{
	char *x = map(4 * PG);
	munmap(x + 2 * PG, PG);
	__u64 io = 0;
	show("register mode 0", reg(x, PG, 0, NULL));
	show("register unknown mode", reg(x, PG, 1 << 5, NULL));
	show("register unaligned start", reg(x + 8, PG, UFFDIO_REGISTER_MODE_MISSING, NULL));
	show("register unaligned length", reg(x, PG + 8, UFFDIO_REGISTER_MODE_MISSING, NULL));
	show("register length 0", reg(x, 0, UFFDIO_REGISTER_MODE_MISSING, NULL));
	show("register at 0", reg(NULL, PG, UFFDIO_REGISTER_MODE_MISSING, NULL));
	show("register unmapped", reg(x + 2 * PG, PG, UFFDIO_REGISTER_MODE_MISSING, NULL));
	show("register over a hole", reg(x, 4 * PG, UFFDIO_REGISTER_MODE_MISSING, &io));
	printf("  ioctls %#llx\n", (unsigned long long)io);
	show("unregister over a hole", unreg(x, 4 * PG));
	show("unregister unmapped", unreg(x + 2 * PG, PG));
	show("unregister unaligned", unreg(x + 8, PG));
	show("register bad pointer", ioctl(uffd, UFFDIO_REGISTER, (void *)8));
	char path[] = "/tmp/gemu-uffd-XXXXXX";
	int f = mkstemp(path);
	unlink(path);
	ftruncate(f, PG);
	char *fm = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, f, 0);
	show("register a file mapping", reg(fm, PG, UFFDIO_REGISTER_MODE_MISSING, NULL));
	munmap(fm, PG);
	close(f);
	int pfd[2];
	pipe(pfd);
	struct uffdio_register r = {.range = {(uintptr_t)x, PG}, .mode = UFFDIO_REGISTER_MODE_MISSING};
	show("register on a pipe", ioctl(pfd[0], UFFDIO_REGISTER, &r));
	close(pfd[0]);
	close(pfd[1]);
	show("register on a closed fd", ioctl(pfd[0], UFFDIO_REGISTER, &r));
	munmap(x, 4 * PG);
}

static void range_errors(void)
{
	char *other = map(PG);
	struct uffdio_copy cp = {.dst = (uintptr_t)A, .src = (uintptr_t)src, .len = PG, .copy = 12345};
	show("copy over a present page", ioctl(uffd, UFFDIO_COPY, &cp));
	printf("  copy %s\n", errname(cp.copy));
	cp = (struct uffdio_copy){.dst = (uintptr_t)other, .src = (uintptr_t)src, .len = PG, .copy = 12345};
	show("copy to an unregistered page", ioctl(uffd, UFFDIO_COPY, &cp));
	printf("  copy %s\n", errname(cp.copy));
	cp = (struct uffdio_copy){.dst = (uintptr_t)A + 8, .src = (uintptr_t)src, .len = PG, .copy = 12345};
	show("copy unaligned", ioctl(uffd, UFFDIO_COPY, &cp));
	printf("  copy untouched %d\n", cp.copy == 12345);
	cp = (struct uffdio_copy){.dst = (uintptr_t)A + 6 * PG, .src = (uintptr_t)src, .len = 8, .copy = 12345};
	show("copy short length", ioctl(uffd, UFFDIO_COPY, &cp));
	cp = (struct uffdio_copy){.dst = (uintptr_t)A + 6 * PG, .src = (uintptr_t)src, .len = PG, .mode = 1 << 4};
	show("copy bad mode", ioctl(uffd, UFFDIO_COPY, &cp));
	cp = (struct uffdio_copy){.dst = (uintptr_t)A + 6 * PG, .src = 0, .len = PG};
	show("copy from 0", ioctl(uffd, UFFDIO_COPY, &cp));
	char *hole = map(PG);
	munmap(hole, PG);
	cp = (struct uffdio_copy){.dst = (uintptr_t)A + 6 * PG, .src = (uintptr_t)hole, .len = PG, .copy = 12345};
	show("copy from unmapped", ioctl(uffd, UFFDIO_COPY, &cp));
	printf("  copy %s\n", errname(cp.copy));
	show("copy bad pointer", ioctl(uffd, UFFDIO_COPY, (void *)8));
	struct uffdio_zeropage z = {.range = {(uintptr_t)A, PG}, .zeropage = 12345};
	show("zeropage over a present page", ioctl(uffd, UFFDIO_ZEROPAGE, &z));
	printf("  zeropage %s\n", errname(z.zeropage));
	z = (struct uffdio_zeropage){.range = {(uintptr_t)A + 6 * PG, PG}, .mode = 2};
	show("zeropage bad mode", ioctl(uffd, UFFDIO_ZEROPAGE, &z));
	z = (struct uffdio_zeropage){.range = {(uintptr_t)A + 6 * PG, 0}};
	show("zeropage length 0", ioctl(uffd, UFFDIO_ZEROPAGE, &z));
	struct uffdio_range w = {(uintptr_t)A + 4, PG};
	show("wake unaligned", ioctl(uffd, UFFDIO_WAKE, &w));
	w = (struct uffdio_range){(uintptr_t)A, PG};
	show("wake", ioctl(uffd, UFFDIO_WAKE, &w));
	struct uffdio_writeprotect wp = {.range = {(uintptr_t)W, PG},
					 .mode = UFFDIO_WRITEPROTECT_MODE_WP | UFFDIO_WRITEPROTECT_MODE_DONTWAKE};
	show("writeprotect wp and dontwake", ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));
	wp.mode = 1 << 3;
	show("writeprotect bad mode", ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));
	wp = (struct uffdio_writeprotect){.range = {(uintptr_t)A, PG}, .mode = UFFDIO_WRITEPROTECT_MODE_WP};
	show("writeprotect not registered for wp", ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));
	munmap(other, PG);
}

/* The fault scenarios, with the handler thread running. */
static void faults(__u64 feat)
{
	__u64 io;
	show("register A missing", reg(A, 8 * PG, UFFDIO_REGISTER_MODE_MISSING, &io));
	printf("  ioctls %#llx\n", (unsigned long long)io);
	volatile char *a = A;
	printf("A read page 0: %c\n", a[100]);
	a[PG + 5] = 'z';
	printf("A write page 1: %c %d\n", a[PG + 5], a[PG + 6]);
	printf("A read page 2: %c\n", a[2 * PG + 7]);
	int pfd[2];
	pipe(pfd);
	show("write from page 3", write(pfd[1], A + 3 * PG, 4));
	char got[5] = {0};
	read(pfd[0], got, 4);
	printf("  pipe has %s\n", got);
	close(pfd[0]);
	close(pfd[1]);
	range_errors();
	show("madvise dontneed page 0", madvise(A, PG, MADV_DONTNEED));
	show("register U missing", reg(U, PG, UFFDIO_REGISTER_MODE_MISSING, NULL));
	show("munmap U", munmap(U, PG));

	/* write-protect: present pages, protected, a write waits for the
	 * handler to lift the protection. */
	W[0] = 'w';
	W[PG] = 'w';
	if (feat & UFFD_FEATURE_PAGEFAULT_FLAG_WP) {
		show("register W wp", reg(W, 2 * PG, UFFDIO_REGISTER_MODE_WP, &io));
		printf("  ioctls %#llx\n", (unsigned long long)io);
		struct uffdio_writeprotect wp = {.range = {(uintptr_t)W, 2 * PG}, .mode = UFFDIO_WRITEPROTECT_MODE_WP};
		show("writeprotect W", ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));
		volatile char *w = W;
		printf("W read page 0: %c\n", w[0]);
		w[PG + 1] = 'W';
		printf("W write page 1: %c%c\n", w[PG], w[PG + 1]);
	}

	/* minor: the page is in the memfd's cache, the mapping does not map
	 * it yet; UFFDIO_CONTINUE maps it. */
	if (feat & UFFD_FEATURE_MINOR_SHMEM) {
		int mfd = memfd_create("gemu-uffd", 0);
		pwrite(mfd, "minor", 5, 0);
		M = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		show("register M minor", reg(M, PG, UFFDIO_REGISTER_MODE_MINOR, &io));
		printf("  ioctls %#llx\n", (unsigned long long)io);
		minor_ok = 1;
		printf("M read: %.5s\n", (volatile char *)M);
		close(mfd);
	}

	/* move: a page of src goes to D, which is registered and missing. */
	if (feat & UFFD_FEATURE_MOVE) {
		char *s = map(PG);
		memset(s, 's', PG);
		show("register D missing", reg(D, 2 * PG, UFFDIO_REGISTER_MODE_MISSING, NULL));
		struct uffdio_move mv = {.dst = (uintptr_t)D, .src = (uintptr_t)s, .len = PG};
		show("move", ioctl(uffd, UFFDIO_MOVE, &mv));
		printf("  move %lld D %c src %d\n", (long long)mv.move, D[9], s[9]);
		mv = (struct uffdio_move){.dst = (uintptr_t)D + 8, .src = (uintptr_t)s, .len = PG};
		show("move unaligned", ioctl(uffd, UFFDIO_MOVE, &mv));
		mv = (struct uffdio_move){.dst = (uintptr_t)D + PG, .src = (uintptr_t)s, .len = PG, .mode = 1 << 5};
		show("move bad mode", ioctl(uffd, UFFDIO_MOVE, &mv));
		munmap(s, PG);
	}
	if (feat & UFFD_FEATURE_POISON) {
		struct uffdio_poison po = {.range = {(uintptr_t)D + PG, PG}};
		show("poison", ioctl(uffd, UFFDIO_POISON, &po));
		printf("  updated %lld\n", (long long)po.updated);
		po = (struct uffdio_poison){.range = {(uintptr_t)D + PG, PG}, .mode = 2};
		show("poison bad mode", ioctl(uffd, UFFDIO_POISON, &po));
	}

	/* remap: mremap moves two registered pages; the REMAP event names
	 * the old and the new place. */
	show("register R missing", reg(R, 2 * PG, UFFDIO_REGISTER_MODE_MISSING, NULL));
	R[0] = 'x';
	char *moved = mremap(R, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, R + 8 * PG);
	printf("mremap R: %s\n", moved == R + 8 * PG ? "moved" : strerrorname_np(errno));
	printf("  moved page 0 %c\n", moved[0]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	main_tid = gettid();
	__u64 feat = handshake();
	register_errors();

	A = map(8 * PG);
	W = map(2 * PG);
	D = map(2 * PG);
	U = map(PG);
	char *r = map(12 * PG); /* R and the place it moves to */
	munmap(r + 4 * PG, 8 * PG);
	R = r;
	src = map(PG);
	stop_fd = eventfd(0, EFD_CLOEXEC);
	pthread_t th;
	pthread_create(&th, NULL, handler, NULL);
	faults(feat);
	uint64_t one = 1;
	write(stop_fd, &one, 8);
	pthread_join(th, NULL);
	for (int i = 0; i < nrec; i++)
		printf("handler: %s\n", recs[i].what);
	show("unregister A", unreg(A, 3 * PG));
	volatile char *a = A;
	printf("A after unregister page 0: %d\n", a[0]);
	show("close", close(uffd));
	show("ioctl after close", api(uffd, 0, NULL));

	/* SIGBUS: no message, the faulting thread gets the signal. */
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	struct uffdio_api ap;
	show("api sigbus", api(uffd, UFFD_FEATURE_SIGBUS, &ap));
	char *b = map(PG);
	show("register sigbus", reg(b, PG, UFFDIO_REGISTER_MODE_MISSING, NULL));
	struct sigaction sa = {0};
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	if (!sigsetjmp(jb, 1)) {
		volatile char *p = b + 24;
		(void)*p;
	}
	printf("sigbus touch: sig %s code %d at +%#lx\n", got_sig == SIGBUS ? "SIGBUS" : "none", got_code,
	       got_sig ? (long)(got_addr - (uintptr_t)b) : -1L);
	close(uffd);
	printf("after close: %d\n", *(volatile char *)b);

	/* /dev/userfaultfd hands out the same descriptors. */
	int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (dev >= 0) {
		int n = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC);
		printf("USERFAULTFD_IOC_NEW: %s\n", n >= 0 ? "fd" : strerrorname_np(errno));
		show("  api", api(n, 0, NULL));
		show("USERFAULTFD_IOC_NEW bad flags", ioctl(dev, USERFAULTFD_IOC_NEW, 0x10));
		close(n);
		close(dev);
	} else {
		printf("no /dev/userfaultfd: %s\n", strerrorname_np(errno));
	}
	return 0;
}
