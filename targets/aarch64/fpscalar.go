package aarch64

import (
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/translate/fpu"
)

// Scalar floating point (ARM ARM C4.1.91 "Data Processing -- Scalar
// Floating-Point and Advanced SIMD", the scalar FP classes). Moves, FABS,
// FNEG and FCSEL are generic ops; arithmetic goes through helpers. A write
// to an S, D or H register zeroes the rest of the vector register.
var fpRows = []row{
	{mask: 0x7f200000, match: 0x1e000000, names: "SCVTF UCVTF FCVTZS FCVTZU", lower: lowerFPFixed},
	{mask: 0x7f20fc00, match: 0x1e200000, names: "FCVTNS FCVTNU SCVTF UCVTF FCVTAS FCVTAU FMOV FCVTPS FCVTPU FCVTMS FCVTMU FCVTZS FCVTZU FJCVTZS",
		lower: lowerFPInt},
	{mask: 0xff207c00, match: 0x1e204000, names: "FMOV FABS FNEG FSQRT FCVT FRINTN FRINTP FRINTM FRINTZ FRINTA FRINTX FRINTI", lower: lowerFP1},
	{mask: 0xff20fc07, match: 0x1e202000, names: "FCMP FCMPE", lower: lowerFCmp},
	{mask: 0xff201fe0, match: 0x1e201000, names: "FMOV", lower: lowerFMovImm},
	{mask: 0xff200c00, match: 0x1e200400, names: "FCCMP FCCMPE", lower: lowerFCCmp},
	{mask: 0xff200c00, match: 0x1e200800, names: "FMUL FDIV FADD FSUB FMAX FMIN FMAXNM FMINNM FNMUL", lower: lowerFP2},
	{mask: 0xff200c00, match: 0x1e200c00, names: "FCSEL", lower: lowerFCSel},
	{mask: 0xff000000, match: 0x1f000000, names: "FMADD FMSUB FNMADD FNMSUB", lower: lowerFP3},
}

// fpSize maps the ftype field (x[23:22]) to an element size: 4, 8, or 2
// for half precision (only conversions support it: FEAT_FP16 arithmetic is
// not implemented); 0 is unallocated.
func fpSize(x uint32) uint8 { return [4]uint8{4, 8, 0, 2}[x>>22&3] }

// fpOp builds the op of a scalar helper: Dst/A/B/C are the low slots of
// Vd, Vn, Vm, Va.
func fpOp(d *inst, aux, size uint8) op {
	return op{Dst: vlo(d.rd()), A: vlo(d.rn()), B: vlo(d.rm()), C: vlo(d.ra()), Aux: aux, Size: size}
}

// setScalar writes a scalar result and zeroes the rest of the register.
func setScalar(c *translate.CPU, dst uint8, v uint64) {
	c.R[dst], c.R[dst+1] = v, 0
}

// ARM ARM C7.2.65 FCMP etc: ptype checks shared by the FP classes.
func arithSize(d *inst) (uint8, bool) {
	s := fpSize(d.x)
	return s, s == 4 || s == 8
}

// lowerFP1: FMOV (register), FABS, FNEG, FSQRT, FCVT, FRINT*.
func lowerFP1(b *translate.Builder, d *inst) bool {
	opc := field(d.x, 15, 6)
	size := fpSize(d.x)
	switch {
	case size == 0:
		return false
	case opc >= 4 && opc <= 7:
		to := [4]uint8{4, 8, 0, 2}[opc&3]
		if opc == 6 || to == size {
			return false
		}
		call(b, fcvtHelper, fpOp(d, to, size))
		return true
	case size == 2:
		return false
	case opc <= 2:
		lowerFPMove(b, d, opc, size)
		return true
	case opc == 3:
		o := fpOp(d, fSqrt, size)
		o.Float = hostForm(translate.FSqrt, size)
		call(b, fp1Helper, o)
		return true
	case opc >= 8 && opc <= 15 && opc != 13:
		o := fpOp(d, fRint, size)
		o.Imm = int64([8]uint8{rndN, rndP, rndM, rndZ, rndA, 0, rndFPCR, rndFPCR}[opc-8])
		if opc == 14 { // FRINTX signals inexact
			o.Imm |= 1 << 8
		}
		call(b, fp1Helper, o)
		return true
	}
	return false
}

