// Package system is gemu's full-system mode (docs/design.md "Full-system
// mode"): QEMU 7.2's riscv64 "virt" machine on the same translator core as
// user mode, with the devices of system/dev, the device tree of system/fdt
// and harts from targets/riscv64.
package system

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/debugapi"
	"github.com/gemu-project/gemu/system/dev"
	"github.com/gemu-project/gemu/system/fdt"
	"github.com/gemu-project/gemu/system/virtio"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
)

// Config is a machine as the command line describes it.
type Config struct {
	Machine string // only "virt"
	MemSize uint64 // bytes of RAM
	SMP     int    // harts
	BIOS    string // firmware (ELF or raw binary) or "none"
	Kernel  string // ELF vmlinux, a RISC-V Image, or either gzipped
	Initrd  string
	Append  string // the kernel command line
	DTB     string // a device tree blob to use instead of the generated one

	NoReboot bool // a guest reset ends the machine (-no-reboot)
	// Debugger, when set, is attached before the first instruction and
	// holds the harts until GDB resumes them (-s, -gdb: qemu's -S too).
	Debugger debugapi.Stub

	// Devices are the virtio devices, in command-line order.
	Devices []Device

	Serial   io.Writer // the console UART's output (nil: discarded)
	SerialIn io.Reader // its input (nil: none)
	Logf     func(format string, args ...any)
}

// Defaults of qemu-system-riscv64 -M virt.
const (
	DefaultMemSize = 128 << 20
	maxMemSize     = 16 << 30
	// ISA is what the harts implement, as the device tree names it.
	ISA = "rv64imafdc_zicsr_zifencei_zba_zbb_zbc_zbs_sstc"
)

// Machine is one running virt machine.
type Machine struct {
	cfg    Config
	engine *translate.Engine
	harts  []*riscv64.Hart
	ram    []byte
	bus    *dev.Bus
	uart   *dev.UART
	plic   *dev.PLIC
	clint  *dev.CLINT
	code   *riscv64.CodePages
	virtio []*virtio.MMIO
	rom    romDevice // the mask ROM (boot.go)

	stopping atomic.Bool
	ctl      control
	mu       sync.Mutex
	exitCode int
	reset    bool
	// Boot is where each stage went (boot.go).
	Boot BootInfo
}

// New builds the machine and loads firmware, kernel, initrd and device tree.
func New(cfg Config) (*Machine, error) {
	if cfg.Machine != "" && cfg.Machine != "virt" {
		return nil, fmt.Errorf("unsupported machine type %q (supported: virt)", cfg.Machine)
	}
	if cfg.MemSize == 0 {
		cfg.MemSize = DefaultMemSize
	}
	if cfg.MemSize%translate.PageSize != 0 || cfg.MemSize < 16<<20 || cfg.MemSize > maxMemSize {
		return nil, fmt.Errorf("memory size %d MiB out of range (16 MiB to %d GiB)", cfg.MemSize>>20, maxMemSize>>30)
	}
	if cfg.SMP == 0 {
		cfg.SMP = 1
	}
	if cfg.SMP < 1 || cfg.SMP > fdt.VirtMaxHarts {
		return nil, fmt.Errorf("-smp %d: the virt machine has 1 to %d harts", cfg.SMP, fdt.VirtMaxHarts)
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	m := &Machine{cfg: cfg}
	if err := m.build(); err != nil {
		m.Close()
		return nil, err
	}
	if err := m.load(); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func (m *Machine) build() error {
	ram, err := unix.Mmap(-1, 0, int(m.cfg.MemSize), unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return fmt.Errorf("cannot allocate %d MiB of guest RAM: %v", m.cfg.MemSize>>20, err)
	}
	m.ram = ram
	arch, err := targets.ByName("riscv64")
	if err != nil {
		return err
	}
	m.engine = translate.NewSystemEngine(arch)
	m.code = riscv64.NewCodePages(ramBase, m.cfg.MemSize)
	m.devices()
	if err := m.addVirtio(); err != nil {
		return err
	}
	// The harts first: the CLINT raises MTIP of every hart as it starts.
	for i := 0; i < m.cfg.SMP; i++ {
		m.harts = append(m.harts, riscv64.NewHart(m.engine, riscv64.HartConfig{
			ID: i, RAMBase: ramBase, RAM: m.ram, Bus: ioBus{m.bus}, Code: m.code,
			Time:    func() uint64 { return m.clint.Time() },
			TimerAt: func(t uint64, f func()) func() { return m.clint.TimerAt(t, f) },
			Sstc:    true, SvMode: 9,
		}))
	}
	m.initControl()
	m.clint = dev.NewCLINT(m.cfg.SMP, hartLines{m}, dev.Ticks10MHz())
	base, size := region(fdt.VirtCLINT)
	m.bus.AddDevice(base, size, m.clint, "clint")
	return nil
}

const ramBase = 0x80000000

func region(d fdt.VirtDevice) (base, size uint64) {
	r := fdt.VirtMemMap[d]
	return r.Base, r.Size
}

// devices puts everything but the CLINT and the harts on the bus.
func (m *Machine) devices() {
	m.bus = dev.NewBus()
	m.bus.AddRAM(ramBase, m.ram)
	m.plic = dev.NewPLIC(m.cfg.SMP, hartLines{m})
	base, _ := region(fdt.VirtPLIC)
	m.bus.AddDevice(base, m.plic.Size(), m.plic, "plic")
	m.uart = dev.NewUART(m.cfg.Serial, m.plic.IRQ(fdt.UART0IRQ))
	add := func(d fdt.VirtDevice, x dev.Device) {
		r := fdt.VirtMemMap[d]
		m.bus.AddDevice(r.Base, r.Size, x, r.Name)
	}
	// PCIe configuration space with no device behind it: reads are all
	// ones (PCI Express Base 4.0 §7.2.2.2). The generated tree has no
	// PCIe node; QEMU's own (-dtb) has, and Linux probes it.
	add(fdt.VirtPCIeECAM, noPCIDevices{})
	m.rom = make(romDevice, fdt.VirtMemMap[fdt.VirtMROM].Size)
	add(fdt.VirtMROM, m.rom)
	add(fdt.VirtUART0, m.uart)
	add(fdt.VirtTest, dev.NewSiFiveTest(m.finish))
	add(fdt.VirtRTC, dev.NewGoldfishRTC(time.Now, m.plic.IRQ(fdt.RTCIRQ)))
}

// hartLines delivers device interrupt lines to harts (dev.HartIRQ).
type hartLines struct{ m *Machine }

func (l hartLines) SetPending(hart int, bit uint, level bool) {
	if hart < len(l.m.harts) {
		l.m.harts[hart].SetLine(bit, level)
	}
}

// ioBus is the bus as the harts see it (riscv64.PhysBus).
type ioBus struct{ b *dev.Bus }

func (b ioBus) ReadIO(pa uint64, size int) (uint64, bool)  { return b.b.Read(pa, size) }
func (b ioBus) WriteIO(pa uint64, size int, v uint64) bool { return b.b.Write(pa, size, v) }

// finish is the test device's poweroff, failure or reset.
func (m *Machine) finish(code int, reset bool) {
	m.mu.Lock()
	m.exitCode, m.reset = code, reset
	m.mu.Unlock()
	m.shutdown()
}

// shutdown makes every hart leave guest code and Run return.
func (m *Machine) shutdown() {
	m.stopping.Store(true)
	for _, h := range m.harts {
		h.Kick()
	}
	m.ctl.mu.Lock()
	m.ctl.cond.Broadcast()
	m.ctl.mu.Unlock()
}

// Run starts every hart and returns when the machine stops: the guest's
// exit status from the test device (0 for a poweroff). A guest reset
// restarts the machine, or ends it with status 0 under NoReboot.
func (m *Machine) Run() (int, error) {
	if m.cfg.SerialIn != nil {
		go m.pumpInput(m.cfg.SerialIn)
	}
	if m.cfg.Debugger != nil {
		m.cfg.Debugger.Attach(m)
		defer func() {
			m.mu.Lock()
			code := m.exitCode
			m.mu.Unlock()
			m.cfg.Debugger.Exited(debugapi.Exit{Code: code})
		}()
	}
	for {
		m.runHarts()
		m.mu.Lock()
		code, reset := m.exitCode, m.reset
		m.reset = false
		m.mu.Unlock()
		if !reset || m.cfg.NoReboot {
			return code, nil
		}
		m.stopping.Store(false)
		m.reboot()
	}
}

// runHarts runs one goroutine per hart until the machine stops.
func (m *Machine) runHarts() {
	var wg sync.WaitGroup
	m.ctl.mu.Lock()
	m.ctl.running = len(m.harts)
	m.ctl.mu.Unlock()
	for i, h := range m.harts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.runHart(i, h)
		}()
	}
	wg.Wait()
}

