package binfmt

import (
	"debug/elf"
	"fmt"
	"strconv"
	"strings"

	"github.com/gemu-project/gemu/targets"
)

// Target is a guest CPU as binfmt_misc sees its programs.
type Target struct {
	Name    string // gemu's target name: aarch64, riscv64
	Machine elf.Machine
	Class   elf.Class
	Data    elf.Data
}

// Targets lists the registered targets. Every gemu target is a 64-bit
// little-endian CPU: the loader accepts no other ELF class or byte order
// (loader/elf.go).
func Targets() []Target {
	var out []Target
	for _, a := range targets.All() {
		out = append(out, Target{Name: a.Name(), Machine: a.Machine(), Class: elf.ELFCLASS64, Data: elf.ELFDATA2LSB})
	}
	return out
}

// Entry is the registration that runs the target's Linux executables
// through interpreter. The magic fixes the ELF identification bytes a
// Linux program has (class, byte order, EI_VERSION = EV_CURRENT, zero
// EI_ABIVERSION and padding) and e_machine; the mask leaves out EI_OSABI
// (0 or 3, ELFOSABI_GNU, for Linux programs) and the lowest bit of
// e_type, so that ET_EXEC (2) and ET_DYN (3: PIE) both match.
func (t Target) Entry(name, interpreter, flags string) Entry {
	magic := make([]byte, elfPrefix)
	mask := make([]byte, elfPrefix)
	copy(magic, elf.ELFMAG)
	magic[elf.EI_CLASS] = byte(t.Class)
	magic[elf.EI_DATA] = byte(t.Data)
	magic[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	for i := range mask {
		mask[i] = 0xff
	}
	mask[elf.EI_OSABI] = 0
	order := byteOrder(t.Data)
	order.PutUint16(magic[offType:], uint16(elf.ET_EXEC))
	order.PutUint16(mask[offType:], 0xfffe)
	order.PutUint16(magic[offMachine:], uint16(t.Machine))
	return Entry{Name: name, Enabled: true, Magic: magic, Mask: mask, Interpreter: interpreter, Flags: NormFlags(flags)}
}

// maxRegister is the longest registration the kernel takes
// (fs/binfmt_misc.c MAX_REGISTER_LENGTH).
const maxRegister = 1920

// delimiters are the field separators Line may use: ':' unless a field
// holds it. Not '#' or ';', which start a comment in a binfmt.d file.
const delimiters = ":|,!%"

// Line is the registration string, as written to binfmt_misc's register
// file and as one line of a binfmt.d file (binfmt.d(5)):
// :name:type:offset:magic:mask:interpreter:flags, magic and mask written
// as \x escapes.
func (e Entry) Line() (string, error) {
	if err := e.check(); err != nil {
		return "", err
	}
	typ, offset, magic, mask := "M", "", hexEscape(e.Magic), hexEscape(e.Mask)
	if e.Offset != 0 {
		offset = strconv.Itoa(e.Offset)
	}
	if e.Extension != "" {
		typ, magic, mask = "E", e.Extension, ""
	}
	fields := []string{e.Name, typ, offset, magic, mask, e.Interpreter, e.Flags}
	d, ok := delimiter(fields)
	if !ok {
		return "", fmt.Errorf("binfmt_misc entry %s: no field delimiter is free (name and interpreter use %q)", e.Name, delimiters)
	}
	line := d + strings.Join(fields, d)
	if len(line) > maxRegister {
		return "", fmt.Errorf("binfmt_misc entry %s: registration longer than %d bytes", e.Name, maxRegister)
	}
	return line, nil
}

// check refuses what the kernel refuses (create_entry): names that are
// not a plain file name, an empty interpreter, line breaks.
func (e Entry) check() error {
	switch {
	case e.Name == "" || e.Name == "." || e.Name == ".." || e.Name == "register" || e.Name == "status" ||
		strings.ContainsAny(e.Name, "/\n"):
		return fmt.Errorf("%q is not a valid binfmt_misc entry name", e.Name)
	case e.Interpreter == "" || strings.Contains(e.Interpreter, "\n"):
		return fmt.Errorf("binfmt_misc entry %s: %q is not a valid interpreter", e.Name, e.Interpreter)
	case e.Extension == "" && len(e.Magic) == 0:
		return fmt.Errorf("binfmt_misc entry %s: no magic", e.Name)
	}
	return nil
}

// delimiter picks the first delimiter no field contains.
func delimiter(fields []string) (string, bool) {
	for _, d := range delimiters {
		free := true
		for _, f := range fields {
			free = free && !strings.ContainsRune(f, d)
		}
		if free {
			return string(d), true
		}
	}
	return "", false
}

// hexEscape writes every byte as \xHH, as qemu's and systemd's binfmt.d
// files do (the kernel unescapes with string_unescape).
func hexEscape(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		fmt.Fprintf(&s, `\x%02x`, c)
	}
	return s.String()
}
