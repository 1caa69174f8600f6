package fpu

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// runBoth runs o with the fast paths on and off and reports a mismatch.
func runBoth(o *op, env Env, a, b, c uint64) error {
	ef, es := env, env
	fastPath = true
	rf := o.fn(&ef, a, b, c)
	fastPath = false
	rs := o.fn(&es, a, b, c)
	fastPath = true
	if rf != rs || ef != es {
		return fmt.Errorf("%s(%#x, %#x, %#x) rm=%d cfg=%+v: fast %#x %+v, slow %#x %+v",
			o.name, a, b, c, env.RM, env, rf, ef, rs, es)
	}
	return nil
}

func TestFastSlowAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 12000
	if testing.Short() {
		n = 1000
	}
	for i := range allOps {
		o := &allOps[i]
		fails := 0
		for rm := RNE; rm <= RMM; rm++ {
			for range n {
				a, b, c := genArgs(r, o)
				env := envFrom(rm, uint8(r.IntN(16)))
				if err := runBoth(o, env, a, b, c); err != nil {
					t.Error(err)
					if fails++; fails > 5 {
						t.FailNow()
					}
				}
			}
		}
	}
}

// FuzzOps runs every operation on fuzzed bits, modes and environments,
// checking fast == slow and that nothing panics.
func FuzzOps(f *testing.F) {
	f.Add(uint64(0x3ff0000000000001), uint64(0xbff0000000000000), uint64(0x7ff4000000000000), uint8(0), uint8(0))
	f.Add(uint64(0x0010000000000000), uint64(0x3fe0000000000000), uint64(1), uint8(2), uint8(12))
	f.Add(uint64(0x7fefffffffffffff), uint64(0x4000000000000000), uint64(0x3f800001), uint8(3), uint8(5))
	f.Add(uint64(0x3f800000_3f800001), uint64(0x0080_0000), uint64(0xff800000), uint8(4), uint8(3))
	f.Fuzz(func(t *testing.T, a, b, c uint64, rm, cfg uint8) {
		env := envFrom(RoundingMode(rm%5), cfg)
		for i := range allOps {
			o := &allOps[i]
			x, y, z := a, b, c
			if o.in != nil {
				mask := o.in.sign<<1 - 1
				x, y, z = x&mask, y&mask, z&mask
			}
			if err := runBoth(o, env, x, y, z); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// genScaled returns a binary64 with random significand and unbiased
// exponent exp (clamped to the normal range), random sign.
func genScaled(r *rand.Rand, exp int) uint64 {
	fld := exp + 1023
	fld = max(1, min(2046, fld))
	x := genBits(r, &f64)&f64.fracMask | uint64(fld)<<52
	return x | uint64(r.IntN(2))<<63
}

// TestFastSlowThresholds aims at the exponent limits of the binary64
// fast paths (error terms near the subnormal range, FMA with tiny
// products against larger addends).
func TestFastSlowThresholds(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	mulOp, divOp, fmaOp, sqrtOp := &allOps[2], &allOps[3], &allOps[5], &allOps[4]
	for i := 0; i < 20000; i++ {
		env := envFrom(RoundingMode(r.IntN(4)), uint8(r.IntN(16)))
		ep := -1120 + r.IntN(300) // exponent of a*b
		ea := -1000 + r.IntN(2000)
		a, b := genScaled(r, ea), genScaled(r, ep-ea)
		c := genScaled(r, ep+r.IntN(120)-20)
		for _, o := range []*op{mulOp, divOp, fmaOp, sqrtOp} {
			x, y := a, b
			if o == divOp {
				x, y = genScaled(r, ep), genScaled(r, r.IntN(200)-100)
			}
			if o == sqrtOp {
				x = genScaled(r, ep) &^ (1 << 63)
			}
			if err := runBoth(o, env, x, y, c); err != nil {
				t.Fatal(err)
			}
		}
	}
}
