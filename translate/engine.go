package translate

import (
	"fmt"
	"runtime/debug"
	"sync/atomic"
)

// Engine owns the block cache for one guest address space and runs CPUs on it.
type Engine struct {
	mem    *AddressSpace
	target Target
	cache  *blockCache

	// SingleStep puts one guest instruction in each block (-one-insn-per-tb).
	SingleStep bool
	// OnTranslate, when set, sees every new block (-d in_asm).
	OnTranslate func(b *Block)
	// OnExec, when set, is called before each block runs (-d exec,cpu);
	// chaining is bypassed so every block is seen.
	OnExec func(c *CPU, b *Block)

	// Translations counts blocks translated; Flushes counts invalidations;
	// Reused counts blocks taken from the archive instead.
	Translations atomic.Uint64
	Flushes      atomic.Uint64
	Reused       atomic.Uint64
	archive      atomic.Pointer[Archive]

	// dbg is the attached debugger's state (debug.go), nil without one.
	dbg atomic.Pointer[debugState]

	// jit is tier 2's mode (jit.go); OnCompile, when set, sees the host
	// code of every compiled block (-d out_asm).
	// sys marks a system-mode engine (softmmu.go): no address space of
	// its own, blocks tagged with their context.
	sys bool

	jit       JITMode
	OnCompile func(b *Block, code []byte, addr uintptr)
	lockstep  lockstepState
}

// NewEngine makes an engine for target over mem and hooks invalidation.
func NewEngine(t Target, mem *AddressSpace) *Engine {
	e := &Engine{mem: mem, target: t, cache: newBlockCache()}
	mem.SetInvalidator(e.Invalidate)
	if m, ok := JITModeFromEnv(); ok && m != JITOff {
		e.SetJIT(m)
	}
	return e
}

// Target returns the guest CPU the engine translates for.
func (e *Engine) Target() Target { return e.target }

// Mem returns the engine's address space.
func (e *Engine) Mem() *AddressSpace { return e.mem }

// Invalidate drops translations of guest code in [lo, hi).
func (e *Engine) Invalidate(lo, hi uint64) {
	if e.cache.invalidate(lo, hi) > 0 {
		e.Flushes.Add(1)
	}
	if d := e.dbg.Load(); d != nil {
		d.steps.invalidate(lo, hi)
	}
}

// FlushAll drops every translation.
func (e *Engine) FlushAll() {
	e.cache.flush()
	e.Flushes.Add(1)
	if d := e.dbg.Load(); d != nil {
		d.steps.flush()
	}
}

// Translate builds (without caching) the block at pc; used by tools and tests.
func (e *Engine) Translate(pc uint64) *Block {
	b, _ := e.translate(pc)
	return b
}

func (e *Engine) translate(pc uint64) (*Block, bool) {
	a := e.archive.Load()
	if e.SingleStep || e.dbg.Load() != nil {
		a = nil // breakpoints and single steps shape the blocks
	}
	if a != nil {
		if b := a.load(e.mem, pc); b != nil {
			e.Reused.Add(1)
			if e.OnTranslate != nil {
				e.OnTranslate(b)
			}
			return b, true
		}
	}
	bld := e.newBuilder(pc)
	bld.single, bld.breaks = e.SingleStep, e.breakpoints()
	b, cacheable := e.build(bld)
	if a != nil && cacheable && b.archivable {
		a.store(e.mem, b, b.codeSum)
	}
	return b, cacheable
}

// SetArchive makes e take blocks from a and add the ones it translates
// (archive.go); the blocks it has already go in first. Call it before the
// engine runs guest code or while no CPU runs.
func (e *Engine) SetArchive(a *Archive) {
	e.archive.Store(a)
	if a == nil {
		return
	}
	e.cache.mu.RLock()
	defer e.cache.mu.RUnlock()
	for _, b := range e.cache.blocks {
		if b.archivable && b.Valid() {
			a.store(e.mem, b, b.codeSum)
		}
	}
}

