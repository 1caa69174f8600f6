package syscalls

import "fmt"

// Open flags, asm-generic values (Linux include/uapi/asm-generic/fcntl.h).
// The x86_64 host's asm/fcntl.h includes the same file, so these are the
// host's values as well.
const (
	OAccmode   = 0o3
	ORdonly    = 0o0
	OWronly    = 0o1
	ORdwr      = 0o2
	OCreat     = 0o100
	OExcl      = 0o200
	ONoctty    = 0o400
	OTrunc     = 0o1000
	OAppend    = 0o2000
	ONonblock  = 0o4000
	ODsync     = 0o10000
	OAsync     = 0o20000 // FASYNC
	ODirect    = 0o40000
	OLargefile = 0o100000
	ODirectory = 0o200000
	ONofollow  = 0o400000
	ONoatime   = 0o1000000
	OCloexec   = 0o2000000
	OSync      = 0o4000000 | ODsync // __O_SYNC|O_DSYNC
	OPath      = 0o10000000
	OTmpfile   = 0o20000000 | ODirectory // __O_TMPFILE|O_DIRECTORY
)

// FlagMap translates guest flag bits to host bits and back. Bits named in
// no pair pass through unchanged.
type FlagMap struct {
	pairs               [][2]uint64 // {guest, host}
	guestMask, hostMask uint64
}

// NewFlagMap builds a map from {guest, host} bit pairs.
func NewFlagMap(pairs ...[2]uint64) *FlagMap {
	m := &FlagMap{pairs: pairs}
	for _, p := range pairs {
		m.guestMask |= p[0]
		m.hostMask |= p[1]
	}
	return m
}

// ToHost translates guest flags to host flags.
func (m *FlagMap) ToHost(g uint64) uint64 {
	h := g &^ m.guestMask
	for _, p := range m.pairs {
		if g&p[0] != 0 {
			h |= p[1]
		}
	}
	return h
}

// FromHost translates host flags to guest flags.
func (m *FlagMap) FromHost(h uint64) uint64 {
	g := h &^ m.hostMask
	for _, p := range m.pairs {
		if h&p[1] != 0 {
			g |= p[0]
		}
	}
	return g
}

// LinuxABI is what differs between the Linux guest architectures at the
// syscall boundary.
type LinuxABI struct {
	Arch      string
	Mask      ArchMask
	OpenFlags *FlagMap
	Sigaction SigactionLayout
	// Open flag names for -strace, in guest values.
	openNames []flagName
}

// Linux aarch64 moves four open flags (Linux arch/arm64/include/uapi/asm/fcntl.h).
const (
	aarch64ODirectory = 0o40000
	aarch64ONofollow  = 0o100000
	aarch64ODirect    = 0o200000
	aarch64OLargefile = 0o400000
)

var linuxABIs = map[string]*LinuxABI{
	"riscv64": {
		Arch: "riscv64", Mask: ArchRiscv64,
		OpenFlags: NewFlagMap(), // asm-generic, identical to the host
		Sigaction: SigactionLayout{Size: 24},
		openNames: openFlagNames(ODirectory, ONofollow, ODirect, OLargefile),
	},
	"aarch64": {
		Arch: "aarch64", Mask: ArchAarch64,
		OpenFlags: NewFlagMap(
			[2]uint64{aarch64ODirectory, ODirectory},
			[2]uint64{aarch64ONofollow, ONofollow},
			[2]uint64{aarch64ODirect, ODirect},
			[2]uint64{aarch64OLargefile, OLargefile},
		),
		Sigaction: SigactionLayout{Size: 32, HasRestorer: true},
		openNames: openFlagNames(aarch64ODirectory, aarch64ONofollow, aarch64ODirect, aarch64OLargefile),
	},
}

// LinuxABIFor returns the ABI of a guest architecture by target name.
func LinuxABIFor(arch string) (*LinuxABI, error) {
	if a, ok := linuxABIs[arch]; ok {
		return a, nil
	}
	return nil, fmt.Errorf("no Linux ABI for %s", arch)
}

type flagName struct {
	val  uint64
	name string
}

// openFlagNames lists the open flags in the order -strace prints them.
func openFlagNames(dir, nofollow, direct, large uint64) []flagName {
	return []flagName{
		{OAppend, "O_APPEND"}, {OAsync, "O_ASYNC"}, {OCreat, "O_CREAT"}, {direct, "O_DIRECT"},
		{dir, "O_DIRECTORY"}, {OExcl, "O_EXCL"}, {large, "O_LARGEFILE"}, {ONoatime, "O_NOATIME"},
		{ONoctty, "O_NOCTTY"}, {nofollow, "O_NOFOLLOW"}, {ONonblock, "O_NONBLOCK"},
		{OSync, "O_SYNC"}, {ODsync, "O_DSYNC"}, {OTrunc, "O_TRUNC"}, {OCloexec, "O_CLOEXEC"},
		{OPath, "O_PATH"}, {0o20000000, "O_TMPFILE"},
	}
}
