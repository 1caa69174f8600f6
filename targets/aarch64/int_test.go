package aarch64

import (
	"math/big"
	"math/bits"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// Integer semantics. Encodings were produced by GNU as (aarch64-linux-gnu-
// as) from the text in the comment; expectations are computed here from
// the ARM ARM definitions, independently of the core's flag helpers.

var edges = []uint64{0, 1, 2, 0x7f, 0x80, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x100000000,
	1<<63 - 1, 1 << 63, 1<<63 + 1, ^uint64(0), ^uint64(1)}

// refAddWithCarry is ARM ARM AddWithCarry on arbitrary-precision integers.
func refAddWithCarry(x, y, carry uint64, n uint) (uint64, uint64) {
	m := ones(n)
	x, y = x&m, y&m
	u := new(big.Int).Add(new(big.Int).SetUint64(x), new(big.Int).SetUint64(y))
	u.Add(u, new(big.Int).SetUint64(carry))
	s := new(big.Int).Add(big.NewInt(sx(x, n)), big.NewInt(sx(y, n)))
	s.Add(s, new(big.Int).SetUint64(carry))
	res := new(big.Int).And(u, new(big.Int).SetUint64(m)).Uint64()
	var f uint64
	if res>>(n-1)&1 != 0 {
		f |= 1 << 31
	}
	if res == 0 {
		f |= 1 << 30
	}
	if new(big.Int).SetUint64(res).Cmp(u) != 0 {
		f |= 1 << 29
	}
	if big.NewInt(sx(res, n)).Cmp(s) != 0 {
		f |= 1 << 28
	}
	return res, f
}

func TestNZCVEdges(t *testing.T) {
	m := newMachine(t)
	type form struct {
		w        uint32
		n        uint
		sub, adc bool
	}
	forms := []form{
		{0xab020020, 64, false, false}, // adds x0, x1, x2
		{0x2b020020, 32, false, false}, // adds w0, w1, w2
		{0xeb020020, 64, true, false},  // subs x0, x1, x2
		{0x6b020020, 32, true, false},  // subs w0, w1, w2
		{0xba020020, 64, false, true},  // adcs x0, x1, x2
		{0x3a020020, 32, false, true},  // adcs w0, w1, w2
		{0xfa020020, 64, true, true},   // sbcs x0, x1, x2
		{0x7a020020, 32, true, true},   // sbcs w0, w1, w2
	}
	for _, f := range forms {
		for _, a := range edges {
			for _, b := range edges {
				for cin := uint64(0); cin < 2; cin++ {
					y, c := b, uint64(0)
					if f.sub {
						y, c = ^b, 1
					}
					if f.adc {
						c = cin
					}
					want, wantF := refAddWithCarry(a, y, c, f.n)
					k := m.run(t, words(f.w, svc0), regs(1, a, 2, b, RegNZCV, cin<<29|0x50000000))
					if k != translate.ExitSyscall || m.c.R[0] != want || m.c.R[RegNZCV] != wantF {
						t.Fatalf("%08x a=%#x b=%#x c=%d: x0=%#x nzcv=%#x, want %#x %#x", f.w, a, b, cin,
							m.c.R[0], m.c.R[RegNZCV], want, wantF)
					}
				}
			}
		}
	}
}

func TestCondCompare(t *testing.T) {
	m := newMachine(t)
	for _, a := range edges {
		for _, b := range edges {
			for nzcv := uint64(0); nzcv < 16; nzcv++ {
				flags := nzcv << 28
				// ccmp x1, x2, #0x5, eq
				m.run(t, words(0xfa420025, svc0), regs(1, a, 2, b, RegNZCV, flags))
				want := uint64(5 << 28)
				if flags&translate.FlagZ != 0 {
					_, want = refAddWithCarry(a, ^b, 1, 64)
				}
				if m.c.R[RegNZCV] != want {
					t.Fatalf("ccmp %#x,%#x flags %x: %#x want %#x", a, b, nzcv, m.c.R[RegNZCV], want)
				}
				// ccmn w1, w2, #0xa, ne
				m.run(t, words(0x3a42102a, svc0), regs(1, a, 2, b, RegNZCV, flags))
				want = 0xa << 28
				if flags&translate.FlagZ == 0 {
					_, want = refAddWithCarry(a, b, 0, 32)
				}
				if m.c.R[RegNZCV] != want {
					t.Fatalf("ccmn %#x,%#x flags %x: %#x want %#x", a, b, nzcv, m.c.R[RegNZCV], want)
				}
			}
		}
	}
}

type intCase struct {
	w          uint32
	x0, x1, x2 uint64
	x3         uint64
	nzcv       uint64
	want       uint64
}

func TestIntegerOps(t *testing.T) {
	a := uint64(0x8123_4567_89ab_cdef)
	b := uint64(0x13)
	w := func(v uint64) uint64 { return v & 0xffffffff }
	s32 := func(v int32) uint64 { return uint64(uint32(v)) }
	cases := []intCase{
		{w: 0xd37cec20, x1: a, want: a << 4},                                           // lsl x0, x1, #4
		{w: 0x53047c20, x1: a, want: w(a) >> 4},                                        // lsr w0, w1, #4
		{w: 0x937cfc20, x1: a, want: uint64(int64(a) >> 60)},                           // asr x0, x1, #60
		{w: 0x131f7c20, x1: a, want: 0xffffffff},                                       // asr w0, w1, #31 (bit 31 of 0x89abcdef is set)
		{w: 0x93483c20, x1: a, want: uint64(int64(int8(a >> 8)))},                      // sbfx x0, x1, #8, #8
		{w: 0x530c3c20, x1: a, want: a >> 12 & 15},                                     // ubfx w0, w1, #12, #4
		{w: 0x937c1c20, x1: a, want: uint64(int64(int8(a))) << 4},                      // sbfiz x0, x1, #4, #8
		{w: 0x53081c20, x1: a, want: w(a << 24)},                                       // lsl w0, w1, #24
		{w: 0xb3701c20, x0: ^uint64(0), x1: a, want: ^uint64(0xff<<16) | (a&0xff)<<16}, // bfi x0, x1, #16, #8
		{w: 0x33042c20, x0: ^uint64(0), x1: a, want: 0xffffff00 | a>>4&0xff},           // bfxil w0, w1, #4, #8
		{w: 0x93401c20, x1: a, want: uint64(int64(int8(a)))},                           // sxtb x0, w1
		{w: 0x13003c20, x1: a, want: w(uint64(int64(int16(a))))},                       // sxth w0, w1
		{w: 0x93407c20, x1: a, want: uint64(int64(int32(a)))},                          // sxtw x0, w1
		{w: 0x53001c20, x1: a, want: a & 0xff},                                         // uxtb w0, w1
		{w: 0x53003c20, x1: a, want: a & 0xffff},                                       // uxth w0, w1
		{w: 0x93c13020, x1: a, want: bits.RotateLeft64(a, -12)},                        // ror x0, x1, #12
		{w: 0x13813020, x1: a, want: uint64(bits.RotateLeft32(uint32(a), -12))},        // ror w0, w1, #12
		{w: 0x93c22020, x1: a, x2: b, want: b>>8 | a<<56},                              // extr x0, x1, x2, #8
		{w: 0x9ac20c20, x1: a, x2: 0, want: 0},                                         // sdiv x0, x1, x2 (by zero)
		{w: 0x9ac20c20, x1: 1 << 63, x2: ^uint64(0), want: 1 << 63},                    // sdiv x0, x1, x2 (MIN/-1)
		{w: 0x9ac20c20, x1: a, x2: b, want: uint64(int64(a) / int64(b))},               // sdiv x0, x1, x2
		{w: 0x1ac20820, x1: a, x2: b, want: w(a) / b},                                  // udiv w0, w1, w2
		{w: 0x1ac20820, x1: a, x2: 1 << 32, want: 0},                                   // udiv w0, w1, w2 (w2 = 0)
		{w: 0x1ac20c20, x1: 0x80000000, x2: 0xffffffff, want: 0x80000000},              // sdiv w0, w1, w2
		{w: 0xdac01020, x1: 0x00f0, want: 56},                                          // clz x0, x1
		{w: 0x5ac01420, x1: 0xfffff000, want: 19},                                      // cls w0, w1
		{w: 0x5ac01420, x1: 0, want: 31},                                               // cls w0, w1
		{w: 0xdac01420, x1: 1, want: 62},                                               // cls x0, x1
		{w: 0x5ac00020, x1: 1, want: 0x80000000},                                       // rbit w0, w1
		{w: 0xdac00420, x1: 0x0102030405060708, want: 0x0201040306050807},              // rev16 x0, x1
		{w: 0xdac00820, x1: 0x0102030405060708, want: 0x0403020108070605},              // rev32 x0, x1
		{w: 0x5ac00820, x1: 0x0102030405060708, want: 0x08070605},                      // rev w0, w1
		{w: 0xdac00c20, x1: 0x0102030405060708, want: 0x0807060504030201},              // rev x0, x1
		{w: 0x9b427c20, x1: 1 << 63, x2: 3, want: ^uint64(0) - 1},                      // smulh x0, x1, x2
		{w: 0x9bc27c20, x1: 1 << 63, x2: 3, want: 1},                                   // umulh x0, x1, x2
		{w: 0x9b220c20, x1: s32(-3), x2: 7, x3: 100, want: 79},                         // smaddl x0, w1, w2, x3
		{w: 0x9ba28c20, x1: s32(-1), x2: 2, x3: 1 << 40, want: 1<<40 - 0x1fffffffe},    // umsubl x0, w1, w2, x3
		{w: 0x1b020c20, x1: 0x10000, x2: 0x10000, x3: 5, want: 5},                      // madd w0, w1, w2, w3
		{w: 0x9b028c20, x1: 3, x2: 4, x3: 2, want: ^uint64(9)},                         // msub x0, x1, x2, x3
		{w: 0xd2824680, want: 0x1234},                                                  // mov x0, #0x1234
		{w: 0xf2f579a0, x0: 0x1234, want: 0xabcd000000001234},                          // movk x0, #0xabcd, lsl #48
		{w: 0x128000a0, x0: ^uint64(0), want: 0xfffffffa},                              // mov w0, #0xfffffffa (movn)
		{w: 0xb200f3e0, want: 0x5555555555555555},                                      // mov x0, #0x5555555555555555
		{w: 0x12089c20, x1: a, want: w(a) & 0xff00ff00},                                // and w0, w1, #0xff00ff00
		{w: 0xd27cec20, x1: a, want: a ^ 0xfffffffffffffff0},                           // eor x0, x1, #0xfffffffffffffff0
		{w: 0x0a221020, x1: a, x2: b, want: w(a &^ (b << 4))},                          // bic w0, w1, w2, lsl #4
		{w: 0xaae20c20, x1: a, x2: b, want: a | ^bits.RotateLeft64(b, -3)},             // orn x0, x1, x2, ror #3
		{w: 0x4a220020, x1: a, x2: b, want: w(^(a ^ b))},                               // eon w0, w1, w2
		{w: 0xcb228420, x1: 100, x2: 0x80, want: 100 + 256},                            // sub x0, x1, w2, sxtb #1
		{w: 0x9a82b420, x1: 1, x2: 2, nzcv: 0x80000000, want: 1},                       // csinc x0, x1, x2, lt (N!=V)
		{w: 0x9a82b420, x1: 1, x2: 2, nzcv: 0x90000000, want: 3},                       // csinc x0, x1, x2, lt
		{w: 0x5a82a020, x1: 1, x2: 2, nzcv: 0x80000000, want: 0xfffffffd},              // csinv w0, w1, w2, ge
		{w: 0xda820420, x1: 1, x2: 2, nzcv: 0, want: ^uint64(1)},                       // csneg x0, x1, x2, eq
		{w: 0x1a9f97e0, nzcv: 0x20000000, want: 1},                                     // cset w0, hi
		{w: 0x1a9f97e0, nzcv: 0x60000000, want: 0},                                     // cset w0, hi
		{w: 0x9ac22020, x1: a, x2: 68, want: a << 4},                                   // lsl x0, x1, x2 (mod 64)
		{w: 0x1ac22820, x1: 0x80000000, x2: 33, want: 0xc0000000},                      // asr w0, w1, w2 (mod 32)
		{w: 0x9ac22c20, x1: a, x2: 8, want: bits.RotateLeft64(a, -8)},                  // ror x0, x1, x2
	}
	m := newMachine(t)
	for _, c := range cases {
		k := m.run(t, words(c.w, svc0), regs(0, c.x0, 1, c.x1, 2, c.x2, 3, c.x3, RegNZCV, c.nzcv))
		if k != translate.ExitSyscall {
			t.Errorf("%08x (%s): exit %d", c.w, disasm(c.w), k)
			continue
		}
		if m.c.R[0] != c.want {
			t.Errorf("%08x (%s): x0 = %#x, want %#x", c.w, disasm(c.w), m.c.R[0], c.want)
		}
	}
}

func TestExtendedSP(t *testing.T) {
	// add x0, sp, w1, uxtw #2; cmp w1, w2, uxth
	c := exec(t, regs(1, 0xffffffff00000010, 2, 0x10), 0x8b214be0, 0x6b22203f)
	if want := uint64(stackTop + 0x40); c.R[0] != want {
		t.Errorf("x0 = %#x, want %#x", c.R[0], want)
	}
	if c.R[RegNZCV] != 0x60000000 { // 0x10 - 0x10: Z and C
		t.Errorf("nzcv = %#x", c.R[RegNZCV])
	}
}
func TestADRPAddFusion(t *testing.T) {
	// nop; adrp x0, .+0x3000; add x0, x0, #0x123; add x1, x0, #1
	c := exec(t, nil, 0xd503201f, 0xf0000000, 0x91048c00, 0x91000401)
	if want := uint64(codeBase + 0x3000 + 0x123); c.R[0] != want || c.R[1] != want+1 {
		t.Errorf("x0 %#x x1 %#x, want %#x", c.R[0], c.R[1], want)
	}
}