// Archive is the engine's translation archive, nil without one.
func (e *Engine) Archive() *Archive { return e.archive.Load() }

// build runs the target's translator on bld and makes the block.
func (e *Engine) build(bld *Builder) (*Block, bool) {
	pc := bld.start
	e.target.Translate(bld)
	if !bld.ended {
		bld.EndJump(bld.pc)
	}
	b := &Block{PC: pc, End: max(bld.pc, pc+1), Ops: keepOps(bld.ops), Insns: bld.insns,
		codeSum: bld.codeSum, archivable: !bld.noArchive && !bld.probe && !bld.single && bld.breaks == nil,
		tag: bld.tag, physPages: bld.physPages}
	if bld.cpu != nil {
		b.archivable = false
	}
	bld.release()
	b.valid.Store(true)
	e.Translations.Add(1)
	if e.OnTranslate != nil {
		e.OnTranslate(b)
	}
	return b, !bld.nocache
}

// find returns the valid cached block at pc, translating it when needed.
// cacheable is false for blocks that must not be chained to.
func (e *Engine) find(c *CPU, pc uint64) (b *Block, cacheable bool) {
	if e.sys {
		return e.findSys(c, pc)
	}
	if b = e.cache.get(pc); b != nil {
		return b, true
	}
	b, cacheable = e.translate(pc)
	if cacheable {
		b = e.cache.put(b)
	}
	return b, cacheable
}

// guestFault is raised by the interpreter's bounds checks.
type guestFault struct{ addr uint64 }

// Run executes guest code on c from c.PC until something needs the
// personality: a syscall, a synchronous signal, or an exit request.
func (e *Engine) Run(c *CPU) ExitKind {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	for {
		if k := e.runProtected(c); k != ExitNone {
			return k
		}
	}
}

func (e *Engine) runProtected(c *CPU) (kind ExitKind) {
	defer func() {
		if r := recover(); r != nil {
			kind = e.memoryFault(c, r)
		}
	}()
	if d := e.dbg.Load(); d != nil {
		return e.debugLoop(c, d)
	}
	return e.loop(c)
}

// memoryFault turns a recovered access fault into an ExcUnmapped,
// ExcProtection or ExcNoBacking exception at the faulting instruction, or grows a MAP_GROWSDOWN mapping. Anything else is an emulator bug and re-panics.
func (e *Engine) memoryFault(c *CPU, r any) ExitKind {
	var addr uint64
	switch f := r.(type) {
	case sysFault:
		c.PC = c.InsnPC(c.curOp)
		c.curOp = nil
		return ExitException
	case alignFault:
		c.PC = c.InsnPC(c.curOp)
		c.Exit = ExitInfo{Exception: ExcMisaligned, Addr: f.addr, Access: accessOf(c.curOp)}
		c.curOp = nil
		return ExitException
	case guestFault:
		addr = f.addr
	case interface{ Addr() uintptr }:
		ha := f.Addr()
		base := e.mem.Base()
		if ha < base || ha >= base+uintptr(e.mem.limit) || c.curOp == nil {
			panic(r)
		}
		addr = uint64(ha - base)
	default:
		panic(r)
	}
	if c.curOp == nil || c.block == nil {
		panic(fmt.Sprintf("guest fault at %#x outside a memory op: %v", addr, r))
	}
	c.PC = c.InsnPC(c.curOp)
	exc := ExcUnmapped
	prot, mapped := e.mem.ProtAt(addr)
	switch {
	case !mapped && e.mem.GrowDown(addr):
		// A MAP_GROWSDOWN mapping grew: the instruction runs again.
		c.curOp = nil
		return ExitNone
	case !mapped:
	case prot&(ProtRead|ProtWrite|ProtExec) == 0 || e.mem.readable(addr) ||
		(writes(c.curOp) && prot&ProtWrite == 0):
		// A protection fault: the host can read the page, or a store
		// hit a read-only one (checked before the page, as in Linux's
		// access_error).
		exc = ExcProtection
	default:
		// A mapped page the host cannot read: a file mapping's page
		// wholly past the end of the file (mm/filemap.c filemap_fault).
		exc = ExcNoBacking
	}
	c.Exit = ExitInfo{Exception: exc, Addr: addr}
	c.curOp = nil
	return ExitException
}

