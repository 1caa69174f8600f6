package linuxuser

import (
	"bytes"
	"runtime"
	"strconv"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/translate"
)

// remap_file_pages and process_madvise: calls on the guest's mappings
// that the host's kernel can do only on host addresses, which gemu gives
// it once it has checked the guest's side.

func init() {
	register(
		row{"remap_file_pages", sysRemapFilePages, kinds(aPtr, aLong, syscalls.ArgProt, aLong, aHex), syscalls.RetInt,
			syscalls.Full, "the kernel's emulation: the same file mapped again over the range at pgoff"},
		row{"process_madvise", sysProcessMadvise, kinds(aInt, aPtr, aLong, syscalls.ArgMadvise, aHex), syscalls.RetInt,
			syscalls.Full, "this process: madvise of each range; another: the host's, at its guest base (/proc peer)"},
	)
}

// sysRemapFilePages is remap_file_pages(start, size, prot, pgoff, flags),
// which Linux emulates since 3.16 (mm/mmap.c; it warns once in the kernel
// log): prot must be 0, start and size are rounded down to pages, an
// empty or wrapping range and a wrapping pgoff are EINVAL, and so is a
// range that is not all shared mappings (the first one holds start). The
// kernel then maps the file of that mapping again over the range at pgoff
// (MAP_SHARED|MAP_FIXED|MAP_POPULATE, the mapping's protection, only
// MAP_NONBLOCK of flags). gemu checks the guest's mappings and lets the
// host's remap_file_pages replace the host pages, which checks the rest as
// the guest's kernel would (one file with the same flags throughout, the
// file open for writing: a MAP_SHARED mapping of a read-only file is not
// VM_SHARED), then records the new mapping (its offset, for /proc/self/maps).
func sysRemapFilePages(t *Thread, a *Args) uint64 {
	start, size, pgoff, flags := a[0]&^usermode.PageMask, a[1]&^usermode.PageMask, a[3], a[4]
	if a[2] != 0 || start+size <= start || pgoff+size/translate.PageSize < pgoff {
		return usermode.Errno(unix.EINVAL)
	}
	v, ok := sharedRange(t.P.AS.VMAs(), start, start+size)
	if !ok {
		return usermode.Errno(unix.EINVAL)
	}
	remap := func(host unsafe.Pointer) error {
		_, _, e := unix.Syscall6(unix.SYS_REMAP_FILE_PAGES, uintptr(host), uintptr(size), 0, uintptr(pgoff),
			uintptr(flags&linux.MapNonblock), 0)
		if e != 0 {
			return e
		}
		return nil
	}
	_, err := t.P.AS.Map(translate.MapSpec{Addr: start, Length: size, Prot: v.Prot, Fixed: true, Shared: true, FD: -1,
		Offset: int64(pgoff * translate.PageSize), Name: v.Name, SysV: v.SysV, Attach: remap})
	return usermode.OK(err)
}

// sharedRange is the mapping holding lo when shared mappings without a
// hole cover [lo, hi).
func sharedRange(vmas []translate.VMA, lo, hi uint64) (translate.VMA, bool) {
	var first translate.VMA
	at := lo
	for _, v := range vmas {
		if v.End <= at {
			continue
		}
		if v.Start > at || !v.Shared {
			return first, false
		}
		if at == lo {
			first = v
		}
		if at = v.End; at >= hi {
			return first, true
		}
	}
	return first, false
}

// MAX_RW_COUNT, the most import_iovec takes in all (include/linux/fs.h).
const maxRWCount = 0x7ffff000

