// Package binfmt registers gemu with the kernel's binfmt_misc, so that
// programs for a guest CPU run as if native (execve, chroot, containers):
// it builds the entries from the registered targets, reads and writes
// /proc/sys/fs/binfmt_misc, and writes systemd-binfmt's binfmt.d files.
//
// The formats are the kernel's: Documentation/admin-guide/binfmt-misc.rst
// and fs/binfmt_misc.c (create_entry parses a registration, entry_status
// prints an entry's file).
package binfmt

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/gemu-project/gemu/targets"
)

// Flag letters of an entry (binfmt-misc.rst, "flags").
const (
	// FlagPreserveArgv0 (P): the interpreter gets the program's original
	// argv[0] after its path, and AT_FLAGS_PRESERVE_ARGV0 in its auxv.
	FlagPreserveArgv0 = 'P'
	// FlagOpenBinary (O): the kernel opens the program and passes the
	// descriptor as AT_EXECFD, so an unreadable (execute-only) program runs.
	FlagOpenBinary = 'O'
	// FlagCredentials (C): credentials from the program (set-id bits), not
	// from the interpreter; implies O.
	FlagCredentials = 'C'
	// FlagFixBinary (F): the kernel opens the interpreter at registration,
	// so it need not exist in a chroot or a container's mount namespace.
	FlagFixBinary = 'F'
)

// flagOrder is the order entry_status prints the flags in.
const flagOrder = "POCF"

// NormFlags keeps the known flag letters of s in the kernel's order, once
// each; C adds O, as the kernel does.
func NormFlags(s string) string {
	if strings.ContainsRune(s, FlagCredentials) {
		s += string(FlagOpenBinary)
	}
	var b strings.Builder
	for _, f := range flagOrder {
		if strings.ContainsRune(s, f) {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// Entry is one binfmt_misc registration.
type Entry struct {
	Name    string
	Enabled bool
	// Extension is the file-name extension (without the dot) of a type E
	// entry; "" for a type M (magic) entry.
	Extension string
	// Offset, Magic and Mask describe a type M entry: a file matches when
	// its bytes from Offset, masked, equal Magic masked. A nil Mask is all
	// ones.
	Offset      int
	Magic, Mask []byte
	Interpreter string
	Flags       string // flag letters, NormFlags order
}

// mask returns the mask byte for magic byte i.
func (e Entry) mask(i int) byte {
	if i < len(e.Mask) {
		return e.Mask[i]
	}
	return 0xff
}

// Overlaps reports whether a file could match both entries: for type M
// entries, every byte position both look at must agree on the bits both
// masks keep. Type E entries match on names, not contents: never.
func Overlaps(a, b Entry) bool {
	if a.Extension != "" || b.Extension != "" {
		return false
	}
	lo := max(a.Offset, b.Offset)
	hi := min(a.Offset+len(a.Magic), b.Offset+len(b.Magic))
	for p := lo; p < hi; p++ {
		i, j := p-a.Offset, p-b.Offset
		m := a.mask(i) & b.mask(j)
		if a.Magic[i]&m != b.Magic[j]&m {
			return false
		}
	}
	return true
}

// ELFMatch is what an entry whose magic is an ELF header matches.
type ELFMatch struct {
	Machine elf.Machine
	Class   elf.Class
	Data    elf.Data
}

// ELF header layout (System V gABI, elf(5)): e_ident is 16 bytes (magic,
// EI_CLASS at 4, EI_DATA at 5, EI_VERSION at 6, EI_OSABI at 7,
// EI_ABIVERSION at 8, padding to 15), then e_type (2 bytes) and
// e_machine (2 bytes) in the file's byte order.
const (
	offType    = 16
	offMachine = 18
	elfPrefix  = offMachine + 2
)

// ELF reports the machine, class and byte order an entry matches when its
// magic is an ELF header that fixes all three.
func (e Entry) ELF() (ELFMatch, bool) {
	if e.Extension != "" || e.Offset != 0 || len(e.Magic) < elfPrefix || !bytes.Equal(e.Magic[:4], []byte(elf.ELFMAG)) {
		return ELFMatch{}, false
	}
	for _, i := range []int{0, 1, 2, 3, elf.EI_CLASS, elf.EI_DATA, offMachine, offMachine + 1} {
		if e.mask(i) != 0xff {
			return ELFMatch{}, false
		}
	}
	m := ELFMatch{Class: elf.Class(e.Magic[elf.EI_CLASS]), Data: elf.Data(e.Magic[elf.EI_DATA])}
	order := byteOrder(m.Data)
	if order == nil {
		return ELFMatch{}, false
	}
	m.Machine = elf.Machine(order.Uint16(e.Magic[offMachine:]))
	return m, true
}

func byteOrder(d elf.Data) binary.ByteOrder {
	switch d {
	case elf.ELFDATA2LSB:
		return binary.LittleEndian
	case elf.ELFDATA2MSB:
		return binary.BigEndian
	}
	return nil
}

// String names what the match covers: "ELF aarch64" (gemu's name for a
// target's CPU), "ELF arm 32-bit", "ELF aarch64 big-endian".
func (m ELFMatch) String() string {
	name := strings.ToLower(strings.TrimPrefix(m.Machine.String(), "EM_"))
	if a, err := targets.ByMachine(m.Machine); err == nil && m.Class == elf.ELFCLASS64 {
		name = a.Name()
	}
	s := "ELF " + name
	if m.Class == elf.ELFCLASS32 {
		s += " 32-bit"
	}
	if m.Data == elf.ELFDATA2MSB {
		s += " big-endian"
	}
	return s
}

// Describe is what an entry matches, for status: an ELF machine, an
// extension or magic bytes at an offset.
func (e Entry) Describe() string {
	if m, ok := e.ELF(); ok {
		return m.String()
	}
	if e.Extension != "" {
		return "extension ." + e.Extension
	}
	return fmt.Sprintf("magic %s at %d", strconv.QuoteToASCII(string(e.Magic)), e.Offset)
}
