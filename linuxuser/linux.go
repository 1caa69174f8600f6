// Package linuxuser is the Linux personality: the Linux system calls on
// the shared user-mode core (package usermode), on top of the host's.
package linuxuser

import (
	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// linuxOS is the Linux personality.
type linuxOS struct{}

// Tables gives the generated Linux ABI of arch and the table of the
// registered rows.
func (linuxOS) Tables(arch targets.Arch) (*linux.LinuxABI, *syscalls.Table[usermode.Handler], error) {
	abi, err := linux.LinuxABIFor(arch.Name())
	if err != nil {
		return nil, nil, err
	}
	table, err := NewTable(abi)
	return abi, table, err
}

func (linuxOS) NewState(p *Process) usermode.OSState { return &linuxState{p: p} }

// Convention is Linux's syscall register convention on arch (conv.go).
func (linuxOS) Convention(arch targets.Arch) usermode.SyscallConvention { return conventionFor(arch) }

// Frames are Linux's rt_sigframe on arch (frames.go).
func (linuxOS) Frames(arch targets.Arch) usermode.SignalFrames { return framesFor(arch) }

// linuxState is what a Linux process has beyond the core's: its timers,
// AIO contexts and ptrace proxies.
type linuxState struct {
	p           *Process
	itimer      itimerState
	timers      map[int]*posixTimer  // guarded by Process.mu
	nextTimerID int                  // the id timer_create tries next
	aio         aioTable             // io_setup contexts (sys_aio.go)
	tracees     map[int]*ptraceProxy // vfork children that called PTRACE_TRACEME, by pid
}

// lx is the Linux state of p.
func lx(p *Process) *linuxState { return p.OS.(*linuxState) }

// ExecReset deletes the POSIX timers (kernel/exit.c exit_itimers, which
// execve's begin_new_exec runs before the handlers are reset).
func (s *linuxState) ExecReset() {
	for id, pt := range s.timers {
		pt.disarm()
		delete(s.timers, id)
	}
}

func (s *linuxState) ExecDone() { dropAIO(s.p) }

func (s *linuxState) ThreadExit(t *Thread) { exitRobustList(t) }

func (s *linuxState) SignalQueued(sig int) { signalfdQueued(sig) }

func (s *linuxState) TimerSignalTaken(info *usermode.SigInfo) { timerTaken(s.p, info) }

func (s *linuxState) FDClosedOnExec(fd int) { forgetSignalfd(fd) }

// LoadOptions: the loader's defaults are Linux's.
func (s *linuxState) LoadOptions(o *loader.Options) {}

// StartRegs: Linux's start_thread zeroes the rest (ResetCPU).
func (s *linuxState) StartRegs(c *translate.CPU, img *loader.Image) {}

// NoSyscall: Linux's sys_ni_syscall only fails with ENOSYS.
func (s *linuxState) NoSyscall(t *Thread, nr uint64) {}

func (s *linuxState) ProcFile(file string) []byte {
	content, _ := procFileContent(s.p, file, "/proc/self/"+file)
	return content
}

// Options and Status are the core's.
type (
	Options = usermode.Options
	Status  = usermode.Status
)

// NewProcess makes a Linux guest process: the program loaded, or in a
// fork child the parent's guest rebuilt (usermode.NewProcess).
func NewProcess(arch targets.Arch, path string, argv []string, opts Options) (*Process, error) {
	opts.Personality = linuxOS{}
	return usermode.NewProcess(arch, path, argv, opts)
}

// Run loads and runs a Linux guest program; it returns only when loading
// fails (usermode.Run).
func Run(arch targets.Arch, path string, argv []string, opts Options) error {
	opts.Personality = linuxOS{}
	return usermode.Run(arch, path, argv, opts)
}
