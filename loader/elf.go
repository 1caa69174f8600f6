// Package loader maps a guest ELF program into a guest address space the
// way Linux's binfmt_elf does: PT_LOAD segments, an optional PT_INTERP
// interpreter, and the initial stack with argv, envp and the auxiliary vector.
package loader

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gemu-project/gemu/targets"
)

// OS is the operating system an ELF file is built for.
type OS int

const (
	OSLinux OS = iota
	OSFreeBSD
)

func (o OS) String() string {
	if o == OSFreeBSD {
		return "FreeBSD"
	}
	return "Linux"
}

// Limits on what we accept before debug/elf allocates anything
// (Linux fs/binfmt_elf.c load_elf_phdrs: at most 64 KiB of program headers;
// PATH_MAX for PT_INTERP).
const (
	maxPhdrBytes = 65536
	maxInterpLen = 4096
	phdrSize     = 56 // sizeof(Elf64_Phdr)
	ehdrSize     = 64 // sizeof(Elf64_Ehdr)
)

// program is a validated ELF file: header fields and its program headers.
type program struct {
	typ      elf.Type
	machine  elf.Machine
	osabi    elf.OSABI
	flags    uint32 // e_flags (FreeBSD's AT_EHDRFLAGS)
	entry    uint64
	phoff    uint64
	phnum    int
	loads    []elf.ProgHeader // PT_LOAD with p_memsz > 0, sorted by p_vaddr
	progs    []elf.ProgHeader
	interp   string
	maxAlign uint64
}

// fileError prefixes the file name: "./x: not an ELF file".
func fileError(name, format string, args ...any) error {
	return fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
}

// parse validates an ELF image for loading. It never panics: the header
// and program-header table are checked against the file size before
// debug/elf sees them, section headers are hidden from it (execution does
// not use them, as in Linux), and a panic from debug/elf becomes an error.
func parse(r io.ReaderAt, size int64, name string) (p *program, err error) {
	defer func() {
		if x := recover(); x != nil {
			p, err = nil, fileError(name, "malformed ELF file (%v)", x)
		}
	}()
	var ident [ehdrSize]byte
	n, _ := r.ReadAt(ident[:], 0)
	if n < elf.EI_NIDENT || string(ident[:4]) != elf.ELFMAG {
		return nil, fmt.Errorf("%s: %w", name, ErrNotELF)
	}
	switch {
	case elf.Class(ident[elf.EI_CLASS]) == elf.ELFCLASS32:
		return nil, fileError(name, "32-bit ELF files are not supported (only 64-bit guests)")
	case elf.Class(ident[elf.EI_CLASS]) != elf.ELFCLASS64:
		return nil, fileError(name, "invalid ELF class %d", ident[elf.EI_CLASS])
	case elf.Data(ident[elf.EI_DATA]) == elf.ELFDATA2MSB:
		return nil, fileError(name, "big-endian ELF files are not supported")
	case elf.Data(ident[elf.EI_DATA]) != elf.ELFDATA2LSB:
		return nil, fileError(name, "invalid ELF data encoding %d", ident[elf.EI_DATA])
	case n < ehdrSize:
		return nil, fileError(name, "truncated ELF header")
	}
	if err := checkHeader(ident[:], size, name); err != nil {
		return nil, err
	}
	f, err := elf.NewFile(noSections{r})
	if err != nil {
		return nil, fileError(name, "malformed ELF file: %v", err)
	}
	p = &program{typ: f.Type, machine: f.Machine, osabi: f.OSABI, entry: f.Entry,
		flags: uint32(le64(ident[0x30:])), phoff: le64(ident[0x20:]), phnum: len(f.Progs)}
	for _, ph := range f.Progs {
		p.progs = append(p.progs, ph.ProgHeader)
	}
	return p, p.check(r, size, name)
}

func le64(b []byte) uint64 {
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }

// checkHeader validates the program-header table's place in the file.
func checkHeader(h []byte, size int64, name string) error {
	typ := elf.Type(le16(h[0x10:]))
	if typ != elf.ET_EXEC && typ != elf.ET_DYN {
		return fileError(name, "not an executable ELF file (type %v)", typ)
	}
	phoff, phentsize, phnum := le64(h[0x20:]), uint64(le16(h[0x36:])), uint64(le16(h[0x38:]))
	if phnum == 0 {
		return fileError(name, "ELF file has no program headers")
	}
	if phentsize != phdrSize {
		return fileError(name, "bad ELF program header size %d", phentsize)
	}
	if phnum*phdrSize > maxPhdrBytes {
		return fileError(name, "too many ELF program headers (%d)", phnum)
	}
	if phoff > uint64(size) || phnum*phdrSize > uint64(size)-phoff {
		return fileError(name, "truncated ELF file: program headers beyond end of file")
	}
	return nil
}

