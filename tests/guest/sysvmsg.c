/* sysvmsg: System V message queues: send and receive by type, IPC_STAT,
 * ENOMSG, E2BIG and MSG_NOERROR, EINTR under SA_RESTART (never
 * restarted, signal(7)), IPC_RMID. The queue is removed at the end.
 * usage: sysvmsg */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/time.h>
#include <unistd.h>

#include "show.h"

struct msg {
	long type;
	char text[32];
};

static void on_alarm(int s) { (void)s; }

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	show("msgget", q >= 0);
	struct msg m = {1, "first"};
	show("msgsnd type 1", msgsnd(q, &m, strlen(m.text) + 1, 0));
	m.type = 2;
	strcpy(m.text, "second, longer");
	show("msgsnd type 2", msgsnd(q, &m, strlen(m.text) + 1, 0));
	struct msqid_ds ds;
	show("IPC_STAT", msgctl(q, IPC_STAT, &ds));
	printf("qnum %lu, cbytes %lu, mode %o, qbytes set %d\n", (unsigned long)ds.msg_qnum,
	       (unsigned long)ds.__msg_cbytes, ds.msg_perm.mode & 0777, ds.msg_qbytes > 0);
	memset(&m, 0, sizeof m);
	show("msgrcv type 2", msgrcv(q, &m, sizeof m.text, 2, 0));
	printf("got type %ld: %s\n", m.type, m.text);
	show("msgrcv 3 bytes of type 1", msgrcv(q, &m, 3, 1, IPC_NOWAIT));
	show("msgrcv 3 bytes, MSG_NOERROR", msgrcv(q, &m, 3, 1, IPC_NOWAIT | MSG_NOERROR));
	printf("truncated: %.3s\n", m.text);
	show("msgrcv on an empty queue, IPC_NOWAIT", msgrcv(q, &m, sizeof m.text, 0, IPC_NOWAIT));

	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {.it_value = {0, 50000}};
	setitimer(ITIMER_REAL, &it, NULL);
	show("blocking msgrcv under SIGALRM with SA_RESTART", msgrcv(q, &m, sizeof m.text, 0, 0));

	show("IPC_RMID", msgctl(q, IPC_RMID, NULL));
	show("msgsnd after IPC_RMID", msgsnd(q, &m, 1, IPC_NOWAIT));
	return 0;
}
