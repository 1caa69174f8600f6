/* fork.c: a fork child sees a copy of memory and the parent's shared
 * pages, and can fork again; the parent waits for both (the full fixture
 * is tests/guest/fork.c). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int global = 1;

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *heap = malloc(sizeof *heap);
	*heap = 2;
	pid_t pid = fork();
	if (pid == 0) {
		printf("child sees global %d heap %d\n", global, *heap);
		global = *heap = 0;
		*shared = 42;
		pid_t me = getpid(), g = fork();
		if (g == 0)
			_exit(getppid() == me ? 7 : 1);
		int st;
		waitpid(g, &st, 0);
		_exit(WEXITSTATUS(st) + 1);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child exit %d; parent has global %d heap %d shared %d\n", WEXITSTATUS(st), global, *heap, *shared);
	return 0;
}
