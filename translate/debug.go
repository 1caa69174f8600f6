package translate

import (
	"bytes"
	"sync"
	"sync/atomic"
)

// Debugger support (gdbstub): breakpoints, single-stepping and watchpoints.
//
// Nothing here runs unless a debugger is attached (StartDebug): Run then
// uses debugLoop instead of loop, so the interpreter and the normal loop
// carry no debugger checks at all.
//
//   - Breakpoints do not patch guest code. The Builder ends a block before
//     every breakpoint address (Builder.Full), so each one starts a block,
//     and debugLoop, which never chains, checks the PC of every block it is
//     about to run. Inserting or removing one drops the translations that
//     contain the address. A breakpoint stops the CPU before the
//     instruction runs (StopBreakpoint), as a software breakpoint does.
//   - Stepping (CPU.SetStep) runs a block of one instruction, then stops
//     (StopStep) before the next one; a step over a system call ends once
//     the call is done. A breakpoint at the PC a step starts from does not
//     stop it: the step runs that instruction.
//   - Watchpoints: while any is set, every instruction runs alone in a
//     one-instruction block translated with probes (Builder.probe) before
//     its loads and stores. A probe that sees an access to a read or
//     access watchpoint's bytes records it and the CPU stops after the
//     instruction. Write (and access) watchpoints are also checked by
//     value: the watched bytes are compared with their last seen contents
//     before every instruction, so writes by helpers (vector stores) and
//     by system calls are seen too; stores of an unchanged value are not
//     reported, which is what GDB does with them anyway. Loads done inside
//     target helpers (vector loads) are not probed: TODO(#6).
//     Watchpoint stops come after the access, like QEMU's (StopWatch).
//
// All-stop coordination between guest threads is the debugger's business:
// the Engine only stops the CPU that hit something (ExitDebug).

// ExitDebug is the ExitKind Run returns when the CPU stops for the
// debugger; CPU.DebugStop says why.
const ExitDebug ExitKind = 16

// StopReason says why a CPU stopped with ExitDebug.
type StopReason uint8

const (
	StopNone       StopReason = iota
	StopBreakpoint            // c.PC is a breakpoint, not yet executed
	StopStep                  // one instruction ran (CPU.SetStep)
	StopWatch                 // the instruction before c.PC hit a watchpoint
)

// WatchKind is the access a watchpoint catches.
type WatchKind uint8

const (
	WatchWrite  WatchKind = 1 << iota // value changes (GDB "watch")
	WatchRead                         // loads (GDB "rwatch")
	WatchAccess = WatchWrite | WatchRead
)

// DebugStop details an ExitDebug stop.
type DebugStop struct {
	Reason StopReason
	Addr   uint64    // StopWatch: the data address that triggered
	Kind   WatchKind // StopWatch: the watchpoint's kind
}

// watchpoint is one watched range. old holds the bytes last seen (for
// write and access kinds), guarded by debugState.mu.
type watchpoint struct {
	addr, n uint64
	kind    WatchKind
	old     []byte
}

// debugState is an engine's debugger state. Readers on the hot side of
// debugging (translation, every step) load the immutable breaks and
// watches snapshots; writers copy them under mu.
type debugState struct {
	mu      sync.Mutex
	breaks  atomic.Pointer[map[uint64]bool]
	watches atomic.Pointer[[]*watchpoint]
	// steps caches the one-instruction (probed) blocks used for stepping
	// and watching, apart from the normal cache.
	steps *blockCache
}

// cpuDebug is one CPU's debugger state (CPU.dbg).
type cpuDebug struct {
	step     bool      // stop after one instruction
	stepDone bool      // the step's instruction ran; stop before the next
	ignore   bool      // this CPU never stops for the debugger
	hit      DebugStop // a probe hit in the instruction being run
	hitW     *watchpoint
	stop     DebugStop // why the last ExitDebug happened
}

// StartDebug attaches a debugger: from the next Run on, CPUs run under
// debugLoop. Existing translations are dropped so no chain skips a
// breakpoint check.
func (e *Engine) StartDebug() {
	if e.dbg.Load() != nil {
		return
	}
	d := &debugState{steps: newBlockCache()}
	d.breaks.Store(&map[uint64]bool{})
	d.watches.Store(&[]*watchpoint{})
	e.dbg.Store(d)
	e.FlushAll()
}

// StopDebug detaches the debugger: breakpoints and watchpoints go, and CPUs
// in debugLoop go back to the normal loop at their next block.
func (e *Engine) StopDebug() {
	if e.dbg.Swap(nil) != nil {
		e.FlushAll()
	}
}

// Debugging reports whether a debugger is attached.
func (e *Engine) Debugging() bool { return e.dbg.Load() != nil }

// InsertBreakpoint stops CPUs before they run the instruction at pc.
func (e *Engine) InsertBreakpoint(pc uint64) { e.setBreakpoint(pc, true) }

