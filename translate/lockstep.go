package translate

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Lockstep mode (GEMU_JIT=lockstep, -jit lockstep): every block runs in
// tier 2 and, just before, in the interpreter on a shadow copy of the CPU
// whose memory writes go to a log instead of guest memory (each of a
// block's first runs, then a sample of them). Registers, PC,
// the reservation, the exit and the fault, and every byte the interpreter
// wrote must agree; a disagreement stops gemu with a report. Blocks are
// compiled unchained and without in-block loops (as under -d nochain), so
// each compiled run covers exactly one pass of one block. One block runs
// at a time in the whole engine, so other guest threads cannot write
// between the two runs; a run during which another thread changed the
// mappings (munmap while a thread reads) is not compared.

// lockstepState is an engine's lockstep lock: one block runs at a time.
type lockstepState struct{ mu sync.Mutex }

// lockstepCounts are the process's runs compared and runs that could not
// be (see runLockstep).
var lockstepCounts struct{ checked, skipped atomic.Uint64 }

// shadowMem is a shadow CPU's view of guest memory: every access it
// made, in order, over the real bytes. Accesses hand out scratch copies;
// the scratch of the previous access is logged at the next access and at
// the end (its op has finished with it by then).
type shadowMem struct {
	slot    [2]uint64 // scratch for one interpreter access (aligned for atomics)
	big     []uint64  // scratch for helpers' ranges, reused
	bigUsed int
	pending []shadowAccess
	log     []shadowEntry
	bytes   []byte   // the logged accesses' bytes
	replay  []uint64 // values of Nondet reads, for the compiled run
	shared  bool     // an access touched a shared mapping
}

type shadowAccess struct {
	addr uint64
	buf  []byte
}

// shadowEntry is a logged access: n bytes at addr, kept in bytes[off:].
type shadowEntry struct {
	addr   uint64
	off, n int
}

// lockstepEvery: after its first lockstepFirst runs, one run in
// lockstepEvery of a block is checked, so that hot loops keep most of
// tier 2's speed.
const (
	lockstepFirst = 256
	lockstepEvery = 64
)

// LockstepStats reports the runs lockstep compared and the sampled runs it
// could not compare.
func LockstepStats() (checked, skipped uint64) {
	return lockstepCounts.checked.Load(), lockstepCounts.skipped.Load()
}

// shadowOf returns c's shadow CPU with c's architectural state.
func (c *CPU) shadowOf(b *Block) *CPU {
	sh := c.jit.shadow
	if sh == nil {
		sh = &CPU{engine: c.engine, mem: c.mem, memBase: c.memBase, memLimit: c.memLimit,
			shadow: &shadowMem{}, slow: true}
		c.jit.shadow = sh
	}
	sh.R, sh.PC, sh.Exit = c.R, c.PC, c.Exit
	sh.ResAddr, sh.ResVal, sh.ResValid, sh.ResSize = c.ResAddr, c.ResVal, c.ResValid, c.ResSize
	sh.block, sh.curOp, sh.exitOp, sh.chain = b, nil, nil, true
	m := sh.shadow
	m.pending, m.log, m.bytes, m.replay, m.bigUsed, m.shared = m.pending[:0], m.log[:0], m.bytes[:0], m.replay[:0], 0, false
	return sh
}

// runLockstep runs b in the interpreter on a shadow of c, then its
// compiled code n on c, and compares. It returns what runNative returns.
// A block tier 2 did not compile (n nil) just runs in the interpreter,
// under the same lock: no guest thread runs while a pair does.
func (e *Engine) runLockstep(c *CPU, b *Block, n *nativeBlock) int {
	e.lockstep.mu.Lock()
	defer e.lockstep.mu.Unlock()
	if n == nil {
		return exec(c, &b.Ops[0])
	}
	if runs := b.lockstepRuns.Add(1); runs > lockstepFirst && runs%lockstepEvery != 0 || hasOp(b, OpFlushAll) {
		// Not sampled, or the shadow would flush the code it compares.
		return e.runNative(c, n, n.entry)
	}
	maps := c.mem.view.Load()
	sh := c.shadowOf(b)
	want, grew := sh.protectedRun(b, nil)
	sh.shadow.commit()
	c.jit.replay = sh.shadow.replay
	got, _ := c.protectedRun(b, n)
	c.jit.replay = nil
	if grew || got == nextRefetch || sh.shadow.shared || c.mem.view.Load() != maps ||
		memoryFault(want, sh) || memoryFault(got, c) {
		// A stack mapping grew under the shadow, the compiled code left
		// at its entry poll (an exit request, or the block was unlinked),
		// the block accessed shared memory, another thread changed the
		// mappings meanwhile, or a run stopped on a memory fault (another
		// thread's munmap or mprotect changes the host pages before the
		// mappings' view, so the two runs may see different memory):
		// nothing to compare.
		lockstepCounts.skipped.Add(1)
		if got == nextRefetch {
			// The interpreter runs it for real: the shadow's IC IVAU of
			// the block's own code would unlink it again on every retry.
			return exec(c, &b.Ops[0])
		}
		return got
	}
	d, compared := guardedDiff(e, b, sh, c, want, got)
	if !compared || c.mem.view.Load() != maps {
		lockstepCounts.skipped.Add(1)
		return got
	}
	if d != "" {
		panic(lockstepMismatch(fmt.Sprintf("lockstep: block %#x (%d instructions): the interpreter and tier 2 disagree:\n%s", b.PC, b.Insns, d)))
	}
	lockstepCounts.checked.Add(1)
	return got
}

