package translate

import (
	"fmt"
	"unsafe"

	"github.com/gemu-project/gemu/translate/x64"
)

// Lowering of micro-ops to amd64 (jit.go has the conventions). Ops read
// guest registers through the register cache (jitregs.go), compute in
// their destination's cache register or in the scratch RAX/RCX/RDX/RSI,
// and leave the result in the cache.

// Fixed registers of compiled code. (Comparing with CPU.memLimit in
// memory instead of R13, for one more cache register, measured 5% slower
// on riscv64 CoreMark: a second load per access.)
const (
	regsPtr  = x64.R15 // &CPU.R[0] + jitBias
	memBase  = x64.R14 // guest memory base
	memLimit = x64.R13 // guest address limit
)

// stackPreempt is the value Go's runtime puts in g.stackguard0 to ask a
// goroutine to stop (runtime/stack.go: uintptrMask & -1314).
const stackPreempt = -1314

type jitCompiler struct {
	a       x64.Asm
	b       *Block
	id      uint32
	n       *nativeBlock
	nochain bool
	stubs   []stub // out-of-line exits bound after the body
	rc      regCache
	zero    uint8       // a register slot the target keeps at 0 besides RegZero
	cur     int         // the op being lowered
	fenv    *FloatEnv   // the target's FP state, nil: FP helpers stay opaque
	slow    []*slowPath // host-form FP ops' helper calls (jitfloat.go)

	// In-block loops (jitloop.go).
	trial bool       // a first pass that only finds the loop head's cache
	head  *regCache  // the cache at the loop body's start, nil: no loop
	body  int        // offset of the loop body
	loops []loopEdge // branches back to the block's start
	found *regCache  // the loop head's cache the trial pass chose
	uses  [256]int   // reads of each register before its first write (trial)
	defd  [256]bool  // registers written so far (trial)

	temps [2]uint8 // the target's block-local temporaries [lo, hi)
	sys   bool     // system mode (memOp's soft-TLB lookup)
	prov  flagProv // where the last packed NZCV came from (jitflags.go)
	pend  flagProv // an NZCV not computed yet (kind provNone: none)
	fused *zeroFusion
}

// jitOptions are a compilation's engine-wide settings.
type jitOptions struct {
	nochain bool
	zero    uint8     // a register slot the target keeps at 0 besides RegZero
	fenv    *FloatEnv // nil: FP helpers stay opaque
	temps   [2]uint8  // block-local temporaries [lo, hi): dead at block starts
	sys     bool      // system mode: accesses go through the soft TLBs
}

// stub is an out-of-line exit: the rel32 fields that jump to it and its
// exit word. A chain stub's single field is also its site.
type stub struct {
	fields []int
	word   uint64
	site   bool
	op     int
	stores []regStore // dirty cache registers to store before leaving
	loop   bool       // the exit of a loop edge (jitloop.go)
	nzcv   flagProv   // pending flags to compute before leaving
	cache  *regCache  // where nzcv's operands are (when nzcv is pending)
}

// Offsets from R15 of the CPU fields compiled code touches.
var (
	offExitReq, offPC, offG, offJC int32
	// The LR/SC reservation (jitatomic.go); ResValid and ResSize are
	// adjacent bytes, read and written as one 16-bit word.
	offResAddr, offResVal, offResValid int32
)

// (From the field offsets: a CPU value, jump cache included, is too big
// to make at start-up for this.)
func init() {
	var c *CPU
	base := unsafe.Offsetof(c.R) + jitBias
	off := func(o uintptr) int32 { return int32(o - base) }
	offExitReq = off(unsafe.Offsetof(c.exitReq))
	offPC = off(unsafe.Offsetof(c.PC))
	offG = off(unsafe.Offsetof(c.jit) + unsafe.Offsetof(c.jit.g))
	offJC = off(unsafe.Offsetof(c.jit) + unsafe.Offsetof(c.jit.jc))
	offResAddr, offResVal = off(unsafe.Offsetof(c.ResAddr)), off(unsafe.Offsetof(c.ResVal))
	offResValid = off(unsafe.Offsetof(c.ResValid))
	if unsafe.Offsetof(c.ResSize) != unsafe.Offsetof(c.ResValid)+1 {
		panic("tier 2: CPU.ResValid and ResSize are not adjacent")
	}
}

func regMem(r uint8) x64.Mem { return x64.M(regsPtr, int32(r)*8-jitBias) }

