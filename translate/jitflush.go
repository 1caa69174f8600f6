package translate

import (
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
	"weak"
)

// Flushing the code arena. When a block does not fit, every compiled block
// is dropped at once and code starts again at the arena's start, as QEMU
// flushes its whole translation cache: a long-running program (a
// compiler, a test suite) keeps running its hot code compiled instead of
// leaving everything new to the interpreter.
//
// Code in the arena may be overwritten only when no CPU runs it. Each CPU
// publishes 1 + the arena generation (epoch) while it is between entering
// compiled code and decoding the exit word; a flush (under jitState.mu)
// first unpublishes every block (Block.native = nil: no new entry through
// Go), bumps the epoch, asks every CPU inside compiled code to leave (its
// exit request, polled at every block entry and loop edge, so within a
// block or two), and waits until none of them is still inside from the
// old generation. A CPU about to re-enter code (after a step in Go, or
// with a block it looked up before the flush) sees the generation moved
// and lets the interpreter take the op instead; its native jump cache is
// cleared. Chaining and invalidation patch code only
// from the current generation, under jitState.mu.

// jitArenaStart is where code starts, after the shared stubs.
const jitArenaStart = 64

// jitArenaLimit is how much of the arena holds code: all of it, or
// GEMU_JIT_ARENA bytes (tests make flushes frequent with it).
func jitArenaLimit(size int) int {
	if v, err := strconv.Atoi(os.Getenv("GEMU_JIT_ARENA")); err == nil && v > jitArenaStart && v < size {
		return v
	}
	return size
}

// jitCPUs lists the CPUs that have entered compiled code, weakly (a
// thread's CPU is dropped with it).
var jitCPUs struct {
	sync.Mutex
	l []weak.Pointer[CPU]
}

// jitListCPU records c in jitCPUs the first time it runs compiled code.
func jitListCPU(c *CPU) {
	if c.jit.listed {
		return
	}
	c.jit.listed = true
	jitCPUs.Lock()
	jitCPUs.l = append(jitCPUs.l, weak.Make(c))
	jitCPUs.Unlock()
}

// JITFlushes is how many times the code arena was flushed.
func JITFlushes() uint64 { return jitState.flushes.Load() }

// jitFlush empties the arena. Caller holds jitState.mu.
func jitFlush() {
	for _, n := range jitState.blocks {
		n.block.native.CompareAndSwap(n, nil)
	}
	ep := jitState.epoch.Add(1)
	var inside []*CPU
	jitCPUs.Lock()
	live := jitCPUs.l[:0]
	for _, w := range jitCPUs.l {
		if c := w.Value(); c != nil {
			live = append(live, w)
			if in := c.jit.inside.Load(); in != 0 && in-1 < ep {
				c.RequestExit()
				inside = append(inside, c)
			}
		}
	}
	jitCPUs.l = live
	jitCPUs.Unlock()
	for _, c := range inside {
		for in := c.jit.inside.Load(); in != 0 && in-1 < ep; in = c.jit.inside.Load() {
			runtime.Gosched()
			time.Sleep(20 * time.Microsecond)
		}
	}
	jitState.blocks = nil
	empty := []*nativeBlock{}
	jitState.view.Store(&empty)
	jitClearSites(jitState.used)
	jitState.used = jitArenaStart
	jitState.flushes.Add(1)
}
