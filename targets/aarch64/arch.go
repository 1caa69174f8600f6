package aarch64

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"

	"golang.org/x/arch/arm64/arm64asm"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Arch is the aarch64 guest CPU.
type Arch struct {
	model *model
}

func init() { targets.Register(&Arch{model: models[defaultModel]}) }

var _ targets.Arch = (*Arch)(nil)

func (*Arch) Name() string         { return "aarch64" }
func (*Arch) Machine() elf.Machine { return elf.EM_AARCH64 }
func (*Arch) Aliases() []string    { return []string{"arm64"} }
func (*Arch) UnameMachine() string { return "aarch64" }
func (*Arch) Platform() string     { return "aarch64" } // Linux ELF_PLATFORM

// AddressSpaceSize is 2^40 bytes: room for the Go arm64 runtime's heap
// arena hints (0x00c0<<32 upward) and for typical mmap layouts; Linux's
// 48-bit user space does not fit in one host reservation (NOTES.md).
func (*Arch) AddressSpaceSize() uint64 { return 1 << 40 }

// StackTop leaves the top page of the address space unused.
func (*Arch) StackTop() uint64 { return 1<<40 - translate.PageSize }

// Models lists the -cpu names.
func (*Arch) Models() []string { return modelNames() }

// SetModel selects a -cpu model ("" is max).
func (a *Arch) SetModel(name string) error {
	m, err := lookupModel(name)
	if err != nil {
		return err
	}
	a.model = m
	return nil
}

func (a *Arch) mod() *model {
	if a.model == nil {
		return models[defaultModel]
	}
	return a.model
}

// ResetCPU clears the state (Linux start_thread: all registers zero, FPCR
// zero) and sets PC and SP.
func (*Arch) ResetCPU(c *translate.CPU, entry, sp uint64) {
	c.R = [256]uint64{}
	c.PC = entry
	c.R[RegSP] = sp
	c.ClearReservation()
}

func (*Arch) SP(c *translate.CPU) uint64        { return c.R[RegSP] }
func (*Arch) SetSP(c *translate.CPU, v uint64)  { c.R[RegSP] = v }
func (*Arch) SetTLS(c *translate.CPU, v uint64) { c.R[RegTPIDR] = v }

// HWCap advertises exactly what the model implements
// (Linux arch/arm64/include/uapi/asm/hwcap.h).
func (a *Arch) HWCap() uint64 { return a.mod().hwcap() }

func (*Arch) HWCap2() uint64 { return 0 }

// Disassemble returns GNU syntax from x/arch's arm64asm, our own text for
// the encodings arm64asm does not know, or ".inst 0x…".
func (a *Arch) Disassemble(code []byte, pc uint64) (string, int) {
	if len(code) < 4 {
		return ".byte", 4
	}
	x := binary.LittleEndian.Uint32(code)
	if in, err := arm64asm.Decode(code[:4]); err == nil {
		return arm64asm.GNUSyntax(in), 4
	}
	if s, ok := formatExtra(x, a.mod()); ok {
		return s, 4
	}
	return fmt.Sprintf(".inst 0x%08x", x), 4
}

// DumpRegs prints the state like QEMU's aarch64_cpu_dump_state (-d cpu),
// followed by the FP/SIMD registers as with -d cpu,fpu.
func (*Arch) DumpRegs(w io.Writer, c *translate.CPU) {
	fmt.Fprintf(w, " PC=%016x ", c.PC)
	for i := 0; i < 31; i++ {
		sep := " "
		if (i+2)%3 == 0 {
			sep = "\n"
		}
		fmt.Fprintf(w, "X%02d=%016x%s", i, c.R[i], sep)
	}
	fmt.Fprintf(w, " SP=%016x\n", c.R[RegSP])
	f := c.R[RegNZCV]
	flag := func(bit uint64, ch byte) byte {
		if f&bit != 0 {
			return ch
		}
		return '-'
	}
	fmt.Fprintf(w, "PSTATE=%08x %c%c%c%c EL0t\n", f, flag(translate.FlagN, 'N'),
		flag(translate.FlagZ, 'Z'), flag(translate.FlagC, 'C'), flag(translate.FlagV, 'V'))
	fmt.Fprintf(w, "     FPCR=%08x FPSR=%08x\n", c.R[RegFPCR], c.R[RegFPSR])
	for i := uint32(0); i < 32; i++ {
		sep := " "
		if i&1 == 1 {
			sep = "\n"
		}
		fmt.Fprintf(w, "Q%02d=%016x:%016x%s", i, c.R[vhi(i)], c.R[vlo(i)], sep)
	}
}

// TranslationKey names what translation depends on besides the code: the
// -cpu model's features (translate.TranslationKeyer).
func (a *Arch) TranslationKey() string { return "aarch64/" + a.mod().name }
