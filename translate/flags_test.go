package translate

import "testing"

func TestAddWithCarryFlags(t *testing.T) {
	cases := []struct {
		x, y, c uint64
		size    uint8
		res     uint64
		flags   uint64
	}{
		{1, 2, 0, 8, 3, 0},
		{0, 0, 0, 8, 0, FlagZ},
		{^uint64(0), 1, 0, 8, 0, FlagZ | FlagC},
		{1 << 63, 1 << 63, 0, 8, 0, FlagZ | FlagC | FlagV},
		{1<<63 - 1, 1, 0, 8, 1 << 63, FlagN | FlagV},
		{0xffffffff, 1, 0, 4, 0, FlagZ | FlagC},
		{0x7fffffff, 1, 0, 4, 0x80000000, FlagN | FlagV},
		{5, ^uint64(5), 1, 8, 0, FlagZ | FlagC},  // 5 - 5: CMP equal sets C (no borrow)
		{3, ^uint64(5), 1, 8, ^uint64(1), FlagN}, // 3 - 5 borrows: C clear
	}
	for _, tc := range cases {
		res, f := addWithCarry(tc.x, tc.y, tc.c, tc.size)
		if res != tc.res || f != tc.flags {
			t.Errorf("addWithCarry(%#x,%#x,%d,%d) = %#x,%#x want %#x,%#x", tc.x, tc.y, tc.c, tc.size, res, f, tc.res, tc.flags)
		}
	}
}

func TestConditionHolds(t *testing.T) {
	// 3 - 5 (signed less, unsigned lower): LT, LO, NE, MI hold; GE, HS, EQ do not.
	_, f := addWithCarry(3, ^uint64(5), 1, 8)
	holds := map[uint8]bool{0: false, 1: true, 2: false, 3: true, 4: true, 5: false, 8: false, 9: true,
		10: false, 11: true, 12: false, 13: true, 14: true, 15: true}
	for cc, want := range holds {
		if got := ConditionHolds(cc, f); got != want {
			t.Errorf("cond %d on %#x = %v, want %v", cc, f, got, want)
		}
	}
}

func TestArmDivision(t *testing.T) {
	if sdivA64(7, 0, 8) != 0 || udivA64(7, 0, 4) != 0 {
		t.Error("division by zero must give 0")
	}
	if sdivA64(1<<63, ^uint64(0), 8) != 1<<63 || sdivA64(0x80000000, 0xffffffff, 4) != 0x80000000 {
		t.Error("MIN / -1 must give MIN")
	}
	if sdivA64(uint64(^uint64(6)), 2, 8) != ^uint64(2) { // -7/2 = -3 (truncating)
		t.Error("signed division truncates toward zero")
	}
}
