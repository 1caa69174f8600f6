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

// TestVRev: REV64, REV32 and REV16 for every element size and Q against a
// per-lane reversal.
func TestVRev(t *testing.T) {
	r := rand.New(rand.NewSource(32))
	for _, form := range []struct {
		base      uint32
		container int
	}{{0x0e200800, 64}, {0x2e200800, 32}, {0x0e201800, 16}} { // rev64, rev32, rev16 v1, v2
		for size := uint32(0); size < 3; size++ {
			es := 8 << size
			if es >= form.container {
				continue
			}
			for q := uint32(0); q < 2; q++ {
				x := form.base | q<<30 | size<<22 | 2<<5 | 1
				in := vec{r.Uint64(), r.Uint64()}
				c := exec(t, regs(uint64(vlo(2)), in[0], uint64(vhi(2)), in[1], uint64(vhi(1)), ^uint64(0)), x)
				var want vec
				per, n := form.container/es, 64*(int(q)+1)/es
				for i := 0; i < n; i++ {
					setLane(&want, i, uint(es), lane(&in, i/per*per+per-1-i%per, uint(es)))
				}
				if got := (vec{c.R[vlo(1)], c.R[vhi(1)]}); got != want {
					t.Errorf("%08x %s: %x -> %x, want %x", x, disasm(x), in, got, want)
				}
			}
		}
	}
}

// TestVExt: EXT .16B at every position, Vd alone and aliasing Vn or Vm,
// against a byte-by-byte extraction from Vm:Vn.
func TestVExt(t *testing.T) {
	r := rand.New(rand.NewSource(43))
	for pos := uint32(0); pos < 16; pos++ {
		for _, d := range []uint32{1, 2, 3} { // ext vd.16b, v2.16b, v3.16b, #pos
			x := 0x6e000000 | 3<<16 | pos<<11 | 2<<5 | d
			n, m := vec{r.Uint64(), r.Uint64()}, vec{r.Uint64(), r.Uint64()}
			c := exec(t, regs(uint64(vlo(2)), n[0], uint64(vhi(2)), n[1], uint64(vlo(3)), m[0], uint64(vhi(3)), m[1]), x)
			var want vec
			for i := 0; i < 16; i++ {
				j := int(pos) + i
				src := &n
				if j >= 16 {
					src, j = &m, j-16
				}
				setLane(&want, i, 8, lane(src, j, 8))
			}
			if got := (vec{c.R[vlo(d)], c.R[vhi(d)]}); got != want {
				t.Errorf("%08x %s: n %x m %x -> %x, want %x", x, disasm(x), n, m, got, want)
			}
		}
	}
}
