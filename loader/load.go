package loader

import (
	"debug/elf"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Options tune a load; the zero value is what Linux would do.
type Options struct {
	// StackSize is the size of the initial stack mapping (default 8 MiB).
	StackSize uint64
	// Seed makes AT_RANDOM deterministic (-seed); nil uses crypto/rand.
	Seed *uint64
	// Prefix is the guest sysroot (-L): PT_INTERP is looked up under it first.
	Prefix string
	// ExecFn is AT_EXECFN (default: the path as given).
	ExecFn string
	// PIEBase is where an ET_DYN main program goes (default DefaultPIEBase).
	PIEBase uint64
	// ATFlags is AT_FLAGS (bit 0: binfmt_misc preserved argv0).
	ATFlags uint64
	// OS is whose initial stack and auxiliary vector to build: Linux's
	// (the zero value) or FreeBSD's (bsdstack.go).
	OS OS
	// FreeBSD is what only OSFreeBSD loads use.
	FreeBSD FreeBSDOptions
}

const (
	// DefaultStackSize is Linux's default RLIMIT_STACK.
	DefaultStackSize = 8 << 20
	// DefaultPIEBase is the load address for static-PIE and PIE programs,
	// like 2/3 of a 2^38 address space rounded down (Linux ELF_ET_DYN_BASE idea).
	DefaultPIEBase = 0x2aaaaab000
	// maxPIEAlign caps how far p_align pushes a PIE base.
	maxPIEAlign = 64 << 10
)

// AuxEntry is one auxiliary-vector pair.
type AuxEntry struct{ Tag, Val uint64 }

// Image describes a loaded program.
type Image struct {
	Path    string // absolute path of the program (/proc/self/exe)
	Machine elf.Machine
	OS      OS

	Entry      uint64 // first guest PC: the interpreter's entry when dynamic
	ProgEntry  uint64 // the program's own entry (AT_ENTRY)
	LoadBias   uint64 // added to the program's p_vaddr (0 for ET_EXEC)
	Interp     string // PT_INTERP as written in the program ("" if static)
	InterpPath string // the interpreter file actually loaded
	InterpBase uint64 // AT_BASE

	Phdr         uint64
	Phent, Phnum uint64
	BrkStart     uint64 // page-aligned end of the highest program segment
	CodeStart    uint64 // lowest and highest program segment addresses
	DataEnd      uint64

	SP                  uint64 // initial stack pointer (points at argc)
	StackLow, StackHigh uint64
	ArgStart, ArgEnd    uint64 // argv strings (/proc/self/cmdline)
	EnvStart, EnvEnd    uint64 // envp strings (/proc/self/environ)
	Auxv                []AuxEntry

	// SPInArg0: the first argument register (x0 on aarch64, a0 on
	// riscv64) starts holding SP too, as FreeBSD's exec_setregs sets it.
	SPInArg0 bool
	// OSRel is the osreldate of the program's FreeBSD ABI note (0: none).
	OSRel uint32
	// PSStrings is the guest address of FreeBSD's struct ps_strings (0 for Linux).
	PSStrings uint64

	phdrCopy []byte // program headers to place on the stack (not in any segment)
}

// Load maps the program at path into as for arch and builds its stack.
// Errors are one line, prefixed with the file name.
func Load(as *translate.AddressSpace, arch targets.Arch, path string, argv, envp []string, opts Options) (*Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return LoadFile(as, arch, path, f, argv, envp, opts)
}

// LoadFile is Load on the program open as f, named path: binfmt_misc's
// AT_EXECFD, a program gemu may not be able to open by its path.
func LoadFile(as *translate.AddressSpace, arch targets.Arch, path string, f *os.File, argv, envp []string, opts Options) (*Image, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fileError(path, "not a regular file")
	}
	return LoadReader(as, arch, path, f, st.Size(), argv, envp, opts)
}

