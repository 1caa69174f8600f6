/* hello: gemu's start-up benchmark: the whole life of a static program
 * that prints one line (the emulator's start, loading, the C library's
 * start-up and exit).
 * usage: hello */
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 0;
}
