/* atomics: four threads hammer shared words of every size with the
 * GCC __atomic builtins (aarch64: the LSE instructions through libgcc's
 * outline atomics; riscv64: AMOs, and LR/SC loops for bytes and
 * halfwords), a compare-and-swap loop, an exchange spinlock guarding a
 * plain counter, and fetch-or/and/xor on bits of their own. The totals
 * are the same on every architecture and every run; tier 2 compiles
 * these operations, so this checks it under real contention. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define THREADS 4
#define ROUNDS 200000

static uint8_t add8;
static uint16_t add16;
static uint32_t add32, cas32, bits32 = 0xffffffff, xor32;
static uint64_t add64, cas64, plain;
static uint8_t cas8;
static uint16_t cas16;
static int lock;

static void *worker(void *arg)
{
	uint32_t me = (uint32_t)(uintptr_t)arg;
	for (int i = 0; i < ROUNDS; i++) {
		__atomic_fetch_add(&add8, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&add16, 3, __ATOMIC_ACQ_REL);
		__atomic_fetch_add(&add32, 5, __ATOMIC_RELAXED);
		__atomic_add_fetch(&add64, 7, __ATOMIC_SEQ_CST);
		uint32_t o32 = __atomic_load_n(&cas32, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&cas32, &o32, o32 + 1, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			;
		uint64_t o64 = __atomic_load_n(&cas64, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&cas64, &o64, o64 + 2, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			;
		uint8_t o8 = __atomic_load_n(&cas8, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&cas8, &o8, (uint8_t)(o8 + 1), 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			;
		uint16_t o16 = __atomic_load_n(&cas16, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&cas16, &o16, (uint16_t)(o16 + 1), 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			;
		while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
			;
		plain++;
		__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
		uint32_t bit = 1u << (me * 8 + i % 8);
		__atomic_fetch_and(&bits32, ~bit, __ATOMIC_SEQ_CST);
		__atomic_fetch_or(&bits32, bit, __ATOMIC_SEQ_CST);
		__atomic_fetch_xor(&xor32, bit, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("add8 %u add16 %u add32 %u add64 %llu\n", add8, add16, add32, (unsigned long long)add64);
	printf("cas8 %u cas16 %u cas32 %u cas64 %llu\n", cas8, cas16, cas32, (unsigned long long)cas64);
	printf("locked counter %llu\n", (unsigned long long)plain);
	printf("bits %#x xor %#x\n", bits32, xor32);
	return 0;
}
