/* mainexit.c: the main thread leaves with pthread_exit; the process lives
 * on until its last thread ends, with that thread's exit status. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *late(void *arg)
{
	usleep(20000);
	printf("worker still running after main left\n");
	fflush(stdout);
	return NULL;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, late, NULL);
	printf("main leaving\n");
	fflush(stdout);
	pthread_exit(NULL);
}
