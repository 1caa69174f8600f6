package translate

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gemu-project/gemu/translate/x64"
)

// Tier 2 (docs/design.md "The translator core"): hot blocks are compiled from
// their micro-ops into amd64 code (jitcompile.go) in a process-wide arena.
//
//   - Entry and exit. jitCall (jit_amd64.s) enters compiled code with the
//     CPU's registers (R15), the guest memory base (R14) and the guest
//     limit (R13) pinned; compiled code never calls Go. It leaves with RET
//     and an exit word (kind, op index, block id) that runNative acts on.
//   - State. Guest registers live in host registers along a block
//     (jitregs.go) and are stored where code is left (inline, in exit
//     stubs, or from the fault handler's copy of the host registers), so
//     wherever compiled code is left the CPU is exactly what the
//     interpreter would hold there: any exit can resume the interpreter
//     at any op of the block.
//   - What compiled code does not do it leaves to Go: helpers, atomics and
//     rare ops run in Go one op at a time (exitStep) and compiled code is
//     re-entered after them; terminators such as syscalls and traps, and
//     accesses at or above the guest limit, resume the interpreter at that
//     op (exitInterp), which then gives exactly tier 1's behaviour.
//   - Faults. A compiled access to a PROT_NONE or unmapped page faults in
//     hardware; jitSigHandler sends it to the fault stub and the
//     interpreter re-runs that op, raising the guest signal itself.
//   - Chaining. Direct exits are rel32 jumps patched to the successor's
//     entry; indirect jumps probe a per-CPU native jump cache inline.
//   - Invalidation. The entry of an invalidated block is patched into a
//     jump to its poll stub, and chained jumps into it are patched back, so
//     its code is never entered again; the bytes stay until the arena is
//     reset.
//   - The Go runtime. Every block entry checks the CPU's exit request and
//     the goroutine's stackguard0 (Go's preemption request, also used for
//     stop-the-world); either leaves compiled code through the poll stub.

// jitBias is added to &CPU.R[0] for R15, so R[0..31] are 8-bit
// displacements from it.
const jitBias = 128

// Exit kinds in the low byte of the exit word.
const (
	exitChain    = 1 // direct exit op not chained: follow it (nextExit)
	exitIndirect = 2 // CPU.PC holds an indirect target (nextIndirect)
	exitPoll     = 3 // exit/preemption request or invalidated block: refetch CPU.PC
	exitInterp   = 4 // resume the interpreter at the op
	exitStep     = 5 // run the op in Go, then re-enter compiled code after it
	exitFault    = 6 // a compiled access faulted (jitSigHandler); PC in CPU.jit.faultPC
)

func exitWord(kind int, op int, id uint32) uint64 {
	return uint64(id)<<32 | uint64(op)<<8 | uint64(kind)
}

// jitCPU is a CPU's tier-2 state. Compiled code reads and writes it at
// offsets from R15.
type jitCPU struct {
	g         uintptr    // the goroutine running the CPU (stackguard0 at +16)
	faultPC   uintptr    // host PC of a faulting compiled access
	faultAddr uintptr    // its si_addr
	faultRegs [16]uint64 // the host registers there, in ucontext gregs order
	urgPC     uintptr    // the compiled access a SIGURG last found the thread at (jitSigHandler)
	scratch   [2]Op      // one op and an OpExit, for exitStep of plain ops
	jc        [jitJCSize]jitJCEntry
	jcReady   bool          // jc holds nothing from another arena generation
	jcFilled  bool          // a slot of jc was written since it was last cleared
	jcEpoch   uint64        // the arena generation jc's entries are from
	inside    atomic.Uint64 // 1 + the arena generation while in compiled code, else 0
	listed    bool          // in jitState.cpus

	shadow *CPU     // the interpreter's copy under lockstep (lockstep.go)
	replay []uint64 // the shadow's Nondet values, for the compiled run
}