type lockstepMismatch string

// guardedDiff is lockstepDiff; compared is false when reading guest memory
// for it faulted (another thread unmapped the pages after the runs).
func guardedDiff(e *Engine, b *Block, sh, c *CPU, want, got int) (d string, compared bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			d, compared = "", false
		}
	}()
	return lockstepDiff(e, b, sh, c, want, got), true
}

// memoryFault reports a run that ended on a memory fault.
func memoryFault(r int, c *CPU) bool {
	if r != int(ExitException) {
		return false
	}
	switch c.Exit.Exception {
	case ExcUnmapped, ExcProtection, ExcNoBacking:
		return true
	}
	return false
}

// protectedRun runs b in the interpreter, or its compiled code n,
// turning a guest memory fault into its exit as Engine.runProtected does.
// grew reports a stack that grew instead.
func (c *CPU) protectedRun(b *Block, n *nativeBlock) (r int, grew bool) {
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(lockstepMismatch); ok {
				panic(p)
			}
			k := c.engine.memoryFault(c, p)
			r, grew = int(k), k == ExitNone
		}
	}()
	if n != nil {
		return c.engine.runNative(c, n, n.entry), false
	}
	return exec(c, &b.Ops[0]), false
}

func hasOp(b *Block, code Code) bool {
	for i := range b.Ops {
		if b.Ops[i].Code == code {
			return true
		}
	}
	return false
}

// lockstepDiff describes how the compiled run (c, got) differs from the
// shadow's (sh, want), or returns "".
func lockstepDiff(e *Engine, b *Block, sh, c *CPU, want, got int) string {
	var d strings.Builder
	if want != got {
		fmt.Fprintf(&d, "  result: interpreter %d, tier 2 %d\n", want, got)
	}
	switch {
	case want == nextExit && got == nextExit && sh.exitOp != c.exitOp:
		fmt.Fprintf(&d, "  left by different exits: ops %d and %d\n", opIndex(b, sh.exitOp), opIndex(b, c.exitOp))
	case want != nextExit && sh.PC != c.PC:
		fmt.Fprintf(&d, "  PC: interpreter %#x, tier 2 %#x\n", sh.PC, c.PC)
	}
	if want == int(ExitException) && sh.Exit != c.Exit {
		fmt.Fprintf(&d, "  signal: interpreter %+v, tier 2 %+v\n", sh.Exit, c.Exit)
	}
	lo, hi := e.blockTemps()
	slo, shi := 0, 0
	if t, ok := e.target.(interface{ HelperScratch() (uint8, uint8) }); ok {
		first, n := t.HelperScratch()
		slo, shi = int(first), int(first)+int(n)
	}
	for i := range c.R {
		if (i >= lo && i < hi) || (i >= slo && i < shi) || i == RegZero || i == RegSink || sh.R[i] == c.R[i] {
			continue
		}
		fmt.Fprintf(&d, "  R[%d]: interpreter %#x, tier 2 %#x\n", i, sh.R[i], c.R[i])
	}
	if sh.ResValid != c.ResValid || sh.ResValid && (sh.ResAddr != c.ResAddr || sh.ResVal != c.ResVal || sh.ResSize != c.ResSize) {
		fmt.Fprintf(&d, "  reservation: interpreter %v %#x=%#x/%d, tier 2 %v %#x=%#x/%d\n",
			sh.ResValid, sh.ResAddr, sh.ResVal, sh.ResSize, c.ResValid, c.ResAddr, c.ResVal, c.ResSize)
	}
	sh.shadow.compare(c.memBase, &d)
	if d.Len() > 0 {
		for i := range b.Ops {
			fmt.Fprintf(&d, "  op %d: %+v\n", i, b.Ops[i])
		}
	}
	return d.String()
}

func opIndex(b *Block, op *Op) int {
	if op == nil {
		return -1
	}
	return int((uintptr(unsafe.Pointer(op)) - uintptr(unsafe.Pointer(&b.Ops[0]))) / unsafe.Sizeof(Op{}))
}

// blockTemps is the target's block-local temporary registers, [lo, hi):
// dead at every exit, so tier 2 may leave them stale.
func (e *Engine) blockTemps() (int, int) {
	if t, ok := e.target.(interface{ BlockTemps() (uint8, uint8) }); ok {
		lo, n := t.BlockTemps()
		return int(lo), int(lo) + int(n)
	}
	return 0, 0
}

