package system

import (
	"errors"
	"fmt"

	"github.com/gemu-project/gemu/system/fdt"
	"github.com/gemu-project/gemu/system/virtio"
	"github.com/gemu-project/gemu/translate"
)

// Virtio devices on the virt machine's eight virtio-mmio slots. As QEMU
// does, the first device goes in the highest slot (0x10008000), which
// Linux probes first (it binds the slots in device-tree order).

// Device is a virtio device the command line asked for.
type Device struct {
	Name    string         // for messages: "virtio-blk-device", ...
	Backend virtio.Backend // from package virtio (NewBlock, NewRNG, NewNet, NewConsole)
}

// addVirtio puts the configured devices on the bus, and empty slots
// elsewhere.
func (m *Machine) addVirtio() error {
	if len(m.cfg.Devices) > fdt.VirtioCount {
		return fmt.Errorf("%d virtio devices: the virt machine has %d virtio-mmio slots", len(m.cfg.Devices), fdt.VirtioCount)
	}
	for i := 0; i < fdt.VirtioCount; i++ {
		r := fdt.VirtioRegion(i)
		name := fmt.Sprintf("virtio-mmio.%d", i)
		n := fdt.VirtioCount - 1 - i // the device for this slot, counted from the top
		if n >= len(m.cfg.Devices) {
			m.bus.AddDevice(r.Base, r.Size, emptyVirtio{}, name)
			continue
		}
		d := m.cfg.Devices[n]
		t := virtio.NewMMIO(dma{m}, m.plic.IRQ(fdt.VirtioIRQ+i), d.Backend)
		t.SetLogf(m.cfg.Logf)
		m.virtio = append(m.virtio, t)
		m.bus.AddDevice(r.Base, virtio.Size, t, name+" "+d.Name)
	}
	return nil
}

// dma is guest RAM as devices reach it (virtio.Memory): a write drops the
// translations of code in every page it touches.
type dma struct{ m *Machine }

var errNotRAM = errors.New("DMA outside RAM")

func (d dma) Read(pa uint64, p []byte) error {
	if !d.m.inRAM(pa, uint64(len(p))) {
		return errNotRAM
	}
	copy(p, d.m.ram[pa-ramBase:])
	return nil
}

func (d dma) Write(pa uint64, p []byte) error {
	if !d.m.inRAM(pa, uint64(len(p))) {
		return errNotRAM
	}
	copy(d.m.ram[pa-ramBase:], p)
	for pg := pa &^ (translate.PageSize - 1); pg < pa+uint64(len(p)); pg += translate.PageSize {
		if d.m.code.Written(pg) {
			d.m.engine.InvalidatePhys(pg)
		}
	}
	return nil
}
