package loader

import (
	"debug/elf"
	"encoding/binary"
	"io"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// fakeArch is just enough of a target for loading: riscv64's conventions.
type fakeArch struct{}

func (fakeArch) Name() string                             { return "riscv64" }
func (fakeArch) Translate(*translate.Builder)             {}
func (fakeArch) Machine() elf.Machine                     { return elf.EM_RISCV }
func (fakeArch) Aliases() []string                        { return nil }
func (fakeArch) AddressSpaceSize() uint64                 { return 1 << 38 }
func (fakeArch) StackTop() uint64                         { return 1<<38 - translate.PageSize }
func (fakeArch) SetModel(string) error                    { return nil }
func (fakeArch) Models() []string                         { return nil }
func (fakeArch) ResetCPU(*translate.CPU, uint64, uint64)  {}
func (fakeArch) SP(*translate.CPU) uint64                 { return 0 }
func (fakeArch) SetSP(*translate.CPU, uint64)             {}
func (fakeArch) SetTLS(*translate.CPU, uint64)            {}
func (fakeArch) HWCap() uint64                            { return 0x112d }
func (fakeArch) HWCap2() uint64                           { return 0 }
func (fakeArch) Platform() string                         { return "" }
func (fakeArch) UnameMachine() string                     { return "riscv64" }
func (fakeArch) Disassemble([]byte, uint64) (string, int) { return "", 4 }
func (fakeArch) DumpRegs(io.Writer, *translate.CPU)       {}

// platformArch reports an AT_PLATFORM string.
type platformArch struct{ fakeArch }

func (platformArch) Platform() string { return "testplat" }

func init() { targets.Register(fakeArch{}) }

// seg is one program header for the test ELF writer.
type seg struct {
	typ   elf.ProgType
	flags elf.ProgFlag
	vaddr uint64
	off   uint64 // 0: placed automatically, page-congruent with vaddr
	data  []byte
	memsz uint64 // 0: len(data)
	align uint64
	// filesz overrides len(data) when non-zero (for truncation tests).
	filesz uint64
}

// testELF describes a minimal ELF64 file.
type testELF struct {
	class, data, osabi byte
	typ                elf.Type
	machine            elf.Machine
	entry              uint64
	segs               []seg
	phoff              uint64 // 0: right after the header
	phentsize          uint16 // 0: 56
	phnum              int    // -1: use len(segs)
	truncate           int    // cut the file to this length when > 0
}

func newELF(segs ...seg) *testELF {
	return &testELF{class: byte(elf.ELFCLASS64), data: byte(elf.ELFDATA2LSB), typ: elf.ET_EXEC,
		machine: elf.EM_RISCV, entry: 0x10000, segs: segs, phnum: -1}
}

func (e *testELF) bytes() []byte {
	phoff := e.phoff
	if phoff == 0 {
		phoff = 64
	}
	phnum := e.phnum
	if phnum < 0 {
		phnum = len(e.segs)
	}
	phent := e.phentsize
	if phent == 0 {
		phent = 56
	}
	// Data goes after the headers, at offsets congruent to vaddr.
	next := uint64(0x1000)
	offs := make([]uint64, len(e.segs))
	for i, s := range e.segs {
		switch {
		case s.off != 0:
			offs[i] = s.off
		case len(s.data) == 0:
			offs[i] = 0
		default:
			o := next&^0xfff | s.vaddr&0xfff
			if o < next {
				o += 0x1000
			}
			offs[i] = o
			next = o + uint64(len(s.data))
		}
	}
	// Offsets past 16 MiB are lies for error tests: nothing is stored there.
	const far = 1 << 24
	size := uint64(64)
	if phoff < far {
		size = max(size, phoff+uint64(len(e.segs))*56)
	}
	for i, s := range e.segs {
		if offs[i] < far {
			size = max(size, offs[i]+uint64(len(s.data)))
		}
	}
	b := make([]byte, size)
	copy(b, elf.ELFMAG)
	b[elf.EI_CLASS], b[elf.EI_DATA], b[elf.EI_VERSION], b[elf.EI_OSABI] = e.class, e.data, 1, e.osabi
	le := binary.LittleEndian
	le.PutUint16(b[0x10:], uint16(e.typ))
	le.PutUint16(b[0x12:], uint16(e.machine))
	le.PutUint32(b[0x14:], 1)
	le.PutUint64(b[0x18:], e.entry)
	le.PutUint64(b[0x20:], phoff)
	le.PutUint16(b[0x34:], 64)
	le.PutUint16(b[0x36:], phent)
	le.PutUint16(b[0x38:], uint16(phnum))
	for i, s := range e.segs {
		if phoff >= far {
			break
		}
		p := b[phoff+uint64(i)*56:]
		filesz := uint64(len(s.data))
		if s.filesz != 0 {
			filesz = s.filesz
		}
		memsz := s.memsz
		if memsz == 0 {
			memsz = filesz
		}
		le.PutUint32(p[0:], uint32(s.typ))
		le.PutUint32(p[4:], uint32(s.flags))
		le.PutUint64(p[8:], offs[i])
		le.PutUint64(p[16:], s.vaddr)
		le.PutUint64(p[24:], s.vaddr)
		le.PutUint64(p[32:], filesz)
		le.PutUint64(p[40:], memsz)
		le.PutUint64(p[48:], s.align)
		if offs[i] < far {
			copy(b[offs[i]:], s.data)
		}
	}
	if e.truncate > 0 && e.truncate < len(b) {
		b = b[:e.truncate]
	}
	return b
}

// text is a code segment at vaddr holding n bytes of a pattern.
func text(vaddr uint64, n int) seg {
	d := make([]byte, n)
	for i := range d {
		d[i] = byte(i*7 + 1)
	}
	return seg{typ: elf.PT_LOAD, flags: elf.PF_R | elf.PF_X, vaddr: vaddr, data: d, align: 0x1000}
}
