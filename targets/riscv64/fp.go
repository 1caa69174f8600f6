package riscv64

import (
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/translate/fpu"
)

// Floating-point helpers (RISC-V ISA manual, Volume I, "F" and "D"
// extensions). op.Dst/A/B/C are register slots, op.Aux the instruction's
// rm field, op.Imm the selector. Results that are NaN are canonical;
// exceptions accrue into fflags.

const sign64 = 1 << 63

// rounding resolves the rm field: 7 (DYN) reads frm, whose values 5..7
// make the instruction illegal ("Rounding Mode Encoding").
func rounding(c *translate.CPU, op *translate.Op) (fpu.RoundingMode, bool) {
	rm := op.Aux
	if rm == 7 {
		rm = uint8(c.R[RegFrm] & 7)
	}
	return fpu.RoundingMode(rm), rm <= 4
}

func illegalInsn(c *translate.CPU, op *translate.Op) translate.ExitKind {
	return c.Raise(op, translate.ExcIllegal, c.InsnPC(op))
}

// unbox reads a single-precision operand: a value that is not NaN-boxed
// reads as the canonical NaN ("NaN Boxing of Narrower Values").
func unbox(v uint64) uint32 {
	if v>>32 != 0xffff_ffff {
		return fpu.CanonicalNaN32
	}
	return uint32(v)
}

func box(v uint32) uint64 { return uint64(v) | 0xffff_ffff_0000_0000 }

func fpArith64(c *translate.CPU, op *translate.Op) translate.ExitKind {
	rm, ok := rounding(c, op)
	if !ok {
		return illegalInsn(c, op)
	}
	e := fpu.Env{RM: rm, NaN: fpu.CanonicalNaN}
	a, b, x := c.R[op.A], c.R[op.B], c.R[op.C]
	var r uint64
	switch uint8(op.Imm) &^ selDouble {
	case selAdd:
		r = fpu.Add64(&e, a, b)
	case selSub:
		r = fpu.Sub64(&e, a, b)
	case selMul:
		r = fpu.Mul64(&e, a, b)
	case selDiv:
		r = fpu.Div64(&e, a, b)
	case selMin:
		r = fpu.Min64(&e, a, b)
	case selMax:
		r = fpu.Max64(&e, a, b)
	case selSqrt:
		r = fpu.Sqrt64(&e, a)
	case selMadd:
		r = fpu.MulAdd64(&e, a, b, x)
	case selMsub:
		r = fpu.MulAdd64(&e, a, b, x^sign64)
	case selNmsub:
		r = fpu.MulAdd64(&e, a^sign64, b, x)
	case selNmadd:
		r = fpu.MulAdd64(&e, a^sign64, b, x^sign64)
	}
	c.R[op.Dst] = r
	c.R[RegFflags] |= uint64(e.Flags)
	return translate.ExitNone
}

func fpArith32(c *translate.CPU, op *translate.Op) translate.ExitKind {
	rm, ok := rounding(c, op)
	if !ok {
		return illegalInsn(c, op)
	}
	e := fpu.Env{RM: rm, NaN: fpu.CanonicalNaN}
	a, b, x := unbox(c.R[op.A]), unbox(c.R[op.B]), unbox(c.R[op.C])
	const s = 1 << 31
	var r uint32
	switch uint8(op.Imm) {
	case selAdd:
		r = fpu.Add32(&e, a, b)
	case selSub:
		r = fpu.Sub32(&e, a, b)
	case selMul:
		r = fpu.Mul32(&e, a, b)
	case selDiv:
		r = fpu.Div32(&e, a, b)
	case selMin:
		r = fpu.Min32(&e, a, b)
	case selMax:
		r = fpu.Max32(&e, a, b)
	case selSqrt:
		r = fpu.Sqrt32(&e, a)
	case selMadd:
		r = fpu.MulAdd32(&e, a, b, x)
	case selMsub:
		r = fpu.MulAdd32(&e, a, b, x^s)
	case selNmsub:
		r = fpu.MulAdd32(&e, a^s, b, x)
	case selNmadd:
		r = fpu.MulAdd32(&e, a^s, b, x^s)
	}
	c.R[op.Dst] = box(r)
	c.R[RegFflags] |= uint64(e.Flags)
	return translate.ExitNone
}

// fpCmp64/32: feq, flt, fle and fclass write an integer register.
func fpCmp64(c *translate.CPU, op *translate.Op) translate.ExitKind {
	var e fpu.Env
	a, b := c.R[op.A], c.R[op.B]
	var r bool
	switch uint8(op.Imm) &^ selDouble {
	case selEq:
		r = fpu.Eq64(&e, a, b)
	case selLt:
		r = fpu.Lt64(&e, a, b)
	case selLe:
		r = fpu.Le64(&e, a, b)
	case selClass:
		c.R[op.Dst] = uint64(fpu.Class64(a))
		return translate.ExitNone
	}
	c.R[op.Dst] = b2u(r)
	c.R[RegFflags] |= uint64(e.Flags)
	return translate.ExitNone
}

