// Package debugapi is the contract between an emulated guest and a
// debugger stub (package gdbstub): what the stub sees of the guest, and
// what the guest tells the stub about its threads, stops, signals and end.
// User mode's personalities and the full-system mode implement Target; the
// stub implements Stub and Thread. Neither side imports the other.
//
// Signal numbers on both sides are Linux's (asm-generic/signal.h); a
// personality with other numbers converts at its side. TODO(#18): FreeBSD.
package debugapi

import (
	"debug/elf"

	"github.com/gemu-project/gemu/translate"
)

// Target is the emulated guest as a stub sees it.
type Target interface {
	// Machine is the guest CPU's ELF machine; it selects the registers.
	Machine() elf.Machine
	// Engine runs the guest's code: memory, breakpoints, single steps.
	Engine() *translate.Engine
	// Pid is the id of the guest's first thread.
	Pid() int
	// ExecFile is the absolute path of the running program ("" if none).
	ExecFile() string
	// Auxv is the auxiliary vector as /proc/self/auxv shows it (nil if none).
	Auxv() []byte
	// Kill ends the guest as SIGKILL would.
	Kill()
	// OpenHostFiles runs open, which makes the stub's own descriptors (its
	// connection), where they stay out of the guest's way.
	OpenHostFiles(open func() error) error
}

// Stub is a debugger stub attached to the guest.
type Stub interface {
	// Attach is called once on the main thread before the guest's first
	// instruction. It turns on the engine's debugging and returns quickly;
	// the stub holds the thread in its first Thread.Enter.
	Attach(t Target)
	// ThreadStarted registers a guest thread, on its own goroutine,
	// before it runs guest code.
	ThreadStarted(tid int, cpu *translate.CPU) Thread
	// Exited is called once when the guest ends, before the emulator
	// exits, from whichever goroutine ends it.
	Exited(e Exit)
}

// Exit is how the guest ended: an exit code, or the signal that killed it.
type Exit struct {
	Code   int // exit status (0-255)
	Signal int // non-zero: killed by this signal
}

// Thread is the stub's side of one guest thread. Every method is called on
// the thread's goroutine. Those that block return a signal the debugger
// wants delivered to the thread, or 0.
type Thread interface {
	// Enter is called before the thread runs guest code; it blocks while
	// the debugger holds the thread stopped.
	Enter() int
	// Leave is called when the thread leaves guest code (system call,
	// signal, exit request): from then on the stub may consider it stopped.
	Leave()
	// Trap reports a debugger stop (translate.ExitDebug; the CPU's
	// DebugStop says why) and blocks until the thread is resumed.
	Trap() int
	// Signal reports that sig is about to be delivered to the thread and
	// blocks until the thread is resumed. It returns the signal to deliver
	// instead: sig, another one, or 0 to discard it.
	Signal(sig int) int
	// Exited is called when the thread ends.
	Exited()
}
