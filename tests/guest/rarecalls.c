/* rarecalls: the rarely used calls and their errors in the kernel's order:
 * quotactl and quotactl_fd, fanotify (events read back, FID records),
 * Landlock (a fork child restricted, with a thread, a fork and a spawned
 * program of its own), the LSM attribute calls, protection keys and
 * map_shadow_stack (as the guests' kernels without the hardware),
 * restart_syscall, nfsservctl and lookup_dcookie, remap_file_pages,
 * process_madvise of this process and of a child, and the error paths of
 * reboot, kexec and module loading (nothing is ever rebooted or loaded).
 * usage: rarecalls DIR (run as root; DIR is empty and writable) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

#define BAD ((void *)8)

/* Numbers the toolchains' headers may lack: the same on x86_64 and in
 * asm-generic for these new calls. */
#ifndef SYS_map_shadow_stack
#define SYS_map_shadow_stack 453
#endif
#define SYS_lsm_get_self_attr_ 459
#define SYS_lsm_set_self_attr_ 460
#define SYS_lsm_list_modules_ 461

/* include/uapi/linux/quota.h */
#define QCMD_(cmd, type) (((cmd) << 8) | ((type) & 0xff))
#define Q_SYNC_ 0x800001
#define Q_QUOTAON_ 0x800002
#define Q_GETFMT_ 0x800004
#define Q_GETQUOTA_ 0x800007
#define QFMT_VFS_V0_ 2

/* include/uapi/linux/landlock.h */
struct ruleset_attr {
	uint64_t handled_access_fs;
};
struct path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));
#define LL_CREATE_VERSION 1
#define LL_RULE_PATH_BENEATH 1
#define LL_WRITE_FILE 2
#define LL_EXECUTE 1
#define LL_MAKE_REG 0x100

/* include/uapi/linux/lsm.h */
#define LSM_ATTR_CURRENT 100
#define LSM_FLAG_SINGLE 1

/* The kernel's O_LARGEFILE (glibc's is 0 on LP64). */
#ifdef __aarch64__
#define K_O_LARGEFILE 0400000
#else
#define K_O_LARGEFILE 0100000
#endif

static long page;

/* ---- quotactl ---- */

static void quotas(void)
{
	char buf[256];
	int fd = open(".", O_RDONLY | O_DIRECTORY);
	show("quotactl sync all", syscall(SYS_quotactl, QCMD_(Q_SYNC_, 0), NULL, 0, NULL));
	show("quotactl no device", syscall(SYS_quotactl, QCMD_(Q_GETFMT_, 0), NULL, 0, buf));
	show("quotactl bad type", syscall(SYS_quotactl, QCMD_(Q_GETFMT_, 7), "/dev/null", 0, buf));
	show("quotactl missing device", syscall(SYS_quotactl, QCMD_(Q_GETFMT_, 0), "/no/such/device", 0, buf));
	show("quotactl bad device pointer", syscall(SYS_quotactl, QCMD_(Q_GETFMT_, 0), BAD, 0, buf));
	show("quotactl not a block device", syscall(SYS_quotactl, QCMD_(Q_GETQUOTA_, 0), "/dev/null", 0, buf));
	show("quotactl quotaon, missing file", syscall(SYS_quotactl, QCMD_(Q_QUOTAON_, 0), "/dev/null", QFMT_VFS_V0_, "/no/such/file"));
	show("quotactl unknown command", syscall(SYS_quotactl, QCMD_(0x800077, 0), "/dev/null", 0, buf));
	show("quotactl_fd getfmt", syscall(SYS_quotactl_fd, fd, QCMD_(Q_GETFMT_, 0), 0, buf));
	show("quotactl_fd getquota bad addr", syscall(SYS_quotactl_fd, fd, QCMD_(Q_GETQUOTA_, 0), 0, BAD));
	show("quotactl_fd bad fd", syscall(SYS_quotactl_fd, -1, QCMD_(Q_GETFMT_, 0), 0, buf));
	show("quotactl_fd bad type", syscall(SYS_quotactl_fd, fd, QCMD_(Q_GETFMT_, 9), 0, buf));
	close(fd);
}

/* ---- fanotify ---- */

