package aarch64

import (
	"math/rand"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// The SWAR byte fast paths agree with the generic lane functions.
func TestByteFastPaths(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	c := &translate.CPU{}
	pick := func() uint64 {
		v := r.Uint64()
		for i := 0; i < 8; i++ { // many equal / extreme bytes
			switch r.Intn(4) {
			case 0:
				v &^= 0xff << (8 * i)
			case 1:
				v |= 0xff << (8 * i)
			}
		}
		return v
	}
	for k, o := range v3same {
		for _, q := range []bool{false, true} {
			v := vinst{d: vlo(0), n: vlo(1), m: vlo(2), q: q, es: 8}
			fast := byteFast3(v, k)
			if fast == nil {
				continue
			}
			slow := elementwise(v, o.f, o.acc, false, 0)
			if o.pair {
				slow = pairwise(v, o.f, false)
			}
			for i := 0; i < 2000; i++ {
				for _, s := range []uint8{vlo(1), vlo(2)} {
					c.R[s], c.R[s+1] = pick(), pick()
				}
				c.R[vlo(0)], c.R[vhi(0)] = pick(), pick()
				slow(c, nil)
				want := [2]uint64{c.R[vlo(0)], c.R[vhi(0)]}
				fast(c, nil)
				if got := [2]uint64{c.R[vlo(0)], c.R[vhi(0)]}; got != want {
					t.Fatalf("op %#x q=%v n=%x:%x m=%x:%x: fast %x, slow %x", k, q,
						c.R[vhi(1)], c.R[vlo(1)], c.R[vhi(2)], c.R[vlo(2)], got, want)
				}
			}
		}
	}
}
