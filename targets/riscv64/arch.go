package riscv64

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"golang.org/x/arch/riscv64/riscv64asm"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Arch is the riscv64 guest CPU.
type Arch struct {
	model string
}

func init() { targets.Register(&Arch{model: "rv64"}) }

var _ targets.Arch = (*Arch)(nil)

func (*Arch) Name() string         { return "riscv64" }
func (*Arch) Machine() elf.Machine { return elf.EM_RISCV }
func (*Arch) Aliases() []string    { return []string{"riscv", "rv64"} }
func (*Arch) UnameMachine() string { return "riscv64" }
func (*Arch) Platform() string     { return "" } // Linux riscv sets no AT_PLATFORM

// AddressSpaceSize is the Sv39 user half: 2^38 bytes
// (Linux arch/riscv/include/asm/pgtable.h, TASK_SIZE for Sv39).
func (*Arch) AddressSpaceSize() uint64 { return 1 << 38 }

// StackTop leaves the top page of the user range unused.
func (*Arch) StackTop() uint64 { return 1<<38 - translate.PageSize }

// Models lists the -cpu names: every model has the full RV64GC+Zba/Zbb/Zbs set.
func (*Arch) Models() []string { return []string{"rv64", "max"} }

// SetModel selects a -cpu model ("" is rv64).
func (a *Arch) SetModel(name string) error {
	switch name {
	case "":
		a.model = "rv64"
	case "rv64", "max":
		a.model = name
	default:
		return fmt.Errorf("riscv64: unknown CPU model %q (have rv64, max)", name)
	}
	return nil
}

// ResetCPU clears the state and sets pc, sp and a0 = 0 (no rtld_fini;
// Linux ELF_PLAT_INIT zeroes the registers).
func (*Arch) ResetCPU(c *translate.CPU, entry, sp uint64) {
	c.R = [256]uint64{}
	c.PC = entry
	c.R[RegSP] = sp
	c.ClearReservation()
}

func (*Arch) SP(c *translate.CPU) uint64 { return c.R[RegSP] }

func (*Arch) SetSP(c *translate.CPU, v uint64) { c.R[RegSP] = v }

func (*Arch) SetTLS(c *translate.CPU, v uint64) { c.R[RegTP] = v }

// HWCap is the single-letter ISA bit mask, bit (letter - 'A')
// (Linux arch/riscv/include/uapi/asm/hwcap.h, COMPAT_HWCAP_ISA_*).
func (*Arch) HWCap() uint64 {
	var m uint64
	for _, l := range "IMAFDC" {
		m |= 1 << (l - 'A')
	}
	return m
}

func (*Arch) HWCap2() uint64 { return 0 }

// riscv64asm keeps a package-level coverage slice it writes on every
// decode; serialize our calls.
var disasmMu sync.Mutex

// Disassemble returns GNU syntax for the instruction at the start of code.
// Compressed instructions are shown as their 32-bit expansions (x/arch
// does the same, but v0.32.0 decodes c.j offsets wrongly; see
// decode_test.go), so our expansion is what gets printed.
func (*Arch) Disassemble(code []byte, pc uint64) (text string, n int) {
	if len(code) < 2 {
		return ".byte", 2
	}
	h := binary.LittleEndian.Uint16(code)
	if h&3 != 3 {
		w, ok := expandRVC(h)
		if !ok {
			return fmt.Sprintf(".insn 0x%04x", h), 2
		}
		text, _ = disasm32(w)
		return text, 2
	}
	if len(code) < 4 {
		return fmt.Sprintf(".2byte 0x%04x", h), 2
	}
	return disasm32(binary.LittleEndian.Uint32(code))
}

// disasm32 formats one 32-bit word with x/arch, or as .insn.
func disasm32(w uint32) (text string, n int) {
	defer func() {
		if recover() != nil { // never let the disassembler take us down
			text, n = fmt.Sprintf(".insn 0x%08x", w), 4
		}
	}()
	var buf [4]byte
	binary.LittleEndian.PutUint32(buf[:], w)
	disasmMu.Lock()
	in, err := riscv64asm.Decode(buf[:])
	disasmMu.Unlock()
	if err != nil {
		return fmt.Sprintf(".insn 0x%08x", w), 4
	}
	return abiNames(riscv64asm.GNUSyntax(in)), 4
}

// abiNames rewrites register tokens x<n>/f<n> to their ABI names, as GNU
// objdump and QEMU print them.
func abiNames(s string) string {
	var out []byte
	for i := 0; i < len(s); {
		c := s[i]
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		isReg := (c == 'x' || c == 'f') && j > i+1 && j-i <= 3 &&
			(i == 0 || !isAlnum(s[i-1])) && (j == len(s) || !isAlnum(s[j]))
		if n := atoi(s[i+1 : j]); isReg && n < 32 {
			if c == 'x' {
				out = append(out, xNames[n]...)
			} else {
				out = append(out, fNames[n]...)
			}
			i = j
			continue
		}
		out = append(out, c)
		i++
	}
	return string(out)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func atoi(s string) int {
	n := 0
	for _, c := range []byte(s) {
		n = n*10 + int(c-'0')
	}
	return n
}

// DumpRegs prints the state like QEMU's riscv_cpu_dump_state (-d cpu).
func (*Arch) DumpRegs(w io.Writer, c *translate.CPU) {
	fmt.Fprintf(w, " %-8s %016x\n", "pc", c.PC)
	for i := 0; i < 32; i++ {
		fmt.Fprintf(w, " %-8s %016x", fmt.Sprintf("x%d/%s", i, xNames[i]), c.R[i])
		if i&3 == 3 {
			fmt.Fprintln(w)
		}
	}
	for i := 0; i < 32; i++ {
		fmt.Fprintf(w, " %-8s %016x", fmt.Sprintf("f%d/%s", i, fNames[i]), c.R[RegF0+i])
		if i&3 == 3 {
			fmt.Fprintln(w)
		}
	}
	fcsr := c.R[RegFrm]&7<<5 | c.R[RegFflags]&31
	fmt.Fprintf(w, " %-8s %016x %-8s %016x %-8s %016x\n", "fflags", c.R[RegFflags]&31,
		"frm", c.R[RegFrm]&7, "fcsr", fcsr)
}

// TranslationKey names what translation depends on besides the code
// (translate.TranslationKeyer).
func (a *Arch) TranslationKey() string { return "riscv64/" + a.model }
