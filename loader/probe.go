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

// ProbeReader is Probe on an open file of the given size. A FreeBSD
// program older than the ino64 ABI is refused here already (checkOSRel).
func ProbeReader(r io.ReaderAt, size int64, name string) (elf.Machine, OS, error) {
	p, err := parse(r, size, name)
	if err != nil {
		return 0, 0, err
	}
	b := brandOf(r, size, p)
	if _, err := archFor(p.machine, name); err != nil {
		return p.machine, b.os, err
	}
	if b.os == OSFreeBSD {
		if err := checkOSRel(b.osrel, name); err != nil {
			return p.machine, b.os, err
		}
	}
	return p.machine, b.os, nil
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

// brand is the OS a program is built for and, from its ABI note, the
// osreldate it was built against (0 when no note says).
type brand struct {
	os    OS
	osrel uint32
}

// detectOS is brandOf's OS.
func detectOS(r io.ReaderAt, size int64, p *program) OS { return brandOf(r, size, p).os }

// brandOf uses EI_OSABI first, then PT_NOTE brands; Linux is the default
// (Go and many static toolchains leave EI_OSABI at 0 and add no tag). The
// osreldate is read from the notes whatever EI_OSABI says, as FreeBSD's
// kernel does (sys/kern/imgact_elf.c get_brandinfo, check_note).
func brandOf(r io.ReaderAt, size int64, p *program) brand {
	var noted brand
	found := false
	for _, ph := range p.progs {
		if found || ph.Type != elf.PT_NOTE || ph.Filesz > maxNoteBytes || ph.Off > uint64(size) ||
			ph.Filesz > uint64(size)-ph.Off {
			continue
		}
		buf := make([]byte, ph.Filesz)
		if _, err := r.ReadAt(buf, int64(ph.Off)); err != nil {
			continue
		}
		noted, found = noteBrand(buf)
	}
	switch p.osabi {
	case elf.ELFOSABI_FREEBSD:
		if noted.os != OSFreeBSD {
			noted.osrel = 0
		}
		return brand{os: OSFreeBSD, osrel: noted.osrel}
	case elf.ELFOSABI_LINUX:
		return brand{os: OSLinux}
	}
	if found {
		return noted
	}
	return brand{os: OSLinux}
}

// noteBrand walks Elf64_Nhdr records (namesz, descsz, type; 4-byte aligned).
func noteBrand(b []byte) (brand, bool) {
	for len(b) >= 12 {
		namesz := uint64(binary.LittleEndian.Uint32(b[0:]))
		descsz := uint64(binary.LittleEndian.Uint32(b[4:]))
		typ := binary.LittleEndian.Uint32(b[8:])
		nameEnd := 12 + align4(namesz)
		descEnd := nameEnd + align4(descsz)
		if namesz > uint64(len(b)) || descsz > uint64(len(b)) || descEnd > uint64(len(b)) {
			return brand{}, false
		}
		name := string(b[12 : 12+namesz])
		desc := b[nameEnd : nameEnd+descsz]
		switch {
		case typ == ntABITag && name == "FreeBSD\x00":
			var osrel uint32
			if len(desc) >= 4 {
				osrel = binary.LittleEndian.Uint32(desc)
			}
			return brand{OSFreeBSD, osrel}, true
		case typ == ntABITag && name == "GNU\x00" && len(desc) >= 4:
			switch binary.LittleEndian.Uint32(desc) {
			case gnuOSLinux:
				return brand{os: OSLinux}, true
			case gnuOSFreeBSD:
				return brand{OSFreeBSD, kfreebsdOSRel(desc)}, true
			}
		}
		b = b[descEnd:]
	}
	return brand{}, false
}

// kfreebsdOSRel is the osreldate of a GNU/kFreeBSD tag: major, minor and
// patch words after the OS word (imgact_elf.c kfreebsd_trans_osrel).
func kfreebsdOSRel(desc []byte) uint32 {
	if len(desc) < 16 {
		return 0
	}
	w := func(i int) uint32 { return binary.LittleEndian.Uint32(desc[4*i:]) }
	return w(1)*100000 + w(2)*1000 + w(3)
}

// ino64First is the first osreldate of the 64-bit inode ABI (FreeBSD
// 12's stat, dirent and statfs; lib/libc/gen/gen-compat.h INO64_FIRST).
const ino64First = 1200031

// checkOSRel refuses a FreeBSD program built for an ABI before ino64.
func checkOSRel(osrel uint32, name string) error {
	if osrel == 0 || osrel >= ino64First {
		return nil
	}
	return fileError(name, "FreeBSD %d binaries (before the ino64 ABI) are not supported (ABI note osreldate %d)",
		osrel/100000, osrel)
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }
