package fpu

// Comparisons, min/max and classification (IEEE 754-2019 §5.10-5.11, §9.6).

// CmpResult is the outcome of Compare.
type CmpResult uint8

// Comparison outcomes (IEEE 754-2019 §5.11).
const (
	Less CmpResult = iota
	Equal
	Greater
	Unordered
)

// less orders non-NaN encodings numerically with -0 < +0.
func (f *format) less(a, b uint64) bool {
	na, nb := a&f.sign != 0, b&f.sign != 0
	if na != nb {
		return na
	}
	if na {
		return a > b
	}
	return a < b
}

// compare implements IEEE 754-2019 §5.11: NV on signalling NaNs, and on
// any NaN when signaling (RISC-V flt/fle, Arm FCMPE).
func (e *Env) compare(f *format, a, b uint64, signaling bool) CmpResult {
	a, b = e.flush(f, a), e.flush(f, b)
	if f.isNaN(a) || f.isNaN(b) {
		if signaling || f.isSNaN(a) || f.isSNaN(b) {
			e.Flags |= NV
		}
		return Unordered
	}
	switch {
	case a == b || (a|b)&^f.sign == 0:
		return Equal
	case f.less(a, b):
		return Less
	}
	return Greater
}

// Compare64 compares a and b.
func Compare64(e *Env, a, b uint64, signaling bool) CmpResult {
	return e.compare(&f64, a, b, signaling)
}

// Compare32 compares a and b.
func Compare32(e *Env, a, b uint32, signaling bool) CmpResult {
	return e.compare(&f32, uint64(a), uint64(b), signaling)
}

// Eq64 is RISC-V feq.d (quiet).
func Eq64(e *Env, a, b uint64) bool { return Compare64(e, a, b, false) == Equal }

// Lt64 is RISC-V flt.d (signalling).
func Lt64(e *Env, a, b uint64) bool { return Compare64(e, a, b, true) == Less }

// Le64 is RISC-V fle.d (signalling).
func Le64(e *Env, a, b uint64) bool {
	r := Compare64(e, a, b, true)
	return r == Less || r == Equal
}

// Eq32 is RISC-V feq.s (quiet).
func Eq32(e *Env, a, b uint32) bool { return Compare32(e, a, b, false) == Equal }

// Lt32 is RISC-V flt.s (signalling).
func Lt32(e *Env, a, b uint32) bool { return Compare32(e, a, b, true) == Less }

// Le32 is RISC-V fle.s (signalling).
func Le32(e *Env, a, b uint32) bool {
	r := Compare32(e, a, b, true)
	return r == Less || r == Equal
}

// pick returns the smaller (or larger) of two non-NaN values, -0 < +0.
func (f *format) pick(a, b uint64, max bool) uint64 {
	if f.less(a, b) != max {
		return a
	}
	return b
}

// minMaxRV is RISC-V fmin/fmax (ISA 2.2+, IEEE 754-2019 minimumNumber/
// maximumNumber): a lone NaN is ignored, two NaNs give the canonical
// NaN, and any signalling NaN raises NV.
func (e *Env) minMaxRV(f *format, a, b uint64, max bool) uint64 {
	a, b = e.flush(f, a), e.flush(f, b)
	an, bn := f.isNaN(a), f.isNaN(b)
	if an || bn {
		if f.isSNaN(a) || f.isSNaN(b) {
			e.Flags |= NV
		}
		switch {
		case an && bn:
			return f.defNaN()
		case an:
			return b
		}
		return a
	}
	return f.pick(a, b, max)
}

// minMaxArm is Arm FMIN/FMAX (ARM ARM FPMin/FPMax): NaNs propagate.
func (e *Env) minMaxArm(f *format, a, b uint64, max bool) uint64 {
	a, b = e.flush(f, a), e.flush(f, b)
	if f.isNaN(a) || f.isNaN(b) {
		return e.nan2(f, a, b)
	}
	return f.pick(a, b, max)
}