static void read_events(int fd, const char *what)
{
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n = read(fd, buf, sizeof buf);
	if (n < 0) {
		printf("%s: read -1 %s\n", what, strerrorname_np(errno));
		return;
	}
	for (struct fanotify_event_metadata *m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
		printf("%s: version %d mask %#llx own pid %d", what, m->vers, (unsigned long long)m->mask,
		       m->pid == getpid());
		if (m->fd >= 0) {
			char link[64], target[256];
			snprintf(link, sizeof link, "/proc/self/fd/%d", m->fd);
			ssize_t k = readlink(link, target, sizeof target - 1);
			target[k > 0 ? k : 0] = 0;
			int fl = fcntl(m->fd, F_GETFL);
			printf(" file %s rdonly %d largefile %d", strrchr(target, '/') ? strrchr(target, '/') + 1 : target,
			       (fl & O_ACCMODE) == O_RDONLY, !!(fl & K_O_LARGEFILE));
			close(m->fd);
		}
		if (m->event_len > m->metadata_len) {
			struct fanotify_event_info_fid *fid = (void *)(m + 1);
			struct file_handle *h = (void *)fid->handle;
			printf(" info type %d name %s", fid->hdr.info_type, (char *)(h->f_handle + h->handle_bytes));
		}
		printf("\n");
	}
}

static void fanotify(void)
{
	mkdir("fan", 0755);
	int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | K_O_LARGEFILE);
	printf("fanotify_init: %s\n", fd >= 0 ? "a descriptor" : strerrorname_np(errno));
	show("fanotify_mark dir", fanotify_mark(fd, FAN_MARK_ADD, FAN_CLOSE_WRITE | FAN_EVENT_ON_CHILD, AT_FDCWD, "fan"));
	int f = open("fan/a.txt", O_CREAT | O_WRONLY, 0644);
	write(f, "x", 1);
	close(f);
	read_events(fd, "close_write");
	read_events(fd, "nothing more");
	show("fanotify_mark remove", fanotify_mark(fd, FAN_MARK_REMOVE, FAN_CLOSE_WRITE | FAN_EVENT_ON_CHILD, AT_FDCWD,
						   "fan"));
	show("fanotify_mark missing path", fanotify_mark(fd, FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD, "nope"));
	show("fanotify_mark bad path", fanotify_mark(fd, FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD, BAD));
	show("fanotify_mark bad fd", fanotify_mark(-1, FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD, "fan"));
	show("fanotify_mark not fanotify", fanotify_mark(1, FAN_MARK_ADD, FAN_CLOSE_WRITE, AT_FDCWD, "fan"));
	show("fanotify_mark bad flags", fanotify_mark(fd, 0x80000000u, FAN_CLOSE_WRITE, AT_FDCWD, "fan"));
	show("fanotify_mark no mask", fanotify_mark(fd, FAN_MARK_ADD, 0, AT_FDCWD, "fan"));
	show("fanotify_mark bad dirfd", fanotify_mark(fd, FAN_MARK_ADD, FAN_CLOSE_WRITE, 999, "fan"));
	close(fd);

	fd = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME | FAN_NONBLOCK, O_RDONLY);
	printf("fanotify_init fid: %s\n", fd >= 0 ? "a descriptor" : strerrorname_np(errno));
	show("fanotify_mark create", fanotify_mark(fd, FAN_MARK_ADD, FAN_CREATE, AT_FDCWD, "fan"));
	close(open("fan/b.txt", O_CREAT | O_WRONLY, 0644));
	read_events(fd, "create");
	close(fd);

	show("fanotify_init bad flags", fanotify_init(0x80000000u, O_RDONLY));
	show("fanotify_init bad event flags", fanotify_init(FAN_CLASS_NOTIF, O_RDONLY | O_DIRECTORY));
	show("fanotify_init bad class", fanotify_init(FAN_CLASS_NOTIF | FAN_CLASS_CONTENT | FAN_CLASS_PRE_CONTENT, O_RDONLY));
}

/* ---- Landlock ---- */

