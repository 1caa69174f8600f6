/* crash: dies of SIGSEGV two calls deep, for the core-dump test
 * (coredump_test.go): gdb-multiarch must show inner, outer and main.
 * Built at -O0, so that gdb's riscv64 prologue analysis finds the return
 * addresses (these functions have no unwind tables). */
#include <stdio.h>

static volatile int *volatile bad = (int *)16;

__attribute__((noinline, optimize("O0"))) void inner(int v)
{
	*bad = v;
}

__attribute__((noinline, optimize("O0"))) void outer(int v)
{
	inner(v + 1);
	__asm__ volatile("" ::: "memory"); /* not a tail call */
}

int main(void)
{
	puts("crashing");
	fflush(stdout);
	outer(41);
	return 0;
}
