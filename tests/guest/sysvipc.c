/* sysvipc: System V semaphores and shared memory.
 * Semaphores: SETVAL/GETVAL, SETALL/GETALL, semop up and down, IPC_NOWAIT,
 * a semtimedop timeout, IPC_STAT and IPC_SET (semid64_ds, whose layout
 * differs on x86_64), GETPID, a semop that a signal ends with EINTR under
 * SA_RESTART, a fork child woken by its parent, IPC_RMID.
 * Shared memory: attach, a second view of the same pages, IPC_STAT,
 * SHM_RDONLY (a write kills the writer), a fork child writing the parent's
 * segment, SHM_RND, an occupied address with and without SHM_REMAP, shmdt,
 * /proc/self/maps, IPC_RMID while attached.
 * usage: sysvipc */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "show.h"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static void on_alarm(int s) { (void)s; }

static int semop1(int id, int num, int op, int flags)
{
	struct sembuf b = {(unsigned short)num, (short)op, (short)flags};
	return semop(id, &b, 1);
}

static void status(const char *label, int st)
{
	if (WIFEXITED(st))
		printf("%s: exit %d\n", label, WEXITSTATUS(st));
	else
		printf("%s: signal %d\n", label, WTERMSIG(st));
}

static void semaphores(void)
{
	int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
	show("semget", id >= 0);
	show("SETVAL 0 = 2", semctl(id, 0, SETVAL, (union semun){.val = 2}));
	show("GETVAL 0", semctl(id, 0, GETVAL));
	unsigned short all[3] = {5, 0, 7}, got[3] = {0};
	show("SETALL", semctl(id, 0, SETALL, (union semun){.array = all}));
	show("GETALL", semctl(id, 0, GETALL, (union semun){.array = got}));
	printf("values: %u %u %u\n", got[0], got[1], got[2]);
	show("semop 0 -= 3", semop1(id, 0, -3, 0));
	show("semop 1 -= 1 IPC_NOWAIT", semop1(id, 1, -1, IPC_NOWAIT));
	struct sembuf two[2] = {{2, -7, 0}, {1, 4, 0}};
	show("semop two at once", semop(id, two, 2));
	show("GETVAL 1", semctl(id, 1, GETVAL));
	show("GETVAL 2", semctl(id, 2, GETVAL));
	struct timespec ts = {0, 30 * 1000 * 1000};
	show("semtimedop 30 ms on 2", semtimedop(id, &(struct sembuf){2, -1, 0}, 1, &ts));
	show("GETPID is me", semctl(id, 0, GETPID) == getpid());
	show("GETNCNT 2", semctl(id, 2, GETNCNT));

	struct semid_ds ds;
	memset(&ds, 0, sizeof ds);
	show("IPC_STAT", semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}));
	printf("nsems %lu mode %o otime set %d ctime set %d uid is me %d\n", (unsigned long)ds.sem_nsems,
	       ds.sem_perm.mode & 0777, ds.sem_otime > 0, ds.sem_ctime > 0, ds.sem_perm.uid == getuid());
	ds.sem_perm.mode = 0640;
	show("IPC_SET mode 640", semctl(id, 0, IPC_SET, (union semun){.buf = &ds}));
	memset(&ds, 0, sizeof ds);
	semctl(id, 0, IPC_STAT, (union semun){.buf = &ds});
	printf("mode now %o nsems %lu\n", ds.sem_perm.mode & 0777, (unsigned long)ds.sem_nsems);
	struct seminfo si;
	show("SEM_INFO ok", semctl(id, 0, SEM_INFO, (union semun){.buf = (void *)&si}) >= 0);

	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 0}, {0, 50000}};
	setitimer(ITIMER_REAL, &it, NULL);
	show("semop blocked, SIGALRM with SA_RESTART", semop1(id, 1, -100, 0));

	pid_t pid = fork();
	if (pid == 0)
		_exit(semop1(id, 1, -10, 0) == 0 ? 3 : 4); /* waits for the parent */
	int waiting = 0; /* until the child blocks (10 s at most: it may be slow to start) */
	for (int i = 0; i < 1000 && (waiting = semctl(id, 1, GETNCNT)) == 0; i++)
		usleep(10000);
	show("GETNCNT 1 with the child waiting", waiting);
	show("semop 1 += 10", semop1(id, 1, 10, 0));
	int st;
	waitpid(pid, &st, 0);
	status("child woken", st);
	show("GETVAL 1 after", semctl(id, 1, GETVAL));
	show("IPC_RMID", semctl(id, 0, IPC_RMID));
	show("semop after IPC_RMID", semop1(id, 0, 1, 0));
}

