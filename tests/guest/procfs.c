/* What a program reads about itself in /proc: comm, stat fields, status,
 * cpuinfo's processor count. Only facts that are the same natively and
 * under emulation are printed. */
#include <dirent.h>
#include <spawn.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
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

/* The whole of /proc/<pid>/<file>; its length in *n. */
static char *slurp(pid_t pid, const char *file, size_t *n)
{
	static char buf[2][4096];
	static int which;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	FILE *f = fopen(path, "r");
	char *b = buf[which ^= 1];
	*n = f ? fread(b, 1, sizeof buf[0] - 1, f) : 0;
	b[*n] = 0;
	if (f)
		fclose(f);
	return b;
}

/* What /proc shows of other processes running this program: a forked
 * child's cmdline is its parent's; an exec'd one's is its own argv, and
 * comm its name. (ps, pgrep and pkill read these.) */
static void others(const char *self)
{
	int ready[2], hold[2];
	pipe(ready);
	pipe(hold);
	char c;
	pid_t pid = fork();
	if (pid == 0) {
		write(ready[1], "r", 1);
		read(hold[0], &c, 1);
		_exit(0);
	}
	read(ready[0], &c, 1);
	size_t n1, n2;
	char *mine = slurp(getpid(), "cmdline", &n1), *its = slurp(pid, "cmdline", &n2);
	printf("forked child's cmdline is its parent's: %d\n", n1 == n2 && n1 > 0 && memcmp(mine, its, n1) == 0);
	write(hold[1], "g", 1);
	waitpid(pid, NULL, 0);

	if ((pid = fork()) == 0) {
		dup2(hold[0], 0);
		dup2(ready[1], 1);
		execl(self, self, "peer", "two words", (char *)NULL);
		_exit(127);
	}
	read(ready[0], &c, 1);
	char want[512];
	size_t wn = (size_t)snprintf(want, sizeof want, "%s%cpeer%ctwo words", self, 0, 0) + 1;
	its = slurp(pid, "cmdline", &n2);
	printf("exec'd child's cmdline is its argv: %d\n", n2 == wn && memcmp(its, want, wn) == 0);
	char exe[512], mine_exe[512];
	char link[64];
	snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
	ssize_t el = readlink(link, exe, sizeof exe - 1), ml = readlink("/proc/self/exe", mine_exe, sizeof mine_exe - 1);
	printf("exec'd child's exe is this program: %d\n", el > 0 && el == ml && memcmp(exe, mine_exe, (size_t)el) == 0);
	mine = slurp(getpid(), "environ", &n1);
	its = slurp(pid, "environ", &n2);
	printf("exec'd child's environ is its parent's: %d\n", n1 == n2 && n1 > 0 && memcmp(mine, its, n1) == 0);
	its = slurp(pid, "maps", &n2);
	printf("exec'd child's maps name this program: %d\n", strstr(its, mine_exe) != NULL);
	unsigned long *av = (unsigned long *)slurp(pid, "auxv", &n2), entry = 0, pagesz = 0;
	for (size_t i = 0; i + 1 < n2 / sizeof *av; i += 2) {
		entry = av[i] == 9 ? av[i + 1] : entry; /* AT_ENTRY */
		pagesz = av[i] == 6 ? av[i + 1] : pagesz; /* AT_PAGESZ */
	}
	printf("exec'd child's auxv has this program's entry and page size: %d\n",
	       entry == getauxval(AT_ENTRY) && pagesz == getauxval(AT_PAGESZ));
	char *comm = slurp(pid, "comm", &n2);
	const char *base = strrchr(self, '/') ? strrchr(self, '/') + 1 : self;
	size_t bn = strlen(base) < 15 ? strlen(base) : 15;
	printf("exec'd child's comm is its name: %d\n", n2 == bn + 1 && strncmp(comm, base, bn) == 0 && comm[bn] == '\n');
	write(hold[1], "g", 1);
	waitpid(pid, NULL, 0);
	close(ready[0]);
	close(ready[1]);
	close(hold[0]);
	close(hold[1]);
}

int main(int argc, char **argv)
{
	char buf[4096];
	if (argc > 1 && strcmp(argv[1], "peer") == 0) {
		write(1, "r", 1);
		return read(0, buf, 1) == 1 ? 0 : 1;
	}
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
	others(argv[0]);
	return 0;
}
