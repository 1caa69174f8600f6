package loader

import (
	"debug/elf"
	"encoding/binary"
	"io"
	"os"
)

// Probe reads just enough of an ELF file to choose the guest CPU and OS
// personality before anything is mapped. It errors for files no
// registered target can run.
func Probe(path string) (elf.Machine, OS, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	return ProbeReader(f, st.Size(), path)
}

// ProbeReader is Probe on an open file of the given size.
func ProbeReader(r io.ReaderAt, size int64, name string) (elf.Machine, OS, error) {
	p, err := parse(r, size, name)
	if err != nil {
		return 0, 0, err
	}
	if _, err := archFor(p.machine, name); err != nil {
		return p.machine, 0, err
	}
	return p.machine, detectOS(r, size, p), nil
}

// ELF note names and types that brand an OS: the GNU ABI tag
// (glibc csu/abi-note.c, NT_GNU_ABI_TAG = 1, OS 0 = Linux, 3 = FreeBSD) and
// FreeBSD's NT_FREEBSD_ABI_TAG = 1 with name "FreeBSD" (sys/sys/elf_common.h).
const (
	ntABITag     = 1
	gnuOSLinux   = 0
	gnuOSFreeBSD = 3
	maxNoteBytes = 1 << 16
)

// detectOS uses EI_OSABI first, then PT_NOTE brands; Linux is the default
// (Go and many static toolchains leave EI_OSABI at 0 and add no tag).
func detectOS(r io.ReaderAt, size int64, p *program) OS {
	switch p.osabi {
	case elf.ELFOSABI_FREEBSD:
		return OSFreeBSD
	case elf.ELFOSABI_LINUX:
		return OSLinux
	}
	for _, ph := range p.progs {
		if ph.Type != elf.PT_NOTE || ph.Filesz > maxNoteBytes || ph.Off > uint64(size) ||
			ph.Filesz > uint64(size)-ph.Off {
			continue
		}
		buf := make([]byte, ph.Filesz)
		if _, err := r.ReadAt(buf, int64(ph.Off)); err != nil {
			continue
		}
		if os, ok := noteOS(buf); ok {
			return os
		}
	}
	return OSLinux
}

// noteOS walks Elf64_Nhdr records (namesz, descsz, type; 4-byte aligned).
func noteOS(b []byte) (OS, bool) {
	for len(b) >= 12 {
		namesz := uint64(binary.LittleEndian.Uint32(b[0:]))
		descsz := uint64(binary.LittleEndian.Uint32(b[4:]))
		typ := binary.LittleEndian.Uint32(b[8:])
		nameEnd := 12 + align4(namesz)
		descEnd := nameEnd + align4(descsz)
		if namesz > uint64(len(b)) || descsz > uint64(len(b)) || descEnd > uint64(len(b)) {
			return 0, false
		}
		name := string(b[12 : 12+namesz])
		desc := b[nameEnd : nameEnd+descsz]
		switch {
		case typ == ntABITag && name == "FreeBSD\x00":
			return OSFreeBSD, true
		case typ == ntABITag && name == "GNU\x00" && len(desc) >= 4:
			switch binary.LittleEndian.Uint32(desc) {
			case gnuOSLinux:
				return OSLinux, true
			case gnuOSFreeBSD:
				return OSFreeBSD, true
			}
		}
		b = b[descEnd:]
	}
	return 0, false
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }
