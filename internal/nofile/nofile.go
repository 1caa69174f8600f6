// Package nofile saves the RLIMIT_NOFILE the process was started with,
// before Go's syscall package raises the soft limit for itself at
// initialization (syscall/rlimit.go, go.dev/issue/46279). gemu gives the
// guest the limit a native run would have (cmd/gemu/rlimit.go).
//
// It is done by package initialization order, which a plain `go build`
// gets (no link flag, no special entry point). Since Go 1.21 the spec
// ("Package initialization") fixes the order: packages are initialized one
// at a time, each step taking the first package in import-path order whose
// imports are all initialized. This package imports nothing, so it is
// ready at the first step, and "github.com/gemu-project/..." sorts before
// "syscall": it is initialized before package syscall, whoever imports
// it. It must keep importing nothing (TestInitBeforeSyscall checks).
package nofile

// Start is the {soft, hard} RLIMIT_NOFILE as the process was started;
// Start[1] is 0 when it could not be read.
var Start [2]uint64

func init() { prlimitNofile(&Start) }

// HostFDFloor is where gemu's own descriptors go when the limit leaves room
// (usermode/hostfd.go).
const HostFDFloor = 1000

// ParkFloor is the lowest descriptor gemu parks its own at under the soft
// and hard RLIMIT_NOFILE: HostFDFloor or the soft limit, whichever is
// higher, where the hard limit leaves room; just the soft limit when it
// leaves a little. With no room above the soft limit (soft and hard
// equal), gemu's descriptors take from the guest's budget: at HostFDFloor
// under a large limit, else at half the limit.
func ParkFloor(soft, hard uint64) uint64 {
	switch floor := max(HostFDFloor, soft); {
	case floor+64 <= hard:
		return floor
	case soft+8 <= hard:
		return soft
	case soft >= HostFDFloor+64:
		return HostFDFloor
	}
	return soft / 2
}
