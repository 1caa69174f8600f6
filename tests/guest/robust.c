/* Robust mutexes: a thread that dies holding one leaves it EOWNERDEAD for
 * the next locker (the kernel walks the dead thread's set_robust_list
 * list; Documentation/locking/robust-futexes.rst). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t robust;

static void *owner(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return NULL; /* dies holding it */
}

int main(void)
{
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &at);
	for (int round = 0; round < 3; round++) {
		pthread_t t;
		pthread_create(&t, NULL, owner, NULL);
		pthread_join(t, NULL);
		int r = pthread_mutex_lock(&robust);
		printf("round %d: lock after the owner died: %s\n", round, r == EOWNERDEAD ? "EOWNERDEAD" : "other");
		if (r == EOWNERDEAD)
			printf("pthread_mutex_consistent = %d\n", pthread_mutex_consistent(&robust));
		int u = pthread_mutex_unlock(&robust);
		printf("unlock = %d\n", u);
	}
	return 0;
}
