/* atrandom.c: prints the 16 AT_RANDOM bytes (tests -seed determinism). */
#include <stdio.h>
#include <sys/auxv.h>

int main(void)
{
	const unsigned char *p = (const unsigned char *)getauxval(AT_RANDOM);
	for (int i = 0; i < 16; i++)
		printf("%02x", p[i]);
	putchar('\n');
	return 0;
}
