/* sigproc: signals between processes. A signal sent the moment a child
 * is forked, SIGCHLD's siginfo, SIGCHLD ignored or SA_NOCLDWAIT (the
 * kernel reaps), SA_NOCLDSTOP, kill of a process group, and the signal
 * mask and ignored signals a program inherits across execve, for a
 * foreign program (this one) and a native one (/bin/sh).
 * usage: sigproc            run everything
 *        sigproc show       print this process's mask and ignored signals */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static char *self;

static void reset(void)
{
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int reap(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

static volatile sig_atomic_t got;
static siginfo_t last;

static void on_signal(int sig, siginfo_t *info, void *ctx)
{
	(void)sig;
	(void)ctx;
	last = *info;
	got++;
}

static void handle(int sig, int flags)
{
	struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | flags};
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static sigset_t only(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

/* The parent signals each child as soon as fork returns: the child's
 * inherited handler must run, however early the signal comes. */
static void right_after_fork(void)
{
	handle(SIGUSR1, 0);
	sigset_t usr1 = only(SIGUSR1), old;
	sigprocmask(SIG_BLOCK, &usr1, &old);
	int ok = 0, n = 60;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			got = 0;
			while (!got)
				sigsuspend(&old);
			_exit(last.si_signo == SIGUSR1 && last.si_code == SI_USER ? 0 : 2);
		}
		kill(pid, SIGUSR1);
		int st = reap(pid);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("signal right after fork: %d of %d children handled it\n", ok, n);
	reset();
}

/* SIGCHLD carries the child's pid, how it ended and its status. */
static void chld_info(void)
{
	handle(SIGCHLD, 0);
	sigset_t chld = only(SIGCHLD), old;
	sigprocmask(SIG_BLOCK, &chld, &old);
	for (int how = 0; how < 2; how++) {
		got = 0;
		pid_t pid = fork();
		if (pid == 0) {
			if (how)
				pause();
			_exit(5);
		}
		if (how)
			kill(pid, SIGTERM);
		while (!got)
			sigsuspend(&old);
		const char *code = last.si_code == CLD_EXITED ? "CLD_EXITED" : last.si_code == CLD_KILLED ? "CLD_KILLED" : "other";
		printf("SIGCHLD: %s, si_pid is the child: %s, si_status %d\n", code,
		       last.si_pid == pid ? "yes" : "no", last.si_status);
		reap(pid);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	reset();
}

/* SA_NOCLDSTOP: a stopped child raises no SIGCHLD; its end does. */
static void chld_nostop(void)
{
	handle(SIGCHLD, SA_NOCLDSTOP);
	sigset_t chld = only(SIGCHLD), old;
	sigprocmask(SIG_BLOCK, &chld, &old);
	got = 0;
	pid_t pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(3);
	}
	int st;
	waitpid(pid, &st, WUNTRACED);
	sigset_t pending;
	sigpending(&pending);
	printf("SA_NOCLDSTOP: child stopped %s, SIGCHLD pending %s\n", WIFSTOPPED(st) ? "yes" : "no",
	       sigismember(&pending, SIGCHLD) ? "yes" : "no");
	kill(pid, SIGCONT);
	while (!got)
		sigsuspend(&old);
	printf("SA_NOCLDSTOP: its end raised SIGCHLD with %s\n", last.si_code == CLD_EXITED ? "CLD_EXITED" : "other");
	reap(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	reset();
}

/* With SIGCHLD ignored, or SA_NOCLDWAIT, children leave no zombie and
 * wait fails with ECHILD once they are gone. */
static void chld_reaped(void)
{
	for (int how = 0; how < 2; how++) {
		sigset_t chld = only(SIGCHLD), old;
		sigprocmask(SIG_BLOCK, &chld, &old);
		got = 0;
		if (how)
			handle(SIGCHLD, SA_NOCLDWAIT);
		else
			signal(SIGCHLD, SIG_IGN);
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		int r = wait(NULL);
		printf("%s: wait gives %s\n", how ? "SA_NOCLDWAIT" : "SIGCHLD ignored",
		       r < 0 && errno == ECHILD ? "ECHILD" : r == pid ? "the child" : "?");
		if (how) {
			while (!got)
				sigsuspend(&old);
			printf("SA_NOCLDWAIT: the handler still ran (%s)\n", last.si_pid == pid ? "si_pid is the child" : "?");
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		reset();
	}
}

/* kill(0) and kill(-pgid) reach every process of the group, the sender
 * included, with the sender's pid. */
static void group_kill(void)
{
	pid_t leader = fork();
	if (leader == 0) {
		setpgid(0, 0);
		handle(SIGUSR1, 0);
		sigset_t usr1 = only(SIGUSR1), old;
		sigprocmask(SIG_BLOCK, &usr1, &old);
		int code = 0;
		for (int round = 0; round < 2; round++) {
			got = 0;
			pid_t member = fork();
			if (member == 0) {
				while (!got)
					sigsuspend(&old);
				_exit(last.si_pid == getppid() ? 0 : 1);
			}
			kill(round ? -getpgrp() : 0, SIGUSR1);
			while (!got)
				sigsuspend(&old);
			int st = reap(member);
			if (last.si_pid != getpid() || last.si_code != SI_USER)
				code |= 1 << (2 * round);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				code |= 2 << (2 * round);
		}
		_exit(code);
	}
	int st = reap(leader);
	printf("kill(0) and kill(-pgrp): %s (status %d)\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "whole group, sender's pid" : "wrong", st);
}

/* sigqueue to another process carries si_value and SI_QUEUE. */
static void queue_value(void)
{
	handle(SIGRTMIN + 2, 0);
	sigset_t rt = only(SIGRTMIN + 2), old;
	sigprocmask(SIG_BLOCK, &rt, &old);
	pid_t pid = fork();
	if (pid == 0) {
		int sum = 0;
		for (int i = 0; i < 3; i++) {
			got = 0;
			while (!got)
				sigsuspend(&old);
			sum += last.si_code == SI_QUEUE && last.si_pid == getppid() ? last.si_value.sival_int : -1000;
		}
		_exit(sum);
	}
	for (int i = 1; i <= 3; i++)
		sigqueue(pid, SIGRTMIN + 2, (union sigval){.sival_int = 10 * i});
	int st = reap(pid);
	printf("sigqueue to a child: values summed %d (60 expected)\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGRTMIN + 2, SIG_DFL);
}

/* What a program starts with after execve: the mask and the ignored
 * signals of the process that exec'd it. */
static void show(void)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("  blocked:");
	for (int s = 1; s < 32; s++)
		if (sigismember(&cur, s))
			printf(" %d", s);
	printf("; ignored:");
	for (int s = 1; s < 32; s++) {
		struct sigaction sa;
		if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			printf(" %d", s);
	}
	printf("\n");
}

static void inherit_one(const char *how, char *const argv[], int spawned, int in_child)
{
	printf("%s:\n", how);
	pid_t outer = in_child ? fork() : 0;
	if (outer > 0) {
		reap(outer);
		return;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	handle(SIGHUP, 0); /* a handler: SIG_DFL after execve */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t pid;
	if (spawned) {
		if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0)
			pid = -1;
	} else if ((pid = fork()) == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	reap(pid);
	if (in_child)
		_exit(0);
	reset();
}

static void inherit(void)
{
	char *foreign[] = {self, "show", NULL};
	char *native[] = {"/bin/sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status | sed 's/^/  /'", NULL};
	inherit_one("foreign program, fork+execve", foreign, 0, 0);
	inherit_one("foreign program, posix_spawn", foreign, 1, 0);
	inherit_one("native program, fork+execve", native, 0, 0);
	inherit_one("native program, posix_spawn", native, 1, 0);
	inherit_one("native program, posix_spawn from a forked child", native, 1, 1);
	inherit_one("native program, fork+execve from a forked child", native, 0, 1);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "show") == 0) {
		show();
		return 0;
	}
	reset();
	right_after_fork();
	chld_info();
	chld_nostop();
	chld_reaped();
	group_kill();
	queue_value();
	inherit();
	return 0;
}
