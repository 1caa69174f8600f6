/* fork.c: fork (clone without CLONE_VM) and its copy semantics.
 *
 * Output is the same on every architecture and natively. Modes:
 *   fork            all checks
 *   fork strict     also fails if clone3 is missing (ENOSYS), runs clone3
 *                   threads and vforks, and execs itself from a child (not
 *                   for qemu-user, whose clone3 is missing here)
 *   fork bench MiB  prints fork timings to stderr for a MiB-sized heap
 *   fork fdcheck A B   (exec'd by the fd check) reports which fds exist
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("FAIL: %s\n", what);
		failures++;
	}
}

/* show prints how a child ended; only portable parts of the status. */
static void show(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

static int reap(pid_t pid)
{
	int st = -1;
	pid_t w;
	do
		w = waitpid(pid, &st, 0);
	while (w < 0 && errno == EINTR);
	check(w == pid, "waitpid returns the child's pid");
	return st;
}

/* Memory: each kind of private memory is copied, never shared. */
static int global = 11;
static volatile int *volatile nowhere = (volatile int *)16;

static void memory(void)
{
	int stack = 22;
	int *heap = malloc(sizeof *heap);
	*heap = 33;
	size_t big = 8 << 20;
	unsigned char *buf = malloc(big);
	for (size_t i = 0; i < big; i += 4096)
		buf[i] = (unsigned char)(i >> 12);
	pid_t pid = fork();
	if (pid == 0) {
		int seen = global == 11 && stack == 22 && *heap == 33;
		for (size_t i = 0; i < big; i += 4096)
			seen &= buf[i] == (unsigned char)(i >> 12);
		global = stack = *heap = -1;
		memset(buf, 0xff, big);
		_exit(seen ? 0 : 1);
	}
	show("memory child saw the parent's values", reap(pid));
	printf("parent still has global %d stack %d heap %d buf %d\n", global, stack, *heap, buf[4096 * 5]);
	free(buf);
	free(heap);
}

/* Many children: each reports through a pipe and exits with its index. */
struct report {
	int index;
	pid_t pid, ppid;
};

static void many(void)
{
	enum { N = 200, BATCH = 8 };
	int pfd[2];
	if (pipe(pfd) != 0)
		return;
	int ok = 0;
	for (int base = 0; base < N; base += BATCH) {
		pid_t pids[BATCH];
		for (int k = 0; k < BATCH; k++) {
			pids[k] = fork();
			if (pids[k] == 0) {
				struct report r = {base + k, getpid(), getppid()};
				write(pfd[1], &r, sizeof r);
				_exit(base + k);
			}
		}
		for (int k = 0; k < BATCH; k++) {
			struct report r;
			if (read(pfd[0], &r, sizeof r) != sizeof r)
				break;
			int i = r.index - base;
			check(i >= 0 && i < BATCH && r.pid == pids[i] && r.ppid == getpid(), "child report");
		}
		for (int k = 0; k < BATCH; k++) {
			int st = reap(pids[k]);
			if (WIFEXITED(st) && WEXITSTATUS(st) == base + k)
				ok++;
		}
	}
	close(pfd[0]);
	close(pfd[1]);
	printf("%d children of %d exited with their own status\n", ok, N);
	int st;
	printf("waitpid with no children left: %s\n", waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD ? "ECHILD" : "?");
}

/* Signals: handlers, mask and alternate stack are inherited. */
static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static volatile sig_atomic_t chlds;

static void on_chld(int sig)
{
	(void)sig;
	chlds++;
}

static void signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGUSR2, SIG_IGN);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	static char alt[64 << 10];
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
	sigaltstack(&ss, NULL);

	pid_t pid = fork();
	if (pid == 0) {
		raise(SIGUSR1);
		raise(SIGUSR2); /* ignored */
		sigset_t cur;
		sigprocmask(SIG_BLOCK, NULL, &cur);
		stack_t cs;
		sigaltstack(NULL, &cs);
		int code = (handled == 1) | sigismember(&cur, SIGHUP) << 1 | (cs.ss_sp == alt && cs.ss_size == sizeof alt) << 2;
		_exit(code);
	}
	show("child with inherited handler, mask, altstack (7 = all)", reap(pid));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	signal(SIGUSR2, SIG_DFL);

	pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGTERM);
		_exit(1);
	}
	show("child killing itself with SIGTERM", reap(pid));
	pid = fork();
	if (pid == 0) {
		*nowhere = 1;
		_exit(1);
	}
	show("child writing to address 16", reap(pid));

	/* A child waiting in read() is killed by its parent. */
	int ready[2], hold[2];
	pipe(ready);
	pipe(hold);
	pid = fork();
	if (pid == 0) {
		char c;
		write(ready[1], "r", 1);
		read(hold[0], &c, 1);
		_exit(0);
	}
	char c;
	read(ready[0], &c, 1);
	kill(pid, SIGTERM);
	show("blocked child killed by its parent", reap(pid));

	/* A child's handler runs for a signal its parent sends. SIGUSR1 is
	 * blocked until sigsuspend: a signal landing between the flag's test
	 * and pause() would leave the child paused forever. */
	sigset_t usr1, unblocked;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &unblocked);
	pid = fork();
	if (pid == 0) {
		handled = 0;
		write(ready[1], "r", 1);
		while (!handled)
			sigsuspend(&unblocked);
		_exit(40 + handled);
	}
	sigprocmask(SIG_SETMASK, &unblocked, NULL);
	read(ready[0], &c, 1);
	kill(pid, SIGUSR1);
	show("child handling its parent's SIGUSR1", reap(pid));
	close(ready[0]);
	close(ready[1]);
	close(hold[0]);
	close(hold[1]);
	signal(SIGUSR1, SIG_DFL);

	/* The parent hears of its child's end. */
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	sigset_t chld, old;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	pid = fork();
	if (pid == 0)
		_exit(0);
	while (!chlds)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	show("child whose end raised SIGCHLD", reap(pid));
	signal(SIGCHLD, SIG_DFL);
}

