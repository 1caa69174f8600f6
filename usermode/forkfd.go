package usermode

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Descriptors and fork (fork.go).
//
// Guest fds are host fds, and the guest's close-on-exec flag is the host's
// FD_CLOEXEC. gemu's own descriptors (hostfd.go: the Go runtime's poller,
// log files; and the files behind shared guest mappings kept here) are
// FD_CLOEXEC too. A fork re-executes gemu in the child, so it must tell
// the two apart: the guest's close-on-exec fds must survive that execve
// (and get their flag back), gemu's must not.

// fdID identifies an open file independently of its descriptor number.
type fdID struct{ dev, ino uint64 }

func fdIdentity(fd int) (fdID, bool) {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return fdID{}, false
	}
	return fdID{dev: st.Dev, ino: st.Ino}, true
}

// markHostFD adds fd to gemu's own descriptors (hostfd.go), which the
// guest cannot close or replace, or removes it.
func markHostFD(fd int, own bool) {
	hostFDs.Lock()
	defer hostFDs.Unlock()
	if hostFDs.set == nil {
		hostFDs.set = map[int]bool{}
	}
	if own {
		hostFDs.set[fd] = true
	} else {
		delete(hostFDs.set, fd)
	}
}

var (
	internalOnce sync.Once
	internalFDs  map[int]fdID // close-on-exec descriptors when the guest started
)

// recordInternalFDs notes gemu's own descriptors before the guest runs,
// also where ParkHostFDs was not called (tests embedding the core): every
// close-on-exec descriptor open then, since one inherited through execve
// never has the flag (execve(2)). The runtime's poller is started first:
// it opens its descriptors lazily.
func recordInternalFDs() {
	internalOnce.Do(func() {
		startPoller()
		internalFDs = map[int]fdID{}
		fds, _ := listFDs()
		for _, fd := range fds {
			if f, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && f&unix.FD_CLOEXEC != 0 {
				if id, ok := fdIdentity(fd); ok {
					internalFDs[fd] = id
				}
			}
		}
	})
}

// isInternal reports whether fd is one of gemu's own descriptors.
func isInternal(fd int) bool {
	if IsHostFD(fd) {
		return true
	}
	id, ok := internalFDs[fd]
	if !ok {
		return false
	}
	now, ok := fdIdentity(fd)
	return ok && now == id
}

// listFDs returns the open descriptor numbers, from /proc/self/fd.
func listFDs() ([]int, error) {
	dir, err := HostFD(func() (int, error) {
		return procOpen("self/fd", unix.O_RDONLY|unix.O_DIRECTORY)
	})
	if err != nil {
		return nil, err
	}
	defer unix.Close(dir)
	var out []int
	buf := make([]byte, 8192)
	for {
		n, err := unix.ReadDirent(dir, buf)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return out, nil
		}
		// struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name.
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
			if reclen == 0 || reclen > len(b) {
				break
			}
			name, _, _ := bytes.Cut(b[19:reclen], []byte{0})
			if fd, err := strconv.Atoi(string(name)); err == nil && fd != dir {
				out = append(out, fd)
			}
			b = b[reclen:]
		}
	}
}

// sharedFiles keeps a descriptor for every file the guest maps MAP_SHARED
// (a memfd for anonymous shared memory, linuxuser/sys_mem.go), so that a forked
// child, which starts with no mappings after its execve, maps the same
// pages again. It is shared by a process and its vfork children.
type sharedFiles struct {
	mu  sync.Mutex
	fds map[fdID]sharedFD
}

type sharedFD struct {
	fd       int
	writable bool
}

// Add remembers the file open as fd (the guest's own descriptor: a
// duplicate is kept). A writable descriptor replaces a read-only one.
func (s *sharedFiles) Add(fd int) {
	id, ok := fdIdentity(fd)
	if !ok {
		return
	}
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	writable := err == nil && fl&unix.O_ACCMODE == unix.O_RDWR
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.fds[id]; ok && (old.writable || !writable) {
		return
	}
	nfd, err := OwnFD(func() (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0) })
	if err != nil {
		return
	}
	if old, ok := s.fds[id]; ok {
		markHostFD(old.fd, false)
		unix.Close(old.fd)
	}
	if s.fds == nil {
		s.fds = map[fdID]sharedFD{}
	}
	s.fds[id] = sharedFD{fd: nfd, writable: writable}
}

// lookup returns the kept descriptor of a file.
func (s *sharedFiles) lookup(id fdID) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.fds[id]
	return f.fd, ok
}

// prune closes the descriptors of files no longer mapped.
func (s *sharedFiles) prune(used map[fdID]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, f := range s.fds {
		if !used[id] {
			markHostFD(f.fd, false)
			unix.Close(f.fd)
			delete(s.fds, id)
		}
	}
}

// isShared reports whether fd is one of the kept descriptors.
func (s *sharedFiles) isShared(fd int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.fds {
		if f.fd == fd {
			return true
		}
	}
	return false
}

// hostMapping is one line of the host's /proc/self/maps backed by a file.
type hostMapping struct {
	start, end uintptr
	off        int64
	id         fdID
	path       string // the file's path as the kernel shows it
}

// hostFileMappings lists the file-backed host mappings inside [lo, hi)
// (proc(5): "address perms offset dev inode pathname", dev as major:minor
// in hex).
func hostFileMappings(lo, hi uintptr) ([]hostMapping, error) {
	fd, err := HostFD(func() (int, error) { return procOpen("self/maps", unix.O_RDONLY) })
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "/proc/self/maps")
	defer f.Close()
	var out []hostMapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m, ok := parseMapsLine(sc.Text())
		if ok && m.id.ino != 0 && m.end > lo && m.start < hi {
			out = append(out, m)
		}
	}
	return out, sc.Err()
}

// MapsRanges are the address ranges of the lines of a /proc/<pid>/maps text.
func MapsRanges(text []byte) [][2]uint64 {
	var out [][2]uint64
	for _, line := range strings.Split(string(text), "\n") {
		if m, ok := parseMapsLine(line); ok {
			out = append(out, [2]uint64{uint64(m.start), uint64(m.end)})
		}
	}
	return out
}

func parseMapsLine(line string) (hostMapping, bool) {
	var m hostMapping
	f := strings.Fields(line)
	if len(f) < 5 {
		return m, false
	}
	lo, hi, _ := strings.Cut(f[0], "-")
	major, minor, _ := strings.Cut(f[3], ":")
	var v [6]uint64
	for i, s := range []string{lo, hi, f[2], major, minor} {
		x, err := strconv.ParseUint(s, 16, 64)
		if err != nil {
			return m, false
		}
		v[i] = x
	}
	ino, err := strconv.ParseUint(f[4], 10, 64)
	if err != nil {
		return m, false
	}
	m.start, m.end, m.off = uintptr(v[0]), uintptr(v[1]), int64(v[2])
	if len(f) > 5 {
		m.path = strings.Join(f[5:], " ")
	}
	m.id = fdID{dev: unix.Mkdev(uint32(v[3]), uint32(v[4])), ino: ino}
	return m, true
}
