package gdbstub

import (
	"fmt"
	"strings"
)

// General queries (GDB manual, "General Query Packets").

// packetSize is the largest packet we accept, advertised in hex.
const packetSize = 0x4000

// supported is the qSupported reply.
var supported = fmt.Sprintf("PacketSize=%x;qXfer:features:read+;qXfer:exec-file:read+;qXfer:auxv:read+;"+
	"swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+", packetSize)

func (s *Stub) query(pkt string) string {
	name, args, _ := strings.Cut(pkt, ":")
	switch name {
	case "qSupported":
		return supported
	case "qqemu.PhyMemMode":
		if s.phys.Load() {
			return "1"
		}
		return "0"
	case "qAttached":
		// "1": GDB detaches rather than kills when it quits, as with
		// qemu-user.
		return "1"
	case "qC":
		s.mu.Lock()
		defer s.mu.Unlock()
		if th := s.regThread(); th != nil {
			return fmt.Sprintf("QC%x", th.tid)
		}
		return "E01"
	case "qfThreadInfo":
		return s.threadList()
	case "qsThreadInfo":
		return "l"
	case "qSymbol":
		return "OK"
	case "qXfer":
		return s.xfer(args)
	}
	return ""
}

// threadList is the qfThreadInfo reply: every thread in one go.
func (s *Stub) threadList() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for i, tid := range s.tids() {
		if i == 0 {
			b.WriteByte('m')
		} else {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%x", tid)
	}
	if b.Len() == 0 {
		return "l"
	}
	return b.String()
}

// xfer handles qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH for the objects we
// advertise ("qXfer read").
func (s *Stub) xfer(args string) string {
	parts := strings.SplitN(args, ":", 4)
	if len(parts) != 4 || parts[1] != "read" {
		return ""
	}
	off, n, err := parseAddrLen(parts[3])
	if err != nil {
		return "E01"
	}
	var data []byte
	switch parts[0] {
	case "features":
		if parts[2] != "target.xml" {
			return "E00"
		}
		data = []byte(s.desc.targetXML())
	case "exec-file":
		data = []byte(s.proc.ExecFile())
	case "auxv":
		data = s.proc.Auxv()
	default:
		return ""
	}
	return xferChunk(data, off, n)
}

// xferChunk is one reply of a qXfer read: m with more to come, l for the
// last piece, binary-escaped.
func xferChunk(data []byte, off, n uint64) string {
	if off >= uint64(len(data)) {
		return "l"
	}
	rest := data[off:]
	if uint64(len(rest)) <= n {
		return "l" + string(escape(rest))
	}
	return "m" + string(escape(rest[:n]))
}
