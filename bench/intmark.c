/*
 * intmark.c: a CoreMark-like integer workload, written for gemu's
 * benchmarks. Each iteration runs four kernels on the same starting data:
 * linked-list operations (find, reverse, merge sort), a small integer
 * matrix multiply, a state machine scanning a string of number-like
 * tokens, and CRC-16 over everything. Results are folded into one CRC that
 * must be the same on every architecture; each kernel also checks its own
 * invariants, and a failure exits with status 1.
 *
 * usage: intmark [iterations]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_N 256
#define MAT_N 24
#define DEFAULT_ITERS 27000

static uint16_t crc16_byte(uint8_t data, uint16_t crc)
{
	int i;
	for (i = 0; i < 8; i++) {
		uint8_t x = (uint8_t)((data ^ crc) & 1);
		data >>= 1;
		crc >>= 1;
		if (x)
			crc ^= 0xa001;
	}
	return crc;
}

static uint16_t crc16_u32(uint32_t v, uint16_t crc)
{
	crc = crc16_byte((uint8_t)v, crc);
	crc = crc16_byte((uint8_t)(v >> 8), crc);
	crc = crc16_byte((uint8_t)(v >> 16), crc);
	return crc16_byte((uint8_t)(v >> 24), crc);
}

/* ---------- linked list ---------- */

struct item {
	struct item *next;
	int16_t key;
	int16_t idx;
};

static struct item pool[LIST_N];

static struct item *list_init(uint32_t seed)
{
	struct item *head = NULL;
	int i;
	for (i = LIST_N - 1; i >= 0; i--) {
		seed = seed * 1664525u + 1013904223u;
		pool[i].key = (int16_t)(seed >> 17);
		pool[i].idx = (int16_t)i;
		pool[i].next = head;
		head = &pool[i];
	}
	return head;
}

static struct item *list_reverse(struct item *l)
{
	struct item *prev = NULL;
	while (l) {
		struct item *n = l->next;
		l->next = prev;
		prev = l;
		l = n;
	}
	return prev;
}

static struct item *list_find(struct item *l, int16_t key)
{
	while (l && l->key != key)
		l = l->next;
	return l;
}

typedef int (*cmp_fn)(const struct item *, const struct item *);

static int by_key(const struct item *a, const struct item *b)
{
	return a->key != b->key ? (a->key < b->key ? -1 : 1) : a->idx - b->idx;
}

static int by_idx(const struct item *a, const struct item *b)
{
	return a->idx - b->idx;
}

/* bottom-up merge sort of a singly linked list */
static struct item *list_sort(struct item *l, cmp_fn cmp)
{
	int insize = 1;
	for (;;) {
		struct item *p = l, *tail = NULL;
		int merges = 0;
		l = NULL;
		while (p) {
			struct item *q = p;
			int psize = 0, qsize = insize, i;
			merges++;
			for (i = 0; i < insize && q; i++) {
				psize++;
				q = q->next;
			}
			while (psize > 0 || (qsize > 0 && q)) {
				struct item *e;
				if (psize == 0) {
					e = q; q = q->next; qsize--;
				} else if (qsize == 0 || !q || cmp(p, q) <= 0) {
					e = p; p = p->next; psize--;
				} else {
					e = q; q = q->next; qsize--;
				}
				if (tail)
					tail->next = e;
				else
					l = e;
				tail = e;
			}
			p = q;
		}
		if (tail)
			tail->next = NULL;
		if (merges <= 1)
			return l;
		insize *= 2;
	}
}

static uint16_t bench_list(uint32_t seed, uint16_t crc)
{
	struct item *l = list_init(seed), *it;
	int found = 0, i;

	for (i = 0; i < 64; i++) {
		struct item *f = list_find(l, pool[(i * 37) % LIST_N].key);
		if (f)
			found += f->idx;
		if (!list_find(l, (int16_t)(i * 1000 + 7)))
			found++;
	}
	l = list_reverse(l);
	l = list_sort(l, by_key);
	for (it = l; it && it->next; it = it->next)
		if (by_key(it, it->next) > 0) {
			printf("intmark: list not sorted\n");
			exit(1);
		}
	for (it = l, i = 0; it && i < 16; it = it->next, i++)
		crc = crc16_u32((uint32_t)(uint16_t)it->key, crc);
	l = list_sort(l, by_idx);
	for (it = l, i = 0; it; it = it->next, i++)
		if (it->idx != i) {
			printf("intmark: list order lost\n");
			exit(1);
		}
	return crc16_u32((uint32_t)found, crc);
}

/* ---------- matrix ---------- */

static int16_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N];
static int32_t mc[MAT_N][MAT_N];

