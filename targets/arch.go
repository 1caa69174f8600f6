// Package targets holds what every guest CPU offers the personalities; each
// CPU lives in its own sub-folder (targets/riscv64, targets/aarch64) and
// registers itself here from an init function.
package targets

import (
	"debug/elf"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/gemu-project/gemu/translate"
)

// Arch is one guest CPU: its translator plus the conventions the loader and
// the OS personalities need.
type Arch interface {
	translate.Target

	// Machine is the ELF e_machine this CPU runs.
	Machine() elf.Machine
	// Aliases are extra names accepted for the multi-call binary and -cpu
	// lookups (e.g. "arm64" for aarch64).
	Aliases() []string

	// AddressSpaceSize is the size of the user-mode guest address space
	// (the host reservation); StackTop is where the initial stack ends.
	AddressSpaceSize() uint64
	StackTop() uint64

	// SetModel selects the CPU model for -cpu ("" is the default); it
	// errors for unknown names. Models lists the names for -cpu help.
	SetModel(name string) error
	Models() []string

	// ResetCPU prepares c for a new program: registers zeroed, PC and SP set.
	ResetCPU(c *translate.CPU, entry, sp uint64)

	SP(c *translate.CPU) uint64
	SetSP(c *translate.CPU, v uint64)
	// SetTLS sets the thread pointer (CLONE_SETTLS).
	SetTLS(c *translate.CPU, v uint64)

	// HWCap values and AT_PLATFORM for the auxiliary vector; UnameMachine
	// is uname(2)'s machine field.
	HWCap() uint64
	HWCap2() uint64
	Platform() string
	UnameMachine() string

	// Disassemble decodes one instruction at pc for -d in_asm; it returns
	// the text and the instruction's length (at least 2 for bad input).
	Disassemble(code []byte, pc uint64) (string, int)
	// DumpRegs writes the register file for -d cpu.
	DumpRegs(w io.Writer, c *translate.CPU)
}

var (
	mu       sync.Mutex
	registry []Arch
)

// Register adds a CPU; targets call it from init.
func Register(a Arch) {
	mu.Lock()
	defer mu.Unlock()
	registry = append(registry, a)
}

// All lists the registered CPUs by name.
func All() []Arch {
	mu.Lock()
	defer mu.Unlock()
	out := append([]Arch(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// ByMachine finds the CPU for an ELF e_machine.
func ByMachine(m elf.Machine) (Arch, error) {
	for _, a := range All() {
		if a.Machine() == m {
			return a, nil
		}
	}
	return nil, fmt.Errorf("unsupported machine %v", m)
}

// ByName finds a CPU by its name or an alias.
func ByName(name string) (Arch, error) {
	for _, a := range All() {
		if a.Name() == name {
			return a, nil
		}
		for _, al := range a.Aliases() {
			if al == name {
				return a, nil
			}
		}
	}
	return nil, fmt.Errorf("unknown target %q", name)
}

// CoreRegs is implemented by targets whose Linux ELF core-file notes are
// known (include/uapi/linux/elf.h, the arch's asm/elf.h and asm/ptrace.h).
type CoreRegs interface {
	// CoreGRegs is elf_gregset_t, the pr_reg of an NT_PRSTATUS note.
	CoreGRegs(c *translate.CPU) []byte
	// CoreFPRegs is the NT_FPREGSET (NT_PRFPREG) note's contents.
	CoreFPRegs(c *translate.CPU) []byte
	// CoreExtra are further per-thread notes, such as arm64's NT_ARM_TLS.
	CoreExtra(c *translate.CPU) []CoreNote
}

// CoreNote is one ELF note of a core file; the extra register notes are
// named "LINUX" (fs/binfmt_elf.c fill_thread_core_info).
type CoreNote struct {
	Type uint32
	Desc []byte
}

// CPUInfo is implemented by targets that describe their CPU in
// /proc/cpuinfo: one processor's block, blank line included.
type CPUInfo interface {
	CPUInfo(cpu int) string
}
