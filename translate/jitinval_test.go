package translate

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// lockedScript is a script whose blocks another goroutine may rewrite
// while a CPU translates them.
type lockedScript struct {
	mu sync.Mutex
	s  script
}

func (l *lockedScript) Name() string               { return "script" }
func (l *lockedScript) BlockTemps() (uint8, uint8) { return regTemp, 2 }
func (l *lockedScript) Translate(b *Builder) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s.Translate(b)
}

// One thread spins in a compiled in-block loop while another rewrites the
// loop's code and invalidates it (as a store to the code page or IC IVAU
// would): the spinning thread leaves the stale code and runs the new.
func TestJITCodeChangedByAnotherThread(t *testing.T) {
	for _, mode := range []JITMode{JITOn, JITForce} {
		l := &lockedScript{s: script{scriptCode: {
			{Code: OpAddI, Dst: 1, A: 1, Imm: 1},
			{Code: OpJump, Imm: scriptCode},
		}}}
		as, err := NewAddressSpace(1 << 32)
		if err != nil {
			t.Fatal(err)
		}
		defer as.Close()
		if _, err := as.Map(MapSpec{Addr: scriptCode, Length: 0x1000, Prot: ProtRead | ProtExec, Fixed: true, FD: -1}); err != nil {
			t.Fatal(err)
		}
		e := NewEngine(l, as)
		if err := e.SetJIT(mode); err != nil {
			t.Skipf("no tier 2 here: %v", err)
		}
		c := e.NewCPU()
		c.PC = scriptCode
		done := make(chan ExitKind, 1)
		go func() {
			runtime.LockOSThread()
			done <- e.Run(c)
		}()
		// Wait until the loop runs compiled (its block is compiled once it
		// is hot; the goroutine may start late on a loaded machine).
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			if b := e.cache.get(scriptCode); b != nil && b.native.Load() != nil {
				break
			}
			if time.Now().After(deadline) {
				c.RequestExit()
				t.Fatalf("mode %d: the loop was not compiled", mode)
			}
		}
		time.Sleep(10 * time.Millisecond) // well inside the compiled loop
		l.mu.Lock()
		l.s[scriptCode] = []Op{{Code: OpMovI, Dst: 3, Imm: 7}, {Code: OpSyscall, Imm: scriptCode + 8}}
		l.mu.Unlock()
		e.Invalidate(scriptCode, scriptCode+8)
		select {
		case k := <-done:
			if k != ExitSyscall || c.R[3] != 7 || c.PC != scriptCode+8 || c.R[1] == 0 {
				t.Fatalf("mode %d: exit %d, R3 %d, PC %#x, %d iterations: not the new code", mode, k, c.R[3], c.PC, c.R[1])
			}
		case <-time.After(10 * time.Second):
			c.RequestExit()
			t.Fatalf("mode %d: the thread kept running the old code", mode)
		}
	}
}
