/*
 * threads.c: pthreads and C11 atomics with deterministic output.
 * 8 workers increment a mutex-protected counter and an atomic counter,
 * keep a per-thread __thread value, meet at a barrier, and return a value
 * through pthread_join; a producer/consumer pair passes numbers through a
 * bounded buffer guarded by a condition variable.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 8
#define ITERS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long locked_counter;
static atomic_long atomic_counter;
static atomic_int cas_counter;
static pthread_barrier_t barrier;
static atomic_int serial_count;
static __thread long tls_value = 1000; /* initialised TLS (.tdata) */
static __thread long tls_zero;         /* zero-initialised TLS (.tbss) */

struct result {
	long tls_ok;
	long id;
};

static void *worker(void *arg)
{
	long id = (long)(intptr_t)arg;
	int i;

	if (tls_value != 1000 || tls_zero != 0)
		return (void *)(intptr_t)-1;
	tls_value = id * 100;
	for (i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&lock);
		locked_counter++;
		pthread_mutex_unlock(&lock);
		atomic_fetch_add_explicit(&atomic_counter, 1, memory_order_relaxed);
		int old = atomic_load(&cas_counter);
		while (!atomic_compare_exchange_weak(&cas_counter, &old, old + 2))
			;
		tls_zero += id;
	}
	int r = pthread_barrier_wait(&barrier);
	if (r == PTHREAD_BARRIER_SERIAL_THREAD)
		atomic_fetch_add(&serial_count, 1);
	else if (r != 0)
		return (void *)(intptr_t)-2;
	/* after the barrier every worker must see all increments */
	if (atomic_load(&atomic_counter) != (long)NTHREADS * ITERS)
		return (void *)(intptr_t)-3;
	struct result *res = malloc(sizeof *res);
	res->tls_ok = (tls_value == id * 100 && tls_zero == id * ITERS);
	res->id = id;
	return res;
}

/* bounded buffer */
#define QSIZE 4
#define NITEMS 1000
static int queue[QSIZE];
static int qhead, qlen;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg)
{
	int i;
	(void)arg;
	for (i = 1; i <= NITEMS; i++) {
		pthread_mutex_lock(&qlock);
		while (qlen == QSIZE)
			pthread_cond_wait(&not_full, &qlock);
		queue[(qhead + qlen) % QSIZE] = i;
		qlen++;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&qlock);
	}
	pthread_mutex_lock(&qlock);
	while (qlen == QSIZE)
		pthread_cond_wait(&not_full, &qlock);
	queue[(qhead + qlen) % QSIZE] = 0; /* end marker */
	qlen++;
	pthread_cond_signal(&not_empty);
	pthread_mutex_unlock(&qlock);
	return (void *)(intptr_t)NITEMS;
}

struct consumed {
	long sum;
	long count;
	int in_order;
};

static void *consumer(void *arg)
{
	struct consumed *c = arg;
	int last = 0;
	c->in_order = 1;
	for (;;) {
		pthread_mutex_lock(&qlock);
		while (qlen == 0)
			pthread_cond_wait(&not_empty, &qlock);
		int v = queue[qhead];
		qhead = (qhead + 1) % QSIZE;
		qlen--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&qlock);
		if (v == 0)
			break;
		if (v != last + 1)
			c->in_order = 0;
		last = v;
		c->sum += v;
		c->count++;
	}
	return c;
}

static void *exiter(void *arg)
{
	pthread_exit(arg);
}

int main(void)
{
	pthread_t th[NTHREADS], prod, cons;
	struct consumed got = { 0, 0, 0 };
	void *ret;
	long i;

	tls_value = 7;
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i) != 0) {
			printf("pthread_create failed\n");
			return 1;
		}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], &ret);
		if ((intptr_t)ret < 0 && (intptr_t)ret > -10) {
			printf("thread %ld failed with %ld\n", i, (long)(intptr_t)ret);
			continue;
		}
		struct result *r = ret;
		printf("thread %ld joined: id=%ld tls ok=%s\n", i, r->id, r->tls_ok ? "yes" : "no");
		free(r);
	}
	pthread_barrier_destroy(&barrier);
	printf("mutex counter = %ld (want %ld)\n", locked_counter, (long)NTHREADS * ITERS);
	printf("atomic counter = %ld (want %ld)\n", (long)atomic_load(&atomic_counter), (long)NTHREADS * ITERS);
	printf("cas counter = %d (want %d)\n", atomic_load(&cas_counter), 2 * NTHREADS * ITERS);
	printf("barrier serial threads = %d\n", atomic_load(&serial_count));
	printf("main tls_value = %ld\n", tls_value);

	pthread_create(&cons, NULL, consumer, &got);
	pthread_create(&prod, NULL, producer, NULL);
	pthread_join(prod, &ret);
	printf("producer returned %ld\n", (long)(intptr_t)ret);
	pthread_join(cons, &ret);
	printf("consumer returned its struct: %s\n", ret == &got ? "yes" : "no");
	printf("consumed %ld items, sum %ld, in order: %s\n", got.count, got.sum, got.in_order ? "yes" : "no");

	/* a detached-style thread that exits with pthread_exit */
	pthread_t t;
	pthread_create(&t, NULL, exiter, (void *)(intptr_t)42);
	pthread_join(t, &ret);
	printf("pthread_exit value = %ld\n", (long)(intptr_t)ret);
	return 0;
}
