package linuxuser

import (
	"sync/atomic"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

func init() {
	prot := syscalls.ArgProt
	register(
		row{"mmap", sysMmap, kinds(aPtr, aLong, prot, syscalls.ArgMmapFlags, aInt, aLong), syscalls.RetPtr, syscalls.Full, ""},
		row{"munmap", sysMunmap, kinds(aPtr, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"mprotect", sysMprotect, kinds(aPtr, aLong, prot), syscalls.RetInt, syscalls.Full, ""},
		row{"madvise", sysMadvise, kinds(aPtr, aLong, syscalls.ArgMadvise), syscalls.RetInt, syscalls.Full,
			"passed to the host pages"},
		row{"mremap", sysMremap, kinds(aPtr, aLong, aLong, aHex, aPtr), syscalls.RetPtr, syscalls.Full, ""},
		row{"brk", sysBrk, kinds(aPtr), syscalls.RetPtr, syscalls.Full, ""},
		row{"msync", sysMsync, kinds(aPtr, aLong, aHex), syscalls.RetInt, syscalls.Full, ""},
		row{"mlock", sysMlock, kinds(aPtr, aLong), syscalls.RetInt, syscalls.Full, "the host locks the guest's pages"},
		row{"mlock2", sysMlock2, kinds(aPtr, aLong, aHex), syscalls.RetInt, syscalls.Full, "the host locks the guest's pages"},
		row{"munlock", sysMunlock, kinds(aPtr, aLong), syscalls.RetInt, syscalls.Full, ""},
		row{"mlockall", sysMlockall, kinds(aHex), syscalls.RetInt, syscalls.Full, "the guest's mappings, not gemu's"},
		row{"munlockall", sysMunlockall, kinds(), syscalls.RetInt, syscalls.Full, ""},
		row{"mseal", sysMseal, kinds(aPtr, aLong, aHex), syscalls.RetInt, syscalls.Full,
			"sealed guest mappings refuse munmap, mprotect, mremap, MAP_FIXED and discarding advice"},
	)
}

// sysMseal is mseal(addr, len, flags) (mm/mseal.c): flags must be 0, the
// start page-aligned and the end not wrapping (EINVAL); an empty range is
// done; a range not mapped throughout is ENOMEM. Fork keeps the seals
// (the fork state's mappings), an execve drops them with the mappings.
func sysMseal(t *Thread, a *Args) uint64 {
	addr, length := a[0], usermode.PageUp(a[1])
	if a[2] != 0 || addr&usermode.PageMask != 0 || (a[1] != 0 && length == 0) || addr+length < addr {
		return usermode.Errno(unix.EINVAL)
	}
	if length == 0 {
		return 0
	}
	return usermode.OK(t.P.AS.Seal(addr, length))
}

// guestProt keeps the bits the address space knows; PROT_BTI/PROT_MTE
// and PROT_SEM are accepted and ignored.
func guestProt(p uint64) (int, bool) {
	const known = linux.ProtRead | linux.ProtWrite | linux.ProtExec | linux.ProtSem | 0x30
	if p&^known != 0 {
		return 0, false
	}
	return int(p & (linux.ProtRead | linux.ProtWrite | linux.ProtExec)), true
}

// sysMmap checks in the kernel's order: the offset's alignment (the
// arch's sys_mmap), the descriptor (mm/mmap.c ksys_mmap_pgoff: EBADF,
// also for O_PATH; MAP_HUGETLB on a file that is not hugetlbfs is
// EINVAL), then do_mmap: the length, the address (ENOMEM past TASK_SIZE,
// EINVAL unaligned with MAP_FIXED), then the mapping type. The protection
// is not checked: unknown bits are ignored, as calc_vm_prot_bits does.
func sysMmap(t *Thread, a *Args) uint64 {
	addr, length, protArg, flags, fd, off := a[0], a[1], a[2], a[3], int(int32(a[4])), a[5]
	prot := int(protArg & (linux.ProtRead | linux.ProtWrite | linux.ProtExec))
	if off&usermode.PageMask != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	anon := flags&linux.MapAnonymous != 0
	if e := mmapEarly(t.P.AS.Limit(), addr, length, flags, fd, anon); e != 0 {
		if e == usermode.Errno(unix.EINVAL) && mmapBadType(flags, anon) && flags&linux.MapFixedNoreplace != 0 &&
			overlapsMapping(t.P.AS, addr, length) {
			return usermode.Errno(unix.EEXIST) // do_mmap checks NOREPLACE before the type
		}
		return e
	}
	if !anon && flags&linux.MapTypeMask == linux.MapSharedValidate && flags&^legacyMapMask != 0 {
		return usermode.Errno(unix.EOPNOTSUPP)
	}
	spec := translate.MapSpec{Addr: addr, Length: length, Prot: prot, FD: fd, Offset: int64(off),
		Fixed: flags&linux.MapFixed != 0, NoReplace: flags&linux.MapFixedNoreplace != 0,
		Grows: flags&linux.MapGrowsdown != 0}
	spec.Shared = flags&linux.MapTypeMask != linux.MapPrivate
	if anon {
		spec.FD, spec.Offset = -1, 0
		if spec.Shared {
			return t.MapSharedAnon(spec)
		}
	} else {
		spec.Name = fdPath(fd)
	}
	got, err := t.P.AS.Map(spec)
	if err != nil {
		return usermode.ErrRet(err)
	}
	if spec.Shared {
		t.P.Backing.Add(fd) // a fork child maps the file again (usermode/hostfd.go)
	}
	return got
}

// mmapEarly is what mmap fails with before it maps anything, in order: a
// bad descriptor (asked only when something else would fail, or for
// gemu's own: the host's mmap says it otherwise), MAP_HUGETLB on a file
// not on hugetlbfs, an empty length, a length or MAP_FIXED address past
// TASK_SIZE (ENOMEM), an unaligned MAP_FIXED address, the mapping type
// (anonymous memory has no MAP_SHARED_VALIDATE).
func mmapEarly(lim, addr, length, flags uint64, fd int, anon bool) uint64 {
	var e unix.Errno
	fixed := flags&(linux.MapFixed|linux.MapFixedNoreplace) != 0
	switch {
	case !anon && flags&linux.MapHugetlb != 0 && !onHugetlbfs(fd):
		e = unix.EINVAL
	case length == 0:
		e = unix.EINVAL
	case usermode.PageUp(length) == 0 || usermode.PageUp(length) > lim:
		e = unix.ENOMEM
	case fixed && addr > lim-usermode.PageUp(length):
		e = unix.ENOMEM
	case fixed && addr&usermode.PageMask != 0:
		e = unix.EINVAL
	case mmapBadType(flags, anon):
		e = unix.EINVAL
	}
	if !anon && (usermode.IsHostFD(fd) || (e != 0 && !fdUsable(fd))) {
		e = unix.EBADF
	}
	if e != 0 {
		return usermode.Errno(e)
	}
	return 0
}

// mmapBadType reports a mapping type do_mmap refuses (anonymous memory
// has no MAP_SHARED_VALIDATE).
func mmapBadType(flags uint64, anon bool) bool {
	typ := flags & linux.MapTypeMask
	return typ != linux.MapShared && typ != linux.MapPrivate && (anon || typ != linux.MapSharedValidate)
}

// legacyMapMask is what MAP_SHARED_VALIDATE accepts of a file that offers
// no flags of its own (Linux include/linux/mman.h LEGACY_MAP_MASK, the
// generic flag values; MAP_SYNC needs a DAX file): do_mmap refuses the
// rest with EOPNOTSUPP.
const legacyMapMask = linux.MapTypeMask | linux.MapFixed | linux.MapAnonymous | linux.MapDenywrite |
	linux.MapExecutable | 0x4000000 /* MAP_UNINITIALIZED */ | linux.MapGrowsdown | linux.MapLocked |
	linux.MapNoreserve | linux.MapPopulate | linux.MapNonblock | linux.MapStack | linux.MapHugetlb |
	0x3f<<26 /* MAP_HUGE_MASK << MAP_HUGE_SHIFT */

// overlapsMapping reports whether [addr, addr+length) meets a mapping.
func overlapsMapping(as *translate.AddressSpace, addr, length uint64) bool {
	end := addr + usermode.PageUp(length)
	for _, v := range as.VMAs() {
		if v.Start < end && addr < v.End {
			return true
		}
	}
	return false
}

// onHugetlbfs reports whether fd is a file on hugetlbfs (a MAP_HUGETLB
// memfd among them), which mmap may map with MAP_HUGETLB.
func onHugetlbfs(fd int) bool {
	var st unix.Statfs_t
	return unix.Fstatfs(fd, &st) == nil && st.Type == unix.HUGETLBFS_MAGIC
}

// fdPath names a file mapping for /proc/self/maps.
func fdPath(fd int) string {
	s, err := usermode.FDLink(fd)
	if err != nil {
		return ""
	}
	return s
}

func sysMunmap(t *Thread, a *Args) uint64 {
	if a[0]&usermode.PageMask != 0 || a[1] == 0 {
		return usermode.Errno(unix.EINVAL)
	}
	return usermode.OK(t.P.AS.Unmap(a[0], a[1]))
}

// PROT_GROWSDOWN and PROT_GROWSUP (include/uapi/asm-generic/mman-common.h).
const (
	protGrowsdown = 0x01000000
	protGrowsup   = 0x02000000
)

func sysMprotect(t *Thread, a *Args) uint64 { return doMprotect(t, a, nil) }

// doMprotect checks as mm/mprotect.c do_mprotect_pkey does: both grow
// bits, the alignment, an empty range (0), a wrapping one (ENOMEM), the
// protection bits, the protection key (keyOK, pkey_mprotect's: false is
// EINVAL), then the mappings; PROT_GROWSDOWN needs a MAP_GROWSDOWN
// mapping and extends the change to its start.
func doMprotect(t *Thread, a *Args, keyOK func() bool) uint64 {
	start, grows := a[0], a[2]&(protGrowsdown|protGrowsup)
	if grows == protGrowsdown|protGrowsup || start&usermode.PageMask != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if a[1] == 0 {
		return 0
	}
	end := start + usermode.PageUp(a[1])
	if end <= start {
		return usermode.Errno(unix.ENOMEM)
	}
	prot, valid := guestProt(a[2] &^ (protGrowsdown | protGrowsup))
	if !valid || (keyOK != nil && !keyOK()) {
		return usermode.Errno(unix.EINVAL)
	}
	if grows == protGrowsdown {
		v, found := vmaBelow(t, end)
		if !found {
			return usermode.Errno(unix.ENOMEM)
		}
		if !v.Grows {
			return usermode.Errno(unix.EINVAL)
		}
		start = min(start, v.Start)
	} else if grows == protGrowsup {
		// No guest architecture here has VM_GROWSUP mappings.
		if _, found := vmaBelow(t, end); !found {
			return usermode.Errno(unix.ENOMEM)
		}
		return usermode.Errno(unix.EINVAL)
	}
	return usermode.OK(t.P.AS.Protect(start, end-start, prot))
}

// vmaBelow is the mapping holding the page just below end, or the first
// one below end (mm/mprotect.c: vma_find ... prev).
func vmaBelow(t *Thread, end uint64) (translate.VMA, bool) {
	var got translate.VMA
	found := false
	for _, v := range t.P.AS.VMAs() {
		if v.Start < end {
			got, found = v, true
		}
	}
	return got, found
}

// MADV_DONTNEED and MADV_FREE (Linux include/uapi/asm-generic/mman-common.h).
const (
	madvDontneed = 4
	madvFree     = 8
)

// discardAdvice are the advice values that drop pages, which a sealed
// read-only anonymous mapping refuses (mm/mseal.c is_madv_discard):
// MADV_FREE, MADV_DONTNEED, MADV_DONTNEED_LOCKED, MADV_REMOVE,
// MADV_DONTFORK, MADV_WIPEONFORK, MADV_GUARD_INSTALL.
var discardAdvice = map[int]bool{8: true, 4: true, 24: true, 9: true, 10: true, 18: true, 102: true}

// Advice values that could harm other processes or the host are refused
// (MADV_HWPOISON 100, MADV_SOFT_OFFLINE 101: Linux mman-common.h).
//
// The checks come in mm/madvise.c madvise_should_skip's order: the advice
// (the host's kernel knows which it has: it is asked with an empty range,
// which it checks no further), the alignment, a length that rounds to 0
// or wraps (EINVAL), an empty range (0); then the mappings (ENOMEM).
func sysMadvise(t *Thread, a *Args) uint64 { return madvise(t, a[0], a[1], int(int32(a[2]))) }

// madvise is madvise(2) of [addr, addr+length) (process_madvise's too).
func madvise(t *Thread, addr, length uint64, advice int) uint64 {
	if advice >= 100 || !adviceKnown(advice) {
		return usermode.Errno(unix.EINVAL)
	}
	if addr&usermode.PageMask != 0 || (length != 0 && usermode.PageUp(length) == 0) || addr+usermode.PageUp(length) < addr {
		return usermode.Errno(unix.EINVAL)
	}
	if length == 0 {
		return 0
	}
	s, err := t.P.AS.Slice(addr, (length+usermode.PageMask)&^usermode.PageMask, 0)
	if err != nil {
		return usermode.Errno(unix.ENOMEM)
	}
	if discardAdvice[advice] && t.P.AS.SealedReadOnlyAnon(addr, uint64(len(s))) {
		return usermode.Errno(unix.EPERM)
	}
	if t.P.ForkImage && (advice == madvDontneed || advice == madvFree) {
		// Anonymous pages must read as zeros afterwards, not as the
		// fork image they are mapped from (usermode/forkresume.go).
		if err := t.P.AS.Zero(addr, uint64(len(s))); err != nil {
			return usermode.ErrRet(err)
		}
	}
	return usermode.OK(unix.Madvise(s, advice))
}

// adviceOK caches the host's answer per advice value (0: not asked,
// 1: known, 2: unknown).
var adviceOK [100]atomic.Uint32

// adviceKnown asks the host kernel whether it has advice, with an empty
// range, which mm/madvise.c checks no further.
func adviceKnown(advice int) bool {
	if advice < 0 {
		return false
	}
	c := &adviceOK[advice]
	if v := c.Load(); v != 0 {
		return v == 1
	}
	_, _, e := unix.Syscall(unix.SYS_MADVISE, 0, 0, uintptr(advice))
	v := uint32(1)
	if e == unix.EINVAL {
		v = 2
	}
	c.Store(v)
	return v == 1
}

// sysMremap checks the arguments as mm/mremap.c check_mremap_params does;
// the address space does the rest (translate/remap.go).
func sysMremap(t *Thread, a *Args) uint64 {
	old, oldLen, newLen, flags, newAddr := a[0], a[1], a[2], a[3], a[4]
	const known = linux.MremapMaymove | linux.MremapFixed | linux.MremapDontunmap
	lim := t.P.AS.Limit()
	if flags&^uint64(known) != 0 || old&usermode.PageMask != 0 || usermode.PageUp(newLen) == 0 || usermode.PageUp(newLen) > lim {
		return usermode.Errno(unix.EINVAL) // a new length past TASK_SIZE is "silly" (check_mremap_params)
	}
	r := translate.RemapRequest{Addr: old, OldLen: usermode.PageUp(oldLen), NewLen: usermode.PageUp(newLen), NewAddr: newAddr,
		MayMove: flags&linux.MremapMaymove != 0, Fixed: flags&linux.MremapFixed != 0,
		DontUnmap: flags&linux.MremapDontunmap != 0}
	if r.Fixed || r.DontUnmap {
		if newAddr > lim-r.NewLen || newAddr&usermode.PageMask != 0 || !r.MayMove || (r.DontUnmap && oldLen != newLen) {
			return usermode.Errno(unix.EINVAL)
		}
	}
	got, err := t.P.AS.Remap(r)
	if err != nil {
		return usermode.ErrRet(err)
	}
	return got
}

// mlock2's flag and mlockall's (Linux include/uapi/asm-generic/mman-common.h, mman.h).
const (
	mlockOnfault = 1
	mclCurrent   = 1
	mclFuture    = 2
	mclOnfault   = 4
)

// lockRange is mm/mlock.c do_mlock's rounding: from addr's page over len
// bytes more.
func lockRange(addr, n uint64) (uint64, uint64) {
	return addr &^ usermode.PageMask, usermode.PageUp(n + addr&usermode.PageMask)
}

func sysMlock(t *Thread, a *Args) uint64 {
	lo, n := lockRange(a[0], a[1])
	return usermode.OK(t.P.AS.Lock(lo, n, 0))
}

func sysMlock2(t *Thread, a *Args) uint64 {
	if a[2]&^mlockOnfault != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	lo, n := lockRange(a[0], a[1])
	return usermode.OK(t.P.AS.Lock(lo, n, int(a[2])))
}

func sysMunlock(t *Thread, a *Args) uint64 {
	lo, n := lockRange(a[0], a[1])
	return usermode.OK(t.P.AS.Unlock(lo, n))
}

// sysMlockall: without CAP_IPC_LOCK, MCL_CURRENT needs the whole mapped
// size under RLIMIT_MEMLOCK (mm/mlock.c mlockall; root stands for the
// capability here).
func sysMlockall(t *Thread, a *Args) uint64 {
	f := a[0]
	if f == 0 || f&^uint64(mclCurrent|mclFuture|mclOnfault) != 0 || f == mclOnfault {
		return usermode.Errno(unix.EINVAL)
	}
	if f&mclCurrent != 0 && unix.Geteuid() != 0 {
		var rl unix.Rlimit
		unix.Getrlimit(unix.RLIMIT_MEMLOCK, &rl)
		if rl.Cur == 0 {
			return usermode.Errno(unix.EPERM)
		}
		if guestVMSize(t.P) > rl.Cur {
			return usermode.Errno(unix.ENOMEM)
		}
	}
	t.P.AS.LockAll(f&mclCurrent != 0, f&mclFuture != 0, f&mclOnfault != 0)
	return 0
}

func sysMunlockall(t *Thread, a *Args) uint64 {
	t.P.AS.UnlockAll()
	return 0
}

// sysBrk moves the program break: the heap VMA grows (never over another
// mapping) or shrinks, never below its start; on failure the current break
// is returned, as Linux does (mm/mmap.c brk).
func sysBrk(t *Thread, a *Args) uint64 {
	p := t.P
	p.Mu.Lock()
	defer p.Mu.Unlock()
	p.Brk = setBrk(p, a[0])
	return p.Brk
}

// setBrk returns the new break for a request (caller holds p.mu).
func setBrk(p *Process, want uint64) uint64 {
	start, cur := p.Image().BrkStart, p.Brk
	if want < start || want >= p.Image().StackLow {
		return cur
	}
	oldTop, newTop := usermode.PageUp(cur), usermode.PageUp(want)
	switch {
	case newTop > oldTop:
		_, err := p.AS.Map(translate.MapSpec{Addr: oldTop, Length: newTop - oldTop, NoReplace: true,
			Prot: translate.ProtRead | translate.ProtWrite, FD: -1, Name: "[heap]"})
		if err != nil {
			return cur
		}
	case newTop < oldTop:
		if p.AS.Unmap(newTop, oldTop-newTop) != nil {
			return cur
		}
	}
	return want
}

// sysMsync checks as mm/msync.c does: the flags, the alignment, MS_SYNC
// with MS_ASYNC, a wrapping range (ENOMEM), an empty one (0).
func sysMsync(t *Thread, a *Args) uint64 {
	const msAsync, msInvalidate, msSync = 1, 2, 4
	f := a[2]
	if f&^uint64(msAsync|msInvalidate|msSync) != 0 || a[0]&usermode.PageMask != 0 || f&(msAsync|msSync) == msAsync|msSync {
		return usermode.Errno(unix.EINVAL)
	}
	if a[0]+usermode.PageUp(a[1]) < a[0] {
		return usermode.Errno(unix.ENOMEM)
	}
	if usermode.PageUp(a[1]) == 0 {
		return 0
	}
	s, err := t.P.AS.Slice(a[0], usermode.PageUp(a[1]), 0)
	if err != nil {
		return usermode.Errno(unix.ENOMEM)
	}
	return usermode.OK(unix.Msync(s, int(a[2])))
}