// leave marks the CPU outside compiled code. A plain store is enough: an
// x86 store is a release store, so the flush that sees it sees everything
// the code did. Entering (inside.Store) needs Store's full fence instead:
// the CPU must publish its generation before it reads the current one,
// as the flush bumps the generation before it reads the CPUs'. The
// fence on leaving cost helper-heavy code a tenth of its time.
func (j *jitCPU) leave() { *(*uint64)(unsafe.Pointer(&j.inside)) = 0 }

// jitJCEntry is a slot of compiled code's jump cache: key is the
// complement of the guest PC, so that an untouched (zero) slot matches no
// PC and a new CPU's cache costs no page until it is used.
type jitJCEntry struct {
	key   uint64
	entry uintptr
}

// Mode selects how tier 2 runs.
type JITMode uint8

const (
	JITOff      JITMode = iota
	JITOn               // compile blocks that ran jitThreshold times
	JITForce            // compile every block on its first run
	JITNochain          // compile, but leave compiled code at every block end (-d nochain)
	JITLockstep         // compile every block unchained and check it against the interpreter (lockstep.go)
)

// jitThreshold is how many runs make a block hot. Compiling a block costs
// 100-200 µs, some thousands of interpreted runs of it: at 50 a static hello
// compiled 9 blocks (1-2 ms of 20) and every short process of a shell script
// compiled its own (tier 2 was 17% of their time); at 1000 both were gone
// and long-running programs as fast (intmark 3.06 s vs 3.05 s). Since
// compiles run in the background (jitqueue.go), 500 serves large
// short-lived programs better: cc1 -O2 of a 9,000-line file (aarch64)
// 3.2-3.5 s at 1000, 3.0-3.2 s at 500 or 300 (qemu-user 2.5 s); at 30
// the compiler's CPU time made it slower (3.5 s).
const jitThreshold = 500

// JITThreshold is the number of runs that make a block hot in this
// process (jitThreshold, or GEMU_JIT_THRESHOLD), for `gemu info tiers`.
func JITThreshold() uint32 { return jitThresholdNow }

// JITAvailable reports why tier 2 cannot run here, or nil.
func JITAvailable() error {
	if !jitHostOK() {
		return fmt.Errorf("tier 2 needs an x86-64 host with BMI1, BMI2 and POPCNT")
	}
	return nil
}

// nativeBlock is a compiled block.
type nativeBlock struct {
	id      uint32
	block   *Block
	entry   uintptr // start of the code (8-aligned: its first 5 bytes are the patchable entry NOP)
	end     uintptr
	off     int       // arena offset of entry
	fast    int       // offset from entry of the code after the poll
	poll    int       // arena offset of the poll stub, where an invalidated entry jumps
	memOps  []memSite // host offset of each guest access, in order
	resume  []uint32  // per op starting a run of ops that run in Go: offset to re-enter at after them
	stepEnd []uint32  // and the op after the run
	sites   []chainSite
	epoch   uint64 // the arena generation the code is in (jitflush.go)
}

// memSite maps the host offset of a compiled access to its op and the
// cache registers dirty there, which a fault stores from the host
// registers the signal handler saved.
type memSite struct {
	off   uint32
	op    uint32
	dirty []regStore
	nzcv  flagProv // flags pending there (jitflags.go)
}

// chainSite is a direct exit's rel32 field and the stub it jumps to when
// not chained, as arena offsets.
type chainSite struct {
	op    int
	field int
	stub  int
	body  int    // a loop edge's target in its own block (jitloop.go), 0: none
	epoch uint64 // the arena generation of the block it is in
}

// The process-wide arena and the table of compiled blocks (ids in arena
// order, so a host PC maps to its block by binary search).
var jitState struct {
	mu     sync.Mutex
	arena  []byte
	used   int
	limit  int            // where the arena ends for code (jitflush.go)
	blocks []*nativeBlock // guarded by mu for writes
	view   atomic.Pointer[[]*nativeBlock]
	stub   uintptr // shared fault stub

	compiled   atomic.Uint64
	compileNs  atomic.Uint64
	epoch      atomic.Uint64 // arena generation, bumped by each flush (jitflush.go)
	flushes    atomic.Uint64
	hostFloats atomic.Uint64 // FP helper calls compiled to host form
	// perfMap is /tmp/perf-PID.map when GEMU_JIT_PERFMAP is set, so perf
	// names compiled blocks by guest PC.
	perfMap *os.File
}

