package gdbstub

import (
	"strings"
)

// The session goroutine: it answers GDB's packets while the target is
// stopped and reports the next stop after a resume.

// serve runs the session until GDB goes away, detaches or kills.
func (s *Stub) serve() {
	cn := s.conn
	for {
		select {
		case it, ok := <-cn.in:
			if !ok {
				s.hangup()
				return
			}
			if it.interrupt {
				s.interrupt()
				continue
			}
			if s.handle(cn, string(it.data)) {
				return
			}
		case <-s.notify:
			s.reportStop(cn)
		}
	}
}

// hangup: GDB closed the connection without detaching; the guest runs on
// (unless it is over already).
func (s *Stub) hangup() {
	s.logf("gdbstub: connection closed")
	s.mu.Lock()
	done := s.exited || s.detached
	s.mu.Unlock()
	if !done {
		s.detach()
	}
}

// interrupt stops the running target for GDB's Ctrl-C (reported as
// SIGINT on the thread GDB last looked at).
func (s *Stub) interrupt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if th := s.regThread(); th != nil {
		s.claim(&stopEvent{kind: evInterrupt, tid: th.tid})
	}
}

// reportStop sends the stop reply once every thread has left guest code.
func (s *Stub) reportStop(cn *conn) {
	s.mu.Lock()
	ev := s.event
	if ev == nil || s.exited {
		s.mu.Unlock()
		return
	}
	s.waitStopped()
	reply := s.stopReply(ev)
	s.event, s.last, s.running = nil, ev, false
	s.gThread = ev.tid
	s.mu.Unlock()
	cn.send(reply)
}

// handle answers one packet; it reports whether the session is over.
func (s *Stub) handle(cn *conn, pkt string) (done bool) {
	s.logf("gdbstub: -> %s", pkt)
	if s.isRunning() {
		return false // all-stop: nothing but an interrupt while running
	}
	if pkt == "" {
		cn.send("")
		return false
	}
	switch pkt[0] {
	case 'c', 'C', 's', 'S':
		if err := s.legacyResume(pkt); err != nil {
			cn.send("E01")
		}
		return false
	case 'D':
		cn.send("OK")
		s.logf("gdbstub: detached")
		s.detach()
		cn.close()
		return true
	case 'k':
		s.kill(cn)
		return true
	case 'v':
		return s.handleV(cn, pkt)
	}
	reply, noAck := s.answer(pkt)
	if noAck {
		// GDB acks this OK; we ack nothing from now on, so the packets
		// right behind it are not acked by mistake.
		cn.noAck.Store(true)
	}
	cn.send(reply)
	return false
}

func (s *Stub) isRunning() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// answer handles the packets that get exactly one reply. noAck is true
// for QStartNoAckMode: acks stop with this reply.
func (s *Stub) answer(pkt string) (reply string, noAck bool) {
	switch pkt[0] {
	case '?':
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.stopReply(s.last), false
	case 'g', 'G', 'p', 'P':
		return s.registers(pkt), false
	case 'm', 'M', 'X':
		return s.memory(pkt), false
	case 'Z', 'z':
		return s.breakpoint(pkt), false
	case 'H':
		return s.setThread(pkt), false
	case 'T':
		return s.threadAlive(pkt[1:]), false
	case 'q':
		return s.query(pkt), false
	case 'Q':
		if pkt == "QStartNoAckMode" {
			return "OK", true
		}
		if v, ok := strings.CutPrefix(pkt, "Qqemu.PhyMemMode:"); ok {
			return s.setPhysMode(v), false
		}
	}
	return "", false
}

// handleV answers the v packets.
func (s *Stub) handleV(cn *conn, pkt string) (done bool) {
	switch {
	case pkt == "vCont?":
		cn.send("vCont;c;C;s;S")
	case strings.HasPrefix(pkt, "vCont;"):
		acts, err := parseVCont(pkt[len("vCont;"):])
		if err != nil {
			cn.send("E01")
			return false
		}
		s.mu.Lock()
		s.resume(acts)
		s.mu.Unlock()
	case strings.HasPrefix(pkt, "vKill"):
		cn.send("OK")
		s.kill(cn)
		return true
	default:
		cn.send("") // vMustReplyEmpty, vFile, vRun...: not supported
	}
	return false
}

// kill ends the guest (k, vKill) as SIGKILL would.
func (s *Stub) kill(cn *conn) {
	s.logf("gdbstub: killed")
	s.mu.Lock()
	s.exited = true
	s.mu.Unlock()
	cn.close()
	s.proc.Kill()
}

// setThread handles Hg and Hc. Hc is accepted and ignored: continue and
// step act through vCont (or on the Hg thread for s).
func (s *Stub) setThread(pkt string) string {
	if len(pkt) < 3 {
		return "E01"
	}
	tid, err := parseThreadID(pkt[2:])
	if err != nil {
		return "E01"
	}
	if pkt[1] == 'g' {
		s.mu.Lock()
		if tid > 0 && s.threads[tid] == nil {
			s.mu.Unlock()
			return "E02"
		}
		s.gThread = tid
		s.mu.Unlock()
	}
	return "OK"
}

// threadAlive handles T: OK while the thread exists.
func (s *Stub) threadAlive(arg string) string {
	tid, err := parseThreadID(arg)
	if err != nil {
		return "E01"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.threads[tid] == nil {
		return "E01"
	}
	return "OK"
}
