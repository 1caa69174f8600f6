/* loopdev: a loop device set up the way losetup and mkfs do it, through
 * every ioctl involved: LOOP_CTL_GET_FREE on /dev/loop-control,
 * LOOP_CONFIGURE (and LOOP_SET_FD + LOOP_SET_STATUS64), LOOP_GET_STATUS64,
 * the old LOOP_GET_STATUS/LOOP_SET_STATUS (struct loop_info, whose
 * __kernel_old_dev_t differs between x86_64 and the guests),
 * LOOP_SET_CAPACITY, BLKGETSIZE64 and the other BLK* queries, data through
 * the device, LOOP_CLR_FD, and their errors. It starts with the sizes and
 * offsets of struct loop_info64 and struct loop_config as this
 * architecture's headers have them. Only facts that hold on any host are
 * printed (never the device number or the backing file's path).
 * usage: loopdev DIR (an empty directory; run as root) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "show.h"

#define MIB (1024 * 1024)

static void layouts(void)
{
	printf("loop_info64 %zu: device %zu inode %zu rdevice %zu offset %zu sizelimit %zu number %zu "
	       "encrypt_type %zu key_size %zu flags %zu file_name %zu crypt_name %zu key %zu init %zu\n",
	       sizeof(struct loop_info64), offsetof(struct loop_info64, lo_device),
	       offsetof(struct loop_info64, lo_inode), offsetof(struct loop_info64, lo_rdevice),
	       offsetof(struct loop_info64, lo_offset), offsetof(struct loop_info64, lo_sizelimit),
	       offsetof(struct loop_info64, lo_number), offsetof(struct loop_info64, lo_encrypt_type),
	       offsetof(struct loop_info64, lo_encrypt_key_size), offsetof(struct loop_info64, lo_flags),
	       offsetof(struct loop_info64, lo_file_name), offsetof(struct loop_info64, lo_crypt_name),
	       offsetof(struct loop_info64, lo_encrypt_key), offsetof(struct loop_info64, lo_init));
	printf("loop_config %zu: fd %zu block_size %zu info %zu reserved %zu\n", sizeof(struct loop_config),
	       offsetof(struct loop_config, fd), offsetof(struct loop_config, block_size),
	       offsetof(struct loop_config, info), offsetof(struct loop_config, __reserved));
}

/* get_free asks /dev/loop-control for a free device and opens it; another
 * process may take the same one first, so the caller retries on EBUSY. */
static int get_free(int ctl)
{
	int n = ioctl(ctl, LOOP_CTL_GET_FREE);
	if (n < 0)
		return -1;
	char name[32];
	snprintf(name, sizeof(name), "/dev/loop%d", n);
	return open(name, O_RDWR | O_CLOEXEC);
}

static int configure(int ctl, int backing, struct loop_config *cfg)
{
	for (int tries = 0; tries < 50; tries++) {
		int dev = get_free(ctl);
		if (dev < 0)
			return -1;
		cfg->fd = backing;
		if (ioctl(dev, LOOP_CONFIGURE, cfg) == 0)
			return dev;
		int e = errno;
		close(dev);
		if (e != EBUSY) {
			errno = e;
			return -1;
		}
	}
	return -1;
}

static void status(int dev, const char *backing)
{
	struct loop_info64 li;
	memset(&li, 0xee, sizeof(li));
	show("LOOP_GET_STATUS64", ioctl(dev, LOOP_GET_STATUS64, &li));
	size_t n = strlen((char *)li.lo_file_name), b = strlen(backing);
	printf(" offset %llu sizelimit %llu flags %#x file name ends with the backing file %d, inode set %d\n",
	       (unsigned long long)li.lo_offset, (unsigned long long)li.lo_sizelimit, li.lo_flags,
	       n >= b && strcmp((char *)li.lo_file_name + n - b, backing) == 0, li.lo_inode != 0);
	uint64_t size = 0;
	show("BLKGETSIZE64", ioctl(dev, BLKGETSIZE64, &size));
	printf(" size %llu\n", (unsigned long long)size);
	unsigned long sectors = 0;
	show("BLKGETSIZE", ioctl(dev, BLKGETSIZE, &sectors));
	printf(" sectors %lu\n", sectors);
	int ssz = 0, ro = -1;
	unsigned int pbsz = 0;
	show("BLKSSZGET", ioctl(dev, BLKSSZGET, &ssz));
	show("BLKPBSZGET", ioctl(dev, BLKPBSZGET, &pbsz));
	show("BLKROGET", ioctl(dev, BLKROGET, &ro));
	printf(" logical %d physical %u read-only %d\n", ssz, pbsz, ro);
}

