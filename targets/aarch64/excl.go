package aarch64

import (
	"sync"
	"sync/atomic"

	"github.com/gemu-project/gemu/translate"
)

// Helpers for the exclusives and atomics the core has no op for: 1- and
// 2-byte accesses, 16-byte pairs, CAS/CASP and store-release.
//
// Byte and halfword exclusives and atomics use a compare-and-swap on the
// naturally aligned 4-byte word that contains them (Go has no narrower
// atomics); only the addressed bytes are compared, so a concurrent change
// to the neighbouring bytes just retries. A store-exclusive succeeds when
// memory still holds the value the load-exclusive saw (value-compare, as
// the core's OpSC; an ABA change in between is not detected). 16-byte
// pairs (LDXP/STXP/CASP of X registers) are serialized by an address-striped
// lock: atomic against each other, not against plain stores to the same
// bytes (which Armv8.0 does not make single-copy atomic either).

func misaligned(c *translate.CPU, o *translate.Op, a, n uint64) translate.ExitKind {
	if a%n != 0 {
		// Linux: SIGBUS/BUS_ADRALN for a misaligned exclusive or atomic.
		return c.Raise(o, translate.ExcMisaligned, a)
	}
	return translate.ExitNone
}

// word returns the aligned 4-byte word containing [a, a+n) and the bit
// offset and mask of the addressed bytes in it.
func word(c *translate.CPU, o *translate.Op, a, n uint64, write bool) (*uint32, uint, uint32, translate.ExitKind) {
	if k := misaligned(c, o, a, n); k != translate.ExitNone {
		return nil, 0, 0, k
	}
	p, k := hostPtr(c, o, a&^3, 4, write)
	if k != translate.ExitNone {
		return nil, 0, 0, k
	}
	return (*uint32)(p), uint(a&3) * 8, uint32(ones(uint(n) * 8)), translate.ExitNone
}

func ldxrSmallHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	a, n := c.R[o.A], uint64(o.Size)
	p, sh, m, k := word(c, o, a, n, false)
	if k != translate.ExitNone {
		return k
	}
	v := uint64(atomic.LoadUint32(p) >> sh & m)
	c.ResAddr, c.ResVal, c.ResValid, c.ResSize = a, v, true, o.Size
	c.R[o.Dst] = v
	return translate.ExitNone
}

func stxrSmallHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	a, n := c.R[o.A], uint64(o.Size)
	p, sh, m, k := word(c, o, a, n, true)
	if k != translate.ExitNone {
		return k
	}
	ok := c.ResValid && c.ResAddr == a && c.ResSize == o.Size
	c.ResValid = false
	for ok {
		old := atomic.LoadUint32(p)
		if uint64(old>>sh&m) != c.ResVal {
			ok = false
			break
		}
		nw := old&^(m<<sh) | (uint32(c.R[o.B])&m)<<sh
		if atomic.CompareAndSwapUint32(p, old, nw) {
			break
		}
	}
	c.R[o.Dst] = b2u(!ok)
	return translate.ExitNone
}

func b2u(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

// pairLocks serialize 16-byte pair atomics by address.
var pairLocks [64]sync.Mutex

// withPairLock runs f holding the lock for address a. The unlock is
// deferred: a fault inside f unwinds to the engine's recover, and the lock
// must not stay held.
func withPairLock(a uint64, f func()) {
	l := &pairLocks[a>>4&63]
	l.Lock()
	defer l.Unlock()
	f()
}

func pair(c *translate.CPU, o *translate.Op, a uint64, write bool) (*[2]uint64, translate.ExitKind) {
	if k := misaligned(c, o, a, 16); k != translate.ExitNone {
		return nil, k
	}
	p, k := hostPtr(c, o, a, 16, write)
	return (*[2]uint64)(p), k
}

// ldxpHelper: Dst = Rt, C = Rt2, A = Rn.
func ldxpHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	a := c.R[o.A]
	p, k := pair(c, o, a, false)
	if k != translate.ExitNone {
		return k
	}
	var lo, hi uint64
	withPairLock(a, func() { lo, hi = atomic.LoadUint64(&p[0]), atomic.LoadUint64(&p[1]) })
	c.ResAddr, c.ResVal, c.ResValid, c.ResSize = a, lo, true, 16
	c.R[RegResHi] = hi
	c.R[o.Dst], c.R[o.C] = lo, hi
	return translate.ExitNone
}

// stxpHelper: Dst = Ws, A = Rn, B = Rt, C = Rt2.
func stxpHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	a := c.R[o.A]
	p, k := pair(c, o, a, true)
	if k != translate.ExitNone {
		return k
	}
	ok := c.ResValid && c.ResAddr == a && c.ResSize == 16
	c.ResValid = false
	if ok {
		withPairLock(a, func() {
			ok = atomic.LoadUint64(&p[0]) == c.ResVal && atomic.LoadUint64(&p[1]) == c.R[RegResHi]
			if ok {
				atomic.StoreUint64(&p[0], c.R[o.B])
				atomic.StoreUint64(&p[1], c.R[o.C])
			}
		})
	}
	c.R[o.Dst] = b2u(!ok)
	return translate.ExitNone
}

// caspHelper is ARM ARM C6.2.51 CASP: A = Rn, B = Rt number, Dst = Rs
// number (both even), Size 4 or 8 per register.
func caspHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	a, rs, rt := c.R[o.A], uint32(o.Dst), uint32(o.B)
	c0, c1 := c.R[xr(rs)], c.R[xr(rs+1)]
	n0, n1 := c.R[xr(rt)], c.R[xr(rt+1)]
	var o0, o1 uint64
	if o.Size == 4 {
		if k := misaligned(c, o, a, 8); k != translate.ExitNone {
			return k
		}
		p, k := hostPtr(c, o, a, 8, true)
		if k != translate.ExitNone {
			return k
		}
		cmp, nv := uint64(uint32(c0))|c1<<32, uint64(uint32(n0))|n1<<32
		var old uint64
		for {
			old = atomic.LoadUint64((*uint64)(p))
			if old != cmp || atomic.CompareAndSwapUint64((*uint64)(p), old, nv) {
				break
			}
		}
		o0, o1 = uint64(uint32(old)), old>>32
	} else {
		p, k := pair(c, o, a, true)
		if k != translate.ExitNone {
			return k
		}
		withPairLock(a, func() {
			o0, o1 = atomic.LoadUint64(&p[0]), atomic.LoadUint64(&p[1])
			if o0 == c0 && o1 == c1 {
				atomic.StoreUint64(&p[0], n0)
				atomic.StoreUint64(&p[1], n1)
			}
		})
	}
	c.R[xw(rs)], c.R[xw(rs+1)] = o0, o1
	return translate.ExitNone
}

// hostFence is a full host memory barrier: a locked read-modify-write on a
// word only this CPU uses.
func hostFence(c *translate.CPU) { atomic.AddUint64(&c.R[RegFence], 1) }

func fenceHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	hostFence(c)
	return translate.ExitNone
}
