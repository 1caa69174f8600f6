package main

import (
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"sync"

	"github.com/gemu-project/gemu/hostsock"
	"github.com/gemu-project/gemu/system"
	"github.com/gemu-project/gemu/system/chardev"
	"github.com/gemu-project/gemu/system/qemuopts"
	"github.com/gemu-project/gemu/system/virtio"
)

// Devices on the command line (qemu-options.hx): -drive, -netdev and
// -device for the virtio-mmio devices of the virt machine.

func init() {
	systemOptions["drive"] = systemOption{true, (*systemSetup).addDrive}
	systemOptions["netdev"] = systemOption{true, (*systemSetup).addNetdev}
	systemOptions["device"] = systemOption{true, (*systemSetup).addDevice}
}

// addDrive: -drive file=F[,format=raw][,if=virtio|none][,readonly=on][,id=ID].
func (s *systemSetup) addDrive(spec string) error {
	o, err := qemuopts.Parse(spec, "")
	if err != nil {
		return fmt.Errorf("-drive %s: %v", spec, err)
	}
	if f := o["format"]; f != "" && f != "raw" {
		return fmt.Errorf("-drive %s: format %s is not supported (raw only)", spec, f)
	}
	ro, err := qemuopts.OnOff(o["readonly"])
	if err != nil {
		return fmt.Errorf("-drive %s: readonly: %v", spec, err)
	}
	if o["file"] == "" {
		return fmt.Errorf("-drive %s: no file=", spec)
	}
	mode := os.O_RDWR
	if ro {
		mode = os.O_RDONLY
	}
	f, err := os.OpenFile(o["file"], mode, 0)
	if err != nil {
		return fmt.Errorf("-drive %s: %v", spec, err)
	}
	blk, err := virtio.NewBlock(f, ro)
	if err != nil {
		f.Close()
		return fmt.Errorf("-drive %s: %v", spec, err)
	}
	if id := o["id"]; id != "" {
		blk.SetID(id)
	}
	switch o["if"] {
	case "virtio":
		s.cfg.Devices = append(s.cfg.Devices, system.Device{Name: "virtio-blk-device", Backend: blk})
	case "none":
		if o["id"] == "" {
			return fmt.Errorf("-drive %s: if=none needs id=", spec)
		}
		s.drives[o["id"]] = blk
	case "":
		return fmt.Errorf("-drive %s: give if=virtio (the virt machine has no default disk interface)", spec)
	default:
		return fmt.Errorf("-drive %s: if=%s is not supported (virtio, none)", spec, o["if"])
	}
	return nil
}

// addNetdev: -netdev socket,id=ID,listen=[HOST]:PORT|connect=HOST:PORT,
// QEMU's socket backend (frames with a 4-byte big-endian length).
func (s *systemSetup) addNetdev(spec string) error {
	o, err := qemuopts.Parse(spec, "type")
	if err != nil {
		return fmt.Errorf("-netdev %s: %v", spec, err)
	}
	if o["type"] != "socket" {
		return fmt.Errorf("-netdev %s: backend %q is not supported (socket)", spec, o["type"])
	}
	if o["id"] == "" {
		return fmt.Errorf("-netdev %s: no id=", spec)
	}
	var fio virtio.FrameIO
	switch {
	case o["listen"] != "":
		ln, err := hostsock.ListenAddr("tcp:" + o["listen"])
		if err != nil {
			return fmt.Errorf("-netdev %s: %v", spec, err)
		}
		fio = newAcceptedSocket(ln)
	case o["connect"] != "":
		c, err := hostsock.DialAddr("tcp:" + o["connect"])
		if err != nil {
			return fmt.Errorf("-netdev %s: %v", spec, err)
		}
		fio = virtio.NewSocket(c)
	default:
		return fmt.Errorf("-netdev %s: give listen= or connect=", spec)
	}
	s.netdevs[o["id"]] = fio
	return nil
}