// jitBlockByID returns compiled block id.
func jitBlockByID(id uint32) *nativeBlock { return (*jitState.view.Load())[id] }

// jitBlockAt returns the compiled block containing host pc and the
// access at pc.
func jitBlockAt(pc uintptr) (*nativeBlock, *memSite, bool) {
	v := *jitState.view.Load()
	i := sort.Search(len(v), func(i int) bool { return v[i].end > pc })
	if i == len(v) || v[i].entry > pc {
		return nil, nil, false
	}
	n := v[i]
	off := uint32(pc - n.entry)
	for j := range n.memOps {
		if m := &n.memOps[j]; m.off == off {
			return n, m, true
		}
	}
	return nil, nil, false
}

// ucontextGreg is where each host register sits in ucontext's gregs, as
// jitSigHandler copies them to jitCPU.faultRegs (glibc sys/ucontext.h
// REG_R8 = 0 … REG_RSP = 15).
var ucontextGreg = map[x64.Reg]int{x64.R8: 0, x64.R9: 1, x64.R10: 2, x64.R11: 3, x64.R12: 4,
	x64.R13: 5, x64.R14: 6, x64.R15: 7, x64.RDI: 8, x64.RSI: 9, x64.RBP: 10, x64.RBX: 11,
	x64.RDX: 12, x64.RAX: 13, x64.RCX: 14, x64.RSP: 15}

// storeFaultRegs puts in CPU.R the guest registers that were dirty in
// host registers at the faulting access m.
func (c *CPU) storeFaultRegs(m *memSite) {
	for _, s := range m.dirty {
		*(*uint64)(unsafe.Add(unsafe.Pointer(&c.R[0]), int(s.guest)*8)) = c.jit.faultRegs[ucontextGreg[s.host]]
	}
	if m.nzcv.kind != provNone {
		*(*uint64)(unsafe.Add(unsafe.Pointer(&c.R[0]), int(m.nzcv.flags)*8)) = c.goFlags(m.nzcv)
	}
}

// SetJIT selects tier 2's mode for this engine. It returns an error when
// the host cannot run compiled code.
func (e *Engine) SetJIT(m JITMode) error {
	if m != JITOff {
		if err := JITAvailable(); err != nil {
			return err
		}
		if err := jitInit(); err != nil {
			return fmt.Errorf("tier 2: %v", err)
		}
	}
	e.jit = m
	return nil
}

// JITModeFromEnv reads GEMU_JIT (on, off, force, nochain, lockstep), the default
// of every new engine: test suites set it to run everything in one tier.
func JITModeFromEnv() (JITMode, bool) {
	switch os.Getenv("GEMU_JIT") {
	case "on":
		return JITOn, true
	case "off":
		return JITOff, true
	case "force":
		return JITForce, true
	case "nochain":
		return JITNochain, true
	case "lockstep":
		return JITLockstep, true
	}
	return JITOff, false
}

// JIT is the engine's tier-2 mode.
func (e *Engine) JIT() JITMode { return e.jit }

func jitInit() error {
	mem, err := jitArena()
	if err != nil {
		return err
	}
	jitState.mu.Lock()
	defer jitState.mu.Unlock()
	if jitState.arena == nil {
		jitState.arena = mem
		empty := []*nativeBlock{}
		jitState.view.Store(&empty)
		// The shared fault stub: leave compiled code with exitFault.
		stub := jitStubCode(exitFault)
		copy(mem, stub)
		jitState.stub = uintptr(unsafe.Pointer(&mem[0]))
		jitState.used = jitArenaStart
		jitState.limit = jitArenaLimit(len(mem))
		jitFaultStub = jitState.stub
		if os.Getenv("GEMU_JIT_PERFMAP") != "" {
			jitState.perfMap, _ = os.Create(fmt.Sprintf("/tmp/perf-%d.map", os.Getpid()))
		}
	}
	return nil
}