// Result codes of exec besides ExitKinds: where to go next.
const (
	nextExit     = -1 // follow the direct exit op c.exitOp of c.block
	nextIndirect = -3 // jump to c.PC through the jump cache
	nextRefetch  = -4 // translations were flushed: look c.PC up afresh
)

// loop runs blocks until an exit. exec follows chained successors itself;
// it comes back here only to chain, translate, or leave.
func (e *Engine) loop(c *CPU) ExitKind {
	c.chain = e.OnExec == nil
	b := e.entry(c)
	for {
		if c.exitReq.Load() != 0 {
			c.exitReq.Store(0)
			c.PC = b.PC
			return ExitInterrupt
		}
		if e.OnExec != nil {
			c.PC = b.PC
			e.OnExec(c, b)
		}
		c.block = b
		r := e.runBlock(c, b)
		if r >= 0 {
			return ExitKind(r)
		}
		b = c.block // exec may have moved along chained blocks
		switch r {
		case nextExit:
			op := c.exitOp
			if nb := (*Block)(atomic.LoadPointer(&op.link)); nb != nil && nb.valid.Load() {
				e.chainNative(c, b, op, nb)
				b = nb
				break
			}
			nb, ok := e.find(c, uint64(op.Imm))
			if ok && c.chain && e.cacheable(b) && e.chainable(b, nb) {
				e.cache.link(op, nb)
				e.chainNative(c, b, op, nb)
			}
			b = nb
		case nextIndirect:
			b = e.indirect(c)
		case nextRefetch:
			b, _ = e.find(c, c.PC)
		}
	}
}

// indirect finds the block an indirect jump goes to and remembers it in
// the CPU's jump caches. In system mode the interpreter's jump cache is
// looked at first: it holds only blocks of the current context (the MMU
// flushes it when the context changes).
func (e *Engine) indirect(c *CPU) *Block {
	slot := &c.jumpCache[interpSlot(c.PC)]
	b, ok := *slot, true
	if !e.sys || b == nil || b.PC != c.PC || !b.valid.Load() || !c.chain {
		b, ok = e.find(c, c.PC)
		if ok && c.chain {
			*slot = b
			c.noteJC(c.PC)
		}
	}
	if ok && c.chain && e.jit != JITOff && e.chains(c) {
		e.wantsNative(b)
		c.jitIndirectFill(c.PC, b)
	}
	return b
}

// runBlock runs b from its start, compiled or in the interpreter (both,
// under lockstep), and returns what exec does.
func (e *Engine) runBlock(c *CPU, b *Block) int {
	n := jitFor(e, c, b)
	switch {
	case e.jit == JITLockstep:
		return e.runLockstep(c, b, n)
	case n != nil:
		return e.runNative(c, n, n.entry)
	}
	return exec(c, &b.Ops[0])
}

// entry finds the block at c.PC when Run starts (after every syscall):
// through the CPU's own jump cache first, which takes no lock shared with
// other threads.
func (e *Engine) entry(c *CPU) *Block {
	slot := &c.jumpCache[interpSlot(c.PC)]
	if b := *slot; b != nil && b.PC == c.PC && b.valid.Load() && c.chain {
		return b
	}
	b, ok := e.find(c, c.PC)
	if ok && c.chain {
		*slot = b
		c.noteJC(c.PC)
	}
	return b
}

// cacheable reports whether b is the cached translation for its PC (only
// those may be chained from: a fault block must be looked up again).
func (e *Engine) cacheable(b *Block) bool {
	return b.valid.Load() && e.cache.get(b.PC) == b
}
