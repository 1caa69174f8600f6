package translate

import (
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// A load from a file mapping's page wholly past the end of the file is
// ExcNoBacking (Linux SIGBUS BUS_ADRERR); a store to a read-only one a protection fault.
func TestPastEndOfFileIsSIGBUS(t *testing.T) {
	e, c := newToy(t, prog(ins(toyLd, 2, 1, 0), ins(toySys, 0, 0, 0)), ProtRead|ProtExec)
	f, err := os.CreateTemp(t.TempDir(), "eof")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write([]byte("short"))
	const at = 0x40000
	for _, prot := range []int{ProtRead, ProtRead | ProtWrite} {
		if _, err := e.Mem().Map(MapSpec{Addr: at, Length: 2 * PageSize, Prot: prot, Fixed: true, Shared: true,
			FD: int(f.Fd())}); err != nil {
			t.Fatal(err)
		}
		c.PC, c.R[1] = codeAddr, at
		if k := e.Run(c); k != ExitSyscall {
			t.Fatalf("load from the file's page: exit %v %+v", k, c.Exit)
		}
		c.PC, c.R[1] = codeAddr, at+PageSize+8
		if k := e.Run(c); k != ExitException || c.Exit.Exception != ExcNoBacking ||
			c.Exit.Addr != at+PageSize+8 || c.PC != codeAddr {
			t.Fatalf("prot %d: load past the end: exit %v %+v pc %#x", prot, k, c.Exit, c.PC)
		}
	}
	e.Mem().Protect(at, 2*PageSize, ProtRead)
	e.Mem().WriteForce(codeAddr, prog(ins(toySt, 2, 1, 0)))
	c.PC, c.R[1] = codeAddr, at+PageSize
	if k := e.Run(c); k != ExitException || c.Exit.Exception != ExcProtection {
		t.Fatalf("store past the end of a read-only mapping: %v %+v", k, c.Exit)
	}
}

// A fault below a MAP_GROWSDOWN mapping grows it and the access runs
// again; past the size limit or within the guard gap it is ExcUnmapped.
func TestGrowsDown(t *testing.T) {
	e, c := newToy(t, prog(ins(toySt, 2, 1, 0), ins(toySys, 0, 0, 0)), ProtRead|ProtExec)
	as := e.Mem()
	as.StackGrowth = func() (uint64, uint64) { return 16 * PageSize, 4 * PageSize }
	const top = 0x800000
	if _, err := as.Map(MapSpec{Addr: top - 2*PageSize, Length: 2 * PageSize, Prot: ProtRead | ProtWrite,
		Fixed: true, FD: -1, Grows: true}); err != nil {
		t.Fatal(err)
	}
	c.R[1], c.R[2] = top-5*PageSize+8, 42
	if k := e.Run(c); k != ExitSyscall {
		t.Fatalf("store below: %v %+v", k, c.Exit)
	}
	if v, _ := as.current().find(top - 5*PageSize); v.Start != top-5*PageSize || v.End != top || !v.Grows {
		t.Fatalf("after growth: %+v", v)
	}
	if got, _ := as.Load64(top - 5*PageSize + 8); got != 42 {
		t.Fatalf("stored %d", got)
	}
	c.PC, c.R[1] = codeAddr, top-17*PageSize // 17 pages: over the limit
	if k := e.Run(c); k != ExitException || c.Exit.Exception != ExcUnmapped {
		t.Fatalf("past the limit: %v %+v", k, c.Exit)
	}
	// A mapping below: growth stops 4 pages above it.
	as.Map(anon(top-14*PageSize, PageSize, ProtRead))
	if as.GrowDown(top - 10*PageSize) {
		t.Fatal("grew within the guard gap")
	}
	if !as.GrowDown(top - 9*PageSize) {
		t.Fatal("did not grow outside the guard gap")
	}
	// A system call's buffer below it grows it too (Slice).
	if _, err := as.Slice(top-11*PageSize+4000, 200, ProtWrite); err == nil {
		t.Fatal("slice within the guard gap")
	}
	as.Unmap(top-14*PageSize, PageSize)
	if _, err := as.Slice(top-11*PageSize+4000, 200, ProtWrite); err != nil {
		t.Fatalf("slice below: %v", err)
	}
}

func fill(t *testing.T, as *AddressSpace, addr uint64, pages int, c byte) {
	t.Helper()
	for i := 0; i < pages; i++ {
		if err := as.Write(addr+uint64(i)*PageSize, []byte{c + byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
}

func byteAt(as *AddressSpace, addr uint64) int {
	b := make([]byte, 1)
	if as.Read(addr, b) != nil {
		return -1
	}
	return int(b[0])
}

func TestRemapFixedDontUnmapAndMoves(t *testing.T) {
	as := newAS(t)
	const h = 0x1000000
	rw := ProtRead | ProtWrite
	as.Map(anon(h, 2*PageSize, rw))
	as.Map(anon(h+8*PageSize, 4*PageSize, rw))
	fill(t, as, h, 2, 'A')
	fill(t, as, h+8*PageSize, 4, 'P')
	got, err := as.Remap(RemapRequest{Addr: h, OldLen: 2 * PageSize, NewLen: 2 * PageSize, NewAddr: h + 9*PageSize,
		MayMove: true, Fixed: true})
	if err != nil || got != h+9*PageSize {
		t.Fatalf("FIXED: %#x %v", got, err)
	}
	if byteAt(as, h+8*PageSize) != 'P' || byteAt(as, h+9*PageSize) != 'A' || byteAt(as, h+10*PageSize) != 'B' ||
		byteAt(as, h+11*PageSize) != 'S' || byteAt(as, h) != -1 {
		t.Fatal("FIXED into the middle: wrong pages")
	}
	// The moved piece stays a mapping of its own (its offset does not run on).
	if v, _ := as.current().find(h + 9*PageSize); v.Start != h+9*PageSize || v.End != h+11*PageSize {
		t.Fatalf("moved VMA %+v", v)
	}
	if _, err := as.Remap(RemapRequest{Addr: h + 9*PageSize, OldLen: 2 * PageSize, NewLen: 2 * PageSize,
		NewAddr: h + 10*PageSize, MayMove: true, Fixed: true}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("overlapping target: %v", err)
	}

	// A move of three mappings with a gap keeps the gap; the target's page
	// in the gap stays.
	as.Unmap(h, 32*PageSize)
	as.Map(anon(h, 5*PageSize, rw))
	fill(t, as, h, 5, 'g')
	as.Protect(h+PageSize, PageSize, ProtRead)
	as.Unmap(h+3*PageSize, PageSize)
	as.Map(anon(h+16*PageSize, 6*PageSize, ProtRead))
	got, err = as.Remap(RemapRequest{Addr: h, OldLen: 6 * PageSize, NewLen: 6 * PageSize, NewAddr: h + 16*PageSize,
		MayMove: true, Fixed: true})
	if err != nil || got != h+16*PageSize {
		t.Fatalf("multi move: %#x %v", got, err)
	}
	want := []int{'g', 'h', 'i', 0, 'k', 0}
	for i, w := range want {
		if b := byteAt(as, h+uint64(16+i)*PageSize); b != w {
			t.Errorf("page %d: %d, want %d", i, b, w)
		}
	}
	if p, _ := as.ProtAt(h + 21*PageSize); p != ProtRead {
		t.Errorf("the target's page past the last mapping: prot %d", p)
	}

	// DONTUNMAP: the old range stays mapped, empty.
	as.Unmap(h, 32*PageSize)
	as.Map(anon(h, 2*PageSize, rw))
	fill(t, as, h, 2, 'D')
	got, err = as.Remap(RemapRequest{Addr: h, OldLen: 2 * PageSize, NewLen: 2 * PageSize, MayMove: true, DontUnmap: true})
	if err != nil || got == h || byteAt(as, got) != 'D' || byteAt(as, got+PageSize) != 'E' || byteAt(as, h+PageSize) != 0 {
		t.Fatalf("DONTUNMAP: %#x %v", got, err)
	}
	if _, err := as.Remap(RemapRequest{Addr: h, OldLen: 0, NewLen: PageSize, MayMove: true}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("old_len 0 of a private mapping: %v", err)
	}
	// Shrinking across two mappings is an munmap of the tail.
	as.Map(anon(h, 4*PageSize, rw))
	as.Protect(h+2*PageSize, 2*PageSize, ProtRead)
	if got, err := as.Remap(RemapRequest{Addr: h, OldLen: 4 * PageSize, NewLen: PageSize}); err != nil || got != h {
		t.Fatalf("shrink: %#x %v", got, err)
	}
	if _, ok := as.ProtAt(h + 2*PageSize); ok {
		t.Fatal("tail still mapped")
	}
}

func TestLockCountsGuestPages(t *testing.T) {
	as := newAS(t)
	const h = 0x2000000
	as.Map(anon(h, 4*PageSize, ProtRead|ProtWrite))
	if err := as.Lock(h+2*PageSize, 4*PageSize, 0); !errors.Is(err, ErrNoMem) {
		t.Fatalf("lock over a hole: %v", err)
	}
	if err := as.Unlock(h, 4*PageSize); err != nil {
		t.Fatal(err)
	}
	if err := as.Lock(h, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := as.Lock(h, 2*PageSize, unix.MLOCK_ONFAULT); err != nil && !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.EAGAIN) {
		t.Fatal(err)
	}
	as.UnlockAll()
}
