package linuxuser

import (
	"fmt"
	"strconv"

	"github.com/gemu-project/gemu/syscalls"
)

// -strace shows each signal as the guest takes it, in QEMU's format
// (linux-user/strace.c print_taken_signal / print_siginfo):
//
//	--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=42, si_uid=0} ---

// siCodeNames are the generic si_code values (asm-generic/siginfo.h).
var siCodeNames = map[int32]string{siUser: "SI_USER", siKernel: "SI_KERNEL", siQueue: "SI_QUEUE",
	siTimer: "SI_TIMER", -3: "SI_MESGQ", -4: "SI_ASYNCIO", -5: "SI_SIGIO", siTkill: "SI_TKILL"}

// cldNames are SIGCHLD's si_code values (asm-generic/siginfo.h).
var cldNames = []string{1: "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"}

func (s *sigInfo) straceString() string {
	name := syscalls.SignalName(int(s.signo))
	code, ok := siCodeNames[s.code]
	child := s.signo == syscalls.SIGCHLD && s.code >= 1 && int(s.code) < len(cldNames)
	if child {
		code, ok = cldNames[s.code], true
	}
	if !ok {
		code = strconv.Itoa(int(s.code))
	}
	body := fmt.Sprintf("si_signo=%s, si_code=%s", name, code)
	switch {
	case s.fault:
		body += ", si_addr=" + syscalls.Pointer(s.addr)
	case child:
		body += fmt.Sprintf(", si_pid=%d, si_uid=%d, si_status=%d", s.pid, s.uid, int32(s.value))
	case s.code == siTimer:
		body += fmt.Sprintf(", si_timerid=%d, si_overrun=%d, si_value=%d", s.pid, s.uid, s.value)
	default:
		body += fmt.Sprintf(", si_pid=%d, si_uid=%d", s.pid, s.uid)
	}
	return fmt.Sprintf("--- %s {%s} ---\n", name, body)
}

// traceSignal logs a signal t takes under -strace.
func (t *Thread) traceSignal(info *sigInfo) {
	if p := t.p; p.tracer != nil {
		p.logf(p.opts.Strace, "%s", info.straceString())
	}
}
