package linuxuser

import (
	"fmt"
	"os"

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
	)
}

const pageMask = translate.PageSize - 1

// guestProt keeps the bits the address space knows; PROT_BTI/PROT_MTE
// and PROT_SEM are accepted and ignored.
func guestProt(p uint64) (int, bool) {
	const known = syscalls.ProtRead | syscalls.ProtWrite | syscalls.ProtExec | syscalls.ProtSem | 0x30
	if p&^known != 0 {
		return 0, false
	}
	return int(p & (syscalls.ProtRead | syscalls.ProtWrite | syscalls.ProtExec)), true
}

func sysMmap(t *Thread, a *Args) uint64 {
	addr, length, protArg, flags, fd, off := a[0], a[1], a[2], a[3], int(int32(a[4])), a[5]
	prot, valid := guestProt(protArg)
	if !valid || length == 0 || off&pageMask != 0 {
		return errno(unix.EINVAL)
	}
	if length > t.p.as.Limit() { // mm/mmap.c do_mmap: a length past TASK_SIZE is ENOMEM
		return errno(unix.ENOMEM)
	}
	spec := translate.MapSpec{Addr: addr, Length: length, Prot: prot, FD: fd, Offset: int64(off),
		Fixed: flags&syscalls.MapFixed != 0, NoReplace: flags&syscalls.MapFixedNoreplace != 0,
		Grows: flags&syscalls.MapGrowsdown != 0}
	switch flags & syscalls.MapTypeMask {
	case syscalls.MapShared, syscalls.MapSharedValidate:
		spec.Shared = true
	case syscalls.MapPrivate:
	default:
		return errno(unix.EINVAL)
	}
	if (spec.Fixed || spec.NoReplace) && addr&pageMask != 0 {
		return errno(unix.EINVAL)
	}
	if flags&syscalls.MapAnonymous != 0 {
		spec.FD, spec.Offset = -1, 0
		if spec.Shared {
			return t.mmapSharedAnon(spec)
		}
	} else {
		spec.Name = fdPath(fd)
	}
	got, err := t.p.as.Map(spec)
	if err != nil {
		return errRet(err)
	}
	if spec.Shared {
		t.p.backing.add(fd) // a fork child maps the file again (hostfd.go)
	}
	return got
}

// mmapSharedAnon backs anonymous shared memory with a memfd, so that a
// fork child, which re-executes gemu, can map the same pages (DESIGN.md
// "fork"). Linux names such a mapping "/dev/zero (deleted)" (mm/shmem.c
// shmem_zero_setup).
func (t *Thread) mmapSharedAnon(spec translate.MapSpec) uint64 {
	mfd, err := hostFD(func() (int, error) { return unix.MemfdCreate("gemu-shared", unix.MFD_CLOEXEC) })
	if err != nil {
		return errRet(err)
	}
	defer unix.Close(mfd)
	if err := unix.Ftruncate(mfd, int64(pageUp(spec.Length))); err != nil {
		return errRet(err)
	}
	spec.FD, spec.Offset, spec.Name = mfd, 0, "/dev/zero (deleted)"
	got, err := t.p.as.Map(spec)
	if err != nil {
		return errRet(err)
	}
	t.p.backing.add(mfd)
	return got
}

// fdPath names a file mapping for /proc/self/maps.
func fdPath(fd int) string {
	s, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
	if err != nil {
		return ""
	}
	return s
}

func sysMunmap(t *Thread, a *Args) uint64 {
	if a[0]&pageMask != 0 || a[1] == 0 {
		return errno(unix.EINVAL)
	}
	return ok(t.p.as.Unmap(a[0], a[1]))
}

func sysMprotect(t *Thread, a *Args) uint64 {
	prot, valid := guestProt(a[2] &^ 0x03000000) // PROT_GROWSDOWN/GROWSUP
	if !valid || a[0]&pageMask != 0 {
		return errno(unix.EINVAL)
	}
	if a[1] == 0 {
		return 0
	}
	return ok(t.p.as.Protect(a[0], a[1], prot))
}

// MADV_DONTNEED and MADV_FREE (Linux include/uapi/asm-generic/mman-common.h).
const (
	madvDontneed = 4
	madvFree     = 8
)

// Advice values that could harm other processes or the host are refused
// (MADV_HWPOISON 100, MADV_SOFT_OFFLINE 101: Linux mman-common.h).
func sysMadvise(t *Thread, a *Args) uint64 {
	addr, length, advice := a[0], a[1], int(int32(a[2]))
	if addr&pageMask != 0 || advice >= 100 {
		return errno(unix.EINVAL)
	}
	if length == 0 {
		return 0
	}
	s, err := t.p.as.Slice(addr, (length+pageMask)&^pageMask, 0)
	if err != nil {
		return errno(unix.ENOMEM)
	}
	if t.p.forkImage && (advice == madvDontneed || advice == madvFree) {
		// Anonymous pages must read as zeros afterwards, not as the
		// fork image they are mapped from (forkresume.go).
		if err := t.p.as.Zero(addr, uint64(len(s))); err != nil {
			return errRet(err)
		}
	}
	return ok(unix.Madvise(s, advice))
}