static long ll_create(void *attr, size_t size, unsigned flags)
{
	return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

static long ll_add(int fd, int type, void *attr, unsigned flags)
{
	return syscall(SYS_landlock_add_rule, fd, type, attr, flags);
}

static void *write_outside(void *arg)
{
	int f = open("outside.txt", O_WRONLY);
	*(int *)arg = f < 0 ? errno : 0;
	if (f >= 0)
		close(f);
	return NULL;
}

/* restricted runs in a fork child: writes only beneath "allowed". */
static int restricted(int ruleset)
{
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	show("landlock_restrict_self bad flags", syscall(SYS_landlock_restrict_self, ruleset, 0x80000000u));
	show("landlock_restrict_self bad fd", syscall(SYS_landlock_restrict_self, -1, 0));
	show("landlock_restrict_self not a ruleset", syscall(SYS_landlock_restrict_self, 1, 0));
	show("landlock_restrict_self", syscall(SYS_landlock_restrict_self, ruleset, 0));
	int f = open("allowed/in.txt", O_CREAT | O_WRONLY, 0644);
	printf("write beneath allowed: %s\n", f >= 0 ? "0" : strerrorname_np(errno));
	f = open("outside.txt", O_WRONLY);
	printf("write outside: %s\n", f >= 0 ? "0" : strerrorname_np(errno));
	printf("read outside: %s\n", open("outside.txt", O_RDONLY) >= 0 ? "0" : strerrorname_np(errno));
	int err = -1;
	pthread_t th;
	pthread_create(&th, NULL, write_outside, &err);
	pthread_join(th, NULL);
	printf("a new thread writes outside: %s\n", err ? strerrorname_np(err) : "0");
	pid_t pid = fork();
	if (pid == 0) {
		write_outside(&err);
		_exit(err);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("a fork child writes outside: %s\n", WEXITSTATUS(st) ? strerrorname_np(WEXITSTATUS(st)) : "0");
	/* A program spawned (vfork) by the restricted process. */
	char *argv[] = {"sh", "-c", ": > outside.txt", NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addclose(&fa, 2); /* its complaint */
	if (posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, NULL) == 0) {
		waitpid(pid, &st, 0);
		printf("a spawned program writes outside: %s\n", WEXITSTATUS(st) ? "fails" : "0");
	}
	return 0;
}

static void landlock(void)
{
	mkdir("allowed", 0755);
	close(open("outside.txt", O_CREAT | O_WRONLY, 0644));
	long v = ll_create(NULL, 0, LL_CREATE_VERSION);
	printf("landlock abi version: %s\n", v >= 1 ? "1 or more" : strerrorname_np(errno));
	struct ruleset_attr ra = {.handled_access_fs = LL_WRITE_FILE | LL_MAKE_REG};
	show("landlock_create_ruleset version with attr", ll_create(&ra, sizeof ra, LL_CREATE_VERSION));
	show("landlock_create_ruleset bad flags", ll_create(&ra, sizeof ra, 0x100));
	show("landlock_create_ruleset short", ll_create(&ra, 4, 0));
	show("landlock_create_ruleset too big", ll_create(&ra, 8192, 0));
	show("landlock_create_ruleset bad attr", ll_create(BAD, sizeof ra, 0));
	struct ruleset_attr none = {0}, unknown = {.handled_access_fs = 1ull << 60};
	show("landlock_create_ruleset nothing handled", ll_create(&none, sizeof none, 0));
	show("landlock_create_ruleset unknown access", ll_create(&unknown, sizeof unknown, 0));
	int rs = ll_create(&ra, sizeof ra, 0);
	printf("landlock_create_ruleset: %s\n", rs >= 0 ? "a descriptor" : strerrorname_np(errno));
	int dir = open("allowed", O_PATH | O_DIRECTORY);
	struct path_beneath pb = {.allowed_access = LL_WRITE_FILE | LL_MAKE_REG, .parent_fd = dir};
	show("landlock_add_rule bad flags", ll_add(rs, LL_RULE_PATH_BENEATH, &pb, 1));
	show("landlock_add_rule bad fd", ll_add(-1, LL_RULE_PATH_BENEATH, &pb, 0));
	show("landlock_add_rule not a ruleset", ll_add(1, LL_RULE_PATH_BENEATH, &pb, 0));
	show("landlock_add_rule bad type", ll_add(rs, 99, &pb, 0));
	show("landlock_add_rule bad attr", ll_add(rs, LL_RULE_PATH_BENEATH, BAD, 0));
	struct path_beneath bad = pb;
	bad.parent_fd = -1;
	show("landlock_add_rule bad parent", ll_add(rs, LL_RULE_PATH_BENEATH, &bad, 0));
	bad = pb;
	bad.allowed_access = LL_EXECUTE;
	show("landlock_add_rule access not handled", ll_add(rs, LL_RULE_PATH_BENEATH, &bad, 0));
	bad.allowed_access = 0;
	show("landlock_add_rule no access", ll_add(rs, LL_RULE_PATH_BENEATH, &bad, 0));
	show("landlock_add_rule", ll_add(rs, LL_RULE_PATH_BENEATH, &pb, 0));
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		restricted(rs);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	int f = open("outside.txt", O_WRONLY);
	printf("the parent writes outside: %s\n", f >= 0 ? "0" : strerrorname_np(errno));
	close(f);
	close(dir);
	close(rs);
}

/* ---- LSM attributes ---- */

static void lsm(void)
{
	uint64_t ids[64];
	uint32_t size = sizeof ids;
	long n = syscall(SYS_lsm_list_modules_, ids, &size, 0);
	show("lsm_list_modules", n);
	printf("  size %u ids", size);
	for (long i = 0; i < n; i++)
		printf(" %llu", (unsigned long long)ids[i]);
	printf("\n");
	size = 0;
	show("lsm_list_modules no room", syscall(SYS_lsm_list_modules_, ids, &size, 0));
	printf("  size %u\n", size);
	show("lsm_list_modules bad flags", syscall(SYS_lsm_list_modules_, ids, &size, 1));
	show("lsm_list_modules bad size pointer", syscall(SYS_lsm_list_modules_, ids, BAD, 0));
	size = sizeof ids;
	show("lsm_list_modules bad ids", syscall(SYS_lsm_list_modules_, BAD, &size, 0));

	char ctx[1024];
	size = sizeof ctx;
	show("lsm_get_self_attr current", syscall(SYS_lsm_get_self_attr_, LSM_ATTR_CURRENT, ctx, &size, 0));
	size = sizeof ctx;
	show("lsm_get_self_attr undefined", syscall(SYS_lsm_get_self_attr_, 0, ctx, &size, 0));
	show("lsm_get_self_attr bad flags", syscall(SYS_lsm_get_self_attr_, LSM_ATTR_CURRENT, ctx, &size, 2));
	show("lsm_get_self_attr bad size pointer", syscall(SYS_lsm_get_self_attr_, LSM_ATTR_CURRENT, ctx, BAD, 0));
	show("lsm_get_self_attr single", syscall(SYS_lsm_get_self_attr_, LSM_ATTR_CURRENT, ctx, &size, LSM_FLAG_SINGLE));
	show("lsm_set_self_attr bad ctx", syscall(SYS_lsm_set_self_attr_, LSM_ATTR_CURRENT, BAD, 64, 0));
	show("lsm_set_self_attr bad flags", syscall(SYS_lsm_set_self_attr_, LSM_ATTR_CURRENT, ctx, 64, 1));
	memset(ctx, 0, sizeof ctx);
	show("lsm_set_self_attr short", syscall(SYS_lsm_set_self_attr_, LSM_ATTR_CURRENT, ctx, 8, 0));
}

/* ---- protection keys and shadow stacks ---- */

/* The guests' kernels answer these on CPUs without the hardware, and the
 * two differ: arm64 (CONFIG_ARM64_POE, no POE: arch/arm64/include/asm/
 * pkeys.h) has the calls, never allocates a key and has key 0 allocated
 * in each mm until pkey_free; riscv64 has no CONFIG_ARCH_HAS_PKEYS, so
 * the calls are sys_ni_syscall (mm/mprotect.c). map_shadow_stack: arm64
 * without GCS is EOPNOTSUPP first (arch/arm64/mm/gcs.c), riscv64 before
 * 7.0 has no such call. x86_64 natively depends on the host CPU (PKU,
 * shadow stacks) and its config, so its run does not make these calls:
 * each case prints "as the kernel" when the guest's answer is its
 * kernel's, which a native x86_64 run stands for. */
#if defined(__aarch64__)
#define PK(arm64, riscv64) (arm64)
#elif defined(__riscv)
#define PK(arm64, riscv64) (riscv64)
#endif

#ifndef __x86_64__
static void expect(const char *label, long r, long want)
{
	long got = r < 0 ? -errno : r;
	if (got == want)
		printf("%s: as the kernel\n", label);
	else
		printf("%s: %ld %s, the kernel gives %ld %s\n", label, r, r < 0 ? strerrorname_np(errno) : "", want < 0 ? -1 : want,
		       want < 0 ? strerrorname_np(-want) : "");
}
#endif

#ifdef __x86_64__
#define CASE(label, call, arm64, riscv64) printf("%s: as the kernel\n", label)
#else
#define CASE(label, call, arm64, riscv64) expect(label, (call), PK(arm64, riscv64))
#endif

static __attribute__((unused)) long pkey_alloc_(unsigned long flags, unsigned long init)
{
	return syscall(SYS_pkey_alloc, flags, init);
}

static void pkeys(void)
{
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *gone = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, page);
	const int rw = PROT_READ | PROT_WRITE, no = -ENOSYS;
	(void)p, (void)rw, (void)no;
	CASE("pkey_alloc flags", pkey_alloc_(1, 0), -EINVAL, no);
	CASE("pkey_alloc init outside the mask", pkey_alloc_(0, 0x10), -EINVAL, no);
	CASE("pkey_alloc disable execute", pkey_alloc_(0, 4), -ENOSPC, no);
	CASE("pkey_alloc", pkey_alloc_(0, 0), -ENOSPC, no);
	CASE("pkey_mprotect key 0", syscall(SYS_pkey_mprotect, p, page, rw, 0), 0, no);
	CASE("pkey_mprotect no key", syscall(SYS_pkey_mprotect, p, page, rw, -1), 0, no);
	CASE("pkey_mprotect key 1", syscall(SYS_pkey_mprotect, p, page, rw, 1), -EINVAL, no);
	CASE("pkey_mprotect key 9", syscall(SYS_pkey_mprotect, p, page, rw, 9), -EINVAL, no);
	CASE("pkey_mprotect unaligned, key 1", syscall(SYS_pkey_mprotect, p + 1, page, rw, 1), -EINVAL, no);
	CASE("pkey_mprotect empty, key 1", syscall(SYS_pkey_mprotect, p, 0, rw, 1), 0, no);
	CASE("pkey_mprotect wraps, key 1", syscall(SYS_pkey_mprotect, p, -page, rw, 1), -ENOMEM, no);
	CASE("pkey_mprotect unmapped, key 1", syscall(SYS_pkey_mprotect, gone, page, rw, 1), -EINVAL, no);
	CASE("pkey_mprotect unmapped", syscall(SYS_pkey_mprotect, gone, page, rw, -1), -ENOMEM, no);
	CASE("pkey_mprotect read-only", syscall(SYS_pkey_mprotect, p, page, PROT_READ, 0), 0, no);
	CASE("pkey_free 1", syscall(SYS_pkey_free, 1), -EINVAL, no);
	CASE("pkey_free -1", syscall(SYS_pkey_free, -1), -EINVAL, no);
	CASE("pkey_free 0", syscall(SYS_pkey_free, 0), 0, no);
	CASE("pkey_free 0 again", syscall(SYS_pkey_free, 0), -EINVAL, no);
	CASE("pkey_mprotect freed key 0", syscall(SYS_pkey_mprotect, p, page, rw, 0), -EINVAL, no);
	CASE("map_shadow_stack", syscall(SYS_map_shadow_stack, 0, page, 0), -EOPNOTSUPP, no);
	CASE("map_shadow_stack bad flags", syscall(SYS_map_shadow_stack, 0, page, 0x100), -EOPNOTSUPP, no);
	munmap(p, 2 * page);
}

/* ---- calls every kernel answers alone ---- */

static void alone(void)
{
	show("restart_syscall", syscall(SYS_restart_syscall));
	show("nfsservctl", syscall(SYS_nfsservctl, 0, NULL, NULL));
	show("lookup_dcookie", syscall(SYS_lookup_dcookie, 0, NULL, 0));
}

/* ---- remap_file_pages ---- */

static long rfp(void *start, size_t size, int prot, size_t pgoff, int flags)
{
	return syscall(SYS_remap_file_pages, start, size, prot, pgoff, flags);
}

/* maps_offset prints the offset and permissions /proc/self/maps gives
 * the mapping holding addr. */
static void maps_offset(const char *label, void *addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	while (f && fgets(line, sizeof line, f)) {
		unsigned long lo, hi, off;
		char perm[8];
		if (sscanf(line, "%lx-%lx %7s %lx", &lo, &hi, perm, &off) == 4 && lo <= (unsigned long)addr &&
		    (unsigned long)addr < hi)
			printf("  %s: %s offset %#lx\n", label, perm, off);
	}
	if (f)
		fclose(f);
}

static void show_pages(const char *label, char *p, int n)
{
	printf("  %s:", label);
	for (int i = 0; i < n; i++)
		printf(" %c", p[i * page]);
	printf("\n");
}

static void remap(void)
{
	int fd = open("rfp", O_CREAT | O_RDWR, 0644);
	for (int i = 0; i < 4; i++) {
		char b[4096];
		memset(b, 'A' + i, sizeof b);
		pwrite(fd, b, page, i * page);
	}
	char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	show("remap_file_pages page 0 to 3", rfp(p, page, 0, 3, 0));
	show_pages("pages", p, 4);
	maps_offset("page 0", p);
	maps_offset("page 1", p + page);
	show("remap_file_pages pages 2-3 to 0-1", rfp(p + 2 * page, 2 * page, 0, 0, MAP_NONBLOCK));
	show_pages("pages", p, 4);
	maps_offset("page 2", p + 2 * page);
	p[0] = 'x';
	char c = 0;
	pread(fd, &c, 1, 3 * page);
	printf("  a store reaches file page 3: %c\n", c);
	show("remap_file_pages unaligned start", rfp(p + 5, page, 0, 1, 0));
	show_pages("pages", p, 4);
	show("remap_file_pages prot", rfp(p, page, PROT_READ, 1, 0));
	show("remap_file_pages empty", rfp(p, 0, 0, 1, 0));
	show("remap_file_pages pgoff wraps", rfp(p, 2 * page, 0, -1UL, 0));
	show("remap_file_pages past the mapping", rfp(p + 3 * page, 2 * page, 0, 0, 0));
	char *q = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
	show("remap_file_pages private", rfp(q, page, 0, 1, 0));
	munmap(q, page);
	show("remap_file_pages unmapped", rfp(q, page, 0, 1, 0));
	int ro = open("rfp", O_RDONLY);
	q = mmap(NULL, page, PROT_READ, MAP_SHARED, ro, 0);
	show("remap_file_pages read-only file", rfp(q, page, 0, 1, 0));
	munmap(q, page);
	close(ro);
	q = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	q[0] = 'a', q[page] = 'b';
	show("remap_file_pages shared anonymous", rfp(q, page, 0, 1, 0));
	show_pages("pages", q, 2);
	munmap(q, 2 * page);
	munmap(p, 4 * page);
	close(fd);
}

/* ---- process_madvise ---- */

static long pmadv(int pidfd, struct iovec *v, size_t n, int advice, unsigned flags)
{
	return syscall(SYS_process_madvise, pidfd, v, n, advice, flags);
}

static void madvise_self(int pidfd)
{
	char *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 1, 3 * page);
	struct iovec v[3] = {{p, page}, {p + page, 100}, {p + 2 * page, page}};
	show("process_madvise self willneed", pmadv(pidfd, v, 3, MADV_WILLNEED, 0));
	show("process_madvise self dontneed", pmadv(pidfd, v, 3, MADV_DONTNEED, 0));
	printf("  pages read %d %d %d\n", p[0], p[page], p[2 * page]);
	show("process_madvise self bad advice", pmadv(pidfd, v, 3, 1234, 0));
	show("process_madvise self nothing, bad advice", pmadv(pidfd, v, 0, 1234, 0));
	show("process_madvise flags", pmadv(pidfd, v, 3, MADV_COLD, 1));
	show("process_madvise flags, bad vector", pmadv(pidfd, BAD, 3, MADV_COLD, 1));
	show("process_madvise bad vector", pmadv(pidfd, BAD, 1, MADV_COLD, 0));
	show("process_madvise bad vector, bad fd", pmadv(-1, BAD, 1, MADV_COLD, 0));
	show("process_madvise bad fd", pmadv(-1, v, 1, MADV_COLD, 0));
	int pp[2];
	pipe(pp);
	show("process_madvise not a pidfd", pmadv(pp[0], v, 1, MADV_COLD, 0));
	close(pp[0]), close(pp[1]);
	show("process_madvise too many", pmadv(pidfd, v, 1025, MADV_COLD, 0));
	struct iovec neg = {p, -1UL};
	show("process_madvise negative length", pmadv(pidfd, &neg, 1, MADV_COLD, 0));
	struct iovec past = {(void *)-4096UL, 8192};
	show("process_madvise past the address space", pmadv(pidfd, &past, 1, MADV_COLD, 0));
	struct iovec un[2] = {{p + 1, page}, {p, page}};
	show("process_madvise unaligned first", pmadv(pidfd, un, 2, MADV_COLD, 0));
	struct iovec un2[2] = {{p, page}, {p + 1, page}};
	show("process_madvise unaligned second", pmadv(pidfd, un2, 2, MADV_COLD, 0));
	struct iovec z[2] = {{p, 0}, {NULL, 0}};
	show("process_madvise empty ranges", pmadv(pidfd, z, 2, MADV_COLD, 0));
	munmap(p + page, page);
	show("process_madvise over a hole", pmadv(pidfd, v, 3, MADV_COLD, 0));
	show("process_madvise hole first", pmadv(pidfd, v + 1, 2, MADV_COLD, 0));
	show("process_madvise hwpoison", pmadv(pidfd, v, 1, MADV_HWPOISON, 0));
	show("process_madvise dontfork", pmadv(pidfd, v, 1, MADV_DONTFORK, 0));
	show("process_madvise dofork", pmadv(pidfd, v, 1, MADV_DOFORK, 0));
	munmap(p, 3 * page);
}

