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
	ExitException          // an architectural exception: cpu.Exit, cpu.PC is the faulting instruction
	ExitInterrupt          // cpu.RequestExit was called (pending signal, thread kill)
	ExitHalt               // target-defined stop (e.g. wfi in system mode)
)

// Exception is an architectural event that stops guest code (ExitException).
// The core and the targets raise these; each personality maps them to its
// own signals and codes (Linux: usermode/signal.go faultSignal).
type Exception uint8

const (
	ExcNone       Exception = iota
	ExcIllegal              // an undefined or unimplemented instruction (or one the -cpu model lacks)
	ExcBreakpoint           // a breakpoint instruction (brk, ebreak)
	ExcUnmapped             // an access (fetch, load or store) to an unmapped address
	ExcProtection           // an access the page's protection forbids
	ExcMisaligned           // a misaligned access the architecture faults on, or a misaligned PC
	ExcNoBacking            // an access to a file mapping's page wholly past the end of the file
	ExcPageFault            // system mode: the MMU's page walk failed or forbids the access
	numExceptions
)

// ExitInfo details an exception exit.
type ExitInfo struct {
	Exception Exception
	Addr      uint64 // the faulting address (the PC for instruction faults)
	Insn      uint32 // the offending instruction word, for diagnostics
	// Access is the kind of access that faulted (system mode's MMU sets it).
	Access AccessKind
}

// jumpCacheSize is the entries of the interpreter's jump cache (of
// *Block: the GC scans it, so it stays small), jitJCSize those of compiled
// code's: 16384 keeps Go programs' return addresses (gofmt missed 1.0M
// times with 4096, 0.54M with 16384, 0.18 s of 2.1) at 256 KiB per thread,
// touched only where used.
const (
	jumpCacheSize = 4096
	jitJCSize     = 16384
)

// jumpSlot is a PC's slot in compiled code's jump cache: PC bits from 1
// up, with bits from 12 up folded in, so that 4-byte-aligned code (Arm)
// uses the odd slots too and blocks 8 KiB apart do not always collide.
// Compiled code computes it too (jitcontrol.go); the interpreter's cache
// takes its low bits (interpSlot).
func jumpSlot(pc uint64) uint64 { return (pc>>1 ^ pc>>12) & (jitJCSize - 1) }

// interpSlot is a PC's slot in the interpreter's jump cache.
func interpSlot(pc uint64) uint64 { return jumpSlot(pc) & (jumpCacheSize - 1) }

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
	// slow sends every access to slowPtr: lockstep's shadow CPU and system
	// mode's, whose accesses go through mmu (softmmu.go).
	slow bool
	mmu  SoftMMU
	// The soft TLBs of system mode's current context (softmmu.go), and
	// the jump-cache slots filled since the context last changed.
	tlbLoad, tlbStore *TLB
	jcDirty           []uint16
	jcFull            bool

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
	if e.mem != nil {
		c.memBase = e.mem.base
		c.memLimit = e.mem.Limit()
	}
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

// Raise fills in an exception exit at op's instruction for a helper to return.
func (c *CPU) Raise(op *Op, exc Exception, addr uint64) ExitKind {
	c.PC = c.InsnPC(op)
	c.Exit = ExitInfo{Exception: exc, Addr: addr}
	return ExitException
}

// FetchFault raises the exception of an instruction fetch at addr that
// failed: ExcProtection when the page is mapped without execute
// permission, else ExcUnmapped.
func (c *CPU) FetchFault(op *Op, addr uint64) ExitKind {
	if c.mmu != nil {
		return c.mmu.FetchFault(c, op, addr)
	}
	if _, mapped := c.mem.ProtAt(addr); mapped {
		return c.Raise(op, ExcProtection, addr)
	}
	return c.Raise(op, ExcUnmapped, addr)
}

// ClearReservation drops the LR/SC reservation (on signals, context switches).
func (c *CPU) ClearReservation() { c.ResValid = false }
