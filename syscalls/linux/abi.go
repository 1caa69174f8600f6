package linux

import (
	"fmt"

	"github.com/gemu-project/gemu/syscalls"
)

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

// LinuxABI is what differs between the Linux guest architectures at the
// syscall boundary.
type LinuxABI struct {
	Arch      string
	Mask      syscalls.ArchMask
	OpenFlags *syscalls.FlagMap
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
		Arch: "riscv64", Mask: syscalls.ArchRiscv64,
		OpenFlags: syscalls.NewFlagMap(), // asm-generic, identical to the host
		Sigaction: SigactionLayout{Size: 24},
		openNames: openFlagNames(ODirectory, ONofollow, ODirect, OLargefile),
	},
	"aarch64": {
		Arch: "aarch64", Mask: syscalls.ArchAarch64,
		OpenFlags: syscalls.NewFlagMap(
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