// LoadReader is Load on an open file of the given size.
func LoadReader(as *translate.AddressSpace, arch targets.Arch, path string, r io.ReaderAt, size int64,
	argv, envp []string, opts Options) (*Image, error) {
	p, err := parse(r, size, path)
	if err != nil {
		return nil, err
	}
	if p.machine != arch.Machine() {
		if _, err := archFor(p.machine, path); err != nil {
			return nil, err
		}
		return nil, fileError(path, "ELF for %s cannot run on the %s target", machineName(p.machine), arch.Name())
	}
	b := brandOf(r, size, p)
	img := &Image{Machine: p.machine, Interp: p.interp, OS: b.os, OSRel: b.osrel}
	if opts.OS == OSFreeBSD {
		if err := checkOSRel(b.osrel, path); err != nil {
			return nil, err
		}
	}
	if img.Path, err = filepath.Abs(path); err != nil {
		img.Path = path
	}
	if opts.StackSize == 0 {
		opts.StackSize = DefaultStackSize
	}
	opts.StackSize = pageUp(opts.StackSize)
	if opts.StackSize > arch.StackTop()/4 {
		return nil, fmt.Errorf("stack size %#x is too large for the guest address space", opts.StackSize)
	}
	stackLow := arch.StackTop() - opts.StackSize
	if err := img.mapProgram(as, p, r, path, opts, stackLow); err != nil {
		return nil, err
	}
	if p.interp != "" {
		if err := img.loadInterp(as, arch, opts, stackLow); err != nil {
			return nil, err
		}
	}
	if opts.OS == OSFreeBSD {
		err = img.buildFreeBSDStack(as, arch, p, argv, envp, opts)
	} else {
		err = img.buildStack(as, arch, argv, envp, opts)
	}
	if err != nil {
		return nil, err
	}
	return img, nil
}

// archFor finds the registered target for an e_machine.
func archFor(m elf.Machine, name string) (targets.Arch, error) {
	a, err := targets.ByMachine(m)
	if err != nil {
		return nil, unsupportedMachine(name, m)
	}
	return a, nil
}

func pageDown(x uint64) uint64 { return x &^ (translate.PageSize - 1) }
func pageUp(x uint64) uint64   { return (x + translate.PageSize - 1) &^ (translate.PageSize - 1) }

// span is the page range [lo, hi) the segments occupy before relocation.
func (p *program) span() (lo, hi uint64) {
	lo = pageDown(p.loads[0].Vaddr)
	for _, ph := range p.loads {
		hi = max(hi, pageUp(ph.Vaddr+ph.Memsz))
	}
	return lo, hi
}

// mapProgram places and maps the main program.
func (img *Image) mapProgram(as *translate.AddressSpace, p *program, r io.ReaderAt, name string,
	opts Options, stackLow uint64) error {
	lo, hi := p.span()
	var bias uint64
	if p.typ == elf.ET_DYN {
		base := opts.PIEBase
		if base == 0 {
			base = DefaultPIEBase
		}
		align := min(max(p.maxAlign, translate.PageSize), maxPIEAlign)
		base = (base + align - 1) &^ (align - 1)
		if base+(hi-lo) > stackLow {
			var err error
			if base, err = findBase(as, hi-lo, align); err != nil {
				return fileError(name, "no room for the program in the guest address space")
			}
		}
		bias = base - lo
	}
	if hi+bias > stackLow || hi+bias < hi {
		return fileError(name, "ELF segments [%#x, %#x) do not fit in the guest address space", lo+bias, hi+bias)
	}
	if err := mapSegments(as, p, r, bias, name, img.Path); err != nil {
		return err
	}
	img.LoadBias = bias
	img.ProgEntry = p.entry + bias
	img.Entry = img.ProgEntry
	img.CodeStart = lo + bias
	img.DataEnd = hi + bias
	img.BrkStart = hi + bias
	img.Phent, img.Phnum = phdrSize, uint64(p.phnum)
	img.Phdr = p.phdrAddr(bias)
	if img.Phdr == 0 {
		// Not in any segment: give the program a copy on its stack.
		img.phdrCopy = make([]byte, p.phnum*phdrSize)
		if _, err := r.ReadAt(img.phdrCopy, int64(p.phoff)); err != nil {
			return fileError(name, "reading program headers: %v", err)
		}
	}
	return nil
}