static uint16_t bench_matrix(uint32_t seed, uint16_t crc)
{
	int i, j, k;
	int64_t sum = 0;

	for (i = 0; i < MAT_N; i++)
		for (j = 0; j < MAT_N; j++) {
			seed = seed * 1103515245u + 12345u;
			ma[i][j] = (int16_t)((seed >> 16) & 0xff) - 128;
			mb[i][j] = (int16_t)((seed >> 8) & 0x7f) - 64;
		}
	for (i = 0; i < MAT_N; i++)
		for (j = 0; j < MAT_N; j++)
			ma[i][j] = (int16_t)(ma[i][j] + 3);
	for (i = 0; i < MAT_N; i++)
		for (j = 0; j < MAT_N; j++) {
			int32_t acc = 0;
			for (k = 0; k < MAT_N; k++)
				acc += (int32_t)ma[i][k] * mb[k][j];
			mc[i][j] = acc;
		}
	/* check one element the slow way */
	{
		int32_t acc = 0;
		for (k = 0; k < MAT_N; k++)
			acc += ma[MAT_N / 2][k] * mb[k][MAT_N / 3];
		if (acc != mc[MAT_N / 2][MAT_N / 3]) {
			printf("intmark: matrix mismatch\n");
			exit(1);
		}
	}
	for (i = 0; i < MAT_N; i++)
		for (j = 0; j < MAT_N; j++) {
			int32_t v = mc[i][j];
			sum += v > 1000 ? (v >> 3) & 0x3ff : v;
			mc[i][j] = (v << 2) ^ (v >> 5);
		}
	for (i = 0; i < MAT_N; i += 3)
		crc = crc16_u32((uint32_t)mc[i][i], crc);
	return crc16_u32((uint32_t)sum, crc16_u32((uint32_t)(sum >> 32), crc));
}

/* ---------- state machine ---------- */

enum state { S_START, S_INT, S_SIGN, S_HEX0, S_HEX, S_FRAC, S_EXP, S_EXPSIGN, S_EXPNUM, S_BAD, NSTATES };

static char text[1024];

static void text_init(uint32_t seed)
{
	static const char *const pieces[] = {
		"123", "-5.3e2", "0x1F", "+17", "3.14159", "1e", "abc", "-0", "0xg", "98.6E-1", "7", "--2",
	};
	size_t pos = 0;
	while (pos < sizeof text - 16) {
		seed = seed * 214013u + 2531011u;
		const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
		size_t n = strlen(p);
		memcpy(text + pos, p, n);
		pos += n;
		text[pos++] = ',';
	}
	text[pos] = 0;
}

static enum state step(enum state s, char c)
{
	int digit = c >= '0' && c <= '9';
	switch (s) {
	case S_START:
		if (c == '0') return S_HEX0;
		if (digit) return S_INT;
		if (c == '+' || c == '-') return S_SIGN;
		return S_BAD;
	case S_SIGN:
		return digit ? S_INT : S_BAD;
	case S_HEX0:
		if (c == 'x' || c == 'X') return S_HEX;
		if (digit) return S_INT;
		if (c == '.') return S_FRAC;
		return S_BAD;
	case S_HEX:
		return (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) ? S_HEX : S_BAD;
	case S_INT:
		if (digit) return S_INT;
		if (c == '.') return S_FRAC;
		if (c == 'e' || c == 'E') return S_EXP;
		return S_BAD;
	case S_FRAC:
		if (digit) return S_FRAC;
		if (c == 'e' || c == 'E') return S_EXP;
		return S_BAD;
	case S_EXP:
		if (c == '+' || c == '-') return S_EXPSIGN;
		return digit ? S_EXPNUM : S_BAD;
	case S_EXPSIGN:
	case S_EXPNUM:
		return digit ? S_EXPNUM : S_BAD;
	default:
		return S_BAD;
	}
}

static uint16_t bench_state(uint32_t seed, uint16_t crc)
{
	unsigned counts[NSTATES] = { 0 }, transitions = 0, tokens = 0, total = 0;
	enum state s = S_START;
	const char *p;
	int i;

	text_init(seed);
	for (p = text; *p; p++) {
		if (*p == ',') {
			counts[s]++;
			tokens++;
			s = S_START;
			continue;
		}
		enum state n = step(s, *p);
		if (n != s)
			transitions++;
		s = n;
	}
	for (i = 0; i < NSTATES; i++) {
		total += counts[i];
		crc = crc16_u32(counts[i], crc);
	}
	if (total != tokens) {
		printf("intmark: state counts do not add up\n");
		exit(1);
	}
	return crc16_u32(transitions, crc);
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : DEFAULT_ITERS;
	uint16_t crc = 0, first = 0;
	long i;

	for (i = 0; i < iters; i++) {
		uint32_t seed = (uint32_t)(i & 7) * 0x9e3779b9u + 1;
		uint16_t c = 0;
		c = bench_list(seed, c);
		c = bench_matrix(seed, c);
		c = bench_state(seed, c);
		if (i == 0)
			first = c;
		if (i == 8 && c != first) { /* seeds repeat every 8 iterations */
			printf("intmark: iteration 8 crc %04x != iteration 0 crc %04x\n", c, first);
			return 1;
		}
		crc = crc16_u32(c, crc);
	}
	printf("intmark: iterations %ld crc %04x\n", iters, crc);
	return 0;
}
