package aarch64

import "github.com/gemu-project/gemu/translate"

// Fast paths for the byte-vector operations of string and memory routines
// (glibc's memchr/strlen/strchr/strcmp, Go's IndexByte/Count): SWAR on the
// 64-bit halves instead of the generic per-lane closures.

const (
	lo7 = 0x7f7f7f7f7f7f7f7f
	hi1 = 0x8080808080808080
)

// zeroBytes has 0xff in every byte of x that is zero.
func zeroBytes(x uint64) uint64 {
	t := (x&lo7 + lo7) | x
	return (^t & hi1 >> 7) * 0xff
}

// geBytes has 0xff in every byte where a >= b (unsigned).
func geBytes(a, b uint64) uint64 {
	// Per byte: a - b without borrow into the next byte, using 9-bit lanes
	// split by parity.
	var r uint64
	for _, m := range [2]uint64{0x00ff00ff00ff00ff, 0xff00ff00ff00ff00} {
		sh := uint(0)
		if m>>8&1 != 0 {
			sh = 8
		}
		ae, be := a&m>>sh, b&m>>sh
		d := (ae | 0x0100010001000100) - be // bit 8 set where a >= b
		r |= (d & 0x0100010001000100 >> 8 * 0xff) << sh
	}
	return r
}

// byteOp3 is a fast byte-lane three-same operation, or nil.
func byteOp3(k uint32) func(a, b uint64) uint64 {
	switch k {
	case 0x31: // CMEQ
		return func(a, b uint64) uint64 { return zeroBytes(a ^ b) }
	case 0x27: // CMHS
		return geBytes
	case 0x26: // CMHI: not (b >= a)
		return func(a, b uint64) uint64 { return ^geBytes(b, a) }
	case 0x11: // CMTST
		return func(a, b uint64) uint64 { return ^zeroBytes(a & b) }
	case 0x10: // ADD
		return func(a, b uint64) uint64 { return (a&lo7 + b&lo7) ^ (a^b)&hi1 }
	case 0x30: // SUB
		return func(a, b uint64) uint64 { return (a | hi1 - b&lo7) ^ (a^^b)&hi1 }
	case 0x2c: // UMAX
		return func(a, b uint64) uint64 { m := geBytes(a, b); return a&m | b&^m }
	case 0x2d: // UMIN
		return func(a, b uint64) uint64 { m := geBytes(a, b); return b&m | a&^m }
	}
	return nil
}

// bytes3 runs f on both halves.
func bytes3(v vinst, f func(a, b uint64) uint64) translate.HelperFn {
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		r0 := f(c.R[v.n], c.R[v.m])
		r1 := uint64(0)
		if v.q {
			r1 = f(c.R[v.n+1], c.R[v.m+1])
		}
		c.R[v.d], c.R[v.d+1] = r0, r1
		return translate.ExitNone
	}
}

// pairBytes reduces the 16 bytes lo:hi pairwise into 8 bytes.
func pairBytes(lo, hi uint64, f func(x, y uint64) uint64) uint64 {
	// Even and odd bytes side by side in 16-bit lanes.
	e := f(lo&0x00ff00ff00ff00ff, lo>>8&0x00ff00ff00ff00ff) // 4 results in 16-bit lanes
	o := f(hi&0x00ff00ff00ff00ff, hi>>8&0x00ff00ff00ff00ff)
	return pack16to8(e) | pack16to8(o)<<32
}

// pack16to8 keeps the low byte of each 16-bit lane.
func pack16to8(x uint64) uint64 {
	x &= 0x00ff00ff00ff00ff
	x = (x | x>>8) & 0x0000ffff0000ffff
	return (x | x>>16) & 0xffffffff
}

// Lane-wise 16-bit max/min/add of values below 256.
func max16(x, y uint64) uint64 {
	d := (x | 0x0100010001000100) - y // bit 8: x >= y
	m := (d & 0x0100010001000100 >> 8) * 0xffff
	return x&m | y&^m
}

func min16(x, y uint64) uint64 {
	d := (x | 0x0100010001000100) - y
	m := (d & 0x0100010001000100 >> 8) * 0xffff
	return y&m | x&^m
}

func add16(x, y uint64) uint64 { return x + y }

// pairwiseBytes is UMAXP/UMINP/ADDP on byte lanes.
func pairwiseBytes(v vinst, f func(x, y uint64) uint64) translate.HelperFn {
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		if !v.q { // 8B: the 8 bytes of n, then the 8 bytes of m
			c.R[v.d] = pairBytes(c.R[v.n], c.R[v.m], f)
			c.R[v.d+1] = 0
			return translate.ExitNone
		}
		r0 := pairBytes(c.R[v.n], c.R[v.n+1], f)
		r1 := pairBytes(c.R[v.m], c.R[v.m+1], f)
		c.R[v.d], c.R[v.d+1] = r0, r1
		return translate.ExitNone
	}
}

// byteFast3 picks a fast helper for a byte-lane three-same operation.
func byteFast3(v vinst, k uint32) translate.HelperFn {
	if v.es != 8 || v.scalar {
		return nil
	}
	if f := byteOp3(k); f != nil {
		return bytes3(v, f)
	}
	switch k {
	case 0x34:
		return pairwiseBytes(v, max16)
	case 0x35:
		return pairwiseBytes(v, min16)
	case 0x17:
		return pairwiseBytes(v, add16)
	}
	return nil
}

// cmeqZeroBytes is CMEQ (zero) on byte lanes.
func cmeqZeroBytes(v vinst) translate.HelperFn {
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		r0 := zeroBytes(c.R[v.n])
		r1 := uint64(0)
		if v.q {
			r1 = zeroBytes(c.R[v.n+1])
		}
		c.R[v.d], c.R[v.d+1] = r0, r1
		return translate.ExitNone
	}
}
