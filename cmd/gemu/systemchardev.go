package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/system"
	"github.com/gemu-project/gemu/system/chardev"
	"github.com/gemu-project/gemu/system/monitor"
	"github.com/gemu-project/gemu/system/qemuopts"
)

// Character devices and monitors (qemu-options.hx: -chardev, -add-fd,
// -serial, -monitor, -qmp, -mon, -echr, -nographic). Parsing fills a
// consoleSetup; openConsoles opens the devices before the machine is built
// (a server socket with wait=on holds start-up until its first client, as
// in QEMU) and sets the UART's I/O; startMonitors serves the monitors once
// the machine exists.

// consoleSetup is what the options asked for, in command-line order.
type consoleSetup struct {
	chardevs  []*chardev.Spec
	addFDs    []chardev.AddFD
	monitors  []monitorArg
	echr      int // -echr; -1: Ctrl-A
	nographic bool
}

// monitorArg is one -monitor, -qmp or -mon.
type monitorArg struct {
	dev     *chardev.Spec // a device string, or Ref for -mon chardev=ID
	control bool          // QMP rather than HMP
}

// consoleSetups keeps each systemSetup's consoleSetup (systemSetup has no
// field for it).
var consoleSetups sync.Map

func consolesOf(s *systemSetup) *consoleSetup {
	v, _ := consoleSetups.LoadOrStore(s, &consoleSetup{echr: -1})
	return v.(*consoleSetup)
}

func init() {
	systemOptions["chardev"] = systemOption{true, func(s *systemSetup, v string) error {
		sp, err := chardev.ParseChardev(v)
		if err == nil {
			consolesOf(s).chardevs = append(consolesOf(s).chardevs, sp)
		}
		return err
	}}
	systemOptions["add-fd"] = systemOption{true, func(s *systemSetup, v string) error {
		a, err := chardev.ParseAddFD(v)
		if err == nil {
			consolesOf(s).addFDs = append(consolesOf(s).addFDs, a)
		}
		return err
	}}
	systemOptions["monitor"] = systemOption{true, monitorOption("-monitor", false)}
	systemOptions["qmp"] = systemOption{true, monitorOption("-qmp", true)}
	systemOptions["mon"] = systemOption{true, setMon}
	systemOptions["echr"] = systemOption{true, func(s *systemSetup, v string) error {
		n, err := strconv.ParseUint(v, 0, 8)
		if err != nil {
			return fmt.Errorf("-echr %s: want a character code (0-255)", v)
		}
		consolesOf(s).echr = int(n)
		return nil
	}}
	// -nographic keeps what system.go does with it and adds QEMU's
	// default devices (chardev.NographicDefaults).
	prev := systemOptions["nographic"]
	systemOptions["nographic"] = systemOption{false, func(s *systemSetup, v string) error {
		consolesOf(s).nographic = true
		if prev.set != nil {
			return prev.set(s, v)
		}
		return nil
	}}
}

func monitorOption(opt string, control bool) func(*systemSetup, string) error {
	return func(s *systemSetup, v string) error {
		sp, err := chardev.ParseShorthand(opt, v)
		if err == nil {
			consolesOf(s).monitors = append(consolesOf(s).monitors, monitorArg{sp, control})
		}
		return err
	}
}

// setMon reads -mon [chardev=]ID[,mode=readline|control][,pretty=off].
func setMon(s *systemSetup, v string) error {
	ma := monitorArg{dev: &chardev.Spec{Text: v, Option: "-mon"}}
	o, err := qemuopts.Parse(v, "chardev")
	if err != nil {
		return fmt.Errorf("-mon %s: %v", v, err)
	}
	for k, val := range o {
		switch {
		case k == "chardev":
			ma.dev.Ref = val
		case k == "mode" && (val == "readline" || val == "control"):
			ma.control = val == "control"
		case k == "pretty" && val == "off":
		default:
			return fmt.Errorf("-mon %s: invalid parameter '%s=%s' (chardev=ID, mode=readline|control)", v, k, val)
		}
	}
	if ma.dev.Ref == "" {
		return fmt.Errorf("-mon %s: no chardev given", v)
	}
	consolesOf(s).monitors = append(consolesOf(s).monitors, ma)
	return nil
}

// consoles are the open devices and the monitors waiting for the machine.
type consoles struct {
	devs    *chardev.Devices
	ports   []monitorPort
	muxes   []*chardev.Mux
	serial  *chardev.Stream
	restore func()
	mon     *monitor.Monitor
	quit    atomic.Bool // a monitor or C-a x ended the machine
}

type monitorPort struct {
	port    chardev.Port
	control bool
}

