package riscv64

import (
	"math/bits"
	"testing"
)

// TestClmul checks the three forms against a 128-bit carry-less product
// computed bit by bit, and known values from the Zbc specification's
// definition (clmulr = bits 126..63 of the product).
func TestClmul(t *testing.T) {
	ref := func(a, b uint64) (hi, lo uint64) {
		for i := uint(0); i < 64; i++ {
			if b>>i&1 != 0 {
				lo ^= a << i
				if i > 0 {
					hi ^= a >> (64 - i)
				}
			}
		}
		return
	}
	cases := [][2]uint64{{0, 0}, {1, 1}, {3, 3}, {^uint64(0), ^uint64(0)}, {0x8000000000000001, 0x8000000000000001},
		{0x0123456789abcdef, 0xfedcba9876543210}, {1 << 63, 2}}
	for _, c := range cases {
		hi, lo := ref(c[0], c[1])
		if got := clmul(c[0], c[1], clmulLow); got != lo {
			t.Errorf("clmul(%#x, %#x) = %#x, want %#x", c[0], c[1], got, lo)
		}
		if got := clmul(c[0], c[1], clmulHigh); got != hi {
			t.Errorf("clmulh(%#x, %#x) = %#x, want %#x", c[0], c[1], got, hi)
		}
		if got, want := clmul(c[0], c[1], clmulRev), hi<<1|lo>>63; got != want {
			t.Errorf("clmulr(%#x, %#x) = %#x, want %#x", c[0], c[1], got, want)
		}
	}
	// 3 x 3 = 0b101 carry-less; clmulr of bit-reversed operands is the
	// bit-reversed clmul (the specification's identity).
	if clmul(3, 3, clmulLow) != 5 {
		t.Errorf("clmul(3, 3) != 5")
	}
	a, b := uint64(0x0123456789abcdef), uint64(0x1111)
	if got, want := clmul(bits.Reverse64(a), bits.Reverse64(b), clmulRev), bits.Reverse64(clmul(a, b, clmulLow)); got != want {
		t.Errorf("clmulr identity: %#x, want %#x", got, want)
	}
}
