package translate

import "unsafe"

// System mode's memory (docs/design.md "Memory"): a CPU with a SoftMMU
// sends every guest access through it instead of the flat user-mode
// reservation, and its blocks are cached by virtual PC but tagged with the
// translation context (physical page and mode bits) they were built in.

// AccessKind says what a memory access does, for permission checks and
// for the fault a soft MMU raises.
type AccessKind uint8

const (
	AccessLoad AccessKind = iota
	AccessStore
	AccessFetch
)

// SoftMMU translates a system-mode CPU's virtual addresses.
type SoftMMU interface {
	// Access returns the host address of size bytes at virtual address va
	// for op (a load, store or atomic; stores to device registers are done
	// by Access itself from op's source register). A failing access calls
	// CPU.MemFault, which does not return.
	Access(c *CPU, op *Op, va, size uint64) unsafe.Pointer
	// Fetch translates an instruction fetch at va: the host address of the
	// code and the tag of the context it is valid in (the physical page in
	// bits 12 and up, mode bits below). ok is false when the fetch faults.
	Fetch(c *CPU, va uint64) (host unsafe.Pointer, tag uint64, ok bool)
	// FetchFault raises the exception of a failed fetch at va for op.
	FetchFault(c *CPU, op *Op, va uint64) ExitKind
}

// TLB is a direct-mapped soft TLB of one access kind in one translation
// context, read by the interpreter and by compiled code (jitcompile.go
// memOp): entry (va>>12)%TLBSize hits when its Tag is va>>12 + 1, and the
// page's bytes are at Host. Only RAM pages that the kind may access
// without the MMU's attention go in (not device registers, not code pages
// for stores).
type TLB [TLBSize]TLBEntry

// TLBSize is the number of entries of a TLB.
const TLBSize = 256

// TLBEntry maps one virtual page.
type TLBEntry struct {
	Tag  uint64 // virtual page number + 1; 0 is empty
	Host unsafe.Pointer
}

// SetTLB makes load and store the CPU's TLBs (the MMU calls it when the
// context changes). Compiled code gets them in its memory-base and limit
// registers.
func (c *CPU) SetTLB(load, store *TLB) {
	c.tlbLoad, c.tlbStore = load, store
	c.memBase = unsafe.Pointer(load)
	c.memLimit = uint64(uintptr(unsafe.Pointer(store)))
}

// tlbHit is the soft TLB's fast path for the interpreter.
func (c *CPU) tlbHit(op *Op, a, size uint64) unsafe.Pointer {
	t := c.tlbLoad
	if writes(op) {
		t = c.tlbStore
	}
	if t == nil {
		return nil
	}
	vpn := a / PageSize
	e := &t[vpn%TLBSize]
	if e.Tag != vpn+1 || (a+size-1)/PageSize != vpn {
		return nil
	}
	return unsafe.Add(e.Host, a%PageSize)
}

// NewSystemEngine makes an engine whose CPUs run behind a SoftMMU (their
// own, set with CPU.SetMMU), with tier 2 on unless GEMU_JIT says off
// (lockstep, whose shadow memory is user mode's, counts as force).
func NewSystemEngine(t Target) *Engine {
	e := &Engine{target: t, cache: newBlockCache(), sys: true}
	m, ok := JITModeFromEnv()
	switch {
	case !ok:
		m = JITOn
	case m == JITLockstep:
		m = JITForce // lockstep's shadow memory is the user-mode reservation's
	}
	if m != JITOff {
		e.SetJIT(m)
	}
	return e
}

// System reports whether e is a system-mode engine.
func (e *Engine) System() bool { return e.sys }

// SetMMU puts c behind m: every access takes the slow path to m.
func (c *CPU) SetMMU(m SoftMMU) {
	c.mmu = m
	c.slow = true
	c.memLimit = 0
}

// sysFault carries a soft MMU's fault out of an access (CPU.MemFault).
type sysFault struct{}

