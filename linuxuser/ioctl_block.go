package linuxuser

import (
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"
)

// Loop and block-device ioctls (Linux include/uapi/linux/loop.h and
// include/uapi/linux/fs.h; the asm-generic _IO/_IOR numbers are x86_64's).
// Their arguments are values or buffers laid out alike on x86_64 and the
// guests (struct loop_info64, struct loop_config: syscalls/linux/layout.go),
// except the old struct loop_info, which loopInfo converts.

const (
	loopSetStatus = 0x4C02
	loopGetStatus = 0x4C03
)

var blockIoctls = map[uint32]uint64{
	0x4C00:     0,                    // LOOP_SET_FD (a descriptor: guest fds are host fds)
	0x4C01:     0,                    // LOOP_CLR_FD
	0x4C04:     linux.LoopInfo64Size, // LOOP_SET_STATUS64
	0x4C05:     linux.LoopInfo64Size, // LOOP_GET_STATUS64
	0x4C06:     0,                    // LOOP_CHANGE_FD
	0x4C07:     0,                    // LOOP_SET_CAPACITY
	0x4C08:     0,                    // LOOP_SET_DIRECT_IO
	0x4C09:     0,                    // LOOP_SET_BLOCK_SIZE
	0x4C0A:     linux.LoopConfigSize, // LOOP_CONFIGURE
	0x4C80:     0,                    // LOOP_CTL_ADD
	0x4C81:     0,                    // LOOP_CTL_REMOVE
	0x4C82:     0,                    // LOOP_CTL_GET_FREE
	0x125d:     4,                    // BLKROSET
	0x125e:     4,                    // BLKROGET
	0x125f:     0,                    // BLKRRPART
	0x1260:     8,                    // BLKGETSIZE (unsigned long)
	0x1261:     0,                    // BLKFLSBUF
	0x1268:     4,                    // BLKSSZGET
	0x80081270: 4,                    // BLKBSZGET (the kernel writes an int)
	0x40081271: 4,                    // BLKBSZSET (and reads one)
	0x80081272: 8,                    // BLKGETSIZE64
	0x1277:     16,                   // BLKDISCARD (u64 start, length)
	0x1278:     4,                    // BLKIOMIN
	0x1279:     4,                    // BLKIOOPT
	0x127a:     4,                    // BLKALIGNOFF
	0x127b:     4,                    // BLKPBSZGET
	0x127c:     4,                    // BLKDISCARDZEROES
	0x127d:     16,                   // BLKSECDISCARD
	0x127e:     2,                    // BLKROTATIONAL
	0x127f:     16,                   // BLKZEROOUT
	0x80081280: 8,                    // BLKGETDISKSEQ
}

func init() {
	for req, size := range blockIoctls {
		passIoctls[req] = size
	}
}

// loopInfo runs LOOP_SET_STATUS and LOOP_GET_STATUS with the old struct
// loop_info converted, in drivers/block/loop.c's order: SET reads the
// struct first (EFAULT), GET asks the device first (ENXIO when unbound)
// and writes last; NULL is EINVAL.
func loopInfo(t *Thread, fd int, req uint32, arg uint64) uint64 {
	if arg == 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if req == loopSetStatus {
		g, err := t.ReadBytes(arg, linux.LoopInfoSize)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		h := linux.LoopInfoToHost(g)
		return usermode.Ret(usermode.Raw(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&h[0])), 0, 0, 0))
	}
	h := make([]byte, linux.HostLoopInfoSize)
	if _, err := usermode.Raw(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&h[0])), 0, 0, 0); err != nil {
		return usermode.ErrRet(err)
	}
	g, fits := linux.LoopInfoFromHost(h)
	if !fits {
		return usermode.Errno(unix.EOVERFLOW)
	}
	return putBytes(t, arg, g)
}
