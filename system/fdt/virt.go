package fdt

import (
	"fmt"
	"math"
)

// VirtMaxHarts is the largest VirtConfig.Harts this package accepts.
const VirtMaxHarts = 8

// VirtConfig selects what Virt describes.
type VirtConfig struct {
	Harts   int    // 1..VirtMaxHarts, with hart ids 0..Harts-1
	MemSize uint64 // bytes of RAM at VirtMemMap[VirtDRAM].Base
	ISA     string // every hart's riscv,isa, e.g. "rv64imafdc_zicsr_zifencei"
	MMU     string // mmu-type: "riscv,sv39", "riscv,sv48" (QEMU's, the default if empty), "riscv,sv57" or "riscv,none"

	Bootargs    string // /chosen bootargs, left out when empty
	InitrdStart uint64 // /chosen linux,initrd-start and -end, written
	InitrdEnd   uint64 // when InitrdEnd != 0
	RNGSeed     []byte // /chosen rng-seed, left out when empty (QEMU writes 32 random bytes)

	// PMUCounters is the number of programmable hpmcounters (3 and up)
	// the harts have; when non-zero, Virt writes QEMU's /pmu node, which
	// tells OpenSBI which counters count which SBI PMU events. QEMU 7.2's
	// default CPU has 16; 0 leaves the node out.
	PMUCounters int
}

// Virt returns the flattened devicetree of QEMU 7.2's riscv64 "virt"
// machine, without PCIe, flash, fw-cfg and the platform bus, as a version
// 17 blob. Nodes, properties and phandles come in the order and with the
// numbers QEMU gives them, so that a client walking the tree (Linux binds
// the virtio-mmio slots in tree order, highest address first) sees the
// same machine. QEMU 7.2 writes no /reserved-memory node (OpenSBI adds
// one for its own memory), and neither does Virt; virt_test.go's
// notEmitted says why each node of QEMU's tree that Virt lacks is left out.
func Virt(cfg VirtConfig) ([]byte, error) {
	t, err := VirtTree(cfg)
	if err != nil {
		return nil, err
	}
	return t.Blob()
}

