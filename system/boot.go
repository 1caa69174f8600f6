package system

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/gemu-project/gemu/system/fdt"
	"github.com/gemu-project/gemu/targets/riscv64"
)

// Boot as qemu-system-riscv64 7.2 boots virt (hw/riscv/boot.c, virt.c):
// the firmware at the start of RAM, the kernel at the next 2 MiB boundary
// after it, the initrd 128 MiB (or half the RAM) above the kernel, the
// device tree at the top of RAM below 3 GiB, and every hart starting at
// the firmware with a0 = hart ID, a1 = device tree, a2 = OpenSBI's
// fw_dynamic information (kept in the mask ROM, as QEMU does).

// BootInfo says where each boot stage went.
type BootInfo struct {
	Entry                      uint64 // where the harts start
	FirmwareStart, FirmwareEnd uint64
	KernelStart, KernelEnd     uint64
	KernelEntry                uint64
	InitrdStart, InitrdEnd     uint64
	FDTAddr, FDTSize           uint64
}

// DefaultBIOS is qemu-system's default firmware, OpenSBI's fw_dynamic, as
// Debian's opensbi package installs it.
const DefaultBIOS = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf"

const (
	align2M      = 2 << 20
	fwDynMagic   = 0x4942534f // "OSBI", OpenSBI include/sbi/fw_dynamic.h
	fwDynVersion = 2
	fwDynOffset  = 0x40 // the info's offset in the mask ROM
)

func (m *Machine) load() error {
	b := &m.Boot
	next := uint64(ramBase)
	bios := m.cfg.BIOS
	if bios == "" {
		bios = DefaultBIOS
		if _, err := os.Stat(bios); err != nil {
			return fmt.Errorf("no firmware: %s is missing (Debian package opensbi); give -bios FILE or -bios none", bios)
		}
	}
	if bios != "none" {
		start, end, entry, err := m.loadImage(bios, "firmware", ramBase, false)
		if err != nil {
			return err
		}
		b.FirmwareStart, b.FirmwareEnd, b.Entry = start, end, entry
		next = alignUp(end, align2M)
	}
	if m.cfg.Kernel != "" {
		start, end, entry, err := m.loadImage(m.cfg.Kernel, "kernel", next, true)
		if err != nil {
			return err
		}
		b.KernelStart, b.KernelEnd, b.KernelEntry = start, end, entry
		if bios == "none" {
			b.Entry = entry
		}
	} else if m.cfg.Initrd != "" || m.cfg.Append != "" {
		return fmt.Errorf("-initrd and -append need -kernel")
	}
	if bios == "none" && m.cfg.Kernel == "" {
		return fmt.Errorf("nothing to run: -bios none and no -kernel")
	}
	if m.cfg.Initrd != "" {
		if err := m.loadInitrd(); err != nil {
			return err
		}
	}
	if err := m.loadFDT(); err != nil {
		return err
	}
	m.loadROM()
	for _, h := range m.harts {
		h.Reset(b.Entry)
		h.CPU.R[riscv64.RegA0] = uint64(h.ID)
		h.CPU.R[riscv64.RegA0+1] = b.FDTAddr
		h.CPU.R[riscv64.RegA0+2] = fdt.VirtMemMap[fdt.VirtMROM].Base + fwDynOffset
	}
	return nil
}

// loadImage loads an ELF, a RISC-V Linux Image or a raw binary (any of
// them gzipped) at or after at; it returns the bytes' range and entry.
func (m *Machine) loadImage(path, what string, at uint64, kernel bool) (start, end, entry uint64, err error) {
	data, err := readMaybeGzip(path)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%s: %v", what, err)
	}
	if len(data) == 0 {
		return 0, 0, 0, fmt.Errorf("%s %s: empty file", what, path)
	}
	if bytes.HasPrefix(data, []byte(elf.ELFMAG)) {
		start, end, entry, err = m.loadELF(data, at, kernel)
	} else {
		if kernel && len(data) >= 64 && !isRISCVImage(data) {
			m.cfg.Logf("gemu-system: %s is neither ELF nor a RISC-V Image: loading it raw", path)
		}
		start, end, entry = at, at+uint64(len(data)), at
		err = m.place(at, data)
	}
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%s %s: %v", what, path, err)
	}
	return start, end, entry, nil
}

// isRISCVImage checks the Linux RISC-V Image header's magic numbers
// (Linux Documentation/arch/riscv/boot-image-header.rst).
func isRISCVImage(b []byte) bool {
	return string(b[48:56]) == "RISCV\x00\x00\x00" || string(b[56:60]) == "RSC\x05"
}

