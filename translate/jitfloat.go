package translate

import (
	"github.com/gemu-project/gemu/translate/x64"
)

// Tier 2's host form of described FP helpers (float.go has the rules).
// The op computes in X0-X2 and keeps the result when the guards pass;
// otherwise a slow path stores the dirty cached registers, runs the
// helper in Go (exitStep) and re-enters at a stub that reloads the cache
// as it is after the op. The guards branch before the op changes the
// cache, so the slow path knows what to store.

// hostFeatures is what tier 2 asks of the host CPU (hostCPU).
type hostFeatures struct {
	bmi1, bmi2, popcnt, ssse3, sse41, fma, sha, aes bool
}

// slowPath is the out-of-line helper call of one host-form op.
type slowPath struct {
	fields []int    // Jcc rel32 fields that branch to it
	before regCache // the cache at those branches
	after  regCache // the cache after the op
	back   int      // offset of the code after the op
	op     int
}

// hostFloat reports whether op gets a host form.
func (c *jitCompiler) hostFloat(op *Op) bool {
	k := op.Float.Kind
	if op.Code != OpCall || k == FloatNone || k >= numFloatKinds || c.fenv == nil {
		return false
	}
	return hostCPU().fma || k < FMulAdd || k > FNegMulSub
}

var fmaOf = map[FloatKind]x64.FMA{FMulAdd: x64.FMADD, FMulSub: x64.FMSUB, FNegMulAdd: x64.FNMADD, FNegMulSub: x64.FNMSUB}

var arithOf = map[FloatKind]x64.FOp{FAdd: x64.FADD, FSub: x64.FSUB, FMul: x64.FMUL, FDiv: x64.FDIV, FSqrt: x64.SQRT}

// floatOp lowers a described helper call with its host form.
func (c *jitCompiler) floatOp(i int, op *Op) {
	f := op.Float
	s := &slowPath{before: c.rc, op: i}
	if f.Kind < FCmpEQ {
		c.testSlot(c.fenv.Inexact, c.fenv.InexactBit)
		s.branch(c, x64.CondE)
	}
	if f.Flags&FloatDynamicRM != 0 {
		c.testSlot(c.fenv.Mode, c.fenv.ModeMask)
		s.branch(c, x64.CondNE)
	}
	c.floatIn(s, x64.X0, op.A, f.Flags)
	if f.Kind != FSqrt {
		c.floatIn(s, x64.X1, op.B, f.Flags)
	}
	switch {
	case f.Kind >= FCmpEQ:
		c.floatCompare(s, op)
	case fmaOf[f.Kind] != 0:
		c.floatIn(s, x64.X2, op.C, f.Flags)
		c.a.Fma231(f.Flags&FloatDouble != 0, fmaOf[f.Kind], x64.X2, x64.X0, x64.X1)
		c.floatResult(s, op, x64.X2)
	default:
		src := x64.X1
		if f.Kind == FSqrt {
			src = x64.X0
		}
		c.a.Arith(f.Flags&FloatDouble != 0, arithOf[f.Kind], x64.X0, src)
		c.floatResult(s, op, x64.X0)
	}
	s.after, s.back = c.rc, c.a.Len()
	c.slow = append(c.slow, s)
	if !c.trial {
		jitState.hostFloats.Add(1)
	}
}

// branch sends cond to the slow path.
func (s *slowPath) branch(c *jitCompiler, cond x64.Cond) {
	s.fields = append(s.fields, c.a.Jcc32(cond))
}

// testSlot sets ZF from R[slot] & mask without touching the cache.
func (c *jitCompiler) testSlot(slot uint8, mask uint32) {
	if h, ok := c.rc.lookup(slot); ok {
		c.a.TestRI(false, h, int32(mask))
		return
	}
	c.a.TestMI(false, regMem(slot), int32(mask))
}

// floatIn loads guest register r into x (through RAX; RDX checks a NaN
// box) without touching the cache.
func (c *jitCompiler) floatIn(s *slowPath, x x64.X, r uint8, flags uint8) {
	a := &c.a
	src := x64.RAX
	switch h, ok := c.rc.lookup(r); {
	case r == RegZero || r == c.zero:
		a.AluRR(false, x64.XOR, x64.RAX, x64.RAX)
	case ok:
		src = h
	default:
		a.Load(true, x64.RAX, regMem(r))
	}
	double := flags&FloatDouble != 0
	if !double && flags&FloatBoxed != 0 {
		a.MovRR(true, x64.RDX, src)
		a.ShiftI(true, x64.SHR, x64.RDX, 32)
		a.AluRI(false, x64.CMP, x64.RDX, -1)
		s.branch(c, x64.CondNE)
	}
	a.MovXR(double, x, src)
}

