/* procvm: process_vm_readv and process_vm_writev of this process and of a
 * forked child (another emulated process: its guest addresses are its
 * own), partial copies and the calls' errors (mm/process_vm_access.c).
 * usage: procvm */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

static char secret[32] = "parent's secret";

static long rd(pid_t pid, struct iovec *l, unsigned long nl, struct iovec *r, unsigned long nr, unsigned long flags)
{
	return process_vm_readv(pid, l, nl, r, nr, flags);
}

int main(void)
{
	char src[32] = "0123456789abcdefghijklmnopqrstu", buf[32];
	long page = sysconf(_SC_PAGESIZE);

	memset(buf, '.', sizeof buf);
	struct iovec l1 = {buf, 16}, r1 = {src, 16};
	show("readv self", rd(getpid(), &l1, 1, &r1, 1, 0));
	printf("  %.16s\n", buf);

	memset(buf, '.', sizeof buf);
	struct iovec l2[2] = {{buf, 5}, {buf + 10, 10}}, r3[3] = {{src + 1, 3}, {src + 20, 4}, {src + 5, 8}};
	show("readv self scattered", rd(getpid(), l2, 2, r3, 3, 0));
	printf("  %.20s\n", buf);

	char dst[16] = "...............";
	struct iovec lw = {"written", 7}, rw = {dst + 4, 7};
	show("writev self", process_vm_writev(getpid(), &lw, 1, &rw, 1, 0));
	printf("  %s\n", dst);

	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	memset(p, 'm', page);
	munmap(p + page, page);
	struct iovec rpart[2] = {{p + page - 8, 8}, {p + page, 8}};
	struct iovec lpart = {buf, 16};
	show("readv partial", rd(getpid(), &lpart, 1, rpart, 2, 0));
	struct iovec rgone = {p + page, 8};
	show("readv unmapped", rd(getpid(), &l1, 1, &rgone, 1, 0));
	show("readv flags", rd(getpid(), &l1, 1, &r1, 1, 1));
	show("readv too many", rd(getpid(), &l1, 1025, &r1, 1, 0));
	show("readv bad local array", rd(getpid(), (struct iovec *)8, 1, &r1, 1, 0));
	show("readv bad remote array", rd(getpid(), &l1, 1, (struct iovec *)8, 1, 0));
	struct iovec lbad = {(void *)8, 8};
	show("readv bad local buffer", rd(getpid(), &lbad, 1, &r1, 1, 0));
	show("readv no such pid", rd(0x3ffffff0, &l1, 1, &r1, 1, 0));
	show("readv nothing", rd(getpid(), &l1, 0, &r1, 0, 0));

	int up[2], down[2];
	if (pipe(up) || pipe(down))
		return 1;
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		/* Only the parent holds the other ends: its death ends the reads. */
		close(up[0]);
		close(down[1]);
		strcpy(secret, "child's own secret");
		char c;
		write(up[1], "r", 1);
		if (read(down[0], &c, 1) != 1) /* the parent has written */
			_exit(4);
		printf("child sees: %s\n", secret);
		fflush(stdout);
		_exit(strcmp(secret, "child's own SECRET") == 0 ? 0 : 3);
	}
	close(up[1]);
	close(down[0]);
	char c;
	read(up[0], &c, 1);
	memset(buf, 0, sizeof buf);
	struct iovec lc = {buf, 18}, rc = {secret, 18};
	show("readv child", rd(child, &lc, 1, &rc, 1, 0));
	printf("  %s\n", buf);
	struct iovec lcw = {"SECRET", 6}, rcw = {secret + 12, 6};
	show("writev child", process_vm_writev(child, &lcw, 1, &rcw, 1, 0));
	printf("parent still has: %s\n", secret);
	fflush(stdout);
	write(down[1], "w", 1);
	int st;
	waitpid(child, &st, 0);
	printf("child exit %d\n", WEXITSTATUS(st));
	return 0;
}