// RemoveBreakpoint removes the breakpoint at pc.
func (e *Engine) RemoveBreakpoint(pc uint64) { e.setBreakpoint(pc, false) }

func (e *Engine) setBreakpoint(pc uint64, on bool) {
	d := e.dbg.Load()
	if d == nil {
		return
	}
	d.mu.Lock()
	old := *d.breaks.Load()
	if old[pc] == on {
		d.mu.Unlock()
		return
	}
	m := make(map[uint64]bool, len(old)+1)
	for k := range old {
		m[k] = true
	}
	if on {
		m[pc] = true
	} else {
		delete(m, pc)
	}
	d.breaks.Store(&m)
	d.mu.Unlock()
	// Blocks running through pc must be split there (or may merge again).
	if e.sys {
		e.FlushAll() // system-mode blocks are indexed by physical page
	} else {
		e.cache.invalidate(pc, pc+1)
	}
}

// breakpoints is the breakpoint set for the Builder, nil when none.
func (e *Engine) breakpoints() map[uint64]bool {
	d := e.dbg.Load()
	if d == nil {
		return nil
	}
	if m := *d.breaks.Load(); len(m) > 0 {
		return m
	}
	return nil
}

// InsertWatchpoint watches [addr, addr+n) for kind accesses. The range
// must be mapped (its current bytes are the baseline of value checks).
func (e *Engine) InsertWatchpoint(addr, n uint64, kind WatchKind) error {
	d := e.dbg.Load()
	// System mode has no watchpoints (the gdbstub says Z2-Z4 are
	// unsupported, and GDB single-steps and compares instead).
	if d == nil || n == 0 || kind == 0 || e.sys {
		return ErrInvalid
	}
	w := &watchpoint{addr: addr, n: n, kind: kind, old: make([]byte, n)}
	if err := e.mem.Read(addr, w.old); err != nil {
		if err := e.readAny(addr, w.old); err != nil {
			return err
		}
	}
	d.mu.Lock()
	ws := append(append([]*watchpoint(nil), *d.watches.Load()...), w)
	d.watches.Store(&ws)
	d.mu.Unlock()
	return nil
}

// RemoveWatchpoint removes a watchpoint inserted with the same arguments;
// it reports whether there was one.
func (e *Engine) RemoveWatchpoint(addr, n uint64, kind WatchKind) bool {
	d := e.dbg.Load()
	if d == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	old := *d.watches.Load()
	for i, w := range old {
		if w.addr == addr && w.n == n && w.kind == kind {
			ws := append(append([]*watchpoint(nil), old[:i]...), old[i+1:]...)
			d.watches.Store(&ws)
			return true
		}
	}
	return false
}

// readAny reads mapped guest memory whatever its protection.
func (e *Engine) readAny(addr uint64, buf []byte) error {
	if !e.mem.rangeHas(addr, uint64(len(buf)), 0) {
		return ErrFault
	}
	copy(buf, e.mem.hostSlice(addr, uint64(len(buf))))
	return nil
}

// SetStep makes the CPU stop after its next instruction (or not). Call it
// while the CPU is not running; it also forgets a finished step.
func (c *CPU) SetStep(on bool) {
	d := c.debug()
	d.step, d.stepDone = on, false
}

// SetDebugged(false) exempts the CPU from breakpoints, watchpoints and
// steps (a vfork child running on a debugged engine).
func (c *CPU) SetDebugged(on bool) { c.debug().ignore = !on }

// DebugStop says why Run last returned ExitDebug.
func (c *CPU) DebugStop() DebugStop {
	if c.dbg == nil {
		return DebugStop{}
	}
	return c.dbg.stop
}

func (c *CPU) debug() *cpuDebug {
	if c.dbg == nil {
		c.dbg = &cpuDebug{}
	}
	return c.dbg
}

// debugLoop runs c one block at a time, without chaining, checking for
// debugger stops between blocks. It returns ExitNone when the debugger
// detaches, and Run goes on with the normal loop.
func (e *Engine) debugLoop(c *CPU, d *debugState) ExitKind {
	c.chain = false
	cd := c.debug()
	first := true
	for e.dbg.Load() == d {
		if c.exitReq.Load() != 0 {
			c.exitReq.Store(0)
			return ExitInterrupt
		}
		if !cd.ignore {
			if s := d.stopBefore(c, cd, first); s.Reason != StopNone {
				cd.stop = s
				return ExitDebug
			}
		}
		first = false
		var b *Block
		if (cd.step || len(*d.watches.Load()) > 0) && !cd.ignore {
			b = d.stepBlock(e, c, c.PC)
		} else {
			b, _ = e.find(c, c.PC)
		}
		cd.hit, cd.hitW = DebugStop{}, nil
		c.block = b
		r := exec(c, &b.Ops[0])
		switch r {
		case nextExit:
			c.PC = uint64(c.exitOp.Imm)
		case int(ExitException):
			// The instruction did not complete: no step, no watch hit.
			return ExitException
		}
		if cd.step && !cd.ignore {
			cd.stepDone = true
		}
		if cd.hit.Reason != StopNone && !cd.ignore {
			// An access watchpoint written to is reported once, not
			// again by the value check.
			d.rebase(c.mem, cd.hitW)
			cd.stop = cd.hit
			return ExitDebug
		}
		if r >= 0 {
			return ExitKind(r)
		}
	}
	return ExitNone
}