// jitStubCode is a shared stub that leaves compiled code with kind (no
// block): jitSigHandler resumes at the exitFault one, empty jump-cache
// slots point at the exitIndirect one.
func jitStubCode(kind int) []byte {
	var a x64.Asm
	a.MovImm(x64.RAX, uint64(kind))
	a.Ret()
	return a.Buf
}

// compileBlock lowers b. It returns nil when no op at the start of the
// block can be compiled (the block then stays in tier 1).
// A block that branches back to its own start is compiled twice: the
// first pass finds which guest registers the cache holds at that branch,
// the second loads them at the start and keeps them across iterations.
func compileBlock(b *Block, id uint32, o jitOptions) ([]byte, *nativeBlock) {
	c := &jitCompiler{b: b, id: id, nochain: o.nochain, zero: o.zero, fenv: o.fenv, temps: o.temps, sys: o.sys, trial: !o.nochain}
	if len(b.Ops) == 0 || !jitCompilable(&b.Ops[0]) || c.mostlyInGo() {
		return nil, nil
	}
	c.lower(nil)
	if c.trial {
		head := c.found
		c = &jitCompiler{b: b, id: id, nochain: o.nochain, zero: o.zero, fenv: o.fenv, temps: o.temps, sys: o.sys}
		c.lower(head)
	}
	return c.a.Buf, c.n
}

// lower emits b's code; head, when not nil, is the cache a loop keeps.
func (c *jitCompiler) lower(head *regCache) {
	b := c.b
	c.n = &nativeBlock{id: c.id, block: b, resume: make([]uint32, len(b.Ops)), stepEnd: make([]uint32, len(b.Ops))}
	c.rc.reset()
	c.prologue()
	c.n.fast = c.a.Len()
	c.loopHead(head)
	for i := 0; i < len(b.Ops); {
		c.cur = i
		op := &b.Ops[i]
		c.beforeOp(op)
		next := c.op(i, op)
		if writesFlags(op) {
			c.noteFlags(op)
		} else {
			c.forgetFlags(op)
		}
		if next < 0 {
			break
		}
		if next != i+1 { // a run of ops in Go
			c.prov.kind = provNone
		}
		i = next
		c.noteDefs()
	}
	c.epilogue()
}

// mostlyInGo reports whether at least half of b's ops would run in Go
// (vector and FP helpers): every run of them costs compiled code an exit
// and a re-entry, which the interpreter's dispatch does not pay, so such a
// block stays in tier 1 (Go's SHA-256 with the Arm crypto extensions: 10%
// slower compiled).
func (c *jitCompiler) mostlyInGo() bool {
	b, n := c.b, 0
	for i := range b.Ops {
		if c.inGo(&b.Ops[i]) {
			n++
		}
	}
	return 2*n >= len(b.Ops)
}

// jitCompilable reports whether op gets code of its own (rather than an
// immediate exit to the interpreter).
func jitCompilable(op *Op) bool {
	switch op.Code {
	case OpSyscall, OpTrap, OpFlushAll, OpExit:
		return false
	case OpBranch:
		return op.Aux == CondBitSet || op.Aux == CondBitClear
	}
	return op.Code < numCodes
}

// prologue: the patchable entry NOP, then the poll of the exit request and
// of the goroutine's preemption request.
func (c *jitCompiler) prologue() {
	c.a.Nop(5)
	c.a.AluMI(false, x64.CMP, x64.M(regsPtr, offExitReq), 0)
	c.exitIf(x64.CondNE, exitPoll, 0)
	c.a.Load(true, x64.RAX, x64.M(regsPtr, offG))
	c.a.AluMI(true, x64.CMP, x64.M(x64.RAX, 16), stackPreempt)
	c.exitIf(x64.CondE, exitPoll, 0)
}

// exitIf leaves compiled code with (kind, op) when cond holds.
func (c *jitCompiler) exitIf(cond x64.Cond, kind, op int) {
	f := c.a.Jcc32(cond)
	c.addStub(f, exitWord(kind, op, c.id), false, op)
}

// exitNow leaves compiled code with (kind, op).
func (c *jitCompiler) exitNow(kind, op int) {
	f := c.a.Jmp32()
	c.addStub(f, exitWord(kind, op, c.id), false, op)
}

