package translate

import "github.com/gemu-project/gemu/translate/x64"

// Tier 2's atomics (user mode): OpAmo and OpCas as one LOCKed host
// instruction, or a LOCK CMPXCHG loop, on the guest's bytes. x86 has
// them at every size and its locked operations are sequentially
// consistent, as Arm's acquire-release atomics and RISC-V's .aqrl ones
// need. An address past the limit or not aligned to the size leaves for
// the interpreter, which raises the fault; a fault of the access itself
// is a memory site like a load's. Go steps them in system mode, where
// the access goes through the soft TLB.

// compiledAtomic reports whether op is an atomic tier 2 compiles.
func (c *jitCompiler) compiledAtomic(op *Op) bool {
	switch op.Code {
	case OpAmo, OpCas, OpLR, OpSC:
		return !c.sys && op.A != RegZero && op.A != c.zero && (op.Size == 4 || op.Size == 8 || op.Code == OpAmo || op.Code == OpCas)
	}
	return false
}

// amoALU is the host instruction of the AmoKinds that have one with
// no result needed (LOCK ADD/AND/OR/XOR).
var amoALU = map[uint8]x64.ALU{AmoAdd: x64.ADD, AmoAnd: x64.AND, AmoOr: x64.OR, AmoXor: x64.XOR}

// amoMinMax is when the loop takes the operand (RCX) over the old value
// (RAX) after CMP RAX, RCX: min takes it when old is greater.
var amoMinMax = map[uint8]x64.Cond{AmoMin: x64.CondG, AmoMax: x64.CondL, AmoMinu: x64.CondA, AmoMaxu: x64.CondB}

func (c *jitCompiler) atomicOp(i int, op *Op) bool {
	if !c.compiledAtomic(op) {
		return false
	}
	if op.Code == OpSC {
		c.storeConditional(i, op)
		return true
	}
	a := &c.a
	size := int(op.Size)
	addr := c.reg(op.A)
	a.AluRR(true, x64.CMP, addr, memLimit)
	c.exitIf(x64.CondAE, exitInterp, i)
	a.TestRI(true, addr, int32(size-1))
	c.exitIf(x64.CondNE, exitInterp, i)
	m := x64.MI(memBase, addr, 1, 0)
	if op.Code == OpLR {
		c.loadReserved(i, op, addr, m)
		return true
	}
	if op.Code == OpCas {
		c.ld(x64.RAX, op.C)
		c.ld(x64.RDX, op.B)
		c.memSite(i, c.rc.dirtySet())
		a.Lock()
		a.CmpxchgMR(size, m, x64.RDX)
		c.atomicResult(op, size, false)
		return true
	}
	c.ld(x64.RCX, op.B)
	if k, ok := amoALU[op.Aux]; ok && (op.Dst == RegSink || op.Dst == RegZero) {
		c.memSite(i, c.rc.dirtySet())
		a.Lock()
		a.AluMRSized(size, k, m, x64.RCX)
		return true
	}
	switch op.Aux {
	case AmoSwap:
		c.memSite(i, c.rc.dirtySet())
		a.XchgMR(size, m, x64.RCX)
		a.MovRR(true, x64.RAX, x64.RCX)
	case AmoAdd:
		c.memSite(i, c.rc.dirtySet())
		a.Lock()
		a.XaddMR(size, m, x64.RCX)
		a.MovRR(true, x64.RAX, x64.RCX)
	default:
		c.amoLoop(i, op, size, m)
	}
	c.atomicResult(op, size, true)
	return true
}

// amoLoop is a read-modify-write the host has no instruction for that
// returns the old value: load, compute, LOCK CMPXCHG, again on a race.
// RAX ends with the old value.
func (c *jitCompiler) amoLoop(i int, op *Op, size int, m x64.Mem) {
	a := &c.a
	w := size == 8
	dirty := c.rc.dirtySet()
	c.memSite(i, dirty)
	if size >= 4 {
		a.Load(w, x64.RAX, m)
	} else {
		a.LoadZX(size, x64.RAX, m)
	}
	loop := a.Len()
	a.MovRR(true, x64.RDX, x64.RAX)
	if k, ok := amoALU[op.Aux]; ok {
		a.AluRR(true, k, x64.RDX, x64.RCX)
	} else {
		c.narrowCompare(op.Aux, size)
		a.Cmov(true, amoMinMax[op.Aux], x64.RDX, x64.RCX)
	}
	c.memSite(i, dirty)
	a.Lock()
	a.CmpxchgMR(size, m, x64.RDX)
	back := a.Jcc32(x64.CondNE)
	a.Bind32(back, loop)
}

