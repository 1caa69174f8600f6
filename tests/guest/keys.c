/* keys: the key retention service through add_key, request_key and keyctl
 * (security/keys/keyctl.c): a user key in the process keyring read,
 * described, updated, searched, timed and revoked, an iovec
 * instantiation, and the calls' errors. usage: keys */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "show.h"

/* include/uapi/linux/keyctl.h */
#define KEY_SPEC_PROCESS_KEYRING -2
#define KEYCTL_GET_KEYRING_ID 0
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_UPDATE 2
#define KEYCTL_REVOKE 3
#define KEYCTL_DESCRIBE 6
#define KEYCTL_SEARCH 10
#define KEYCTL_READ 11
#define KEYCTL_SET_TIMEOUT 15
#define KEYCTL_INSTANTIATE_IOV 20
#define KEYCTL_CAPABILITIES 31

static long keyctl(long op, long a2, long a3, long a4, long a5)
{
	return syscall(SYS_keyctl, op, a2, a3, a4, a5);
}

static void positive(const char *label, long r)
{
	if (r > 0)
		printf("%s: a serial\n", label);
	else
		show(label, r);
}

int main(void)
{
	char buf[256];
	long id = syscall(SYS_add_key, "user", "gemu:test", "payload", 7, KEY_SPEC_PROCESS_KEYRING);
	positive("add_key", id);
	memset(buf, 0, sizeof buf);
	show("read", keyctl(KEYCTL_READ, id, (long)buf, sizeof buf, 0));
	printf("  %s\n", buf);
	memset(buf, 0, sizeof buf);
	show("describe", keyctl(KEYCTL_DESCRIBE, id, (long)buf, sizeof buf, 0));
	printf("  %s\n", buf);
	show("describe short buffer", keyctl(KEYCTL_DESCRIBE, id, (long)buf, 4, 0));
	show("update", keyctl(KEYCTL_UPDATE, id, (long)"new", 3, 0));
	memset(buf, 0, sizeof buf);
	show("read again", keyctl(KEYCTL_READ, id, (long)buf, sizeof buf, 0));
	printf("  %s\n", buf);
	long found = keyctl(KEYCTL_SEARCH, KEY_SPEC_PROCESS_KEYRING, (long)"user", (long)"gemu:test", 0);
	printf("search finds it: %d\n", found == id);
	long req = syscall(SYS_request_key, "user", "gemu:test", NULL, 0);
	printf("request_key finds it: %d\n", req == id);
	show("request_key absent", syscall(SYS_request_key, "user", "gemu:absent", NULL, 0));
	positive("process keyring", keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 0, 0, 0));
	show("keyring contents", keyctl(KEYCTL_READ, KEY_SPEC_PROCESS_KEYRING, (long)buf, sizeof buf, 0));
	show("set timeout", keyctl(KEYCTL_SET_TIMEOUT, id, 100, 0, 0));
	struct iovec iov = {"x", 1};
	show("instantiate_iov without authority", keyctl(KEYCTL_INSTANTIATE_IOV, id, (long)&iov, 1, 0));
	show("revoke", keyctl(KEYCTL_REVOKE, id, 0, 0, 0));
	show("read revoked", keyctl(KEYCTL_READ, id, (long)buf, sizeof buf, 0));
	show("add_key bad type pointer", syscall(SYS_add_key, (char *)8, "d", "p", 1, KEY_SPEC_PROCESS_KEYRING));
	show("add_key unknown type", syscall(SYS_add_key, "gemu-no-such-type", "d", "p", 1, KEY_SPEC_PROCESS_KEYRING));
	show("read bad buffer", keyctl(KEYCTL_READ, KEY_SPEC_PROCESS_KEYRING, 8, 64, 0));
	show("unknown operation", keyctl(999, 0, 0, 0, 0));
	unsigned char caps[2] = {0, 0};
	show("capabilities", keyctl(KEYCTL_CAPABILITIES, (long)caps, 2, 0, 0));
	printf("  %#x %#x\n", caps[0], caps[1]);
	positive("join session keyring", keyctl(KEYCTL_JOIN_SESSION_KEYRING, (long)"gemu-test-session", 0, 0, 0));
	return 0;
}
