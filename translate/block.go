package translate

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// MaxBlockInsns caps the guest instructions in one block.
const MaxBlockInsns = 128

// Block is a translated guest basic block: decoded once, lowered to ops,
// cached by PC and chained to its successors.
type Block struct {
	PC    uint64 // first guest instruction
	End   uint64 // one past the last guest byte
	Ops   []Op
	Insns int
	valid atomic.Bool
	// incoming lists the op links chained to this block, so invalidation
	// can cut them (guarded by the block cache's lock).
	incoming []*unsafe.Pointer

	// Tier 2 (jit.go): the compiled code, the run count that makes the
	// block hot, whether it stays in tier 1, and the compiled jumps
	// chained to it (guarded by the block cache's lock).
	native   atomic.Pointer[nativeBlock]
	hits     atomic.Uint32
	noJIT    atomic.Bool
	queued   atomic.Bool // handed to the background compiler (jitqueue.go)
	nativeIn []*chainSite

	lockstepRuns atomic.Uint32 // runs under lockstep (lockstep.go)

	// codeSum is the hash of the code translated (Builder.codeSum) when
	// the block may go into a translation archive (archivable).
	codeSum    uint64
	archivable bool

	// System mode (softmmu.go): the context the block was built in and
	// the physical pages its code is in.
	tag       uint64
	physPages []uint64
}

// Valid reports whether the block's translation still stands.
func (b *Block) Valid() bool { return b.valid.Load() }

// Target is a guest CPU: it decodes guest code into ops.
type Target interface {
	// Name is the canonical architecture name ("riscv64", "aarch64").
	Name() string
	// Translate fills b with the block starting at b.PC().
	Translate(b *Builder)
}

// Builder is handed to a Target to build one block.
type Builder struct {
	mem     *AddressSpace
	start   uint64
	pc      uint64
	ops     []Op
	insns   int
	ended   bool
	nocache bool
	// execPage caches the last page (number+1) found executable.
	execPage uint64
	single   bool
	// fallPC is the not-taken PC of the last conditional branch: when
	// the next instruction is elsewhere the block must jump there.
	fallPC      uint64
	pendingFall bool
	// breaks are the debugger's breakpoints: each one starts a block.
	// probe puts a watchpoint probe before each memory op (debug.go).
	breaks map[uint64]bool
	probe  bool
	// scratch is ops' reusable backing store (opslab.go).
	scratch *[]Op
	// fetchEnd is the end of the code fetched in order from start and
	// codeSum its hash (archive.go); noArchive is set by a fetch out of
	// that order or one that failed (the block then depends on more than
	// its bytes).
	fetchEnd  uint64
	codeSum   uint64
	noArchive bool

	// System mode (softmmu.go): the CPU whose MMU fetches, the context
	// tag, the host address of the page being fetched and the physical
	// pages fetched from.
	cpu       *CPU
	tag       uint64
	sysHost   unsafe.Pointer
	physPages []uint64
}

// PC is the address of the instruction being translated.
func (b *Builder) PC() uint64 { return b.pc }

// StartPC is the block's first address.
func (b *Builder) StartPC() uint64 { return b.start }

// Ended reports whether a terminator was emitted.
func (b *Builder) Ended() bool { return b.ended }

// Full reports whether the block should end before the next instruction:
// the instruction cap, the single-step setting, or a page boundary at pc.
func (b *Builder) Full(nextPC uint64) bool {
	return b.insns >= MaxBlockInsns || (b.single && b.insns >= 1) || nextPC%PageSize == 0 ||
		(b.breaks != nil && b.breaks[nextPC])
}

// Fetch reads n (2 or 4) bytes of guest code at pc. ok is false when the
// bytes are not mapped executable; faultAddr is then the first bad address.
func (b *Builder) Fetch(pc uint64, n int) (insn uint32, ok bool, faultAddr uint64) {
	if b.cpu != nil {
		return b.sysFetch(pc, n)
	}
	for i := 0; i < n; i += 2 {
		a := pc + uint64(i)
		if page := a/PageSize + 1; page != b.execPage {
			if p, mapped := b.mem.ProtAt(a); !mapped || p&ProtExec == 0 {
				b.noArchive = true
				return 0, false, a
			}
			b.execPage = page
		}
		h := *(*uint16)(b.mem.hostPtr(a))
		insn |= uint32(h) << (8 * i)
		switch {
		case a == b.fetchEnd:
			b.codeSum = codeSumAdd(b.codeSum, h)
			b.fetchEnd += 2
		case a > b.fetchEnd:
			b.noArchive = true
		}
	}
	return insn, true, 0
}

// Next records that one guest instruction of length n bytes was lowered.
func (b *Builder) Next(n int) {
	b.insns++
	b.pc += uint64(n)
	if b.pendingFall {
		b.pendingFall = false
		if b.fallPC != b.pc && !b.ended {
			b.EndJump(b.fallPC)
		}
	}
}

