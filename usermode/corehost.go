package usermode

import (
	"encoding/json"
	"os"
	"os/exec"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The host side of a guest core dump (coredump.go writes the guest's).
// A parent sees WCOREDUMP only when the host kernel itself dumped gemu's
// core (fs/coredump.c coredump_finish sets 0x80 in the exit code only
// after binfmt->core_dump succeeded), so gemu lets it, small and out of
// the way (docs/decisions.md "Core dumps"):
//   - every host mapping is MADV_DONTDUMP and /proc/self/coredump_filter
//     is 0, so the host core holds headers and notes only (a few hundred
//     KiB, not the 2^38-byte reservation);
//   - for a file core_pattern, RLIMIT_CORE is raised to the hard limit, a
//     relative pattern lands in a private directory (gemu chdirs there),
//     and a watcher process (gemu again, started before the death) removes
//     the host core once the dumping process is gone; if the host core
//     would take the guest core's name, the guest core is written under a
//     temporary name that the watcher renames over it.
// dieDumping runs as raw system calls: also in a vfork child's zombie
// (vfork.go), a copy-on-write child of a Go process.

// hostCore is the prepared plan: dieDumping's part is raw, for a vfork
// child's zombie; the watcher's part is Go.
type hostCore struct {
	setLimit bool
	limit    unix.Rlimit
	dir      *byte // chdir here before dying (the private directory), or nil
	filter   *byte // "/proc/self/coredump_filter"
	watch    coreWatch
}

// coreWatch is the watcher's work once the dumping process is gone.
type coreWatch struct {
	Unlink   []string // host cores to remove
	From, To string   // rename From over To (a name clash), if From is set
	Dir      string   // the private directory to remove, with its contents
}

func (w coreWatch) empty() bool { return len(w.Unlink) == 0 && w.From == "" && w.Dir == "" }

// dieDumping makes the host process dump core on sig and die, after
// arranging the dump as h says. It returns only if the signal did not
// kill (it always does: SIG_DFL, unblocked).
//
//go:nosplit
//go:norace
func dieDumping(h *hostCore, sig int) {
	const madvDontdump = 16
	syscall.RawSyscall(syscall.SYS_MADVISE, 0, 1<<47-4096, madvDontdump)
	if fd, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, AtFDCWD, uintptr(unsafe.Pointer(h.filter)),
		uintptr(unix.O_WRONLY|unix.O_CLOEXEC), 0, 0, 0); e == 0 {
		zero := byte('0')
		syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&zero)), 1)
		syscall.RawSyscall(syscall.SYS_CLOSE, fd, 0, 0)
	}
	if h.dir != nil {
		syscall.RawSyscall(syscall.SYS_CHDIR, uintptr(unsafe.Pointer(h.dir)), 0, 0)
	}
	if h.setLimit {
		syscall.RawSyscall6(syscall.SYS_PRLIMIT64, 0, uintptr(unix.RLIMIT_CORE), uintptr(unsafe.Pointer(&h.limit)), 0, 0, 0)
	}
	// x86_64 struct kernel_sigaction {handler, flags, restorer, mask}; SIG_DFL is 0.
	var act [4]uint64
	syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	set := uint64(1) << (sig - 1)
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	pid, _, _ := syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
	tid, _, _ := syscall.RawSyscall(syscall.SYS_GETTID, 0, 0, 0)
	syscall.RawSyscall(syscall.SYS_TGKILL, pid, tid, uintptr(sig))
	syscall.RawSyscall(syscall.SYS_KILL, pid, uintptr(sig), 0)
}

// Watcher mode: gemu started as coreWatcherName with the pidfd of the
// process to wait for as descriptor 3 and its work in coreWatchVar.
const (
	coreWatcherName = "gemu-core-watcher"
	coreWatchVar    = "GEMU_CORE_WATCH"
)

// startCoreWatcher starts the watcher for process pid (gemu itself, or a
// vfork child's zombie). It runs in a session of its own, so that a
// terminal's ^C or the end of gemu's process group leaves it be.
func startCoreWatcher(pid int, w coreWatch) {
	if w.empty() {
		return
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return
	}
	defer unix.Close(pidfd)
	job, err := json.Marshal(w)
	if err != nil {
		return
	}
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{coreWatcherName}
	cmd.Env = []string{coreWatchVar + "=" + string(job)}
	cmd.ExtraFiles = []*os.File{os.NewFile(uintptr(pidfd), "pidfd")}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if cmd.Start() == nil {
		cmd.Process.Release()
	}
}

// CoreWatcherMain runs the core watcher when gemu was started as one
// (startCoreWatcher) and exits; otherwise it returns at once.
func CoreWatcherMain() {
	job, ok := os.LookupEnv(coreWatchVar)
	if !ok || len(os.Args) == 0 || os.Args[0] != coreWatcherName {
		return
	}
	var w coreWatch
	if json.Unmarshal([]byte(job), &w) != nil {
		os.Exit(2)
	}
	fds := []unix.PollFd{{Fd: 3, Events: unix.POLLIN}}
	deadline := time.Now().Add(time.Hour) // a dump to a slow disk, at most
	for time.Now().Before(deadline) {
		if n, err := unix.Poll(fds, 60_000); n > 0 || (err != nil && err != unix.EINTR) {
			break
		}
	}
	for _, u := range w.Unlink {
		os.Remove(u)
	}
	if w.From != "" {
		os.Rename(w.From, w.To)
	}
	if w.Dir != "" {
		os.RemoveAll(w.Dir)
	}
	os.Exit(0)
}