// addStub records an out-of-line exit reached through rel32 field. The
// cache registers dirty here are stored in the stub, off the path that
// stays in compiled code.
func (c *jitCompiler) addStub(field int, word uint64, site bool, op int) {
	stores := c.rc.dirtySet()
	if k := word & 0xff; k == exitChain || k == exitPoll {
		stores = c.liveStores(stores) // the next block starts afresh
	}
	st := stub{fields: []int{field}, word: word, site: site, op: op, stores: stores, nzcv: c.pend}
	if c.pend.kind != provNone {
		rc := c.rc
		st.cache = &rc
	} else if !site {
		for i := range c.stubs {
			if s := &c.stubs[i]; !s.site && s.word == word && s.cache == nil && sameStores(s.stores, stores) {
				s.fields = append(s.fields, field)
				return
			}
		}
	}
	c.stubs = append(c.stubs, st)
}

// chainSite emits a direct exit for op: a jump (cond: a jcc) with its
// rel32 aligned for patching.
func (c *jitCompiler) chainSite(op int, cond x64.Cond, always bool) {
	if !c.nochain && uint64(c.b.Ops[op].Imm) == c.b.PC {
		c.loopEdge(op, cond, always)
		return
	}
	var f int
	if always {
		c.a.AlignRel32(1)
		f = c.a.Jmp32()
	} else {
		c.a.AlignRel32(2)
		f = c.a.Jcc32(cond)
	}
	c.addStub(f, exitWord(exitChain, op, c.id), !c.nochain, op)
}

// epilogue emits the out-of-line stubs and records the chain sites. A
// chain stub that stores registers first ends in its own patchable jump.
func (c *jitCompiler) epilogue() {
	a := &c.a
	a.Int3()
	c.loopEdges()
	for _, s := range c.stubs {
		at := a.Len()
		for _, f := range s.fields {
			a.Bind32(f, at)
		}
		if s.word&0xff == exitPoll && c.n.poll == 0 {
			c.n.poll = at
		}
		for _, st := range s.stores {
			a.Store(8, regMem(st.guest), st.host)
		}
		if s.cache != nil {
			c.flagsFromProv(s.nzcv, s.cache.lookup)
			a.Store(8, regMem(s.nzcv.flags), x64.RAX)
		}
		if s.loop {
			c.n.sites = append(c.n.sites, chainSite{op: s.op, field: s.fields[0], stub: at, body: c.body})
		}
		if s.site {
			field := s.fields[0]
			if len(s.stores) > 0 || s.cache != nil {
				a.AlignRel32(1)
				field = a.Jmp32()
				a.Bind32(field, a.Len())
			}
			c.n.sites = append(c.n.sites, chainSite{op: s.op, field: field, stub: a.Len()})
		}
		a.MovImm64(x64.RAX, s.word)
		a.Ret()
	}
	c.emitSlowPaths()
}

// ld puts guest register r into scratch x (RegZero reads 0).
func (c *jitCompiler) ld(x x64.Reg, r uint8) {
	if r == RegZero || r == c.zero {
		c.a.AluRR(false, x64.XOR, x, x)
		return
	}
	c.a.MovRR(true, x, c.reg(r))
}

// ld32 puts the low 32 bits of r zero-extended into x.
func (c *jitCompiler) ld32(x x64.Reg, r uint8) {
	if r == RegZero || r == c.zero {
		c.a.AluRR(false, x64.XOR, x, x)
		return
	}
	c.a.MovRR(false, x, c.reg(r))
}

// st writes x to guest register r (RegSink discards it): into r's cache
// register, dirty until the next flush. Flags are left alone.
func (c *jitCompiler) st(r uint8, x x64.Reg) {
	if r == RegSink || r == RegZero {
		return
	}
	h, ok := c.rc.lookup(r)
	if !ok {
		h = c.take(x)
		c.rc.assign(r, h)
	}
	c.a.MovRR(true, h, x)
	c.rc.dirty[h] = true
}

// aluB applies a two-operand ALU op with guest register r as the source.
func (c *jitCompiler) aluB(w bool, k x64.ALU, x x64.Reg, r uint8) {
	if r == RegZero || r == c.zero {
		c.a.AluRI(w, k, x, 0)
		return
	}
	if h, ok := c.rc.lookup(r); ok {
		c.noteRead(r)
		c.a.AluRR(w, k, x, h)
		return
	}
	c.noteRead(r)
	c.a.AluRM(w, k, x, regMem(r))
}

