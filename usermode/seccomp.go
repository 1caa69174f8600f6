package usermode

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/internal/seccomp"
	"github.com/gemu-project/gemu/syscalls/linux"
)

// Seccomp modes (Linux include/uapi/linux/seccomp.h).
const (
	SeccompStrict = 1
	SeccompFilter = 2
)

// SeccompState is a thread's seccomp mode and filters. It is never
// changed in place: a thread's pointer is replaced whole, so another
// thread's SECCOMP_FILTER_FLAG_TSYNC can swap it while it runs.
type SeccompState struct {
	Mode   int
	Filter *seccomp.Filter
}

// Seccomp is t's state, nil when it has none.
func (t *Thread) Seccomp() *SeccompState { return t.seccomp.Load() }

// SetSeccomp installs s as t's state.
func (t *Thread) SetSeccomp(s *SeccompState) { t.seccomp.Store(s) }

// strictCalls are the syscalls mode 1 allows (kernel/seccomp.c
// mode1_syscalls: read, write, exit and sigreturn).
var strictCalls = map[string]bool{"read": true, "write": true, "exit": true, "rt_sigreturn": true}

// seccompAllows runs t's filters over the syscall about to be made, as
// kernel/seccomp.c __secure_computing does at syscall entry. False means
// it is not made: its result is set, a signal is queued or t is dead.
func (t *Thread) seccompAllows(s *SeccompState, nr uint64, a *Args) bool {
	p := t.P
	if s.Mode == SeccompStrict {
		if rec := p.table.Lookup(nr); rec != nil && strictCalls[rec.Name] {
			return true
		}
		// do_exit(SIGKILL): the thread, or the process when it is alone.
		t.seccompKill(SigInfo{Signo: linux.SIGKILL, Code: SiKernel}, false)
		return false
	}
	ret := s.Filter.Eval(seccomp.NewData(int32(nr), p.auditArch(), t.CPU.PC, (*[6]uint64)(a)))
	data := ret & seccomp.RetData
	switch ret & seccomp.RetActionFull {
	case seccomp.RetAllow, seccomp.RetLog:
		return true
	case seccomp.RetErrno:
		p.conv.SetSyscallResult(t.CPU, Errno(unix.Errno(min(data, maxErrno))))
	case seccomp.RetTrap:
		// The registers stay as they were (syscall_rollback) and SIGSYS is forced.
		t.forceSignal(sigsysInfo(nr, data, t.CPU.PC, p.auditArch()))
	case seccomp.RetTrace, seccomp.RetUserNotif:
		// No tracer with PTRACE_O_TRACESECCOMP, no listener: ENOSYS.
		p.conv.SetSyscallResult(t.CPU, Errno(unix.ENOSYS))
	case seccomp.RetKillThread:
		t.seccompKill(sigsysInfo(nr, data, t.CPU.PC, p.auditArch()), false)
	default: // SECCOMP_RET_KILL_PROCESS and unknown actions
		t.seccompKill(sigsysInfo(nr, data, t.CPU.PC, p.auditArch()), true)
	}
	return false
}

// maxErrno is MAX_ERRNO (include/linux/err.h): RET_ERRNO's cap.
const maxErrno = 4095

// auditArch is the guest's AUDIT_ARCH_* (include/uapi/linux/audit.h):
// the ELF machine with the 64-bit and little-endian bits.
func (p *Process) auditArch() uint32 {
	return uint32(p.img.Machine) | 0x80000000 | 0x40000000
}

// sigsysInfo is seccomp_init_siginfo's SIGSYS: si_errno the filter's
// data, si_code SYS_SECCOMP, then _sigsys (call address, syscall, arch)
// at offset 16 (include/uapi/asm-generic/siginfo.h).
func sigsysInfo(nr uint64, data uint32, pc uint64, arch uint32) SigInfo {
	b := make([]byte, 32)
	le := binary.LittleEndian
	le.PutUint32(b[0:], linux.SIGSYS)
	le.PutUint32(b[4:], data)
	le.PutUint32(b[8:], 1) // SYS_SECCOMP
	le.PutUint64(b[16:], pc)
	le.PutUint32(b[24:], uint32(nr))
	le.PutUint32(b[28:], arch)
	return SigInfo{Signo: linux.SIGSYS, Code: 1, Raw: b}
}