// JITStats reports blocks compiled, arena bytes used and compile time.
func JITStats() (blocks uint64, bytes int, compile time.Duration) {
	jitState.mu.Lock()
	used := jitState.used
	jitState.mu.Unlock()
	return jitState.compiled.Load(), used, time.Duration(jitState.compileNs.Load())
}

// JITHostFloatOps is how many FP helper calls tier 2 has compiled to their
// host form (jitfloat.go).
func JITHostFloatOps() uint64 { return jitState.hostFloats.Load() }

// wantsNative reports whether b should run compiled, compiling it once it
// is hot.
func (e *Engine) wantsNative(b *Block) *nativeBlock {
	if n := b.native.Load(); n != nil {
		return n
	}
	if b.noJIT.Load() {
		return nil
	}
	if e.jit.eager() {
		return e.compile(b)
	}
	if b.hits.Add(1) == jitThresholdNow {
		e.enqueueCompile(b)
	}
	return nil
}

// jitWanted reports, for the interpreter about to chain into b, whether
// b runs in tier 2 (now or, counting this run, from now on): the
// interpreter then hands it to the loop. Under lockstep every block goes
// back to the loop.
func (e *Engine) jitWanted(b *Block) bool {
	if b.native.Load() != nil || e.jit == JITLockstep {
		return true
	}
	if b.noJIT.Load() {
		return false
	}
	if e.jit.eager() {
		return true
	}
	if b.hits.Add(1) == jitThresholdNow {
		e.enqueueCompile(b)
	}
	return false
}

// eager modes compile every block on its first run.
func (m JITMode) eager() bool { return m == JITForce || m == JITLockstep }

// chains reports whether compiled code of c's runs is linked to other
// compiled code (chained jumps, the native jump cache): not under a
// per-block hook, nor under lockstep, where each compiled run must stop at
// its block's end.
func (e *Engine) chains(c *CPU) bool { return c.chain && e.jit != JITLockstep }

// jitFor returns b's compiled code when c runs it in tier 2.
func jitFor(e *Engine, c *CPU, b *Block) *nativeBlock {
	if e.jit == JITOff || !c.chain {
		return nil
	}
	return e.wantsNative(b)
}

// chainNative patches b's compiled direct exit op to nb's compiled code,
// when both are compiled.
func (e *Engine) chainNative(c *CPU, b *Block, op *Op, nb *Block) {
	if e.jit == JITOff || e.jit == JITNochain || !e.chains(c) {
		return
	}
	n := b.native.Load()
	if n == nil || e.wantsNative(nb) == nil {
		return
	}
	i := int((uintptr(unsafe.Pointer(op)) - uintptr(unsafe.Pointer(&b.Ops[0]))) / unsafe.Sizeof(Op{}))
	if i < 0 || i >= len(b.Ops) {
		return
	}
	e.cache.mu.Lock()
	jitState.mu.Lock()
	linkNative(n, i, nb)
	jitState.mu.Unlock()
	e.cache.mu.Unlock()
}

// jitOptions are the target's settings for compileBlock.
func (e *Engine) jitOptions() jitOptions {
	o := jitOptions{nochain: e.jit == JITNochain || e.jit == JITLockstep, zero: RegZero, sys: e.sys}
	if z, ok := e.target.(interface{ ZeroRegister() uint8 }); ok {
		o.zero = z.ZeroRegister()
	}
	if t, ok := e.target.(interface{ BlockTemps() (uint8, uint8) }); ok {
		lo, n := t.BlockTemps()
		o.temps = [2]uint8{lo, lo + n}
	}
	if f, ok := e.target.(interface{ FloatEnv() FloatEnv }); ok {
		env := f.FloatEnv()
		o.fenv = &env
	}
	return o
}

