package translate

import (
	"sync"
	"testing"
)

// TestJITArenaFlush runs two guest threads around a ring of 64 blocks
// with room in the code arena for a few of them: the arena is flushed
// over and over while both threads run compiled code, and each thread's
// result must be the interpreter's.
func TestJITArenaFlush(t *testing.T) {
	const blocks, stride = 64, 0x100
	exitPC := uint64(scriptCode + blocks*stride)
	s := script{exitPC: {{Code: OpSyscall, Imm: int64(exitPC + 4)}}}
	for i := 0; i < blocks; i++ {
		next := scriptCode + uint64((i+1)%blocks)*stride
		s[scriptCode+uint64(i)*stride] = []Op{
			{Code: OpAddI, Dst: 1, A: 1, Imm: int64(i + 1)},
			{Code: OpXor, Dst: 2, A: 2, B: 1},
			{Code: OpMul, Dst: 4, A: 2, B: 1},
			{Code: OpAdd, Dst: 2, A: 2, B: 4},
			{Code: OpAddI, Dst: 3, A: 3, Imm: -1},
			{Code: OpBranch, Aux: CondEQ, A: 3, B: RegZero, Imm: int64(exitPC)},
			{Code: OpJump, Imm: int64(next)},
		}
	}
	run := func(mode JITMode, seeds []uint64) []*CPU {
		e := scriptEngine(t, s, 0x10000, mode)
		cpus := make([]*CPU, len(seeds))
		var wg sync.WaitGroup
		for i, seed := range seeds {
			c := e.NewCPU()
			c.R[1], c.R[2], c.R[3], c.PC = seed, seed*7, 12000, scriptCode
			cpus[i] = c
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k := e.Run(c)
					if k == ExitSyscall {
						return
					}
					if k != ExitInterrupt { // a flush asks threads in compiled code to leave
						t.Errorf("exit %d at %#x", k, c.PC)
						return
					}
				}
			}()
		}
		wg.Wait()
		return cpus
	}
	seeds := []uint64{3, 1 << 40}
	want := run(JITOff, seeds)

	if err := jitInit(); err != nil {
		t.Skipf("no tier 2 here: %v", err)
	}
	jitState.mu.Lock()
	saved := jitState.limit
	jitState.limit = jitArenaStart + 3000
	jitState.mu.Unlock()
	defer func() {
		jitState.mu.Lock()
		jitState.limit = saved
		jitState.mu.Unlock()
	}()
	before := JITFlushes()
	got := run(JITForce, seeds)
	flushes := JITFlushes() - before
	if flushes < 100 {
		t.Errorf("%d flushes; the test wants the arena flushed while threads run", flushes)
	}
	for i := range seeds {
		for r := 1; r <= 4; r++ {
			if got[i].R[r] != want[i].R[r] {
				t.Errorf("thread %d: R[%d] = %#x, want %#x", i, r, got[i].R[r], want[i].R[r])
			}
		}
	}
	t.Logf("%d flushes", flushes)
}
