package fdt

// The physical memory map and interrupt numbers of the riscv64 "virt"
// machine, as QEMU 7.2 lays it out (hw/riscv/virt.c's memory map table and
// include/hw/riscv/virt.h). Virt describes these regions in the devicetree,
// and the machine maps its devices at the same places.

// VirtDevice names one region of the virt machine's memory map.
type VirtDevice int

// The regions of the default machine (no AIA, no ACLINT), by base address.
const (
	VirtDebug       VirtDevice = iota // debug module (not emulated, not in the tree)
	VirtMROM                          // mask ROM holding the reset vector
	VirtTest                          // sifive,test1 finisher: poweroff and reboot
	VirtRTC                           // google,goldfish-rtc
	VirtCLINT                         // sifive,clint0: msip, mtimecmp, mtime
	VirtPCIePIO                       // PCIe I/O ports (not in the tree)
	VirtPlatformBus                   // dynamic sysbus devices (not in the tree)
	VirtPLIC                          // sifive,plic-1.0.0
	VirtUART0                         // ns16550a
	VirtVirtio                        // the first of VirtioCount virtio,mmio slots
	VirtFWCfg                         // qemu,fw-cfg-mmio (not in the tree)
	VirtFlash                         // two cfi-flash banks (not in the tree)
	VirtPCIeECAM                      // PCIe configuration space (not in the tree)
	VirtPCIeMMIO                      // PCIe 32-bit memory window (not in the tree)
	VirtDRAM                          // RAM; its size is the machine's -m
	numVirtDevices
)

// Region is a physical address range [Base, Base+Size).
type Region struct {
	Name string
	Base uint64
	Size uint64
}

// End returns the first address past r.
func (r Region) End() uint64 { return r.Base + r.Size }

// VirtMemMap is the machine's memory map, indexed by VirtDevice. The
// VirtDRAM entry has size 0: RAM is as large as the machine is given.
var VirtMemMap = [numVirtDevices]Region{
	VirtDebug:       {"debug", 0x0, 0x100},
	VirtMROM:        {"mrom", 0x1000, 0xf000},
	VirtTest:        {"test", 0x100000, 0x1000},
	VirtRTC:         {"rtc", 0x101000, 0x1000},
	VirtCLINT:       {"clint", 0x2000000, 0x10000},
	VirtPCIePIO:     {"pcie-pio", 0x3000000, 0x10000},
	VirtPlatformBus: {"platform-bus", 0x4000000, 0x2000000},
	VirtPLIC:        {"plic", 0xc000000, PLICContextBase + 2*PLICMaxHarts*PLICContextStride},
	VirtUART0:       {"uart0", 0x10000000, 0x100},
	VirtVirtio:      {"virtio", 0x10001000, VirtioStride},
	VirtFWCfg:       {"fw-cfg", 0x10100000, 0x18},
	VirtFlash:       {"flash", 0x20000000, 0x4000000},
	VirtPCIeECAM:    {"pcie-ecam", 0x30000000, 0x10000000},
	VirtPCIeMMIO:    {"pcie-mmio", 0x40000000, 0x40000000},
	VirtDRAM:        {"dram", 0x80000000, 0},
}

// String returns the region's short name.
func (d VirtDevice) String() string {
	if d < 0 || d >= numVirtDevices {
		return "unknown"
	}
	return VirtMemMap[d].Name
}

// VirtioRegion returns the region of virtio-mmio slot i (0..VirtioCount-1),
// whose interrupt is VirtioIRQ+i.
func VirtioRegion(i int) Region {
	r := VirtMemMap[VirtVirtio]
	r.Base += uint64(i) * VirtioStride
	return r
}

// Interrupt sources on the PLIC (hw/riscv/virt.h).
const (
	VirtioIRQ   = 1  // virtio-mmio slot i raises source VirtioIRQ+i
	VirtioCount = 8  // virtio-mmio slots
	UART0IRQ    = 10 // the ns16550a
	RTCIRQ      = 11 // the goldfish RTC

	VirtioStride = 0x1000 // distance between two virtio-mmio slots
)

// The PLIC: its sources, priorities and register layout. Each hart h has
// two contexts: 2*h for M mode (external interrupt 11 of its
// riscv,cpu-intc) and 2*h+1 for S mode (interrupt 9); see PLICContext.
const (
	PLICNumSources = 96 // source ids 0..95; 0 means "no interrupt"
	// PLICNDev is the "riscv,ndev" QEMU 7.2 writes: PLICNumSources itself,
	// one more than the highest real source id (later QEMUs write 95).
	PLICNDev          = PLICNumSources
	PLICPriorityBits  = 3 // priorities 0..7
	PLICMaxHarts      = 512
	PLICPriorityBase  = 0x0      // 4 bytes per source
	PLICPendingBase   = 0x1000   // one bit per source
	PLICEnableBase    = 0x2000   // per context, one bit per source
	PLICEnableStride  = 0x80     // bytes of enable bits per context
	PLICContextBase   = 0x200000 // per context: threshold at +0, claim/complete at +4
	PLICContextStride = 0x1000
)

// PLICContext returns the PLIC context of hart in M mode (supervisor
// false) or S mode (supervisor true).
func PLICContext(hart int, supervisor bool) int {
	if supervisor {
		return 2*hart + 1
	}
	return 2 * hart
}

// The CLINT's registers, as offsets from its base, and its timer rate.
const (
	CLINTMsip     = 0x0    // 4 bytes per hart: machine software interrupt
	CLINTMtimecmp = 0x4000 // 8 bytes per hart
	CLINTMtime    = 0xbff8 // 8 bytes, shared

	TimebaseFrequency = 10000000 // Hz, /cpus timebase-frequency
)

// Local interrupt numbers of a hart's riscv,cpu-intc (the bits of mip)
// that the CLINT and PLIC raise.
const (
	IRQSExt   = 9  // supervisor external: PLIC S context
	IRQMSoft  = 3  // machine software: CLINT msip
	IRQMTimer = 7  // machine timer: CLINT mtimecmp
	IRQMExt   = 11 // machine external: PLIC M context
)

// The finisher at VirtTest: a 32-bit write of one of these values.
const (
	TestFail     = 0x3333 // exit with failure; the upper 16 bits are the code
	TestPass     = 0x5555 // power off (the tree's syscon-poweroff value)
	TestReset    = 0x7777 // reset (the tree's syscon-reboot value)
	UART0ClockHz = 3686400
)

// VirtFDTAddr returns where QEMU 7.2 places a devicetree of fdtSize bytes
// for a machine with memSize bytes of RAM: 2 MiB-aligned below the end of
// RAM or 3 GiB, whichever is lower, so that 32-bit code can reach it. QEMU
// passes that address to the firmware in a1. (QEMU's own blob is 1 MiB.)
func VirtFDTAddr(memSize, fdtSize uint64) uint64 {
	end := min(VirtMemMap[VirtDRAM].Base+memSize, 3<<30)
	return (end - fdtSize) &^ (2<<20 - 1)
}