// aluImm applies k with a 64-bit immediate.
func (c *jitCompiler) aluImm(w bool, k x64.ALU, x x64.Reg, imm int64) {
	if imm == int64(int32(imm)) || !w {
		c.a.AluRI(w, k, x, int32(imm))
		return
	}
	tmp := x64.RCX
	if x == x64.RCX {
		tmp = x64.RDX
	}
	c.a.MovImm(tmp, uint64(imm))
	c.a.AluRR(w, k, x, tmp)
}

// srcKeepFlags returns a register holding guest register r, loaded with
// moves only (the host flags survive): r's cache register, or x for zero.
func (c *jitCompiler) srcKeepFlags(r uint8, x x64.Reg) x64.Reg {
	if r == RegZero || r == c.zero {
		c.a.MovImm32(x, 0)
		return x
	}
	return c.reg(r)
}

// op lowers ops[i]. It returns false when the block's code ends here.
func (c *jitCompiler) op(i int, op *Op) int {
	switch {
	case op.Code == OpJump || op.Code == OpJumpReg:
		c.flushLive()
	case c.leaves(op):
		c.flush()
	}
	if !jitCompilable(op) {
		c.exitNow(exitInterp, i)
		return -1
	}
	if c.hostFloat(op) {
		c.floatOp(i, op)
		return i + 1
	}
	if c.hostVec(op) {
		c.vecOp(op)
		return i + 1
	}
	if c.inGo(op) {
		// Helpers, atomics and rare ops run in Go (runNative), a run of
		// them at a time; Go may change any register.
		j := i + 1
		for j < len(c.b.Ops) && c.inGo(&c.b.Ops[j]) {
			j++
		}
		c.exitNow(exitStep, i)
		c.n.resume[i] = uint32(c.a.Len())
		c.n.stepEnd[i] = uint32(j)
		c.rc.reset()
		return j
	}
	if op.Code == OpSrlIW || op.Code == OpSllIW {
		if next := c.rotateW(i); next > 0 {
			return next
		}
	}
	if c.intOp(op) || c.flagOp(i, op) || c.memOp(i, op) || c.atomicOp(i, op) {
		return i + 1
	}
	if done, ok := c.controlOp(i, op); ok {
		if done {
			return -1
		}
		return i + 1
	}
	panic(fmt.Sprintf("tier 2: no lowering for op %d", op.Code))
}

// leaves reports whether compiled code is left at op on every path (a
// jump, a step in Go or the interpreter), so the cache is stored before
// it. Where it is left only sometimes (a side exit, a limit miss, a
// fault), the stub stores the dirty registers, or the fault handler's
// copy of the host registers supplies them (memSite); a host-form FP op's
// slow path stores what it needs itself.
func (c *jitCompiler) leaves(op *Op) bool {
	switch op.Code {
	case OpJump, OpJumpReg:
		return true
	}
	return c.inGo(op) || !jitCompilable(op)
}

// inGo reports whether op runs in Go rather than compiled.
func (c *jitCompiler) inGo(op *Op) bool {
	if c.hostFloat(op) || c.hostVec(op) || c.compiledAtomic(op) {
		return false
	}
	return jitInGo(op)
}

// jitInGo reports whether op is of a kind that runs in Go.
func jitInGo(op *Op) bool {
	switch op.Code {
	case OpCall, OpAmo, OpLR, OpSC, OpCas, OpOrcB:
		return true
	}
	return false
}

var aluOf = map[Code]x64.ALU{OpAdd: x64.ADD, OpSub: x64.SUB, OpAnd: x64.AND, OpOr: x64.OR, OpXor: x64.XOR,
	OpAddI: x64.ADD, OpAndI: x64.AND, OpOrI: x64.OR, OpXorI: x64.XOR, OpAddW: x64.ADD, OpSubW: x64.SUB, OpAddIW: x64.ADD}

// minMaxTakeB is when Min/Max/Minu/Maxu take B after CMP A, B.
var minMaxTakeB = map[Code]x64.Cond{OpMin: x64.CondG, OpMax: x64.CondL, OpMinu: x64.CondA, OpMaxu: x64.CondB}

var shiftOf = map[Code]x64.Shift{OpSll: x64.SHL, OpSrl: x64.SHR, OpSra: x64.SAR, OpRol: x64.ROL, OpRor: x64.ROR,
	OpSllW: x64.SHL, OpSrlW: x64.SHR, OpSraW: x64.SAR, OpRolW: x64.ROL, OpRorW: x64.ROR,
	OpSllI: x64.SHL, OpSrlI: x64.SHR, OpSraI: x64.SAR, OpRorI: x64.ROR,
	OpSllIW: x64.SHL, OpSrlIW: x64.SHR, OpSraIW: x64.SAR, OpRorIW: x64.ROR}