/* A grandchild: fork from a forked child. */
static void nested(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		pid_t me = getpid();
		pid_t g = fork();
		if (g == 0)
			_exit(getppid() == me ? 42 : 1);
		int st = reap(g);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) + 1 : 2);
	}
	show("child reporting its child's status + 1", reap(pid));
}

/* Descriptors: the table is copied with each fd's close-on-exec flag,
 * which a later exec honours; file offsets are shared (one open file
 * description). With self, the exec is of this program again (not under
 * qemu-user, which cannot run a foreign program without binfmt_misc),
 * else of the host's /bin/sh. */
static void fds(const char *self)
{
	int keep[2], lose[2];
	pipe2(keep, 0);
	pipe2(lose, O_CLOEXEC);
	FILE *tf = tmpfile();
	int tfd = fileno(tf);
	write(tfd, "0123456789abcdefghij", 20);
	lseek(tfd, 5, SEEK_SET);
	pid_t pid = fork();
	if (pid == 0) {
		int a = fcntl(keep[1], F_GETFD), b = fcntl(lose[1], F_GETFD);
		char o;
		read(tfd, &o, 1);
		printf("child: keep flags %d, cloexec flags %d, read '%c' at the parent's offset\n", a, b, o);
		lseek(tfd, 12, SEEK_SET);
		char n1[16], n2[16];
		snprintf(n1, sizeof n1, "%d", keep[1]);
		snprintf(n2, sizeof n2, "%d", lose[1]);
		if (self != NULL) {
			execl(self, "fork", "fdcheck", n1, n2, (char *)NULL);
		} else {
			char script[256];
			snprintf(script, sizeof script,
				"for fd in %s %s; do if { true >&$fd; } 2>/dev/null; then echo \"after exec: open\"; "
				"else echo \"after exec: closed\"; fi; done",
				n1, n2);
			execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		}
		_exit(99);
	}
	show("exec'd child", reap(pid));
	printf("parent's offset after the child moved it: %ld\n", (long)lseek(tfd, 0, SEEK_CUR));
	fclose(tf);
	close(keep[0]);
	close(keep[1]);
	close(lose[0]);
	close(lose[1]);
}

static int fdcheck(const char *a, const char *b)
{
	int keep = fcntl(atoi(a), F_GETFD) >= 0, lose = fcntl(atoi(b), F_GETFD) >= 0 || errno != EBADF;
	printf("after exec of this program: fd without FD_CLOEXEC open %d, fd with it open %d\n", keep, lose);
	return keep && !lose ? 0 : 1;
}

