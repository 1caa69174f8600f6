// Package usermode is the user-mode core every OS personality shares: it
// runs a guest program on the translator, one host thread per guest
// thread, with the process and thread model, signal queues and delivery,
// host descriptors, fork and exec plumbing and /proc peers. A personality
// (linuxuser) gives it a syscall table and per-process state (Personality).
//
// Inside the core, signal numbers and errno values are the host's
// (Linux's): a personality whose guest numbers them otherwise translates
// at its own boundary.
package usermode

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/debugapi"
	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Options are the run settings the command line gives.
type Options struct {
	Env       []string // the guest environment
	Prefix    string   // -L: guest sysroot for absolute paths and PT_INTERP
	Seed      *uint64  // -seed: deterministic AT_RANDOM
	StackSize uint64   // -s (default 8 MiB)
	CPUModel  string   // -cpu
	Uname     string   // -r: uname release
	ATFlags   uint64   // AT_FLAGS (binfmt_misc P flag)
	ExecFn    string   // AT_EXECFN (default: the path)
	// ExecFile, when set, is the program open already (binfmt_misc's
	// AT_EXECFD): it is loaded from this file, named path, instead of
	// opening path. The caller closes it once the process is made.
	ExecFile *os.File

	Strace io.Writer // -strace: one line per syscall
	Unimp  io.Writer // -d unimp: unsupported syscalls and features

	// Engine, when set, configures the engine before the program starts
	// (-one-insn-per-tb, -d in_asm/exec/cpu hooks).
	Engine func(*translate.Engine)

	// Reexec gives the host command that runs a foreign guest program for
	// execve: gemu itself with the same options, the guest's argv (argv[0]
	// included) and env as the guest environment. Nil: execve of foreign
	// programs fails with ENOEXEC.
	Reexec func(path string, argv, env []string) (exe string, args, hostEnv []string)

	// EmulatorVars are the environment variables that configure gemu
	// itself (QEMU_*, GEMU_*): execve in place needs the new program's
	// environment to set them as gemu's does (exec_here.go).
	EmulatorVars []string

	// Debugger, when set, is a debugger stub (gemu -g) attached before the
	// first instruction (debug.go).
	Debugger Debugger

	// Exit is called once, by the guest thread that ends the process
	// (exit_group, the last exit, a fatal signal), while other guest threads
	// may still be blocked in host calls. It should flush the emulator's
	// own output and then call Status.Exit; if it returns, Status.Exit runs.
	Exit func(Status)

	// Personality is the guest's operating system.
	Personality Personality
}

// Status is how the guest ended.
type Status struct {
	Code   int       // exit_group / exit status (0-255)
	Signal int       // non-zero: killed by this signal
	core   *hostCore // the guest dumped core: the host dumps too (corehost.go)
}

// CoreDumped reports whether the guest dumped core.
func (s Status) CoreDumped() bool { return s.core != nil }

// ExitCode is what a shell shows: the code, or 128+signal.
func (s Status) ExitCode() int {
	if s.Signal != 0 {
		return 128 + s.Signal
	}
	return s.Code & 0xff
}

// Process is one guest Linux process.
type Process struct {
	arch   targets.Arch
	ABI    *linux.LinuxABI
	AS     *translate.AddressSpace
	engine *translate.Engine
	// archive is the process tree's translation archive (archive.go).
	archive *translate.Archive
	img     *loader.Image
	table   *syscalls.Table[Handler]
	Opts    Options
	// OS is the personality's state of this process.
	OS     OSState
	conv   SyscallConvention
	frames SignalFrames // nil: the personality has none for arch
	PID    int
	Tracer *linux.Tracer

	Mu      sync.Mutex
	Threads map[int]*Thread
	Brk     uint64 // current program break
	Sigacts [linux.NSIG + 1]linux.Sigaction
	Shared  sigQueue  // process-directed pending signals
	tramp   uint64    // the sigreturn trampoline page, once mapped
	inherit execState // signal state from the execve that started us
	// inheritSeccomp is inherit's seccomp state, decoded (seccomp.go).
	inheritSeccomp *SeccompState
	Persona        uint32       // personality(2) flags kept off the host (linuxuser/sys_misc.go)
	Vfork          *vforkState  // set in a vfork child
	Backing        *sharedFiles // descriptors of shared mappings (hostfd.go)
	resume         *forkResume  // a fork child's first thread, until Run starts it
	// forkImage: private memory may be mapped from a fork's memory image
	// (forkresume.go), so MADV_DONTNEED must not re-read it.
	ForkImage  bool
	Sigpending atomic.Pointer[unix.Rlimit] // the guest's RLIMIT_SIGPENDING once it sets one (linuxuser/sys_misc.go)
	StackLimit atomic.Pointer[unix.Rlimit] // the guest's RLIMIT_STACK once it sets one

	// image is held for writing while execve in place replaces as, img
	// and engine (exec_here.go), for reading by other processes' /proc
	// requests (proc_peer.go).
	image sync.RWMutex

	logMu    sync.Mutex // serializes strace/unimp lines
	DoneOnce sync.Once
	Done     chan struct{}
	Ended    atomic.Bool // done is closed (read on every syscall, cheaper than a select)
	status   Status
}

