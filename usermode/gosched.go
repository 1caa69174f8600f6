package usermode

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// How guest threads live with the Go scheduler. Every guest thread is a
// goroutine locked to its host thread (the host TID is the guest TID), so
// two of the runtime's habits cost a guest what they never cost a Go
// program; docs/decisions.md has the measurements.

// liveThreads counts the guest threads of this gemu (vfork children
// included); fitProcs keeps GOMAXPROCS above it.
var liveThreads atomic.Int32

// spareProcs are the Ps kept beyond one per guest thread: for gemu's own
// goroutines (host signal reader, /proc peer) and so that a P is idle
// while every guest thread is in a system call, which keeps sysmon from
// taking Ps back (runtime/proc.go retake).
const spareProcs = 2

// maxProcs bounds GOMAXPROCS: a quarter of the Ps run dedicated GC
// workers while a collection runs.
const maxProcs = 256

var procs struct {
	sync.Mutex
	n int
}

// fitProcs raises GOMAXPROCS, in doublings, to at least threads +
// spareProcs. With fewer Ps than guest threads, a runnable guest thread
// waits for a P while another sits blocked in the host kernel, until sysmon
// takes it back (20 µs to 10 ms); the kernel should be the one to
// schedule guest threads, as it is for natively run programs. It never
// lowers it: each change stops the world.
func fitProcs(threads int32) {
	need := int(threads) + spareProcs
	procs.Lock()
	defer procs.Unlock()
	if procs.n == 0 {
		procs.n = runtime.GOMAXPROCS(0)
	}
	if need <= procs.n || procs.n >= maxProcs {
		return
	}
	n := procs.n
	for n < need {
		n *= 2
	}
	procs.n = min(n, maxProcs)
	runtime.GOMAXPROCS(procs.n)
}

// yieldSometimes passes through the Go scheduler every few milliseconds.
// The runtime's sysmon takes the P from a thread found in a system call
// whose goroutine has not been scheduled for 10 ms (runtime/proc.go
// retake, forcePreemptNS), and each such retake keeps sysmon polling every
// 20 µs. A guest thread that loops on system calls never passes through
// the scheduler on its own; yielding before that limit costs one
// hand-over of its locked OS thread and saves the polling.
func (t *Thread) yieldSometimes() {
	t.sinceYield++
	if t.sinceYield%yieldCheck != 0 {
		return
	}
	now := time.Since(gemuStart)
	if now-t.lastYield < yieldEvery {
		return
	}
	t.lastYield = now
	runtime.Gosched()
}

// A guest thread looks at the clock every yieldCheck system calls and
// yields once yieldEvery has passed, well inside the runtime's 10 ms.
// Measured on bench/tcprr: 4 ms gave 3.51 s, 8 ms 3.58 s, no yield 3.81 s.
const (
	yieldCheck = 16
	yieldEvery = 4 * time.Millisecond
)

// gemuStart is the zero of lastYield (a monotonic clock reading).
var gemuStart = time.Now()
