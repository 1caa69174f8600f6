package gdbstub

import (
	"fmt"
	"strings"

	"github.com/gemu-project/gemu/translate"
)

// Resuming and stop replies (GDB manual, "Packets": c, C, s, S, vCont;
// "Stop Reply Packets").

// action is one vCont action: continue or step, with a signal (GDB
// number), for one thread or all (-1).
type action struct {
	step bool
	stop bool // vCont t: stay stopped
	sig  int
	tid  int
}

// parseVCont reads the actions after "vCont;".
func parseVCont(s string) ([]action, error) {
	var out []action
	for _, part := range strings.Split(s, ";") {
		cmd, tidText, hasTID := strings.Cut(part, ":")
		a := action{tid: -1}
		if hasTID {
			tid, err := parseThreadID(tidText)
			if err != nil {
				return nil, err
			}
			a.tid = tid
		}
		if cmd == "" {
			return nil, errSyntax
		}
		switch cmd[0] {
		case 'c':
		case 's':
			a.step = true
		case 't':
			a.stop = true
		case 'C', 'S':
			n, err := parseNum(cmd[1:])
			if err != nil {
				return nil, err
			}
			a.sig, a.step = int(n), cmd[0] == 'S'
		default:
			return nil, errSyntax
		}
		if len(cmd) > 1 && cmd[0] != 'C' && cmd[0] != 'S' {
			return nil, errSyntax
		}
		out = append(out, a)
	}
	return out, nil
}

// actionFor is the leftmost action that applies to tid ("vCont"), nil for
// none: the thread stays stopped.
func actionFor(acts []action, tid int) *action {
	for i := range acts {
		if acts[i].tid == -1 || acts[i].tid == 0 || acts[i].tid == tid {
			if acts[i].stop {
				return nil
			}
			return &acts[i]
		}
	}
	return nil
}

// resume applies actions to the stopped target and lets it run. A
// pending signal stop of a thread being resumed is reported at once
// instead. Call with s.mu held.
func (s *Stub) resume(acts []action) {
	var runs []*thread
	for _, tid := range s.tids() {
		th := s.threads[tid]
		a := actionFor(acts, tid)
		if a == nil {
			continue
		}
		th.cpu.SetStep(a.step)
		th.sig = gdbToLinux(a.sig)
		runs = append(runs, th)
	}
	s.running = true
	for _, th := range runs {
		if ev := th.pending; ev != nil {
			th.pending = nil
			s.claim(ev)
			return
		}
	}
	for _, th := range runs {
		th.run = true
	}
	s.cond.Broadcast()
}

// legacyResume handles c, C, s and S: a continue resumes every thread, a
// step only the current one; an address argument sets its PC first.
func (s *Stub) legacyResume(pkt string) error {
	var a action
	a.step = pkt[0] == 's' || pkt[0] == 'S'
	args := pkt[1:]
	if pkt[0] == 'C' || pkt[0] == 'S' {
		sigText, rest, _ := strings.Cut(args, ";")
		n, err := parseNum(sigText)
		if err != nil {
			return err
		}
		a.sig, args = int(n), rest
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	th := s.regThread()
	if th == nil {
		return errSyntax
	}
	if args != "" {
		pc, err := parseNum(args)
		if err != nil {
			return err
		}
		th.cpu.PC = pc
	}
	a.tid = -1
	if a.step {
		a.tid = th.tid
	}
	s.resume([]action{a})
	return nil
}

// stopReply is the T packet for ev ("Stop Reply Packets"): the signal,
// the thread, and for debugger stops the reason (swbreak, hwbreak,
// watch/rwatch/awatch with the data address).
func (s *Stub) stopReply(ev *stopEvent) string {
	sig := gdbSigTRAP
	switch ev.kind {
	case evSignal:
		sig = linuxToGDB(ev.sig)
	case evInterrupt:
		sig = gdbSigINT
	}
	out := fmt.Sprintf("T%02xthread:%x;", sig, ev.tid)
	if ev.kind != evTrap {
		return out
	}
	switch ev.stop.Reason {
	case translate.StopBreakpoint:
		if th := s.threads[ev.tid]; th != nil && s.hwBreaks[th.cpu.PC] {
			return out + "hwbreak:;"
		}
		return out + "swbreak:;"
	case translate.StopWatch:
		name := "watch"
		switch ev.stop.Kind {
		case translate.WatchRead:
			name = "rwatch"
		case translate.WatchAccess:
			name = "awatch"
		}
		return out + fmt.Sprintf("%s:%x;", name, ev.stop.Addr)
	}
	return out
}
