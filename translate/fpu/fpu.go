// Package fpu implements IEEE 754-2019 binary16/binary32/binary64
// arithmetic in software, bit-exact for guest CPUs: every rounding mode,
// accrued exception flags, and the RISC-V ("F"/"D" extensions) and Arm
// (A64 FP, ARM ARM shared/functions/float) NaN and flush-to-zero rules.
//
// Values cross the API as raw bits: uint64 for binary64, uint32 for
// binary32, uint16 for binary16. Common cases (operands and result
// normal) run on the host FPU with exact error terms; everything else
// goes through an integer implementation that rounds in one place
// (roundPack).
package fpu

// RoundingMode uses the RISC-V frm encoding (RISC-V ISA manual, "F"
// Standard Extension, "Rounding mode encoding"). Values above RMM are
// treated as RNE; callers must reject reserved encodings themselves.
type RoundingMode uint8

// Rounding modes (IEEE 754-2019 §4.3).
const (
	RNE RoundingMode = 0 // to nearest, ties to even
	RTZ RoundingMode = 1 // toward zero
	RDN RoundingMode = 2 // toward -inf
	RUP RoundingMode = 3 // toward +inf
	RMM RoundingMode = 4 // to nearest, ties away from zero
)

// Flags is a set of IEEE 754 exception flags in RISC-V fflags bit order.
type Flags uint8

// Exception flags (IEEE 754-2019 §7).
const (
	NX Flags = 1  // inexact
	UF Flags = 2  // underflow
	OF Flags = 4  // overflow
	DZ Flags = 8  // divide by zero
	NV Flags = 16 // invalid operation
)

// NaNMode selects how NaN results are produced.
type NaNMode uint8

const (
	// CanonicalNaN: every NaN result is the canonical quiet NaN
	// (RISC-V ISA manual, "F" extension, "NaN Generation and Propagation").
	CanonicalNaN NaNMode = iota
	// PropagateNaN: the first signalling NaN operand quieted, else the
	// first quiet NaN operand (ARM ARM FPProcessNaNs/FPProcessNaNs3),
	// unless Env.DefaultNaN is set.
	PropagateNaN
)

// Canonical (RISC-V) and default (Arm) quiet NaNs; the bits are equal.
const (
	CanonicalNaN64 uint64 = 0x7ff8000000000000
	CanonicalNaN32 uint32 = 0x7fc00000
	CanonicalNaN16 uint16 = 0x7e00
)

// Env is the floating-point environment of one guest hart/core.
type Env struct {
	RM  RoundingMode // dynamic rounding mode for arithmetic
	NaN NaNMode
	// DefaultNaN is Arm FPCR.DN: NaN results are the default NaN.
	DefaultNaN bool
	// FlushToZero is Arm FPCR.FZ (binary32/64 only): denormal inputs
	// read as signed zero (setting InputDenormal) and results that are
	// tiny before rounding become signed zero with UF and without NX
	// (ARM ARM FPUnpackBase, FPRoundBase).
	FlushToZero bool
	// TininessBeforeRounding selects when a result is tiny for UF
	// (IEEE 754-2019 §7.5). RISC-V detects tininess after rounding
	// (false). Arm with FPCR.AH=0 detects it before rounding (ARM ARM
	// FPRoundBase: "This applies before rounding if FPCR.AH != '1'"),
	// so Arm targets should set this to true.
	TininessBeforeRounding bool
	// Flags accumulates exceptions; operations only OR bits in.
	Flags Flags
	// InputDenormal is Arm FPSR.IDC: set when FlushToZero flushed an input.
	InputDenormal bool
}

// format describes one IEEE 754 binary interchange format. All internal
// routines carry encodings in a uint64 whatever the format.
type format struct {
	frac     uint   // trailing significand bits
	bias     int    // exponent bias; also emax
	expMax   uint64 // all-ones biased exponent
	sign     uint64 // sign bit
	fracMask uint64
	inf      uint64 // +inf encoding
	quiet    uint64 // quiet bit (MSB of the fraction)
	maxFin   uint64 // largest finite magnitude
	ftz      bool   // Arm FPCR.FZ applies (not to binary16, which uses FZ16)
}