// check validates the segments against the file and each other.
func (p *program) check(r io.ReaderAt, size int64, name string) error {
	for _, ph := range p.progs {
		switch ph.Type {
		case elf.PT_LOAD:
			if err := checkLoad(ph, size, name); err != nil {
				return err
			}
			if ph.Memsz > 0 {
				p.loads = append(p.loads, ph)
			}
			if ph.Align > p.maxAlign {
				p.maxAlign = ph.Align
			}
		case elf.PT_INTERP:
			s, err := readInterp(r, ph, size, name)
			if err != nil {
				return err
			}
			p.interp = s
		}
	}
	if len(p.loads) == 0 {
		return fileError(name, "ELF file has no loadable segments")
	}
	sort.SliceStable(p.loads, func(i, j int) bool { return p.loads[i].Vaddr < p.loads[j].Vaddr })
	for i := 1; i < len(p.loads); i++ {
		prev, cur := p.loads[i-1], p.loads[i]
		if cur.Vaddr < prev.Vaddr+prev.Memsz {
			return fileError(name, "overlapping ELF segments at %#x and %#x", prev.Vaddr, cur.Vaddr)
		}
	}
	return nil
}

func checkLoad(ph elf.ProgHeader, size int64, name string) error {
	switch {
	case ph.Filesz > ph.Memsz:
		return fileError(name, "ELF segment at %#x has file size %#x > memory size %#x", ph.Vaddr, ph.Filesz, ph.Memsz)
	case ph.Filesz > 0 && (ph.Off > uint64(size) || ph.Filesz > uint64(size)-ph.Off):
		// A segment with nothing in the file (a lone .bss, which GNU ld
		// may give an offset past the end) reads nothing and may say so.
		return fileError(name, "truncated ELF file: segment at %#x extends beyond end of file", ph.Vaddr)
	case ph.Vaddr+ph.Memsz < ph.Vaddr || ph.Vaddr+ph.Memsz > 1<<62:
		return fileError(name, "ELF segment at %#x is outside the address space", ph.Vaddr)
	case ph.Align > 1 && ph.Align&(ph.Align-1) != 0:
		return fileError(name, "ELF segment at %#x has invalid alignment %#x", ph.Vaddr, ph.Align)
	}
	return nil
}

func readInterp(r io.ReaderAt, ph elf.ProgHeader, size int64, name string) (string, error) {
	if ph.Filesz < 2 || ph.Filesz > maxInterpLen || ph.Off > uint64(size) || ph.Filesz > uint64(size)-ph.Off {
		return "", fileError(name, "bad PT_INTERP segment")
	}
	buf := make([]byte, ph.Filesz)
	if _, err := r.ReadAt(buf, int64(ph.Off)); err != nil {
		return "", fileError(name, "reading PT_INTERP: %v", err)
	}
	s, _, ok := strings.Cut(string(buf), "\x00")
	if !ok || s == "" {
		return "", fileError(name, "bad PT_INTERP segment")
	}
	return s, nil
}

// noSections presents the file with e_shoff, e_shnum and e_shstrndx read
// as zero, so debug/elf parses only the header and program headers.
type noSections struct{ r io.ReaderAt }

func (n noSections) ReadAt(b []byte, off int64) (int, error) {
	c, err := n.r.ReadAt(b, off)
	for _, rg := range [][2]int64{{0x28, 0x30}, {0x3c, 0x40}} {
		for i := max(rg[0], off); i < min(rg[1], off+int64(c)); i++ {
			b[i-off] = 0
		}
	}
	return c, err
}

// machineName is how errors name an e_machine.
func machineName(m elf.Machine) string {
	switch m {
	case elf.EM_X86_64:
		return "x86-64"
	case elf.EM_386:
		return "i386"
	case elf.EM_AARCH64:
		return "aarch64"
	case elf.EM_RISCV:
		return "riscv64"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_PPC64:
		return "ppc64"
	case elf.EM_S390:
		return "s390x"
	case elf.EM_LOONGARCH:
		return "loongarch64"
	}
	return strings.ToLower(strings.TrimPrefix(m.String(), "EM_"))
}

// unsupportedMachine is the error for an ELF no registered target runs.
func unsupportedMachine(name string, m elf.Machine) error {
	var names []string
	for _, a := range targets.All() {
		names = append(names, a.Name())
	}
	list := strings.Join(names, ", ")
	if list == "" {
		list = "none built in"
	}
	return fileError(name, "ELF for %s is not a supported guest (supported: %s)", machineName(m), list)
}

// ErrNotELF is wrapped by the error for a file without the ELF magic, so
// callers (execve of scripts) can tell it apart with errors.Is.
var ErrNotELF = errors.New("not an ELF file")