// floatResult keeps the result in x when it is a normal number (a zero
// from an exact add, sub or sqrt too) and writes it to Dst.
func (c *jitCompiler) floatResult(s *slowPath, op *Op, x x64.X) {
	a := &c.a
	double := op.Float.Flags&FloatDouble != 0
	a.MovRX(double, x64.RAX, x)
	a.MovRR(double, x64.RCX, x64.RAX)
	a.AluRR(double, x64.ADD, x64.RCX, x64.RCX) // drop the sign; ZF: ±0
	zero := -1
	if k := op.Float.Kind; k == FAdd || k == FSub || k == FSqrt {
		zero = a.Jcc8(x64.CondE)
	}
	// Biased exponent 2..max-1: normal, not the smallest binade (where
	// Arm's tininess before rounding could flag underflow) and finite.
	if double {
		a.ShiftI(true, x64.SHR, x64.RCX, 53)
		a.AluRI(false, x64.SUB, x64.RCX, 2)
		a.AluRI(false, x64.CMP, x64.RCX, 2044)
	} else {
		a.ShiftI(false, x64.SHR, x64.RCX, 24)
		a.AluRI(false, x64.SUB, x64.RCX, 2)
		a.AluRI(false, x64.CMP, x64.RCX, 252)
	}
	s.branch(c, x64.CondA)
	if zero >= 0 {
		a.Bind8(zero)
	}
	if !double && op.Float.Flags&FloatBoxed != 0 {
		a.MovImm(x64.RCX, 0xffffffff00000000)
		a.AluRR(true, x64.OR, x64.RAX, x64.RCX)
	}
	c.floatStore(op, x64.RAX)
}

// floatStore writes a result to Dst (and clears Dst+1 when asked).
func (c *jitCompiler) floatStore(op *Op, r x64.Reg) {
	c.st(op.Dst, r)
	if op.Float.Flags&FloatZeroHigh != 0 {
		c.a.AluRR(false, x64.XOR, x64.RCX, x64.RCX)
		c.st(op.Dst+1, x64.RCX)
	}
}

// floatCompare: an ordered comparison of X0 with X1 (UCOMIS: less sets
// CF, equal ZF); unordered takes the helper (NaN rules and flags).
func (c *jitCompiler) floatCompare(s *slowPath, op *Op) {
	a := &c.a
	for _, r := range []x64.Reg{x64.RAX, x64.RCX, x64.RDX} {
		a.AluRR(false, x64.XOR, r, r)
	}
	a.Ucomi(op.Float.Flags&FloatDouble != 0, x64.X0, x64.X1)
	s.branch(c, x64.CondP)
	switch op.Float.Kind {
	case FCmpEQ:
		a.Setcc(x64.CondE, x64.RDX)
	case FCmpLT:
		a.Setcc(x64.CondB, x64.RDX)
	case FCmpLE:
		a.Setcc(x64.CondBE, x64.RDX)
	default: // NZCV: N less, Z equal, C greater or equal, V unordered (0 here)
		a.Setcc(x64.CondB, x64.RDX)
		a.Setcc(x64.CondE, x64.RCX)
		a.Setcc(x64.CondAE, x64.RAX)
		a.ShiftI(false, x64.SHL, x64.RDX, 1)
		a.AluRR(false, x64.OR, x64.RDX, x64.RCX)
		a.ShiftI(false, x64.SHL, x64.RDX, 1)
		a.AluRR(false, x64.OR, x64.RDX, x64.RAX)
		a.ShiftI(false, x64.SHL, x64.RDX, 29)
	}
	c.st(op.Dst, x64.RDX)
}

// emitSlowPaths emits each slow path: store what is dirty, run the helper
// in Go, then (the re-entry) reload the cache and go back.
func (c *jitCompiler) emitSlowPaths() {
	a := &c.a
	for _, s := range c.slow {
		at := a.Len()
		for _, f := range s.fields {
			a.Bind32(f, at)
		}
		for _, h := range cacheRegs {
			if g := s.before.guest[h]; g >= 0 && s.before.dirty[h] {
				a.Store(8, regMem(uint8(g)), h)
			}
		}
		a.MovImm64(x64.RAX, exitWord(exitStep, s.op, c.id))
		a.Ret()
		c.n.resume[s.op] = uint32(a.Len())
		c.n.stepEnd[s.op] = uint32(s.op + 1)
		for _, h := range cacheRegs {
			if g := s.after.guest[h]; g >= 0 {
				a.Load(true, h, regMem(uint8(g)))
			}
		}
		a.Bind32(a.Jmp32(), s.back)
	}
}
