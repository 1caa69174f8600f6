package system

import (
	"sync"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/targets/riscv64"
)

// Run control for the monitor (QMP stop/cont/system_reset/quit, HMP
// info registers): harts park between blocks while the machine is paused.

// control is the pause state every hart goroutine checks between runs.
type control struct {
	mu      sync.Mutex
	cond    *sync.Cond
	paused  bool // the machine is asked to stay paused
	parked  int  // harts waiting while paused
	tids    []int
	running int // hart goroutines alive
}

func (m *Machine) initControl() {
	m.ctl.cond = sync.NewCond(&m.ctl.mu)
	m.ctl.tids = make([]int, len(m.harts))
}

// Status is "running", "paused" or "shutdown" (QMP query-status).
func (m *Machine) Status() string {
	m.ctl.mu.Lock()
	defer m.ctl.mu.Unlock()
	switch {
	case m.stopping.Load():
		return "shutdown"
	case m.ctl.paused:
		return "paused"
	}
	return "running"
}

// Stop pauses every hart and returns once they are all parked.
func (m *Machine) Stop() {
	c := &m.ctl
	c.mu.Lock()
	c.paused = true
	c.mu.Unlock()
	for _, h := range m.harts {
		h.Kick()
	}
	c.mu.Lock()
	for c.parked < c.running && !m.stopping.Load() {
		c.cond.Wait()
	}
	c.mu.Unlock()
}

// Cont resumes a paused machine.
func (m *Machine) Cont() {
	c := &m.ctl
	c.mu.Lock()
	c.paused = false
	c.cond.Broadcast()
	c.mu.Unlock()
}

// park is called by a hart goroutine between runs: it waits while the
// machine is paused.
func (m *Machine) park() {
	c := &m.ctl
	c.mu.Lock()
	if c.paused {
		c.parked++
		c.cond.Broadcast()
		for c.paused && !m.stopping.Load() {
			c.cond.Wait()
		}
		c.parked--
	}
	c.mu.Unlock()
}

// Quit ends the machine with status 0 (QMP quit).
func (m *Machine) Quit() { m.finish(0, false) }

// Powerdown is QMP system_powerdown: the virt machine has no power button
// device, so (as with QEMU 7.2) the guest does not see it.
func (m *Machine) Powerdown() {}

// Reset is system_reset: every hart restarts at the firmware with RAM
// reloaded.
func (m *Machine) Reset() {
	running := m.Status() == "running"
	m.Stop()
	m.reboot()
	if running {
		m.Cont()
	}
}

// reboot reloads the boot images into cleared RAM and resets the harts;
// the harts are parked or not yet started.
func (m *Machine) reboot() {
	unix.Madvise(m.ram, unix.MADV_DONTNEED)
	m.engine.FlushAll()
	m.code.Clear()
	if err := m.load(); err != nil {
		m.cfg.Logf("gemu-system: reset: %v", err)
		m.finish(1, false)
	}
}

// CPU describes one hart for the monitor.
type CPU struct {
	Index    int
	ThreadID int
	PC       uint64 // valid while the machine is paused
}

// CPUs lists the harts (QMP query-cpus-fast, HMP info cpus).
func (m *Machine) CPUs() []CPU {
	m.ctl.mu.Lock()
	defer m.ctl.mu.Unlock()
	out := make([]CPU, len(m.harts))
	for i, h := range m.harts {
		out[i] = CPU{Index: i, ThreadID: m.ctl.tids[i]}
		if m.ctl.paused && m.ctl.parked == m.ctl.running {
			out[i].PC = h.CPU.PC
		}
	}
	return out
}

// Registers is HMP's `info registers` for one hart (paused: exact;
// running: a snapshot that may be torn).
func (m *Machine) Registers(cpu int) string {
	if cpu < 0 || cpu >= len(m.harts) {
		return ""
	}
	return m.harts[cpu].Dump()
}

// Hart returns hart i (for the debugger).
func (m *Machine) Hart(i int) *riscv64.Hart { return m.harts[i] }