/* Shared mappings stay shared; private ones are copied. */
static void mappings(void)
{
	int *shared = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *private = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	FILE *tf = tmpfile();
	ftruncate(fileno(tf), 4096);
	int *file = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fileno(tf), 0);
	int *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* A private file mapping longer than its file, as ld.so makes them:
	 * the pages past the end of the file raise SIGBUS when read. */
	FILE *small = tmpfile();
	fputs("small file", small);
	fflush(small);
	char *past = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE, fileno(small), 0);
	/* A private mapping of a named file with one page changed (gemu maps
	 * the file again in the child and copies only the changed page). */
	char pages[8192];
	memset(pages, 'f', sizeof(pages));
	int nf = open("forkmap", O_CREAT | O_RDWR | O_TRUNC, 0644);
	char *named = nf >= 0 && write(nf, pages, sizeof(pages)) == (ssize_t)sizeof(pages) ?
		mmap(NULL, sizeof(pages), PROT_READ | PROT_WRITE, MAP_PRIVATE, nf, 0) : MAP_FAILED;
	if (shared == MAP_FAILED || private == MAP_FAILED || file == MAP_FAILED || ro == MAP_FAILED || past == MAP_FAILED ||
	    named == MAP_FAILED) {
		printf("mmap failed\n");
		return;
	}
	shared[1024] = 1;
	private[1024] = 2;
	file[7] = 3;
	named[4096] = 'c';
	pid_t pid = fork();
	if (pid == 0) {
		int ok = shared[1024] == 1 && private[1024] == 2 && file[7] == 3 && ro[0] == 0 && strcmp(past, "small file") == 0 &&
			 named[0] == 'f' && named[4095] == 'f' && named[4096] == 'c' && named[4097] == 'f';
		named[0] = 'x';
		shared[1024] = 100;
		private[1024] = 200;
		file[7] = 300;
		/* The other way round too: the parent's writes after fork. */
		while (__atomic_load_n(&shared[0], __ATOMIC_ACQUIRE) != 7)
			sched_yield();
		_exit(ok ? 0 : 1);
	}
	__atomic_store_n(&shared[0], 7, __ATOMIC_RELEASE);
	show("child of mappings", reap(pid));
	printf("after the child: shared %d private %d file %d named %c%c\n", shared[1024], private[1024], file[7], named[0],
	       named[4096]);
	pid = fork();
	if (pid == 0) {
		ro[0] = 1; /* still read-only in the child */
		_exit(0);
	}
	show("child writing a read-only page", reap(pid));
	/* A PROT_NONE page with data: the child reads it after mprotect, and
	 * it stays PROT_NONE in the parent, for the kernel too (gemu's fork
	 * child makes it readable to copy it, in the parent's memory when the
	 * two share it until the child's execve). */
	char *none = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (none != MAP_FAILED) {
		strcpy(none, "hidden");
		mprotect(none, 4096, PROT_NONE);
		pid = fork();
		if (pid == 0) {
			mprotect(none, 4096, PROT_READ);
			_exit(strcmp(none, "hidden") == 0 ? 0 : 1);
		}
		show("child reading a PROT_NONE page after mprotect", reap(pid));
		pid = fork();
		if (pid == 0)
			_exit(*(volatile char *)none);
		show("next child reading it without mprotect", reap(pid));
		/* The kernel reading it for a write(2) faults too (EFAULT). */
		int pp[2];
		if (pipe(pp) == 0) {
			errno = 0;
			ssize_t w = write(pp[1], none, 4);
			printf("write from the PROT_NONE page to a pipe: %zd %s\n", w, strerror(errno));
			close(pp[0]);
			close(pp[1]);
		}
		munmap(none, 4096);
	}
	munmap(shared, 8192);
	munmap(private, 8192);
	munmap(file, 4096);
	munmap(ro, 4096);
	munmap(past, 3 * 4096);
	munmap(named, sizeof(pages));
	close(nf);
	unlink("forkmap");
	fclose(tf);
	fclose(small);
}

/* Process attributes: brk, cwd, umask. */
static void attributes(void)
{
	mkdir("forkdir", 0755);
	char before[512];
	getcwd(before, sizeof before);
	chdir("forkdir");
	char dir[512];
	getcwd(dir, sizeof dir);
	mode_t old = umask(027);
	void *brk0 = sbrk(0);
	pid_t pid = fork();
	if (pid == 0) {
		char cwd[512];
		getcwd(cwd, sizeof cwd);
		int code = (strcmp(cwd, dir) == 0) | (umask(0) == 027) << 1 | (sbrk(0) == brk0) << 2;
		char *more = sbrk(1 << 16);
		if (more != (void *)-1) {
			memset(more, 1, 1 << 16);
			code |= 8;
		}
		_exit(code);
	}
	show("child with the parent's cwd, umask, brk (15 = all)", reap(pid));
	printf("parent's brk unchanged: %d\n", sbrk(0) == brk0);
	umask(old);
	chdir(before);
	rmdir("forkdir");
}

