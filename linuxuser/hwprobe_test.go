package linuxuser

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/usermode"
)

// TestRiscvHwprobe asks for known and unknown keys, with and without a
// cpu set, and with RISCV_HWPROBE_WHICH_CPUS (sys_hwprobe.c semantics).
func TestRiscvHwprobe(t *testing.T) {
	p, th := testProcess(t)
	scratch(t, p, 0x100000)
	const pairs, cpus = 0x100000, 0x101000
	put := func(kv ...uint64) {
		b := make([]byte, 8*len(kv))
		for i, v := range kv {
			binary.LittleEndian.PutUint64(b[8*i:], v)
		}
		p.AS.Write(pairs, b)
	}
	get := func(i int) (int64, uint64) {
		k, _ := p.AS.Load64(pairs + uint64(16*i))
		v, _ := p.AS.Load64(pairs + uint64(16*i+8))
		return int64(k), v
	}
	put(hwprobeIMAExt0, 0, 99, 7, hwprobeBaseBehavior, 0)
	if r := sysRiscvHwprobe(th, &Args{pairs, 3, 0, 0, 0}); r != 0 {
		t.Fatalf("hwprobe = %d", int64(r))
	}
	if k, v := get(0); k != hwprobeIMAExt0 || v != 0xbb {
		t.Errorf("IMA_EXT_0: key %d value %#x, want FD|C|Zba|Zbb|Zbs|Zbc (0xbb)", k, v)
	}
	if k, v := get(1); k != -1 || v != 0 {
		t.Errorf("unknown key: key %d value %d, want -1 and 0", k, v)
	}
	if _, v := get(2); v != hwprobeBaseIMA {
		t.Errorf("BASE_BEHAVIOR %d", v)
	}
	p.AS.Write(cpus, []byte{0, 0, 0, 0, 0, 0, 0, 0})
	for name, c := range map[string]struct {
		a    Args
		want uint64
	}{
		"reserved flag":       {Args{pairs, 1, 0, 0, 2}, usermode.Errno(unix.EINVAL)},
		"empty cpu set":       {Args{pairs, 1, 8, cpus, 0}, usermode.Errno(unix.EINVAL)},
		"bad pairs":           {Args{8, 1, 0, 0, 0}, usermode.Errno(unix.EFAULT)},
		"WHICH_CPUS, no set":  {Args{pairs, 1, 0, 0, hwprobeWhichCPUs}, usermode.Errno(unix.EINVAL)},
		"WHICH_CPUS bad set":  {Args{pairs, 1, 8, 8, hwprobeWhichCPUs}, usermode.Errno(unix.EFAULT)},
		"zero pairs, any set": {Args{pairs, 0, 0, 0, 0}, 0},
	} {
		if r := sysRiscvHwprobe(th, &c.a); r != c.want {
			t.Errorf("%s: %d, want %d", name, int64(r), int64(c.want))
		}
	}
	// WHICH_CPUS with an empty set means every online CPU: all match a
	// subset of the extensions, none match one gemu lacks (V).
	which := func(ext uint64) byte {
		put(hwprobeIMAExt0, ext)
		p.AS.Write(cpus, []byte{0, 0, 0, 0, 0, 0, 0, 0})
		if r := sysRiscvHwprobe(th, &Args{pairs, 1, 8, cpus, hwprobeWhichCPUs}); r != 0 {
			t.Fatalf("WHICH_CPUS = %d", int64(r))
		}
		b, _ := th.ReadBytes(cpus, 1)
		return b[0]
	}
	if which(hwprobeExtZbb|hwprobeExtC) == 0 {
		t.Error("WHICH_CPUS: no CPU has Zbb and C")
	}
	if which(1<<2) != 0 {
		t.Error("WHICH_CPUS: a CPU claims V")
	}
}