// sysProcessMadvise is process_madvise(pidfd, vec, vlen, advice, flags)
// (mm/madvise.c) in its order: the flags, the vector (import_iovec: a
// count above UIO_MAXIOV, a negative length EINVAL, an unreadable array
// or a range past the end of the address space EFAULT), the pidfd
// (EBADF, ESRCH), the access (EPERM), for another process advice other
// than MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED and MADV_COLLAPSE (EINVAL)
// and CAP_SYS_NICE (EPERM). The host makes these checks: first with
// descriptor -1, whose EBADF says that flags and vector are right, then
// with the pidfd and no vector. Each range is then advised in turn; the
// result is the bytes done before the first range that fails, or its
// error. This process's ranges take any advice madvise does (since Linux
// 6.13), through gemu's madvise; another process's go to the host at that
// process's guest base (another gemu's, from its /proc peer).
func sysProcessMadvise(t *Thread, a *Args) uint64 {
	pidfd, vec, vlen, advice := uintptr(int32(a[0])), a[1], a[2], uintptr(int32(a[3]))
	iov, p := t.HostIovecs(vec, vlen)
	_, _, e := unix.Syscall6(unix.SYS_PROCESS_MADVISE, ^uintptr(0), p, uintptr(vlen), advice, uintptr(uint32(a[4])), 0)
	runtime.KeepAlive(iov)
	if e != unix.EBADF {
		return usermode.Errno(e)
	}
	if _, _, e := unix.Syscall6(unix.SYS_PROCESS_MADVISE, pidfd, 0, 0, advice, 0, 0); e != 0 {
		return usermode.Errno(e)
	}
	pid, ok := pidfdPid(int(pidfd))
	if !ok {
		t.P.Unimp("gemu: process_madvise: which process pidfd %d names is unknown", int(pidfd))
		return usermode.Errno(unix.ENOSYS)
	}
	if pid == unix.Getpid() || t.P.Thread(pid) != nil {
		return madviseVector(t, vec, vlen, int(int32(a[3])))
	}
	space, ok := remoteSpace(t, pid)
	if !ok {
		t.P.Unimp("gemu: process_madvise of pid %d: an emulated process whose guest memory gemu cannot find", pid)
		return usermode.Errno(unix.ENOSYS)
	}
	n, stop := vlen, uint64(0)
	if space.limit != 0 {
		n, stop = remoteMapped(t, pid, vec, vlen)
	}
	if n == 0 && stop != 0 {
		return stop
	}
	remote, rp := t.IovecsAt(vec, n, space.host)
	r, _, e := unix.Syscall6(unix.SYS_PROCESS_MADVISE, pidfd, rp, uintptr(n), advice, 0, 0)
	runtime.KeepAlive(remote)
	if e != 0 {
		return usermode.Errno(e)
	}
	return uint64(r)
}

// remoteMapped is how many of the ranges at vec another gemu (pid) has
// mapped throughout in its guest, and the error the first one that is
// not gives (madvise_should_skip's EINVAL for an unaligned start, else
// ENOMEM): the host sees only that gemu's reservation there.
func remoteMapped(t *Thread, pid int, vec, vlen uint64) (uint64, uint64) {
	maps, ok := usermode.AskPeer(pid, "maps")
	g, err := t.ReadBytes(vec, linux.IovecSize*vlen)
	if !ok || err != nil {
		return vlen, 0
	}
	for i, v := range linux.DecodeIovecs(g) {
		if v.Len != 0 && !mapsCover(maps, v.Base&^usermode.PageMask, usermode.PageUp(v.Base+v.Len)) {
			if v.Base&usermode.PageMask != 0 {
				return uint64(i), usermode.Errno(unix.EINVAL)
			}
			return uint64(i), usermode.Errno(unix.ENOMEM)
		}
	}
	return vlen, 0
}

// mapsCover reports whether the mappings of a /proc/<pid>/maps text
// cover [lo, hi) without a hole.
func mapsCover(maps []byte, lo, hi uint64) bool {
	at := lo
	for _, r := range usermode.MapsRanges(maps) {
		if r[1] <= at {
			continue
		}
		if r[0] > at {
			return false
		}
		if at = r[1]; at >= hi {
			return true
		}
	}
	return false
}

// madviseVector advises this process's guest ranges, the vector of vlen
// struct iovec at vec (checked by the host already), as vector_madvise does.
func madviseVector(t *Thread, vec, vlen uint64, advice int) uint64 {
	g, err := t.ReadBytes(vec, linux.IovecSize*vlen)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	done, total := uint64(0), uint64(0)
	for _, v := range linux.DecodeIovecs(g) {
		n := min(v.Len, maxRWCount-total) // __import_iovec caps the total
		total += n
		if n == 0 {
			continue
		}
		if r := madvise(t, v.Base, n, advice); usermode.IsErr(r) {
			if done == 0 {
				return r
			}
			break
		}
		done += n
	}
	return done
}

// pidfdPid is the process a pidfd of the calling thread refers to (the
// "Pid:" line of its fdinfo, proc(5)).
func pidfdPid(fd int) (int, bool) {
	root, err := usermode.HostProcRoot()
	if err != nil {
		return 0, false
	}
	f, err := unix.Openat(root, "thread-self/fdinfo/"+strconv.Itoa(fd), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, false
	}
	defer unix.Close(f)
	buf := make([]byte, 4096)
	n, _ := unix.Read(f, buf)
	for _, line := range bytes.Split(buf[:max(n, 0)], []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("Pid:")); ok {
			pid, err := strconv.Atoi(string(bytes.TrimSpace(v)))
			return pid, err == nil && pid > 0
		}
	}
	return 0, false
}
