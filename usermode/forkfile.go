package usermode

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// File pages across fork. Private guest memory backed by a host file (the
// program's and its libraries' segments, mapped from their files by the
// loader and ld.so, and files the guest maps privately) mostly still holds
// the file's own pages. Writing those into the fork's memfd cost the child
// about 10 µs per page (busybox's 1.5 MB of text on every fork of a
// shell); instead the parent passes the file, the child maps it at the
// same offset, and only the pages the process changed (anonymous
// copy-on-write copies, in /proc/self/pagemap) come from the memfd on top.
// A file gemu cannot open again by its path as the same file (deleted,
// replaced, a memfd) is copied whole, as before.

// forkFiles opens the files of one fork, one descriptor per file.
type forkFiles struct {
	fds map[fdID]int32
}

// open returns a descriptor of m's file, opened by path and checked to be
// the mapped file.
func (f *forkFiles) open(m hostMapping) (int32, bool) {
	if fd, ok := f.fds[m.id]; ok {
		return fd, fd >= 0
	}
	f.fds[m.id] = -1
	if !strings.HasPrefix(m.path, "/") || strings.HasSuffix(m.path, " (deleted)") {
		return -1, false
	}
	fd, err := HostFD(func() (int, error) {
		return unix.Open(m.path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	})
	if err != nil {
		return -1, false
	}
	if id, ok := fdIdentity(fd); !ok || id != m.id {
		unix.Close(fd)
		return -1, false
	}
	f.fds[m.id] = int32(fd)
	return int32(fd), true
}

// list is the opened descriptors, for the child to keep across its execve.
func (f *forkFiles) list() []int32 {
	var out []int32
	for _, fd := range f.fds {
		if fd >= 0 {
			out = append(out, fd)
		}
	}
	return out
}

// close closes the parent's descriptors once the child has its own.
func (f *forkFiles) close() {
	for _, fd := range f.list() {
		unix.Close(int(fd))
	}
}

// mapForkFiles maps the file pieces inside the guest range that starts at
// start and is host in the host's memory, copy-on-write; the memfd's pages
// go over them afterwards (mapData).
func mapForkFiles(files []forkFile, start uint64, host []byte) error {
	end := start + uint64(len(host))
	for _, f := range files {
		s, e := max(f.Start, start), min(f.End, end)
		if s >= e {
			continue
		}
		_, err := unix.MmapPtr(int(f.FD), f.Off+int64(s-f.Start), unsafe.Pointer(&host[s-start]), uintptr(e-s),
			unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_FIXED)
		if err != nil {
			return err
		}
	}
	return nil
}

// closeForkFiles closes the descriptors the parent passed.
func closeForkFiles(files []forkFile) {
	done := map[int32]bool{}
	for _, f := range files {
		if !done[f.FD] {
			done[f.FD] = true
			unix.Close(int(f.FD))
		}
	}
}
