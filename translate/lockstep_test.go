package translate

import (
	"strings"
	"testing"
	"unsafe"
)

// Lockstep compares each compiled run with the interpreter's. Random
// programs agree (TestJITRandomBlocks runs them in lockstep too); here a
// helper that behaves differently in the shadow CPU stands for a tier-2
// bug, which lockstep must report with the register or byte that differs.

// helperShadowReg writes Dst = 1 in the shadow CPU and 2 otherwise.
func helperShadowReg(c *CPU, op *Op) ExitKind {
	c.R[op.Dst] = 1
	if c.shadow == nil {
		c.R[op.Dst] = 2
	}
	return ExitNone
}

// helperShadowMem stores one byte at R[A]: 0x11 in the shadow, 0x22 otherwise.
func helperShadowMem(c *CPU, op *Op) ExitKind {
	p, k := c.HostRange(op, c.R[op.A], 1, true)
	if k != ExitNone {
		return k
	}
	*(*byte)(p) = 0x11
	if c.shadow == nil {
		*(*byte)(p) = 0x22
	}
	return ExitNone
}

// clockTicks stands for a host clock: a new value on every read.
var clockTicks uint64

// helperClock reads the clock through Nondet.
func helperClock(c *CPU, op *Op) ExitKind {
	clockTicks++
	c.R[op.Dst] = c.Nondet(clockTicks)
	return ExitNone
}

// lockstepRun runs ops as one block ending in a syscall, under lockstep,
// and returns the mismatch report ("" when none) and the CPU.
func lockstepRun(t *testing.T, ops ...Op) (report string, c *CPU) {
	t.Helper()
	ops = append(ops, Op{Code: OpSyscall, Imm: scriptCode + 0x100})
	e := scriptEngine(t, script{scriptCode: ops}, 0x1000, JITLockstep)
	if _, err := e.mem.Map(MapSpec{Addr: scriptData, Length: 0x1000, Prot: ProtRead | ProtWrite, Fixed: true, FD: -1}); err != nil {
		t.Fatal(err)
	}
	c = e.NewCPU()
	c.PC, c.R[regDataBase] = scriptCode, scriptData
	defer func() {
		if r := recover(); r != nil {
			m, ok := r.(lockstepMismatch)
			if !ok {
				panic(r)
			}
			report = string(m)
		}
	}()
	if k := e.Run(c); k != ExitSyscall {
		t.Fatalf("exit %d, want a syscall", k)
	}
	return "", c
}

func TestLockstepReportsRegisterMismatch(t *testing.T) {
	report, _ := lockstepRun(t, Op{Code: OpAddI, Dst: 4, A: RegZero, Imm: 9}, Op{Code: OpCall, Fn: helperShadowReg, Dst: 3})
	if !strings.Contains(report, "R[3]: interpreter 0x1, tier 2 0x2") || strings.Contains(report, "R[4]") {
		t.Fatalf("report:\n%s", report)
	}
}

func TestLockstepReportsMemoryMismatch(t *testing.T) {
	report, _ := lockstepRun(t, Op{Code: OpAddI, Dst: 5, A: regDataBase, Imm: 0x40}, Op{Code: OpCall, Fn: helperShadowMem, A: 5})
	want := "memory 0x40040: interpreter 0x11, tier 2 0x22"
	if !strings.Contains(report, want) {
		t.Fatalf("report:\n%s\nwant %q", report, want)
	}
}

// The shadow's stores stay in its log: guest memory holds only the
// compiled run's, and a load after a store in the same block sees it.
func TestLockstepShadowStoresStayInTheLog(t *testing.T) {
	report, c := lockstepRun(t,
		Op{Code: OpMovI, Dst: 1, Imm: 0x0102030405060708},
		Op{Code: OpStore64, A: regDataBase, B: 1, Imm: 8},
		Op{Code: OpLoad16, Dst: 2, A: regDataBase, Imm: 10},
		Op{Code: OpAmo, Aux: AmoAdd, Size: 8, Dst: 3, A: regDataBase, B: 1},
		Op{Code: OpCall, Fn: helperClock, Dst: 6})
	if report != "" {
		t.Fatalf("a correct block reported:\n%s", report)
	}
	// The compiled run sees the shadow's clock reading, replayed.
	if c.R[2] != 0x0506 || c.R[6] != clockTicks-1 {
		t.Fatalf("load after store %#x, clock %d (last two ticks %d, %d)", c.R[2], c.R[6], clockTicks-1, clockTicks)
	}
	got := *(*uint64)(unsafe.Add(c.memBase, scriptData+8))
	if sum := *(*uint64)(unsafe.Add(c.memBase, scriptData)); got != 0x0102030405060708 || sum != 0x0102030405060708 {
		t.Fatalf("memory %#x and %#x: a store applied twice or not at all", got, sum)
	}
	if checked, _ := LockstepStats(); checked == 0 {
		t.Fatal("no run was compared")
	}
}

// A fault is compared too: both runs stop at the store to a read-only
// page with the same signal (a difference would panic).
func TestLockstepFaults(t *testing.T) {
	ops := []Op{{Code: OpMovI, Dst: 1, Imm: 7}, {Code: OpStore32, A: regDataBase, B: 1, Imm: 0x1004},
		{Code: OpSyscall, Imm: scriptCode + 0x100}}
	e := scriptEngine(t, script{scriptCode: ops}, 0x1000, JITLockstep)
	for _, m := range []MapSpec{
		{Addr: scriptData, Length: 0x1000, Prot: ProtRead | ProtWrite, Fixed: true, FD: -1},
		{Addr: scriptData + 0x1000, Length: 0x1000, Prot: ProtRead, Fixed: true, FD: -1},
	} {
		if _, err := e.mem.Map(m); err != nil {
			t.Fatal(err)
		}
	}
	c := e.NewCPU()
	c.PC, c.R[regDataBase] = scriptCode, scriptData
	k := e.Run(c)
	if k != ExitException || c.Exit.Exception != ExcProtection || c.Exit.Addr != scriptData+0x1004 {
		t.Fatalf("exit %d %+v, want a protection fault at %#x", k, c.Exit, scriptData+0x1004)
	}
}