// runHart is one hart's goroutine, on a host thread of its own.
func (m *Machine) runHart(i int, h *riscv64.Hart) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	m.ctl.mu.Lock()
	m.ctl.tids[i] = unix.Gettid()
	m.ctl.mu.Unlock()
	defer func() {
		m.ctl.mu.Lock()
		m.ctl.running--
		m.ctl.cond.Broadcast()
		m.ctl.mu.Unlock()
	}()
	stop := func() bool { return m.stopping.Load() || m.pausing() }
	th := m.debugThread(i)
	for !m.stopping.Load() {
		m.park()
		if th != nil {
			th.Enter() // signals mean nothing to a hart
		}
		k := m.engine.Run(h.CPU)
		if th != nil {
			th.Leave()
		}
		if k == translate.ExitDebug {
			if th != nil {
				th.Trap()
			}
			continue
		}
		h.HandleExit(k, stop)
	}
	if th != nil {
		th.Exited()
	}
}

// pausing reports whether a pause is requested (WFI then returns early).
func (m *Machine) pausing() bool {
	m.ctl.mu.Lock()
	defer m.ctl.mu.Unlock()
	return m.ctl.paused
}

func (m *Machine) pumpInput(r io.Reader) {
	buf := make([]byte, 256)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			m.uart.Input(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// Close releases the guest RAM.
func (m *Machine) Close() {
	if m.uart != nil {
		m.uart.Close()
	}
	for _, v := range m.virtio {
		v.Close()
	}
	m.virtio = nil
	if m.ram != nil {
		unix.Munmap(m.ram)
		m.ram = nil
	}
}

// emptyVirtio is a virtio-mmio slot with no device behind it: the magic
// and version, device ID 0 (virtio spec 1.2 §4.2.2), everything else 0.
type emptyVirtio struct{}

func (emptyVirtio) Read(off uint64, size int) uint64 {
	switch off {
	case 0x000:
		return 0x74726976 // "virt"
	case 0x004:
		return 2
	case 0x00c:
		return 0x554d4551 // vendor "QEMU"
	}
	return 0
}

func (emptyVirtio) Write(off uint64, size int, v uint64) {}

// noPCIDevices is an ECAM window where every function is absent.
type noPCIDevices struct{}

func (noPCIDevices) Read(off uint64, size int) uint64 { return 1<<(8*size) - 1 }

func (noPCIDevices) Write(off uint64, size int, v uint64) {}