// lowerFPMove emits FMOV/FABS/FNEG as generic ops (no FP exceptions).
func lowerFPMove(b *translate.Builder, d *inst, opc uint32, size uint8) {
	dst, src := vlo(d.rd()), vlo(d.rn())
	if size == 4 {
		switch opc {
		case 0:
			zext32(b, dst, src)
		case 1:
			emit(b, translate.OpAndI, dst, src, 0, sign32-1)
		case 2:
			emit(b, translate.OpXorI, dst, src, 0, sign32)
			zext32(b, dst, dst)
		}
	} else {
		switch opc {
		case 0:
			mov(b, dst, src)
		case 1:
			emit(b, translate.OpAndI, dst, src, 0, int64(sign64-1))
		case 2:
			emit(b, translate.OpXorI, dst, src, 0, -1<<63)
		}
	}
	movI(b, dst+1, 0)
}

func fp1Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	var e fpu.Env
	fpEnv(&e, c)
	setScalar(c, o.Dst, fpUnary(&e, o.Aux, o.Size, c.R[o.A], o.Imm))
	fpDone(c, &e)
	return translate.ExitNone
}

// fpUnary computes FSQRT or FRINT* (imm: rounding selector, bit 8 exact).
func fpUnary(e *fpu.Env, sel, size uint8, a uint64, imm int64) uint64 {
	switch sel {
	case fSqrt:
		if size == 4 {
			return uint64(fpu.Sqrt32(e, uint32(a)))
		}
		return fpu.Sqrt64(e, a)
	case fRint:
		rm, exact := rmode(e, uint8(imm)), imm&(1<<8) != 0
		if size == 4 {
			return uint64(fpu.RoundToIntegral32(e, uint32(a), rm, exact))
		}
		return fpu.RoundToIntegral64(e, a, rm, exact)
	case fRecpe:
		return recipEstimate(e, size, a)
	case fRsqrte:
		return rsqrtEstimate(e, size, a)
	case fRecpx:
		return recpx(e, size, a)
	}
	return 0
}

// fcvtHelper is ARM ARM C7.2.69 FCVT: Size = source size, Aux = target.
func fcvtHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	var e fpu.Env
	fpEnv(&e, c)
	setScalar(c, o.Dst, fpConvert(&e, c.R[o.A], o.Size, o.Aux))
	fpDone(c, &e)
	return translate.ExitNone
}

// fpConvert converts between half, single and double precision.
func fpConvert(e *fpu.Env, a uint64, from, to uint8) uint64 {
	switch from<<4 | to {
	case 0x48:
		return fpu.F32ToF64(e, uint32(a))
	case 0x84:
		return uint64(fpu.F64ToF32(e, a))
	case 0x24:
		return uint64(fpu.F16ToF32(e, uint16(a)))
	case 0x28:
		return fpu.F16ToF64(e, uint16(a))
	case 0x42:
		return uint64(fpu.F32ToF16(e, uint32(a)))
	case 0x82:
		return uint64(fpu.F64ToF16(e, a))
	}
	return 0
}

// lowerFP2: FMUL, FDIV, FADD, FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL.
func lowerFP2(b *translate.Builder, d *inst) bool {
	opc := field(d.x, 12, 4)
	size, ok := arithSize(d)
	if !ok || opc > 8 {
		return false
	}
	fn := fp2Helper
	if f, ok := fp2Fast[fastKey{uint8(opc), size}]; ok {
		fn = f
	}
	o := fpOp(d, uint8(opc), size) // opcodes match the selectors
	if k, ok := hostKinds[uint8(opc)]; ok {
		o.Float = hostForm(k, size)
	}
	call(b, fn, o)
	return true
}

// hostKinds are the FP2 selectors tier 2 may compute on the host.
var hostKinds = map[uint8]translate.FloatKind{fAdd: translate.FAdd, fSub: translate.FSub, fMul: translate.FMul, fDiv: translate.FDiv}

// fusedKinds maps FP3's o1:o0 to the fused forms: FMADD a + n*m, FMSUB
// a - n*m, FNMADD -a - n*m, FNMSUB -a + n*m (ARM ARM C7.2.106 ...).
var fusedKinds = [4]translate.FloatKind{translate.FMulAdd, translate.FNegMulAdd, translate.FNegMulSub, translate.FMulSub}

