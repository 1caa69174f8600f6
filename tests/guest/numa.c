/* numa: the memory policy calls (get_mempolicy, set_mempolicy, mbind,
 * set_mempolicy_home_node, migrate_pages, move_pages) on this process's
 * memory, and their errors in the kernel's order (mm/mempolicy.c).
 * usage: numa */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "show.h"

#ifndef SYS_set_mempolicy_home_node
#define SYS_set_mempolicy_home_node 450
#endif

/* include/uapi/linux/mempolicy.h */
#define MPOL_DEFAULT 0
#define MPOL_BIND 2
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4
#define MPOL_MF_MOVE 2

static long getpol(int *mode, unsigned long *mask, unsigned long maxnode, void *addr, unsigned long flags)
{
	return syscall(SYS_get_mempolicy, mode, mask, maxnode, addr, flags);
}

static void policy(const char *label, void *addr, unsigned long flags)
{
	int mode = -1;
	unsigned long mask[2] = {0, 0};
	long r = getpol(&mode, mask, 128, addr, flags);
	show(label, r);
	if (r == 0)
		printf("  mode %d mask %#lx %#lx\n", mode, mask[0], mask[1]);
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long node0 = 1, none = 0;
	int mode;

	policy("get_mempolicy", NULL, 0);
	policy("get_mempolicy mems allowed", NULL, MPOL_F_MEMS_ALLOWED);
	unsigned long mask[2];
	show("get_mempolicy maxnode 0", getpol(&mode, mask, 0, NULL, 0));
	show("get_mempolicy bad flags", getpol(&mode, NULL, 0, NULL, 0x100));
	show("get_mempolicy bad mode pointer", getpol((int *)8, NULL, 0, NULL, 0));
	show("get_mempolicy bad mask pointer", getpol(&mode, (unsigned long *)8, 128, NULL, 0));

	show("set_mempolicy bind node 0", syscall(SYS_set_mempolicy, MPOL_BIND, &node0, 65));
	policy("get_mempolicy after", NULL, 0);
	show("set_mempolicy bind empty", syscall(SYS_set_mempolicy, MPOL_BIND, &none, 65));
	show("set_mempolicy bad mode", syscall(SYS_set_mempolicy, 99, &node0, 65));
	show("set_mempolicy bad mask pointer", syscall(SYS_set_mempolicy, MPOL_BIND, (unsigned long *)8, 65));
	show("set_mempolicy default", syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0));
	policy("get_mempolicy default again", NULL, 0);

	char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	show("mbind bind node 0", syscall(SYS_mbind, p, 4 * page, MPOL_BIND, &node0, 65, 0));
	memset(p, 1, 4 * page);
	policy("get_mempolicy of the range", p + 100, MPOL_F_ADDR);
	show("get_mempolicy node of a page", getpol(&mode, NULL, 0, p + page, MPOL_F_ADDR | MPOL_F_NODE));
	printf("  node %d\n", mode);
	show("mbind unaligned", syscall(SYS_mbind, p + 1, page, MPOL_BIND, &node0, 65, 0));
	show("mbind bad mode", syscall(SYS_mbind, p, page, 99, &node0, 65, 0));
	show("mbind length 0", syscall(SYS_mbind, p, 0, MPOL_BIND, &node0, 65, 0));
	show("set_mempolicy_home_node", syscall(SYS_set_mempolicy_home_node, p, 4 * page, 0, 0));
	show("set_mempolicy_home_node flags", syscall(SYS_set_mempolicy_home_node, p, 4 * page, 0, 1));

	void *pages[3] = {p, p + 2 * page, p + page};
	int status[3] = {-1, -1, -1}, nodes[3] = {0, 0, 0};
	munmap(p + page, page);
	show("mbind over a hole", syscall(SYS_mbind, p, 4 * page, MPOL_BIND, &node0, 65, 0));
	show("get_mempolicy unmapped", getpol(&mode, NULL, 0, p + page, MPOL_F_ADDR));
	show("move_pages query", syscall(SYS_move_pages, 0, 3, pages, NULL, status, 0));
	printf("  status %d %d %d\n", status[0], status[1], status[2]);
	show("move_pages to node 0", syscall(SYS_move_pages, 0, 2, pages, nodes, status, MPOL_MF_MOVE));
	printf("  status %d %d\n", status[0], status[1]);
	show("move_pages bad flags", syscall(SYS_move_pages, 0, 1, pages, NULL, status, 0x100));
	show("move_pages bad array", syscall(SYS_move_pages, 0, 1, (void *)8, NULL, status, 0));
	show("migrate_pages self", syscall(SYS_migrate_pages, 0, 65, &node0, &node0));
	return 0;
}