func newFormat(expBits, frac uint, ftz bool) format {
	f := format{frac: frac, bias: 1<<(expBits-1) - 1, ftz: ftz}
	f.expMax = 1<<expBits - 1
	f.sign = 1 << (expBits + frac)
	f.fracMask = 1<<frac - 1
	f.inf = f.expMax << frac
	f.quiet = 1 << (frac - 1)
	f.maxFin = f.inf - 1
	return f
}

var (
	f64 = newFormat(11, 52, true)
	f32 = newFormat(8, 23, true)
	f16 = newFormat(5, 10, false)
)

func (f *format) isNaN(x uint64) bool  { return x&^f.sign > f.inf }
func (f *format) isInf(x uint64) bool  { return x&^f.sign == f.inf }
func (f *format) isZero(x uint64) bool { return x&^f.sign == 0 }
func (f *format) isSNaN(x uint64) bool { return f.isNaN(x) && x&f.quiet == 0 }
func (f *format) isSub(x uint64) bool {
	return x&f.inf == 0 && x&f.fracMask != 0
}

// defNaN is the canonical/default quiet NaN of f.
func (f *format) defNaN() uint64 { return f.inf | f.quiet }

// IsNaN64 reports whether a is a NaN.
func IsNaN64(a uint64) bool { return f64.isNaN(a) }

// IsNaN32 reports whether a is a NaN.
func IsNaN32(a uint32) bool { return f32.isNaN(uint64(a)) }

// IsNaN16 reports whether a is a NaN.
func IsNaN16(a uint16) bool { return f16.isNaN(uint64(a)) }

// IsSignalingNaN64 reports whether a is a signalling NaN (quiet bit clear,
// IEEE 754-2019 §6.2.1).
func IsSignalingNaN64(a uint64) bool { return f64.isSNaN(a) }

// IsSignalingNaN32 reports whether a is a signalling NaN.
func IsSignalingNaN32(a uint32) bool { return f32.isSNaN(uint64(a)) }

// IsSignalingNaN16 reports whether a is a signalling NaN.
func IsSignalingNaN16(a uint16) bool { return f16.isSNaN(uint64(a)) }

// flush applies Arm FPCR.FZ to one input (ARM ARM FPUnpackBase).
func (e *Env) flush(f *format, x uint64) uint64 {
	if e.FlushToZero && f.ftz && f.isSub(x) {
		e.InputDenormal = true
		return x & f.sign
	}
	return x
}

// invalid raises NV and returns the default NaN (IEEE 754-2019 §7.2).
func (e *Env) invalid(f *format) uint64 {
	e.Flags |= NV
	return f.defNaN()
}

// canonical reports whether NaN results ignore operand payloads.
func (e *Env) canonical() bool { return e.NaN == CanonicalNaN || e.DefaultNaN }

// nan1 returns the NaN result for NaN operand a (ARM ARM FPProcessNaN).
func (e *Env) nan1(f *format, a uint64) uint64 {
	if f.isSNaN(a) {
		e.Flags |= NV
	}
	if e.canonical() {
		return f.defNaN()
	}
	return a | f.quiet
}

// nan2 returns the NaN result when a or b is a NaN, checking signalling
// NaNs first, then quiet ones, in operand order (ARM ARM FPProcessNaNs).
func (e *Env) nan2(f *format, a, b uint64) uint64 {
	switch {
	case f.isSNaN(a):
		return e.nan1(f, a)
	case f.isSNaN(b):
		return e.nan1(f, b)
	case f.isNaN(a):
		return e.nan1(f, a)
	}
	return e.nan1(f, b)
}

// nan3 is nan2 for three operands (ARM ARM FPProcessNaNs3).
func (e *Env) nan3(f *format, a, b, c uint64) uint64 {
	switch {
	case f.isSNaN(a):
		return e.nan1(f, a)
	case f.isSNaN(b):
		return e.nan1(f, b)
	case f.isSNaN(c):
		return e.nan1(f, c)
	case f.isNaN(a):
		return e.nan1(f, a)
	case f.isNaN(b):
		return e.nan1(f, b)
	}
	return e.nan1(f, c)
}

// zeroSum is the sign of an exact zero sum of operands of opposite sign
// (IEEE 754-2019 §6.3): -0 only when rounding toward -inf.
func zeroSum(f *format, rm RoundingMode) uint64 {
	if rm == RDN {
		return f.sign
	}
	return 0
}