// Run loads and runs a guest program. It returns only when loading fails:
// the end of the guest ends the emulator through Options.Exit. Call it
// from the goroutine main runs on, locked to the main OS thread by an
// init-time runtime.LockOSThread, so the guest's first thread has TID == PID.
func Run(arch targets.Arch, path string, argv []string, opts Options) error {
	p, err := NewProcess(arch, path, argv, opts)
	if err != nil {
		return err
	}
	p.Run()
	return nil
}

// NewProcess creates the address space and engine and loads the program
// (or, in a fork child, rebuilds the parent's guest: forkresume.go).
func NewProcess(arch targets.Arch, path string, argv []string, opts Options) (*Process, error) {
	catchHostSignals()
	resumeFD, env := takeForkResume(opts.Env)
	inherited, env := takeExecState(env)
	opts.Env = env
	recordInternalFDs()
	p, err := newProcess(arch, opts)
	if err != nil {
		return nil, err
	}
	if resumeFD >= 0 {
		err = resumeProcess(p, resumeFD)
	} else {
		p.inherit = inherited
		if p.inheritSeccomp, err = unmarshalSeccomp(inherited.seccomp); err == nil {
			err = p.load(path, argv)
		}
	}
	if err != nil {
		p.AS.Close()
		return nil, err
	}
	p.engine = translate.NewEngine(arch, p.AS)
	p.engine.SetArchive(p.archive)
	installKick()
	if opts.Engine != nil {
		opts.Engine(p.engine)
	}
	if opts.Strace != nil {
		p.Tracer = &linux.Tracer{ABI: p.ABI, Mem: p.AS}
	}
	return p, nil
}

// newProcess sets up a process with an empty address space.
func newProcess(arch targets.Arch, opts Options) (*Process, error) {
	if opts.Personality == nil {
		return nil, errors.New("no OS personality")
	}
	if opts.CPUModel != "" {
		if err := arch.SetModel(opts.CPUModel); err != nil {
			return nil, err
		}
	}
	abi, table, err := opts.Personality.Tables(arch)
	if err != nil {
		return nil, err
	}
	as, err := translate.NewAddressSpace(arch.AddressSpaceSize())
	if err != nil {
		return nil, err
	}
	p := &Process{arch: arch, ABI: abi, AS: as, table: table, Opts: opts, PID: unix.Getpid(),
		Threads: map[int]*Thread{}, Done: make(chan struct{}), Backing: &sharedFiles{}}
	as.StackGrowth = p.stackGrowth
	p.conv, p.frames = opts.Personality.Convention(arch), opts.Personality.Frames(arch)
	p.OS = opts.Personality.NewState(p)
	return p, nil
}

// NewBareProcess is a process with an empty address space, the image img
// (nothing of it mapped) and a main thread on the calling host thread: for
// tests that call handlers directly.
func NewBareProcess(arch targets.Arch, img *loader.Image, opts Options) (*Process, *Thread, error) {
	p, err := newProcess(arch, opts)
	if err != nil {
		return nil, nil, err
	}
	p.img, p.Brk = img, img.BrkStart
	p.engine = translate.NewEngine(arch, p.AS)
	return p, p.NewThread(p.engine.NewCPU(), unix.Gettid()), nil
}

// load maps the program and builds its stack.
func (p *Process) load(path string, argv []string) error {
	opts := p.Opts
	lopts := loader.Options{StackSize: opts.StackSize,
		Seed: opts.Seed, Prefix: opts.Prefix, ExecFn: opts.ExecFn, PIEBase: 0, ATFlags: opts.ATFlags}
	p.OS.LoadOptions(&lopts)
	var img *loader.Image
	var err error
	if opts.ExecFile != nil {
		img, err = loader.LoadFile(p.AS, p.arch, path, opts.ExecFile, argv, opts.Env, lopts)
	} else {
		img, err = loader.Load(p.AS, p.arch, path, argv, opts.Env, lopts)
	}
	if err != nil {
		return err
	}
	p.AS.MmapBase = min(p.AS.MmapBase, img.StackLow-translate.PageSize)
	p.img, p.Brk = img, img.BrkStart
	return nil
}

