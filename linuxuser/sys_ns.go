package linuxuser

import (
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"
	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// Namespaces. Guest threads are host threads locked to their goroutine
// (a thread that ends is not reused by Go), so unshare and setns act on
// the calling guest thread's host thread, and the processes it forks and
// execs inherit them; clone and clone3 pass the CLONE_NEW* flags to the
// host clone of a fork child. The host refuses what it refuses a
// multithreaded process (unshare(CLONE_NEWUSER): EINVAL). qemu-user
// returns EINVAL for all of them.

func init() {
	register(
		row{"unshare", sysUnshare, kinds(syscalls.ArgCloneFlags), syscalls.RetInt, syscalls.Full,
			"the calling thread's host thread; CLONE_NEWUSER is EINVAL (gemu is multithreaded)"},
		row{"setns", sysSetns, kinds(aInt, aHex), syscalls.RetInt, syscalls.Full, "the calling thread's host thread"},
	)
}

const cloneNewtime = 0x80

// unshareFlags are what unshare(2) accepts.
const unshareFlags = usermode.NsFlags&^usermode.CloneNewtime | cloneNewtime | linux.CloneFiles | linux.CloneFS | linux.CloneSysvsem |
	linux.CloneVM | linux.CloneSighand | linux.CloneThread

func sysUnshare(t *Thread, a *Args) uint64 {
	flags := a[0]
	if flags&^uint64(unshareFlags) != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	// Unsharing what only other threads could share: a no-op for a process
	// of one guest thread, EINVAL otherwise (kernel/fork.c check_unshare_flags).
	const wholeProcess = linux.CloneVM | linux.CloneSighand | linux.CloneThread
	if flags&wholeProcess != 0 {
		t.P.Mu.Lock()
		alone := len(t.P.Threads) == 1
		t.P.Mu.Unlock()
		if !alone {
			return usermode.Errno(unix.EINVAL)
		}
		flags &^= wholeProcess
	}
	// CLONE_SYSVSEM: gemu keeps no semaphore undo lists of its own.
	return usermode.Ret(usermode.Raw(unix.SYS_UNSHARE, uintptr(flags), 0, 0, 0, 0, 0))
}

// sysSetns joins the namespace of fd. Joining a mount namespace needs a
// thread that does not share its fs_struct, which Go's threads do: the
// thread unshares CLONE_FS first (its cwd and umask are copied).
func sysSetns(t *Thread, a *Args) uint64 {
	fd, nstype := uintptr(int32(a[0])), uintptr(int32(a[1]))
	if nstype == 0 || nstype == unix.CLONE_NEWNS {
		if _, err := usermode.Raw(unix.SYS_UNSHARE, unix.CLONE_FS, 0, 0, 0, 0, 0); err != nil {
			return usermode.ErrRet(err)
		}
	}
	return usermode.Ret(usermode.Raw(unix.SYS_SETNS, fd, nstype, 0, 0, 0, 0))
}