// addDevice: -device virtio-blk-device,drive=ID | virtio-rng-device |
// virtio-net-device,netdev=ID[,mac=MAC].
func (s *systemSetup) addDevice(spec string) error {
	o, err := qemuopts.Parse(spec, "driver")
	if err != nil {
		return fmt.Errorf("-device %s: %v", spec, err)
	}
	d := system.Device{Name: o["driver"]}
	switch o["driver"] {
	case "help":
		fmt.Println("virtio-blk-device, virtio-net-device, virtio-rng-device, virtio-serial-device, virtconsole")
		os.Exit(0)
	case "virtio-blk-device":
		blk, ok := s.drives[o["drive"]]
		if !ok {
			return fmt.Errorf("-device %s: no -drive if=none,id=%s", spec, o["drive"])
		}
		delete(s.drives, o["drive"])
		d.Backend = blk
	case "virtio-rng-device":
		d.Backend = virtio.NewRNG()
	case "virtio-serial-device":
		return nil // virtconsole's bus: one console port is all there is
	case "virtconsole":
		if o["chardev"] == "" {
			return fmt.Errorf("-device %s: give chardev=", spec)
		}
		// The chardev is opened after the options are read.
		s.virtconsoles = append(s.virtconsoles, pendingConsole{len(s.cfg.Devices), o["chardev"]})
	case "virtio-net-device":
		fio, ok := s.netdevs[o["netdev"]]
		if !ok {
			return fmt.Errorf("-device %s: no -netdev with id=%s", spec, o["netdev"])
		}
		delete(s.netdevs, o["netdev"])
		mac, err := parseMAC(o["mac"])
		if err != nil {
			return fmt.Errorf("-device %s: %v", spec, err)
		}
		d.Backend = virtio.NewNet(mac, fio)
	default:
		return fmt.Errorf("-device %s: unsupported device (virtio-blk-device, virtio-net-device, virtio-rng-device, virtconsole)", spec)
	}
	s.cfg.Devices = append(s.cfg.Devices, d)
	return nil
}

// pendingConsole is a -device virtconsole waiting for its chardev.
type pendingConsole struct {
	index   int // in cfg.Devices
	chardev string
}

// openVirtconsoles gives each virtconsole its chardev (virtio-console,
// one port: VIRTIO 1.2 §5.3).
func (s *systemSetup) openVirtconsoles(con *consoles) error {
	for _, p := range s.virtconsoles {
		c := con.devs.Get(p.chardev)
		if c == nil {
			return fmt.Errorf("-device virtconsole,chardev=%s: no -chardev with id=%s", p.chardev, p.chardev)
		}
		st, err := chardev.NewStream(c.Port())
		if err != nil {
			return fmt.Errorf("-device virtconsole,chardev=%s: %v", p.chardev, err)
		}
		s.cfg.Devices[p.index].Backend = virtio.NewConsole(st, st)
	}
	return nil
}

// parseMAC reads mac=; without one, a random locally administered address
// in QEMU's 52:54:00 prefix.
func parseMAC(v string) ([6]byte, error) {
	var mac [6]byte
	if v == "" {
		mac = [6]byte{0x52, 0x54, 0x00}
		rand.Read(mac[3:])
		return mac, nil
	}
	hw, err := net.ParseMAC(v)
	if err != nil || len(hw) != 6 {
		return mac, fmt.Errorf("mac=%s: not a MAC address", v)
	}
	copy(mac[:], hw)
	return mac, nil
}

// acceptedSocket is a -netdev socket,listen= backend: frames flow once a
// peer connects (until then the guest's are dropped, as on a cable
// plugged into nothing).
type acceptedSocket struct {
	ln    net.Listener
	ready chan struct{}
	once  sync.Once
	sock  *virtio.Socket
	err   error
}

func newAcceptedSocket(ln net.Listener) *acceptedSocket {
	a := &acceptedSocket{ln: ln, ready: make(chan struct{})}
	go func() {
		c, err := ln.Accept()
		ln.Close()
		if err == nil {
			a.sock = virtio.NewSocket(c)
		}
		a.err = err
		close(a.ready)
	}()
	return a
}

func (a *acceptedSocket) Send(frame []byte) error {
	select {
	case <-a.ready:
		if a.sock == nil {
			return a.err
		}
		return a.sock.Send(frame)
	default:
		return nil
	}
}

func (a *acceptedSocket) Recv() ([]byte, error) {
	<-a.ready
	if a.sock == nil {
		return nil, a.err
	}
	return a.sock.Recv()
}

// Close stops waiting for a peer and closes the connection.
func (a *acceptedSocket) Close() error {
	a.ln.Close()
	<-a.ready
	if a.sock != nil {
		return a.sock.Close()
	}
	return nil
}
