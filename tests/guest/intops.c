/*
 * intops.c: integer semantics, 8/16/32/64/128-bit.
 *
 * Every operation is a separate function called through a table, with
 * operands read from a volatile array, so the compiler emits the real
 * instructions instead of folding constants. Nothing here relies on
 * undefined behaviour: signed overflow is done in unsigned arithmetic,
 * division skips b == 0 and MIN / -1, shift counts are masked. Plain
 * `char` is never used for arithmetic (it is unsigned on riscv64 and
 * aarch64, signed on x86_64).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t u64;
typedef int64_t i64;
typedef uint32_t u32;
typedef int32_t i32;

static volatile u64 vals[] = {
	0, 1, 2, 3, 5, 7, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000,
	0xffff, 0x12345678, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
	0x123456789abcdef0ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xfedcba9876543210ull, 0xffffffffffffffffull, 0xfffffffffffffffeull,
	0xfffffffffffffff9ull, 0xffffffffffffff80ull, 0xdeadbeefull,
	0x8000000000000001ull, 0x00000000fffffffeull, 0xaaaaaaaa55555555ull,
};
#define NVALS ((int)(sizeof vals / sizeof vals[0]))

/* Pairs printed one per line; all pairs go into each operation's checksum. */
static const int shown[] = { 1, 3, 11, 19, 23, 24, 26, 28 };
#define NSHOWN ((int)(sizeof shown / sizeof shown[0]))

#define BIN(name, expr) \
	static __attribute__((noinline)) u64 name(u64 a, u64 b) { return (expr); }

/* 8 and 16 bit, with the results zero- or sign-extended */
BIN(add8, (uint8_t)(a + b))
BIN(sub8, (uint8_t)(a - b))
BIN(mul8, (uint8_t)((u32)(uint8_t)a * (uint8_t)b))
BIN(div8s, (int8_t)b ? (u64)(i64)((int)(int8_t)a / (int)(int8_t)b) : 0xd1d1)
BIN(rem8s, (int8_t)b ? (u64)(i64)((int)(int8_t)a % (int)(int8_t)b) : 0xd1d1)
BIN(add16, (uint16_t)(a + b))
BIN(sub16, (uint16_t)(a - b))
BIN(mul16, (uint16_t)((u32)(uint16_t)a * (uint16_t)b))
BIN(div16u, (uint16_t)b ? (u64)((uint16_t)a / (uint16_t)b) : 0xd1d1)
BIN(div16s, (int16_t)b ? (u64)(i64)((int)(int16_t)a / (int)(int16_t)b) : 0xd1d1)
/* 32 bit: results sign-extended like riscv64 addw/subw/mulw, or zero-extended */
BIN(add32s, (u64)(i64)(i32)(u32)(a + b))
BIN(sub32s, (u64)(i64)(i32)(u32)(a - b))
BIN(mul32s, (u64)(i64)(i32)((u32)a * (u32)b))
BIN(mul32u, (u32)a * (u32)b)
BIN(mulh32s, (u64)(((i64)(i32)a * (i64)(i32)b) >> 32))
BIN(mulh32u, ((u64)(u32)a * (u32)b) >> 32)
BIN(div32u, (u32)b ? (u64)(i64)(i32)((u32)a / (u32)b) : 0xd1d1)
BIN(rem32u, (u32)b ? (u64)(i64)(i32)((u32)a % (u32)b) : 0xd1d1)
BIN(div32s, ((i32)b == 0 || ((i32)a == INT32_MIN && (i32)b == -1)) ? 0xd1d1 : (u64)(i64)((i32)a / (i32)b))
BIN(rem32s, ((i32)b == 0 || ((i32)a == INT32_MIN && (i32)b == -1)) ? 0xd1d1 : (u64)(i64)((i32)a % (i32)b))
BIN(sll32, (u64)(i64)(i32)((u32)a << (b & 31)))
BIN(srl32, (u64)(i64)(i32)((u32)a >> (b & 31)))
BIN(sra32, (u64)(i64)((i32)a >> (b & 31)))
BIN(rotl32, (u32)(((u32)a << (b & 31)) | ((u32)a >> (-b & 31))))
BIN(rotr32, (u32)(((u32)a >> (b & 31)) | ((u32)a << (-b & 31))))
/* 64 bit */
BIN(add64, a + b)
BIN(sub64, a - b)
BIN(mul64, a * b)
BIN(mulh64s, (u64)(((__int128)(i64)a * (__int128)(i64)b) >> 64))
BIN(mulh64u, (u64)(((unsigned __int128)a * b) >> 64))
BIN(mulh64su, (u64)(((__int128)(i64)a * (__int128)b) >> 64))
BIN(div64u, b ? a / b : 0xd1d1)
BIN(rem64u, b ? a % b : 0xd1d1)
BIN(div64s, (b == 0 || ((i64)a == INT64_MIN && (i64)b == -1)) ? 0xd1d1 : (u64)((i64)a / (i64)b))
BIN(rem64s, (b == 0 || ((i64)a == INT64_MIN && (i64)b == -1)) ? 0xd1d1 : (u64)((i64)a % (i64)b))
BIN(sll64, a << (b & 63))
BIN(srl64, a >> (b & 63))
BIN(sra64, (u64)((i64)a >> (b & 63)))
BIN(rotl64, (a << (b & 63)) | (a >> (-b & 63)))
BIN(rotr64, (a >> (b & 63)) | (a << (-b & 63)))
BIN(and64, a & b)
BIN(or64, a | b)
BIN(xor64, a ^ b)
BIN(andn64, a & ~b)
BIN(orn64, a | ~b)
BIN(xnor64, ~(a ^ b))
BIN(cmp64, (u64)(((i64)a < (i64)b) | (a < b) << 1 | (a == b) << 2 | ((i64)a <= (i64)b) << 3 |
		 (a >= b) << 4 | ((i64)a > (i64)b) << 5 | ((i32)a < (i32)b) << 6 | ((u32)a < (u32)b) << 7 |
		 ((int16_t)a < (int16_t)b) << 8 | ((uint8_t)a < (uint8_t)b) << 9))