// stopBefore decides whether c stops before running the instruction at
// c.PC: a finished step, a watched value that changed, a breakpoint.
func (d *debugState) stopBefore(c *CPU, cd *cpuDebug, first bool) DebugStop {
	if cd.stepDone {
		cd.stepDone, cd.step = false, false
		return DebugStop{Reason: StopStep}
	}
	if s := d.changed(c.mem); s.Reason != StopNone {
		return s
	}
	if (*d.breaks.Load())[c.PC] && !(first && cd.step) {
		return DebugStop{Reason: StopBreakpoint}
	}
	return DebugStop{}
}

// changed compares write and access watchpoints with their last seen
// bytes; the first that differs is reported and gets the new baseline.
func (d *debugState) changed(mem *AddressSpace) DebugStop {
	ws := *d.watches.Load()
	if len(ws) == 0 {
		return DebugStop{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, w := range ws {
		if w.kind&WatchWrite == 0 || !mem.rangeHas(w.addr, w.n, 0) {
			continue
		}
		cur := mem.hostSlice(w.addr, w.n)
		if !bytes.Equal(cur, w.old) {
			copy(w.old, cur)
			return DebugStop{Reason: StopWatch, Addr: w.addr, Kind: w.kind}
		}
	}
	return DebugStop{}
}

// rebase takes the current bytes of w as its baseline.
func (d *debugState) rebase(mem *AddressSpace, w *watchpoint) {
	if w == nil || w.kind&WatchWrite == 0 || !mem.rangeHas(w.addr, w.n, 0) {
		return
	}
	d.mu.Lock()
	copy(w.old, mem.hostSlice(w.addr, w.n))
	d.mu.Unlock()
}

// stepBlock returns the one-instruction, probed block at pc.
func (d *debugState) stepBlock(e *Engine, c *CPU, pc uint64) *Block {
	if e.sys {
		return e.sysStepBlock(c, pc)
	}
	if b := d.steps.get(pc); b != nil {
		return b
	}
	b, cacheable := e.build(&Builder{mem: e.mem, start: pc, pc: pc, single: true, probe: true})
	if cacheable {
		b = d.steps.put(b)
	}
	return b
}

// probeOp precedes a memory op in a probed block: it checks the op's
// address against the read and access watchpoints (before the access, so
// a faulting access is still seen; the stop itself waits for the
// instruction to finish). Aux is the WatchKind of the access.
func (b *Builder) probeOp(op *Op) {
	var size uint8
	kind := WatchRead
	switch op.Code {
	case OpLoad8, OpLoad8S:
		size = 1
	case OpLoad16, OpLoad16S:
		size = 2
	case OpLoad32, OpLoad32S:
		size = 4
	case OpLoad64:
		size = 8
	case OpStore8, OpStore16, OpStore32, OpStore64:
		size, kind = 1<<(op.Code-OpStore8), WatchWrite
	case OpAmo, OpCas:
		size, kind = op.Size, WatchAccess
		if op.Code == OpAmo && op.Aux == AmoSwap && op.Dst == RegSink {
			kind = WatchWrite // a store-release: nothing is read
		}
	case OpLR:
		size = op.Size
	case OpSC:
		size, kind = op.Size, WatchWrite
	default:
		return
	}
	imm := op.Imm
	if op.Code == OpAmo || op.Code == OpLR || op.Code == OpSC || op.Code == OpCas {
		imm = 0 // atomics take R[A] without displacement
	}
	b.ops = append(b.ops, Op{Code: OpCall, Fn: watchProbe, A: op.A, Imm: imm, Size: size,
		Aux: uint8(kind), PCOff: op.PCOff})
}

// watchProbe records an access to a read or access watchpoint's bytes.
func watchProbe(c *CPU, op *Op) ExitKind {
	d := c.engine.dbg.Load()
	if d == nil {
		return ExitNone
	}
	addr := c.R[op.A] + uint64(op.Imm)
	end := addr + uint64(op.Size)
	for _, w := range *d.watches.Load() {
		if w.kind&WatchRead == 0 || WatchKind(op.Aux)&w.kind == 0 {
			continue // write watchpoints go by value (debugState.changed)
		}
		if addr < w.addr+w.n && w.addr < end {
			cd := c.debug()
			cd.hit, cd.hitW = DebugStop{Reason: StopWatch, Addr: max(addr, w.addr), Kind: w.kind}, w
			return ExitNone
		}
	}
	return ExitNone
}
