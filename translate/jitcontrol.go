package translate

import "github.com/gemu-project/gemu/translate/x64"

// Lowering of the Arm flag ops and of branches and jumps (jitcompile.go).

// pextNZCV is the PEXT mask that gathers, from AX after LAHF and SETO AL,
// OF (bit 0), CF (bit 8), ZF (bit 14) and SF (bit 15) into V, C, Z, N
// order; shifted left by 28 they are PSTATE.NZCV.
const pextNZCV = 0xc101

// nzcv stores the host flags of the last arithmetic op as packed NZCV in
// guest register r. invertC turns x86's borrow into Arm's carry (ARM ARM:
// SUBS sets C when no borrow occurs). Clobbers RAX and RCX.
func (c *jitCompiler) nzcv(r uint8, invertC bool) {
	if r == RegSink {
		return // the op wanted only its result, not the flags
	}
	c.nzcvRAX(invertC)
	c.st(r, x64.RAX)
}

// nzcvRAX leaves the packed NZCV of the host flags in RAX.
func (c *jitCompiler) nzcvRAX(invertC bool) {
	a := &c.a
	if invertC {
		a.Cmc()
	}
	a.Lahf()
	a.Setcc(x64.CondO, x64.RAX)
	a.MovImm(x64.RCX, pextNZCV) // mov ecx, imm32: flags unchanged
	a.Pext(false, x64.RAX, x64.RAX, x64.RCX)
	a.ShiftI(false, x64.SHL, x64.RAX, 28)
}

// flagOp lowers the ops that read or write packed NZCV.
func (c *jitCompiler) flagOp(i int, op *Op) bool {
	a := &c.a
	w := op.Size != 4
	switch op.Code {
	case OpAddFlags, OpSubFlags:
		c.addSubFlags(op, w)
	case OpAdcFlags, OpSbcFlags, OpAdc, OpSbc:
		c.ld(x64.RDX, op.A)
		c.ld32(x64.RCX, op.C)
		a.BtI(false, x64.RCX, 29) // CF = PSTATE.C
		k := x64.ADC
		if op.Code == OpSbcFlags || op.Code == OpSbc {
			a.Cmc() // x86 subtracts a borrow, Arm adds the carry of A + ~B
			k = x64.SBB
		}
		c.aluB(w, k, x64.RDX, op.B)
		c.st(op.Dst, x64.RDX)
		if op.Code == OpAdcFlags || op.Code == OpSbcFlags {
			c.nzcv(op.C, k == x64.SBB)
		}
	case OpLogicFlags:
		if c.lazyFlags(op) {
			break // computed where needed (jitflags.go)
		}
		c.ld(x64.RDX, op.A)
		a.TestRR(w, x64.RDX, x64.RDX) // CF = OF = 0
		c.nzcv(op.C, false)
	case OpCondSel:
		c.ld(x64.RDX, op.B)
		switch op.Imm {
		case 1:
			a.AluRI(true, x64.ADD, x64.RDX, 1)
		case 2:
			a.Not(true, x64.RDX)
		case 3:
			a.Neg(true, x64.RDX)
		}
		cond := c.condFlags(op.Aux, op.C)
		a.Cmov(true, cond, x64.RDX, c.srcKeepFlags(op.A, x64.RCX))
		if !w {
			a.MovRR(false, x64.RDX, x64.RDX)
		}
		c.st(op.Dst, x64.RDX)
	case OpSetFlags:
		// Both operands are read before the branch, and both paths leave
		// the new flags in RAX, so the register cache is the same on both.
		cond := c.condFlags(op.Aux, op.C)
		if op.A == RegZero || op.A == c.zero {
			a.MovImm32(x64.RDX, 0)
		} else {
			a.MovRR(true, x64.RDX, c.reg(op.A))
		}
		b := c.srcKeepFlags(op.B, x64.RCX)
		compute := a.Jcc8(cond)
		a.MovImm(x64.RAX, uint64(op.Imm))
		done := a.Jmp8()
		a.Bind8(compute)
		w = op.Size&0xf != 4
		if op.Size&0x10 != 0 {
			a.AluRR(w, x64.ADD, x64.RDX, b)
			c.nzcvRAX(false)
		} else {
			a.AluRR(w, x64.SUB, x64.RDX, b)
			c.nzcvRAX(true)
		}
		a.Bind8(done)
		c.st(op.C, x64.RAX)
	default:
		return false
	}
	return true
}