// shadowPtr is CPU.ptr for a shadow CPU: a scratch copy of [a, a+size)
// as the shadow sees it. A store to a page the guest may not write
// faults as the real store would.
func (c *CPU) shadowPtr(a, size uint64) unsafe.Pointer {
	if a > c.memLimit-size {
		panic(guestFault{addr: a})
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(&c.shadow.slot)), size)
	c.shadow.fill(c, a, buf, c.curOp != nil && writes(c.curOp))
	return unsafe.Pointer(&buf[0])
}

// HostRange returns where a helper reads or writes guest bytes [a, a+n),
// or an ExcUnmapped exit when the range leaves the address space. Faults on
// unmapped or protected pages inside it come from the host access and
// reach the core's fault handler with the exact guest address (o is the
// current memory op). Under lockstep the shadow CPU gets a scratch copy.
func (c *CPU) HostRange(o *Op, a, n uint64, write bool) (unsafe.Pointer, ExitKind) {
	if a+n < a || a+n > c.memLimit {
		return nil, c.Raise(o, ExcUnmapped, a)
	}
	if c.shadow == nil {
		return unsafe.Add(c.memBase, a), ExitNone
	}
	c.curOp = o
	buf := c.shadow.scratch(int(n))
	c.shadow.fill(c, a, buf, write)
	return unsafe.Pointer(unsafe.SliceData(buf)), ExitNone
}

// fill folds earlier accesses into the log, then copies the shadow's view
// of [a, a+len(buf)) into buf, which becomes the pending access.
func (s *shadowMem) fill(c *CPU, a uint64, buf []byte, write bool) {
	s.commit()
	vmas := c.mem.current()
	for p := a &^ (PageSize - 1); p < a+uint64(len(buf)); p += PageSize {
		v, mapped := vmas.find(p)
		if write && (!mapped || v.Prot&ProtWrite == 0) {
			panic(guestFault{addr: max(a, p)})
		}
		// A shared page may be mapped at other addresses too, and other
		// processes write it: the log cannot follow it.
		s.shared = s.shared || v.Shared || v.SysV != 0
	}
	copy(buf, unsafe.Slice((*byte)(unsafe.Add(c.memBase, a)), len(buf))) // faults as the real access would
	for _, e := range s.log {
		lo, hi := max(a, e.addr), min(a+uint64(len(buf)), e.addr+uint64(e.n))
		if lo < hi {
			copy(buf[lo-a:hi-a], s.bytes[e.off+int(lo-e.addr):])
		}
	}
	s.pending = append(s.pending, shadowAccess{addr: a, buf: buf})
}

// scratch is an n-byte buffer for a helper's range, 16-aligned (helpers
// use atomics on it), valid until the pair's next run.
func (s *shadowMem) scratch(n int) []byte {
	words := (n+15)/16*2 + 2
	if s.bigUsed+words > len(s.big) {
		s.big, s.bigUsed = make([]uint64, max(words, 1024)), 0 // pending buffers keep the old array
	}
	p := unsafe.Pointer(&s.big[s.bigUsed])
	if uintptr(p)%16 != 0 {
		p = unsafe.Add(p, 8)
	}
	s.bigUsed += words
	return unsafe.Slice((*byte)(p), n)
}

// commit logs the pending accesses. Bytes only read are logged too, with
// the value read: the compiled run must leave them the same.
func (s *shadowMem) commit() {
	for _, p := range s.pending {
		s.log = append(s.log, shadowEntry{addr: p.addr, off: len(s.bytes), n: len(p.buf)})
		s.bytes = append(s.bytes, p.buf...)
	}
	s.pending = s.pending[:0]
}

// compare reports the logged bytes whose final value differs from guest
// memory at base (the first 16).
func (s *shadowMem) compare(base unsafe.Pointer, d *strings.Builder) {
	shown := 0
	for i, e := range s.log {
		for j := 0; j < e.n && shown < 16; j++ {
			a := e.addr + uint64(j)
			if s.loggedLater(i, a) {
				continue
			}
			if want, got := s.bytes[e.off+j], *(*byte)(unsafe.Add(base, a)); want != got {
				fmt.Fprintf(d, "  memory %#x: interpreter %#02x, tier 2 %#02x\n", a, want, got)
				shown++
			}
		}
	}
}

// loggedLater reports whether an access after log[i] covers a.
func (s *shadowMem) loggedLater(i int, a uint64) bool {
	for _, e := range s.log[i+1:] {
		if a >= e.addr && a < e.addr+uint64(e.n) {
			return true
		}
	}
	return false
}

// Nondet passes through a value the guest reads from outside the CPU (a
// clock, a random number) so that both runs of a lockstep pair see the
// same one: the shadow's reads are replayed to the compiled run.
func (c *CPU) Nondet(v uint64) uint64 {
	switch {
	case c.shadow != nil:
		c.shadow.replay = append(c.shadow.replay, v)
	case len(c.jit.replay) > 0:
		v, c.jit.replay = c.jit.replay[0], c.jit.replay[1:]
	}
	return v
}
