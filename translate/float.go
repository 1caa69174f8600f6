package translate

// Floating-point helpers described for tier 2. A target's FP arithmetic
// is an OpCall whose helper is exact in every case (rounding modes, NaN
// rules, exception flags, flush-to-zero). When the helper computes a plain
// IEEE operation, the target also names it in Op.Float; tier 2 then
// computes it with the host's SSE/FMA instruction and keeps that result
// when it is the helper's result with no flag to raise:
//   - the rounding is to nearest-even (static, or the guest's dynamic mode
//     register says so, with no flush-to-zero);
//   - the result is a finite normal number (an exact zero for add, sub
//     and sqrt), so no NaN, overflow, underflow or tininess rule applies;
//   - the guest's accrued inexact flag is already set, so whether the
//     operation was exact changes nothing (QEMU's hardfloat takes the
//     same condition, fpu/softfloat.c "can_use_fpu").
// Otherwise, or when the host lacks FMA for a fused operation, the helper
// runs. Comparisons need no inexact flag; an unordered one takes the
// helper.

// FloatKind is the IEEE operation of a described helper.
type FloatKind uint8

const (
	FloatNone  FloatKind = iota
	FAdd                 // Dst = A + B
	FSub                 // Dst = A - B
	FMul                 // Dst = A * B
	FDiv                 // Dst = A / B
	FSqrt                // Dst = sqrt(A)
	FMulAdd              // Dst = A*B + C, one rounding
	FMulSub              // Dst = A*B - C
	FNegMulAdd           // Dst = -(A*B) + C
	FNegMulSub           // Dst = -(A*B) - C
	FCmpEQ               // Dst = A == B (1 or 0)
	FCmpLT               // Dst = A < B
	FCmpLE               // Dst = A <= B
	FCmpNZCV             // Dst = Arm NZCV of comparing A with B (ARM ARM FPCompare)
	numFloatKinds
)

// Float form flags.
const (
	FloatDouble    uint8 = 1 << iota // binary64 (else binary32)
	FloatBoxed                       // binary32 values are NaN-boxed in the slot (RISC-V §"NaN Boxing"): an unboxed input takes the helper, the result is boxed
	FloatZeroHigh                    // the result also clears Dst+1 (Arm: the upper half of the vector register)
	FloatDynamicRM                   // the guest's mode register (FloatEnv) must allow the host form
)

// FloatForm describes the helper of an OpCall (Kind FloatNone: opaque).
type FloatForm struct {
	Kind  FloatKind
	Flags uint8
}

// FloatEnv is where a target keeps the FP state the host form depends on;
// a target supplies it with a FloatEnv() method.
type FloatEnv struct {
	Inexact    uint8  // register slot holding the accrued inexact flag
	InexactBit uint32 // its bit
	Mode       uint8  // register slot of the dynamic rounding mode (and flush-to-zero)
	ModeMask   uint32 // bits of Mode that must all be clear
}