// narrowCompare compares the old value (RAX) with the operand (RCX) at
// the access size for min and max: 1- and 2-byte values are extended by
// their signedness first (in RDX's copy and in RCX, which the loop reuses
// as they are).
func (c *jitCompiler) narrowCompare(kind uint8, size int) {
	a := &c.a
	signed := kind == AmoMin || kind == AmoMax
	switch {
	case size >= 4:
		a.AluRR(size == 8, x64.CMP, x64.RAX, x64.RCX)
		return
	case signed && size == 1:
		a.Movsx8(x64.RDX, x64.RAX)
		a.Movsx8(x64.RCX, x64.RCX)
	case signed:
		a.Movsx16(x64.RDX, x64.RAX)
		a.Movsx16(x64.RCX, x64.RCX)
	case size == 1:
		a.Movzx8(x64.RCX, x64.RCX)
	default:
		a.Movzx16(x64.RCX, x64.RCX)
	}
	a.AluRR(true, x64.CMP, x64.RDX, x64.RCX)
}

// atomicResult writes the old value in RAX to Dst: 32-bit OpAmo results
// sign-extended, everything else zero-extended to its size.
func (c *jitCompiler) atomicResult(op *Op, size int, amo bool) {
	a := &c.a
	switch {
	case op.Dst == RegSink || op.Dst == RegZero:
		return
	case size == 4 && amo:
		a.Movsxd(x64.RAX, x64.RAX)
	case size == 4:
		a.MovRR(false, x64.RAX, x64.RAX)
	case size == 2:
		a.Movzx16(x64.RAX, x64.RAX)
	case size == 1:
		a.Movzx8(x64.RAX, x64.RAX)
	}
	c.st(op.Dst, x64.RAX)
}

// reservationWord is CPU.ResValid and ResSize read as one 16-bit word.
func reservationWord(size uint8) int32 { return 1 | int32(size)<<8 }

// loadReserved is OpLR: the load (a 32-bit value sign-extended, as the
// interpreter's), then the reservation of its address, value and size.
func (c *jitCompiler) loadReserved(i int, op *Op, addr x64.Reg, m x64.Mem) {
	a := &c.a
	c.memSite(i, c.rc.dirtySet())
	if op.Size == 4 {
		a.LoadSX(4, x64.RAX, m)
	} else {
		a.Load(true, x64.RAX, m)
	}
	a.Store(8, x64.M(regsPtr, offResAddr), addr)
	a.Store(8, x64.M(regsPtr, offResVal), x64.RAX)
	a.MovImm(x64.RCX, uint64(reservationWord(op.Size)))
	a.Store(2, x64.M(regsPtr, offResValid), x64.RCX)
	c.st(op.Dst, x64.RAX)
}

// storeConditional is OpSC: 1 unless the reservation is of this address
// and size, else a LOCK CMPXCHG of the reserved value (0 if it held); the
// reservation is gone after it either way. Its address passed the limit
// and alignment checks at the LR; with SCAlignFirst a misaligned one
// leaves first for the interpreter's fault.
func (c *jitCompiler) storeConditional(i int, op *Op) {
	a := &c.a
	size := int(op.Size)
	addr := c.reg(op.A)
	c.ld(x64.RCX, op.B)
	if op.Aux == SCAlignFirst {
		a.TestRI(true, addr, int32(size-1))
		c.exitIf(x64.CondNE, exitInterp, i)
	}
	a.MovImm32(x64.RDX, 1)
	a.LoadZX(2, x64.RAX, x64.M(regsPtr, offResValid))
	a.AluRI(false, x64.CMP, x64.RAX, reservationWord(op.Size))
	wrongSize := a.Jcc32(x64.CondNE)
	a.AluRM(true, x64.CMP, addr, x64.M(regsPtr, offResAddr))
	wrongAddr := a.Jcc32(x64.CondNE)
	a.Load(true, x64.RAX, x64.M(regsPtr, offResVal))
	c.memSite(i, c.rc.dirtySet())
	a.Lock()
	a.CmpxchgMR(size, x64.MI(memBase, addr, 1, 0), x64.RCX)
	a.Setcc(x64.CondNE, x64.RDX)
	done := a.Len()
	a.Bind32(wrongSize, done)
	a.Bind32(wrongAddr, done)
	a.AluRR(false, x64.XOR, x64.RCX, x64.RCX)
	a.Store(1, x64.M(regsPtr, offResValid), x64.RCX)
	c.st(op.Dst, x64.RDX)
}