// addSubFlags lowers OpAddFlags and OpSubFlags in Dst's cache register
// (a compare when only the flags are wanted).
func (c *jitCompiler) addSubFlags(op *Op, w bool) {
	sub := op.Code == OpSubFlags
	k := x64.ADD
	if sub {
		k = x64.SUB
	}
	noDst := op.Dst == RegSink || op.Dst == RegZero
	lazy := c.lazyFlags(op)
	if lazy && c.fuseZeroTest(op, k) {
		return // the branch on the result compares instead (jitflags.go)
	}
	switch {
	case lazy && noDst:
		return // a compare whose flags are computed where needed (jitflags.go)
	case sub && noDst && op.A != RegZero && op.A != c.zero:
		c.aluB(w, x64.CMP, c.reg(op.A), op.B)
	case op.B == op.Dst && op.A != op.B && !sub:
		h := c.reg(op.Dst)
		c.rc.dirty[h] = true
		c.aluB(w, k, h, op.A) // A + B = B + A, flags included
	case op.B == op.Dst && op.A != op.B, op.Dst == RegSink, op.Dst == RegZero:
		c.ld(x64.RDX, op.A)
		c.aluB(w, k, x64.RDX, op.B)
		c.st(op.Dst, x64.RDX)
	default:
		c.aluB(w, k, c.dstFromA(op), op.B)
	}
	if !lazy {
		c.nzcv(op.C, sub)
	}
}

var branchCond = map[Code]x64.Cond{OpBeq: x64.CondE, OpBne: x64.CondNE, OpBlt: x64.CondL,
	OpBge: x64.CondGE, OpBltu: x64.CondB, OpBgeu: x64.CondAE}

// controlOp lowers branches and jumps. done reports that the block's code
// ends with this op; ok that the op was one of these.
func (c *jitCompiler) controlOp(i int, op *Op) (done, ok bool) {
	a := &c.a
	switch op.Code {
	case OpBeq, OpBne, OpBlt, OpBge, OpBltu, OpBgeu:
		if f := c.fused; f != nil && f.at == i {
			c.fused = nil
			c.zeroTest(f)
		} else {
			c.compareW(true, op.A, op.B)
		}
		c.chainSite(i, branchCond[op.Code], false)
	case OpBranch: // CondBitSet / CondBitClear: B is a bit number
		c.ld(x64.RAX, op.A)
		a.BtI(true, x64.RAX, op.B&63)
		cond := x64.CondB
		if op.Aux == CondBitClear {
			cond = x64.CondAE
		}
		c.chainSite(i, cond, false)
	case OpBranchArm:
		c.chainSite(i, c.condFlags(op.Aux-CondArm, op.A), false)
	case OpJump:
		c.chainSite(i, 0, true)
		return true, true
	case OpJumpReg:
		c.jumpReg(op)
		return true, true
	default:
		return false, false
	}
	return false, true
}

// jumpReg computes the target into CPU.PC and probes the native jump
// cache: a hit jumps straight to the compiled entry, a miss leaves.
func (c *jitCompiler) jumpReg(op *Op) {
	a := &c.a
	c.ld(x64.RAX, op.A)
	if op.Imm != 0 {
		c.aluImm(true, x64.ADD, x64.RAX, op.Imm)
	}
	if op.C != 0 {
		a.AluRI(true, x64.AND, x64.RAX, int32(^uint32(op.C)))
	}
	a.Store(8, x64.M(regsPtr, offPC), x64.RAX)
	if c.nochain {
		c.exitNow(exitIndirect, 0)
		return
	}
	a.MovRR(false, x64.RCX, x64.RAX) // jumpSlot(pc)
	a.ShiftI(false, x64.SHR, x64.RCX, 1)
	a.MovRR(false, x64.RDX, x64.RAX)
	a.ShiftI(false, x64.SHR, x64.RDX, 12)
	a.AluRR(false, x64.XOR, x64.RCX, x64.RDX)
	a.AluRI(false, x64.AND, x64.RCX, jitJCSize-1)
	a.ShiftI(false, x64.SHL, x64.RCX, 4)
	a.Not(true, x64.RAX) // the slot's key
	a.AluRM(true, x64.CMP, x64.RAX, x64.MI(regsPtr, x64.RCX, 1, offJC))
	c.exitIf(x64.CondNE, exitIndirect, 0)
	a.JmpM(x64.MI(regsPtr, x64.RCX, 1, offJC+8))
}