// Emit appends an op for the current instruction. A direct OpJump or
// OpBranch gets an exit slot for its target (Imm).
func (b *Builder) Emit(op Op) {
	op.PCOff = uint32(b.pc - b.start)
	if b.probe {
		b.probeOp(&op)
	}
	switch op.Code {
	case OpBranch:
		switch {
		case op.Aux <= CondGEU:
			op.Code = OpBeq + Code(op.Aux)
		case op.Aux >= CondArm:
			op.Code = OpBranchArm
		}
		// A conditional branch is a side exit: translation continues with
		// the next instruction, making superblocks of straight-line paths.
		b.ops = append(b.ops, op)
		return
	}
	if op.Code.IsTerminator() {
		b.ended = true
	}
	b.ops = append(b.ops, op)
}

// EndJump ends the block with a direct jump to target.
func (b *Builder) EndJump(target uint64) {
	b.Emit(Op{Code: OpJump, Imm: int64(target)})
}

// EndBranch emits a conditional branch to taken. Translation may go on
// with the next instruction; notTaken is where control goes otherwise (if
// it is not the next instruction the block ends with a jump there).
func (b *Builder) EndBranch(cond, ra, rb uint8, taken, notTaken uint64) {
	b.Emit(Op{Code: OpBranch, Aux: cond, A: ra, B: rb, Imm: int64(taken)})
	b.fallPC, b.pendingFall = notTaken, true
}

// EndFault ends the block with exception exc at the current PC. A
// block that faults on its very first fetch is not cached (the page may be
// mapped later).
func (b *Builder) EndFault(exc Exception, addr uint64) {
	if b.insns == 0 {
		b.nocache = true
	}
	b.Emit(Op{Code: OpTrap, Aux: uint8(exc), Imm: int64(addr)})
}

// blockCache maps guest PCs to blocks, with a page index for invalidation.
type blockCache struct {
	mu     sync.RWMutex
	blocks map[uint64]*Block
	pages  map[uint64][]*Block
	phys   map[uint64][]*Block // system mode: blocks by physical page
}

func newBlockCache() *blockCache {
	return &blockCache{blocks: map[uint64]*Block{}, pages: map[uint64][]*Block{}}
}

func (bc *blockCache) get(pc uint64) *Block {
	bc.mu.RLock()
	b := bc.blocks[pc]
	bc.mu.RUnlock()
	return b
}

func (bc *blockCache) put(b *Block) *Block {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if old := bc.blocks[b.PC]; old != nil {
		return old // another thread won the race
	}
	bc.blocks[b.PC] = b
	for p := b.PC / PageSize; p <= (b.End-1)/PageSize; p++ {
		bc.pages[p] = append(bc.pages[p], b)
	}
	return b
}

// invalidate drops every block overlapping [lo, hi).
func (bc *blockCache) invalidate(lo, hi uint64) int {
	if hi <= lo {
		return 0
	}
	n := 0
	bc.mu.Lock()
	defer bc.mu.Unlock()
	var pages []uint64
	if (hi-lo)/PageSize > uint64(len(bc.pages)) {
		for p := range bc.pages {
			if p >= lo/PageSize && p <= (hi-1)/PageSize {
				pages = append(pages, p)
			}
		}
	} else {
		for p := lo / PageSize; p <= (hi-1)/PageSize; p++ {
			pages = append(pages, p)
		}
	}
	for _, p := range pages {
		list := bc.pages[p]
		if list == nil {
			continue
		}
		keep := list[:0]
		for _, b := range list {
			if b.End <= lo || b.PC >= hi {
				keep = append(keep, b)
				continue
			}
			if b.valid.Swap(false) {
				n++
			}
			b.unlink()
			if bc.blocks[b.PC] == b {
				delete(bc.blocks, b.PC)
			}
		}
		if len(keep) == 0 {
			delete(bc.pages, p)
		} else {
			bc.pages[p] = keep
		}
	}
	return n
}

func (bc *blockCache) flush() {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	for _, b := range bc.blocks {
		b.valid.Store(false)
		b.unlink()
	}
	bc.blocks = map[uint64]*Block{}
	bc.pages = map[uint64][]*Block{}
	bc.phys = nil
}

// unlink cuts every chain into b. Caller holds the cache lock.
func (b *Block) unlink() {
	for _, l := range b.incoming {
		atomic.StorePointer(l, nil)
	}
	b.incoming = nil
	b.unlinkNative()
}

// link chains op (a direct exit of a cached block) to nb.
func (bc *blockCache) link(op *Op, nb *Block) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if !nb.valid.Load() || bc.blocks[nb.PC] != nb || atomic.LoadPointer(&op.link) != nil {
		return
	}
	atomic.StorePointer(&op.link, unsafe.Pointer(nb))
	nb.incoming = append(nb.incoming, &op.link)
}