static void madvise_child(void)
{
	char *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 2, 3 * page);
	munmap(p + 2 * page, page);
	int go[2], ready[2];
	pipe(go), pipe(ready);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		write(ready[1], "r", 1);
		read(go[0], &c, 1);
		printf("  the child reads %d\n", p[0]);
		fflush(stdout);
		_exit(0);
	}
	char c;
	read(ready[0], &c, 1);
	int cfd = syscall(SYS_pidfd_open, pid, 0);
	struct iovec v[3] = {{p, page}, {p + page, page}, {p + 2 * page, page}};
	show("process_madvise child cold", pmadv(cfd, v, 2, MADV_COLD, 0));
	show("process_madvise child pageout", pmadv(cfd, v, 1, MADV_PAGEOUT, 0));
	show("process_madvise child willneed", pmadv(cfd, v, 2, MADV_WILLNEED, 0));
	show("process_madvise child dontneed", pmadv(cfd, v, 1, MADV_DONTNEED, 0));
	show("process_madvise child bad advice", pmadv(cfd, v, 1, 1234, 0));
	show("process_madvise child over a hole", pmadv(cfd, v, 3, MADV_COLD, 0));
	show("process_madvise child hole", pmadv(cfd, v + 2, 1, MADV_COLD, 0));
	struct iovec un = {p + 1, page};
	show("process_madvise child unaligned", pmadv(cfd, &un, 1, MADV_COLD, 0));
	fflush(stdout);
	write(go[1], "g", 1);
	waitpid(pid, NULL, 0);
	show("process_madvise child gone", pmadv(cfd, v, 1, MADV_COLD, 0));
	close(cfd);
	munmap(p, 2 * page);
}

