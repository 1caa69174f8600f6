package translate

import (
	"os"
	"strconv"
	"sync"
)

// Tier 2 compiles in the background (issue #16). A block that becomes hot
// is queued for a compiler goroutine and goes on in the interpreter until
// its native code is in place, so a compile (100-200 µs) no longer stalls
// the guest thread that found it hot: with the second host CPU usually
// idle in a single-threaded guest, the threshold can be low without
// costing short processes their latency. Large short-lived programs
// (cc1, a shell's children) reach native code sooner.
//
// The eager modes (force, lockstep) and a block run from gdb's engine
// compile in the foreground as before.

// jitQueueLen bounds the blocks waiting for the compiler; a block that
// finds the queue full is offered again on a later run.
const jitQueueLen = 1024

var jitQueue struct {
	once sync.Once
	ch   chan jitJob
}

type jitJob struct {
	e *Engine
	b *Block
}

// jitThresholdNow is jitThreshold, or GEMU_JIT_THRESHOLD (a tuning knob for
// measurements; 1 to 1000000).
var jitThresholdNow = func() uint32 {
	if n, err := strconv.Atoi(os.Getenv("GEMU_JIT_THRESHOLD")); err == nil && n >= 1 && n <= 1000000 {
		return uint32(n)
	}
	return jitThreshold
}()

// enqueueCompile hands b to the compiler goroutine unless it is queued
// already or the queue is full.
func (e *Engine) enqueueCompile(b *Block) {
	if !b.queued.CompareAndSwap(false, true) {
		return
	}
	jitQueue.once.Do(func() {
		jitQueue.ch = make(chan jitJob, jitQueueLen)
		go compileQueued(jitQueue.ch)
	})
	select {
	case jitQueue.ch <- jitJob{e, b}:
	default:
		b.queued.Store(false)
	}
}

// compileQueued compiles queued blocks for the life of the process.
func compileQueued(ch <-chan jitJob) {
	for j := range ch {
		j.e.compile(j.b)
	}
}
