package usermode

import (
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
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

// fillLowFDs does not grow the descriptor table past the floor: a batch
// that overshot it made a fork child wait for an RCU grace period in the
// kernel (expand_fdtable), about 10 ms.
func TestFillLowFDsKeepsTable(t *testing.T) {
	null, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(null)
	high := 0
	for fd := range openFDs() {
		high = max(high, fd)
	}
	// A table of 2048 slots (tables never shrink), the floor at its end,
	// with a free count below it that is not a multiple of the batch.
	floor := 2048
	if high >= floor-300 {
		t.Fatalf("test process already has descriptor %d", high)
	}
	if _, err := unix.FcntlInt(uintptr(null), unix.F_DUPFD_CLOEXEC, floor-1); err != nil {
		t.Fatal(err)
	}
	unix.Close(floor - 1)
	// Opened now: an open after the fill would take a slot past the floor.
	status, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer status.Close()
	before := fdTableSize(t, status)
	if before != floor {
		t.Fatalf("FDSize %d after opening descriptor %d, want %d", before, floor-1, floor)
	}
	got := fillLowFDs(null, floor)
	defer closeFDs(got)
	if after := fdTableSize(t, status); after != before {
		t.Errorf("descriptor table grew from %d to %d slots filling below %d", before, after, floor)
	}
	if len(got) == 0 || got[len(got)-1] != floor-1 {
		t.Errorf("fill stopped short of the floor: last descriptor %v", got[max(len(got)-1, 0):])
	}
}

// fdTableSize is the FDSize line of /proc/self/status, read from status.
func fdTableSize(t *testing.T, status *os.File) int {
	t.Helper()
	buf := make([]byte, 8192)
	n, err := status.ReadAt(buf, 0)
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	data := buf[:n]
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "FDSize:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no FDSize in /proc/self/status")
	return 0
}