// loadELF loads the PT_LOAD segments at their physical addresses; when
// those are not in RAM (a vmlinux linked for its virtual addresses), the
// image moves to at and the entry with it. QEMU starts a kernel ELF at its
// lowest load address and a firmware ELF at its entry.
func (m *Machine) loadELF(data []byte, at uint64, kernel bool) (start, end, entry uint64, err error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return 0, 0, 0, err
	}
	if f.Machine != elf.EM_RISCV || f.Class != elf.ELFCLASS64 {
		return 0, 0, 0, fmt.Errorf("not a 64-bit RISC-V ELF (%v, %v)", f.Class, f.Machine)
	}
	lo, hi, vlo := ^uint64(0), uint64(0), ^uint64(0)
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Memsz > 0 {
			lo, hi, vlo = min(lo, p.Paddr), max(hi, p.Paddr+p.Memsz), min(vlo, p.Vaddr)
		}
	}
	if hi == 0 {
		return 0, 0, 0, fmt.Errorf("no loadable segments")
	}
	shift := uint64(0)
	if !m.inRAM(lo, hi-lo) {
		shift = at - lo
	}
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Memsz == 0 {
			continue
		}
		seg := make([]byte, p.Memsz)
		if _, err := p.ReadAt(seg[:p.Filesz], 0); err != nil && err != io.EOF {
			return 0, 0, 0, fmt.Errorf("segment at %#x: %v", p.Paddr, err)
		}
		if err := m.place(p.Paddr+shift, seg); err != nil {
			return 0, 0, 0, err
		}
	}
	entry = f.Entry
	switch {
	case kernel:
		entry = lo + shift
	case shift != 0:
		entry = f.Entry - vlo + at
	}
	return lo + shift, hi + shift, entry, nil
}

func (m *Machine) inRAM(a, n uint64) bool {
	return a >= ramBase && n <= uint64(len(m.ram)) && a-ramBase <= uint64(len(m.ram))-n
}

// place copies data into RAM at physical address a.
func (m *Machine) place(a uint64, data []byte) error {
	if !m.inRAM(a, uint64(len(data))) {
		return fmt.Errorf("%d bytes at %#x do not fit in RAM [%#x, %#x) (-m)", len(data), a,
			uint64(ramBase), ramBase+uint64(len(m.ram)))
	}
	copy(m.ram[a-ramBase:], data)
	return nil
}

func (m *Machine) loadInitrd() error {
	data, err := os.ReadFile(m.cfg.Initrd)
	if err != nil {
		return fmt.Errorf("initrd: %v", err)
	}
	b := &m.Boot
	start := b.KernelEntry + min(m.cfg.MemSize/2, 128<<20)
	if err := m.place(start, data); err != nil {
		return fmt.Errorf("initrd %s: %v", m.cfg.Initrd, err)
	}
	b.InitrdStart, b.InitrdEnd = start, start+uint64(len(data))
	return nil
}

// loadFDT generates the device tree (or takes -dtb's, with /chosen set
// the same way) and puts it at the top of RAM.
func (m *Machine) loadFDT() error {
	b := &m.Boot
	seed := make([]byte, 32)
	rand.Read(seed)
	cfg := fdt.VirtConfig{Harts: m.cfg.SMP, MemSize: m.cfg.MemSize, ISA: ISA, MMU: "riscv,sv48",
		Bootargs: m.cfg.Append, InitrdStart: b.InitrdStart, InitrdEnd: b.InitrdEnd, RNGSeed: seed}
	var blob []byte
	var err error
	if m.cfg.DTB == "" {
		blob, err = fdt.Virt(cfg)
	} else {
		blob, err = m.userDTB(cfg)
	}
	if err != nil {
		return err
	}
	b.FDTAddr, b.FDTSize = fdt.VirtFDTAddr(m.cfg.MemSize, uint64(len(blob))), uint64(len(blob))
	if b.FDTAddr < b.InitrdEnd || b.FDTAddr < b.KernelEnd {
		return fmt.Errorf("the device tree at %#x would overlap the kernel or initrd: give more memory (-m)", b.FDTAddr)
	}
	return m.place(b.FDTAddr, blob)
}

// userDTB reads -dtb's blob and sets /chosen's bootargs and initrd range
// in it, as QEMU does.
func (m *Machine) userDTB(cfg fdt.VirtConfig) ([]byte, error) {
	data, err := os.ReadFile(m.cfg.DTB)
	if err != nil {
		return nil, fmt.Errorf("-dtb: %v", err)
	}
	t, err := fdt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("-dtb %s: %v", m.cfg.DTB, err)
	}
	chosen := t.Lookup("/chosen")
	if chosen == nil {
		chosen = t.Root.AddNode("chosen")
	}
	if cfg.Bootargs != "" {
		chosen.SetString("bootargs", cfg.Bootargs)
	}
	if cfg.InitrdEnd != 0 {
		chosen.SetU64("linux,initrd-start", cfg.InitrdStart)
		chosen.SetU64("linux,initrd-end", cfg.InitrdEnd)
	}
	return t.Blob()
}

// loadROM fills the mask ROM with OpenSBI's fw_dynamic information: the
// next stage's address and mode (S), for fw_dynamic firmware.
func (m *Machine) loadROM() {
	next := m.Boot.KernelEntry
	for i, v := range []uint64{fwDynMagic, fwDynVersion, next, riscv64.PrivS, 0, ^uint64(0)} {
		binary.LittleEndian.PutUint64(m.rom[fwDynOffset+8*i:], v)
	}
}

// romDevice is read-only memory on the bus.
type romDevice []byte

func (r romDevice) Read(off uint64, size int) uint64 {
	var b [8]byte
	if off < uint64(len(r)) {
		copy(b[:size], r[off:])
	}
	return binary.LittleEndian.Uint64(b[:])
}

func (romDevice) Write(off uint64, size int, v uint64) {}

func readMaybeGzip(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
		z, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		return io.ReadAll(z)
	}
	return data, nil
}

func alignUp(x, a uint64) uint64 { return (x + a - 1) &^ (a - 1) }
