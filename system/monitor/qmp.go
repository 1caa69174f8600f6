package monitor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/gemu-project/gemu/system/chardev"
)

// QMP error classes (qapi/error.json).
const (
	GenericError    = "GenericError"
	CommandNotFound = "CommandNotFound"
)

// qmpError is a command's failure.
type qmpError struct{ class, desc string }

func generic(format string, args ...any) *qmpError {
	return &qmpError{GenericError, fmt.Sprintf(format, args...)}
}

// qmpSession is QMP on one chardev; each client that connects starts in
// capabilities negotiation mode (qmp-spec.rst).
type qmpSession struct {
	mon  *Monitor
	port chardev.Port

	wmu        sync.Mutex // one message at a time
	live       bool       // events go out: negotiated, and the client still there (wmu)
	split      splitter
	negotiated bool // only touched from the chardev's goroutine
}

func (s *qmpSession) write(b []byte) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.port.Write(b)
}

// writeEvent sends an event unless the client has gone or has not
// negotiated yet (qmp-spec.rst: no events in negotiation mode).
func (s *qmpSession) writeEvent(b []byte) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.live {
		s.port.Write(b)
	}
}

func (s *qmpSession) setLive(on bool) {
	s.wmu.Lock()
	s.live = on
	s.wmu.Unlock()
	s.mon.subscribe(s, on)
}

func (s *qmpSession) send(msg obj) {
	var b bytes.Buffer
	encode(&b, msg)
	b.WriteString("\r\n") // qmp-spec.rst: every message ends with CRLF
	s.write(b.Bytes())
}

func (s *qmpSession) event(e chardev.Event) {
	switch e {
	case chardev.EventOpened:
		s.split.reset()
		s.negotiated = false
		s.setLive(false)
		s.send(obj{{"QMP", obj{{"version", s.mon.version.obj()}, {"capabilities", []any{}}}}})
	case chardev.EventClosed:
		s.negotiated = false
		s.setLive(false)
	}
}

func (s *qmpSession) input(p []byte) {
	s.split.feed(p, s.handle, func(desc string) {
		s.reply(nil, false, nil, generic("%s", desc))
	})
}

// reply answers a command: {"return": ..., "id": ...} or
// {"id": ..., "error": {"class": ..., "desc": ...}}, key order as QEMU's.
func (s *qmpSession) reply(id any, hasID bool, ret any, err *qmpError) {
	var msg obj
	if err != nil {
		if hasID {
			msg = append(msg, member{"id", id})
		}
		msg = append(msg, member{"error", obj{{"class", err.class}, {"desc", err.desc}}})
	} else {
		msg = obj{{"return", ret}}
		if hasID {
			msg = append(msg, member{"id", id})
		}
	}
	s.send(msg)
}

// handle runs one message from the client.
func (s *qmpSession) handle(m []byte) {
	v, err := decode(m)
	if err != nil {
		s.reply(nil, false, nil, generic("JSON parse error, %v", err))
		return
	}
	req, ok := v.(map[string]any)
	if !ok {
		s.reply(nil, false, nil, generic("QMP input must be a JSON object"))
		return
	}
	id, hasID := req["id"]
	name, args, qerr := checkRequest(req)
	var cmd *qmpCommand
	if qerr == nil {
		cmd, qerr = s.lookup(name)
	}
	if qerr == nil {
		qerr = cmd.check(args)
	}
	if qerr != nil {
		s.reply(id, hasID, nil, qerr)
		return
	}
	ret, after, qerr := cmd.run(s, args)
	if ret == nil {
		ret = obj{}
	}
	s.reply(id, hasID, ret, qerr)
	if after != nil {
		after()
	}
}

// checkRequest validates the members of a command message.
func checkRequest(req map[string]any) (string, map[string]any, *qmpError) {
	for k := range req {
		if k != "execute" && k != "arguments" && k != "id" {
			// exec-oob too: this server does not offer the oob capability.
			return "", nil, generic("QMP input member '%s' is unexpected", k)
		}
	}
	ex, ok := req["execute"]
	if !ok {
		return "", nil, generic("QMP input lacks member 'execute'")
	}
	name, ok := ex.(string)
	if !ok {
		return "", nil, generic("QMP input member 'execute' must be a string")
	}
	args := map[string]any{}
	if a, ok := req["arguments"]; ok {
		if args, ok = a.(map[string]any); !ok {
			return "", nil, generic("QMP input member 'arguments' must be an object")
		}
	}
	return name, args, nil
}

// lookup finds a command, allowing only qmp_capabilities before
// negotiation and not after (qmp-spec.rst, Capabilities Negotiation).
func (s *qmpSession) lookup(name string) (*qmpCommand, *qmpError) {
	switch {
	case !s.negotiated && name != "qmp_capabilities":
		return nil, &qmpError{CommandNotFound, "Expecting capabilities negotiation with 'qmp_capabilities'"}
	case s.negotiated && name == "qmp_capabilities":
		return nil, &qmpError{CommandNotFound, "Capabilities negotiation is already complete, command ignored"}
	}
	for i := range qmpCommands {
		if qmpCommands[i].name == name {
			return &qmpCommands[i], nil
		}
	}
	return nil, &qmpError{CommandNotFound, fmt.Sprintf("The command %s has not been found", name)}
}

// Argument kinds, named as QEMU's type errors name them.
const (
	argString  = "string"
	argInt     = "integer"
	argBool    = "boolean"
	argStrings = "array"
)

type argSpec struct {
	name     string
	kind     string
	optional bool
}

