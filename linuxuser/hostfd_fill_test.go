package linuxuser

import (
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// fillLowFDs takes exactly the free descriptors below the floor, around
// ones already open, and leaves nothing open at or above it.
func TestFillLowFDs(t *testing.T) {
	null, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(null)
	floor := 0
	for fd := range openFDs() {
		floor = max(floor, fd+1)
	}
	floor += 600 // more than two SCM_RIGHTS batches
	busy := map[int]bool{}
	for fd := 0; fd < floor; fd++ {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil {
			busy[fd] = true
		}
	}
	// Holes: descriptors held open in the middle of the range.
	for _, at := range []int{floor - 400, floor - 399, floor - 100} {
		if _, err := unix.FcntlInt(uintptr(null), unix.F_DUPFD_CLOEXEC, at); err != nil {
			t.Fatal(err)
		}
		busy[at] = true
		defer unix.Close(at)
	}
	var want []int
	for fd := 0; fd < floor; fd++ {
		if !busy[fd] {
			want = append(want, fd)
		}
	}
	got := fillLowFDs(null, floor)
	if !slices.Equal(got, want) {
		t.Fatalf("took %d descriptors %v..., want the %d free ones below %d", len(got), got[:min(len(got), 8)], len(want), floor)
	}
	for fd := floor; fd < floor+600; fd++ {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && !busy[fd] {
			t.Errorf("descriptor %d at or above the floor left open", fd)
		}
	}
	closeFDs(got)
	for _, fd := range got {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil {
			t.Fatalf("descriptor %d still open after closeFDs", fd)
		}
	}
}