// pureIntOps are the integer ops with no effect but their result (no
// flags, no memory, no trap: divisions by zero have defined results).
var pureIntOps = func() (m [numCodes]bool) {
	for k := OpMovI; k <= OpZext32; k++ {
		m[k] = true
	}
	for _, k := range []Code{OpSDivA64, OpUDivA64, OpExtr, OpRbit} {
		m[k] = true
	}
	return
}()

// inPlace lowers the common ops in Dst's own cache register (two-address
// form), with no scratch round trip. It declines when B is Dst but not A.
func (c *jitCompiler) inPlace(op *Op) bool {
	a := &c.a
	if pureIntOps[op.Code] && (op.Dst == RegSink || op.Dst == RegZero) {
		return true // nothing to compute
	}
	if op.B == op.Dst && op.A != op.B {
		switch op.Code {
		case OpAdd, OpAnd, OpOr, OpXor, OpAddW, OpMul, OpMulW:
			sw := *op // commutative: work in place on B
			sw.A, sw.B = op.B, op.A
			op = &sw
		case OpSub, OpSubW:
			return false
		}
	}
	if (op.Code == OpShAdd || op.Code == OpShAddUW) && op.B == op.Dst {
		return false // A is shifted in place before B is read
	}
	switch op.Code {
	case OpMovI:
		a.MovImm(c.def(op.Dst), uint64(op.Imm))
	case OpMov:
		c.dstFromA(op)
	case OpAdd, OpSub, OpAnd, OpOr, OpXor:
		h := c.dstFromA(op)
		c.aluB(true, aluOf[op.Code], h, op.B)
	case OpAddW, OpSubW:
		h := c.dstFromA(op)
		c.aluB(false, aluOf[op.Code], h, op.B)
		a.Movsxd(h, h)
	case OpMul, OpMulW:
		if op.B == RegZero || op.B == c.zero {
			return false
		}
		h := c.dstFromA(op)
		a.IMulRR(true, h, c.reg(op.B, h))
		if op.Code == OpMulW {
			a.Movsxd(h, h)
		}
	case OpAddI, OpAndI, OpOrI, OpXorI:
		c.aluImm(true, aluOf[op.Code], c.dstFromA(op), op.Imm)
	case OpAddIW:
		h := c.dstFromA(op)
		a.AluRI(false, x64.ADD, h, int32(op.Imm))
		a.Movsxd(h, h)
	case OpSllI, OpSrlI, OpSraI, OpRorI:
		a.ShiftI(true, shiftOf[op.Code], c.dstFromA(op), uint8(op.Imm&63))
	case OpSllIW, OpSrlIW, OpSraIW, OpRorIW:
		h := c.dstFromA(op)
		a.ShiftI(false, shiftOf[op.Code], h, uint8(op.Imm&31))
		if op.Code != OpSrlIW || op.Imm&31 == 0 {
			a.Movsxd(h, h) // a logical right shift by 1-31 leaves bit 31 clear: nothing to extend
		}
	case OpShAdd, OpShAddUW:
		h := c.dstFromA(op)
		if op.Code == OpShAddUW {
			a.MovRR(false, h, h)
		}
		a.ShiftI(true, x64.SHL, h, uint8(op.Imm&63))
		c.aluB(true, x64.ADD, h, op.B)
	case OpSext8, OpSext16, OpSext32, OpZext8, OpZext16, OpZext32:
		h := c.dstFromA(op)
		extendOf[op.Code](a, h, h)
	default:
		return false
	}
	return true
}

// extendOf emits each extension op from a register into a register.
var extendOf = map[Code]func(a *x64.Asm, d, s x64.Reg){
	OpSext8:  (*x64.Asm).Movsx8,
	OpSext16: (*x64.Asm).Movsx16,
	OpSext32: (*x64.Asm).Movsxd,
	OpZext8:  (*x64.Asm).Movzx8,
	OpZext16: (*x64.Asm).Movzx16,
	OpZext32: func(a *x64.Asm, d, s x64.Reg) { a.MovRR(false, d, s) },
}

