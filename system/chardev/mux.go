package chardev

import (
	"fmt"
	"sync"
	"time"
)

// DefaultEscape is the mux's escape key, Ctrl-A (qemu-options.hx, -echr).
const DefaultEscape = 0x01

// Mux shares one chardev between several frontends, normally the serial
// console and the HMP monitor (-serial mon:stdio, -nographic, mux=on).
// Output from every frontend goes out; input goes to the frontend with the
// focus, the first one at start. The escape key (Ctrl-A) followed by
// (QEMU's documented mux keys):
//
//	h or ?  print the key help
//	x       quit the emulator
//	c       give the focus to the next frontend (console <-> monitor)
//	b       send a break to the focused frontend
//	t       toggle timestamps on output lines
//	C-a     send C-a itself
//
// A frontend sees EventOpened when it first has the focus while the device
// is open, EventMuxIn and EventMuxOut when the focus comes and goes, and
// EventClosed when the device closes after it saw EventOpened.
type Mux struct {
	be *Chardev

	cb     sync.Mutex // held while calling frontends: one at a time, in order
	mu     sync.Mutex
	escape byte
	quit   func()
	fronts []*muxFront
	focus  int
	gotEsc bool
	open   bool

	wmu       sync.Mutex // output and the timestamp state
	stamps    bool
	stampZero time.Time
	atEOL     bool // the last byte out was '\n': stamp before the next
}

type muxFront struct {
	m      *Mux
	input  func([]byte)
	event  func(Event)
	ready  bool // attached
	opened bool // told EventOpened since the device opened
}

func newMux(be *Chardev) *Mux {
	m := &Mux{be: be, escape: DefaultEscape}
	be.Attach(m.recv, m.beEvent)
	return m
}

// SetEscape changes the escape key (-echr).
func (m *Mux) SetEscape(b byte) {
	m.mu.Lock()
	m.escape = b
	m.mu.Unlock()
}

// OnQuit sets what C-a x does: end the emulator with status 0, as QEMU's
// quit does. Before it runs the mux prints "QEMU: Terminated".
func (m *Mux) OnQuit(f func()) {
	m.mu.Lock()
	m.quit = f
	m.mu.Unlock()
}

// NewFrontend adds a frontend; the first one added has the focus.
func (m *Mux) NewFrontend() Port {
	f := &muxFront{m: m}
	m.mu.Lock()
	m.fronts = append(m.fronts, f)
	m.mu.Unlock()
	return f
}

// Focus is the index of the frontend with the focus.
func (m *Mux) Focus() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.focus
}

func (f *muxFront) Write(p []byte) (int, error) { return f.m.write(p) }

func (f *muxFront) Attach(input func([]byte), event func(Event)) error {
	m := f.m
	m.cb.Lock()
	defer m.cb.Unlock()
	m.mu.Lock()
	if f.ready {
		m.mu.Unlock()
		return fmt.Errorf("chardev '%s' mux frontend: %w", m.be.spec.ID, ErrInUse)
	}
	f.input, f.event, f.ready = input, event, true
	m.mu.Unlock()
	m.greetFocused()
	return nil
}

// greetFocused tells the focused frontend the device is open if it does
// not know yet. Called with cb held.
func (m *Mux) greetFocused() {
	m.mu.Lock()
	if len(m.fronts) == 0 {
		m.mu.Unlock()
		return
	}
	f := m.fronts[m.focus]
	tell := m.open && f.ready && !f.opened
	f.opened = f.opened || tell
	m.mu.Unlock()
	if tell && f.event != nil {
		f.event(EventOpened)
	}
}

func (m *Mux) beEvent(e Event) {
	m.cb.Lock()
	defer m.cb.Unlock()
	switch e {
	case EventOpened:
		m.mu.Lock()
		m.open = true
		for _, f := range m.fronts {
			f.opened = false
		}
		m.mu.Unlock()
		m.greetFocused()
	case EventClosed:
		m.mu.Lock()
		m.open = false
		var told []*muxFront
		for _, f := range m.fronts {
			if f.opened && f.event != nil {
				told = append(told, f)
			}
			f.opened = false
		}
		m.mu.Unlock()
		for _, f := range told {
			f.event(EventClosed)
		}
	default:
		m.sendFocused(func(f *muxFront) { f.emit(e) })
	}
}

func (f *muxFront) emit(e Event) {
	if f.event != nil {
		f.event(e)
	}
}