// hostForm describes a scalar helper for tier 2: the rounding is FPCR's
// and the write clears the upper half of the vector register.
func hostForm(k translate.FloatKind, size uint8) translate.FloatForm {
	f := translate.FloatForm{Kind: k, Flags: translate.FloatZeroHigh | translate.FloatDynamicRM}
	if size == 8 {
		f.Flags |= translate.FloatDouble
	}
	return f
}

// FloatEnv tells tier 2 where FPSR.IXC and the FPCR fields that change
// rounding or flush subnormals live (translate/float.go).
func (*Arch) FloatEnv() translate.FloatEnv {
	return translate.FloatEnv{Inexact: RegFPSR, InexactBit: fpsrIXC, Mode: RegFPCR, ModeMask: fpcrRMode | fpcrFZ}
}

type fastKey struct{ sel, size uint8 }

// fp2Fast holds helpers for the most frequent scalar operations that call
// fpu directly, without fpBinary's dispatch.
var fp2Fast = map[fastKey]translate.HelperFn{
	{fAdd, 8}: fp2Helper64(fpu.Add64), {fSub, 8}: fp2Helper64(fpu.Sub64),
	{fMul, 8}: fp2Helper64(fpu.Mul64), {fDiv, 8}: fp2Helper64(fpu.Div64),
	{fAdd, 4}: fp2Helper32(fpu.Add32), {fSub, 4}: fp2Helper32(fpu.Sub32),
	{fMul, 4}: fp2Helper32(fpu.Mul32), {fDiv, 4}: fp2Helper32(fpu.Div32),
}

func fp2Helper64(f func(*fpu.Env, uint64, uint64) uint64) translate.HelperFn {
	return func(c *translate.CPU, o *translate.Op) translate.ExitKind {
		var e fpu.Env
		fpEnv(&e, c)
		r := f(&e, c.R[o.A], c.R[o.B])
		c.R[o.Dst], c.R[o.Dst+1] = r, 0
		fpDone(c, &e)
		return translate.ExitNone
	}
}

func fp2Helper32(f func(*fpu.Env, uint32, uint32) uint32) translate.HelperFn {
	return func(c *translate.CPU, o *translate.Op) translate.ExitKind {
		var e fpu.Env
		fpEnv(&e, c)
		r := f(&e, uint32(c.R[o.A]), uint32(c.R[o.B]))
		c.R[o.Dst], c.R[o.Dst+1] = uint64(r), 0
		fpDone(c, &e)
		return translate.ExitNone
	}
}

func fp2Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	var e fpu.Env
	fpEnv(&e, c)
	setScalar(c, o.Dst, fpBinary(&e, o.Aux, o.Size, c.R[o.A], c.R[o.B]))
	fpDone(c, &e)
	return translate.ExitNone
}

// lowerFP3: FMADD, FMSUB, FNMADD, FNMSUB (fused, one rounding).
func lowerFP3(b *translate.Builder, d *inst) bool {
	size, ok := arithSize(d)
	if !ok {
		return false
	}
	o := fpOp(d, uint8(d.x>>21&1<<1|d.x>>15&1), size)
	o.Float = hostForm(fusedKinds[o.Aux], size)
	call(b, fp3Helper, o)
	return true
}

// fp3Helper: Aux = o1:o0. Negations apply to the operands before the
// fused operation, NaNs included (ARM ARM C7.2.106 FMSUB pseudocode).
func fp3Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	var e fpu.Env
	fpEnv(&e, c)
	n, m, a := c.R[o.A], c.R[o.B], c.R[o.C]
	sign := uint64(sign64)
	if o.Size == 4 {
		sign = sign32
	}
	if o.Aux == 1 || o.Aux == 2 { // FMSUB, FNMADD: negate the product
		n ^= sign
	}
	if o.Aux&2 != 0 { // FNMADD, FNMSUB: negate the addend
		a ^= sign
	}
	setScalar(c, o.Dst, fpMulAdd(&e, o.Size, n, m, a))
	fpDone(c, &e)
	return translate.ExitNone
}

// fpMulAdd is n*m + a with one rounding.
func fpMulAdd(e *fpu.Env, size uint8, n, m, a uint64) uint64 {
	if size == 4 {
		return uint64(fpu.MulAdd32(e, uint32(n), uint32(m), uint32(a)))
	}
	return fpu.MulAdd64(e, n, m, a)
}