// intOp lowers the integer ALU ops that inPlace declines or leaves.
func (c *jitCompiler) intOp(op *Op) bool {
	if c.inPlace(op) {
		return true
	}
	a := &c.a
	switch op.Code {
	case OpNop:
	case OpAdd, OpSub, OpAnd, OpOr, OpXor:
		c.ld(x64.RAX, op.A)
		c.aluB(true, aluOf[op.Code], x64.RAX, op.B)
		c.st(op.Dst, x64.RAX)
	case OpAddW, OpSubW:
		c.ld(x64.RAX, op.A)
		c.aluB(false, aluOf[op.Code], x64.RAX, op.B)
		a.Movsxd(x64.RAX, x64.RAX)
		c.st(op.Dst, x64.RAX)
	case OpSll, OpSrl, OpSra, OpRol, OpRor:
		c.ld(x64.RCX, op.B)
		c.ld(x64.RAX, op.A)
		a.ShiftCL(true, shiftOf[op.Code], x64.RAX)
		c.st(op.Dst, x64.RAX)
	case OpSllW, OpSrlW, OpSraW, OpRolW, OpRorW:
		c.ld(x64.RCX, op.B)
		c.ld(x64.RAX, op.A)
		a.ShiftCL(false, shiftOf[op.Code], x64.RAX)
		a.Movsxd(x64.RAX, x64.RAX)
		c.st(op.Dst, x64.RAX)
	case OpSlt, OpSltu, OpSltI, OpSltuI:
		c.ld(x64.RAX, op.A)
		if op.Code == OpSlt || op.Code == OpSltu {
			c.ld(x64.RCX, op.B)
		} else {
			a.MovImm(x64.RCX, uint64(op.Imm))
		}
		a.AluRR(false, x64.XOR, x64.RDX, x64.RDX)
		a.AluRR(true, x64.CMP, x64.RAX, x64.RCX)
		if op.Code == OpSlt || op.Code == OpSltI {
			a.Setcc(x64.CondL, x64.RDX)
		} else {
			a.Setcc(x64.CondB, x64.RDX)
		}
		c.st(op.Dst, x64.RDX)
	case OpMul, OpMulW:
		c.ld(x64.RAX, op.A)
		c.ld(x64.RCX, op.B)
		a.IMulRR(true, x64.RAX, x64.RCX)
		if op.Code == OpMulW {
			a.Movsxd(x64.RAX, x64.RAX)
		}
		c.st(op.Dst, x64.RAX)
	case OpMulh, OpMulhu, OpMulhsu:
		c.ld(x64.RAX, op.A)
		c.ld(x64.RCX, op.B)
		if op.Code == OpMulh {
			a.IMul1R(true, x64.RCX)
		} else {
			a.MulR(true, x64.RCX)
		}
		if op.Code == OpMulhsu { // signed A: hi -= B when A < 0
			c.ld(x64.RAX, op.A)
			a.ShiftI(true, x64.SAR, x64.RAX, 63)
			a.AluRR(true, x64.AND, x64.RAX, x64.RCX)
			a.AluRR(true, x64.SUB, x64.RDX, x64.RAX)
		}
		c.st(op.Dst, x64.RDX)
	case OpAndn, OpOrn, OpXnor:
		c.ld(x64.RAX, op.A)
		c.ld(x64.RCX, op.B)
		switch op.Code {
		case OpAndn:
			a.Not(true, x64.RCX)
			a.AluRR(true, x64.AND, x64.RAX, x64.RCX)
		case OpOrn:
			a.Not(true, x64.RCX)
			a.AluRR(true, x64.OR, x64.RAX, x64.RCX)
		default:
			a.AluRR(true, x64.XOR, x64.RAX, x64.RCX)
			a.Not(true, x64.RAX)
		}
		c.st(op.Dst, x64.RAX)
	case OpMin, OpMax, OpMinu, OpMaxu:
		c.ld(x64.RAX, op.A)
		c.ld(x64.RCX, op.B)
		a.AluRR(true, x64.CMP, x64.RAX, x64.RCX)
		a.Cmov(true, minMaxTakeB[op.Code], x64.RAX, x64.RCX)
		c.st(op.Dst, x64.RAX)
	case OpShAdd, OpShAddUW:
		if op.Code == OpShAdd {
			c.ld(x64.RAX, op.A)
		} else {
			c.ld32(x64.RAX, op.A)
		}
		a.ShiftI(true, x64.SHL, x64.RAX, uint8(op.Imm&63))
		c.aluB(true, x64.ADD, x64.RAX, op.B)
		c.st(op.Dst, x64.RAX)
	default:
		return c.unaryOp(op) || c.divOp(op)
	}
	return true
}

