package usermode

import (
	"fmt"
	"strconv"

	"github.com/gemu-project/gemu/syscalls/linux"
)

// -strace shows each signal as the guest takes it, in QEMU's format
// (linux-user/strace.c print_taken_signal / print_siginfo):
//
//	--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=42, si_uid=0} ---

// siCodeNames are the generic si_code values (asm-generic/siginfo.h).
var siCodeNames = map[int32]string{SiUser: "SI_USER", SiKernel: "SI_KERNEL", siQueue: "SI_QUEUE",
	SiTimer: "SI_TIMER", -3: "SI_MESGQ", -4: "SI_ASYNCIO", -5: "SI_SIGIO", SiTkill: "SI_TKILL"}

// cldNames are SIGCHLD's si_code values (asm-generic/siginfo.h).
var cldNames = []string{1: "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"}

func (s *SigInfo) straceString() string {
	name := linux.SignalName(int(s.Signo))
	code, ok := siCodeNames[s.Code]
	child := s.Signo == linux.SIGCHLD && s.Code >= 1 && int(s.Code) < len(cldNames)
	if child {
		code, ok = cldNames[s.Code], true
	}
	if !ok {
		code = strconv.Itoa(int(s.Code))
	}
	body := fmt.Sprintf("si_signo=%s, si_code=%s", name, code)
	switch {
	case s.Fault:
		body += ", si_addr=" + linux.Pointer(s.Addr)
	case child:
		body += fmt.Sprintf(", si_pid=%d, si_uid=%d, si_status=%d", s.PID, s.UID, int32(s.Value))
	case s.Code == SiTimer:
		body += fmt.Sprintf(", si_timerid=%d, si_overrun=%d, si_value=%d", s.PID, s.UID, s.Value)
	default:
		body += fmt.Sprintf(", si_pid=%d, si_uid=%d", s.PID, s.UID)
	}
	return fmt.Sprintf("--- %s {%s} ---\n", name, body)
}

// traceSignal logs a signal t takes under -strace.
func (t *Thread) traceSignal(info *SigInfo) {
	if p := t.P; p.Tracer != nil {
		p.logf(p.Opts.Strace, "%s", info.straceString())
	}
}
