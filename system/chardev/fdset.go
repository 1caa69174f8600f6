package chardev

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gemu-project/gemu/system/qemuopts"
	"golang.org/x/sys/unix"
)

// AddFD is one -add-fd fd=FD,set=SET[,opaque=TEXT] (qemu-options.hx): a
// duplicate of descriptor FD goes into fd set SET, where a path
// /dev/fdset/SET can later find it.
type AddFD struct {
	FD     int
	Set    int
	Opaque string
}

// ParseAddFD reads an -add-fd argument.
func ParseAddFD(text string) (AddFD, error) {
	sp := &Spec{Text: text, Option: "-add-fd"}
	var o opts
	if err := o.read(sp, qemuopts.Split(text)); err != nil {
		return AddFD{}, err
	}
	for _, k := range o.keys {
		if k != "fd" && k != "set" && k != "opaque" {
			return AddFD{}, specError(sp, "invalid parameter '%s' (known: fd, set, opaque)", k)
		}
	}
	a := AddFD{Opaque: o.vals["opaque"]}
	for _, f := range []struct {
		k string
		p *int
	}{{"fd", &a.FD}, {"set", &a.Set}} {
		v, ok := o.vals[f.k]
		n, err := strconv.ParseUint(v, 10, 31)
		if !ok || err != nil {
			return AddFD{}, specError(sp, "%s option is required and must be a non-negative number", f.k)
		}
		*f.p = int(n)
	}
	if a.FD <= 2 {
		return AddFD{}, specError(sp, "fd cannot be a standard I/O stream")
	}
	return a, nil
}

// FDSetPath recognises /dev/fdset/N.
func FDSetPath(p string) (set int, ok bool) {
	rest, ok := strings.CutPrefix(p, "/dev/fdset/")
	if !ok {
		return -1, false
	}
	n, err := strconv.ParseUint(rest, 10, 31)
	if err != nil {
		return -1, false
	}
	return int(n), true
}

// FDSets are QEMU's fd sets. They own the duplicates they hold.
type FDSets struct {
	mu   sync.Mutex
	sets map[int][]fdEntry
}

type fdEntry struct {
	fd     int
	opaque string
}

// Add puts a close-on-exec duplicate of a.FD into set a.Set. a.FD itself
// stays open for the caller (QEMU closes it once start-up is over; gemu
// leaves that to whoever handed it in).
func (s *FDSets) Add(a AddFD) error {
	if a.FD <= 2 {
		return fmt.Errorf("-add-fd fd=%d: fd cannot be a standard I/O stream", a.FD)
	}
	dup, err := unix.FcntlInt(uintptr(a.FD), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return fmt.Errorf("-add-fd fd=%d,set=%d: fd is not valid: %w", a.FD, a.Set, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sets == nil {
		s.sets = map[int][]fdEntry{}
	}
	s.sets[a.Set] = append(s.sets[a.Set], fdEntry{dup, a.Opaque})
	return nil
}

// Sets lists the set numbers in use.
func (s *FDSets) Sets() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for n := range s.sets {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// Dup returns a close-on-exec duplicate of a descriptor of set whose
// access mode is accmode (O_RDONLY, O_WRONLY or O_RDWR), as QEMU's
// /dev/fdset/N paths pick one; accmode -1 takes the first descriptor.
func (s *FDSets) Dup(set, accmode int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, ok := s.sets[set]
	if !ok {
		return -1, fmt.Errorf("/dev/fdset/%d: no such fd set (give it with -add-fd fd=N,set=%d)", set, set)
	}
	for _, e := range entries {
		if accmode >= 0 {
			fl, err := unix.FcntlInt(uintptr(e.fd), unix.F_GETFL, 0)
			if err != nil || fl&unix.O_ACCMODE != accmode {
				continue
			}
		}
		return unix.FcntlInt(uintptr(e.fd), unix.F_DUPFD_CLOEXEC, 3)
	}
	return -1, fmt.Errorf("/dev/fdset/%d: no descriptor with access mode %s", set, accModeName(accmode))
}

func accModeName(m int) string {
	switch m {
	case unix.O_RDONLY:
		return "O_RDONLY"
	case unix.O_WRONLY:
		return "O_WRONLY"
	}
	return "O_RDWR"
}

// Close closes every descriptor of every set.
func (s *FDSets) Close() {
	s.mu.Lock()
	sets := s.sets
	s.sets = nil
	s.mu.Unlock()
	for _, es := range sets {
		for _, e := range es {
			unix.Close(e.fd)
		}
	}
}

// openPath opens a file, or takes a descriptor from an fd set for a
// /dev/fdset/N path.
func (s *FDSets) openPath(path string, flags int, perm os.FileMode) (*os.File, error) {
	set, ok := FDSetPath(path)
	if !ok {
		return os.OpenFile(path, flags|unix.O_CLOEXEC, perm)
	}
	fd, err := s.Dup(set, flags&unix.O_ACCMODE)
	if err != nil {
		return nil, err
	}
	if flags&unix.O_APPEND != 0 {
		fl, _ := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl|unix.O_APPEND)
	}
	return os.NewFile(uintptr(fd), path), nil
}