// unaryOp lowers bit counts, byte swaps and EXTR.
func (c *jitCompiler) unaryOp(op *Op) bool {
	a := &c.a
	switch op.Code {
	case OpClz, OpCtz, OpCpop, OpClzW, OpCtzW, OpCpopW:
		c.ld(x64.RCX, op.A)
		w := op.Code == OpClz || op.Code == OpCtz || op.Code == OpCpop
		switch op.Code {
		case OpClz, OpClzW:
			a.Lzcnt(w, x64.RAX, x64.RCX)
		case OpCtz, OpCtzW:
			a.Tzcnt(w, x64.RAX, x64.RCX)
		default:
			a.Popcnt(w, x64.RAX, x64.RCX)
		}
	case OpRev8:
		c.ld(x64.RAX, op.A)
		a.Bswap(true, x64.RAX)
	case OpRbit:
		c.ld(x64.RAX, op.A)
		c.rbit(op.Size != 4)
	case OpExtr:
		if op.A == op.B && op.A != RegZero && op.A != c.zero { // a rotate (ROR)
			src := c.reg(op.A)
			a.Rorx(op.Size != 4, c.def(op.Dst, src), src, uint8(op.Imm))
			return true
		}
		c.ld(x64.RAX, op.B)
		c.ld(x64.RDX, op.A)
		a.Shrd(op.Size != 4, x64.RAX, x64.RDX, uint8(op.Imm))
		if op.Size == 4 {
			a.MovRR(false, x64.RAX, x64.RAX)
		}
	default:
		return false
	}
	c.st(op.Dst, x64.RAX)
	return true
}

// rbitSwaps are the rounds of a bit reverse after the byte swap: swap
// nibbles, then bit pairs, then bits (Hacker's Delight 7-1).
var rbitSwaps = [3]struct {
	n    uint8
	mask uint64
}{{4, 0x0f0f0f0f0f0f0f0f}, {2, 0x3333333333333333}, {1, 0x5555555555555555}}

// rbit reverses the bits of RAX, 32 (zero-extended) or 64 of them:
// x86 has no such instruction, and a run through Go costs more than the
// 22 instructions.
func (c *jitCompiler) rbit(w bool) {
	a := &c.a
	a.Bswap(w, x64.RAX)
	for _, r := range rbitSwaps {
		a.MovImm(x64.RDX, r.mask)
		a.MovRR(w, x64.RCX, x64.RAX)
		a.ShiftI(w, x64.SHR, x64.RCX, r.n)
		a.AluRR(w, x64.AND, x64.RCX, x64.RDX)
		a.AluRR(w, x64.AND, x64.RAX, x64.RDX)
		a.ShiftI(w, x64.SHL, x64.RAX, r.n)
		a.AluRR(w, x64.OR, x64.RAX, x64.RCX)
	}
}

// divOp lowers the divisions: the divisor's special cases (zero, and -1
// whose quotient is a negation that cannot trap) branch around the host
// divide.
func (c *jitCompiler) divOp(op *Op) bool {
	r, ok := divRules[op.Code]
	switch op.Code {
	case OpSDivA64:
		r, ok = divRule{w: op.Size != 4, signed: true}, true
	case OpUDivA64:
		r, ok = divRule{w: op.Size != 4}, true
	}
	if !ok {
		return false
	}
	a := &c.a
	c.ld(x64.RAX, op.A)
	c.ld(x64.RCX, op.B)
	a.TestRR(r.w, x64.RCX, x64.RCX)
	jZero := a.Jcc8(x64.CondE)
	jNeg := -1
	if r.signed {
		a.AluRI(r.w, x64.CMP, x64.RCX, -1)
		jNeg = a.Jcc8(x64.CondE)
	}
	if r.signed {
		a.Cqo(r.w)
		a.IDivR(r.w, x64.RCX)
	} else {
		a.AluRR(false, x64.XOR, x64.RDX, x64.RDX)
		a.DivR(r.w, x64.RCX)
	}
	if r.rem {
		a.MovRR(true, x64.RAX, x64.RDX)
	}
	jDone := a.Jmp8()
	a.Bind8(jZero)
	switch r.zero {
	case 0:
		a.AluRR(false, x64.XOR, x64.RAX, x64.RAX)
	case 1:
		a.MovImm(x64.RAX, ^uint64(0))
	}
	if r.signed {
		jDone2 := a.Jmp8()
		a.Bind8(jNeg)
		if r.rem {
			a.AluRR(false, x64.XOR, x64.RAX, x64.RAX)
		} else {
			a.Neg(r.w, x64.RAX)
		}
		a.Bind8(jDone2)
	}
	a.Bind8(jDone)
	if r.sext {
		a.Movsxd(x64.RAX, x64.RAX)
	} else if !r.w {
		a.MovRR(false, x64.RAX, x64.RAX)
	}
	c.st(op.Dst, x64.RAX)
	return true
}