/* Only the calling thread goes on in the child. */
static int tpipe[2];

static void *blocker(void *arg)
{
	char c;
	(void)arg;
	read(tpipe[0], &c, 1);
	return NULL;
}

static void threaded(void)
{
	pthread_t th;
	pipe(tpipe);
	pthread_create(&th, NULL, blocker, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t g = fork();
		if (g == 0)
			_exit(5);
		int st = reap(g);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) + 1 : 1);
	}
	show("child of a threaded parent", reap(pid));
	write(tpipe[1], "x", 1);
	pthread_join(th, NULL);
	close(tpipe[0]);
	close(tpipe[1]);
}

/* clone3 without CLONE_VM, and glibc's own spawning from a child. */
static void clone3_fork(int strict)
{
	struct clone_args args;
	memset(&args, 0, sizeof args);
	args.exit_signal = SIGCHLD;
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0 && errno == ENOSYS && !strict)
		pid = fork();
	if (pid == 0)
		_exit(9);
	if (pid < 0) {
		printf("clone3: %s\n", strerror(errno));
		return;
	}
	show("clone3 child", reap(pid));
	memset(&args, 0, sizeof args);
	args.exit_signal = 1000;
	long r = syscall(SYS_clone3, &args, sizeof args);
	int bad = r < 0 && (errno == EINVAL || (errno == ENOSYS && !strict));
	printf("clone3 with a bad exit signal: %s\n", bad ? "EINVAL" : "?");

	pid = fork();
	if (pid == 0)
		_exit(WEXITSTATUS(system("exit 4")) + 1);
	show("child running system()", reap(pid));
}

/* clone3_run runs fn on the new stack in the child of clone3 and ends
 * the child with system call exit_nr(code), all in one asm block: the
 * child never returns into C frames it shares with the parent. */
static long clone3_run(struct clone_args *args, void (*fn)(void), long exit_nr, long code)
{
#if defined(__riscv)
	register long a0 __asm__("a0") = (long)args;
	register long a1 __asm__("a1") = sizeof *args;
	register long a7 __asm__("a7") = SYS_clone3;
	register long s1 __asm__("s1") = (long)fn;
	register long s2 __asm__("s2") = code;
	register long s3 __asm__("s3") = exit_nr;
	__asm__ volatile("ecall\n\tbnez a0, 1f\n\tjalr s1\n\tmv a0, s2\n\tmv a7, s3\n\tecall\n1:"
			 : "+r"(a0)
			 : "r"(a1), "r"(a7), "r"(s1), "r"(s2), "r"(s3)
			 : "memory");
	return a0;
#elif defined(__aarch64__)
	register long x0 __asm__("x0") = (long)args;
	register long x1 __asm__("x1") = sizeof *args;
	register long x8 __asm__("x8") = SYS_clone3;
	register long x19 __asm__("x19") = (long)fn;
	register long x20 __asm__("x20") = code;
	register long x21 __asm__("x21") = exit_nr;
	__asm__ volatile("svc #0\n\tcbnz x0, 1f\n\tblr x19\n\tmov x0, x20\n\tmov x8, x21\n\tsvc #0\n1:"
			 : "+r"(x0)
			 : "r"(x1), "r"(x8), "r"(x19), "r"(x20), "r"(x21)
			 : "memory");
	return x0;
#elif defined(__x86_64__)
	long rax = SYS_clone3;
	register long r12 __asm__("r12") = code;
	register long r13 __asm__("r13") = exit_nr;
	__asm__ volatile("syscall\n\ttest %%rax, %%rax\n\tjnz 1f\n\tcall *%%rbx\n\tmov %%r12, %%rdi\n\t"
			 "mov %%r13, %%rax\n\tsyscall\n1:"
			 : "+a"(rax)
			 : "D"(args), "S"(sizeof *args), "b"(fn), "r"(r12), "r"(r13)
			 : "rcx", "r11", "memory");
	return rax;
#endif
}

static volatile int ran;

static void child_fn(void)
{
	ran++;
}

