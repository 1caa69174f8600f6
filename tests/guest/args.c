/*
 * args.c: what the guest sees at process start: argc/argv, selected
 * environment variables and the arch-independent auxiliary vector facts.
 * Exit status is argc, so the harness can check exit codes too.
 */
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char _start[];

static const char *yesno(int b) { return b ? "yes" : "no"; }

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

int main(int argc, char **argv)
{
	static const char *vars[] = {
		"GEMU_TEST_A", "GEMU_TEST_B", "GEMU_TEST_EMPTY", "GEMU_TEST_UNSET",
	};
	int i;

	printf("argc=%d\n", argc);
	/* argv[0] is the path the program was started with; only its last
	 * component is the same natively and under an emulator. */
	printf("argv[0] base=%s\n", base(argv[0]));
	for (i = 1; i < argc; i++)
		printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
	printf("argv[argc] is NULL: %s\n", yesno(argv[argc] == NULL));

	for (i = 0; i < (int)(sizeof vars / sizeof vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v)
			printf("env %s=[%s]\n", vars[i], v);
		else
			printf("env %s unset\n", vars[i]);
	}

	unsigned long pagesz = getauxval(AT_PAGESZ);
	printf("AT_PAGESZ=%lu sysconf=%ld\n", pagesz, sysconf(_SC_PAGESIZE));

	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	unsigned sum = 0;
	if (rnd)
		for (i = 0; i < 16; i++) /* must be readable */
			sum += rnd[i];
	printf("AT_RANDOM non-null and 16 bytes readable: %s\n", yesno(rnd != NULL && sum < 16 * 256));

	const char *execfn = (const char *)getauxval(AT_EXECFN);
	printf("AT_EXECFN set: %s\n", yesno(execfn != NULL));
	printf("AT_EXECFN base matches argv[0] base: %s\n",
	       yesno(execfn && strcmp(base(execfn), base(argv[0])) == 0));

	printf("AT_UID==getuid: %s\n", yesno(getauxval(AT_UID) == (unsigned long)getuid()));
	printf("AT_EUID==geteuid: %s\n", yesno(getauxval(AT_EUID) == (unsigned long)geteuid()));
	printf("AT_GID==getgid: %s\n", yesno(getauxval(AT_GID) == (unsigned long)getgid()));
	printf("AT_EGID==getegid: %s\n", yesno(getauxval(AT_EGID) == (unsigned long)getegid()));
	printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
	printf("AT_CLKTCK=%lu\n", getauxval(AT_CLKTCK));

	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM);
	int has_load = 0;
	printf("AT_PHDR non-null: %s\n", yesno(ph != NULL));
	printf("AT_PHENT==sizeof(Phdr): %s\n", yesno(getauxval(AT_PHENT) == sizeof(ElfW(Phdr))));
	printf("AT_PHNUM>0: %s\n", yesno(phnum > 0));
	for (i = 0; ph && i < (int)phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			has_load = 1;
	printf("program headers include PT_LOAD: %s\n", yesno(has_load));
	printf("AT_ENTRY non-zero: %s\n", yesno(getauxval(AT_ENTRY) != 0));
	printf("AT_ENTRY==_start: %s\n", yesno(getauxval(AT_ENTRY) == (unsigned long)_start));

	/* Something on stderr, so the harness checks stream separation. */
	fflush(stdout);
	fprintf(stderr, "args: %d argument(s) on stderr\n", argc - 1);
	return argc;
}
