package aarch64

import (
	"unsafe"

	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/translate/fpu"
)

// AdvSIMD machinery: a vector register is two 64-bit slots (lo, hi);
// helpers are closures built at translate time around a lane function, so
// the per-instruction decision (operation, element size, Q) is made once.

type vec = [2]uint64

// lctx carries what lane functions need besides their operands.
type lctx struct {
	es  uint // element size in bits
	sat bool // a saturating operation saturated (FPSR.QC)
	fp  bool // accrue FP exceptions
	e   fpu.Env
	imm int64 // operation parameter (shift amount, rounding selector …)
}

type laneFn func(x *lctx, a, b uint64) uint64

func emask(es uint) uint64 { return ones(es) }

// sx sign-extends the low es bits of v.
func sx(v uint64, es uint) int64 { return int64(v<<(64-es)) >> (64 - es) }

func lane(v *vec, i int, es uint) uint64 {
	off := uint(i) * es
	return v[off>>6] >> (off & 63) & emask(es)
}

func setLane(v *vec, i int, es uint, x uint64) {
	off := uint(i) * es
	m := emask(es) << (off & 63)
	v[off>>6] = v[off>>6]&^m | x<<(off&63)&m
}

func readV(c *translate.CPU, slot uint8) vec { return vec{c.R[slot], c.R[slot+1]} }

// writeV stores a vector result; a 64-bit (Q = 0) result clears the top half.
func writeV(c *translate.CPU, slot uint8, v vec, q bool) {
	c.R[slot] = v[0]
	if q {
		c.R[slot+1] = v[1]
	} else {
		c.R[slot+1] = 0
	}
}

// newCtx prepares the CPU's lane context (kept in scratch register slots:
// lctx holds no pointers, and a local one would escape to the heap through
// the lane function calls); FP operations read FPCR.
func newCtx(c *translate.CPU, es uint, fp bool, imm int64) *lctx {
	x := (*lctx)(unsafe.Pointer(&c.R[regScratch]))
	*x = lctx{es: es, fp: fp, imm: imm}
	if fp {
		fpEnv(&x.e, c)
	}
	return x
}

var _ [8*8 - unsafe.Sizeof(lctx{})]byte // lctx fits the scratch slots

// finish accrues FPSR.QC and FP exceptions.
func (x *lctx) finish(c *translate.CPU) {
	if x.sat {
		c.R[RegFPSR] |= fpsrQC
	}
	if x.fp {
		fpDone(c, &x.e)
	}
}

// nlanes is the element count of a 64- or 128-bit vector.
func nlanes(es uint, q bool) int {
	if q {
		return int(128 / es)
	}
	return int(64 / es)
}

// vinst holds the operand fields of an AdvSIMD instruction.
type vinst struct {
	d, n, m uint8 // low slots of Vd, Vn, Vm
	q       bool
	es      uint // element size in bits
	scalar  bool // AdvSIMD scalar form: one element, the rest zeroed
	byElem  bool // the second operand is element idx of Vm for every lane
	idx     int
}

// second returns element i of the second operand b.
func (v *vinst) second(b *vec, i int, es uint) uint64 {
	if v.byElem {
		return lane(b, v.idx, es)
	}
	return lane(b, i, es)
}

// count is the number of elements the instruction processes.
func (v vinst) count() int {
	if v.scalar {
		return 1
	}
	return nlanes(v.es, v.q)
}

func vfields(d *inst) vinst {
	return vinst{d: vlo(d.rd()), n: vlo(d.rn()), m: vlo(d.rm()), q: d.x>>30&1 != 0, es: 8 << field(d.x, 22, 2)}
}

// vcall emits a helper call for a vector instruction.
func vcall(b *translate.Builder, fn translate.HelperFn) bool {
	call(b, fn, op{})
	return true
}

// elementwise: d[i] = f(n[i], m[i]); with acc, d[i] = acc(d[i], f(…)).
func elementwise(v vinst, f, acc laneFn, fp bool, imm int64) translate.HelperFn {
	if acc == nil && !v.byElem && !v.scalar && (v.es == 64 || v.es == 32) {
		return elementwiseFast(v, f, fp, imm)
	}
	k := v.count()
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		x := newCtx(c, v.es, fp, imm)
		a, b, d := readV(c, v.n), readV(c, v.m), readV(c, v.d)
		var r vec
		for i := 0; i < k; i++ {
			y := f(x, lane(&a, i, v.es), v.second(&b, i, v.es))
			if acc != nil {
				y = acc(x, lane(&d, i, v.es), y)
			}
			setLane(&r, i, v.es, y)
		}
		writeV(c, v.d, r, v.q)
		x.finish(c)
		return translate.ExitNone
	}
}

