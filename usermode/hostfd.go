package usermode

import (
	"bytes"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	limits "github.com/gemu-project/gemu/internal/nofile"
)

// Guest fds are host fds, so gemu's own descriptors (the Go runtime's
// epoll fd and eventfd, a -D log file) must stay out of the guest's way:
// a guest's first open() returns 3 as it does natively, and a guest that
// closes every descriptor above 2 must not close the runtime's poller.
//
// ParkHostFDs opens gemu's descriptors while every low descriptor is
// taken, so that they land at HostFDFloor and above, and records them;
// close, dup2/dup3 onto them and close_range leave them alone (the guest
// sees EBADF, as for a descriptor it does not have).

// HostFDFloor is where gemu's own descriptors go.
const HostFDFloor = limits.HostFDFloor

var hostFDs struct {
	sync.RWMutex
	set map[int]bool
}

// ParkHostFDs runs open (gemu's own file opens) with descriptors 3 up to
// the parking floor taken, after starting the runtime's network poller
// there, all with the soft RLIMIT_NOFILE raised (withRaisedNofile): gemu
// starts even when the descriptors it inherited fill the guest's limit.
// Descriptors inherited from the parent stay where they are: they are the
// guest's. It may be called again (the gdbstub accepts its connection
// before the first guest instruction); the sets add up.
func ParkHostFDs(open func() error) error {
	Nofile.Lock()
	rl, ok := guestNofile()
	floor := HostFDFloor
	if ok {
		floor = parkFloor(rl)
		if Nofile.held == nil && rl.Max > rl.Cur && unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: rl.Max, Max: rl.Max}) == nil {
			Nofile.held = &rl
		}
	}
	Nofile.Unlock()
	err := parkHostFDs(floor, open)
	// Now, on the main thread: a thread that forks or vforks may have a
	// descriptor table of its own, which what it opens would stay in.
	openSelfExe()
	return err
}

func parkHostFDs(floor int, open func() error) error {
	// Any descriptor holds a place; a chroot may have no /dev/null.
	null, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		if null, err = unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err != nil {
			return err
		}
	}
	placeholders := fillLowFDs(null, floor)
	// With every low descriptor taken, what open makes is at floor or
	// above: a look there is enough (listing /proc/self/fd twice cost a
	// fork child 0.1 ms).
	list := openFDs
	if lowestFree(null) >= floor {
		list = func() map[int]bool { return highFDs(floor) }
	}
	before := list()
	startPoller()
	err = open()
	closeFDs(placeholders)
	unix.Close(null)
	hostFDs.Lock()
	if hostFDs.set == nil {
		hostFDs.set = map[int]bool{}
	}
	for fd := range list() {
		if !before[fd] {
			hostFDs.set[fd] = true
		}
	}
	hostFDs.Unlock()
	return err
}

// The guest's RLIMIT_NOFILE and gemu's descriptors (docs/decisions.md).
// The host process runs under the guest's soft limit, so the kernel
// enforces exactly the guest's limit on the guest's descriptors. gemu's own
// descriptors live at parkFloor or above, which is at least that soft
// limit, where the guest cannot have any: to make one, gemu raises the soft
// limit to the hard one for the moment, moves the new descriptor up and
// puts the limit back (a descriptor above the soft limit stays valid).
// So the guest opens as many descriptors as natively, and gemu's fork,
// exec and shared mappings work when the guest has used them all.

// Nofile serializes the raises with each other and with the guest's own
// RLIMIT_NOFILE changes. held is the guest's limit while gemu's start-up
// keeps the soft limit raised: from ParkHostFDs until the guest's first
// instruction (releaseNofile), as loading the program opens files even
// when the descriptors gemu inherited fill the guest's limit.
var Nofile struct {
	sync.Mutex
	held *unix.Rlimit
}

// guestNofile is the guest's RLIMIT_NOFILE. Call with nofile held.
func guestNofile() (unix.Rlimit, bool) {
	if Nofile.held != nil {
		return *Nofile.held, true
	}
	var rl unix.Rlimit
	return rl, unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) == nil
}

// releaseNofile gives the guest its soft limit back after start-up.
func releaseNofile() {
	Nofile.Lock()
	defer Nofile.Unlock()
	if Nofile.held != nil {
		unix.Setrlimit(unix.RLIMIT_NOFILE, Nofile.held)
		Nofile.held = nil
	}
}

// withRaisedNofile runs fn with the soft RLIMIT_NOFILE at the hard limit;
// floor is where gemu's descriptors go.
func withRaisedNofile(fn func(floor int)) {
	Nofile.Lock()
	defer Nofile.Unlock()
	rl, ok := guestNofile()
	if !ok {
		fn(HostFDFloor)
		return
	}
	if Nofile.held == nil && rl.Max > rl.Cur &&
		unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: rl.Max, Max: rl.Max}) == nil {
		defer unix.Setrlimit(unix.RLIMIT_NOFILE, &rl)
	}
	fn(parkFloor(rl))
}

// parkFloor is the lowest descriptor gemu parks at under limit rl
// (internal/nofile.ParkFloor).
func parkFloor(rl unix.Rlimit) int { return int(limits.ParkFloor(rl.Cur, rl.Max)) }