BIN(min64s, (i64)a < (i64)b ? a : b)
BIN(max64s, (i64)a > (i64)b ? a : b)
BIN(min64u, a < b ? a : b)
BIN(max64u, a > b ? a : b)
BIN(sel64, (a & 1) ? b : ~b)
static __attribute__((noinline)) u64 addovf(u64 a, u64 b)
{
	i64 r;
	i32 r32;
	u64 ur;
	int o1 = __builtin_add_overflow((i64)a, (i64)b, &r);
	int o2 = __builtin_mul_overflow((i64)a, (i64)b, &r);
	int o3 = __builtin_sub_overflow((i64)a, (i64)b, &r);
	int o4 = __builtin_add_overflow(a, b, &ur);
	int o5 = __builtin_mul_overflow(a, b, &ur);
	int o6 = __builtin_mul_overflow((i32)a, (i32)b, &r32);
	return (u64)(o1 | o2 << 1 | o3 << 2 | o4 << 3 | o5 << 4 | o6 << 5);
}
static __attribute__((noinline)) u64 wide_mac(u64 a, u64 b)
{
	unsigned __int128 p = (unsigned __int128)a * b + a + b;
	return (u64)p ^ (u64)(p >> 64) ^ (u64)(p >> 3);
}

struct binop { const char *name; u64 (*fn)(u64, u64); };
#define OP(n) { #n, n }
static const struct binop binops[] = {
	OP(add8), OP(sub8), OP(mul8), OP(div8s), OP(rem8s), OP(add16), OP(sub16), OP(mul16),
	OP(div16u), OP(div16s), OP(add32s), OP(sub32s), OP(mul32s), OP(mul32u), OP(mulh32s),
	OP(mulh32u), OP(div32u), OP(rem32u), OP(div32s), OP(rem32s), OP(sll32), OP(srl32),
	OP(sra32), OP(rotl32), OP(rotr32), OP(add64), OP(sub64), OP(mul64), OP(mulh64s),
	OP(mulh64u), OP(mulh64su), OP(div64u), OP(rem64u), OP(div64s), OP(rem64s), OP(sll64),
	OP(srl64), OP(sra64), OP(rotl64), OP(rotr64), OP(and64), OP(or64), OP(xor64), OP(andn64),
	OP(orn64), OP(xnor64), OP(cmp64), OP(min64s), OP(max64s), OP(min64u), OP(max64u),
	OP(sel64), OP(addovf), OP(wide_mac),
};

#define UN(name, expr) \
	static __attribute__((noinline)) u64 name(u64 a) { return (expr); }