type qmpCommand struct {
	name string
	args []argSpec
	// run executes the command; after, if not nil, runs once the reply
	// has gone out (quit).
	run func(s *qmpSession, args map[string]any) (ret any, after func(), err *qmpError)
}

// check applies the schema: no unknown members, required ones present,
// each of its type (qmp-spec.rst: errors come before any side effect).
func (c *qmpCommand) check(args map[string]any) *qmpError {
	for k := range args {
		if c.arg(k) == nil {
			return generic("Parameter '%s' is unexpected", k)
		}
	}
	for _, a := range c.args {
		v, ok := args[a.name]
		if !ok {
			if !a.optional {
				return generic("Parameter '%s' is missing", a.name)
			}
			continue
		}
		if !hasKind(v, a.kind) {
			return generic("Invalid parameter type for '%s', expected: %s", a.name, a.kind)
		}
	}
	return nil
}

func (c *qmpCommand) arg(name string) *argSpec {
	for i := range c.args {
		if c.args[i].name == name {
			return &c.args[i]
		}
	}
	return nil
}

func hasKind(v any, kind string) bool {
	switch kind {
	case argString:
		_, ok := v.(string)
		return ok
	case argBool:
		_, ok := v.(bool)
		return ok
	case argInt:
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	case argStrings:
		a, ok := v.([]any)
		for _, e := range a {
			if _, s := e.(string); !s {
				return false
			}
		}
		return ok
	}
	return false
}

func noResult(f func(mon *Monitor)) func(*qmpSession, map[string]any) (any, func(), *qmpError) {
	return func(s *qmpSession, _ map[string]any) (any, func(), *qmpError) {
		f(s.mon)
		return nil, nil, nil
	}
}

// qmpCommands is the command table (qapi/*.json for names, arguments and
// results).
var qmpCommands []qmpCommand

func init() {
	qmpCommands = []qmpCommand{
		{name: "qmp_capabilities", args: []argSpec{{"enable", argStrings, true}}, run: qmpCapabilities},
		{name: "query-status", run: func(s *qmpSession, _ map[string]any) (any, func(), *qmpError) {
			return s.mon.status(), nil, nil
		}},
		{name: "query-cpus-fast", run: queryCPUsFast},
		{name: "query-version", run: func(s *qmpSession, _ map[string]any) (any, func(), *qmpError) {
			return s.mon.version.obj(), nil, nil
		}},
		{name: "query-commands", run: queryCommands},
		{name: "query-name", run: func(*qmpSession, map[string]any) (any, func(), *qmpError) { return obj{}, nil, nil }},
		{name: "query-kvm", run: func(*qmpSession, map[string]any) (any, func(), *qmpError) {
			return obj{{"enabled", false}, {"present", false}}, nil, nil
		}},
		{name: "query-target", run: queryTarget},
		{name: "stop", run: noResult((*Monitor).stop)},
		{name: "cont", run: func(s *qmpSession, _ map[string]any) (any, func(), *qmpError) {
			if err := s.mon.cont(); err != nil {
				return nil, nil, generic("%v", err)
			}
			return nil, nil, nil
		}},
		{name: "system_reset", run: noResult((*Monitor).reset)},
		{name: "system_powerdown", run: noResult((*Monitor).powerdown)},
		{name: "quit", run: func(s *qmpSession, _ map[string]any) (any, func(), *qmpError) {
			s.mon.quitEvent()
			return nil, s.mon.m.Quit, nil
		}},
		{name: "human-monitor-command", args: []argSpec{{"command-line", argString, false}, {"cpu-index", argInt, true}},
			run: humanMonitorCommand},
	}
}

func qmpCapabilities(s *qmpSession, args map[string]any) (any, func(), *qmpError) {
	if caps, ok := args["enable"].([]any); ok && len(caps) > 0 {
		return nil, nil, generic("Capability '%s' not available", caps[0])
	}
	s.negotiated = true
	s.setLive(true)
	return nil, nil, nil
}

func queryCPUsFast(s *qmpSession, _ map[string]any) (any, func(), *qmpError) {
	list := []any{}
	for _, c := range s.mon.m.CPUs() {
		list = append(list, obj{
			{"thread-id", c.ThreadID},
			{"props", obj{{"core-id", c.Index}}},
			{"qom-path", fmt.Sprintf("/machine/soc0/harts[%d]", c.Index)},
			{"cpu-index", c.Index},
			{"target", c.Target},
		})
	}
	return list, nil, nil
}

func queryTarget(s *qmpSession, _ map[string]any) (any, func(), *qmpError) {
	arch := "riscv64"
	if cpus := s.mon.m.CPUs(); len(cpus) > 0 && cpus[0].Target != "" {
		arch = cpus[0].Target
	}
	return obj{{"arch", arch}}, nil, nil
}

func queryCommands(*qmpSession, map[string]any) (any, func(), *qmpError) {
	list := make([]any, len(qmpCommands))
	for i, c := range qmpCommands {
		list[i] = obj{{"name", c.name}}
	}
	return list, nil, nil
}

// humanMonitorCommand runs one HMP line and returns its output, CRLF line
// ends included, as QEMU's human-monitor-command does.
func humanMonitorCommand(s *qmpSession, args map[string]any) (any, func(), *qmpError) {
	line := args["command-line"].(string)
	cpu := 0
	if n, ok := args["cpu-index"].(json.Number); ok {
		i, _ := n.Int64()
		if i < 0 || int(i) >= len(s.mon.m.CPUs()) {
			return nil, nil, generic("Parameter 'cpu-index' expects a CPU number")
		}
		cpu = int(i)
	}
	h := &hmpContext{mon: s.mon, cpu: cpu}
	out, after := h.run(line)
	return crlf(out), after, nil
}
