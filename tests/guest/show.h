/* show prints a call's result as the fixtures compare it: the value, or
 * -1 and the errno's name. Shared by the C fixtures in this folder. */
#ifndef GEMU_FIXTURE_SHOW_H
#define GEMU_FIXTURE_SHOW_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void show(const char *label, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", label, strerrorname_np(errno));
	else
		printf("%s: %ld\n", label, r);
}
#endif