// openConsoles opens the fd sets, the -chardevs, the serial port's device
// and the monitors' devices, and points the UART at the serial one.
// Without -nographic a missing -serial still means the console on stdio
// (muxed with a monitor unless another monitor is given); -nographic adds
// QEMU's default monitor as well.
func (s *systemSetup) openConsoles() (_ *consoles, err error) {
	cs := consolesOf(s)
	con := &consoles{restore: func() {}, devs: &chardev.Devices{
		Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, "%s: %s\n", s.name, fmt.Sprintf(f, a...)) },
	}}
	defer func() {
		if err != nil {
			con.close()
		}
	}()
	for _, a := range cs.addFDs {
		if err := con.devs.FDSets.Add(a); err != nil {
			return nil, err
		}
	}
	for _, sp := range cs.chardevs {
		if _, err := con.devs.Open(sp); err != nil {
			return nil, err
		}
	}
	serial, mon := chardev.NographicDefaults(s.serial != "", len(cs.monitors) > 0)
	if serial == "" {
		serial = s.serial
	}
	monitors := cs.monitors
	if mon != "" && cs.nographic {
		// Before the serial port, as QEMU opens it: a clash over stdio
		// blames the -serial the user gave.
		sp, _ := chardev.ParseShorthand("-monitor", mon)
		if err := con.openMonitors([]monitorArg{{dev: sp}}); err != nil {
			return nil, err
		}
	}
	if err := con.openSerial(serial); err != nil {
		return nil, err
	}
	if err := con.openMonitors(monitors); err != nil {
		return nil, err
	}
	con.finish(s, cs)
	return con, nil
}

// openMonitors opens the devices of -monitor, -qmp and -mon (ids
// compat_monitor0, 1, ... for device strings).
func (con *consoles) openMonitors(list []monitorArg) error {
	for i, ma := range list {
		c, err := con.devs.OpenShorthand(ma.dev, fmt.Sprintf("compat_monitor%d", i))
		if err != nil {
			return err
		}
		if c != nil {
			con.ports = append(con.ports, monitorPort{c.Port(), ma.control})
		}
	}
	return nil
}

// finish sets the UART's I/O and the muxes' escape key, and puts the
// terminal in raw mode if a chardev uses stdio.
func (con *consoles) finish(s *systemSetup, cs *consoleSetup) {
	if con.serial != nil {
		s.cfg.Serial, s.cfg.SerialIn = con.serial, con.serial
	}
	for _, c := range con.devs.List() {
		if mx := c.Mux(); mx != nil {
			if cs.echr >= 0 {
				mx.SetEscape(byte(cs.echr))
			}
			con.muxes = append(con.muxes, mx)
		}
		if c.Spec().Backend == chardev.Stdio {
			con.restore = rawStdio(c.Spec().Signal)
		}
	}
}

// openSerial opens -serial's device (id serial0) and gives it to the UART.
func (con *consoles) openSerial(text string) error {
	sp, err := chardev.ParseShorthand("-serial", text)
	if err != nil {
		return err
	}
	c, err := con.devs.OpenShorthand(sp, "serial0")
	if err != nil || c == nil {
		return err
	}
	// The console's frontend comes first, so it has the mux's focus.
	if con.serial, err = chardev.NewStream(c.Port()); err != nil {
		return err
	}
	if sp.Mon {
		con.ports = append(con.ports, monitorPort{c.Port(), false})
	}
	return nil
}

// startMonitors serves the monitors for m; C-a x quits it.
func (con *consoles) startMonitors(m *system.Machine) error {
	mm := monitorMachine{Machine: m, quit: &con.quit}
	con.mon = monitor.New(mm)
	for _, mx := range con.muxes {
		mx.OnQuit(func() { con.mon.Shutdown("host-qmp-quit") })
	}
	for _, p := range con.ports {
		serve := con.mon.ServeHMP
		if p.control {
			serve = con.mon.ServeQMP
		}
		if err := serve(p.port); err != nil {
			return err
		}
	}
	return nil
}

// finished tells QMP clients that the guest shut down, unless a monitor
// ended the machine (it sent its own SHUTDOWN).
func (con *consoles) finished() {
	if con.mon != nil && !con.quit.Load() {
		con.mon.Emit("SHUTDOWN", map[string]any{"guest": true, "reason": "guest-shutdown"})
	}
}

func (con *consoles) close() {
	if con.serial != nil {
		con.serial.Close()
	}
	con.devs.Close()
	con.restore()
}

// monitorMachine is *system.Machine as the monitor sees it.
type monitorMachine struct {
	*system.Machine
	quit *atomic.Bool
}

func (m monitorMachine) Quit() {
	m.quit.Store(true)
	m.Machine.Quit()
}

func (m monitorMachine) CPUs() []monitor.CPU {
	var out []monitor.CPU
	for _, c := range m.Machine.CPUs() {
		out = append(out, monitor.CPU{Index: c.Index, ThreadID: c.ThreadID, Target: "riscv64", PC: c.PC})
	}
	return out
}

// rawStdio puts a terminal on stdin in raw mode for a stdio chardev; with
// signal=off Ctrl-C goes to the guest instead of ending gemu
// (qemu-options.hx, -chardev stdio).
func rawStdio(signals bool) func() {
	fd := int(os.Stdin.Fd())
	restore := rawTerminal(fd)
	if !signals {
		if t, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
			t.Lflag &^= unix.ISIG
			unix.IoctlSetTermios(fd, unix.TCSETS, t)
		}
	}
	return restore
}
