package translate

import "sync"

// Op storage for translated blocks. A Builder appends to a reused scratch
// slice, and the finished block gets an exact-size copy cut from a shared
// chunk: growing each block's slice from nothing allocated about three
// times its final size and was the largest allocation of a short guest
// process (738 KB of 1.7 MB for a static hello), each fresh heap page
// costing a page fault.

// opScratch holds Builders' working slices (*[]Op).
var opScratch = sync.Pool{New: func() any {
	s := make([]Op, 0, 256)
	return &s
}}

// blockOps cuts the blocks' op slices from chunks of opChunk ops.
var blockOps struct {
	sync.Mutex
	free []Op
}

const opChunk = 512

// keepOps returns a copy of ops for a block: its capacity is its length,
// so appending to it never writes into a neighbour's ops.
func keepOps(ops []Op) []Op {
	n := len(ops)
	if n > opChunk/4 {
		out := make([]Op, n)
		copy(out, ops)
		return out
	}
	blockOps.Lock()
	if len(blockOps.free) < n {
		blockOps.free = make([]Op, opChunk)
	}
	out := blockOps.free[:n:n]
	blockOps.free = blockOps.free[n:]
	blockOps.Unlock()
	copy(out, ops)
	return out
}

// newBuilder returns a Builder for the block at pc with scratch op space.
func (e *Engine) newBuilder(pc uint64) *Builder {
	s := opScratch.Get().(*[]Op)
	return &Builder{mem: e.mem, start: pc, pc: pc, ops: (*s)[:0], scratch: s, fetchEnd: pc, codeSum: codeSumStart}
}

// release gives the Builder's scratch space back.
func (b *Builder) release() {
	if b.scratch != nil {
		*b.scratch = b.ops[:0]
		opScratch.Put(b.scratch)
		b.scratch, b.ops = nil, nil
	}
}
