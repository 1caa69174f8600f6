package linuxuser

import (
	"sync"
	"weak"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// Memory protection keys and shadow stacks as the guests' kernels give
// them on CPUs without the hardware, which is what gemu's CPUs are.
//
// The pkey calls exist only in a kernel with CONFIG_ARCH_HAS_PKEYS (Linux
// mm/mprotect.c puts pkey_mprotect, pkey_alloc and pkey_free under it;
// kernel/sys_ni.c makes them sys_ni_syscall otherwise). riscv64 never
// selects it, so there they are ENOSYS. arm64 selects it with
// CONFIG_ARM64_POE (6.12 on, default y): on a CPU without POE
// arch_pkeys_enabled() is false, so mm_pkey_alloc never hands out a key
// (ENOSPC), while init_new_context still marks key 0 allocated in every
// new mm (arch/arm64/include/asm/mmu_context.h), so pkey_mprotect takes
// key 0 and pkey_free frees it once (arch/arm64/include/asm/pkeys.h).
//
// map_shadow_stack: arm64 6.13 on (arch/arm64/mm/gcs.c) fails first with
// EOPNOTSUPP on a CPU without GCS; riscv64 has no syscall before Linux
// 7.0 (arch/riscv/kernel/usercfi.c came with the 7.0 merge window), so
// 6.12 to 6.18 give sys_ni_syscall's ENOSYS, which gemu keeps (7.0 with
// CONFIG_RISCV_USER_CFI answers EOPNOTSUPP on a CPU without Zicfiss).

func init() {
	register(
		row{"pkey_alloc", sysPkeyAlloc, kinds(aHex, aHex), syscalls.RetInt, syscalls.Full,
			"no key hardware: aarch64 ENOSPC (CONFIG_ARM64_POE without POE), riscv64 ENOSYS"},
		row{"pkey_free", sysPkeyFree, kinds(aInt), syscalls.RetInt, syscalls.Partial,
			"aarch64: key 0 frees once per mm, but a fork child has it back; riscv64 ENOSYS"},
		row{"pkey_mprotect", sysPkeyMprotect, kinds(aPtr, aLong, syscalls.ArgProt, aInt), syscalls.RetInt,
			syscalls.Full, "aarch64: mprotect with key -1 or an allocated key 0; riscv64 ENOSYS"},
		row{"map_shadow_stack", sysMapShadowStack, kinds(aPtr, aLong, aHex), syscalls.RetPtr, syscalls.Full,
			"no shadow stack hardware: aarch64 EOPNOTSUPP (no GCS), riscv64 ENOSYS (no syscall before 7.0)"},
	)
}

// hasPkeys reports whether the guest's kernel has the pkey calls.
func hasPkeys(t *Thread) bool { return t.P.Arch().Name() == "aarch64" }

// arm64's PKEY_ACCESS_MASK: PKEY_DISABLE_ACCESS, _WRITE, _EXECUTE and
// _READ (arch/arm64/include/uapi/asm/mman.h; the generic mask is 0x3).
const arm64PkeyAccessMask = 0xf

// freedKey0 holds the address spaces (the mm: execve makes a new one, a
// vfork child shares it) whose key 0 pkey_free has freed.
var freedKey0 struct {
	sync.Mutex
	m map[weak.Pointer[translate.AddressSpace]]bool
}

func key0Allocated(as *translate.AddressSpace) bool {
	freedKey0.Lock()
	defer freedKey0.Unlock()
	return !freedKey0.m[weak.Make(as)]
}

// freeKey0 frees key 0 of as; false when it was free already.
func freeKey0(as *translate.AddressSpace) bool {
	freedKey0.Lock()
	defer freedKey0.Unlock()
	k := weak.Make(as)
	if freedKey0.m[k] {
		return false
	}
	if freedKey0.m == nil {
		freedKey0.m = map[weak.Pointer[translate.AddressSpace]]bool{}
	}
	for old := range freedKey0.m {
		if old.Value() == nil {
			delete(freedKey0.m, old) // an address space gone
		}
	}
	freedKey0.m[k] = true
	return true
}

// sysPkeyAlloc is pkey_alloc(flags, init_val) (mm/mprotect.c): flags must
// be 0, init_val within PKEY_ACCESS_MASK (EINVAL), then no free key.
func sysPkeyAlloc(t *Thread, a *Args) uint64 {
	if !hasPkeys(t) {
		return usermode.Errno(unix.ENOSYS)
	}
	if a[0] != 0 || a[1]&^arm64PkeyAccessMask != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	return usermode.Errno(unix.ENOSPC)
}

// sysPkeyFree is pkey_free(pkey): only an allocated key, which is key 0
// until it is freed (mm_pkey_is_allocated, mm_pkey_free).
func sysPkeyFree(t *Thread, a *Args) uint64 {
	if !hasPkeys(t) {
		return usermode.Errno(unix.ENOSYS)
	}
	if int32(a[0]) != 0 || !freeKey0(t.P.AS) {
		return usermode.Errno(unix.EINVAL)
	}
	return 0
}

// sysPkeyMprotect is mprotect with a key: do_mprotect_pkey checks the
// key after mprotect's argument checks and before the mappings; -1 is no
// key, and a key not allocated is EINVAL (only key 0 ever is).
func sysPkeyMprotect(t *Thread, a *Args) uint64 {
	if !hasPkeys(t) {
		return usermode.Errno(unix.ENOSYS)
	}
	pkey := int32(a[3])
	return doMprotect(t, a, func() bool {
		return pkey == -1 || (pkey == 0 && key0Allocated(t.P.AS))
	})
}

// sysMapShadowStack: no guest CPU has shadow stacks (see above).
func sysMapShadowStack(t *Thread, a *Args) uint64 {
	if t.P.Arch().Name() == "aarch64" {
		return usermode.Errno(unix.EOPNOTSUPP)
	}
	return usermode.Errno(unix.ENOSYS)
}