// sysMremap checks the arguments as mm/mremap.c check_mremap_params does;
// the address space does the rest (translate/remap.go).
func sysMremap(t *Thread, a *Args) uint64 {
	old, oldLen, newLen, flags, newAddr := a[0], a[1], a[2], a[3], a[4]
	const known = syscalls.MremapMaymove | syscalls.MremapFixed | syscalls.MremapDontunmap
	if flags&^uint64(known) != 0 || old&pageMask != 0 || pageUp(newLen) == 0 {
		return errno(unix.EINVAL)
	}
	r := translate.RemapRequest{Addr: old, OldLen: pageUp(oldLen), NewLen: pageUp(newLen), NewAddr: newAddr,
		MayMove: flags&syscalls.MremapMaymove != 0, Fixed: flags&syscalls.MremapFixed != 0,
		DontUnmap: flags&syscalls.MremapDontunmap != 0}
	if r.Fixed || r.DontUnmap {
		if newAddr&pageMask != 0 || !r.MayMove || (r.DontUnmap && oldLen != newLen) {
			return errno(unix.EINVAL)
		}
	}
	got, err := t.p.as.Remap(r)
	if err != nil {
		return errRet(err)
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
	return addr &^ pageMask, pageUp(n + addr&pageMask)
}

func sysMlock(t *Thread, a *Args) uint64 {
	lo, n := lockRange(a[0], a[1])
	return ok(t.p.as.Lock(lo, n, 0))
}

func sysMlock2(t *Thread, a *Args) uint64 {
	if a[2]&^mlockOnfault != 0 {
		return errno(unix.EINVAL)
	}
	lo, n := lockRange(a[0], a[1])
	return ok(t.p.as.Lock(lo, n, int(a[2])))
}

func sysMunlock(t *Thread, a *Args) uint64 {
	lo, n := lockRange(a[0], a[1])
	return ok(t.p.as.Unlock(lo, n))
}

// sysMlockall: without CAP_IPC_LOCK, MCL_CURRENT needs the whole mapped
// size under RLIMIT_MEMLOCK (mm/mlock.c mlockall; root stands for the
// capability here).
func sysMlockall(t *Thread, a *Args) uint64 {
	f := a[0]
	if f == 0 || f&^uint64(mclCurrent|mclFuture|mclOnfault) != 0 || f == mclOnfault {
		return errno(unix.EINVAL)
	}
	if f&mclCurrent != 0 && unix.Geteuid() != 0 {
		var rl unix.Rlimit
		unix.Getrlimit(unix.RLIMIT_MEMLOCK, &rl)
		if rl.Cur == 0 {
			return errno(unix.EPERM)
		}
		if t.p.guestVMSize() > rl.Cur {
			return errno(unix.ENOMEM)
		}
	}
	t.p.as.LockAll(f&mclCurrent != 0, f&mclFuture != 0, f&mclOnfault != 0)
	return 0
}

func sysMunlockall(t *Thread, a *Args) uint64 {
	t.p.as.UnlockAll()
	return 0
}

// sysBrk moves the program break: the heap VMA grows (never over another
// mapping) or shrinks, never below its start; on failure the current break
// is returned, as Linux does (mm/mmap.c brk).
func sysBrk(t *Thread, a *Args) uint64 {
	p := t.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.brk = p.setBrk(a[0])
	return p.brk
}

// setBrk returns the new break for a request (caller holds p.mu).
func (p *Process) setBrk(want uint64) uint64 {
	start, cur := p.img.BrkStart, p.brk
	if want < start || want >= p.img.StackLow {
		return cur
	}
	oldTop, newTop := pageUp(cur), pageUp(want)
	switch {
	case newTop > oldTop:
		_, err := p.as.Map(translate.MapSpec{Addr: oldTop, Length: newTop - oldTop, NoReplace: true,
			Prot: translate.ProtRead | translate.ProtWrite, FD: -1, Name: "[heap]"})
		if err != nil {
			return cur
		}
	case newTop < oldTop:
		if p.as.Unmap(newTop, oldTop-newTop) != nil {
			return cur
		}
	}
	return want
}

func pageUp(x uint64) uint64 { return (x + pageMask) &^ pageMask }

func sysMsync(t *Thread, a *Args) uint64 {
	if a[0]&pageMask != 0 {
		return errno(unix.EINVAL)
	}
	if a[1] == 0 {
		return 0
	}
	s, err := t.p.as.Slice(a[0], pageUp(a[1]), 0)
	if err != nil {
		return errno(unix.ENOMEM)
	}
	return ok(unix.Msync(s, int(a[2])))
}
