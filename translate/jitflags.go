package translate

import (
	"unsafe"

	"github.com/gemu-project/gemu/translate/x64"
)

// Arm conditions in compiled code. A flag op still stores the packed NZCV
// (later code or another block may read it), but a CSEL or B.cond in the
// same straight-line code whose flags came from a compare, an addition or
// a test whose operands are unchanged redoes that compare on the host and
// uses the host condition (the ARM ARM ConditionHolds of the same
// operation): the condition no longer waits for NZCV to be packed and
// looked up.

// Kinds of flag provenance.
const (
	provNone   = iota
	provSub    // NZCV of A - B
	provAdd    // NZCV of A + B
	provLogic  // N, Z of A; C = V = 0
	provResult // N, Z of the result in A (C and V unknown)
)

// flagProv records where the NZCV in guest register flags came from.
type flagProv struct {
	kind  int
	w     bool // 64-bit operation
	flags uint8
	a, b  uint8
}

// isFlagOp reports whether op writes packed NZCV to its register C.
func isFlagOp(k Code) bool {
	switch k {
	case OpAddFlags, OpSubFlags, OpAdcFlags, OpSbcFlags, OpLogicFlags, OpSetFlags:
		return true
	}
	return false
}

// subCond maps Arm condition codes (EQ … LE) to the host condition after
// the same subtraction (x86 CF is a borrow, Arm C its complement).
var subCond = [14]x64.Cond{x64.CondE, x64.CondNE, x64.CondAE, x64.CondB, x64.CondS, x64.CondNS,
	x64.CondO, x64.CondNO, x64.CondA, x64.CondBE, x64.CondGE, x64.CondL, x64.CondG, x64.CondLE}

// condNone marks an Arm condition with no single host condition.
const condNone = x64.Cond(0xff)

// addCond is the same after an addition (CF is Arm's carry; HI and LS,
// C && !Z, have no host form).
var addCond = [14]x64.Cond{x64.CondE, x64.CondNE, x64.CondB, x64.CondAE, x64.CondS, x64.CondNS,
	x64.CondO, x64.CondNO, condNone, condNone, x64.CondGE, x64.CondL, x64.CondG, x64.CondLE}

// logicCond is the same after TEST (CF = OF = 0, as Arm's C and V).
var logicCond = [14]x64.Cond{x64.CondE, x64.CondNE, x64.CondB, x64.CondAE, x64.CondS, x64.CondNS,
	x64.CondO, x64.CondNO, condNone, condNone, x64.CondGE, x64.CondL, x64.CondG, x64.CondLE}

// noteFlags records the provenance op leaves in its flags register.
func (c *jitCompiler) noteFlags(op *Op) {
	p := flagProv{w: op.Size&0xf != 4, flags: op.C, a: op.A, b: op.B}
	switch op.Code {
	case OpSubFlags, OpAddFlags:
		p.kind = provSub
		if op.Code == OpAddFlags {
			p.kind = provAdd
		}
		if op.Dst != RegSink && op.Dst != RegZero && (op.Dst == op.A || op.Dst == op.B) {
			p.kind, p.a = provResult, op.Dst // an operand is overwritten
		}
	case OpLogicFlags:
		p.kind = provLogic
	default:
		p.kind = provNone
	}
	if op.C == RegSink || op.C == RegZero || op.A == op.C || op.B == op.C || op.Dst == op.C {
		p.kind = provNone // the flags overwrote an operand or the result
	}
	c.prov = p
}

// forgetFlags drops the provenance when op (not a flag op, which records
// its own) writes a register it depends on.
func (c *jitCompiler) forgetFlags(op *Op) {
	p := &c.prov
	if p.kind == provNone {
		return
	}
	switch {
	case c.inGo(op) || c.hostFloat(op) || !jitCompilable(op):
		p.kind = provNone
	case op.Code >= OpStore8 && op.Code <= OpStore64, op.Code >= OpJump:
	case op.Dst == p.flags || op.Dst == p.a || op.Dst == p.b:
		p.kind = provNone
	}
}

// provCond returns the host condition under which Arm condition cc holds
// for the flags in guest register r, having set the host flags, or false
// when the provenance does not give one.
func (c *jitCompiler) provCond(cc uint8, r uint8) (x64.Cond, bool) {
	p := c.prov
	if p.kind == provNone || p.flags != r || cc >= 14 {
		return 0, false
	}
	var cond x64.Cond
	switch p.kind {
	case provSub:
		cond = subCond[cc]
	case provAdd:
		cond = addCond[cc]
	case provLogic:
		cond = logicCond[cc]
	case provResult:
		if cc >= 6 { // only Z and N are known
			return 0, false
		}
		cond = logicCond[cc]
		if cc == 2 || cc == 3 {
			return 0, false
		}
	}
	if cond == condNone {
		return 0, false
	}
	switch p.kind {
	case provSub:
		c.compareW(p.w, p.a, p.b)
	case provAdd:
		c.ld(x64.RAX, p.a)
		c.aluB(p.w, x64.ADD, x64.RAX, p.b)
	default:
		c.testW(p.w, p.a)
	}
	return cond, true
}

// compareW sets the host flags from R[A] - R[B] at width w.
func (c *jitCompiler) compareW(w bool, ra, rb uint8) {
	if ra == RegZero || ra == c.zero {
		c.ld(x64.RAX, ra)
		c.aluB(w, x64.CMP, x64.RAX, rb)
		return
	}
	h := c.reg(ra)
	if rb == RegZero || rb == c.zero {
		c.a.TestRR(w, h, h) // the flags of h - 0
		return
	}
	c.aluB(w, x64.CMP, h, rb)
}

// testW sets the host flags from TEST R[A], R[A] at width w.
func (c *jitCompiler) testW(w bool, ra uint8) {
	if ra == RegZero || ra == c.zero {
		c.a.AluRR(false, x64.XOR, x64.RAX, x64.RAX)
		return
	}
	h := c.reg(ra)
	c.a.TestRR(w, h, h)
}

// condFlags sets the host flags so that the returned host condition holds
// when Arm condition cc holds for the packed NZCV in guest register r:
// from the provenance, one bit of NZCV, or the condition table.
// Clobbers RAX and RCX.
func (c *jitCompiler) condFlags(cc uint8, r uint8) x64.Cond {
	if cond, ok := c.provCond(cc, r); ok {
		return cond
	}
	a := &c.a
	if cc < 8 { // EQ/NE, CS/CC, MI/PL, VS/VC test one bit (ARM ARM ConditionHolds)
		bit := int32(uint32([4]uint64{FlagZ, FlagC, FlagN, FlagV}[cc>>1]))
		if r == RegZero || r == c.zero {
			a.AluRR(false, x64.XOR, x64.RAX, x64.RAX)
			a.TestRI(false, x64.RAX, bit)
		} else {
			a.TestRI(false, c.reg(r), bit)
		}
		if cc&1 == 0 {
			return x64.CondNE
		}
		return x64.CondE
	}
	c.ld32(x64.RCX, r)
	a.ShiftI(false, x64.SHR, x64.RCX, 28)
	a.MovImm(x64.RAX, uint64(uintptr(unsafe.Pointer(&armCondTable[uint(cc&15)<<4]))))
	a.LoadZX(1, x64.RAX, x64.MI(x64.RAX, x64.RCX, 1, 0))
	a.TestRR(false, x64.RAX, x64.RAX)
	return x64.CondNE
}
