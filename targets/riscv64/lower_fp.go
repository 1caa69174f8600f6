package riscv64

import (
	"math"

	"github.com/gemu-project/gemu/translate"
)

// Floating-point lowering. Arithmetic, comparisons and conversions are
// helper calls (fp.go) that keep fflags accrued; sign injection on doubles
// and moves between register files are plain ops.

// Helper selectors (row.aux); selDouble marks the binary64 variant.
const (
	selAdd uint8 = iota
	selSub
	selMul
	selDiv
	selMin
	selMax
	selSqrt
	selMadd
	selMsub
	selNmsub
	selNmadd
	selEq
	selLt
	selLe
	selClass
	selSgnj
	selSgnjn
	selSgnjx
	selCvtSD
	selCvtDS
	selToInt   // + 0 w, 1 wu, 2 l, 3 lu
	selFromInt = selToInt + 4

	selDouble uint8 = 0x80
)

// fpHelper picks the helper family of a selector.
func fpHelper(sel uint8) translate.HelperFn {
	s := sel &^ selDouble
	double := sel&selDouble != 0
	switch {
	case s <= selNmadd && double:
		return fpArith64
	case s <= selNmadd:
		return fpArith32
	case s <= selClass && double:
		return fpCmp64
	case s <= selClass:
		return fpCmp32
	case s <= selSgnjx:
		return fpSgnj32
	}
	return fpConvert
}

// slotOf maps an operand kind to its register slot in d.
func slotOf(k argKind, d *inst) uint8 {
	switch k {
	case aRd:
		return xd(d.rd)
	case aFd:
		return fr(d.rd)
	case aRs1:
		return xs(d.rs1)
	case aFs1:
		return fr(d.rs1)
	case aFs2:
		return fr(d.rs2)
	case aFs3:
		return fr(d.rs3)
	}
	return 0
}

// lowerFPCall emits one helper call; operand slots follow the row's
// operand list (destination first, then up to three sources).
func lowerFPCall(b *translate.Builder, d *inst) {
	a := &d.row.args
	op := translate.Op{Code: translate.OpCall, Fn: fpHelper(d.row.aux),
		Dst: slotOf(a[0], d), A: slotOf(a[1], d), B: slotOf(a[2], d), C: slotOf(a[3], d),
		Imm: int64(d.row.aux)}
	if d.row.flags&flagRM != 0 {
		op.Aux = d.rm
	}
	op.Float = floatForm(d)
	b.Emit(op)
}

// hostKinds are the selectors tier 2 may compute on the host (float.go).
var hostKinds = map[uint8]translate.FloatKind{
	selAdd: translate.FAdd, selSub: translate.FSub, selMul: translate.FMul, selDiv: translate.FDiv,
	selSqrt: translate.FSqrt, selMadd: translate.FMulAdd, selMsub: translate.FMulSub,
	selNmsub: translate.FNegMulAdd, selNmadd: translate.FNegMulSub,
	selEq: translate.FCmpEQ, selLt: translate.FCmpLT, selLe: translate.FCmpLE,
}

// floatForm describes the helper call of d for tier 2: an IEEE operation
// rounding to nearest-even, statically (rm 0) or by frm (rm 7, dynamic);
// binary32 values are NaN-boxed.
func floatForm(d *inst) translate.FloatForm {
	k, ok := hostKinds[d.row.aux&^selDouble]
	if !ok {
		return translate.FloatForm{}
	}
	f := translate.FloatForm{Kind: k, Flags: translate.FloatBoxed}
	if d.row.aux&selDouble != 0 {
		f.Flags = translate.FloatDouble
	}
	if d.row.flags&flagRM != 0 {
		switch d.rm {
		case 0:
		case 7:
			f.Flags |= translate.FloatDynamicRM
		default:
			return translate.FloatForm{}
		}
	}
	return f
}

// FloatEnv tells tier 2 where fflags.NX and frm live (float.go).
func (*Arch) FloatEnv() translate.FloatEnv {
	return translate.FloatEnv{Inexact: RegFflags, InexactBit: 1, Mode: RegFrm, ModeMask: 7}
}

const signBit64 = math.MinInt64

// lowerFSGNJD: fsgnj.d (aux 0), fsgnjn.d (1), fsgnjx.d (2) on raw bits,
// with the fmv.d / fneg.d / fabs.d special cases as single ops.
func lowerFSGNJD(b *translate.Builder, d *inst) {
	fd, f1, f2 := fr(d.rd), fr(d.rs1), fr(d.rs2)
	if f1 == f2 {
		switch d.row.aux {
		case 0:
			emit(b, translate.OpMov, fd, f1, 0, 0)
		case 1:
			emit(b, translate.OpXorI, fd, f1, 0, signBit64)
		case 2:
			emit(b, translate.OpAndI, fd, f1, 0, math.MaxInt64)
		}
		return
	}
	switch d.row.aux {
	case 0:
		emit(b, translate.OpAndI, RegTmp1, f2, 0, signBit64)
	case 1:
		emit(b, translate.OpXorI, RegTmp1, f2, 0, signBit64)
		emit(b, translate.OpAndI, RegTmp1, RegTmp1, 0, signBit64)
	case 2:
		emit(b, translate.OpAndI, RegTmp1, f2, 0, signBit64)
		emit(b, translate.OpXor, fd, f1, RegTmp1, 0)
		return
	}
	emit(b, translate.OpAndI, RegTmp0, f1, 0, math.MaxInt64)
	emit(b, translate.OpOr, fd, RegTmp0, RegTmp1, 0)
}

// fmv.x.w sign-extends the low word of the FP register (no unboxing).
func lowerFMVXW(b *translate.Builder, d *inst) {
	if d.rd != 0 {
		emit(b, translate.OpSext32, d.rd, fr(d.rs1), 0, 0)
	}
}

// fmv.w.x NaN-boxes the low word of the integer register.
func lowerFMVWX(b *translate.Builder, d *inst) {
	if d.rs1 == 0 {
		movI(b, fr(d.rd), nanBox)
		return
	}
	emit(b, translate.OpZext32, fr(d.rd), d.rs1, 0, 0)
	emit(b, translate.OpOrI, fr(d.rd), fr(d.rd), 0, nanBox)
}

func lowerFMVXD(b *translate.Builder, d *inst) {
	if d.rd != 0 {
		emit(b, translate.OpMov, d.rd, fr(d.rs1), 0, 0)
	}
}

func lowerFMVDX(b *translate.Builder, d *inst) {
	mov(b, fr(d.rd), d.rs1)
}