// lowerFCmp: FCMP and FCMPE, against Vm or +0.0 (opcode2 bit 3).
func lowerFCmp(b *translate.Builder, d *inst) bool {
	size, ok := arithSize(d)
	if !ok {
		return false
	}
	o := fpOp(d, uint8(field(d.x, 3, 2)), size)
	o.Dst = RegNZCV
	if o.Aux&1 != 0 {
		o.B = translate.RegZero
	}
	o.Float = hostForm(translate.FCmpNZCV, size)
	o.Float.Flags &^= translate.FloatZeroHigh
	call(b, fcmpHelper, o)
	return true
}

// nzcvOf is the NZCV an FP comparison sets (ARM ARM FPCompare).
var nzcvOf = [4]uint64{fpu.Less: 0x8 << 28, fpu.Equal: 0x6 << 28, fpu.Greater: 0x2 << 28, fpu.Unordered: 0x3 << 28}

// fpCompare compares a and b (size 4 or 8); signaling is FCMPE.
func fpCompare(e *fpu.Env, size uint8, a, b uint64, signaling bool) fpu.CmpResult {
	if size == 4 {
		return fpu.Compare32(e, uint32(a), uint32(b), signaling)
	}
	return fpu.Compare64(e, a, b, signaling)
}

// fcmpHelper: Aux bit 0 = compare with zero, bit 1 = FCMPE.
func fcmpHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	var e fpu.Env
	fpEnv(&e, c)
	m := c.R[o.B]
	if o.Aux&1 != 0 {
		m = 0
	}
	c.R[RegNZCV] = nzcvOf[fpCompare(&e, o.Size, c.R[o.A], m, o.Aux&2 != 0)]
	fpDone(c, &e)
	return translate.ExitNone
}

// lowerFCCmp: FCCMP and FCCMPE.
func lowerFCCmp(b *translate.Builder, d *inst) bool {
	size, ok := arithSize(d)
	if !ok {
		return false
	}
	o := fpOp(d, uint8(field(d.x, 12, 4)), size)
	o.Imm = int64(d.x&15)<<28 | int64(field(d.x, 4, 1))
	call(b, fccmpHelper, o)
	return true
}

func fccmpHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	if !translate.ConditionHolds(o.Aux, c.R[RegNZCV]) {
		c.R[RegNZCV] = uint64(o.Imm) &^ 1
		return translate.ExitNone
	}
	var e fpu.Env
	fpEnv(&e, c)
	c.R[RegNZCV] = nzcvOf[fpCompare(&e, o.Size, c.R[o.A], c.R[o.B], o.Imm&1 != 0)]
	fpDone(c, &e)
	return translate.ExitNone
}

// lowerFCSel: FCSEL is a conditional select of the low halves.
func lowerFCSel(b *translate.Builder, d *inst) bool {
	size, ok := arithSize(d)
	if !ok {
		return false
	}
	dst := vlo(d.rd())
	b.Emit(op{Code: translate.OpCondSel, Dst: dst, A: vlo(d.rn()), B: vlo(d.rm()), C: RegNZCV,
		Aux: uint8(field(d.x, 12, 4)), Size: size})
	movI(b, dst+1, 0)
	return true
}

// vfpExpandImm is ARM ARM VFPExpandImm for single (size 4) or double.
func vfpExpandImm(imm8 uint32, size uint8) uint64 {
	s, b6, e54, f := uint64(imm8>>7), uint64(imm8>>6&1), uint64(imm8>>4&3), uint64(imm8&15)
	if size == 4 {
		exp := (b6^1)<<7 | b6*0x1f<<2 | e54
		return s<<31 | exp<<23 | f<<19
	}
	exp := (b6^1)<<10 | b6*0xff<<2 | e54
	return s<<63 | exp<<52 | f<<48
}

// ARM ARM C7.2.132 FMOV (scalar, immediate).
func lowerFMovImm(b *translate.Builder, d *inst) bool {
	size, ok := arithSize(d)
	if !ok {
		return false
	}
	dst := vlo(d.rd())
	movI(b, dst, int64(vfpExpandImm(field(d.x, 13, 8), size)))
	movI(b, dst+1, 0)
	return true
}
