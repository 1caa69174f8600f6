/* pipeio: one of gemu's benchmark workloads, syscall-bound: 4 KiB blocks
 * written into a pipe and read back, in one thread.
 * usage: pipeio [blocks]   (default 400000) */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 400000;
	int p[2];
	if (pipe(p) < 0)
		return 1;
	static unsigned char out[4096], in[4096];
	unsigned long sum = 0;
	for (long i = 0; i < n; i++) {
		out[i % sizeof out] = (unsigned char)i;
		if (write(p[1], out, sizeof out) != sizeof out || read(p[0], in, sizeof in) != sizeof in)
			return 1;
		sum += in[i % sizeof in];
	}
	printf("pipeio: blocks %ld sum %lu\n", n, sum);
	return 0;
}