// forceSignal is force_sig_info for a signal t raised itself: blocked or
// ignored, it is unblocked with its default action, which here kills.
func (t *Thread) forceSignal(info SigInfo) {
	p := t.P
	sig := int(info.Signo)
	p.Mu.Lock()
	act := p.Sigacts[sig]
	if act.Handler == linux.SigDfl || act.Handler == linux.SigIgn || t.Sigmask&SigBit(sig) != 0 {
		p.Mu.Unlock()
		t.traceSignal(&info) // the handled case is shown when it is taken
		p.ExitSignal(t, info)
		t.Exited = true
		return
	}
	t.Pending.add(info)
	t.Wake.Store(true)
	p.Mu.Unlock()
}

// seccompKill ends t, and the process when process is set or t is its
// only thread, by info's signal with a core dump when that is its
// default (kernel/seccomp.c: do_coredump, then do_exit or do_group_exit).
func (t *Thread) seccompKill(info SigInfo, process bool) {
	p := t.P
	p.Mu.Lock()
	alone := len(p.Threads) == 1
	p.Mu.Unlock()
	if process || alone {
		t.traceSignal(&info)
		p.ExitSignal(t, info)
	}
	t.Exited = true
}

// marshalSeccomp is s for a fork child or an exec'd gemu: empty without
// seccomp, "S" in strict mode, "F" and the filters otherwise.
func marshalSeccomp(s *SeccompState) string {
	switch {
	case s == nil:
		return ""
	case s.Mode == SeccompStrict:
		return "S"
	}
	return "F" + string(s.Filter.Marshal())
}

func unmarshalSeccomp(b string) (*SeccompState, error) {
	switch {
	case b == "":
		return nil, nil
	case b == "S":
		return &SeccompState{Mode: SeccompStrict}, nil
	case b[0] == 'F':
		f, err := seccomp.Unmarshal([]byte(b[1:]))
		if err != nil || f == nil {
			return nil, fmt.Errorf("bad seccomp state: %v", err)
		}
		return &SeccompState{Mode: SeccompFilter, Filter: f}, nil
	}
	return nil, fmt.Errorf("bad seccomp state %q", b[:1])
}

// execve keeps the filters (Documentation/userspace-api/seccomp_filter.rst):
// an exec'd gemu gets them in GEMU_EXEC_SECCOMP_<i>, base64 cut into
// pieces below the kernel's MAX_ARG_STRLEN (128 KiB) per string.
const (
	execSeccompVar   = "GEMU_EXEC_SECCOMP_"
	execSeccompPiece = 96 << 10
)

func seccompEnv(marshaled string) []string {
	if marshaled == "" {
		return nil
	}
	enc := base64.StdEncoding.EncodeToString([]byte(marshaled))
	var env []string
	for i := 0; len(enc) > 0; i++ {
		n := min(len(enc), execSeccompPiece)
		env = append(env, fmt.Sprintf("%s%d=%s", execSeccompVar, i, enc[:n]))
		enc = enc[n:]
	}
	return env
}

// takeSeccompEnv removes the pieces from env and returns their text.
func takeSeccompEnv(env []string) (string, []string) {
	var pieces []string
	out := env[:0:0]
	for _, kv := range env {
		if rest, ok := strings.CutPrefix(kv, execSeccompVar); ok {
			var i int
			if k, v, ok := strings.Cut(rest, "="); ok {
				if _, err := fmt.Sscanf(k, "%d", &i); err == nil && i >= 0 && i < 64 {
					for len(pieces) <= i {
						pieces = append(pieces, "")
					}
					pieces[i] = v
				}
			}
			continue
		}
		out = append(out, kv)
	}
	if pieces == nil {
		return "", out
	}
	b, err := base64.StdEncoding.DecodeString(strings.Join(pieces, ""))
	if err != nil {
		return "\x00", out // unmarshalSeccomp refuses it
	}
	return string(b), out
}
