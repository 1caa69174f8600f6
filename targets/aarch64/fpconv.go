package aarch64

import (
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/translate/fpu"
)

// Conversions between FP and general registers (ARM ARM C4.1.91
// "Conversion between floating-point and integer" and "... fixed-point").

// cvtImm packs a conversion's integer side: signedness, width and fbits.
func cvtImm(signed bool, width, fbits uint32) int64 {
	v := int64(width)<<8 | int64(fbits)
	if signed {
		v |= 1 << 16
	}
	return v
}

func cvtFields(imm int64) (signed bool, width, fbits uint) {
	return imm&(1<<16) != 0, uint(imm >> 8 & 0xff), uint(imm & 0xff)
}

func gprWidth(d *inst) uint32 {
	if d.sf() {
		return 64
	}
	return 32
}

// lowerFPInt: FCVT[NPMZA][SU], [SU]CVTF and FMOV (general).
func lowerFPInt(b *translate.Builder, d *inst) bool {
	rmode, opc := field(d.x, 19, 2), field(d.x, 16, 3)
	ptype := d.x >> 22 & 3
	if opc >= 6 {
		return lowerFMovGen(b, d, rmode, opc, ptype)
	}
	size := fpSize(d.x)
	if size != 4 && size != 8 {
		return false
	}
	signed := opc&1 == 0
	switch {
	case opc <= 1: // FCVT{N,P,M,Z}{S,U}
		call(b, fcvtToIntHelper, op{Dst: xw(d.rd()), A: vlo(d.rn()), Size: size,
			Aux: [4]uint8{rndN, rndP, rndM, rndZ}[rmode], Imm: cvtImm(signed, gprWidth(d), 0)})
	case rmode != 0:
		return false
	case opc <= 3: // SCVTF, UCVTF
		call(b, cvtfHelper, op{Dst: vlo(d.rd()), A: xr(d.rn()), Size: size, Imm: cvtImm(signed, gprWidth(d), 0)})
	default: // FCVTA{S,U}
		call(b, fcvtToIntHelper, op{Dst: xw(d.rd()), A: vlo(d.rn()), Size: size,
			Aux: rndA, Imm: cvtImm(signed, gprWidth(d), 0)})
	}
	return true
}

// lowerFMovGen: ARM ARM C7.2.131 FMOV (general), plus FJCVTZS.
func lowerFMovGen(b *translate.Builder, d *inst, rmode, opc, ptype uint32) bool {
	toGPR := opc == 6
	switch {
	case rmode == 3 && opc == 6 && ptype == 1 && !d.sf():
		if !d.model().has(featJSCVT) {
			return false
		}
		call(b, fjcvtzsHelper, op{Dst: xw(d.rd()), A: vlo(d.rn())})
		return true
	case rmode == 0 && ptype == 0 && !d.sf(), rmode == 0 && ptype == 1 && d.sf():
		lo := vlo(d.rd())
		if toGPR {
			lo = vlo(d.rn())
		}
		if toGPR && !d.sf() {
			zext32(b, xw(d.rd()), lo)
		} else if toGPR {
			mov(b, xw(d.rd()), lo)
		} else if !d.sf() {
			zext32(b, lo, xr(d.rn()))
			movI(b, lo+1, 0)
		} else {
			mov(b, lo, xr(d.rn()))
			movI(b, lo+1, 0)
		}
		return true
	case rmode == 1 && ptype == 2 && d.sf(): // the top half: Vn.D[1]
		if toGPR {
			mov(b, xw(d.rd()), vhi(d.rn()))
		} else {
			mov(b, vhi(d.rd()), xr(d.rn()))
		}
		return true
	}
	return false
}

// lowerFPFixed: SCVTF, UCVTF, FCVTZS, FCVTZU with a fixed-point scale.
func lowerFPFixed(b *translate.Builder, d *inst) bool {
	rmode, opc, scale := field(d.x, 19, 2), field(d.x, 16, 3), field(d.x, 10, 6)
	size := fpSize(d.x)
	if (size != 4 && size != 8) || (!d.sf() && scale < 32) {
		return false
	}
	fbits := 64 - scale
	switch rmode<<3 | opc {
	case 2, 3:
		call(b, cvtfHelper, op{Dst: vlo(d.rd()), A: xr(d.rn()), Size: size, Imm: cvtImm(opc == 2, gprWidth(d), fbits)})
	case 3<<3 | 0, 3<<3 | 1:
		call(b, fcvtToIntHelper, op{Dst: xw(d.rd()), A: vlo(d.rn()), Size: size,
			Aux: rndZ, Imm: cvtImm(opc == 0, gprWidth(d), fbits)})
	default:
		return false
	}
	return true
}

// fcvtToIntHelper: FP element A (Size) to integer Dst, rounding Aux.
func fcvtToIntHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	var e fpu.Env
	fpEnv(&e, c)
	signed, width, fbits := cvtFields(o.Imm)
	c.R[o.Dst] = fpToInt(&e, c.R[o.A], o.Size, rmode(&e, o.Aux), signed, width, fbits)
	fpDone(c, &e)
	return translate.ExitNone
}

// cvtfHelper: integer A to FP element Dst (Size), rounding with FPCR.
func cvtfHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	var e fpu.Env
	fpEnv(&e, c)
	signed, width, fbits := cvtFields(o.Imm)
	v := c.R[o.A]
	if width == 32 {
		if signed {
			v = uint64(int64(int32(v)))
		} else {
			v = uint64(uint32(v))
		}
	}
	setScalar(c, o.Dst, intToFP(&e, v, signed, o.Size, fbits))
	fpDone(c, &e)
	return translate.ExitNone
}

// fjcvtzsHelper is ARM ARM C7.2.99 FJCVTZS (FEAT_JSCVT): JavaScript
// ToInt32 of a double (truncate, wrap modulo 2^32). Z is set only when the
// conversion was exact (-0.0 is not), N, C and V are cleared. Out-of-range
// values raise Invalid Operation, other inexact ones Inexact.
func fjcvtzsHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	var e fpu.Env
	fpEnv(&e, c)
	a := c.R[o.A]
	r, exact := uint32(0), false
	if f := flushed64(&e, a); f<<1 == 0 {
		exact = a == 0
	} else {
		r, exact = jsToInt32(&e, a)
	}
	c.R[o.Dst] = uint64(r)
	c.R[RegNZCV] = 0
	if exact {
		c.R[RegNZCV] = translate.FlagZ
	}
	fpDone(c, &e)
	return translate.ExitNone
}

// jsToInt32 truncates a finite non-zero double (or a NaN/infinity, which
// give 0 and Invalid) modulo 2^32.
func jsToInt32(e *fpu.Env, a uint64) (uint32, bool) {
	exp := int(a>>52&0x7ff) - 1023
	if exp == 1024 {
		e.Flags |= fpu.NV
		return 0, false
	}
	m := a&(1<<52-1) | 1<<52
	if a>>52&0x7ff == 0 {
		m, exp = a&(1<<52-1), -1022
	}
	var v uint64
	lost := false
	switch {
	case exp < 0:
		lost = true
	case exp <= 52:
		v, lost = m>>(52-exp), m&(1<<(52-exp)-1) != 0
	case exp-52 < 64:
		v = m << (exp - 52)
	}
	neg := a>>63 != 0
	overflow := exp >= 31 && !(neg && exp == 31 && v == 1<<31 && !lost)
	if neg {
		v = -v
	}
	switch {
	case overflow:
		e.Flags |= fpu.NV
	case lost:
		e.Flags |= fpu.NX
	}
	return uint32(v), !overflow && !lost
}
