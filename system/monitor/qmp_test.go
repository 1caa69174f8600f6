package monitor

import (
	"encoding/json"
	"strings"
	"testing"
)

// A real client over TCP: greeting, negotiation, queries, stop/cont with
// their events, errors, quit.
func TestQMPSession(t *testing.T) {
	m := newFake()
	mon := New(m)
	c := listen(t, newDevices(t), "qmp")
	if err := mon.ServeQMP(c); err != nil {
		t.Fatal(err)
	}
	q := dialQMP(t, c)
	q.expect(`{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "gemu"}, "capabilities": []}}`)

	q.send(`{"execute": "query-status", "id": 1}` + "\n")
	q.expect(`{"id": 1, "error": {"class": "CommandNotFound", "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}}`)
	q.send(`{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}` + "\n")
	q.expect(`{"error": {"class": "GenericError", "desc": "Capability 'oob' not available"}}`)
	q.send(`{"execute": "qmp_capabilities", "id": "a"}` + "\n")
	q.expect(`{"return": {}, "id": "a"}`)
	q.send(`{"execute": "qmp_capabilities"}` + "\n")
	q.expect(`{"error": {"class": "CommandNotFound", "desc": "Capabilities negotiation is already complete, command ignored"}}`)

	q.send(`{"execute": "query-status"}` + "\n")
	q.expect(`{"return": {"status": "running", "singlestep": false, "running": true}}`)

	q.send(`{"execute": "stop", "id": {"n": [1, 2]}}` + "\n")
	q.event("STOP")
	q.expect(`{"return": {}, "id": {"n": [1, 2]}}`)
	if m.Status() != "paused" {
		t.Fatalf("machine %s after stop", m.Status())
	}
	q.send(`{"execute": "stop"}` + "\n") // already paused: no event
	q.expect(`{"return": {}}`)
	q.send(`{"execute": "query-status"}` + "\n")
	q.expect(`{"return": {"status": "paused", "singlestep": false, "running": false}}`)
	q.send(`{"execute": "cont"}` + "\n")
	q.event("RESUME")
	q.expect(`{"return": {}}`)

	q.send(`{"execute": "query-cpus-fast"}` + "\n")
	q.expect(`{"return": [` +
		`{"thread-id": 1001, "props": {"core-id": 0}, "qom-path": "/machine/soc0/harts[0]", "cpu-index": 0, "target": "riscv64"}, ` +
		`{"thread-id": 1002, "props": {"core-id": 1}, "qom-path": "/machine/soc0/harts[1]", "cpu-index": 1, "target": "riscv64"}]}`)
	q.send(`{"execute": "query-version"}` + "\n")
	q.expect(`{"return": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "gemu"}}`)
	q.send(`{"execute": "query-commands"}` + "\n")
	var cmds struct{ Return []struct{ Name string } }
	if err := json.Unmarshal([]byte(q.line()), &cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds.Return {
		names = append(names, c.Name)
	}
	for _, want := range []string{"qmp_capabilities", "query-status", "stop", "cont", "quit", "human-monitor-command"} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
			t.Errorf("query-commands lacks %s: %v", want, names)
		}
	}

	q.send(`{"execute": "human-monitor-command", "arguments": {"command-line": "info status"}}` + "\n")
	q.expect(`{"return": "VM status: running\r\n"}`)
	q.send(`{"execute": "human-monitor-command", "arguments": {"command-line": "info cpus", "cpu-index": 1}}` + "\n")
	q.expect(`{"return": "  CPU #0: thread_id=1001\r\n* CPU #1: thread_id=1002\r\n"}`)
	q.send(`{"execute": "human-monitor-command", "arguments": {"command-line": "info registers"}}` + "\n")
	q.expect(`{"return": "\r\nCPU#0\r\n pc       0000000080000000\r\n mhartid  0000000000000000\r\n"}`)

	q.send(`{"execute": "system_reset"}` + "\n")
	if d := q.event("RESET"); d["guest"] != false || d["reason"] != "host-qmp-system-reset" {
		t.Errorf("RESET data %v", d)
	}
	q.expect(`{"return": {}}`)
	q.send(`{"execute": "system_powerdown"}` + "\n")
	q.event("POWERDOWN")
	q.expect(`{"return": {}}`)
	m.mu.Lock()
	if m.resets != 1 || m.powerdowns != 1 {
		t.Errorf("resets %d, powerdowns %d", m.resets, m.powerdowns)
	}
	m.mu.Unlock()

	q.send(`{"execute": "quit", "id": 99}` + "\n")
	if d := q.event("SHUTDOWN"); d["guest"] != false || d["reason"] != "host-qmp-quit" {
		t.Errorf("SHUTDOWN data %v", d)
	}
	q.expect(`{"return": {}, "id": 99}`)
	m.waitQuit(t)
}

