package translate

import (
	"sync/atomic"
	"unsafe"
)

// ExitKind says why Run returned to the personality.
type ExitKind uint32

const (
	ExitNone      ExitKind = iota
	ExitSyscall            // guest issued a system call; cpu.PC is the next instruction
	ExitSignal             // synchronous guest signal: cpu.Exit.Signal/Code/Addr, cpu.PC is the faulting instruction
	ExitInterrupt          // cpu.RequestExit was called (pending signal, thread kill)
	ExitHalt               // target-defined stop (e.g. wfi in system mode)
)

// Synchronous signal numbers and si_code values used in ExitSignal (Linux
// include/uapi/asm-generic/signal.h and siginfo.h; same numbers on every
// target Linux supports here).
const (
	SIGILL  = 4
	SIGTRAP = 5
	SIGBUS  = 7
	SIGFPE  = 8
	SIGSEGV = 11

	ILL_ILLOPC  = 1
	ILL_ILLOPN  = 2
	ILL_PRVOPC  = 5
	TRAP_BRKPT  = 1
	SEGV_MAPERR = 1
	SEGV_ACCERR = 2
	BUS_ADRALN  = 1
	BUS_ADRERR  = 2
)

// ExitInfo details a synchronous signal exit.
type ExitInfo struct {
	Signal int
	Code   int
	Addr   uint64 // si_addr
	Insn   uint32 // the offending instruction word, for diagnostics
}

const jumpCacheSize = 4096

// CPU is one guest thread's architectural state plus the interpreter's
// per-thread caches. Targets define what the register slots mean.
type CPU struct {
	R  [256]uint64
	PC uint64

	Exit ExitInfo

	// LR/SC reservation (RISC-V A extension, Arm exclusive monitor).
	ResAddr  uint64
	ResVal   uint64
	ResValid bool
	ResSize  uint8

	exitReq atomic.Uint32

	memBase  unsafe.Pointer
	memLimit uint64
	mem      *AddressSpace

	engine    *Engine
	block     *Block // block being executed (for helper PCs and fault reports)
	curOp     *Op    // last memory op started, for fault PCs
	jumpCache [jumpCacheSize]*Block
	exitOp    *Op  // the direct exit exec left by (nextExit)
	chain     bool // exec may follow chains (false while -d exec/cpu hook)

	// InsnCount counts executed guest instructions when counting is on.
	InsnCount uint64

	// Env is the personality's per-thread data.
	Env any

	dbg *cpuDebug // debugger state (debug.go), nil until used

	shadow *shadowMem // set in lockstep's shadow CPU (lockstep.go)

	jit jitCPU // tier-2 state (jit.go)
}

// NewCPU makes a CPU bound to an engine and its address space.
func (e *Engine) NewCPU() *CPU {
	c := &CPU{engine: e, mem: e.mem}
	c.memBase = e.mem.base
	c.memLimit = e.mem.Limit()
	return c
}

// Clone copies the architectural state into a new CPU for a new thread.
func (c *CPU) Clone() *CPU {
	n := c.engine.NewCPU()
	n.R = c.R
	n.R[RegZero] = 0
	n.PC = c.PC
	return n
}

// Mem is the CPU's guest address space.
func (c *CPU) Mem() *AddressSpace { return c.mem }

// Engine returns the engine this CPU runs on.
func (c *CPU) Engine() *Engine { return c.engine }

// RequestExit makes Run return ExitInterrupt at the next block boundary.
// Safe to call from any goroutine.
func (c *CPU) RequestExit() { c.exitReq.Store(1) }

// ExitRequested reports whether an exit request is pending.
func (c *CPU) ExitRequested() bool { return c.exitReq.Load() != 0 }

// InsnPC is the guest PC of the instruction an op belongs to (for helpers).
func (c *CPU) InsnPC(op *Op) uint64 { return c.block.PC + uint64(op.PCOff) }

// Signal fills in a synchronous-signal exit for a helper to return.
func (c *CPU) Signal(op *Op, sig, code int, addr uint64) ExitKind {
	c.PC = c.InsnPC(op)
	c.Exit = ExitInfo{Signal: sig, Code: code, Addr: addr}
	return ExitSignal
}

// ClearReservation drops the LR/SC reservation (on signals, context switches).
func (c *CPU) ClearReservation() { c.ResValid = false }
