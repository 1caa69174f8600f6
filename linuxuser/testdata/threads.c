/* threads.c: pthread_create/join, a mutex, a condition variable, TLS. */
#include <pthread.h>
#include <stdio.h>

#define N 6
#define ITERS 50000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready;
static __thread int tls = 7;

static void *work(void *arg)
{
	long id = (long)arg;
	tls += id;
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	ready++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return (void *)(long)tls;
}

int main(void)
{
	pthread_t th[N];
	for (long i = 0; i < N; i++)
		pthread_create(&th[i], NULL, work, (void *)i);
	pthread_mutex_lock(&mu);
	while (ready < N)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	long sum = 0;
	for (int i = 0; i < N; i++) {
		void *r;
		pthread_join(th[i], &r);
		sum += (long)r;
	}
	printf("counter %ld tls-sum %ld main-tls %d\n", counter, sum, tls);
	return 0;
}
