package translate

import (
	"errors"
	"testing"
)

func newAS(t *testing.T) *AddressSpace {
	t.Helper()
	as, err := NewAddressSpace(1 << 36)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(as.Close)
	return as
}

func anon(addr, n uint64, prot int) MapSpec {
	return MapSpec{Addr: addr, Length: n, Prot: prot, Fixed: true, FD: -1}
}

func TestMapSplitMerge(t *testing.T) {
	as := newAS(t)
	if _, err := as.Map(anon(0x100000, 4*PageSize, ProtRead|ProtWrite)); err != nil {
		t.Fatal(err)
	}
	if err := as.Protect(0x101000, PageSize, ProtRead); err != nil {
		t.Fatal(err)
	}
	if v := as.VMAs(); len(v) != 3 || v[1].Start != 0x101000 || v[1].End != 0x102000 || v[1].Prot != ProtRead {
		t.Fatalf("after protect: %+v", v)
	}
	if err := as.Write(0x101000, []byte{1}); !errors.Is(err, ErrFault) {
		t.Fatalf("write to read-only page: %v", err)
	}
	as.Protect(0x101000, PageSize, ProtRead|ProtWrite)
	if v := as.VMAs(); len(v) != 1 {
		t.Fatalf("protect back should merge: %+v", v)
	}
	as.Unmap(0x102000, PageSize)
	if v := as.VMAs(); len(v) != 2 || v[0].End != 0x102000 || v[1].Start != 0x103000 {
		t.Fatalf("after unmap: %+v", v)
	}
	if err := as.Read(0x102000, make([]byte, 1)); err == nil {
		t.Fatal("read from unmapped page succeeded")
	}
}

func TestNonFixedMapsTopDownWithoutOverlap(t *testing.T) {
	as := newAS(t)
	seen := map[uint64]bool{}
	var prev uint64
	for i := 0; i < 50; i++ {
		a, err := as.Map(MapSpec{Length: 3 * PageSize, Prot: ProtRead, FD: -1})
		if err != nil {
			t.Fatal(err)
		}
		if seen[a] || (prev != 0 && a+3*PageSize > prev) {
			t.Fatalf("mapping %d at %#x overlaps (previous %#x)", i, a, prev)
		}
		seen[a], prev = true, a
	}
	if _, err := as.Map(MapSpec{Addr: prev, Length: PageSize, NoReplace: true, FD: -1}); !errors.Is(err, ErrExist) {
		t.Fatalf("MAP_FIXED_NOREPLACE over a mapping: %v", err)
	}
}

func TestRemapGrowsAndMovesKeepingData(t *testing.T) {
	as := newAS(t)
	as.Map(anon(0x200000, PageSize, ProtRead|ProtWrite))
	as.Write(0x200000, []byte("hello"))
	a, err := as.Remap(RemapRequest{Addr: 0x200000, OldLen: PageSize, NewLen: 3 * PageSize})
	if err != nil || a != 0x200000 {
		t.Fatalf("grow in place: %#x %v", a, err)
	}
	as.Map(anon(0x203000, PageSize, ProtRead))
	b, err := as.Remap(RemapRequest{Addr: 0x200000, OldLen: 3 * PageSize, NewLen: 8 * PageSize, MayMove: true})
	if err != nil || b == 0x200000 {
		t.Fatalf("move: %#x %v", b, err)
	}
	buf := make([]byte, 5)
	if err := as.Read(b, buf); err != nil || string(buf) != "hello" {
		t.Fatalf("data after move: %q %v", buf, err)
	}
	if _, ok := as.ProtAt(0x200000); ok {
		t.Fatal("old range still mapped after move")
	}
}

func TestReadStringStopsAtNUL(t *testing.T) {
	as := newAS(t)
	as.Map(anon(0x300000, 2*PageSize, ProtRead|ProtWrite))
	as.Write(0x300ffe, []byte("abcd\x00"))
	s, err := as.ReadString(0x300ffe, 100)
	if err != nil || s != "abcd" {
		t.Fatalf("%q %v", s, err)
	}
}
