package system

import (
	"debug/elf"

	"github.com/gemu-project/gemu/debugapi"
	"github.com/gemu-project/gemu/translate"
)

// The machine as a debugger target (debugapi.Target): each hart is a
// thread with ID hart+1, as QEMU's gdbstub numbers CPUs; memory is read
// and written at virtual addresses as the selected hart translates them.

func (m *Machine) Machine() elf.Machine                  { return elf.EM_RISCV }
func (m *Machine) Engine() *translate.Engine             { return m.engine }
func (m *Machine) Pid() int                              { return 1 }
func (m *Machine) ExecFile() string                      { return "" }
func (m *Machine) Auxv() []byte                          { return nil }
func (m *Machine) Kill()                                 { m.finish(0, false) }
func (m *Machine) OpenHostFiles(open func() error) error { return open() }

var _ debugapi.Target = (*Machine)(nil)

// debugThread registers hart i with the debugger, if there is one.
func (m *Machine) debugThread(i int) debugapi.Thread {
	if m.cfg.Debugger == nil {
		return nil
	}
	return m.cfg.Debugger.ThreadStarted(i+1, m.harts[i].CPU)
}