// divRule describes a division op's host divide and special cases.
type divRule struct {
	w, signed, rem bool
	zero           int  // result for x/0: 0 zero, 1 all ones, 2 the dividend
	sext           bool // sign-extend a 32-bit result
}

var divRules = map[Code]divRule{
	OpDivRV:  {w: true, signed: true, zero: 1},
	OpDivuRV: {w: true, zero: 1},
	OpRemRV:  {w: true, signed: true, rem: true, zero: 2},
	OpRemuRV: {w: true, rem: true, zero: 2},
	OpDivW:   {signed: true, zero: 1, sext: true},
	OpDivuW:  {zero: 1, sext: true},
	OpRemW:   {signed: true, rem: true, zero: 2, sext: true},
	OpRemuW:  {rem: true, zero: 2, sext: true},
}

// memOp lowers loads and stores: address = R[A] + Imm, checked against
// the guest limit (the reservation's guard catches an access that starts
// below it and runs over); a host fault at the access maps back to the op.
// The address and the value stay in cache registers where they can.
func (c *jitCompiler) memOp(i int, op *Op) bool {
	size, load, signed := 0, false, false
	switch {
	case op.Code >= OpLoad8 && op.Code <= OpLoad64: // 8, 8S, 16, 16S, 32, 32S, 64
		k := op.Code - OpLoad8
		size, load, signed = 1<<(k/2), true, k%2 == 1
	case op.Code >= OpStore8 && op.Code <= OpStore64:
		size = 1 << (op.Code - OpStore8)
	default:
		return false
	}
	a := &c.a
	addr := c.address(op)
	var m x64.Mem
	if c.sys {
		m = c.tlbLookup(i, addr, size, load)
	} else {
		a.AluRR(true, x64.CMP, addr, memLimit)
		c.exitIf(x64.CondAE, exitInterp, i)
		m = x64.MI(memBase, addr, 1, 0)
	}
	if !load {
		v := x64.RCX
		if op.B == RegZero || op.B == c.zero {
			a.AluRR(false, x64.XOR, v, v)
		} else {
			v = c.reg(op.B, addr)
		}
		c.memSite(i, c.rc.dirtySet())
		a.Store(size, m, v)
		return true
	}
	dst, dirty := x64.RCX, c.rc.dirtySet()
	if op.Dst != RegSink && op.Dst != RegZero {
		wasDirty := false
		if h, ok := c.rc.lookup(op.Dst); ok {
			wasDirty = c.rc.dirty[h]
		}
		dst = c.def(op.Dst, addr)
		dirty = c.rc.dirtySet()
		if !wasDirty { // the access has not written it when it faults
			dirty = dropStore(dirty, dst)
		}
	}
	c.memSite(i, dirty)
	if signed {
		a.LoadSX(size, dst, m)
	} else {
		a.LoadZX(size, dst, m)
	}
	return true
}

// address returns a register holding R[A] + Imm: A's cache register when
// Imm is 0, else RAX.
func (c *jitCompiler) address(op *Op) x64.Reg {
	a := &c.a
	switch {
	case op.A == RegZero || op.A == c.zero:
		a.MovImm(x64.RAX, uint64(op.Imm))
	case op.Imm == 0:
		return c.reg(op.A)
	case op.Imm == int64(int32(op.Imm)):
		a.Lea(x64.RAX, x64.M(c.reg(op.A), int32(op.Imm)))
	default:
		c.ld(x64.RAX, op.A)
		c.aluImm(true, x64.ADD, x64.RAX, op.Imm)
	}
	return x64.RAX
}

// memSite records the access about to be emitted for op i and the cache
// registers a fault there must store.
func (c *jitCompiler) memSite(i int, dirty []regStore) {
	c.n.memOps = append(c.n.memOps, memSite{off: uint32(c.a.Len()), op: uint32(i), dirty: dirty, nzcv: c.pend})
}
