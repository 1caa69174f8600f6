package linuxuser

import (
	"encoding/binary"
	"runtime"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// riscv_hwprobe describes gemu's RISC-V CPU, the same on every host CPU
// (Linux arch/riscv/kernel/sys_hwprobe.c; keys and bits from
// arch/riscv/include/uapi/asm/hwprobe.h). glibc's ifunc resolvers and Go's
// internal/cpu ask it for the extensions beyond AT_HWCAP's letters.
func init() {
	register(
		row{"riscv_hwprobe", sysRiscvHwprobe, kinds(aPtr, aLong, aLong, aPtr, aHex), syscalls.RetInt, syscalls.Full,
			"RV64IMAFDC with Zba, Zbb, Zbc, Zbs; RISCV_HWPROBE_WHICH_CPUS"},
	)
}

// Keys and values (arch/riscv/include/uapi/asm/hwprobe.h).
const (
	hwprobeBaseBehavior       = 3
	hwprobeIMAExt0            = 4
	hwprobeCPUPerf0           = 5
	hwprobeZicbozBlockSize    = 6
	hwprobeHighestVirtAddr    = 7
	hwprobeTimeCSRFreq        = 8
	hwprobeMisalignedScalar   = 9
	hwprobeMisalignedFast     = 3
	hwprobeWhichCPUs          = 1
	hwprobeBaseIMA            = 1
	hwprobeExtFD, hwprobeExtC = 1 << 0, 1 << 1
	hwprobeExtZba             = 1 << 3
	hwprobeExtZbb             = 1 << 4
	hwprobeExtZbs             = 1 << 5
	hwprobeExtZbc             = 1 << 7
)

// hwprobeValue is what the kernel answers for key; ok is false for a
// key it does not know (the pair's key becomes -1).
func hwprobeValue(t *Thread, key int64) (uint64, bool) {
	switch key {
	case 0, 1, 2: // mvendorid, marchid, mimpid: not a vendor's implementation
		return 0, true
	case hwprobeBaseBehavior:
		return hwprobeBaseIMA, true
	case hwprobeIMAExt0:
		return hwprobeExtFD | hwprobeExtC | hwprobeExtZba | hwprobeExtZbb | hwprobeExtZbs | hwprobeExtZbc, true
	case hwprobeCPUPerf0, hwprobeMisalignedScalar:
		return hwprobeMisalignedFast, true // the host does misaligned accesses at full speed
	case hwprobeZicbozBlockSize:
		return 0, true // no Zicboz
	case hwprobeHighestVirtAddr:
		return t.P.AS.Limit() - 1, true
	case hwprobeTimeCSRFreq:
		return riscv64.TimebaseHz, true
	}
	return 0, false
}

// hwprobeBitmask: keys whose values WHICH_CPUS compares as sets.
func hwprobeBitmask(key int64) bool {
	return key == hwprobeBaseBehavior || key == hwprobeIMAExt0 || key == hwprobeCPUPerf0
}

func sysRiscvHwprobe(t *Thread, a *Args) uint64 {
	pairs, count, setSize, cpus, flags := a[0], a[1], a[2], a[3], uint32(a[4])
	if flags&hwprobeWhichCPUs != 0 {
		return hwprobeWhich(t, pairs, count, setSize, cpus, flags)
	}
	if flags != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	if setSize != 0 || cpus != 0 {
		// The set must name at least one online CPU.
		set, e := hwprobeCPUs(t, setSize, cpus)
		if e != 0 {
			return e
		}
		if !anyBit(set) {
			return usermode.Errno(unix.EINVAL)
		}
	}
	for i := uint64(0); i < count; i++ {
		at := pairs + 16*i
		key, err := t.P.AS.Load64(at)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		v, ok := hwprobeValue(t, int64(key))
		if !ok {
			key = ^uint64(0)
		}
		if t.P.AS.Store64(at, key) != nil || t.P.AS.Store64(at+8, v) != nil {
			return usermode.Errno(unix.EFAULT)
		}
	}
	return 0
}

// hwprobeWhich is RISCV_HWPROBE_WHICH_CPUS: the CPUs of the set (all
// online ones for an empty set) whose values match every pair; every
// host CPU is the same guest CPU, so that is all of them or none.
func hwprobeWhich(t *Thread, pairs, count, setSize, cpus uint64, flags uint32) uint64 {
	if flags != hwprobeWhichCPUs || setSize == 0 || cpus == 0 {
		return usermode.Errno(unix.EINVAL)
	}
	set, e := hwprobeCPUs(t, setSize, cpus)
	if e != 0 {
		return e
	}
	if !anyBit(set) {
		set = onlineCPUs(len(set))
	}
	match, unknown := true, false
	for i := uint64(0); i < count; i++ {
		at := pairs + 16*i
		b, err := t.P.AS.Slice(at, 16, translate.ProtRead)
		if err != nil {
			return usermode.Errno(unix.EFAULT)
		}
		key, want := int64(binary.LittleEndian.Uint64(b)), binary.LittleEndian.Uint64(b[8:])
		v, ok := hwprobeValue(t, key)
		switch {
		case !ok:
			unknown = true
			if t.P.AS.Store64(at, ^uint64(0)) != nil || t.P.AS.Store64(at+8, 0) != nil {
				return usermode.Errno(unix.EFAULT)
			}
		case hwprobeBitmask(key):
			match = match && v&want == want
		default:
			match = match && v == want
		}
	}
	if unknown || !match {
		clear(set)
	}
	return putBytes(t, cpus, set)
}

// hwprobeCPUs reads the guest's cpu set, cut to the kernel's mask size
// (whole longs for the host's CPUs) and to the online CPUs.
func hwprobeCPUs(t *Thread, setSize, cpus uint64) ([]byte, uint64) {
	n := min(setSize, uint64((runtime.NumCPU()+63)/64*8))
	b, err := t.ReadBytes(cpus, n)
	if err != nil {
		return nil, usermode.Errno(unix.EFAULT)
	}
	for i, m := range onlineCPUs(int(n)) {
		b[i] &= m
	}
	return b, 0
}

// onlineCPUs is the mask of the host's CPUs in n bytes.
func onlineCPUs(n int) []byte {
	b := make([]byte, n)
	for i := 0; i < runtime.NumCPU() && i/8 < n; i++ {
		b[i/8] |= 1 << (i % 8)
	}
	return b
}

// anyBit reports whether a cpu set names a CPU.
func anyBit(b []byte) bool { return slices.ContainsFunc(b, func(x byte) bool { return x != 0 }) }
