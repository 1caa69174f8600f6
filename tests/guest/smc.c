/*
 * smc.c: self-modifying code. Writes tiny functions into an mmap'd page,
 * flushes the instruction cache (__builtin___clear_cache: on riscv64 this
 * is fence.i / the riscv_flush_icache syscall, on aarch64 DC CVAU + IC
 * IVAU), calls them, rewrites them and calls again. The emulator must
 * notice every rewrite.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*fn0)(void);
typedef int (*fn1)(int);

/* Emit "return n" (0 <= n < 2048) at p; return the number of bytes written. */
static size_t emit_const(unsigned char *p, int n)
{
#if defined(__riscv)
	uint32_t ins[2] = {
		((uint32_t)n << 20) | (10u << 7) | 0x13u, /* addi a0, zero, n */
		0x00008067u,                              /* jalr zero, 0(ra) */
	};
#elif defined(__aarch64__)
	uint32_t ins[2] = {
		0x52800000u | ((uint32_t)n << 5), /* movz w0, #n */
		0xd65f03c0u,                      /* ret */
	};
#elif defined(__x86_64__)
	unsigned char ins[6] = { 0xb8, (unsigned char)n, (unsigned char)(n >> 8), 0, 0, 0xc3 }; /* mov eax, n; ret */
#else
#error "unsupported architecture"
#endif
	memcpy(p, ins, sizeof ins);
	return sizeof ins;
}

/* Emit "return arg + n" (0 <= n < 2048). */
static size_t emit_add(unsigned char *p, int n)
{
#if defined(__riscv)
	uint32_t ins[2] = {
		((uint32_t)n << 20) | (10u << 15) | (10u << 7) | 0x13u, /* addi a0, a0, n */
		0x00008067u,                                            /* ret */
	};
#elif defined(__aarch64__)
	uint32_t ins[2] = {
		0x11000000u | ((uint32_t)n << 10), /* add w0, w0, #n */
		0xd65f03c0u,                       /* ret */
	};
#elif defined(__x86_64__)
	unsigned char ins[7] = { 0x8d, 0x87, (unsigned char)n, (unsigned char)(n >> 8), 0, 0, 0xc3 }; /* lea eax, [rdi+n]; ret */
#endif
	memcpy(p, ins, sizeof ins);
	return sizeof ins;
}

static void flush(unsigned char *p, size_t len)
{
	__builtin___clear_cache((char *)p, (char *)p + len);
}

static int call0(unsigned char *p)
{
	fn0 f;
	void *v = p;
	memcpy(&f, &v, sizeof f);
	return f();
}

static int call1(unsigned char *p, int a)
{
	fn1 f;
	void *v = p;
	memcpy(&f, &v, sizeof f);
	return f(a);
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t len;
	int i;
	long sum;

	/* 1. a read-write-execute page, rewritten in place */
	unsigned char *rwx = mmap(NULL, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rwx == MAP_FAILED) {
		perror("mmap rwx");
		return 1;
	}
	len = emit_const(rwx, 42);
	flush(rwx, len);
	printf("rwx first call: %d\n", call0(rwx));
	len = emit_const(rwx, 1234);
	flush(rwx, len);
	printf("rwx after rewrite: %d\n", call0(rwx));

	/* 2. ~100 rewrites of the same code in a loop */
	sum = 0;
	for (i = 0; i < 100; i++) {
		len = emit_const(rwx, i * 3 + 1);
		flush(rwx, len);
		sum += call0(rwx);
	}
	printf("loop of 100 rewrites: sum %ld (want %ld)\n", sum, 100L * 99 / 2 * 3 + 100);

	/* 3. change the kind of instruction, not just its immediate */
	len = emit_add(rwx, 5);
	flush(rwx, len);
	printf("rwx add 5 to 10: %d\n", call1(rwx, 10));
	len = emit_const(rwx, 7);
	flush(rwx, len);
	printf("rwx back to const: %d\n", call1(rwx, 10));

	/* 4. two functions on one page: rewriting one keeps the other */
	len = emit_const(rwx + 256, 300);
	flush(rwx + 256, len);
	len = emit_const(rwx, 100);
	flush(rwx, len);
	printf("two functions: %d %d\n", call0(rwx), call0(rwx + 256));
	len = emit_const(rwx + 256, 301);
	flush(rwx + 256, len);
	printf("after rewriting the second: %d %d\n", call0(rwx), call0(rwx + 256));
	munmap(rwx, pg);

	/* 5. W^X: write while RW, mprotect to RX, call, back to RW, rewrite */
	unsigned char *wx = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (wx == MAP_FAILED) {
		perror("mmap rw");
		return 1;
	}
	sum = 0;
	for (i = 0; i < 20; i++) {
		if (mprotect(wx, pg, PROT_READ | PROT_WRITE) != 0) {
			perror("mprotect rw");
			return 1;
		}
		len = emit_add(wx, i);
		flush(wx, len);
		if (mprotect(wx, pg, PROT_READ | PROT_EXEC) != 0) {
			perror("mprotect rx");
			return 1;
		}
		sum += call1(wx, 1000);
	}
	printf("w^x loop of 20: sum %ld (want %ld)\n", sum, 20L * 1000 + 19 * 20 / 2);
	munmap(wx, pg);

	/* 6. unmap and map again at (possibly) the same address: stale code must not run */
	unsigned char *a = mmap(NULL, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	len = emit_const(a, 11);
	flush(a, len);
	int r1 = call0(a);
	munmap(a, pg);
	unsigned char *b = mmap(a, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	len = emit_const(b, 22);
	flush(b, len);
	printf("remapped page: %d then %d\n", r1, call0(b));
	munmap(b, pg);
	return 0;
}
