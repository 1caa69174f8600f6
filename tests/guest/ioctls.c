/* ioctls: the terminal, pty and interface ioctls programs use, compared
 * with a native run: a pty pair (TIOCGPTN, TIOCSPTLCK, TIOCGPTPEER,
 * termios, FIONREAD, TIOCOUTQ, TCFLSH, TIOCEXCL, TIOCSCTTY in a new
 * session) and the loopback interface (SIOCGIF*, SIOCGIFCONF).
 * usage: ioctls */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "show.h"

static void pty(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	show("posix_openpt", m >= 0);
	unsigned n = ~0u;
	show("TIOCGPTN", ioctl(m, TIOCGPTN, &n));
	printf("pty number set: %d\n", n != ~0u);
	show("grantpt", grantpt(m));
	show("unlockpt (TIOCSPTLCK)", unlockpt(m));
	char *name = ptsname(m);
	printf("ptsname under /dev/pts: %d\n", name && strncmp(name, "/dev/pts/", 9) == 0);
	int s = open(name, O_RDWR | O_NOCTTY);
	show("open the slave", s >= 0);
	int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	show("TIOCGPTPEER", peer >= 0);
	printf("TIOCGPTPEER close-on-exec: %d\n", fcntl(peer, F_GETFD) == FD_CLOEXEC);
	close(peer);

	struct termios tio;
	show("tcgetattr", tcgetattr(s, &tio));
	cfmakeraw(&tio);
	show("tcsetattr raw", tcsetattr(s, TCSANOW, &tio));
	write(m, "hello", 5);
	usleep(20000);
	int avail = -1;
	show("FIONREAD on the slave", ioctl(s, FIONREAD, &avail));
	printf("bytes waiting: %d\n", avail);
	show("TCFLSH input", tcflush(s, TCIFLUSH));
	ioctl(s, FIONREAD, &avail);
	printf("bytes waiting after flush: %d\n", avail);
	int out = -1;
	show("TIOCOUTQ", ioctl(s, TIOCOUTQ, &out));
	printf("output queue empty: %d\n", out == 0);
	show("TIOCEXCL", ioctl(s, TIOCEXCL));
	int again = open(name, O_RDWR | O_NOCTTY);
	printf("open while exclusive (as root it is allowed): %s\n", again >= 0 ? "ok" : strerrorname_np(errno));
	if (again >= 0)
		close(again);
	show("TIOCNXCL", ioctl(s, TIOCNXCL));

	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		int r = ioctl(s, TIOCSCTTY, 0);
		pid_t sid = -1;
		int r2 = ioctl(s, TIOCGSID, &sid);
		_exit(r == 0 && r2 == 0 && sid == getpid() ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("TIOCSCTTY and TIOCGSID in a new session: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "failed");
	show("BLKGETSIZE64 on a pty", ioctl(s, 0x80081272, &avail));
	close(s);
	close(m);
}

static void interfaces(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	show("SIOCGIFINDEX lo", ioctl(fd, SIOCGIFINDEX, &ifr));
	int index = ifr.ifr_ifindex;
	printf("lo index matches if_nametoindex: %d\n", index == (int)if_nametoindex("lo"));
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_ifindex = index;
	show("SIOCGIFNAME", ioctl(fd, SIOCGIFNAME, &ifr));
	printf("name: %s\n", ifr.ifr_name);
	show("SIOCGIFFLAGS", ioctl(fd, SIOCGIFFLAGS, &ifr));
	printf("loopback %d, up %d\n", (ifr.ifr_flags & IFF_LOOPBACK) != 0, (ifr.ifr_flags & IFF_UP) != 0);
	show("SIOCGIFMTU", ioctl(fd, SIOCGIFMTU, &ifr));
	printf("mtu: %d\n", ifr.ifr_mtu);
	show("SIOCGIFADDR", ioctl(fd, SIOCGIFADDR, &ifr));
	printf("address: %s\n", inet_ntoa(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr));
	show("SIOCGIFNETMASK", ioctl(fd, SIOCGIFNETMASK, &ifr));
	printf("netmask: %s\n", inet_ntoa(((struct sockaddr_in *)&ifr.ifr_netmask)->sin_addr));
	show("SIOCGIFHWADDR", ioctl(fd, SIOCGIFHWADDR, &ifr));
	printf("hw family: %d\n", ifr.ifr_hwaddr.sa_family);
	strcpy(ifr.ifr_name, "nonexistent0");
	show("SIOCGIFINDEX of a missing interface", ioctl(fd, SIOCGIFINDEX, &ifr));
	struct ifconf ifc = {.ifc_len = 0, .ifc_buf = NULL};
	show("SIOCGIFCONF without a buffer", ioctl(fd, SIOCGIFCONF, &ifc));
	int need = ifc.ifc_len;
	printf("length: a positive multiple of struct ifreq %d\n", need > 0 && need % (int)sizeof(struct ifreq) == 0);
	struct ifreq reqs[64];
	ifc.ifc_len = sizeof reqs;
	ifc.ifc_req = reqs;
	show("SIOCGIFCONF", ioctl(fd, SIOCGIFCONF, &ifc));
	int lo = 0;
	for (int i = 0; i < ifc.ifc_len / (int)sizeof(struct ifreq); i++)
		if (!strcmp(reqs[i].ifr_name, "lo") &&
		    ((struct sockaddr_in *)&reqs[i].ifr_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK))
			lo = 1;
	printf("length as asked before %d, lo with 127.0.0.1 listed %d\n", ifc.ifc_len == need, lo);
	ifc.ifc_len = sizeof(struct ifreq);
	show("SIOCGIFCONF with room for one", ioctl(fd, SIOCGIFCONF, &ifc));
	printf("length: %d, first entry %s\n", ifc.ifc_len, reqs[0].ifr_name[0] ? "named" : "empty");
	ifc.ifc_len = sizeof reqs;
	ifc.ifc_buf = (char *)16;
	show("SIOCGIFCONF into a bad buffer", ioctl(fd, SIOCGIFCONF, &ifc));
	show("an unknown ioctl", ioctl(fd, 0x12345678, 0));
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pty();
	interfaces();
	return 0;
}
