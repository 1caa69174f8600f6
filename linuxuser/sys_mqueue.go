package linuxuser

import (
	"encoding/binary"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// POSIX message queues (ipc/mqueue.c): the queues are the host kernel's,
// their descriptors guest descriptors. struct mq_attr is eight longs and
// struct sigevent 64 bytes, the same on the LP64 guests and x86_64
// (include/uapi/linux/mqueue.h, asm-generic/siginfo.h).

const (
	sizeMqAttr      = 64
	sizeSigevent    = 64
	notifyCookieLen = 32 // NOTIFY_COOKIE_LEN, ipc/mqueue.c
)

func init() {
	register(
		passRow("mq_open", unix.SYS_MQ_OPEN, false, str, i32, val, in(sizeMqAttr)),
		passRow("mq_unlink", unix.SYS_MQ_UNLINK, false, str),
		passRow("mq_timedsend", unix.SYS_MQ_TIMEDSEND, true, i32, inLen(2), val, val, in(sizeTimespecArg)),
		passRow("mq_timedreceive", unix.SYS_MQ_TIMEDRECEIVE, true, i32, outLen(2), val, out(4), in(sizeTimespecArg)),
		passRow("mq_getsetattr", unix.SYS_MQ_GETSETATTR, false, i32, in(sizeMqAttr), out(sizeMqAttr)),
		row{"mq_notify", sysMqNotify, kinds(aInt, aPtr), syscalls.RetInt, syscalls.Full,
			"SIGEV_NONE, SIGEV_THREAD (glibc's netlink cookie) and SIGEV_SIGNAL with a signal gemu forwards"},
	)
}

// sysMqNotify is mq_notify(mqdes, sevp). The kernel reads the cookie of a
// SIGEV_THREAD request from sigev_value.sival_ptr, a guest address here,
// and sends a SIGEV_SIGNAL request's signal to gemu, which forwards it
// only if it is one of hostSignals.
func sysMqNotify(t *Thread, a *Args) uint64 {
	if a[1] == 0 {
		return usermode.Ret(usermode.Raw(unix.SYS_MQ_NOTIFY, uintptr(int32(a[0])), 0, 0, 0, 0, 0))
	}
	b, err := t.ReadBytes(a[1], sizeSigevent)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	le := binary.LittleEndian
	signo, notify := int32(le.Uint32(b[8:])), int32(le.Uint32(b[12:]))
	switch notify {
	case sigevThread:
		p := t.UserRange(le.Uint64(b[0:]), notifyCookieLen)
		le.PutUint64(b[0:], uint64(p))
	case sigevSignal:
		if signo > 0 && signo <= linux.NSIG && usermode.HeldAcrossExec()&usermode.SigBit(int(signo)) == 0 {
			t.P.Unimp("gemu: mq_notify with signal %d, which gemu does not forward", signo)
			return usermode.Errno(unix.EINVAL)
		}
	}
	return usermode.Ret(usermode.Raw(unix.SYS_MQ_NOTIFY, uintptr(int32(a[0])), uintptr(unsafe.Pointer(&b[0])), 0, 0, 0, 0))
}