// VirtTree is Virt before encoding.
func VirtTree(cfg VirtConfig) (*Tree, error) {
	if cfg.MMU == "" {
		cfg.MMU = "riscv,sv48"
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	ph := virtPhandles(cfg.Harts)
	t := NewTree()
	root := t.Root
	// Root: two address and two size cells (QEMU's create_fdt).
	root.SetU32("#address-cells", 2).SetU32("#size-cells", 2)
	root.SetString("compatible", "riscv-virtio").SetString("model", "riscv-virtio,qemu")
	if cfg.PMUCounters > 0 {
		virtPMU(root, cfg.PMUCounters)
	}
	virtChosen(root, cfg)
	virtSyscon(root, "poweroff", "syscon-poweroff", TestPass, ph.test)
	virtSyscon(root, "reboot", "syscon-reboot", TestReset, ph.test)
	virtMemory(root, cfg.MemSize)
	virtCPUs(root, cfg, ph)
	virtSoc(root.AddNode("soc"), cfg.Harts, ph)
	return t, nil
}

// check validates a config whose MMU default has been filled in.
func (cfg *VirtConfig) check() error {
	switch {
	case cfg.Harts < 1 || cfg.Harts > VirtMaxHarts:
		return fmt.Errorf("fdt: virt: %d harts, want 1 to %d", cfg.Harts, VirtMaxHarts)
	case cfg.MemSize == 0 || cfg.MemSize > math.MaxUint64-VirtMemMap[VirtDRAM].Base:
		return fmt.Errorf("fdt: virt: memory size %#x out of range", cfg.MemSize)
	case cfg.ISA == "":
		return fmt.Errorf("fdt: virt: no riscv,isa string")
	case cfg.InitrdEnd != 0 && cfg.InitrdEnd < cfg.InitrdStart:
		return fmt.Errorf("fdt: virt: initrd ends at %#x before it starts at %#x", cfg.InitrdEnd, cfg.InitrdStart)
	case cfg.PMUCounters < 0 || cfg.PMUCounters > 29:
		return fmt.Errorf("fdt: virt: %d PMU counters, want 0 to 29", cfg.PMUCounters)
	}
	switch cfg.MMU {
	case "riscv,sv39", "riscv,sv48", "riscv,sv57", "riscv,none":
		return nil
	}
	return fmt.Errorf("fdt: virt: mmu-type %q, want riscv,sv39, riscv,sv48, riscv,sv57 or riscv,none", cfg.MMU)
}

// virtPhandleSet holds the phandles in QEMU's numbering: from 1 up, each
// hart from the highest id down takes one for its cpu node and one for its
// interrupt controller, then the PLIC, then the test device.
type virtPhandleSet struct {
	cpu, intc  []Phandle // indexed by hart id
	plic, test Phandle
}

func virtPhandles(harts int) virtPhandleSet {
	s := virtPhandleSet{cpu: make([]Phandle, harts), intc: make([]Phandle, harts)}
	next := Phandle(1)
	for h := harts - 1; h >= 0; h-- {
		s.cpu[h], s.intc[h] = next, next+1
		next += 2
	}
	s.plic, s.test = next, next+1
	return s
}

// virtPMU writes /pmu (binding: Documentation/devicetree/bindings/perf/
// riscv,pmu.yaml): for each SBI PMU event, the event-index range and the
// mask of counters that can count it. Cycles may also use the fixed
// counter 0 and instructions retired counter 2; the cache events only the
// programmable counters 3 and up.
func virtPMU(root *Node, counters int) {
	prog := uint32(1<<counters-1) << 3
	n := root.AddNode("pmu")
	n.SetCells("riscv,event-to-mhpmcounters",
		0x00001, 0x00001, prog|1<<0, // SBI_PMU_HW_CPU_CYCLES
		0x00002, 0x00002, prog|1<<2, // SBI_PMU_HW_INSTRUCTIONS
		0x10019, 0x10019, prog, // DTLB read miss
		0x1001b, 0x1001b, prog, // DTLB write miss
		0x10021, 0x10021, prog, // ITLB read miss
		0, 0, 0, 0, 0) // QEMU's table is 20 cells long
	n.SetString("compatible", "riscv,pmu")
}

// virtChosen writes /chosen (DT spec v0.4 §3.6). Linux reads the initrd
// range with as many cells as the property has: QEMU 7.2 writes one cell
// each, which this keeps while the addresses fit in 32 bits.
func virtChosen(root *Node, cfg VirtConfig) {
	n := root.AddNode("chosen")
	if cfg.InitrdEnd != 0 {
		setAddr(n, "linux,initrd-end", cfg.InitrdEnd)
		setAddr(n, "linux,initrd-start", cfg.InitrdStart)
	}
	if len(cfg.RNGSeed) > 0 {
		n.SetBytes("rng-seed", cfg.RNGSeed)
	}
	if cfg.Bootargs != "" {
		n.SetString("bootargs", cfg.Bootargs)
	}
	n.SetString("stdout-path", "/soc/"+uartName())
}

// setAddr writes an address as one cell when it fits and as two otherwise.
func setAddr(n *Node, name string, a uint64) {
	if a <= math.MaxUint32 {
		n.SetU32(name, uint32(a))
	} else {
		n.SetU64(name, a)
	}
}

// virtSyscon writes a syscon-poweroff or syscon-reboot node (Linux
// bindings power/reset/syscon-poweroff.yaml and syscon-reboot.yaml): write
// value at offset 0 of the syscon test device to power off or reset.
func virtSyscon(root *Node, name, compatible string, value uint32, test Phandle) {
	n := root.AddNode(name)
	n.SetU32("value", value).SetU32("offset", 0).SetPhandleRef("regmap", test)
	n.SetString("compatible", compatible)
}

// virtMemory writes /memory@80000000 (DT spec v0.4 §3.4).
func virtMemory(root *Node, size uint64) {
	base := VirtMemMap[VirtDRAM].Base
	n := root.AddNode(fmt.Sprintf("memory@%x", base))
	n.SetString("device_type", "memory")
	n.SetCells("reg", reg2(base, size)...)
}

// virtCPUs writes /cpus (DT spec v0.4 §3.7, §3.8; Linux binding
// riscv/cpus.yaml): one cpu@N per hart with its riscv,cpu-intc child, then
// cpu-map/cluster0/coreN (binding cpu/cpu-topology.txt).
func virtCPUs(root *Node, cfg VirtConfig, ph virtPhandleSet) {
	cpus := root.AddNode("cpus")
	cpus.SetU32("#address-cells", 1).SetU32("#size-cells", 0)
	cpus.SetU32("timebase-frequency", TimebaseFrequency)
	for h := 0; h < cfg.Harts; h++ {
		c := cpus.AddNode(fmt.Sprintf("cpu@%d", h))
		c.SetPhandle(ph.cpu[h]).SetString("device_type", "cpu").SetU32("reg", uint32(h))
		c.SetString("status", "okay").SetString("compatible", "riscv")
		c.SetString("riscv,isa", cfg.ISA).SetString("mmu-type", cfg.MMU)
		intc := c.AddNode("interrupt-controller")
		intc.SetU32("#interrupt-cells", 1).SetEmpty("interrupt-controller")
		intc.SetString("compatible", "riscv,cpu-intc").SetPhandle(ph.intc[h])
	}
	cluster := cpus.AddNode("cpu-map").AddNode("cluster0")
	for h := 0; h < cfg.Harts; h++ {
		cluster.AddNode(fmt.Sprintf("core%d", h)).SetPhandleRef("cpu", ph.cpu[h])
	}
}

// virtSoc writes /soc, a simple-bus (DT spec v0.4 §4.5) with two address
// and two size cells whose empty ranges maps it 1:1, and its devices.
func virtSoc(soc *Node, harts int, ph virtPhandleSet) {
	soc.SetU32("#address-cells", 2).SetU32("#size-cells", 2)
	soc.SetString("compatible", "simple-bus").SetEmpty("ranges")
	virtRTC(soc, ph.plic)
	virtUART(soc, ph.plic)
	virtTest(soc, ph.test)
	for i := VirtioCount - 1; i >= 0; i-- {
		virtVirtio(soc, i, ph.plic)
	}
	virtPLIC(soc, harts, ph)
	virtCLINT(soc, harts, ph)
}

// device adds a soc child named name@base for region r.
func device(soc *Node, name string, r Region) *Node {
	return soc.AddNode(fmt.Sprintf("%s@%x", name, r.Base))
}

// plicInterrupt gives n PLIC source irq (one interrupt cell).
func plicInterrupt(n *Node, irq uint32, plic Phandle) {
	n.SetU32("interrupts", irq).SetPhandleRef("interrupt-parent", plic)
}

// virtRTC: Linux binding rtc/google,goldfish-rtc.txt.
func virtRTC(soc *Node, plic Phandle) {
	r := VirtMemMap[VirtRTC]
	n := device(soc, "rtc", r)
	plicInterrupt(n, RTCIRQ, plic)
	n.SetCells("reg", reg2(r.Base, r.Size)...).SetString("compatible", "google,goldfish-rtc")
}

func uartName() string { return fmt.Sprintf("serial@%x", VirtMemMap[VirtUART0].Base) }

// virtUART: Linux binding serial/8250.yaml; byte-wide registers, so no
// reg-shift or reg-io-width.
func virtUART(soc *Node, plic Phandle) {
	r := VirtMemMap[VirtUART0]
	n := soc.AddNode(uartName())
	plicInterrupt(n, UART0IRQ, plic)
	n.SetU32("clock-frequency", UART0ClockHz)
	n.SetCells("reg", reg2(r.Base, r.Size)...).SetString("compatible", "ns16550a")
}

// virtTest: the SiFive test finisher, also a syscon (Linux binding
// mfd/syscon.yaml) that /poweroff and /reboot point at.
func virtTest(soc *Node, test Phandle) {
	r := VirtMemMap[VirtTest]
	n := device(soc, "test", r)
	n.SetPhandle(test).SetCells("reg", reg2(r.Base, r.Size)...)
	n.SetStrings("compatible", "sifive,test1", "sifive,test0", "syscon")
}

// virtVirtio writes slot i: Linux binding virtio/mmio.yaml.
func virtVirtio(soc *Node, i int, plic Phandle) {
	r := VirtioRegion(i)
	n := soc.AddNode(fmt.Sprintf("virtio_mmio@%x", r.Base))
	plicInterrupt(n, uint32(VirtioIRQ+i), plic)
	n.SetCells("reg", reg2(r.Base, r.Size)...).SetString("compatible", "virtio,mmio")
}

// virtPLIC: Linux binding interrupt-controller/sifive,plic-1.0.0.yaml.
// interrupts-extended lists the contexts in order: hart 0 M (11), hart 0
// S (9), hart 1 M, ... so context c belongs to hart c/2.
func virtPLIC(soc *Node, harts int, ph virtPhandleSet) {
	r := VirtMemMap[VirtPLIC]
	n := device(soc, "plic", r)
	n.SetPhandle(ph.plic).SetU32("riscv,ndev", PLICNDev)
	n.SetCells("reg", reg2(r.Base, r.Size)...)
	n.SetCells("interrupts-extended", perHart(ph.intc[:harts], IRQMExt, IRQSExt)...)
	n.SetEmpty("interrupt-controller")
	n.SetStrings("compatible", "sifive,plic-1.0.0", "riscv,plic0")
	n.SetU32("#address-cells", 0).SetU32("#interrupt-cells", 1)
}

// virtCLINT: Linux binding timer/sifive,clint.yaml; per hart its machine
// software (3) and machine timer (7) interrupts.
func virtCLINT(soc *Node, harts int, ph virtPhandleSet) {
	r := VirtMemMap[VirtCLINT]
	n := device(soc, "clint", r)
	n.SetCells("interrupts-extended", perHart(ph.intc[:harts], IRQMSoft, IRQMTimer)...)
	n.SetCells("reg", reg2(r.Base, r.Size)...)
	n.SetStrings("compatible", "sifive,clint0", "riscv,clint0")
}

// perHart returns <intc irqA intc irqB> for each hart's controller.
func perHart(intc []Phandle, irqA, irqB uint32) []uint32 {
	var cells []uint32
	for _, p := range intc {
		cells = append(cells, uint32(p), irqA, uint32(p), irqB)
	}
	return cells
}

// reg2 encodes one (address, size) pair with two cells each (§2.3.6).
func reg2(base, size uint64) []uint32 {
	return []uint32{uint32(base >> 32), uint32(base), uint32(size >> 32), uint32(size)}
}
