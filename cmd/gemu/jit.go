package main

import (
	"fmt"
	"os"

	"golang.org/x/arch/x86/x86asm"

	"github.com/gemu-project/gemu/translate"
)

// jitDefault is tier 2's mode when neither -jit nor GEMU_JIT says.
const jitDefault = translate.JITOn

// parseJIT reads -jit (or GEMU_JIT): on, off, force, lockstep; -d nochain
// keeps compiled blocks unchained.
func parseJIT(v string, logs *logConfig) (translate.JITMode, error) {
	m := jitDefault
	switch v {
	case "":
	case "on":
		m = translate.JITOn
	case "off":
		m = translate.JITOff
	case "force":
		m = translate.JITForce
	case "lockstep":
		m = translate.JITLockstep
	default:
		return 0, fmt.Errorf("-jit: %q is not on, off, force or lockstep", v)
	}
	if (m == translate.JITOn || m == translate.JITForce) && logs.on("nochain") {
		m = translate.JITNochain
	}
	return m, nil
}

// setJIT applies the mode to a new engine. Tier 2 stays off under the
// per-block hooks (-d exec, cpu), -one-insn-per-tb and the debugger, which
// need every block to go through the interpreter's loop.
func setJIT(e *translate.Engine, cfg *config) {
	m := cfg.jitMode
	if m == translate.JITOff || cfg.oneInsn || cfg.gdb != nil {
		e.SetJIT(translate.JITOff)
		return
	}
	if err := e.SetJIT(m); err != nil {
		if cfg.jit != "" {
			fmt.Fprintf(os.Stderr, "gemu: %v; running without it\n", err)
		}
		return
	}
	if cfg.logs.on("out_asm") {
		l := cfg.logs
		e.OnCompile = func(b *translate.Block, code []byte, addr uintptr) { l.outAsm(b, code, addr) }
	}
}

// outAsm prints a compiled block's host code in qemu's OUT: format.
func (l *logConfig) outAsm(b *translate.Block, code []byte, addr uintptr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.out, "OUT: [guest %#x, %d bytes]\n", b.PC, len(code))
	for off := 0; off < len(code); {
		inst, err := x86asm.Decode(code[off:], 64)
		if err != nil {
			fmt.Fprintf(l.out, "0x%012x:  .byte %#x\n", addr+uintptr(off), code[off])
			off++
			continue
		}
		pc := uint64(addr) + uint64(off)
		fmt.Fprintf(l.out, "0x%012x:  %s\n", pc, x86asm.IntelSyntax(inst, pc, nil))
		off += inst.Len
	}
	fmt.Fprintln(l.out)
}

// printTiers is `gemu info tiers`.
func printTiers() {
	host := "available on this host"
	if err := translate.JITAvailable(); err != nil {
		host = err.Error()
	}
	fmt.Println("tier 1  interpreter over pre-decoded micro-ops: every block, cold code, and whatever tier 2 leaves to it")
	fmt.Printf("tier 2  amd64 code for blocks run %d times (-jit on, the default), every block (-jit force) or none (-jit off): %s\n",
		translate.JITThreshold(), host)
	fmt.Println("        -jit lockstep: every block compiled, unchained, and its runs checked against the interpreter's (a test mode)")
}

// jitTotals prints tier 2's totals (-d jit).
func (l *logConfig) jitTotals() {
	blocks, bytes, compile := translate.JITStats()
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.out, "tier 2: %d blocks compiled, %d bytes of code, %v compiling, %d arena flushes\n",
		blocks, bytes, compile, translate.JITFlushes())
	if checked, skipped := translate.LockstepStats(); checked+skipped > 0 {
		fmt.Fprintf(l.out, "lockstep: %d runs compared with the interpreter, %d could not be\n", checked, skipped)
	}
}
