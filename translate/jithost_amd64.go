package translate

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Host side of tier 2 on amd64: the entry stub, the fault handler and the
// code arena (jit_amd64.s, jit.go).

func jitCall(regs, base, entry, limit uintptr) uint64
func jitG() uintptr
func jitSigHandler()
func jitSigHandlerPC() uintptr
func cpuid(leaf, sub uint32) (a, b, c, d uint32)
func xgetbv0() uint32

// hostCPU reads CPUID once, at tier 2's first use rather than at every
// gemu start: each CPUID traps to the hypervisor in a VM. Bits from Intel
// SDM Vol. 2A CPUID: leaf 1 ECX (SSSE3 9, FMA 12, SSE4.1 19, POPCNT 23,
// AES 25, OSXSAVE 27, AVX 28), leaf 7 subleaf 0 EBX (BMI1 3, BMI2 8, SHA 29); FMA
// needs the OS to save YMM state (XCR0 bits 1 and 2).
var hostCPU = sync.OnceValue(func() hostFeatures {
	bit := func(r uint32, n uint) bool { return r>>n&1 != 0 }
	maxLeaf, _, _, _ := cpuid(0, 0)
	_, _, ecx1, _ := cpuid(1, 0)
	var ebx7 uint32
	if maxLeaf >= 7 {
		_, ebx7, _, _ = cpuid(7, 0)
	}
	avxOS := bit(ecx1, 27) && bit(ecx1, 28) && xgetbv0()&6 == 6
	return hostFeatures{bmi1: bit(ebx7, 3), bmi2: bit(ebx7, 8), popcnt: bit(ecx1, 23),
		ssse3: bit(ecx1, 9), sse41: bit(ecx1, 19), fma: bit(ecx1, 12) && avxOS, sha: bit(ebx7, 29),
		aes: bit(ecx1, 25)}
})

// Read by jitSigHandler.
var (
	jitArenaLo, jitArenaHi         uintptr
	jitFaultPCOff, jitFaultAddrOff uintptr
	jitFaultRegsOff, jitUrgPCOff   uintptr
	jitFaultStub                   uintptr
	jitOldSegv, jitOldBus          uintptr
	jitOldUrg                      uintptr
	jitSiteBits                    uintptr // &jitSites[0]
)

// jitSites has a bit per arena byte, set where a compiled guest access
// starts (memSite): jitSigHandler takes a thread out of compiled code only
// there. Mapped with the arena, untouched pages cost nothing.
var jitSites []byte

// jitMarkSites sets the bits of n's accesses; n's code is in place and
// not yet published. Caller holds jitState.mu.
func jitMarkSites(n *nativeBlock) {
	for _, m := range n.memOps {
		off := n.off + int(m.off)
		jitSites[off>>3] |= 1 << (off & 7)
	}
}

// jitClearSites clears the bits of the first used arena bytes, when no
// CPU runs that code any more (jitFlush).
func jitClearSites(used int) { clear(jitSites[:(used+7)>>3]) }

// jitHostOK reports whether this host can run tier-2 code: the flag
// materialisation uses BMI2's PEXT, and bit counts use LZCNT/TZCNT/POPCNT.
func jitHostOK() bool {
	h := hostCPU()
	return h.bmi2 && h.bmi1 && h.popcnt
}

// jitArenaSize is the code arena's size: reserved once per process and
// shared by every engine (docs/design.md: the cache is bounded).
const jitArenaSize = 256 << 20

var arenaOnce struct {
	sync.Once
	mem []byte
	err error
}

// jitArena maps the code arena and installs the fault handler, once.
func jitArena() ([]byte, error) {
	arenaOnce.Do(func() {
		m, err := unix.Mmap(-1, 0, jitArenaSize, unix.PROT_READ|unix.PROT_WRITE|unix.PROT_EXEC,
			unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
		if err != nil {
			arenaOnce.err = err
			return
		}
		bits, err := unix.Mmap(-1, 0, jitArenaSize/8, unix.PROT_READ|unix.PROT_WRITE,
			unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
		if err != nil {
			unix.Munmap(m)
			arenaOnce.err = err
			return
		}
		jitSites, jitSiteBits = bits, uintptr(unsafe.Pointer(&bits[0]))
		arenaOnce.mem = m
		jitArenaLo = uintptr(unsafe.Pointer(&m[0]))
		jitArenaHi = jitArenaLo + uintptr(len(m))
		var c CPU
		jitFaultPCOff = unsafe.Offsetof(c.jit) + unsafe.Offsetof(c.jit.faultPC) - jitBias
		jitFaultAddrOff = unsafe.Offsetof(c.jit) + unsafe.Offsetof(c.jit.faultAddr) - jitBias
		jitFaultRegsOff = unsafe.Offsetof(c.jit) + unsafe.Offsetof(c.jit.faultRegs) - jitBias
		jitUrgPCOff = unsafe.Offsetof(c.jit) + unsafe.Offsetof(c.jit.urgPC) - jitBias
		arenaOnce.err = installFaultHandler()
	})
	return arenaOnce.mem, arenaOnce.err
}

// installFaultHandler puts jitSigHandler in front of Go's SIGSEGV,
// SIGBUS and SIGURG handlers, keeping their flags, mask and restorer
// (x86_64 struct kernel_sigaction: handler, flags, restorer, mask).
func installFaultHandler() error {
	for _, s := range []struct {
		sig int
		old *uintptr
	}{{int(unix.SIGSEGV), &jitOldSegv}, {int(unix.SIGBUS), &jitOldBus}, {int(unix.SIGURG), &jitOldUrg}} {
		var old [4]uint64
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(s.sig), 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0); e != 0 {
			return e
		}
		if old[0] <= 1 { // SIG_DFL or SIG_IGN: not Go's; leave it alone
			return unix.EINVAL
		}
		*s.old = uintptr(old[0])
		act := old
		act[0] = uint64(jitSigHandlerPC())
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(s.sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0); e != 0 {
			return e
		}
	}
	return nil
}
