package freebsd

import (
	"testing"

	"github.com/gemu-project/gemu/syscalls/linux"
	"golang.org/x/sys/unix"
)

func TestEveryLinuxErrnoMaps(t *testing.T) {
	for n := 1; n <= maxLinuxErrno; n++ {
		if linux.ErrnoName(n) == "E41" || linux.ErrnoName(n) == "E58" {
			continue // unassigned in asm-generic/errno.h
		}
		if _, ok := errnoMaps()[0][n]; !ok {
			t.Errorf("Linux %s (%d) has no FreeBSD errno", linux.ErrnoName(n), n)
		}
	}
	for _, e := range errnoNames {
		if _, ok := errnoMaps()[1][e.Num]; !ok {
			t.Errorf("FreeBSD %s (%d) has no Linux errno", e.Name, e.Num)
		}
	}
}

func TestErrnoByName(t *testing.T) {
	for linux, bsd := range map[unix.Errno]Errno{
		unix.EPERM: EPERM, unix.EAGAIN: EAGAIN, unix.EDEADLK: EDEADLK, unix.ENOSYS: ENOSYS,
		unix.EINPROGRESS: EINPROGRESS, unix.ENOTSUP: EOPNOTSUPP, unix.EOVERFLOW: EOVERFLOW,
		unix.ENODATA: ENOATTR, unix.EOWNERDEAD: EOWNERDEAD, unix.ENOTEMPTY: ENOTEMPTY,
	} {
		if got := ErrnoFromLinux(int(linux)); got != bsd {
			t.Errorf("ErrnoFromLinux(%v) = %s, want %s", linux, got.Name(), bsd.Name())
		}
		if got := ErrnoFromHost(linux); got != bsd {
			t.Errorf("ErrnoFromHost(%v) = %s", linux, got.Name())
		}
	}
	if EAGAIN != 35 || EDEADLK != 11 || ENOSYS != 78 || ENOATTR != 87 || EAGAIN.Linux() != int(unix.EAGAIN) {
		t.Error("errno numbers moved")
	}
	if EAGAIN.Name() != "EAGAIN" || ENOENT.Error() != "no such file or directory" {
		t.Errorf("names %q %q", EAGAIN.Name(), ENOENT.Error())
	}
}

func TestSignalMapping(t *testing.T) {
	for bsd, linux := range map[Signal]int{SIGBUS: 7, SIGUSR1: 10, SIGUSR2: 12, SIGCHLD: 17,
		SIGSYS: 31, SIGCONT: 18, SIGSTOP: 19, SIGTHR: 32, SIGLIBRT: 33, SIGRTMIN: 34, SIGRTMIN + 30: 64} {
		got, ok := bsd.Linux()
		if !ok || got != linux {
			t.Errorf("%v.Linux() = %d, %v; want %d", bsd, got, ok, linux)
		}
		if back, ok := SignalFromLinux(linux); !ok || back != bsd {
			t.Errorf("SignalFromLinux(%d) = %v, %v", linux, back, ok)
		}
	}
	for _, s := range []Signal{SIGEMT, SIGINFO, SIGRTMIN + 31, SIGRTMAX} {
		if _, ok := s.Linux(); ok {
			t.Errorf("%v has a host number", s)
		}
	}
	if _, ok := SignalFromLinux(30); ok { // SIGPWR
		t.Error("SIGPWR mapped")
	}
	if SIGRTMIN.String() != "SIGRTMIN" || (SIGRTMIN+3).String() != "SIGRTMIN+3" || SIGABRT.String() != "SIGABRT" {
		t.Error("signal names")
	}
}

func TestSigsetConversion(t *testing.T) {
	var s Sigset
	for _, n := range []Signal{SIGHUP, SIGBUS, SIGUSR1, SIGTHR, SIGRTMIN, SIGINFO, SIGRTMAX} {
		s.Add(n)
	}
	if s[0] != 1|1<<9|1<<29|1<<31|1<<28 || s[2] != 1 || s[3] != 1<<29 {
		t.Errorf("sigset words %x", s)
	}
	linux := s.Linux()
	want := uint64(1 | 1<<6 | 1<<9 | 1<<31 | 1<<33)
	if linux != want {
		t.Errorf("Linux() = %#x, want %#x", linux, want)
	}
	back := SigsetFromLinux(linux)
	if back.Has(SIGINFO) || !back.Has(SIGBUS) || !back.Has(SIGRTMIN) || !back.Has(SIGTHR) {
		t.Errorf("back %x", back)
	}
	b := make([]byte, SigsetSize)
	s.Encode(b)
	if DecodeSigset(b) != s {
		t.Error("sigset bytes")
	}
}