// findBase reserves a free, aligned range of n bytes and releases it again:
// loading is single-threaded, so nothing else can take it meanwhile.
func findBase(as *translate.AddressSpace, n, align uint64) (uint64, error) {
	a, err := as.Map(translate.MapSpec{Length: n + align, FD: -1})
	if err != nil {
		return 0, err
	}
	as.Unmap(a, n+align)
	return (a + align - 1) &^ (align - 1), nil
}

// phdrAddr is AT_PHDR: from PT_PHDR, else from the PT_LOAD whose file
// range holds e_phoff (0 when the headers are not loaded at all).
func (p *program) phdrAddr(bias uint64) uint64 {
	for _, ph := range p.progs {
		if ph.Type == elf.PT_PHDR {
			return ph.Vaddr + bias
		}
	}
	size := uint64(p.phnum) * phdrSize
	for _, ph := range p.loads {
		if p.phoff >= ph.Off && p.phoff-ph.Off+size <= ph.Filesz {
			return ph.Vaddr + (p.phoff - ph.Off) + bias
		}
	}
	return 0
}

// elfProt converts p_flags to guest protections.
func elfProt(f elf.ProgFlag) int {
	var p int
	if f&elf.PF_R != 0 {
		p |= translate.ProtRead
	}
	if f&elf.PF_W != 0 {
		p |= translate.ProtWrite
	}
	if f&elf.PF_X != 0 {
		p |= translate.ProtExec
	}
	return p
}

// mapSegments maps each PT_LOAD anonymously, reads its file bytes straight
// into guest memory and then applies the segment's protection. The bytes
// after p_filesz (bss, including the rest of the last file page) stay zero.
// A page shared by two segments gets the union of their protections.
func mapSegments(as *translate.AddressSpace, p *program, r io.ReaderAt, bias uint64, name, vmaName string) error {
	var prevEnd uint64
	prevProt := 0
	fd := mappableFD(r)
	for _, ph := range p.loads {
		start, end := pageDown(ph.Vaddr+bias), pageUp(ph.Vaddr+ph.Memsz+bias)
		prot := elfProt(ph.Flags)
		if fd >= 0 && start >= prevEnd && ph.Filesz > 0 && (ph.Vaddr+bias)%translate.PageSize == ph.Off%translate.PageSize {
			if err := mapFileSegment(as, fd, ph, bias, vmaName); err != nil {
				return fileError(name, "cannot map segment at %#x: %v", start, err)
			}
			prevEnd, prevProt = end, prot
			continue
		}
		mapStart := max(start, prevEnd)
		if mapStart < end {
			_, err := as.Map(translate.MapSpec{Addr: mapStart, Length: end - mapStart, Fixed: true, FD: -1,
				Prot: translate.ProtRead | translate.ProtWrite, Name: vmaName, Offset: int64(pageDown(ph.Off))})
			if err != nil {
				return fileError(name, "cannot map segment at %#x: %v", start, err)
			}
		}
		if start < prevEnd {
			// The shared page is made writable for the copy below.
			if err := as.Protect(start, prevEnd-start, prevProt|prot|translate.ProtWrite); err != nil {
				return fileError(name, "cannot map segment at %#x: %v", start, err)
			}
		}
		if err := readSegment(as, r, ph, bias); err != nil {
			return fileError(name, "reading segment at %#x: %v", ph.Vaddr, err)
		}
		if start < prevEnd {
			as.Protect(start, prevEnd-start, prevProt|prot)
			prevProt |= prot
		}
		if mapStart < end {
			if err := as.Protect(mapStart, end-mapStart, prot); err != nil {
				return fileError(name, "cannot protect segment at %#x: %v", start, err)
			}
			prevProt = prot
		}
		prevEnd = max(prevEnd, end)
	}
	return nil
}

