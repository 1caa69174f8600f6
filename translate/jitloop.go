package translate

import "github.com/gemu-project/gemu/translate/x64"

// In-block loops. A branch from a compiled block back to its own start
// (most hot loops are one block) does not go round through the block's
// entry, which starts with an empty register cache: it jumps to the body
// with the guest registers the loop uses still in host registers. The
// block's start loads those registers (the cache a trial compilation
// found at the branch), and every back edge first brings the cache to
// that state (reconcile), then polls as a block entry would.
//
// The registers are dirty at the loop's start (they may differ from
// CPU.R), so every exit stores them. The jump back is a chain site of the
// block linked to its own body: invalidating the block patches it to its
// exit stub, as any chained jump into the block, so stale code stops at
// the next iteration.

// loopEdge is a branch to the block's start and the cache there.
type loopEdge struct {
	field int // rel32 of the branch
	op    int
	state regCache
	pend  flagProv // flags pending at the branch
}

// loopEdge emits the branch of op to the block's own start.
func (c *jitCompiler) loopEdge(op int, cond x64.Cond, always bool) {
	if c.trial && c.found == nil {
		c.found = c.chooseHead()
	}
	var f int
	if always {
		f = c.a.Jmp32()
	} else {
		f = c.a.Jcc32(cond)
	}
	c.loops = append(c.loops, loopEdge{field: f, op: op, state: c.rc, pend: c.pend})
}

// loopHead loads head's registers (all dirty from here) and marks the
// loop body's start.
func (c *jitCompiler) loopHead(head *regCache) {
	if head != nil {
		for _, h := range cacheRegs {
			if g := head.guest[h]; g >= 0 {
				c.a.Load(true, h, regMem(uint8(g)))
				c.rc.assign(uint8(g), h)
				c.rc.dirty[h] = true
			}
		}
		h := c.rc
		c.head = &h
	}
	c.body = c.a.Len()
}

// loopEdges emits each loop edge's path back to the body: reconcile the
// cache, poll, and a jump that is linked to the body once the block is
// chained to itself (its unlinked target stores the cache and leaves).
func (c *jitCompiler) loopEdges() {
	a := &c.a
	head := c.head
	if head == nil {
		var empty regCache
		empty.reset()
		head = &empty
	}
	for _, l := range c.loops {
		a.Bind32(l.field, a.Len())
		c.rc, c.pend = l.state, l.pend
		if c.pend.kind != provNone {
			c.materialize()
		}
		c.reconcile(head)
		a.AluMI(false, x64.CMP, x64.M(regsPtr, offExitReq), 0)
		c.exitIf(x64.CondNE, exitPoll, 0)
		a.Load(true, x64.RAX, x64.M(regsPtr, offG))
		a.AluMI(true, x64.CMP, x64.M(x64.RAX, 16), stackPreempt)
		c.exitIf(x64.CondE, exitPoll, 0)
		a.AlignRel32(1)
		f := a.Jmp32()
		c.stubs = append(c.stubs, stub{fields: []int{f}, word: exitWord(exitChain, l.op, c.id),
			op: l.op, stores: c.liveStores(c.rc.dirtySet()), loop: true})
	}
}

// reconcile brings the cache from its current state to head: registers
// dirty outside their place in head are stored, then each register of
// head not in its place is loaded from CPU.R (exact for it by then).
func (c *jitCompiler) reconcile(head *regCache) {
	for _, h := range cacheRegs {
		if g := c.rc.guest[h]; g >= 0 && c.rc.dirty[h] && head.guest[h] != g {
			if !c.isTemp(uint8(g)) { // dead at the block's start
				c.a.Store(8, regMem(uint8(g)), h)
			}
			c.rc.dirty[h] = false
		}
	}
	for _, h := range cacheRegs {
		if g := head.guest[h]; g >= 0 && c.rc.guest[h] != g {
			c.a.Load(true, h, regMem(uint8(g)))
		}
	}
	c.rc = *head
}

// noteRead counts, in the trial pass, a read of r that no write in the
// loop body has preceded: r is live at the loop's start.
func (c *jitCompiler) noteRead(r uint8) {
	if c.trial && c.found == nil && !c.defd[r] && !c.isTemp(r) && r != RegZero && r != c.zero {
		c.uses[r]++
	}
}

// noteDefs records, in the trial pass, the registers written so far.
func (c *jitCompiler) noteDefs() {
	if !c.trial {
		return
	}
	for _, h := range cacheRegs {
		if g := c.rc.guest[h]; g >= 0 && c.rc.dirty[h] {
			c.defd[g] = true
		}
	}
}

// chooseHead picks the loop head's cache: the registers the body reads
// before writing them, most read first, one per cache register.
func (c *jitCompiler) chooseHead() *regCache {
	var head regCache
	head.reset()
	for _, h := range cacheRegs {
		best := -1
		for r, n := range c.uses {
			if n > 0 && head.host[r] < 0 && (best < 0 || n > c.uses[best]) {
				best = r
			}
		}
		if best < 0 {
			break
		}
		head.assign(uint8(best), h)
	}
	return &head
}