// sendFocused calls do for the focused frontend, once attached; cb held.
func (m *Mux) sendFocused(do func(*muxFront)) {
	m.mu.Lock()
	var f *muxFront
	if len(m.fronts) > 0 {
		f = m.fronts[m.focus]
	}
	m.mu.Unlock()
	if f != nil && f.ready {
		do(f)
	}
}

// recv scans the device's input for escape sequences; the rest goes to
// the focused frontend in runs.
func (m *Mux) recv(p []byte) {
	m.cb.Lock()
	defer m.cb.Unlock()
	m.greetFocused()
	start := 0
	for i := 0; i < len(p); i++ {
		m.mu.Lock()
		esc, got := m.escape, m.gotEsc
		m.gotEsc = false
		m.mu.Unlock()
		switch {
		case got && p[i] == esc:
			m.deliver(p[start:i]) // the second escape goes through
			start = i
		case got:
			m.deliver(p[start:i])
			start = i + 1
			m.command(p[i])
		case p[i] == esc:
			m.deliver(p[start:i])
			start = i + 1
			m.mu.Lock()
			m.gotEsc = true
			m.mu.Unlock()
		}
	}
	m.deliver(p[start:])
}

func (m *Mux) deliver(p []byte) {
	if len(p) == 0 {
		return
	}
	m.sendFocused(func(f *muxFront) {
		if f.input != nil {
			f.input(p)
		}
	})
}

// command runs the key after the escape. Unknown keys are swallowed.
func (m *Mux) command(k byte) {
	switch k {
	case 'h', '?':
		m.writeRaw([]byte(m.help()))
	case 'x':
		m.writeRaw([]byte("QEMU: Terminated\r\n"))
		m.mu.Lock()
		quit := m.quit
		m.mu.Unlock()
		if quit != nil {
			quit()
		}
	case 'c':
		m.rotate()
	case 'b':
		m.sendFocused(func(f *muxFront) { f.emit(EventBreak) })
	case 't':
		m.wmu.Lock()
		m.stamps = !m.stamps
		m.stampZero, m.atEOL = time.Time{}, false
		m.wmu.Unlock()
	}
}

// rotate moves the focus to the next frontend; cb held.
func (m *Mux) rotate() {
	m.mu.Lock()
	if len(m.fronts) < 2 {
		m.mu.Unlock()
		return
	}
	old := m.fronts[m.focus]
	m.focus = (m.focus + 1) % len(m.fronts)
	nf := m.fronts[m.focus]
	first := m.open && nf.ready && !nf.opened
	nf.opened = nf.opened || first
	m.mu.Unlock()
	if old.ready {
		old.emit(EventMuxOut)
	}
	switch {
	case first:
		nf.emit(EventOpened)
	case nf.ready:
		nf.emit(EventMuxIn)
	}
}

func (m *Mux) help() string {
	m.mu.Lock()
	e := m.escape
	m.mu.Unlock()
	name := string(rune(e))
	if e < 0x20 {
		name = "C-" + string(rune('a'+e-1))
	}
	pad := func(s string) string { return fmt.Sprintf("%-9s", s) }
	lines := []struct{ key, what string }{
		{name + " h", "print this help"},
		{name + " x", "exit emulator"},
		{name + " t", "toggle console timestamps"},
		{name + " b", "send break (magic sysrq)"},
		{name + " c", "switch between console and monitor"},
		{name + " " + name, "sends " + name},
	}
	s := "\r\n"
	for _, l := range lines {
		s += pad(l.key) + l.what + "\r\n"
	}
	return s
}

// write sends a frontend's output, with a timestamp at each line start
// while timestamps are on.
func (m *Mux) write(p []byte) (int, error) {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if !m.stamps {
		return m.be.Write(p)
	}
	start := 0
	for i, b := range p {
		if m.atEOL {
			m.be.Write(p[start:i])
			start = i
			m.be.Write([]byte(m.stamp()))
		}
		m.atEOL = b == '\n'
	}
	m.be.Write(p[start:])
	return len(p), nil
}

func (m *Mux) writeRaw(p []byte) {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.be.Write(p)
}

// stamp is "[HH:MM:SS.mmm] " since the first stamped line.
func (m *Mux) stamp() string {
	now := time.Now()
	if m.stampZero.IsZero() {
		m.stampZero = now
	}
	ms := now.Sub(m.stampZero).Milliseconds()
	return fmt.Sprintf("[%02d:%02d:%02d.%03d] ", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}
