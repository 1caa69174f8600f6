package linux

import (
	"fmt"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

type errnoInfo struct {
	Num     int
	Name    string
	Comment string // the kernel header's comment
}

// errnoByNum is built at first use: most runs never name an errno.
var errnoByNum = sync.OnceValue(func() map[int]errnoInfo {
	m := map[int]errnoInfo{}
	for _, e := range linuxErrnos {
		if _, dup := m[e.Num]; !dup {
			m[e.Num] = e
		}
	}
	return m
})

// Errno values beyond errno.h that reach -strace: the kernel-internal
// restart codes (Linux include/linux/errno.h).
var internalErrnos = map[int][2]string{
	512: {"ERESTARTSYS", "To be restarted"},
	513: {"ERESTARTNOINTR", "Successful exit from sigreturn"},
	514: {"ERESTARTNOHAND", "To be restarted if no handler"},
	516: {"ERESTART_RESTARTBLOCK", "Restart by calling restart_syscall"},
}

// ErrnoName is the symbolic name of a Linux errno ("ENOENT").
func ErrnoName(n int) string {
	if e, ok := errnoByNum()[n]; ok {
		return e.Name
	}
	if e, ok := internalErrnos[n]; ok {
		return e[0]
	}
	return fmt.Sprintf("E%d", n)
}

// ErrnoMessage is the strerror text QEMU's -strace prints. Linux guests on
// riscv64 and aarch64 share the asm-generic numbering with the x86_64 host,
// so the host C library's wording (as x/sys/unix records it) applies.
func ErrnoMessage(n int) string {
	if e, ok := internalErrnos[n]; ok {
		return e[1]
	}
	if _, ok := errnoByNum()[n]; !ok {
		return fmt.Sprintf("Unknown error %d", n)
	}
	msg := unix.Errno(n).Error()
	if strings.HasPrefix(msg, "errno ") {
		msg = errnoByNum()[n].Comment
	}
	if msg == "" {
		return fmt.Sprintf("Unknown error %d", n)
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// LinuxErrno converts a host error to the guest's errno number. The x86_64
// host uses the asm-generic values too, so unix.Errno passes through; any
// other error (should not happen) becomes EIO.
func LinuxErrno(err error) int {
	if e, ok := err.(unix.Errno); ok {
		return int(e)
	}
	return int(unix.EIO)
}
