package usermode

import (
	"testing"

	"golang.org/x/sys/unix"
)

// gemu's descriptors go above the guest's soft limit where the hard limit
// leaves room, and never far up a huge table when it does not.
func TestParkFloor(t *testing.T) {
	for _, c := range []struct {
		cur, max uint64
		want     int
	}{
		{1024, 1 << 20, 1024}, // the usual limits: just above the guest's
		{64, 1 << 20, 1000},   // a low soft limit: at HostFDFloor, above it
		{4096, 524288, 4096},  // a raised soft limit
		{1024, 1040, 1024},    // a little room above
		{1 << 20, 1 << 20, 1000},
		{4096, 4096, 1000},
		{64, 64, 32},
	} {
		if got := parkFloor(unix.Rlimit{Cur: c.cur, Max: c.max}); got != c.want {
			t.Errorf("parkFloor(%d/%d) = %d, want %d", c.cur, c.max, got, c.want)
		}
	}
}