static void shared_memory(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t size = 3 * page + 100;
	int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	show("shmget", id >= 0);
	char *a = shmat(id, NULL, 0);
	show("shmat", a == (void *)-1 ? -1 : 0);
	strcpy(a, "written through the first view");
	a[3 * page + 99] = 'z';
	char *b = shmat(id, NULL, 0);
	printf("second view: %s, last byte %c, distinct address %d\n", b, b[3 * page + 99], a != b);
	struct shmid_ds ds;
	show("IPC_STAT", shmctl(id, IPC_STAT, &ds));
	printf("segsz %zu nattch %lu cpid is me %d mode %o\n", ds.shm_segsz, (unsigned long)ds.shm_nattch,
	       ds.shm_cpid == getpid(), ds.shm_perm.mode & 0777);

	FILE *maps = fopen("/proc/self/maps", "r");
	char line[512];
	int sysv = 0;
	while (maps && fgets(line, sizeof line, maps))
		if (strstr(line, "/SYSV") && strstr(line, "rw-s"))
			sysv++;
	if (maps)
		fclose(maps);
	printf("rw-s SYSV lines in maps: %d\n", sysv);

	pid_t pid = fork();
	if (pid == 0) {
		strcpy(b, "the child wrote this");
		_exit(a[3 * page + 99] == 'z' ? 5 : 6);
	}
	int st;
	waitpid(pid, &st, 0);
	status("fork child", st);
	printf("parent reads: %s\n", a);

	char *ro = shmat(id, NULL, SHM_RDONLY);
	printf("read-only view: %s\n", ro);
	pid = fork();
	if (pid == 0) {
		ro[0] = 'X';
		_exit(0);
	}
	waitpid(pid, &st, 0);
	status("child writing the read-only view", st);

	show("shmdt second view", shmdt(b));
	show("shmdt read-only view", shmdt(ro));
	shmctl(id, IPC_STAT, &ds);
	printf("nattch now %lu\n", (unsigned long)ds.shm_nattch);
	show("shmdt not an attach", shmdt(a + page));
	show("shmdt unaligned", shmdt(a + 1));

	/* A free, page-aligned range to attach at. */
	char *spot = mmap(NULL, 8 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(spot, 8 * page);
	char *at = shmat(id, spot + 1, 0);
	show("shmat unaligned without SHM_RND", at == (void *)-1 ? -1 : 0);
	at = shmat(id, spot + 1, SHM_RND);
	printf("SHM_RND: at the page %d, sees %.9s\n", at == spot, at);
	char *again = shmat(id, spot, 0);
	show("shmat over an attach", again == (void *)-1 ? -1 : 0);
	again = shmat(id, spot, SHM_REMAP);
	printf("SHM_REMAP: same address %d\n", again == spot);
	show("shmat NULL with SHM_REMAP", shmat(id, NULL, SHM_REMAP) == (void *)-1 ? -1 : 0);
	show("shmdt the remapped one", shmdt(spot));

	show("IPC_RMID while attached", shmctl(id, IPC_RMID, NULL));
	printf("still readable: %.9s\n", a);
	show("shmdt the last", shmdt(a));
	show("IPC_STAT after", shmctl(id, IPC_STAT, &ds));
	show("shmat a bad id", shmat(-1, NULL, 0) == (void *)-1 ? -1 : 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	semaphores();
	shared_memory();
	return 0;
}