/* clone3 for a thread and for vfork, each running child_fn on its own stack. */
static void clone3_vm(void)
{
	static char stack[64 << 10] __attribute__((aligned(16)));
	static volatile pid_t tid = 1;
	struct clone_args args;
	memset(&args, 0, sizeof args);
	args.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID;
	args.child_tid = (uintptr_t)&tid;
	args.stack = (uintptr_t)stack;
	args.stack_size = sizeof stack;
	long r = clone3_run(&args, child_fn, SYS_exit, 0);
	if (r < 0) {
		printf("clone3 thread: error %ld\n", -r);
		return;
	}
	/* CLONE_CHILD_CLEARTID clears it and wakes us. One read per wait: a
	 * second read could see the 0 after the wake and wait for 0 forever. */
	for (pid_t v; (v = tid) != 0;)
		syscall(SYS_futex, &tid, FUTEX_WAIT, v, NULL, NULL, 0);
	printf("clone3 thread ran %d\n", ran);

	memset(&args, 0, sizeof args);
	args.flags = CLONE_VM | CLONE_VFORK;
	args.exit_signal = SIGCHLD;
	args.stack = (uintptr_t)stack;
	args.stack_size = sizeof stack;
	r = clone3_run(&args, child_fn, SYS_exit_group, 6);
	if (r < 0) {
		printf("clone3 vfork: error %ld\n", -r);
		return;
	}
	show("clone3 vfork child", reap((pid_t)r));
	printf("clone3 vfork child ran %d\n", ran);
}

/* clone3 with CLONE_PIDFD: the pidfd signals and waits for that child. */
static void clone3_pidfd(void)
{
	for (int vm = 0; vm < 1; vm++) {
		int pidfd = -1;
		struct clone_args args;
		memset(&args, 0, sizeof args);
		args.flags = CLONE_PIDFD | (vm ? CLONE_VM | CLONE_VFORK : 0);
		args.pidfd = (unsigned long)&pidfd;
		args.exit_signal = SIGCHLD;
		/* no stack: a vfork child runs on the parent's until it execs */
		long pid = syscall(SYS_clone3, &args, sizeof args);
		if (pid == 0) {
			if (vm) {
				char *argv[] = {"/bin/sh", "-c", "sleep 5", NULL};
				execv(argv[0], argv);
				_exit(127);
			}
			pause();
			_exit(1);
		}
		int fdflags = fcntl(pidfd, F_GETFD);
		long sent = syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
		siginfo_t si;
		memset(&si, 0, sizeof si);
		long w = waitid(P_PIDFD, pidfd, &si, WEXITED);
		printf("clone3 CLONE_PIDFD%s: pidfd close-on-exec %d, signal sent %ld, waitid %ld, same pid %d, killed by %d\n",
		       vm ? "|CLONE_VM|CLONE_VFORK" : "", fdflags == FD_CLOEXEC, sent, w, si.si_pid == pid, si.si_status);
		close(pidfd);
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* bench: how long fork stalls the parent, and how long until the child runs. */
static int bench(size_t mib)
{
	size_t n = mib << 20;
	unsigned char *p = malloc(n);
	for (size_t i = 0; i < n; i += 4096)
		p[i] = (unsigned char)i | 1;
	int pfd[2];
	pipe(pfd);
	double best = 1e9, total = 0, run = 0;
	for (int rep = 0; rep < 5; rep++) {
		double t0 = now();
		pid_t pid = fork();
		if (pid == 0) {
			double t = now();
			write(pfd[1], &t, sizeof t);
			_exit(p[4096] == 1 ? 0 : 1);
		}
		double t1 = now();
		double tc;
		read(pfd[0], &tc, sizeof tc);
		reap(pid);
		best = t1 - t0 < best ? t1 - t0 : best;
		total += t1 - t0;
		run += tc - t0;
	}
	fprintf(stderr, "fork with %zu MiB: parent stall best %.2f ms mean %.2f ms; child running after %.1f ms\n", mib,
		best * 1e3, total / 5 * 1e3, run / 5 * 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "fdcheck") == 0)
		return fdcheck(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "bench") == 0)
		return bench((size_t)atoi(argv[2]));
	setvbuf(stdout, NULL, _IONBF, 0);
	int strict = argc > 1 && strcmp(argv[1], "strict") == 0;
	memory();
	many();
	signals();
	nested();
	fds(NULL);
	if (strict)
		fds("/proc/self/exe");
	mappings();
	attributes();
	threaded();
	clone3_fork(strict);
	if (strict) {
		clone3_vm();
		clone3_pidfd();
	}
	printf("%d failures\n", failures);
	return failures != 0;
}