// compile makes b's native code, or marks it as staying in tier 1.
func (e *Engine) compile(b *Block) *nativeBlock {
	jitState.mu.Lock()
	defer jitState.mu.Unlock()
	if n := b.native.Load(); n != nil || b.noJIT.Load() {
		return n
	}
	if !b.valid.Load() {
		return nil
	}
	start := time.Now()
	id := uint32(len(jitState.blocks))
	code, n := compileBlock(b, id, e.jitOptions())
	if n == nil {
		b.noJIT.Store(true)
		return nil
	}
	at := (jitState.used + 15) &^ 15
	if at+len(code) > jitState.limit {
		if len(code) > jitState.limit-jitArenaStart {
			b.noJIT.Store(true)
			return nil
		}
		jitFlush()
		// Ids and code restart at the arena's start.
		id = uint32(len(jitState.blocks))
		code, n = compileBlock(b, id, e.jitOptions())
		at = jitState.used
	}
	copy(jitState.arena[at:], code)
	base := uintptr(unsafe.Pointer(&jitState.arena[at]))
	n.entry, n.end, n.off = base, base+uintptr(len(code)), at
	n.poll += at
	n.epoch = jitState.epoch.Load()
	for i := range n.sites {
		n.sites[i].epoch = n.epoch
		n.sites[i].field += at
		n.sites[i].stub += at
		if n.sites[i].body != 0 {
			n.sites[i].body += at
		}
	}
	jitState.used = at + len(code)
	jitMarkSites(n)
	blocks := append(jitState.blocks, n)
	jitState.blocks = blocks
	jitState.view.Store(&blocks)
	b.native.Store(n)
	jitState.compiled.Add(1)
	jitState.compileNs.Add(uint64(time.Since(start)))
	if e.OnCompile != nil {
		e.OnCompile(b, jitState.arena[at:at+len(code)], base)
	}
	if jitState.perfMap != nil {
		fmt.Fprintf(jitState.perfMap, "%x %x guest_%x\n", base, len(code), b.PC)
	}
	return n
}

// arenaWord is the 4-byte-aligned word at arena offset off.
func arenaWord(off int) *uint32 { return (*uint32)(unsafe.Pointer(&jitState.arena[off])) }

// patchRel32 points the rel32 field at arena offset field to target.
func patchRel32(field, target int) {
	atomic.StoreUint32(arenaWord(field), uint32(int32(target-(field+4))))
}

// linkNative chains direct exit site of n to the compiled entry of nb.
// Caller holds the block cache lock and jitState.mu.
func linkNative(n *nativeBlock, siteOp int, nb *Block) {
	t := nb.native.Load()
	ep := jitState.epoch.Load()
	if t == nil || !nb.valid.Load() || !n.block.valid.Load() || n.epoch != ep || t.epoch != ep {
		return // not both in the arena as it is now
	}
	for i := range n.sites {
		s := &n.sites[i]
		if s.op != siteOp {
			continue
		}
		if cur := s.field + 4 + int(int32(atomic.LoadUint32(arenaWord(s.field)))); cur != s.stub {
			return // already chained
		}
		// Only edges to a block at or below this one's start poll: every
		// cycle of blocks has one, so a loop polls once per iteration. A
		// loop edge has polled and keeps its registers in the cache: it
		// links only to its own block's body.
		to := t.off
		switch {
		case s.body != 0 && nb != n.block:
			return
		case s.body != 0:
			to = s.body
		case nb.PC > n.block.PC:
			to += t.fast
		}
		patchRel32(s.field, to)
		if len(nb.nativeIn) > 0 && nb.nativeIn[0].epoch != ep {
			nb.nativeIn = nb.nativeIn[:0] // sites in flushed code
		}
		nb.nativeIn = append(nb.nativeIn, s)
		return
	}
}

// unlinkNative cuts every chained jump into b and patches b's entry into a
// jump to its poll stub. Caller holds the block cache lock. Code from
// before an arena flush is left alone: its bytes may be new code now.
func (b *Block) unlinkNative() {
	jitState.mu.Lock()
	defer jitState.mu.Unlock()
	ep := jitState.epoch.Load()
	for _, s := range b.nativeIn {
		if s.epoch == ep {
			patchRel32(s.field, s.stub)
		}
	}
	b.nativeIn = nil
	n := b.native.Load()
	if n == nil || n.epoch != ep {
		return
	}
	// The entry's first 8 bytes (8-aligned): a 5-byte NOP and 3 bytes of
	// the poll check become a jmp rel32 to the poll stub and the same 3
	// bytes, in one atomic store.
	p := (*uint64)(unsafe.Pointer(&jitState.arena[n.off]))
	old := atomic.LoadUint64(p)
	rel := uint32(int32(n.poll - (n.off + 5)))
	word := uint64(0xe9) | uint64(rel)<<8 | old&^(1<<40-1)
	atomic.StoreUint64(p, word)
}