UN(popc64, (u64)__builtin_popcountll(a))
UN(popc32, (u64)__builtin_popcount((u32)a))
UN(clz64, a ? (u64)__builtin_clzll(a) : 64)
UN(clz32, (u32)a ? (u64)__builtin_clz((u32)a) : 32)
UN(ctz64, a ? (u64)__builtin_ctzll(a) : 64)
UN(ctz32, (u32)a ? (u64)__builtin_ctz((u32)a) : 32)
UN(parity, (u64)__builtin_parityll(a))
UN(bswap16, __builtin_bswap16((uint16_t)a))
UN(bswap32, __builtin_bswap32((u32)a))
UN(bswap64, __builtin_bswap64(a))
UN(sext8, (u64)(i64)(int8_t)a)
UN(sext16, (u64)(i64)(int16_t)a)
UN(sext32, (u64)(i64)(i32)a)
UN(zext8, (uint8_t)a)
UN(zext16, (uint16_t)a)
UN(zext32, (u32)a)
UN(neg64, -a)
UN(not64, ~a)
UN(abs64, (i64)a < 0 ? -a : a)
UN(is_pow2, (u64)(a && !(a & (a - 1))))
UN(lowbit, a & -a)
UN(mulconst, a * 0x9e3779b97f4a7c15ull)
UN(divconst, a / 10 + a % 7 + (u64)((i64)a / 3) + (u64)((i64)a % 5))
UN(u2f_trunc, (u64)(a >> 11)) /* 53-bit values, used below for exact double round-trips */

struct unop { const char *name; u64 (*fn)(u64); };
static const struct unop unops[] = {
	OP(popc64), OP(popc32), OP(clz64), OP(clz32), OP(ctz64), OP(ctz32), OP(parity),
	OP(bswap16), OP(bswap32), OP(bswap64), OP(sext8), OP(sext16), OP(sext32), OP(zext8),
	OP(zext16), OP(zext32), OP(neg64), OP(not64), OP(abs64), OP(is_pow2), OP(lowbit),
	OP(mulconst), OP(divconst), OP(u2f_trunc),
};

static u64 total = 0xcbf29ce484222325ull;

static u64 mix(u64 h, u64 v)
{
	int i;
	for (i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* A loop that exercises carries through a long chain of dependent operations. */
static u64 chain(u64 seed, int n)
{
	u64 x = seed;
	int i;
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		x += (u64)(i * i) - (x >> 31);
	}
	return x;
}

int main(void)
{
	int k, i, j;

	for (k = 0; k < (int)(sizeof binops / sizeof binops[0]); k++) {
		u64 h = 0xcbf29ce484222325ull;
		for (i = 0; i < NVALS; i++)
			for (j = 0; j < NVALS; j++)
				h = mix(h, binops[k].fn(vals[i], vals[j]));
		for (i = 0; i < NSHOWN; i++)
			for (j = 0; j < NSHOWN; j += 4) {
				u64 a = vals[shown[i]], b = vals[shown[j]];
				printf("%s(%016" PRIx64 ", %016" PRIx64 ") = %016" PRIx64 "\n",
				       binops[k].name, a, b, binops[k].fn(a, b));
			}
		printf("%s checksum %016" PRIx64 "\n", binops[k].name, h);
		total = mix(total, h);
	}
	for (k = 0; k < (int)(sizeof unops / sizeof unops[0]); k++) {
		u64 h = 0xcbf29ce484222325ull;
		for (i = 0; i < NVALS; i++) {
			u64 r = unops[k].fn(vals[i]);
			h = mix(h, r);
			if (i % 4 == 1)
				printf("%s(%016" PRIx64 ") = %016" PRIx64 "\n", unops[k].name, vals[i], r);
		}
		printf("%s checksum %016" PRIx64 "\n", unops[k].name, h);
		total = mix(total, h);
	}

	/* signed decimal printing of extremes */
	printf("int64 min/max: %" PRId64 " %" PRId64 "\n", (i64)vals[24], (i64)vals[23]);
	printf("int32 min/max: %" PRId32 " %" PRId32 "\n", (i32)vals[19], (i32)vals[18]);
	printf("uint64 max: %" PRIu64 "\n", vals[26]);
	printf("int8 of 0x80: %d, uint8 of -1: %u\n", (int)(int8_t)vals[11], (unsigned)(uint8_t)vals[26]);

	u64 c = chain(vals[22], 100000);
	printf("chain %016" PRIx64 "\n", c);
	total = mix(total, c);
	printf("total checksum %016" PRIx64 "\n", total);
	return 0;
}
