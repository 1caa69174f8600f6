package monitor

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"github.com/gemu-project/gemu/system/chardev"
)

// Machine is what the monitor controls.
type Machine interface {
	Status() string           // "running", "paused" or "shutdown"
	Stop()                    // pause every hart; returns when they are stopped
	Cont()                    // resume
	Reset()                   // system_reset
	Powerdown()               // system_powerdown (the virt machine may ignore it, as QEMU's does)
	Quit()                    // end the emulator with exit status 0
	CPUs() []CPU              // one per hart, by index
	Registers(cpu int) string // the text of HMP info registers for one CPU
}

// CPU describes one virtual CPU.
type CPU struct {
	Index    int
	ThreadID int    // host thread running it
	Target   string // "riscv64"
	PC       uint64
}

// Version is what query-version, the QMP greeting and the HMP banner say.
type Version struct {
	Major, Minor, Micro int
	Package             string
}

// DefaultVersion: gemu implements QEMU 7.2's machine and monitor.
var DefaultVersion = Version{Major: 7, Minor: 2, Micro: 0, Package: "gemu"}

func (v Version) obj() obj {
	return obj{
		{"qemu", obj{{"micro", v.Micro}, {"minor", v.Minor}, {"major", v.Major}}},
		{"package", v.Package},
	}
}

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Micro) }

// Monitor is the emulator's monitor: it runs QMP and HMP sessions on
// chardevs and sends QMP events to every client past capabilities
// negotiation. The Machine's state changes the monitor makes itself (stop,
// cont, system_reset, system_powerdown, quit) produce their events here;
// the machine reports its own (a guest poweroff or reset) through Emit.
type Monitor struct {
	m       Machine
	version Version
	now     func() time.Time

	act      sync.Mutex // one state change at a time
	mu       sync.Mutex
	sessions map[*qmpSession]struct{}
}

// New makes a monitor for m.
func New(m Machine) *Monitor {
	return &Monitor{m: m, version: DefaultVersion, now: time.Now, sessions: map[*qmpSession]struct{}{}}
}

// SetVersion changes the version the monitor reports.
func (mon *Monitor) SetVersion(v Version) { mon.version = v }

// ServeQMP runs the QMP protocol on p (-qmp, -mon mode=control): a greeting
// for each client that connects, capabilities negotiation, commands.
func (mon *Monitor) ServeQMP(p chardev.Port) error {
	s := &qmpSession{mon: mon, port: p}
	return p.Attach(s.input, s.event)
}

// ServeHMP runs the human monitor on p (-monitor, -mon mode=readline,
// mon:stdio): a banner, the "(qemu) " prompt and line editing.
func (mon *Monitor) ServeHMP(p chardev.Port) error {
	s := &hmpSession{mon: mon, port: p}
	return p.Attach(s.input, s.event)
}

// Emit sends a QMP event to every negotiated client, with the time it
// happened (qmp-spec.rst, Asynchronous events). data may be nil. The
// machine uses it for what the guest does, e.g.
//
//	Emit("SHUTDOWN", map[string]any{"guest": true, "reason": "guest-shutdown"})
//	Emit("RESET", map[string]any{"guest": true, "reason": "guest-reset"})
func (mon *Monitor) Emit(event string, data map[string]any) {
	if data == nil {
		mon.emit(event, nil)
		return
	}
	mon.emit(event, data)
}

func (mon *Monitor) emit(event string, data any) {
	t := mon.now()
	msg := obj{
		{"timestamp", obj{{"seconds", t.Unix()}, {"microseconds", int64(t.Nanosecond() / 1000)}}},
		{"event", event},
	}
	if data != nil {
		msg = append(msg, member{"data", data})
	}
	var b bytes.Buffer
	encode(&b, msg)
	b.WriteString("\r\n")
	mon.mu.Lock()
	list := make([]*qmpSession, 0, len(mon.sessions))
	for s := range mon.sessions {
		list = append(list, s)
	}
	mon.mu.Unlock()
	for _, s := range list {
		s.writeEvent(b.Bytes())
	}
}

func (mon *Monitor) subscribe(s *qmpSession, on bool) {
	mon.mu.Lock()
	defer mon.mu.Unlock()
	if on {
		mon.sessions[s] = struct{}{}
	} else {
		delete(mon.sessions, s)
	}
}

// stop pauses a running machine; STOP goes out only if it was running
// (QEMU's stop on a paused machine does nothing).
func (mon *Monitor) stop() {
	mon.act.Lock()
	defer mon.act.Unlock()
	if mon.m.Status() != "running" {
		return
	}
	mon.m.Stop()
	mon.emit("STOP", nil)
}

// cont resumes a paused machine (RESUME); a machine that shut down needs
// system_reset first, as with QEMU's -no-shutdown.
func (mon *Monitor) cont() error {
	mon.act.Lock()
	defer mon.act.Unlock()
	switch mon.m.Status() {
	case "running":
		return nil
	case "shutdown":
		return fmt.Errorf("Resetting the Virtual Machine is required")
	}
	mon.m.Cont()
	mon.emit("RESUME", nil)
	return nil
}

func (mon *Monitor) reset() {
	mon.act.Lock()
	defer mon.act.Unlock()
	mon.m.Reset()
	mon.emit("RESET", obj{{"guest", false}, {"reason", "host-qmp-system-reset"}})
}

func (mon *Monitor) powerdown() {
	mon.act.Lock()
	defer mon.act.Unlock()
	mon.m.Powerdown()
	mon.emit("POWERDOWN", nil)
}

// quitEvent announces the end; the caller answers its client, then calls
// mon.m.Quit.
func (mon *Monitor) quitEvent() { mon.shutdownEvent("host-qmp-quit") }

func (mon *Monitor) shutdownEvent(reason string) {
	mon.emit("SHUTDOWN", obj{{"guest", false}, {"reason", reason}})
}

// Shutdown ends the machine from the host side: the SHUTDOWN event with
// reason (a ShutdownCause of qapi/run-state.json: "host-qmp-quit" for the
// mux's C-a x, which QEMU handles as quit; "host-signal" for SIGINT or
// SIGTERM), then Machine.Quit.
func (mon *Monitor) Shutdown(reason string) {
	mon.shutdownEvent(reason)
	mon.m.Quit()
}

// status is query-status's answer.
func (mon *Monitor) status() obj {
	st := mon.m.Status()
	return obj{{"status", st}, {"singlestep", false}, {"running", st == "running"}}
}