// runNative runs compiled code from entry of n until it needs Go. It
// returns what exec would: an ExitKind or a next* code.
func (e *Engine) runNative(c *CPU, n *nativeBlock, entry uintptr) int {
	c.jit.g = jitG()
	jitListCPU(c)
	regs := uintptr(unsafe.Pointer(&c.R[0])) + jitBias
	base := uintptr(c.memBase)
	at := 0 // the op entry stands for
	for {
		// In compiled code from here to the exit word's decoding: a flush
		// waits for that (jitflush.go). Code from before a flush is not
		// entered; the interpreter takes over at the same op.
		ep := jitState.epoch.Load()
		c.jit.inside.Store(ep + 1)
		if n.epoch != ep {
			c.jit.leave()
			c.block = n.block
			return exec(c, &n.block.Ops[at])
		}
		if c.jit.jcEpoch != ep || !c.jit.jcReady {
			if c.jit.jcFilled {
				clear(c.jit.jc[:])
				c.jit.jcFilled = false
			}
			c.jit.jcReady, c.jit.jcEpoch = true, ep
		}
		w := jitCall(regs, base, entry, uintptr(c.memLimit))
		kind, opi := int(w&0xff), int(w>>8&0xffffff)
		if kind == exitIndirect {
			c.jit.leave()
			return nextIndirect
		}
		if kind == exitFault {
			fn, m, ok := jitBlockAt(c.jit.faultPC)
			c.jit.leave()
			if !ok {
				panic(fmt.Sprintf("tier 2: fault at host pc %#x (address %#x) outside a compiled access", c.jit.faultPC, c.jit.faultAddr))
			}
			c.storeFaultRegs(m)
			c.block = fn.block
			return exec(c, &fn.block.Ops[m.op])
		}
		n = jitBlockByID(uint32(w >> 32))
		c.jit.leave()
		b := n.block
		c.block = b
		switch kind {
		case exitChain:
			c.exitOp = &b.Ops[opi]
			return nextExit
		case exitPoll:
			c.PC = b.PC
			return nextRefetch
		case exitInterp:
			return exec(c, &b.Ops[opi])
		case exitStep:
			// The run goes on even if a helper invalidates the block, as
			// in the interpreter; the block's code is left after it.
			end := int(n.stepEnd[opi])
			for i := opi; i < end; i++ {
				op := &b.Ops[i]
				var k ExitKind
				if op.Code == OpCall {
					c.curOp = op
					k = op.Fn(c, op)
				} else {
					k = c.stepOp(op)
				}
				if k != ExitNone {
					return int(k)
				}
			}
			if !b.valid.Load() {
				return exec(c, &b.Ops[end])
			}
			entry, at = n.entry+uintptr(n.resume[opi]), end
		default:
			panic(fmt.Sprintf("tier 2: bad exit word %#x", w))
		}
	}
}

// stepOp runs one non-control op in Go for compiled code.
func (c *CPU) stepOp(op *Op) ExitKind {
	if op.Code == OpCall {
		c.curOp = op
		return op.Fn(c, op)
	}
	s := &c.jit.scratch
	s[0] = *op
	s[1] = Op{Code: OpExit, Aux: uint8(ExitNone), PCOff: op.PCOff}
	r := exec(c, &s[0])
	c.curOp = nil
	return ExitKind(r)
}

// jitIndirectFill records nb in the CPU's native jump cache.
func (c *CPU) jitIndirectFill(pc uint64, nb *Block) {
	if n := nb.native.Load(); n != nil && n.epoch == c.jit.jcEpoch {
		c.jit.jc[jumpSlot(pc)] = jitJCEntry{key: ^pc, entry: n.entry}
		c.jit.jcFilled = true
	}
}
