package translate

import "testing"

const dataAddr = 0x20000

func newDebugToy(t *testing.T, code []byte) (*Engine, *CPU) {
	t.Helper()
	e, c := newToy(t, code, ProtRead|ProtExec)
	if _, err := e.Mem().Map(MapSpec{Addr: dataAddr, Length: PageSize, Prot: ProtRead | ProtWrite, Fixed: true, FD: -1}); err != nil {
		t.Fatal(err)
	}
	e.StartDebug()
	return e, c
}

func runStop(t *testing.T, e *Engine, c *CPU, want StopReason, pc uint64) DebugStop {
	t.Helper()
	k := e.Run(c)
	if k != ExitDebug || c.DebugStop().Reason != want || c.PC != pc {
		t.Fatalf("exit %v stop %+v pc=%#x, want debug stop %v at %#x", k, c.DebugStop(), c.PC, want, pc)
	}
	return c.DebugStop()
}

func TestBreakpointInsideChainedLoop(t *testing.T) {
	// r2 = 3; loop: r1 += 1; r2 -= 1; bne r2, r0, loop; sys. The loop body
	// was translated (and chained) before the breakpoint went in.
	code := prog(ins(toyAddi, 2, 0, 3), ins(toyAddi, 1, 1, 1), ins(toyAddi, 2, 2, -1),
		ins(toyBne, 2, 0, -2), ins(toySys, 0, 0, 0))
	e, c := newToy(t, code, ProtRead|ProtExec)
	if k := e.Run(c); k != ExitSyscall || c.R[1] != 3 {
		t.Fatalf("plain run: %v r1=%d", k, c.R[1])
	}
	e.StartDebug()
	c.PC, c.R[1] = codeAddr, 0
	e.InsertBreakpoint(codeAddr + 8) // the decrement, mid-block
	for i := 1; i <= 3; i++ {
		runStop(t, e, c, StopBreakpoint, codeAddr+8)
		if c.R[1] != uint64(i) {
			t.Fatalf("hit %d: r1=%d", i, c.R[1])
		}
		// Step over it, as GDB does: remove, step, insert.
		e.RemoveBreakpoint(codeAddr + 8)
		c.SetStep(true)
		runStop(t, e, c, StopStep, codeAddr+12)
		c.SetStep(false)
		e.InsertBreakpoint(codeAddr + 8)
	}
	if k := e.Run(c); k != ExitSyscall || c.R[2] != 0 {
		t.Fatalf("end: %v r2=%d", k, c.R[2])
	}
	e.StopDebug()
	c.PC = codeAddr
	if k := e.Run(c); k != ExitSyscall {
		t.Fatalf("after detach: %v", k)
	}
}

func TestStepFromBreakpointRunsTheInstruction(t *testing.T) {
	e, c := newDebugToy(t, prog(ins(toyAddi, 1, 0, 5), ins(toyAddi, 1, 1, 1), ins(toySys, 0, 0, 0)))
	e.InsertBreakpoint(codeAddr)
	runStop(t, e, c, StopBreakpoint, codeAddr)
	c.SetStep(true)
	runStop(t, e, c, StopStep, codeAddr+4)
	if c.R[1] != 5 {
		t.Fatalf("r1=%d", c.R[1])
	}
	c.SetStep(true)
	runStop(t, e, c, StopStep, codeAddr+8)
	// A step over the syscall: the call exits first, the step after it.
	c.SetStep(true)
	if k := e.Run(c); k != ExitSyscall {
		t.Fatalf("exit %v", k)
	}
	runStop(t, e, c, StopStep, codeAddr+12)
}

func TestWriteWatchpoint(t *testing.T) {
	// r3 = data; r1 = 1; st r1; st r1 (same value); r1 = 2; st r1; sys
	code := prog(ins(toyAddi, 1, 0, 1), ins(toySt, 1, 3, 0), ins(toySt, 1, 3, 0),
		ins(toyAddi, 1, 0, 2), ins(toySt, 1, 3, 4), ins(toySt, 1, 3, 0), ins(toySys, 0, 0, 0))
	e, c := newDebugToy(t, code)
	c.R[3] = dataAddr
	if err := e.InsertWatchpoint(dataAddr, 4, WatchWrite); err != nil {
		t.Fatal(err)
	}
	s := runStop(t, e, c, StopWatch, codeAddr+8)
	if s.Addr != dataAddr || s.Kind != WatchWrite {
		t.Fatalf("stop %+v", s)
	}
	// The same value stored again, and a store next to it: no stop.
	s = runStop(t, e, c, StopWatch, codeAddr+24)
	if got, _ := e.Mem().Load32(dataAddr); got != 2 {
		t.Fatalf("value %d", got)
	}
	if !e.RemoveWatchpoint(dataAddr, 4, WatchWrite) {
		t.Fatal("remove")
	}
	if k := e.Run(c); k != ExitSyscall {
		t.Fatalf("exit %v", k)
	}
}

func TestReadAndAccessWatchpoints(t *testing.T) {
	// ld r2, [r3+8]; st r2, [r3+16]; ld r4, [r3+0]; sys
	code := prog(ins(toyLd, 2, 3, 8), ins(toySt, 2, 3, 16), ins(toyLd, 4, 3, 0), ins(toySys, 0, 0, 0))
	e, c := newDebugToy(t, code)
	c.R[3] = dataAddr
	e.InsertWatchpoint(dataAddr+12, 2, WatchRead) // inside the first load's 8 bytes
	e.InsertWatchpoint(dataAddr+16, 8, WatchAccess)
	s := runStop(t, e, c, StopWatch, codeAddr+4)
	if s.Addr != dataAddr+12 || s.Kind != WatchRead {
		t.Fatalf("read stop %+v", s)
	}
	s = runStop(t, e, c, StopWatch, codeAddr+8)
	if s.Addr != dataAddr+16 || s.Kind != WatchAccess {
		t.Fatalf("access stop %+v", s)
	}
	if k := e.Run(c); k != ExitSyscall {
		t.Fatalf("exit %v (the access watchpoint must not fire twice)", k)
	}
}

func TestIgnoredCPUDoesNotStop(t *testing.T) {
	e, c := newDebugToy(t, prog(ins(toyAddi, 1, 0, 5), ins(toySys, 0, 0, 0)))
	e.InsertBreakpoint(codeAddr)
	c.SetDebugged(false)
	if k := e.Run(c); k != ExitSyscall {
		t.Fatalf("exit %v", k)
	}
}