func TestQMPErrors(t *testing.T) {
	mon := New(newFake())
	c := listen(t, newDevices(t), "qmp")
	mon.ServeQMP(c)
	q := dialQMP(t, c)
	q.negotiate()
	for _, tc := range []struct{ in, want string }{
		{`{"execute": "nope", "id": 3}`, `{"id": 3, "error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}`},
		{`[1]`, `{"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}}`},
		{`{"id": 5}`, `{"id": 5, "error": {"class": "GenericError", "desc": "QMP input lacks member 'execute'"}}`},
		{`{"execute": 1}`, `{"error": {"class": "GenericError", "desc": "QMP input member 'execute' must be a string"}}`},
		{`{"execute": "stop", "arguments": []}`, `{"error": {"class": "GenericError", "desc": "QMP input member 'arguments' must be an object"}}`},
		{`{"execute": "query-status", "foo": 1}`, `{"error": {"class": "GenericError", "desc": "QMP input member 'foo' is unexpected"}}`},
		{`{"exec-oob": "query-status"}`, `{"error": {"class": "GenericError", "desc": "QMP input member 'exec-oob' is unexpected"}}`},
		{`{"execute": "query-status", "arguments": {"x": 1}}`, `{"error": {"class": "GenericError", "desc": "Parameter 'x' is unexpected"}}`},
		{`{"execute": "human-monitor-command"}`, `{"error": {"class": "GenericError", "desc": "Parameter 'command-line' is missing"}}`},
		{`{"execute": "human-monitor-command", "arguments": {"command-line": 123}}`,
			`{"error": {"class": "GenericError", "desc": "Invalid parameter type for 'command-line', expected: string"}}`},
		{`{"execute": "human-monitor-command", "arguments": {"command-line": "info cpus", "cpu-index": 9}}`,
			`{"error": {"class": "GenericError", "desc": "Parameter 'cpu-index' expects a CPU number"}}`},
		{`{"execute": "human-monitor-command", "arguments": {"command-line": "bogus"}}`, `{"return": "unknown command: 'bogus'\r\n"}`},
		{`{"execute": "human-monitor-command", "arguments": {"command-line": "stop x"}}`,
			`{"return": "stop|s: extraneous characters at the end of line\r\nTry \"help stop\" for more information\r\n"}`},
		// qmp-spec.rst: single-quoted strings and \' are accepted.
		{`{'execute': 'query-name', 'id': 'it\'s "x"'}`, `{"return": {}, "id": "it's \"x\""}`},
		{"{\"execute\": \"query-kvm\", \"id\": \"\u00e9\"}", `{"return": {"enabled": false, "present": false}, "id": "\u00e9"}`},
	} {
		q.send(tc.in + "\n")
		q.expect(tc.want)
	}
	// A half message, then a control character: the parser starts afresh.
	q.send(`{"execute": "query-status"` + "\n\x01")
	q.expect(`{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\\u0001'"}}`)
	// Messages are not lines: one split over writes, two in one write.
	q.send(`{"execute":`)
	q.send(` "query-target"}{"execute": "query-name"}`)
	q.expect(`{"return": {"arch": "riscv64"}}`)
	q.expect(`{"return": {}}`)
	q.send("garbage\n")
	if l := q.line(); !strings.HasPrefix(l, `{"error": {"class": "GenericError", "desc": "JSON parse error, `) {
		t.Errorf("garbage: %s", l)
	}
}

// Clients over time: each gets a greeting and negotiates afresh; events
// reach every negotiated client, whichever monitor caused them.
func TestQMPClientsAndEvents(t *testing.T) {
	m := newFake()
	mon := New(m)
	d := newDevices(t)
	c := listen(t, d, "qmp")
	mon.ServeQMP(c)
	c2 := listen(t, d, "qmp2")
	mon.ServeQMP(c2)
	h := listen(t, d, "hmp")
	mon.ServeHMP(h)

	q := dialQMP(t, c)
	q.negotiate()
	q.conn.Close()
	q = dialQMP(t, c)
	q.send(`{"execute": "query-status"}` + "\n")
	q.expect(`{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "gemu"}, "capabilities": []}}`)
	q.expect(`{"error": {"class": "CommandNotFound", "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}}`)
	q.send(`{"execute": "qmp_capabilities"}` + "\n")
	q.expect(`{"return": {}}`)

	waiting := dialQMP(t, c2) // never negotiates: gets no events
	waiting.line()

	hc := dialQMP(t, h)
	readUntil(t, hc.conn, "(qemu) ")
	hc.send("stop\r\n")
	readUntil(t, hc.conn, "(qemu) ")
	q.event("STOP")
	mon.Emit("SHUTDOWN", map[string]any{"guest": true, "reason": "guest-shutdown"})
	if d := q.event("SHUTDOWN"); d["guest"] != true || d["reason"] != "guest-shutdown" {
		t.Errorf("SHUTDOWN data %v", d)
	}
	waiting.send(`{"execute": "query-status"}` + "\n")
	waiting.expect(`{"error": {"class": "CommandNotFound", "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}}`)

	mon.Shutdown("host-signal")
	if d := q.event("SHUTDOWN"); d["guest"] != false || d["reason"] != "host-signal" {
		t.Errorf("SHUTDOWN data %v", d)
	}
	m.waitQuit(t)
}
