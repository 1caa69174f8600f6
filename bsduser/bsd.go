// Package bsduser is the FreeBSD personality: FreeBSD 14 programs for
// aarch64 and riscv64 on the shared user-mode core (package usermode),
// their system calls mapped onto the Linux host's.
//
// Handlers work in the core's terms: host (Linux) signal numbers and
// negated host errno results. The FreeBSD numbers, flags and layouts are
// translated where a call takes or gives them (syscalls/freebsd), and the
// syscall convention turns a host errno into FreeBSD's (conv.go).
package bsduser

import (
	"fmt"
	"sync"

	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// Thread, Process and Args are the core's.
type (
	Thread  = usermode.Thread
	Process = usermode.Process
	Args    = usermode.Args
)

// bsd is the FreeBSD personality.
type bsd struct{}

// Tables gives FreeBSD's syscall table (one numbering for every
// architecture); there is no Linux ABI.
func (bsd) Tables(arch targets.Arch) (*linux.LinuxABI, *syscalls.Table[usermode.Handler], error) {
	if _, err := conventionFor(arch); err != nil {
		return nil, nil, err
	}
	t := syscalls.NewTable[usermode.Handler](freebsd.Syscalls, syscalls.ArchRiscv64|syscalls.ArchAarch64)
	return nil, t, usermode.DefineRows(t, rows)
}

// NewTable is the table `gemu info syscalls --os freebsd` lists.
func NewTable(arch targets.Arch) (*syscalls.Table[usermode.Handler], error) {
	_, t, err := bsd{}.Tables(arch)
	return t, err
}

func (bsd) NewState(p *Process) usermode.OSState { return &bsdState{p: p} }

func (bsd) Convention(arch targets.Arch) usermode.SyscallConvention {
	c, _ := conventionFor(arch)
	return c
}

func (bsd) Frames(arch targets.Arch) usermode.SignalFrames { return framesFor(arch) }

// bsdState is what a FreeBSD process has beyond the core's.
type bsdState struct {
	p *Process

	mu        sync.Mutex
	guestActs [freebsd.MaxSig]freebsd.Sigaction // signals without a host number
}

// bsdOf is the FreeBSD state of p.
func bsdOf(p *Process) *bsdState { return p.OS.(*bsdState) }

func (s *bsdState) ExecReset()                              {}
func (s *bsdState) ExecDone()                               {}
func (s *bsdState) ThreadExit(t *Thread)                    {}
func (s *bsdState) SignalQueued(sig int)                    {}
func (s *bsdState) TimerSignalTaken(info *usermode.SigInfo) {}
func (s *bsdState) FDClosedOnExec(fd int)                   { forgetKqueue(s.p, fd) }
func (s *bsdState) ProcFile(file string) []byte             { return nil }
func (s *bsdState) NoSyscall(t *Thread, nr uint64)          { nosys(t) }

// LoadOptions asks the loader for FreeBSD's stack and auxiliary vector.
func (s *bsdState) LoadOptions(o *loader.Options) { o.OS = loader.OSFreeBSD }

// StartRegs: FreeBSD's exec_setregs passes the argument block's address
// in the first argument register and the entry in the link register
// (sys/arm64/arm64/exec_machdep.c, sys/riscv/riscv/exec_machdep.c).
func (s *bsdState) StartRegs(c *translate.CPU, img *loader.Image) {
	conv, err := conventionFor(s.p.Arch())
	if err == nil {
		conv.startRegs(c, img)
	}
}

// Options and Status are the core's.
type (
	Options = usermode.Options
	Status  = usermode.Status
)

// NewProcess makes a FreeBSD guest process (usermode.NewProcess).
func NewProcess(arch targets.Arch, path string, argv []string, opts Options) (*Process, error) {
	opts.Personality = bsd{}
	return usermode.NewProcess(arch, path, argv, opts)
}

// Run loads and runs a FreeBSD guest program; it returns only when
// loading fails.
func Run(arch targets.Arch, path string, argv []string, opts Options) error {
	opts.Personality = bsd{}
	return usermode.Run(arch, path, argv, opts)
}

// errUnsupportedArch is the one line for a FreeBSD program of a CPU
// this personality does not know.
func errUnsupportedArch(arch targets.Arch) error {
	return fmt.Errorf("FreeBSD %s programs are not supported (aarch64 and riscv64 are)", arch.Name())
}