// HostFD makes one of gemu's descriptors with create, out of the guest's
// way: at parkFloor or above, close-on-exec. It is not recorded (ownFD):
// for descriptors gemu closes again soon. create runs under nofile's lock
// and must not block (a FIFO opens with O_NONBLOCK, a listener is
// non-blocking).
func HostFD(create func() (int, error)) (int, error) {
	var fd int
	var err error
	withRaisedNofile(func(floor int) {
		if fd, err = create(); err == nil {
			fd = moveUp(fd, floor)
		}
	})
	return fd, err
}

// moveUp moves fd to floor or above (close-on-exec) when it is below.
func moveUp(fd, floor int) int {
	if fd >= floor {
		return fd
	}
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, floor)
	if err != nil {
		return fd
	}
	unix.Close(fd)
	return nfd
}

// OwnFD is hostFD for a descriptor gemu keeps: it is recorded, so the
// guest can neither see nor close it.
func OwnFD(create func() (int, error)) (int, error) {
	fd, err := HostFD(create)
	if err == nil {
		markHostFD(fd, true)
	}
	return fd, err
}

// UnparkFD closes one of gemu's parked descriptors.
func UnparkFD(fd int) {
	unix.Close(fd)
	hostFDs.Lock()
	delete(hostFDs.set, fd)
	hostFDs.Unlock()
}

// startPoller makes the runtime create its epoll fd and eventfd now: a
// pipe with a deadline is registered with the poller.
func startPoller() {
	r, w, err := os.Pipe()
	if err != nil {
		return
	}
	r.SetReadDeadline(time.Now().Add(time.Hour))
	r.Close()
	w.Close()
}

// openFDs lists the process's open descriptors.
// lowestFree is the lowest free descriptor (-1 if none can be had).
func lowestFree(fd int) int {
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	unix.Close(nfd)
	return nfd
}

// highFDs lists the open descriptors from floor up to the first run of
// 64 free ones.
func highFDs(floor int) map[int]bool {
	out := map[int]bool{}
	for fd, free := floor, 0; free < 64; fd++ {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			free++
			continue
		}
		out[fd], free = true, 0
	}
	return out
}

func openFDs() map[int]bool {
	out := map[int]bool{}
	fd, err := procOpen("self/fd", unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return out
	}
	f := os.NewFile(uintptr(fd), "/proc/self/fd")
	d, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return out
	}
	for _, e := range d {
		n := 0
		for _, c := range e.Name() {
			n = n*10 + int(c-'0')
		}
		out[n] = true
	}
	return out
}

// IsHostFD reports whether fd is one of gemu's own descriptors.
func IsHostFD(fd int) bool {
	hostFDs.RLock()
	defer hostFDs.RUnlock()
	return hostFDs.set[fd]
}

// hostFDList returns gemu's descriptors in [lo, hi].
func hostFDList(lo, hi uint64) []int {
	hostFDs.RLock()
	defer hostFDs.RUnlock()
	var out []int
	for fd := range hostFDs.set {
		if uint64(fd) >= lo && uint64(fd) <= hi {
			out = append(out, fd)
		}
	}
	return out
}

// CloseGuestFDs is close_range over [first, last] but for gemu's own
// descriptors: the runtime's poller among them, which the Go scheduler
// uses from any thread, also one whose fd table is a vfork child's.
func CloseGuestFDs(first, last uint64, flags uintptr) unix.Errno {
	skip := hostFDList(first, last)
	sort.Ints(skip)
	lo := first
	for _, fd := range append(skip, int(last)+1) {
		if uint64(fd) > lo {
			if _, _, e := unix.Syscall(unix.SYS_CLOSE_RANGE, uintptr(lo), uintptr(fd-1), flags); e != 0 {
				return e
			}
		}
		lo = uint64(fd) + 1
	}
	return 0
}

// IsOwnFDDir reports whether the directory open at fd is this process's
// /proc/<pid>/fd or /proc/<pid>/task/<tid>/fd.
func IsOwnFDDir(fd int) bool {
	target, err := FDLink(fd)
	if err != nil || !strings.HasSuffix(target, "/fd") {
		return false
	}
	rest, ok := strings.CutPrefix(target, "/proc/"+strconv.Itoa(os.Getpid())+"/")
	return ok && (rest == "fd" || strings.HasPrefix(rest, "task/"))
}

// HideHostFDs removes gemu's descriptors from a getdents64 buffer (struct
// linux_dirent64: d_ino, d_off, d_reclen at 16, d_type, d_name at 19) and
// returns the new length.
func HideHostFDs(b []byte) int {
	w := 0
	for r := 0; r+19 <= len(b); {
		reclen := int(LE.Uint16(b[r+16:]))
		if reclen == 0 || r+reclen > len(b) {
			break
		}
		name := b[r+19 : r+reclen]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		n, err := strconv.Atoi(string(name))
		if err != nil || !IsHostFD(n) {
			copy(b[w:], b[r:r+reclen])
			w += reclen
		}
		r += reclen
	}
	return w
}
