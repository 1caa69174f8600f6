package translate

import (
	"math"
	"math/bits"
	"sync/atomic"
)

//go:noinline
func mulh(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	// Signed correction: (a*b)_signed_hi = hi - (a<0 ? b : 0) - (b<0 ? a : 0).
	if int64(a) < 0 {
		hi -= b
	}
	if int64(b) < 0 {
		hi -= a
	}
	return hi
}

//go:noinline
func mulhsu(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	if int64(a) < 0 {
		hi -= b
	}
	return hi
}

// RISC-V division rules: RISC-V ISA manual, "M" extension, table of
// division by zero and overflow results.
//
//go:noinline
func divRV(a, b uint64) uint64 {
	switch {
	case b == 0:
		return math.MaxUint64
	case int64(a) == math.MinInt64 && int64(b) == -1:
		return a
	}
	return uint64(int64(a) / int64(b))
}

//go:noinline
func divuRV(a, b uint64) uint64 {
	if b == 0 {
		return math.MaxUint64
	}
	return a / b
}

//go:noinline
func remRV(a, b uint64) uint64 {
	switch {
	case b == 0:
		return a
	case int64(a) == math.MinInt64 && int64(b) == -1:
		return 0
	}
	return uint64(int64(a) % int64(b))
}

//go:noinline
func remuRV(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return a % b
}

//go:noinline
func divW(a, b uint64) uint64 {
	x, y := int32(a), int32(b)
	switch {
	case y == 0:
		return math.MaxUint64
	case x == math.MinInt32 && y == -1:
		return uint64(int64(x))
	}
	return uint64(int64(x / y))
}

//go:noinline
func divuW(a, b uint64) uint64 {
	x, y := uint32(a), uint32(b)
	if y == 0 {
		return math.MaxUint64
	}
	return sx32(uint64(x / y))
}

//go:noinline
func remW(a, b uint64) uint64 {
	x, y := int32(a), int32(b)
	switch {
	case y == 0:
		return uint64(int64(x))
	case x == math.MinInt32 && y == -1:
		return 0
	}
	return uint64(int64(x % y))
}

//go:noinline
func remuW(a, b uint64) uint64 {
	x, y := uint32(a), uint32(b)
	if y == 0 {
		return sx32(uint64(x))
	}
	return sx32(uint64(x % y))
}

//go:noinline
func orcB(v uint64) uint64 {
	var out uint64
	for i := 0; i < 64; i += 8 {
		if v>>i&0xff != 0 {
			out |= 0xff << i
		}
	}
	return out
}

func amoApply(kind uint8, old, v uint64, size uint8) uint64 {
	if size == 4 {
		old, v = sx32(old), sx32(v)
	}
	switch kind {
	case AmoSwap:
		return v
	case AmoAdd:
		return old + v
	case AmoAnd:
		return old & v
	case AmoOr:
		return old | v
	case AmoXor:
		return old ^ v
	case AmoMin:
		return uint64(min(int64(old), int64(v)))
	case AmoMax:
		return uint64(max(int64(old), int64(v)))
	case AmoMinu:
		if size == 4 {
			return uint64(min(uint32(old), uint32(v)))
		}
		return min(old, v)
	case AmoMaxu:
		if size == 4 {
			return uint64(max(uint32(old), uint32(v)))
		}
		return max(old, v)
	}
	return v
}

// amo performs an atomic read-modify-write with a host compare-and-swap
// loop, so it is atomic against every other guest thread.
func (c *CPU) amo(op *Op, a, v uint64) uint64 {
	if a%uint64(op.Size) != 0 {
		c.misaligned(a)
	}
	if op.Size < 4 {
		return c.narrowRMW(a, op.Size, func(old uint64) (uint64, bool) {
			return amoNarrow(op.Aux, old, v, op.Size), true
		})
	}
	if op.Size == 4 {
		p := (*uint32)(c.ptr(a, 4))
		for {
			old := atomic.LoadUint32(p)
			if atomic.CompareAndSwapUint32(p, old, uint32(amoApply(op.Aux, uint64(old), v, 4))) {
				return sx32(uint64(old))
			}
		}
	}
	p := (*uint64)(c.ptr(a, 8))
	for {
		old := atomic.LoadUint64(p)
		if atomic.CompareAndSwapUint64(p, old, amoApply(op.Aux, old, v, 8)) {
			return old
		}
	}
}