// MemFault ends the current instruction with exception exc at addr for an
// access of the given kind. Only a SoftMMU's Access calls it; it unwinds
// to the engine's loop.
func (c *CPU) MemFault(exc Exception, addr uint64, kind AccessKind) {
	c.Exit = ExitInfo{Exception: exc, Addr: addr, Access: kind}
	panic(sysFault{})
}

// accessOf is the kind of access op makes (nil: a load).
func accessOf(op *Op) AccessKind {
	if op != nil && writes(op) {
		return AccessStore
	}
	return AccessLoad
}

// FlushJumpCache forgets the CPU's indirect-jump targets (the
// interpreter's and compiled code's); system mode calls it whenever the
// translation context changes (mode, satp, mstatus, SFENCE.VMA).
func (c *CPU) FlushJumpCache() {
	if c.jcFull {
		c.jumpCache = [jumpCacheSize]*Block{}
		c.jit.jcReady = false
	} else {
		for _, i := range c.jcDirty {
			c.jumpCache[i&(jumpCacheSize-1)] = nil
			if c.jit.jcReady {
				c.jit.jc[i] = jitJCEntry{}
			}
		}
	}
	c.jcDirty, c.jcFull = c.jcDirty[:0], false
}

// maxJCDirty is how many filled jump-cache slots a flush clears one by
// one; past it the whole caches are cleared.
const maxJCDirty = 256

// noteJC records a filled jump-cache slot for FlushJumpCache (system mode).
func (c *CPU) noteJC(pc uint64) {
	if c.mmu == nil || c.jcFull {
		return
	}
	if len(c.jcDirty) == maxJCDirty {
		c.jcFull = true
		return
	}
	c.jcDirty = append(c.jcDirty, uint16(jumpSlot(pc)))
}

// findSys is find in system mode: the cached block for pc stands only
// when it was built in the context pc translates to now.
func (e *Engine) findSys(c *CPU, pc uint64) (*Block, bool) {
	_, tag, ok := c.mmu.Fetch(c, pc)
	// The CPU's jump cache first: it takes no lock that other harts
	// contend on.
	if b := c.jumpCache[interpSlot(pc)]; ok && b != nil && b.PC == pc && b.tag == tag && b.valid.Load() {
		return b, true
	}
	if b := e.cache.get(pc); ok && b != nil && b.tag == tag {
		return b, true
	}
	bld := e.newBuilder(pc)
	bld.cpu, bld.tag = c, tag
	bld.single, bld.breaks = e.SingleStep, e.breakpoints()
	b, cacheable := e.build(bld)
	if !ok || !cacheable {
		return b, false
	}
	return e.cache.replace(b), true
}

// sysStepBlock is the debugger's one-instruction block at pc (not cached:
// its context may change at every step).
func (e *Engine) sysStepBlock(c *CPU, pc uint64) *Block {
	_, tag, _ := c.mmu.Fetch(c, pc)
	b, _ := e.build(&Builder{cpu: c, tag: tag, start: pc, pc: pc, single: true})
	return b
}

// DebugHost is what a SoftMMU offers a debugger: the host address of
// virtual address va as c would translate it, without access checks and
// without side effects (no A/D updates, no TLB fills); ok is false when
// va is not mapped to RAM.
type DebugHost interface {
	DebugHost(c *CPU, va uint64) (host unsafe.Pointer, pa uint64, ok bool)
	// DebugPhys is the host address of physical RAM at pa.
	DebugPhys(pa uint64) (host unsafe.Pointer, ok bool)
}

// debugHost translates addr for a debugger: as c would, or as a
// physical address.
func debugHost(c *CPU, addr uint64, phys bool) (unsafe.Pointer, uint64, bool) {
	d, ok := c.mmu.(DebugHost)
	if !ok {
		return nil, 0, false
	}
	if phys {
		host, ok := d.DebugPhys(addr)
		return host, addr, ok
	}
	return d.DebugHost(c, addr)
}