// minMaxNumArm is Arm FMINNM/FMAXNM (ARM ARM FPMinNum/FPMaxNum): a quiet
// NaN facing a non-quiet-NaN operand is replaced by the infinity that
// loses, then FPMin/FPMax apply.
func (e *Env) minMaxNumArm(f *format, a, b uint64, max bool) uint64 {
	a, b = e.flush(f, a), e.flush(f, b)
	loser := f.inf
	if max {
		loser |= f.sign
	}
	aq := f.isNaN(a) && !f.isSNaN(a)
	bq := f.isNaN(b) && !f.isSNaN(b)
	switch {
	case aq && !bq:
		a = loser
	case bq && !aq:
		b = loser
	}
	return e.minMaxArm(f, a, b, max)
}

// Min64 is RISC-V fmin.d.
func Min64(e *Env, a, b uint64) uint64 { return e.minMaxRV(&f64, a, b, false) }

// Max64 is RISC-V fmax.d.
func Max64(e *Env, a, b uint64) uint64 { return e.minMaxRV(&f64, a, b, true) }

// Min32 is RISC-V fmin.s.
func Min32(e *Env, a, b uint32) uint32 { return uint32(e.minMaxRV(&f32, uint64(a), uint64(b), false)) }

// Max32 is RISC-V fmax.s.
func Max32(e *Env, a, b uint32) uint32 { return uint32(e.minMaxRV(&f32, uint64(a), uint64(b), true)) }

// MinArm64 is Arm FMIN (double).
func MinArm64(e *Env, a, b uint64) uint64 { return e.minMaxArm(&f64, a, b, false) }

// MaxArm64 is Arm FMAX (double).
func MaxArm64(e *Env, a, b uint64) uint64 { return e.minMaxArm(&f64, a, b, true) }

// MinArm32 is Arm FMIN (single).
func MinArm32(e *Env, a, b uint32) uint32 {
	return uint32(e.minMaxArm(&f32, uint64(a), uint64(b), false))
}

// MaxArm32 is Arm FMAX (single).
func MaxArm32(e *Env, a, b uint32) uint32 {
	return uint32(e.minMaxArm(&f32, uint64(a), uint64(b), true))
}

// MinNumArm64 is Arm FMINNM (double).
func MinNumArm64(e *Env, a, b uint64) uint64 { return e.minMaxNumArm(&f64, a, b, false) }

// MaxNumArm64 is Arm FMAXNM (double).
func MaxNumArm64(e *Env, a, b uint64) uint64 { return e.minMaxNumArm(&f64, a, b, true) }

// MinNumArm32 is Arm FMINNM (single).
func MinNumArm32(e *Env, a, b uint32) uint32 {
	return uint32(e.minMaxNumArm(&f32, uint64(a), uint64(b), false))
}

// MaxNumArm32 is Arm FMAXNM (single).
func MaxNumArm32(e *Env, a, b uint32) uint32 {
	return uint32(e.minMaxNumArm(&f32, uint64(a), uint64(b), true))
}

// RISC-V fclass result bits (RISC-V ISA manual, "F" extension,
// "Single-Precision Floating-Point Classify Instruction").
const (
	ClassNegInf    uint16 = 1 << 0
	ClassNegNormal uint16 = 1 << 1
	ClassNegSub    uint16 = 1 << 2
	ClassNegZero   uint16 = 1 << 3
	ClassPosZero   uint16 = 1 << 4
	ClassPosSub    uint16 = 1 << 5
	ClassPosNormal uint16 = 1 << 6
	ClassPosInf    uint16 = 1 << 7
	ClassSNaN      uint16 = 1 << 8
	ClassQNaN      uint16 = 1 << 9
)

func (f *format) class(x uint64) uint16 {
	neg := x&f.sign != 0
	side := func(n, p uint16) uint16 {
		if neg {
			return n
		}
		return p
	}
	switch {
	case f.isSNaN(x):
		return ClassSNaN
	case f.isNaN(x):
		return ClassQNaN
	case f.isInf(x):
		return side(ClassNegInf, ClassPosInf)
	case f.isZero(x):
		return side(ClassNegZero, ClassPosZero)
	case f.isSub(x):
		return side(ClassNegSub, ClassPosSub)
	}
	return side(ClassNegNormal, ClassPosNormal)
}

// Class64 returns the RISC-V fclass.d mask of a.
func Class64(a uint64) uint16 { return f64.class(a) }

// Class32 returns the RISC-V fclass.s mask of a.
func Class32(a uint32) uint16 { return f32.class(uint64(a)) }

// Class16 returns the RISC-V fclass.h mask of a.
func Class16(a uint16) uint16 { return f16.class(uint64(a)) }
