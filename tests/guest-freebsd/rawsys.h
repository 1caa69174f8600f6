/*
 * Freestanding FreeBSD 14 guest support for aarch64 and riscv64: raw
 * system calls, _start, and unbuffered printing. No libc.
 *
 * System-call convention (FreeBSD, not Linux):
 *  - aarch64: number in x8, arguments in x0-x7, `svc #0`; on return the
 *    carry flag (C in NZCV) set means failure and x0 is the errno
 *    (sys/arm64/arm64/trap.c cpu_fetch_syscall_args reads tf_x[8];
 *    sys/arm64/arm64/vm_machdep.c cpu_set_syscall_retval sets PSR_C on
 *    error; lib/libc/aarch64/SYS.h branches on `b.cs cerror`).
 *  - riscv64: number in t0, arguments in a0-a7, `ecall`; on return t0 is
 *    0 on success and 1 on failure, a0 the errno (sys/riscv/riscv/trap.c
 *    reads tf_t[0]; sys/riscv/riscv/vm_machdep.c cpu_set_syscall_retval
 *    sets tf_t[0]; lib/libc/riscv/SYS.h `li t0, SYS_name; ecall`,
 *    then `bnez t0, cerror`).
 * Here a failure comes back as -errno, FreeBSD's errno numbers.
 *
 * Entry: FreeBSD's exec_setregs (sys/arm64/arm64/exec_machdep.c,
 * sys/riscv/riscv/exec_machdep.c) puts the address of argc in x0 / a0 and
 * sp = that address rounded down to 16, so _start passes x0 / a0 on
 * (argc, argv[], NULL, envp[], NULL, auxv pairs) rather than reading sp.
 *
 * The ABI note (NT_FREEBSD_ABI_TAG = 1, name "FreeBSD", osreldate
 * 1400097 = 14.0-RELEASE; sys/sys/elf_common.h) brands the program; the
 * Makefile also sets EI_OSABI to ELFOSABI_FREEBSD (9).
 */
#ifndef RAWSYS_H
#define RAWSYS_H

typedef unsigned long size_t;

/* System-call numbers (sys/kern/syscalls.master). */
enum {
	SYS_exit = 1, SYS_fork = 2, SYS_read = 3, SYS_write = 4, SYS_close = 6,
	SYS_wait4 = 7, SYS_getpid = 20, SYS_getuid = 24, SYS_kill = 37,
	SYS_getppid = 39, SYS_sigaltstack = 53, SYS_execve = 59,
	SYS_sigprocmask = 340, SYS_kqueue = 362, SYS_sigaction = 416,
	SYS_openat = 499, SYS_pipe2 = 542, SYS_kevent = 560,
};

/* Constants (sys/sys/fcntl.h, sys/sys/errno.h, sys/sys/signal.h). */
enum {
	AT_FDCWD = -100, O_RDONLY = 0, O_NONBLOCK = 4,
	ENOENT = 2, EBADF = 9, EAGAIN = 35,
	SIGSEGV = 11, SIGUSR1 = 30, SIGUSR2 = 31,
	SA_ONSTACK = 0x1, SA_SIGINFO = 0x40, SS_ONSTACK = 0x1, SS_DISABLE = 0x4,
	SIG_BLOCK = 1, SIG_UNBLOCK = 2,
	SI_USER = 0x10001, SEGV_MAPERR = 1,
};

#if defined(__aarch64__)
static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	long carry;
	__asm__ volatile("svc #0\n\tcset %[c], cs"
	    : "+r"(x0), "+r"(x1), [c] "=r"(carry)
	    : "r"(x8), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
	    : "memory", "cc");
	return carry ? -x0 : x0;
}

__asm__(".text\n.globl _start\n_start:\n"
	"\tmov x29, #0\n\tmov x30, #0\n\tbl cstart\n\tbrk #0\n");
#elif defined(__riscv) && __riscv_xlen == 64
static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long t0 __asm__("t0") = n;
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	register long a5 __asm__("a5") = f;
	__asm__ volatile("ecall"
	    : "+r"(t0), "+r"(a0), "+r"(a1)
	    : "r"(a2), "r"(a3), "r"(a4), "r"(a5)
	    : "memory");
	return t0 ? -a0 : a0;
}

__asm__(".text\n.globl _start\n_start:\n"
	"\t.option push\n\t.option norelax\n\tla gp, __global_pointer$\n\t.option pop\n"
	"\tli ra, 0\n\tcall cstart\n\tebreak\n");
#else
#error "rawsys.h: aarch64 or riscv64 only"
#endif

/* Helpers each program may or may not use. */
#define RAWFN static __attribute__((unused))

#define sys0(n) sys6((n), 0, 0, 0, 0, 0, 0)
#define sys1(n, a) sys6((n), (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) sys6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

__attribute__((used, section(".note.tag"), aligned(4)))
static const struct {
	unsigned namesz, descsz, type;
	char name[8];
	unsigned desc;
} freebsd_abi_tag = { 8, 4, 1, "FreeBSD", 1400097 };

/* gcc may call these for struct copies and zeroing even when freestanding. */
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

RAWFN size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

RAWFN int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

RAWFN void out(const char *s) { sys3(SYS_write, 1, s, slen(s)); }

RAWFN __attribute__((noreturn)) void sys_exit(int code)
{
	sys1(SYS_exit, code);
	for (;;)
		;
}

/* outnum prints v in base 10 (negative too) or, with base 16, as 0x... */
RAWFN void outnum(long v, int base)
{
	char buf[24];
	int i = sizeof(buf);
	unsigned long u = (base == 10 && v < 0) ? -(unsigned long)v : (unsigned long)v;
	buf[--i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[u % base];
		u /= base;
	} while (u);
	if (base == 16) {
		buf[--i] = 'x';
		buf[--i] = '0';
	} else if (v < 0) {
		buf[--i] = '-';
	}
	out(buf + i);
}

/* say prints "label value\n" in decimal. */
RAWFN void say(const char *label, long v)
{
	out(label);
	out(" ");
	outnum(v, 10);
	out("\n");
}

RAWFN void sayhex(const char *label, long v)
{
	out(label);
	out(" ");
	outnum(v, 16);
	out("\n");
}

RAWFN void yesno(const char *label, int ok)
{
	out(label);
	out(ok ? " yes\n" : " no\n");
}

/* The argument block _start hands to cstart. */
struct args {
	long argc;
	char **argv, **envp;
	unsigned long *auxv;
};

RAWFN struct args parse_args(long *block)
{
	struct args a;
	a.argc = block[0];
	a.argv = (char **)(block + 1);
	a.envp = a.argv + a.argc + 1;
	char **e = a.envp;
	while (*e)
		e++;
	a.auxv = (unsigned long *)(e + 1);
	return a;
}

/* auxval is the value of an auxv tag, or def when absent. */
RAWFN unsigned long auxval(const struct args *a, unsigned long tag, unsigned long def)
{
	for (unsigned long *p = a->auxv; p[0] != 0; p += 2)
		if (p[0] == tag)
			return p[1];
	return def;
}

/* FreeBSD's struct sigaction, siginfo_t and stack_t (sys/sys/signal.h). */
struct bsd_sigaction {
	void *handler;
	int flags;
	unsigned mask[4];
};

struct bsd_siginfo {
	int si_signo, si_errno, si_code, si_pid;
	unsigned si_uid;
	int si_status;
	void *si_addr;
	long si_value;
	long reason[5];
};

struct bsd_stack {
	void *ss_sp;
	size_t ss_size;
	int ss_flags;
};

void cstart(long *block);

#endif