/* ---- reboot, kexec, modules: error paths only ---- */

static void admin(void)
{
	/* Bad magic numbers: EINVAL before the command is looked at. */
	show("reboot bad magic", syscall(SYS_reboot, 0xfee1dead, 0, 0x4321fedc, NULL));
	show("reboot bad first magic", syscall(SYS_reboot, 0, 672274793, 0x4321fedc, NULL));
	show("kexec_load unknown flag", syscall(SYS_kexec_load, 0, 0, NULL, 0x100));
	show("kexec_load too many segments", syscall(SYS_kexec_load, 0, 17, NULL, 0));
	show("kexec_file_load unknown flag", syscall(SYS_kexec_file_load, -1, -1, 0, NULL, 0x100));
	char junk[64];
	memset(junk, 0x5a, sizeof junk);
	show("init_module not an ELF", syscall(SYS_init_module, junk, sizeof junk, ""));
	show("init_module bad image", syscall(SYS_init_module, BAD, sizeof junk, ""));
	show("finit_module bad fd", syscall(SYS_finit_module, -1, "", 0));
	show("finit_module bad flags", syscall(SYS_finit_module, 0, "", 0x100));
	show("delete_module missing", syscall(SYS_delete_module, "gemu_no_such_module", O_NONBLOCK));
	show("delete_module bad name", syscall(SYS_delete_module, BAD, O_NONBLOCK));
}

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: rarecalls DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page = sysconf(_SC_PAGESIZE);
	quotas();
	fanotify();
	landlock();
	lsm();
	pkeys();
	alone();
	remap();
	int pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	madvise_self(pidfd);
	close(pidfd);
	madvise_child();
	admin();
	return 0;
}
