package translate

import (
	"unsafe"

	"github.com/gemu-project/gemu/translate/x64"
)

// Arm conditions and flags in compiled code. A CSEL or B.cond in the same
// straight-line code as the compare, addition or test that set its flags,
// whose operands are unchanged, redoes that operation on the host and
// uses the host condition (the ARM ARM ConditionHolds of the same
// operation): the condition does not wait for NZCV to be packed.
//
// The packed NZCV itself is lazy: after such an op it is pending (c.pend)
// and the flags register is not in the cache. It is computed from the
// operands only where it can be read: inline before an op that reads the
// flags register or overwrites an operand, before code is left for good
// (a jump, a step in Go, the interpreter), in the stub of a side exit,
// and, for a fault at an access, in Go from the registers there
// (memSite.nzcv). A later flag op supersedes it unseen, so a run of
// compare-and-branch pairs packs no flags on its straight path.

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

// writesFlags reports whether op writes packed NZCV to its register C
// (an ADD or SUB whose flags go to RegSink writes none).
func writesFlags(op *Op) bool {
	switch op.Code {
	case OpAddFlags, OpSubFlags, OpAdcFlags, OpSbcFlags, OpLogicFlags, OpSetFlags:
		return op.C != RegSink && op.C != RegZero
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

// provOf is the provenance op leaves in its flags register.
func (c *jitCompiler) provOf(op *Op) flagProv {
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
	return p
}

// lazyFlags reports whether flag op leaves its NZCV pending.
func (c *jitCompiler) lazyFlags(op *Op) bool {
	switch c.provOf(op).kind {
	case provSub, provAdd, provLogic:
		return true
	}
	return false
}

// noteFlags records what flag op left in its flags register; a lazy one
// makes the NZCV pending and drops the register's stale cached copy.
func (c *jitCompiler) noteFlags(op *Op) {
	c.prov = c.provOf(op)
	c.pend.kind = provNone
	if c.lazyFlags(op) {
		c.pend = c.prov
		c.rc.forget(c.pend.flags)
	}
}

// beforeOp computes pending flags that op could observe or invalidate.
func (c *jitCompiler) beforeOp(op *Op) {
	p := &c.pend
	if p.kind == provNone {
		return
	}
	reads := func(r uint8) bool { return op.A == r || op.B == r || op.C == r || op.Dst == r }
	switch {
	case (op.Code == OpSubFlags || op.Code == OpAddFlags || op.Code == OpLogicFlags) &&
		op.C == p.flags && op.A != p.flags && op.B != p.flags && op.Dst != p.a && op.Dst != p.b:
		// superseded (the new op reads neither the flags nor, through
		// its result, the old operands before it sets them)
	case op.Code == OpCondSel && op.C == p.flags && op.A != p.flags && op.B != p.flags && op.Dst != p.flags &&
		op.Dst != p.a && op.Dst != p.b && c.provMaps(op.Aux):
	case op.Code == OpBranchArm && op.A == p.flags && c.provMaps(op.Aux-CondArm):
	case op.Code == OpJump || op.Code == OpJumpReg || c.leaves(op) || c.hostFloat(op):
		c.materialize()
	case reads(p.flags):
		c.materialize()
	case opWrites(op, p.a) || opWrites(op, p.b):
		if c.flagsDeadAhead() {
			p.kind = provNone // overwritten before anything can read them
		} else {
			c.materialize()
		}
	}
}

// opWrites reports whether op writes guest register r.
func opWrites(op *Op, r uint8) bool {
	return writesDst(op) && op.Dst == r || writesFlags(op) && op.C == r
}

// flagsDeadAhead reports whether the pending flags are overwritten, from
// the current op on, before any op reads them or code can be left (a
// compare against an immediate the target puts in a temporary overwrites
// that temporary just before the next compare).
func (c *jitCompiler) flagsDeadAhead() bool {
	f := c.pend.flags
	ops := c.b.Ops
	for j := c.cur; j < len(ops) && j < c.cur+16; j++ {
		op := &ops[j]
		if writesFlags(op) && op.C == f && op.A != f && op.B != f && op.Code != OpSetFlags &&
			op.Code != OpAdcFlags && op.Code != OpSbcFlags {
			return true
		}
		if op.A == f || op.B == f || op.C == f || op.Dst == f || c.mayExit(op) {
			return false
		}
	}
	return false
}

// mayExit reports whether compiled code can be left at op.
func (c *jitCompiler) mayExit(op *Op) bool {
	return op.Code >= OpLoad8 && op.Code <= OpStore64 || op.Code >= OpJump || c.leaves(op) || c.hostFloat(op) ||
		c.compiledAtomic(op)
}

// provMaps reports whether Arm condition cc has a host condition for the
// current provenance (provCond would succeed).
func (c *jitCompiler) provMaps(cc uint8) bool {
	_, ok := c.provCondition(cc)
	return ok
}

// materialize computes the pending NZCV into the flags register's cache
// register (dirty).
func (c *jitCompiler) materialize() {
	p := c.pend
	c.pend.kind = provNone
	c.flagsFromProv(p, func(r uint8) (x64.Reg, bool) { h, ok := c.rc.lookup(r); return h, ok })
	c.st(p.flags, x64.RAX)
}

// flagsFromProv leaves in RAX the packed NZCV of p's operation, reading
// its operands from the host registers cached says hold them, or CPU.R.
// Clobbers RCX.
func (c *jitCompiler) flagsFromProv(p flagProv, cached func(uint8) (x64.Reg, bool)) {
	a := &c.a
	if h, ok := cached(p.a); ok {
		a.MovRR(true, x64.RAX, h)
	} else if p.a == RegZero || p.a == c.zero {
		a.AluRR(false, x64.XOR, x64.RAX, x64.RAX)
	} else {
		a.Load(true, x64.RAX, regMem(p.a))
	}
	k := x64.CMP
	switch p.kind {
	case provAdd:
		k = x64.ADD
	case provLogic:
		a.TestRR(p.w, x64.RAX, x64.RAX)
	}
	if p.kind != provLogic {
		if h, ok := cached(p.b); ok {
			a.AluRR(p.w, k, x64.RAX, h)
		} else if p.b == RegZero || p.b == c.zero {
			a.AluRI(p.w, k, x64.RAX, 0)
		} else {
			a.AluRM(p.w, k, x64.RAX, regMem(p.b))
		}
	}
	c.nzcvRAX(p.kind == provSub)
}

// goFlags is the packed NZCV of p's operation on the CPU's registers, as
// the interpreter computes it (a fault's pending flags).
func (c *CPU) goFlags(p flagProv) uint64 {
	x := *(*uint64)(unsafe.Add(unsafe.Pointer(&c.R[0]), int(p.a)*8))
	y := *(*uint64)(unsafe.Add(unsafe.Pointer(&c.R[0]), int(p.b)*8))
	size := uint8(4)
	if p.w {
		size = 8
	}
	switch p.kind {
	case provSub:
		_, f := addWithCarry(x, ^y, 1, size)
		return f
	case provAdd:
		_, f := addWithCarry(x, y, 0, size)
		return f
	}
	return logicFlags(x, size)
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
	if p.flags != r {
		return 0, false
	}
	cond, ok := c.provCondition(cc)
	if !ok {
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

// provCondition is the host condition for Arm condition cc after the
// operation the provenance names.
func (c *jitCompiler) provCondition(cc uint8) (x64.Cond, bool) {
	p := c.prov
	if p.kind == provNone || cc >= 14 {
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
	return cond, cond != condNone
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

// zeroFusion is an ADDS/SUBS whose result only feeds the branch at op at
// (the targets turn CMP + B.EQ into a branch on the result being zero):
// the branch does the operation and tests ZF, the result is not kept.
type zeroFusion struct {
	at   int
	k    x64.ALU // ADD or SUB
	w    bool
	a, b uint8
}

// fuseZeroTest checks that op (a flag-setting add or subtract with lazy
// flags) is followed by a BEQ/BNE of its result against zero and that the
// result, a temporary, is dead after it; it then records the fusion.
func (c *jitCompiler) fuseZeroTest(op *Op, k x64.ALU) bool {
	i := c.cur + 1
	ops := c.b.Ops
	if i >= len(ops) || !c.isTemp(op.Dst) || op.A == op.Dst || op.B == op.Dst {
		return false
	}
	br := &ops[i]
	if (br.Code != OpBeq && br.Code != OpBne) || br.A != op.Dst || (br.B != RegZero && br.B != c.zero) ||
		!c.deadFrom(op.Dst, i+1) {
		return false
	}
	c.fused = &zeroFusion{at: i, k: k, w: op.Size != 4, a: op.A, b: op.B}
	return true
}

// zeroTest sets ZF as the fused operation's result being zero.
func (c *jitCompiler) zeroTest(f *zeroFusion) {
	if f.k == x64.SUB {
		c.compareW(f.w, f.a, f.b)
		return
	}
	c.ld(x64.RAX, f.a)
	c.aluB(f.w, x64.ADD, x64.RAX, f.b)
}

// deadFrom reports whether temporary r is written before it is read from
// op j on (a block's temporaries are dead where it ends). An op whose
// register use is not known (a step in Go) counts as a read.
func (c *jitCompiler) deadFrom(r uint8, j int) bool {
	ops := c.b.Ops
	for ; j < len(ops); j++ {
		op := &ops[j]
		if c.inGo(op) || c.hostFloat(op) || !jitCompilable(op) || op.A == r || op.B == r || op.C == r {
			return false
		}
		if op.Dst == r && writesDst(op) {
			return true
		}
	}
	return true
}

// writesDst reports whether op writes its Dst field's register.
func writesDst(op *Op) bool {
	switch {
	case op.Code >= OpStore8 && op.Code <= OpStore64, op.Code >= OpJump,
		op.Code == OpLogicFlags, op.Code == OpSetFlags, op.Code == OpNop:
		return false
	}
	return true
}
