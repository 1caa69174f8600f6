package syscalls

import "testing"

// A table holds the calls one architecture has; Define fills a record,
// ignores another architecture's call and refuses a name no table has.
func TestTableDefine(t *testing.T) {
	nums := []SyscallNumber{
		{Num: 1, Name: "both", Archs: ArchAll},
		{Num: 2, Name: "riscv_only", Archs: ArchRiscv64},
	}
	tb := NewTable[int](nums, ArchAarch64)
	if err := tb.Define("both", Record[int]{Handler: 7, Support: Full}); err != nil {
		t.Fatal(err)
	}
	if r := tb.Lookup(1); r == nil || r.Handler != 7 || r.Name != "both" || r.Support != Full {
		t.Errorf("Lookup(1) = %+v", r)
	}
	if err := tb.Define("riscv_only", Record[int]{Handler: 8}); err != nil {
		t.Errorf("another architecture's call: %v", err)
	}
	if tb.Lookup(2) != nil || tb.ByName("riscv_only") != nil {
		t.Error("aarch64's table has riscv_only")
	}
	if err := tb.Define("nosuch", Record[int]{}); err == nil {
		t.Error("an unknown name is accepted")
	}
	if n := len(tb.All()); n != 1 {
		t.Errorf("All() has %d records", n)
	}
}
