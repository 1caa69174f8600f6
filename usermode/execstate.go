package usermode

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"golang.org/x/sys/unix"
)

// execState is the state execve keeps (signal(7), execve(2)): the
// mask, pending signals, which signals are ignored, and the thread's
// seccomp mode and filters (marshalSeccomp).
type execState struct {
	Mask, Ignored, pending uint64
	seccomp                string
}

const execStateVar = "GEMU_EXEC_SIGSTATE"

func (s execState) String() string {
	return fmt.Sprintf("%s=%x,%x,%x", execStateVar, s.Mask, s.Ignored, s.pending)
}

// Env is the state as environment variables for an exec'd gemu.
func (s execState) Env() []string {
	return append([]string{s.String()}, seccompEnv(s.seccomp)...)
}

// ExecStateFor is t's state to pass on. Call with p.mu held.
func (p *Process) ExecStateFor(t *Thread) execState {
	s := execState{Mask: t.Sigmask, pending: t.Pending.Mask | p.Shared.Mask,
		seccomp: marshalSeccomp(t.seccomp.Load())}
	for sig := 1; sig <= linux.NSIG; sig++ {
		if p.Sigacts[sig].Handler == linux.SigIgn {
			s.Ignored |= SigBit(sig)
		}
	}
	return s
}

// takeExecState removes the state variable from the guest environment.
func takeExecState(env []string) (execState, []string) {
	var s execState
	s.seccomp, env = takeSeccompEnv(env)
	out := env[:0:0]
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, execStateVar+"="); ok {
			fmt.Sscanf(v, "%x,%x,%x", &s.Mask, &s.Ignored, &s.pending)
			continue
		}
		out = append(out, kv)
	}
	if s.Mask == 0 && s.Ignored == 0 && s.pending == 0 {
		s.Ignored = hostExecState().Ignored
	}
	return s, out
}

// hostExecState is what a native parent gave gemu: ignored signals stay
// ignored for the guest (nohup, shells' background jobs).
func hostExecState() execState {
	var s execState
	for sig := 1; sig <= linux.NSIG; sig++ {
		if sig == linux.SIGKILL || sig == linux.SIGSTOP || sig == KickSig {
			continue
		}
		var old [4]uint64
		_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0)
		if e == 0 && old[0] == linux.SigIgn {
			s.Ignored |= SigBit(sig)
		}
	}
	return s
}

// applyExecState installs the inherited state on the first thread.
func (p *Process) applyExecState(t *Thread) {
	s := p.inherit
	p.Mu.Lock()
	defer p.Mu.Unlock()
	t.Sigmask = s.Mask &^ Unblockable
	for sig := 1; sig <= linux.NSIG; sig++ {
		if s.Ignored&SigBit(sig) != 0 || isStartIgnored(sig) {
			p.Sigacts[sig].Handler = linux.SigIgn
		}
		if s.pending&SigBit(sig) != 0 {
			p.Shared.add(SigInfo{Signo: int32(sig), Code: SiUser})
		}
	}
	t.Wake.Store(s.pending != 0)
	t.seccomp.Store(p.inheritSeccomp)
}