func fpCmp32(c *translate.CPU, op *translate.Op) translate.ExitKind {
	var e fpu.Env
	a, b := unbox(c.R[op.A]), unbox(c.R[op.B])
	var r bool
	switch uint8(op.Imm) {
	case selEq:
		r = fpu.Eq32(&e, a, b)
	case selLt:
		r = fpu.Lt32(&e, a, b)
	case selLe:
		r = fpu.Le32(&e, a, b)
	case selClass:
		c.R[op.Dst] = uint64(fpu.Class32(a))
		return translate.ExitNone
	}
	c.R[op.Dst] = b2u(r)
	c.R[RegFflags] |= uint64(e.Flags)
	return translate.ExitNone
}

func b2u(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

// fpSgnj32: fsgnj.s, fsgnjn.s, fsgnjx.s on unboxed operands.
func fpSgnj32(c *translate.CPU, op *translate.Op) translate.ExitKind {
	a, b := unbox(c.R[op.A]), unbox(c.R[op.B])
	const s = 1 << 31
	var r uint32
	switch uint8(op.Imm) {
	case selSgnj:
		r = a&^s | b&s
	case selSgnjn:
		r = a&^s | ^b&s
	case selSgnjx:
		r = a ^ b&s
	}
	c.R[op.Dst] = box(r)
	return translate.ExitNone
}

// fpConvert: fcvt between the two formats and between floats and
// integers. Float-to-integer results saturate and NaN converts to the
// largest positive value ("Floating-Point Conversion and Move
// Instructions", Table 11.4); 32-bit results are sign-extended.
func fpConvert(c *translate.CPU, op *translate.Op) translate.ExitKind {
	rm, ok := rounding(c, op)
	if !ok {
		return illegalInsn(c, op)
	}
	e := fpu.Env{RM: rm, NaN: fpu.CanonicalNaN}
	sel := uint8(op.Imm)
	double := sel&selDouble != 0
	sel &^= selDouble
	a := c.R[op.A]
	var r uint64
	switch {
	case sel == selCvtSD:
		r = box(fpu.F64ToF32(&e, a))
	case sel == selCvtDS:
		r = fpu.F32ToF64(&e, unbox(a))
	case sel >= selFromInt && double:
		r = intToF64(&e, sel-selFromInt, a, rm)
	case sel >= selFromInt:
		r = box(intToF32(&e, sel-selFromInt, a, rm))
	case double:
		r = f64ToInt(&e, sel-selToInt, a, rm)
	default:
		r = f32ToInt(&e, sel-selToInt, unbox(a), rm)
	}
	c.R[op.Dst] = r
	c.R[RegFflags] |= uint64(e.Flags)
	return translate.ExitNone
}

// Integer types, in inst[21:20] order: w, wu, l, lu.
func f64ToInt(e *fpu.Env, t uint8, a uint64, rm fpu.RoundingMode) uint64 {
	switch t {
	case 0:
		return uint64(int64(fpu.F64ToI32(e, a, rm)))
	case 1:
		return uint64(int64(int32(fpu.F64ToU32(e, a, rm))))
	case 2:
		return uint64(fpu.F64ToI64(e, a, rm))
	}
	return fpu.F64ToU64(e, a, rm)
}

func f32ToInt(e *fpu.Env, t uint8, a uint32, rm fpu.RoundingMode) uint64 {
	switch t {
	case 0:
		return uint64(int64(fpu.F32ToI32(e, a, rm)))
	case 1:
		return uint64(int64(int32(fpu.F32ToU32(e, a, rm))))
	case 2:
		return uint64(fpu.F32ToI64(e, a, rm))
	}
	return fpu.F32ToU64(e, a, rm)
}

func intToF64(e *fpu.Env, t uint8, x uint64, rm fpu.RoundingMode) uint64 {
	switch t {
	case 0:
		return fpu.I32ToF64(e, int32(x), rm)
	case 1:
		return fpu.U32ToF64(e, uint32(x), rm)
	case 2:
		return fpu.I64ToF64(e, int64(x), rm)
	}
	return fpu.U64ToF64(e, x, rm)
}

func intToF32(e *fpu.Env, t uint8, x uint64, rm fpu.RoundingMode) uint32 {
	switch t {
	case 0:
		return fpu.I32ToF32(e, int32(x), rm)
	case 1:
		return fpu.U32ToF32(e, uint32(x), rm)
	case 2:
		return fpu.I64ToF32(e, int64(x), rm)
	}
	return fpu.U64ToF32(e, x, rm)
}
