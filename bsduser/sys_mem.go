package bsduser

import (
	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

func init() {
	register(
		partial("mmap", sysMmap, "MAP_ALIGNED and MAP_32BIT are not honoured; MAP_GUARD is a PROT_NONE mapping",
			aPtr, aInt, aHex, aHex, aInt, aHex),
		def("munmap", sysMunmap, aPtr, aInt),
		def("mprotect", sysMprotect, aPtr, aInt, aHex),
		partial("madvise", sysMadvise, "advice other than DONTNEED and FREE is accepted and ignored", aPtr, aInt, aInt),
		partial("minherit", func(t *Thread, a *Args) uint64 { return 0 }, "accepted, ignored", aPtr, aInt, aInt),
		partial("mlock", func(t *Thread, a *Args) uint64 { return 0 }, "accepted, ignored", aPtr, aInt),
		partial("munlock", func(t *Thread, a *Args) uint64 { return 0 }, "accepted, ignored", aPtr, aInt),
		def("msync", sysMsync, aPtr, aInt, aHex),
	)
}

// sysMmap maps as sys/vm/vm_mmap.c kern_mmap checks: an unaligned
// offset, a zero length or an unknown flag is EINVAL; MAP_FIXED|MAP_EXCL
// fails on an occupied range.
func sysMmap(t *Thread, a *Args) uint64 {
	addr, length, prot, flags, fd, off := a[0], a[1], int(a[2]&7), a[3], fdArg(a[4]), a[5]
	host, rest := freebsd.MmapFlags.ToLinux(flags)
	rest &^= freebsd.MAP_NOCORE | freebsd.MAP_HASSEMAPHORE | freebsd.MAP_NOSYNC | freebsd.MAP_32BIT |
		freebsd.MAP_ALIGNMENT_MASK
	guard := rest&freebsd.MAP_GUARD != 0
	rest &^= freebsd.MAP_GUARD
	if rest != 0 || length == 0 || off&usermode.PageMask != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if usermode.PageUp(length) == 0 || usermode.PageUp(length) > t.P.AS.Limit() {
		return usermode.Errno(unix.ENOMEM) // vm_mmap.c kern_mmap: the size wraps or cannot fit
	}
	anon := host&unix.MAP_ANONYMOUS != 0 || guard
	if guard {
		prot = 0 // MAP_GUARD: a reservation no access reaches (sys/sys/mman.h)
	}
	fixed := host&(unix.MAP_FIXED|unix.MAP_FIXED_NOREPLACE) != 0
	if fixed && addr&usermode.PageMask != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	spec := translate.MapSpec{Addr: addr, Length: length, Prot: prot, FD: fd, Offset: int64(off),
		Fixed: host&unix.MAP_FIXED != 0, NoReplace: host&unix.MAP_FIXED_NOREPLACE != 0,
		Shared: host&unix.MAP_SHARED != 0}
	if spec.NoReplace {
		spec.Fixed = false
	}
	if anon {
		spec.FD, spec.Offset = -1, 0
		if spec.Shared {
			return t.MapSharedAnon(spec)
		}
	} else {
		if usermode.IsHostFD(fd) {
			return usermode.Errno(unix.EBADF)
		}
		spec.Name, _ = usermode.FDLink(fd)
	}
	got, err := t.P.AS.Map(spec)
	if err != nil {
		if err == translate.ErrExist {
			return usermode.Errno(unix.ENOMEM) // FreeBSD's answer for MAP_EXCL
		}
		return usermode.ErrRet(err)
	}
	if spec.Shared {
		t.P.Backing.Add(fd)
	}
	return got
}

func sysMunmap(t *Thread, a *Args) uint64 {
	if a[0]&usermode.PageMask != 0 || a[1] == 0 {
		return usermode.Errno(unix.EINVAL)
	}
	return usermode.OK(t.P.AS.Unmap(a[0], a[1]))
}

func sysMprotect(t *Thread, a *Args) uint64 {
	if a[0]&usermode.PageMask != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if a[1] == 0 {
		return 0
	}
	return usermode.OK(t.P.AS.Protect(a[0], a[1], int(a[2]&7)))
}

// FreeBSD madvise advice (sys/sys/mman.h) that discards contents.
const (
	madvDontneed = 4
	madvFree     = 5
)

// sysMadvise: MADV_DONTNEED and MADV_FREE let the pages go (zero-filled
// afterwards, as Linux's do for private anonymous memory); the other
// advice is only a hint.
func sysMadvise(t *Thread, a *Args) uint64 {
	addr, length, advice := a[0], a[1], int(int32(a[2]))
	if addr&usermode.PageMask != 0 || addr+usermode.PageUp(length) < addr {
		return usermode.Errno(unix.EINVAL)
	}
	if length == 0 || (advice != madvDontneed && advice != madvFree) {
		return 0
	}
	s, err := t.P.AS.Slice(addr, usermode.PageUp(length), 0)
	if err != nil {
		return usermode.Errno(unix.ENOMEM)
	}
	if t.P.ForkImage {
		// Private pages may come from the fork image (usermode/forkresume.go).
		return usermode.OK(t.P.AS.Zero(addr, uint64(len(s))))
	}
	return usermode.OK(unix.Madvise(s, unix.MADV_DONTNEED))
}

// sysMsync: MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 0 on FreeBSD
// (sys/sys/mman.h).
func sysMsync(t *Thread, a *Args) uint64 {
	s, err := t.P.AS.Slice(a[0], usermode.PageUp(a[1]), 0)
	if err != nil {
		return usermode.Errno(unix.ENOMEM)
	}
	flags := unix.MS_SYNC
	if a[2]&1 != 0 {
		flags = unix.MS_ASYNC
	}
	if a[2]&2 != 0 {
		flags |= unix.MS_INVALIDATE
	}
	return usermode.OK(unix.Msync(s, flags))
}