static void old_status(int dev)
{
	struct loop_info old;
	memset(&old, 0xee, sizeof(old));
	show("LOOP_GET_STATUS", ioctl(dev, LOOP_GET_STATUS, &old));
	printf(" offset %d flags %#x name starts with / %d, device set %d, rdevice %#x\n", old.lo_offset,
	       old.lo_flags, old.lo_name[0] == '/', old.lo_device != 0, (unsigned)old.lo_rdevice);
	old.lo_offset = 4096;
	show("LOOP_SET_STATUS offset 4096", ioctl(dev, LOOP_SET_STATUS, &old));
	struct loop_info64 li;
	ioctl(dev, LOOP_GET_STATUS64, &li);
	printf(" offset now %llu\n", (unsigned long long)li.lo_offset);
}

static void data(int dev, int backing)
{
	char buf[512] = "through the loop device";
	show("pwrite to the device", pwrite(dev, buf, sizeof(buf), 8192));
	show("fsync", fsync(dev));
	char back[512] = {0};
	pread(backing, back, sizeof(back), 8192 + 4096);
	printf(" backing file has it at offset+8192 %d\n", strcmp(back, buf) == 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	layouts();
	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		printf("no /dev/loop-control: %s\n", strerrorname_np(errno));
		return 3;
	}
	int backing = open("backing.img", O_CREAT | O_RDWR | O_TRUNC, 0644);
	show("ftruncate 4 MiB", ftruncate(backing, 4 * MIB));
	struct loop_config cfg = {.block_size = 512, .info = {.lo_sizelimit = 2 * MIB, .lo_flags = LO_FLAGS_AUTOCLEAR}};
	int dev = configure(ctl, backing, &cfg);
	show("LOOP_CONFIGURE", dev < 0 ? -1 : 0);
	if (dev < 0)
		return 1;
	status(dev, "backing.img");
	show("LOOP_SET_FD on a bound device", ioctl(dev, LOOP_SET_FD, backing));
	show("LOOP_CONFIGURE on a bound device", ioctl(dev, LOOP_CONFIGURE, &cfg));
	old_status(dev);
	data(dev, backing);
	show("ftruncate 8 MiB", ftruncate(backing, 8 * MIB));
	show("LOOP_SET_CAPACITY", ioctl(dev, LOOP_SET_CAPACITY, 0));
	struct loop_info64 li = {.lo_offset = 0};
	show("LOOP_SET_STATUS64 no size limit", ioctl(dev, LOOP_SET_STATUS64, &li));
	uint64_t size = 0;
	ioctl(dev, BLKGETSIZE64, &size);
	printf(" size now %llu\n", (unsigned long long)size);
	show("LOOP_GET_STATUS64 bad pointer", ioctl(dev, LOOP_GET_STATUS64, (void *)-1));
	show("LOOP_CLR_FD", ioctl(dev, LOOP_CLR_FD, 0));
	show("LOOP_CLR_FD again", ioctl(dev, LOOP_CLR_FD, 0));
	show("LOOP_GET_STATUS64 unbound", ioctl(dev, LOOP_GET_STATUS64, &li));
	show("LOOP_SET_FD bad fd", ioctl(dev, LOOP_SET_FD, 999));
	for (int tries = 0; tries < 50; tries++) { /* the old way: SET_FD, then SET_STATUS64 */
		close(dev);
		if ((dev = get_free(ctl)) < 0 || ioctl(dev, LOOP_SET_FD, backing) == 0 || errno != EBUSY)
			break;
	}
	show("LOOP_SET_FD", dev < 0 ? -1 : 0);
	struct loop_info64 set = {.lo_offset = 1 * MIB};
	strcpy((char *)set.lo_file_name, "named");
	show("LOOP_SET_STATUS64 offset 1 MiB", ioctl(dev, LOOP_SET_STATUS64, &set));
	ioctl(dev, LOOP_GET_STATUS64, &li);
	printf(" offset %llu name %s\n", (unsigned long long)li.lo_offset, (char *)li.lo_file_name);
	ioctl(dev, BLKGETSIZE64, &size);
	printf(" size %llu\n", (unsigned long long)size);
	struct loop_info64 *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro->lo_offset = 2 * MIB;
	mprotect(ro, 4096, PROT_READ);
	show("LOOP_SET_STATUS64 from read-only memory", ioctl(dev, LOOP_SET_STATUS64, ro));
	show("LOOP_GET_STATUS64 into read-only memory", ioctl(dev, LOOP_GET_STATUS64, ro));
	show("BLKGETSIZE64 into read-only memory", ioctl(dev, BLKGETSIZE64, ro));
	show("LOOP_CLR_FD", ioctl(dev, LOOP_CLR_FD, 0));
	show("LOOP_CTL_GET_FREE on a device", ioctl(dev, LOOP_CTL_GET_FREE));
	close(dev);
	close(backing);
	return 0;
}
