package riscv64

import (
	"math"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

const (
	minI64 = 1 << 63
	all1   = math.MaxUint64
)

type aluCase struct {
	name    string
	a, b    uint64
	want    uint64
	comment string
}

// TestRegReg: op x3, x1, x2.
func TestRegReg(t *testing.T) {
	cases := []aluCase{
		{"add", 5, all1, 4, ""},
		{"sub", 5, 7, all1 - 1, ""},
		{"sll", 1, 65, 2, "shift amount is rs2 & 63"},
		{"srl", minI64, 63, 1, ""},
		{"sra", minI64, 63, all1, ""},
		{"slt", all1, 0, 1, ""},
		{"sltu", all1, 0, 0, ""},
		{"xor", 0xf0, 0xff, 0x0f, ""},
		{"or", 0xf0, 0x0f, 0xff, ""},
		{"and", 0xf0, 0x3c, 0x30, ""},
		{"mul", 1 << 32, 1 << 32, 0, ""},
		{"mulh", all1, all1, 0, "-1 * -1 high = 0"},
		{"mulh", minI64, minI64, 1 << 62, ""},
		{"mulhu", all1, all1, all1 - 1, ""},
		{"mulhsu", all1, all1, all1, "-1 * (2^64-1) high = -1"},
		{"div", 7, 0, all1, "div by zero = -1"},
		{"div", minI64, all1, minI64, "overflow"},
		{"div", all1 - 6, 2, all1 - 2, "-7/2 = -3"},
		{"divu", 7, 0, all1, ""},
		{"rem", 7, 0, 7, "rem by zero = dividend"},
		{"rem", minI64, all1, 0, "overflow"},
		{"rem", all1 - 6, 2, all1, "-7%2 = -1"},
		{"remu", 7, 0, 7, ""},
		{"addw", 0x7fffffff, 1, 0xffffffff80000000, "sign-extends"},
		{"subw", 0, 1, all1, ""},
		{"sllw", 1, 31, 0xffffffff80000000, ""},
		{"sllw", 1, 32, 1, "W shift amount is rs2 & 31"},
		{"srlw", 0xffffffff80000000, 31, 1, ""},
		{"srlw", 0x80000000, 32, 0xffffffff80000000, "shift by 32 = by 0"},
		{"sraw", 0x80000000, 4, 0xfffffffff8000000, ""},
		{"mulw", 0x10000, 0x10000, 0, ""},
		{"mulw", 0x7fffffff, 2, all1 - 1, ""},
		{"divw", 0x80000000, all1, 0xffffffff80000000, "overflow"},
		{"divw", 5, 0, all1, ""},
		{"divuw", 0xfffffffe, 1, all1 - 1, "sign-extended 32-bit result"},
		{"divuw", 5, 0, all1, ""},
		{"remw", 0x80000000, all1, 0, ""},
		{"remw", 0xffffffff80000005, 0, 0xffffffff80000005, ""},
		{"remuw", 0x80000005, 0, 0xffffffff80000005, ""},
		// Zba.
		{"sh1add", 3, 100, 106, ""},
		{"sh2add", 3, 100, 112, ""},
		{"sh3add", 3, 100, 124, ""},
		{"add.uw", 0xffffffff00000003, 100, 103, ""},
		{"sh1add.uw", 0xffffffff80000000, 0, 1 << 32, ""},
		{"sh2add.uw", 0x100000001, 1, 5, ""},
		{"sh3add.uw", 0x100000001, 1, 9, ""},
		// Zbb.
		{"andn", 0xff, 0x0f, 0xf0, ""},
		{"orn", 0, 0, all1, ""},
		{"xnor", 0xff, 0x0f, ^uint64(0xf0), ""},
		{"min", all1, 1, all1, ""},
		{"max", all1, 1, 1, ""},
		{"minu", all1, 1, 1, ""},
		{"maxu", all1, 1, all1, ""},
		{"rol", minI64 | 1, 1, 3, ""},
		{"ror", 3, 1, minI64 | 1, ""},
		{"rolw", 0x80000001, 1, 3, ""},
		{"rorw", 3, 1, 0xffffffff80000001, ""},
		{"rorw", 3, 33, 0xffffffff80000001, "amount & 31"},
		// Zbs.
		{"bclr", all1, 65, all1 &^ 2, "index & 63"},
		{"bset", 0, 63, minI64, ""},
		{"binv", 1, 0, 0, ""},
		{"bext", minI64, 63, 1, ""},
		{"bext", minI64, 62, 0, ""},
	}
	for _, tc := range cases {
		c := exec(t, code(R(tc.name, 3, 1, 2), ecall), regs(1, tc.a, 2, tc.b))
		if got := c.R[3]; got != tc.want {
			t.Errorf("%s %#x, %#x = %#x, want %#x %s", tc.name, tc.a, tc.b, got, tc.want, tc.comment)
		}
	}
}

// TestRegImm: op x3, x1, imm.
func TestRegImm(t *testing.T) {
	cases := []struct {
		name string
		a    uint64
		imm  int32
		want uint64
	}{
		{"addi", 5, -6, all1},
		{"slti", all1, 0, 1},
		{"sltiu", 5, -1, 1}, // imm sign-extended, compared unsigned
		{"xori", 0xf0, -1, ^uint64(0xf0)},
		{"ori", 0, -2048, all1 - 2047},
		{"andi", all1, 0x7ff, 0x7ff},
		{"slli", 1, 63, minI64},
		{"srli", minI64, 63, 1},
		{"srai", minI64, 63, all1},
		{"addiw", 0x7fffffff, 1, 0xffffffff80000000},
		{"addiw", 0xffffffff00000005, 0, 5}, // sext.w
		{"slliw", 1, 31, 0xffffffff80000000},
		{"srliw", 0xffffffff80000000, 31, 1},
		{"sraiw", 0x80000000, 31, all1},
		{"slli.uw", 0xffffffff80000001, 4, 0x800000010},
		{"rori", 1, 1, minI64},
		{"roriw", 1, 1, 0xffffffff80000000},
		{"bclri", all1, 63, math.MaxInt64},
		{"bseti", 0, 40, 1 << 40},
		{"binvi", 1 << 40, 40, 0},
		{"bexti", 1 << 40, 40, 1},
	}
	for _, tc := range cases {
		c := exec(t, code(I(tc.name, 3, 1, tc.imm), ecall), regs(1, tc.a))
		if got := c.R[3]; got != tc.want {
			t.Errorf("%s %#x, %d = %#x, want %#x", tc.name, tc.a, tc.imm, got, tc.want)
		}
	}
}

func TestUnary(t *testing.T) {
	cases := []struct {
		name    string
		a, want uint64
	}{
		{"clz", 0, 64}, {"clz", 1, 63}, {"ctz", 0, 64}, {"ctz", minI64, 63},
		{"cpop", all1, 64}, {"clzw", 0xffffffff00000000, 32}, {"clzw", 0x8000, 16},
		{"ctzw", 0xffffffff00000000, 32}, {"cpopw", 0xffffffff0000000f, 4},
		{"sext.b", 0x80, all1 - 127}, {"sext.h", 0x8000, all1 - 0x7fff},
		{"zext.h", all1, 0xffff}, {"orc.b", 0x0100_0000_0030_0001, 0xff00_0000_00ff_00ff},
		{"rev8", 0x0102030405060708, 0x0807060504030201},
	}
	for _, tc := range cases {
		c := exec(t, code(R(tc.name, 3, 1, 0), ecall), regs(1, tc.a))
		if got := c.R[3]; got != tc.want {
			t.Errorf("%s %#x = %#x, want %#x", tc.name, tc.a, got, tc.want)
		}
	}
}

func TestX0(t *testing.T) {
	c := exec(t, code(
		I("addi", 0, 0, 5),      // nop-like: x0 stays 0
		R("add", 3, 0, 0),       // x3 = 0
		I("addi", 4, 0, -1),     // li
		R("sub", 5, 0, 4),       // neg
		I("lw", 0, 2, -8),       // load into x0 still loads (stack is mapped)
		U("lui", 0, 1),          // HINT
		I("addiw", 6, 0, 0x7ff), // folded
		R("add.uw", 7, 4, 0),    // zext.w
		I("slli", 8, 0, 3),      // folded to 0
		J(0, 4),                 // j +4
		ecall,
	), regs(3, 99, 8, 99))
	want := map[int]uint64{0: 0, 3: 0, 4: all1, 5: 1, 6: 0x7ff, 7: 0xffffffff, 8: 0}
	for r, v := range want {
		if c.R[r] != v {
			t.Errorf("x%d = %#x, want %#x", r, c.R[r], v)
		}
	}
	if c.R[translate.RegZero] != 0 {
		t.Errorf("RegZero = %#x", c.R[translate.RegZero])
	}
}

func TestLuiAuipc(t *testing.T) {
	c := exec(t, code(
		U("lui", 1, 0x80000),
		U("auipc", 2, 0xfffff),
		U("auipc", 3, 1),
		ecall,
	), nil)
	if c.R[1] != 0xffffffff80000000 {
		t.Errorf("lui = %#x", c.R[1])
	}
	if want := uint64(codeBase + 4 - 0x1000); c.R[2] != want {
		t.Errorf("auipc -1 = %#x, want %#x", c.R[2], want)
	}
	if want := uint64(codeBase + 8 + 0x1000); c.R[3] != want {
		t.Errorf("auipc 1 = %#x, want %#x", c.R[3], want)
	}
}

func TestLoadsStores(t *testing.T) {
	c := exec(t, code(
		S("sd", 2, 1, 0),
		I("lb", 10, 1, 7), I("lbu", 11, 1, 7),
		I("lh", 12, 1, 6), I("lhu", 13, 1, 6),
		I("lw", 14, 1, 4), I("lwu", 15, 1, 4),
		I("ld", 16, 1, 0),
		S("sb", 2, 1, 16), S("sh", 2, 1, 18), S("sw", 2, 1, 20),
		I("ld", 17, 1, 16),
		S("sd", 2, 1, -8+32), I("ld", 18, 1, 24),
		ecall,
	), regs(1, dataBase, 2, 0x8182838485868788))
	want := map[int]uint64{
		10: 0xffffffffffffff81, 11: 0x81, 12: 0xffffffffffff8182, 13: 0x8182,
		14: 0xffffffff81828384, 15: 0x81828384, 16: 0x8182838485868788,
		17: 0x8586878887880088, 18: 0x8182838485868788,
	}
	for r, v := range want {
		if c.R[r] != v {
			t.Errorf("x%d = %#x, want %#x", r, c.R[r], v)
		}
	}
}

func TestBranches(t *testing.T) {
	cases := []struct {
		name  string
		a, b  uint64
		taken bool
	}{
		{"beq", 1, 1, true}, {"beq", 1, 2, false},
		{"bne", 1, 2, true}, {"bne", 2, 2, false},
		{"blt", all1, 0, true}, {"blt", 0, all1, false},
		{"bge", 0, all1, true}, {"bge", all1, 0, false}, {"bge", 3, 3, true},
		{"bltu", 0, all1, true}, {"bltu", all1, 0, false},
		{"bgeu", all1, 0, true}, {"bgeu", 0, all1, false},
	}
	for _, tc := range cases {
		p := code(
			B(tc.name, 1, 2, 12),
			I("addi", 3, 0, 1), // not taken path
			ecall,
			I("addi", 3, 0, 2), // taken path
			ecall,
		)
		c := exec(t, p, regs(1, tc.a, 2, tc.b))
		want := uint64(1)
		if tc.taken {
			want = 2
		}
		if c.R[3] != want {
			t.Errorf("%s %#x,%#x: taken=%v, want %v", tc.name, tc.a, tc.b, c.R[3] == 2, tc.taken)
		}
	}
	// Same-register branches are folded at translate time.
	c := exec(t, code(B("bge", 1, 1, 8), ecall, B("blt", 1, 1, 8), ecall, ecall), nil)
	if c.PC != codeBase+16 {
		t.Errorf("folded branches ended at %#x", c.PC)
	}
}

func TestJumps(t *testing.T) {
	// jal forward and backward; jalr with rd == rs1; link values.
	c := exec(t, code(
		J(1, 12),                  // 0: ra = 4, -> 12
		ecall,                     // 4
		ecall,                     // 8
		I("addi", 5, 0, 0),        // 12
		U("lui", 6, codeBase>>12), // 16
		I("jalr", 6, 6, 29),       // 20: target (x6+29)&^1 = 28, x6 = 24
		ecall,                     // 24
		ecall,                     // 28
	), nil)
	if c.R[1] != codeBase+4 {
		t.Errorf("jal link = %#x", c.R[1])
	}
	if c.R[6] != codeBase+24 || c.PC != codeBase+32 {
		t.Errorf("jalr rd==rs1: x6 = %#x, pc = %#x", c.R[6], c.PC)
	}
	// Backward jal loop: count down x1 from 3.
	c = exec(t, code(
		I("addi", 1, 0, 3),
		I("addi", 1, 1, -1),
		B("bne", 1, 0, -4),
		ecall,
	), nil)
	if c.R[1] != 0 || c.PC != codeBase+16 {
		t.Errorf("loop: x1 = %d pc = %#x", c.R[1], c.PC)
	}
}