// Image is the loaded program (for /proc emulation and tools).
func (p *Process) Image() *loader.Image { return p.img }

// Frames are the personality's signal frames; nil if it has none.
func (p *Process) Frames() SignalFrames { return p.frames }

// Convention is the personality's system-call register convention.
func (p *Process) Convention() SyscallConvention { return p.conv }

// Engine is the process's translator engine.
func (p *Process) Engine() *translate.Engine { return p.engine }

// Run runs the main thread on the calling goroutine; it does not return.
func (p *Process) Run() {
	runtime.LockOSThread()
	setHostComm(p.img.Path)
	p.setHostCmdline()
	p.serveProc()
	p.forwardHostSignals()
	cpu := p.engine.NewCPU()
	var t *Thread
	if p.resume != nil {
		t = p.startResumed(cpu)
	} else {
		p.arch.ResetCPU(cpu, p.img.Entry, p.img.SP)
		p.OS.StartRegs(cpu, p.img)
		if p.Opts.Debugger != nil {
			p.Opts.Debugger.Attach(p)
		}
		t = p.NewThread(cpu, unix.Gettid())
		p.applyExecState(t)
	}
	releaseNofile()
	t.Loop()
	<-p.Done
	select {} // the thread that ended the process is exiting the emulator
}

// Exit ends the whole process (exit_group, last thread, fatal signal):
// the other threads are asked to stop and the emulator exits from here.
func (p *Process) Exit(s Status) { p.exitWith(s, nil) }

// exitWith is exit, calling dump (when not nil) once the other threads
// have been told to stop, before anything else ends.
func (p *Process) exitWith(s Status, dump func(*Status)) {
	p.DoneOnce.Do(func() {
		p.status = s
		p.Mu.Lock()
		for _, t := range p.Threads {
			t.CPU.RequestExit()
		}
		p.Mu.Unlock()
		p.Ended.Store(true)
		close(p.Done)
		if dump != nil {
			dump(&s)
			p.status = s
		}
		if p.Vfork != nil {
			p.vforkExit(s)
			return
		}
		if p.Opts.Debugger != nil {
			p.Opts.Debugger.Exited(debugapi.Exit{Code: s.Code, Signal: s.Signal})
		}
		if p.Opts.Exit != nil {
			p.Opts.Exit(s)
		}
		s.Exit()
	})
}

// Exiting reports whether the process is ending.
func (p *Process) Exiting() bool { return p.Ended.Load() }

// logf writes one line to w (strace or unimp) without interleaving.
func (p *Process) logf(w io.Writer, format string, args ...any) {
	if w == nil {
		return
	}
	p.logMu.Lock()
	fmt.Fprintf(w, format, args...)
	p.logMu.Unlock()
}

// Unimp reports something unsupported under -d unimp.
func (p *Process) Unimp(format string, args ...any) {
	p.logf(p.Opts.Unimp, format+"\n", args...)
}

// Exit ends the emulator with the guest's status: a fatal signal is
// re-raised, otherwise the exit code is returned to the parent.
func (s Status) Exit() {
	s.Reraise()
	os.Exit(s.ExitCode())
}

// Reraise makes the emulator die from the guest's fatal signal, so the
// parent sees the same wait status as for a native run (e.g. 139 for
// SIGSEGV in a shell, WCOREDUMP when the guest dumped core). It returns
// only if the signal did not kill us. Flush logs first. A core dump of
// the emulator's own memory is never wanted (corehost.go).
func (s Status) Reraise() {
	if s.Signal == 0 {
		return
	}
	if s.core != nil {
		startCoreWatcher(unix.Getpid(), s.core.watch)
		dieDumping(s.core, s.Signal)
		return
	}
	var rl unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_CORE, &rl)
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Max: rl.Max})
	// Raw calls: the Go runtime must not see this. x86_64 struct
	// kernel_sigaction {handler, flags, restorer, mask}; SIG_DFL is 0.
	var act [4]uint64
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(s.Signal), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	set := uint64(1) << (s.Signal - 1)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	unix.Tgkill(unix.Getpid(), unix.Gettid(), unix.Signal(s.Signal))
	unix.Kill(unix.Getpid(), unix.Signal(s.Signal))
}
