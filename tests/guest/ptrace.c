/* ptrace as os/exec and debuggers use it before an exec: PTRACE_TRACEME
 * in a fork and in a vfork child, the SIGTRAP stop at execve, PTRACE_CONT
 * passing signals on, PTRACE_KILL, and the errors of requests on a
 * process that is not a tracee. usage: ptrace [child]. Output is the same
 * on every architecture. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *self;

/* run waits for a traced child: the first stop must be the execve's
 * SIGTRAP; later stops are continued with their signal. */
static void run(const char *how, pid_t pid)
{
	int st, stops = 0;
	if (waitpid(pid, &st, 0) != pid) {
		printf("%s: waitpid: %s\n", how, strerror(errno));
		return;
	}
	printf("%s: first stop at exec: stopped %d by SIGTRAP %d\n", how, WIFSTOPPED(st),
	       WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP);
	while (WIFSTOPPED(st)) {
		int sig = stops++ == 0 ? 0 : WSTOPSIG(st);
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) < 0) {
			printf("%s: PTRACE_CONT: %s\n", how, strerror(errno));
			return;
		}
		if (waitpid(pid, &st, 0) != pid)
			return;
	}
	printf("%s: exited %d status %d\n", how, WIFEXITED(st), WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		printf("traced child runs\n");
		return 5;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	pid_t pid = fork();
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(90);
		execl("/bin/sh", "sh", "-c", "exit 3", (char *)NULL);
		_exit(91);
	}
	run("fork + TRACEME + exec sh", pid);

	/* As os/exec does: the parent reads a close-on-exec pipe to EOF
	 * before it waits, so no copy of the write end may outlive the exec. */
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return 1;
	pid = vfork();
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(90);
		execl(self, self, "child", (char *)NULL);
		_exit(91);
	}
	close(p[1]);
	char c;
	printf("exec pipe EOF: %zd\n", read(p[0], &c, 1));
	close(p[0]);
	run("vfork + TRACEME + exec self", pid);

	pid = vfork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execl("/bin/sleep", "sleep", "10", (char *)NULL);
		_exit(91);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("sleep stopped at exec %d\n", WIFSTOPPED(st));
	printf("PTRACE_KILL: %d\n", (int)ptrace(PTRACE_KILL, pid, NULL, NULL));
	waitpid(pid, &st, 0);
	printf("killed by SIGKILL %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	errno = 0;
	long r = ptrace(PTRACE_CONT, getppid(), NULL, NULL);
	printf("PTRACE_CONT on a process we do not trace: %ld %s\n", r, strerrorname_np(errno));
	r = ptrace(PTRACE_DETACH, 999999999, NULL, NULL);
	printf("PTRACE_DETACH of no process: %ld %s\n", r, strerrorname_np(errno));
	return 0;
}