// DebugRead reads guest memory at virtual address addr for a debugger,
// as c sees it in system mode, or at physical address addr when phys is
// set (c and phys are unused in user mode). It stops at
// the first page that cannot be read and returns the bytes read.
func (e *Engine) DebugRead(c *CPU, addr uint64, n uint64, phys bool) []byte {
	var out []byte
	for n > 0 {
		chunk := min(n, PageSize-addr%PageSize)
		var b []byte
		if e.sys {
			host, _, ok := debugHost(c, addr, phys)
			if !ok {
				break
			}
			b = unsafe.Slice((*byte)(host), chunk)
		} else {
			var err error
			if b, err = e.mem.Slice(addr, chunk, ProtRead); err != nil {
				break
			}
		}
		out = append(out, b...)
		addr, n = addr+chunk, n-chunk
	}
	return out
}

// DebugWrite writes guest memory for a debugger, ignoring write
// protection, and drops the translations of what it changes.
func (e *Engine) DebugWrite(c *CPU, addr uint64, data []byte, phys bool) error {
	if !e.sys {
		return e.mem.WriteForce(addr, data)
	}
	for len(data) > 0 {
		chunk := min(uint64(len(data)), PageSize-addr%PageSize)
		host, pa, ok := debugHost(c, addr, phys)
		if !ok {
			return ErrFault
		}
		copy(unsafe.Slice((*byte)(host), chunk), data[:chunk])
		e.InvalidatePhys(pa)
		addr, data = addr+chunk, data[chunk:]
	}
	return nil
}

// sysFetch is Builder.Fetch in system mode.
func (b *Builder) sysFetch(pc uint64, n int) (insn uint32, ok bool, faultAddr uint64) {
	for i := 0; i < n; i += 2 {
		a := pc + uint64(i)
		if page := a/PageSize + 1; page != b.execPage {
			host, tag, ok := b.cpu.mmu.Fetch(b.cpu, a)
			if !ok {
				return 0, false, a
			}
			b.sysHost = unsafe.Add(host, -int(a%PageSize))
			b.execPage = page
			if len(b.physPages) == 0 || b.physPages[len(b.physPages)-1] != tag/PageSize {
				b.physPages = append(b.physPages, tag/PageSize)
			}
		}
		insn |= uint32(*(*uint16)(unsafe.Add(b.sysHost, a%PageSize))) << (8 * i)
	}
	return insn, true, 0
}

// System reports whether the block is built for a system-mode CPU.
func (b *Builder) System() bool { return b.cpu != nil }

// ContextTag is the translation context a system-mode block is built in
// (SoftMMU.Fetch's tag; its low 12 bits are the target's mode bits).
func (b *Builder) ContextTag() uint64 { return b.tag }

// chainable reports whether a direct exit of b may be chained to nb: in
// system mode only within one virtual page and one context, as a chain
// is followed without translating the target again.
func (e *Engine) chainable(b, nb *Block) bool {
	return !e.sys || (b.PC/PageSize == nb.PC/PageSize && b.tag == nb.tag)
}

// replace caches b for its PC, dropping a block of another context there.
func (bc *blockCache) replace(b *Block) *Block {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if old := bc.blocks[b.PC]; old != nil {
		if old.tag == b.tag && old.valid.Load() {
			return old
		}
		old.valid.Store(false)
		old.unlink()
	}
	bc.blocks[b.PC] = b
	if bc.phys == nil {
		bc.phys = map[uint64][]*Block{}
	}
	for _, p := range b.physPages {
		bc.phys[p] = append(bc.phys[p], b)
	}
	return b
}

// InvalidatePhys drops every system-mode block with code in the physical
// page that holds pa (a store or a device wrote there). It reports whether
// there were any.
func (e *Engine) InvalidatePhys(pa uint64) bool {
	bc := e.cache
	p := pa / PageSize
	bc.mu.Lock()
	list := bc.phys[p]
	delete(bc.phys, p)
	for _, b := range list {
		if b.valid.Swap(false) {
			b.unlink()
			if bc.blocks[b.PC] == b {
				delete(bc.blocks, b.PC)
			}
		}
	}
	bc.mu.Unlock()
	if len(list) > 0 {
		e.Flushes.Add(1)
	}
	return len(list) > 0
}
