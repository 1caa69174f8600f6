package usermode

import (
	"errors"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/translate"
)

// execve of a foreign program without a new gemu (docs/decisions.md,
// "execve in place"). A host execve of gemu costs a whole emulator start
// (Go's runtime, package set-up, parking descriptors): about 10 ms of a
// 20 ms hello on the project's VM, and twice per fork+exec. Where nothing
// that only a new host process gives is needed, the running gemu drops
// the old image and loads the new one, as fs/exec.c does in the kernel:
// the new program is loaded into a fresh address space first, so a
// program that cannot be loaded leaves the caller running with an errno;
// then, past the point of no return, the old memory and translations go,
// close-on-exec descriptors close, caught signals return to SIG_DFL (the
// mask, ignored and pending signals stay), POSIX timers are deleted,
// the alternate stack and robust list are dropped, and comm, cmdline,
// /proc/self/exe and auxv follow the new program.

// sameEmulatorEnv reports whether env sets gemu's own variables
// (Options.EmulatorVars) as gemu's environment does: a program whose
// environment sets them otherwise would start otherwise under a new gemu,
// so it gets one.
func (p *Process) sameEmulatorEnv(env []string) bool {
	for _, name := range p.Opts.EmulatorVars {
		own, set := os.LookupEnv(name)
		v, ok := lookupVar(env, name)
		if set != ok || own != v {
			return false
		}
	}
	return true
}

// lookupVar finds name in env as getenv(3) does (the first entry).
func lookupVar(env []string, name string) (string, bool) {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name); ok && strings.HasPrefix(v, "=") {
			return v[1:], true
		}
	}
	return "", false
}

// CanExecHere reports whether t may run prog in this gemu: one guest
// thread, no vfork sharing, no tracer or debugger, the same guest
// architecture and OS (the personality stays), no set-user-ID or
// set-group-ID file (the host's execve gives those their credentials) and
// the same emulator settings.
func (t *Thread) CanExecHere(prog string, envp []string) bool {
	p := t.P
	if p.Vfork != nil || t.TracedSelf || p.Opts.Debugger != nil || p.Opts.Reexec == nil || noExecHere {
		return false
	}
	p.Mu.Lock()
	alone := len(p.Threads) == 1
	p.Mu.Unlock()
	var st unix.Stat_t
	if !alone || unix.Stat(prog, &st) != nil || st.Mode&(unix.S_ISUID|unix.S_ISGID) != 0 {
		return false
	}
	m, osKind, err := loader.Probe(prog)
	if err != nil || osKind != p.img.OS || m != p.arch.Machine() {
		return false
	}
	return p.sameEmulatorEnv(envp)
}

// noExecHere turns execve in place off (GEMU_EXEC=host), to compare.
var noExecHere = os.Getenv("GEMU_EXEC") == "host"

// ExecHere replaces t's process image with prog (argv and envp as a
// re-executed gemu would give it). It returns an errno when prog cannot be
// loaded; on success t goes on at the new entry point.
func (t *Thread) ExecHere(prog string, argv, envp []string) uint64 {
	p := t.P
	if len(argv) == 0 {
		argv = []string{prog}
	}
	as, err := translate.NewAddressSpace(p.arch.AddressSpaceSize())
	if err != nil {
		return Errno(unix.ENOMEM)
	}
	lopts := loader.Options{StackSize: p.Opts.StackSize, Prefix: p.Opts.Prefix}
	p.OS.LoadOptions(&lopts)
	img, err := loader.Load(as, p.arch, prog, argv, envp, lopts)
	if err != nil {
		as.Close()
		return loadErrno(err)
	}
	// The point of no return.
	p.OS.ThreadExit(t)
	p.image.Lock()
	defer p.image.Unlock()
	p.ensureArchive() // the old program's blocks, for the processes that run it
	oldAS, oldEngine := p.AS, p.engine
	p.Mu.Lock()
	p.AS, p.img, p.Brk, p.tramp, p.ForkImage = as, img, img.BrkStart, 0, false
	p.Opts.Env = envp
	resetHandlers(&p.Sigacts)
	p.SetHostChildPolicy(p.Sigacts[linux.SIGCHLD])
	p.OS.ExecReset()
	p.Mu.Unlock()
	p.OS.ExecDone()
	as.StackGrowth = p.stackGrowth
	as.MmapBase = min(as.MmapBase, img.StackLow-translate.PageSize)
	p.Backing.prune(nil)
	p.engine = translate.NewEngine(p.arch, as)
	p.engine.SetArchive(p.archive)
	if p.Opts.Engine != nil {
		p.Opts.Engine(p.engine)
	}
	if p.Tracer != nil {
		p.Tracer = &linux.Tracer{ABI: p.ABI, Mem: as}
	}
	oldEngine.FlushAll()
	oldAS.Close()
	t.newImageThread()
	closeOnExec(p.OS)
	setHostComm(prog)
	p.setHostCmdline()
	t.NoResult = true
	return 0
}

// newImageThread gives t a CPU at the new program's entry and the thread
// state execve resets.
func (t *Thread) newImageThread() {
	p := t.P
	cpu := p.engine.NewCPU()
	p.arch.ResetCPU(cpu, p.img.Entry, p.img.SP)
	p.OS.StartRegs(cpu, p.img)
	cpu.Env = t
	t.CPU = cpu
	t.ClearTID, t.RobustList, t.RobustLen = 0, 0, 0
	t.Altstack = linux.StackT{Flags: linux.SsDisable}
	t.restart, t.RestoreMask = restartState{}, false
	if t.Wake.Load() {
		cpu.RequestExit()
	}
}

// resetHandlers is what execve does to the actions (kernel/signal.c
// flush_signal_handlers): caught signals go back to SIG_DFL, ignored ones
// stay ignored, and flags and masks are cleared for all.
func resetHandlers(acts *[linux.NSIG + 1]linux.Sigaction) {
	for i, a := range acts {
		acts[i] = linux.Sigaction{}
		if a.Handler == linux.SigIgn {
			acts[i].Handler = linux.SigIgn
		}
	}
}

// closeOnExec closes the guest's close-on-exec descriptors, as the host
// execve would; gemu's own stay.
func closeOnExec(os OSState) {
	fds, err := listFDs()
	if err != nil {
		return
	}
	for _, fd := range fds {
		if isInternal(fd) {
			continue
		}
		if f, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && f&unix.FD_CLOEXEC != 0 {
			os.FDClosedOnExec(fd)
			unix.Close(fd)
		}
	}
}

// loadErrno is execve's errno for a program the loader refused: ENOENT for
// a missing ELF interpreter (fs/binfmt_elf.c open_exec), ENOMEM when it
// does not fit, ENOEXEC for the rest (a malformed or foreign ELF).
func loadErrno(err error) uint64 {
	var e unix.Errno
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Errno(unix.ENOENT)
	case errors.As(err, &e):
		return Errno(e)
	case errors.Is(err, translate.ErrNoMem):
		return Errno(unix.ENOMEM)
	}
	return Errno(unix.ENOEXEC)
}