// amoNarrow is amoApply on 1- or 2-byte values: the signed kinds
// compare them sign-extended.
func amoNarrow(kind uint8, old, v uint64, size uint8) uint64 {
	s := 64 - 8*uint(size)
	so, sv := int64(old<<s)>>s, int64(v<<s)>>s
	mask := uint64(1)<<(8*uint(size)) - 1
	switch kind {
	case AmoMin:
		return uint64(min(so, sv))
	case AmoMax:
		return uint64(max(so, sv))
	case AmoMinu:
		return min(old, v&mask)
	case AmoMaxu:
		return max(old, v&mask)
	}
	return amoApply(kind, old, v, 8)
}

// narrowRMW runs f on the 1 or 2 aligned bytes at a, through a CAS on the
// 4-byte word holding them (Go has no smaller atomics); f's second result
// false leaves memory as it is. It returns the old value.
func (c *CPU) narrowRMW(a uint64, size uint8, f func(old uint64) (uint64, bool)) uint64 {
	p := (*uint32)(c.ptr(a&^3, 4))
	sh, m := uint(a&3)*8, uint32(1)<<(8*uint(size))-1
	for {
		w := atomic.LoadUint32(p)
		old := uint64(w >> sh & m)
		nv, store := f(old)
		if !store || atomic.CompareAndSwapUint32(p, w, w&^(m<<sh)|(uint32(nv)&m)<<sh) {
			return old
		}
	}
}

// cas is OpCas: compare-and-swap of Size bytes at a (Arm's CAS).
func (c *CPU) cas(op *Op, a, cmp, nv uint64) uint64 {
	size := uint64(op.Size)
	if a%size != 0 {
		c.misaligned(a)
	}
	switch size {
	case 8:
		p := (*uint64)(c.ptr(a, 8))
		for {
			old := atomic.LoadUint64(p)
			if old != cmp || atomic.CompareAndSwapUint64(p, old, nv) {
				return old
			}
		}
	case 4:
		p := (*uint32)(c.ptr(a, 4))
		for {
			old := atomic.LoadUint32(p)
			if old != uint32(cmp) || atomic.CompareAndSwapUint32(p, old, uint32(nv)) {
				return uint64(old)
			}
		}
	}
	mask := uint64(1)<<(8*size) - 1
	return c.narrowRMW(a, op.Size, func(old uint64) (uint64, bool) { return nv, old == cmp&mask })
}

// loadReserved and storeConditional emulate LR/SC with a value-compare CAS:
// SC succeeds when memory still holds the value LR saw (the usual emulator
// approach; an ABA change in between is not detected, which no lock-free
// algorithm in guest libraries depends on).
func (c *CPU) loadReserved(op *Op, a uint64) uint64 {
	if a%uint64(op.Size) != 0 {
		c.misaligned(a)
	}
	var v uint64
	if op.Size == 4 {
		v = sx32(uint64(atomic.LoadUint32((*uint32)(c.ptr(a, 4)))))
	} else {
		v = atomic.LoadUint64((*uint64)(c.ptr(a, 8)))
	}
	c.ResAddr, c.ResVal, c.ResValid, c.ResSize = a, v, true, op.Size
	return v
}

func (c *CPU) storeConditional(op *Op, a, v uint64) uint64 {
	if op.Aux == SCAlignFirst && a&uint64(op.Size-1) != 0 {
		c.misaligned(a)
	}
	if !c.ResValid || c.ResAddr != a || c.ResSize != op.Size {
		c.ResValid = false
		return 1
	}
	c.ResValid = false
	var ok bool
	if op.Size == 4 {
		ok = atomic.CompareAndSwapUint32((*uint32)(c.ptr(a, 4)), uint32(c.ResVal), uint32(v))
	} else {
		ok = atomic.CompareAndSwapUint64((*uint64)(c.ptr(a, 8)), c.ResVal, v)
	}
	if ok {
		return 0
	}
	return 1
}

// SCAlignFirst in an OpSC's Aux checks alignment before the reservation:
// Arm raises the alignment fault of a store-exclusive even when it would
// fail (ARM ARM B2.5.2); RISC-V implementations (and QEMU) may fail first.
const SCAlignFirst = 1

// misaligned atomics raise ExcMisaligned (Linux: SIGBUS/BUS_ADRALN) for a
// misaligned AMO on RISC-V and a misaligned exclusive on Arm.
func (c *CPU) misaligned(a uint64) {
	panic(alignFault{addr: a})
}

type alignFault struct{ addr uint64 }

// Kept out of line: inlined, their constants and CPU-feature checks get
// hoisted into the interpreter's dispatch loop and cost every op.
//
//go:noinline
func popcount64(v uint64) uint64 { return uint64(bits.OnesCount64(v)) }

//go:noinline
func popcount32(v uint64) uint64 { return uint64(bits.OnesCount32(uint32(v))) }
