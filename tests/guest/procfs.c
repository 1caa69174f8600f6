/* What a program reads about itself in /proc: comm, stat fields, status,
 * cpuinfo's processor count. Only facts that are the same natively and
 * under emulation are printed. */
#include <dirent.h>
#include <spawn.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

extern char **environ;

/* waitid on a spawned child: CLD_EXITED with its status, the pid. */
static void wait_child(void)
{
	pid_t pid;
	char *argv[] = {"sh", "-c", "exit 7", NULL};
	if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) != 0) {
		printf("posix_spawn failed\n");
		return;
	}
	siginfo_t si = {0};
	int r = waitid(P_PID, pid, &si, WEXITED);
	printf("waitid: %d, pid matches %d, code CLD_EXITED %d, status %d\n", r, si.si_pid == pid,
	       si.si_code == CLD_EXITED, si.si_status);
	printf("waitid again: %d\n", waitid(P_ALL, 0, &si, WEXITED | WNOHANG));
}

int main(void)
{
	char buf[4096];
	FILE *f = fopen("/proc/self/stat", "r");
	if (!f || !fgets(buf, sizeof buf, f))
		return 1;
	fclose(f);
	char *close = strrchr(buf, ')');
	*close = 0;
	printf("stat: pid matches %d, comm %s\n", atoi(buf) == getpid(), strchr(buf, '(') + 1);
	unsigned long v[64];
	int n = 0;
	for (char *tok = strtok(close + 2, " "); tok && n < 64; tok = strtok(NULL, " "))
		v[n++] = strtoul(tok, NULL, 10);
	/* v[k] is field k+3 (proc(5)) */
	printf("stat: %d fields, ppid matches %d, vsize under 1 GiB %d, startcode < endcode %d, "
	       "startstack above code %d, arg_start < arg_end %d\n",
	       n + 2, v[1] == (unsigned long)getppid(), v[20] < (1ul << 30), v[23] < v[24], v[25] > v[24],
	       v[45] < v[46]);
	f = fopen("/proc/self/status", "r");
	while (fgets(buf, sizeof buf, f)) {
		if (!strncmp(buf, "Name:", 5))
			printf("status %s", buf);
		if (!strncmp(buf, "VmSize:", 7))
			printf("status VmSize under 1 GiB: %d\n", atol(buf + 7) < (1l << 20));
	}
	fclose(f);
	f = fopen("/proc/self/comm", "r");
	fgets(buf, sizeof buf, f);
	fclose(f);
	printf("comm: %s", buf);
	f = fopen("/proc/cpuinfo", "r");
	int procs = 0;
	while (fgets(buf, sizeof buf, f))
		procs += !strncmp(buf, "processor", 9);
	fclose(f);
	printf("cpuinfo processors = configured CPUs: %d\n", procs == get_nprocs_conf());
	/* the descriptors the program has: 0-2 and the directory's own */
	DIR *d = opendir("/proc/self/fd");
	int fds[64], nfd = 0;
	for (struct dirent *e; (e = readdir(d)) && nfd < 64;)
		if (e->d_name[0] != '.')
			fds[nfd++] = atoi(e->d_name);
	closedir(d);
	for (int i = 0; i < nfd; i++) /* insertion sort: readdir order is the kernel's */
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int x = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = x;
		}
	printf("/proc/self/fd:");
	for (int i = 0; i < nfd; i++)
		printf(" %d", fds[i]);
	printf("\n");
	wait_child();
	return 0;
}