// elementwiseFast is elementwise for 32- and 64-bit lanes of whole
// vectors, without the generic lane extraction.
func elementwiseFast(v vinst, f laneFn, fp bool, imm int64) translate.HelperFn {
	halves := 1
	if v.q {
		halves = 2
	}
	if v.es == 64 {
		return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
			x := newCtx(c, 64, fp, imm)
			var r vec
			for h := 0; h < halves; h++ {
				r[h] = f(x, c.R[v.n+uint8(h)], c.R[v.m+uint8(h)])
			}
			c.R[v.d], c.R[v.d+1] = r[0], r[1]
			x.finish(c)
			return translate.ExitNone
		}
	}
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		x := newCtx(c, 32, fp, imm)
		var r vec
		for h := 0; h < halves; h++ {
			a, b := c.R[v.n+uint8(h)], c.R[v.m+uint8(h)]
			r[h] = f(x, a&0xffffffff, b&0xffffffff)&0xffffffff | f(x, a>>32, b>>32)<<32
		}
		c.R[v.d], c.R[v.d+1] = r[0], r[1]
		x.finish(c)
		return translate.ExitNone
	}
}

// elementwise3: d[i] = f3(d[i], n[i], m[i]) (FMLA, BSL …).
func elementwise3(v vinst, f func(x *lctx, d, a, b uint64) uint64, fp bool) translate.HelperFn {
	k := v.count()
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		x := newCtx(c, v.es, fp, 0)
		a, b, d := readV(c, v.n), readV(c, v.m), readV(c, v.d)
		var r vec
		for i := 0; i < k; i++ {
			setLane(&r, i, v.es, f(x, lane(&d, i, v.es), lane(&a, i, v.es), v.second(&b, i, v.es)))
		}
		writeV(c, v.d, r, v.q)
		x.finish(c)
		return translate.ExitNone
	}
}

// pairwise: the concatenation m:n reduced in adjacent pairs.
func pairwise(v vinst, f laneFn, fp bool) translate.HelperFn {
	k := v.count()
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		x := newCtx(c, v.es, fp, 0)
		a, b := readV(c, v.n), readV(c, v.m)
		var r vec
		for i := 0; i < k; i++ {
			src, j := &a, 2*i
			if j >= k && !v.scalar {
				src, j = &b, j-k
			}
			setLane(&r, i, v.es, f(x, lane(src, j, v.es), lane(src, j+1, v.es)))
		}
		writeV(c, v.d, r, v.q)
		x.finish(c)
		return translate.ExitNone
	}
}

// unary: d[i] = f(n[i]).
func unary(v vinst, f laneFn, fp bool, imm int64) translate.HelperFn {
	k := v.count()
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		x := newCtx(c, v.es, fp, imm)
		a := readV(c, v.n)
		var r vec
		for i := 0; i < k; i++ {
			setLane(&r, i, v.es, f(x, lane(&a, i, v.es), 0))
		}
		writeV(c, v.d, r, v.q)
		x.finish(c)
		return translate.ExitNone
	}
}

// reduce: the across-lanes reduction of n into element 0 of d (size res).
func reduce(v vinst, f laneFn, widen func(uint64, uint) uint64, res uint, fp bool) translate.HelperFn {
	k := v.count()
	return func(c *translate.CPU, _ *translate.Op) translate.ExitKind {
		x := newCtx(c, res, fp, 0)
		a := readV(c, v.n)
		if fp { // FP reductions are pairwise trees (ARM ARM Reduce)
			acc := fpReduce(x, &a, 0, k, v.es, f)
			c.R[v.d], c.R[v.d+1] = acc, 0
			x.finish(c)
			return translate.ExitNone
		}
		acc := widen(lane(&a, 0, v.es), v.es)
		for i := 1; i < k; i++ {
			acc = f(x, acc, widen(lane(&a, i, v.es), v.es))
		}
		c.R[v.d], c.R[v.d+1] = acc&emask(res), 0
		return translate.ExitNone
	}
}

func fpReduce(x *lctx, a *vec, lo, n int, es uint, f laneFn) uint64 {
	if n == 1 {
		return lane(a, lo, es)
	}
	h := n / 2
	return f(x, fpReduce(x, a, lo, h, es, f), fpReduce(x, a, lo+h, h, es, f))
}

// Widening helpers for reductions and long operations.
func wzext(v uint64, es uint) uint64 { return v }
func wsext(v uint64, es uint) uint64 { return uint64(sx(v, es)) }

// simple emits generic ops for the bitwise operations on both halves
// (AND, BIC, ORR, ORN, EOR and MOV): no helper call.
func simpleLogic(b *translate.Builder, v vinst, c code) {
	emit(b, c, v.d, v.n, v.m, 0)
	if v.q {
		emit(b, c, v.d+1, v.n+1, v.m+1, 0)
	} else {
		movI(b, v.d+1, 0)
	}
}