// mappableFD is the descriptor behind r when the segments can be mapped
// from it, else -1.
func mappableFD(r io.ReaderAt) int {
	f, ok := r.(*os.File)
	if !ok {
		return -1
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return -1
	}
	return int(f.Fd())
}

// mapFileSegment maps a segment from the file, copy-on-write, as Linux's
// binfmt_elf and qemu-user do: the pages come from the page cache when
// the program touches them instead of being read and copied at start
// (about 13 µs per page on the project's VM). Past p_filesz the memory is
// anonymous (unnamed in /proc/self/maps, as Linux shows it), and the rest
// of the last file page is zeroed when the
// segment has a bss (Linux fs/binfmt_elf.c elf_load, padzero).
func mapFileSegment(as *translate.AddressSpace, fd int, ph elf.ProgHeader, bias uint64, vmaName string) error {
	start, end := pageDown(ph.Vaddr+bias), pageUp(ph.Vaddr+ph.Memsz+bias)
	fileEnd := min(end, pageUp(ph.Vaddr+bias+ph.Filesz))
	rw := translate.ProtRead | translate.ProtWrite
	if _, err := as.Map(translate.MapSpec{Addr: start, Length: fileEnd - start, Fixed: true, FD: fd,
		Prot: rw, Name: vmaName, Offset: int64(pageDown(ph.Off))}); err != nil {
		return err
	}
	if fileEnd < end {
		if _, err := as.Map(translate.MapSpec{Addr: fileEnd, Length: end - fileEnd, Fixed: true, FD: -1,
			Prot: rw}); err != nil {
			return err
		}
	}
	if tail := ph.Vaddr + bias + ph.Filesz; ph.Memsz > ph.Filesz && tail < fileEnd {
		b, err := as.Slice(tail, fileEnd-tail, translate.ProtWrite)
		if err != nil {
			return err
		}
		clear(b)
	}
	return as.Protect(start, end-start, elfProt(ph.Flags))
}

// readSegment copies p_filesz bytes from the file into guest memory.
func readSegment(as *translate.AddressSpace, r io.ReaderAt, ph elf.ProgHeader, bias uint64) error {
	const chunk = 1 << 20
	for done := uint64(0); done < ph.Filesz; {
		n := min(chunk, ph.Filesz-done)
		dst, err := as.Slice(ph.Vaddr+bias+done, n, translate.ProtWrite)
		if err != nil {
			return err
		}
		if _, err := r.ReadAt(dst, int64(ph.Off+done)); err != nil {
			return err
		}
		done += n
	}
	return nil
}

// loadInterp loads PT_INTERP (under the -L prefix when it exists there).
func (img *Image) loadInterp(as *translate.AddressSpace, arch targets.Arch, opts Options, stackLow uint64) error {
	path := img.Interp
	if opts.Prefix != "" && filepath.IsAbs(path) {
		if pp := filepath.Join(opts.Prefix, path); exists(pp) {
			path = pp
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: cannot load the ELF interpreter %s: %w (a dynamic program needs its guest libraries: pass -L <sysroot>)",
			img.Path, img.Interp, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	ip, err := parse(f, st.Size(), path)
	if err != nil {
		return err
	}
	if ip.machine != arch.Machine() || ip.interp != "" {
		return fileError(path, "not a usable ELF interpreter for %s", arch.Name())
	}
	lo, hi := ip.span()
	var bias uint64
	if ip.typ == elf.ET_DYN {
		align := min(max(ip.maxAlign, translate.PageSize), maxPIEAlign)
		base, err := findBase(as, hi-lo, align)
		if err != nil {
			return fileError(path, "no room for the interpreter in the guest address space")
		}
		bias = base - lo
	}
	if hi+bias > stackLow || hi+bias < hi {
		return fileError(path, "interpreter segments do not fit in the guest address space")
	}
	if err := mapSegments(as, ip, f, bias, path, path); err != nil {
		return err
	}
	img.InterpPath = path
	img.InterpBase = lo + bias
	img.Entry = ip.entry + bias
	return nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
