package gdbstub

import (
	"strings"

	"github.com/gemu-project/gemu/translate"
)

// Registers, memory, breakpoints and watchpoints (GDB manual, "Packets":
// g, G, p, P, m, M, X, z, Z). Errors are Enn with an errno-like nn: 01
// malformed, 0e (EFAULT) bad memory, 16 (EINVAL) bad argument.

const (
	errMalformed = "E01"
	errFault     = "E0e"
	errInval     = "E16"
)

// registers handles g, G, p and P on the Hg thread.
func (s *Stub) registers(pkt string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.firstThread()
	th := s.regThread()
	if th == nil {
		return errInval
	}
	c, d := th.cpu, s.desc
	switch pkt[0] {
	case 'g':
		return d.readRegs(c)
	case 'G':
		if d.writeRegs(c, pkt[1:]) != nil {
			return errMalformed
		}
		return "OK"
	case 'p':
		n, err := parseNum(pkt[1:])
		if err != nil || n >= uint64(len(d.regs)) {
			return errInval
		}
		return string(appendHex(nil, d.regs[n].get(c)))
	}
	numText, val, ok := strings.Cut(pkt[1:], "=")
	n, err := parseNum(numText)
	if !ok || err != nil || n >= uint64(len(d.regs)) {
		return errInval
	}
	b, err := decodeHex(val)
	if err != nil || len(b) != d.regs[n].bits/8 {
		return errMalformed
	}
	d.regs[n].set(c, b)
	return "OK"
}

// memory handles m, M and X.
func (s *Stub) memory(pkt string) string {
	spec, payload, _ := strings.Cut(pkt[1:], ":")
	addr, n, err := parseAddrLen(spec)
	if err != nil {
		return errMalformed
	}
	if pkt[0] == 'm' {
		b := s.readMem(addr, min(n, packetSize/2))
		if len(b) == 0 && n > 0 {
			return errFault
		}
		return string(appendHex(nil, b))
	}
	var data []byte
	if pkt[0] == 'M' {
		if data, err = decodeHex(payload); err != nil {
			return errMalformed
		}
	} else {
		data = unescape([]byte(payload))
	}
	if uint64(len(data)) != n {
		return errMalformed
	}
	if n == 0 {
		return "OK" // GDB probes X support with an empty write
	}
	// WriteForce ignores the guest's write protection (GDB writes to
	// code) and drops the translations of what it changes.
	if s.engine.DebugWrite(s.memCPU(), addr, data, s.phys.Load()) != nil {
		return errFault
	}
	return "OK"
}

// readMem reads up to n bytes at addr, stopping at the first page that is
// not readable (GDB accepts a short read). In system mode addresses are
// virtual, as the register thread's hart translates them.
func (s *Stub) readMem(addr, n uint64) []byte {
	return s.engine.DebugRead(s.memCPU(), addr, n, s.phys.Load())
}

// setPhysMode is Qqemu.PhyMemMode:0 or 1 (system mode only).
func (s *Stub) setPhysMode(v string) string {
	if (v != "0" && v != "1") || !s.engine.System() {
		return errMalformed
	}
	s.phys.Store(v == "1")
	return "OK"
}

// memCPU is the CPU whose view of memory m, M and X packets use.
func (s *Stub) memCPU() *translate.CPU {
	s.mu.Lock()
	defer s.mu.Unlock()
	if th := s.regThread(); th != nil {
		return th.cpu
	}
	return nil
}

// breakpoint handles Z and z: TYPE,ADDR,KIND. Types 0 and 1 are software
// and hardware breakpoints (the same to us), 2, 3 and 4 write, read and
// access watchpoints of KIND bytes.
func (s *Stub) breakpoint(pkt string) string {
	insert := pkt[0] == 'Z'
	fields := strings.Split(strings.SplitN(pkt[1:], ";", 2)[0], ",")
	if len(fields) != 3 {
		return errMalformed
	}
	addr, err1 := parseNum(fields[1])
	kind, err2 := parseNum(fields[2])
	if err1 != nil || err2 != nil {
		return errMalformed
	}
	switch fields[0] {
	case "0", "1":
		s.setBreakpoint(addr, fields[0] == "1", insert)
		return "OK"
	case "2", "3", "4":
		return s.setWatchpoint(addr, kind, watchKinds[fields[0]], insert)
	}
	return "" // an unsupported type
}

var watchKinds = map[string]translate.WatchKind{
	"2": translate.WatchWrite, "3": translate.WatchRead, "4": translate.WatchAccess,
}

func (s *Stub) setBreakpoint(addr uint64, hw, insert bool) {
	s.mu.Lock()
	if insert && hw {
		s.hwBreaks[addr] = true
	} else {
		delete(s.hwBreaks, addr)
	}
	s.mu.Unlock()
	if insert {
		s.engine.InsertBreakpoint(addr)
	} else {
		s.engine.RemoveBreakpoint(addr)
	}
}

func (s *Stub) setWatchpoint(addr, n uint64, kind translate.WatchKind, insert bool) string {
	if s.engine.System() {
		return "" // unsupported: GDB falls back to software watchpoints
	}
	if !insert {
		s.engine.RemoveWatchpoint(addr, n, kind)
		return "OK"
	}
	if err := s.engine.InsertWatchpoint(addr, n, kind); err != nil {
		return errFault
	}
	return "OK"
}