func TestOpenFlags(t *testing.T) {
	linux, rest := OpenFlagsToLinux(2 | O_CREAT | O_EXCL | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_EXLOCK)
	want := uint64(unix.O_RDWR | unix.O_CREAT | unix.O_EXCL | unix.O_CLOEXEC | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_NONBLOCK)
	if linux != want || rest != O_EXLOCK {
		t.Errorf("open flags %#o rest %#x, want %#o", linux, rest, want)
	}
	if l, _ := OpenFlagsToLinux(O_SYNC); l != unix.O_SYNC {
		t.Errorf("O_SYNC -> %#o", l)
	}
	if g := OpenFlagsFromLinux(unix.O_SYNC | unix.O_APPEND | unix.O_WRONLY); g != O_SYNC|O_APPEND|1 {
		t.Errorf("from host %#x", g)
	}
	if g := OpenFlagsFromLinux(unix.O_DSYNC); g != O_DSYNC {
		t.Errorf("O_DSYNC from host %#x", g)
	}
}

func TestMmapAtWaitMsg(t *testing.T) {
	l, rest := MmapFlags.ToLinux(MAP_PRIVATE | MAP_FIXED | MAP_EXCL | MAP_ANON | MAP_NOCORE | 12<<MAP_ALIGNMENT_SHIFT)
	if l != unix.MAP_PRIVATE|unix.MAP_FIXED_NOREPLACE|unix.MAP_ANONYMOUS || rest != MAP_NOCORE|12<<MAP_ALIGNMENT_SHIFT {
		t.Errorf("mmap %#x rest %#x", l, rest)
	}
	if MmapAlignment(rest) != 12 || MmapAlignment(MAP_ALIGNED_SUPER) != 1 {
		t.Error("MAP_ALIGNED")
	}
	if l, rest := AtFlags.ToLinux(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_RESOLVE_BENEATH); l != unix.AT_SYMLINK_NOFOLLOW|unix.AT_EMPTY_PATH || rest != AT_RESOLVE_BENEATH {
		t.Errorf("at flags %#x %#x", l, rest)
	}
	if l, _ := WaitOptions.ToLinux(WNOHANG | WEXITED | WCONTINUED); l != unix.WNOHANG|unix.WEXITED|unix.WCONTINUED {
		t.Errorf("wait %#x", l)
	}
	if l, _ := MsgFlags.ToLinux(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_WAITALL); l != unix.MSG_DONTWAIT|unix.MSG_NOSIGNAL|unix.MSG_WAITALL {
		t.Errorf("msg %#x", l)
	}
	if g := PollEvents.FromLinux(unix.POLLIN | unix.POLLHUP | 0x2000); g != 1|0x10|POLLRDHUP {
		t.Errorf("poll %#x", g)
	}
}

func TestWaitStatus(t *testing.T) {
	for linux, bsd := range map[uint32]uint32{
		3 << 8:       3 << 8,       // exit(3)
		7:            10,           // killed by SIGBUS
		7 | 0x80:     10 | 0x80,    // SIGBUS with core
		10<<8 | 0x7f: 30<<8 | 0x7f, // stopped by SIGUSR1
		0xffff:       0x13,         // continued
	} {
		if got := WaitStatusFromLinux(linux); got != bsd {
			t.Errorf("WaitStatusFromLinux(%#x) = %#x, want %#x", linux, got, bsd)
		}
	}
}

func TestCommandsAndIDs(t *testing.T) {
	for bsd, linux := range map[int]int{F_GETFL: unix.F_GETFL, F_SETLK: unix.F_SETLK, F_DUPFD_CLOEXEC: unix.F_DUPFD_CLOEXEC, F_GETOWN: unix.F_GETOWN} {
		if got, ok := FcntlCmdToLinux(bsd); !ok || got != linux {
			t.Errorf("fcntl %d -> %d %v", bsd, got, ok)
		}
	}
	if _, ok := FcntlCmdToLinux(F_DUP2FD); ok {
		t.Error("F_DUP2FD has no host command")
	}
	for bsd, linux := range map[int]int{CLOCK_MONOTONIC: unix.CLOCK_MONOTONIC, CLOCK_REALTIME: unix.CLOCK_REALTIME,
		CLOCK_UPTIME: unix.CLOCK_BOOTTIME, CLOCK_MONOTONIC_FAST: unix.CLOCK_MONOTONIC_COARSE,
		CLOCK_THREAD_CPUTIME_ID: unix.CLOCK_THREAD_CPUTIME_ID, CLOCK_PROCESS_CPUTIME_ID: unix.CLOCK_PROCESS_CPUTIME_ID} {
		if got, ok := ClockToLinux(bsd); !ok || got != linux {
			t.Errorf("clock %d -> %d", bsd, got)
		}
	}
	if SocketTypeToLinux(unix.SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK) != unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK {
		t.Error("socket type")
	}
	if l, o, ok := SockoptToLinux(SOL_SOCKET, SO_REUSEADDR); !ok || l != unix.SOL_SOCKET || o != unix.SO_REUSEADDR {
		t.Error("SO_REUSEADDR")
	}
	if r, ok := RlimitToLinux(RLIMIT_NOFILE); !ok || r != unix.RLIMIT_NOFILE {
		t.Error("RLIMIT_NOFILE")
	}
	if RlimValueFromLinux(^uint64(0)) != RLIM_INFINITY {
		t.Error("RLIM_INFINITY")
	}
}
