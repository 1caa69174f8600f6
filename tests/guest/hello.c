/* hello.c: the smallest guest program; `make demo` runs it. */
#include <stdio.h>

int main(void)
{
	puts("hello from gemu");
	return 0;
}
