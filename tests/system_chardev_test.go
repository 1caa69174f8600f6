package tests

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// Full-system mode's character devices and monitor (issue #19): the
// console on a TCP listener (twice on one port: the second run binds
// while the first one's connection sits in TIME_WAIT) and on a listening
// socket handed in as a descriptor, and QMP spoken by a JSON client.

// startSystem starts gemu system riscv64 with args and extra files (fd 3
// on); the test waits for it with wait.
func startSystem(t *testing.T, ctx context.Context, args []string, files ...*os.File) (cmd *exec.Cmd, out *strings.Builder) {
	t.Helper()
	cmd = exec.CommandContext(ctx, gemuBin(t), args...)
	cmd.Env = baseEnv(t.TempDir())
	cmd.ExtraFiles = files
	out = &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}

// dialRetry connects to addr, retrying while the listener comes up.
func dialRetry(t *testing.T, addr string) net.Conn {
	t.Helper()
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			return c
		}
		if i == 100 {
			t.Fatalf("connect %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// readConsole reads the console from c until the guest powers off.
func readConsole(t *testing.T, c net.Conn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(systemBootTimeout))
	b, _ := io.ReadAll(c)
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

func waitExit(t *testing.T, cmd *exec.Cmd, out *strings.Builder) {
	t.Helper()
	if err := cmd.Wait(); err != nil {
		t.Errorf("gemu: %v\n%s", err, tail(out.String()))
	}
}

func TestSystemSerialTCP(t *testing.T) {
	dir := systemImage(t)
	port := freeTCPPort(t)
	for run := 1; run <= 2; run++ {
		ctx, cancel := context.WithTimeout(context.Background(), systemBootTimeout)
		args := append(systemArgs(dir, ""), "-serial", fmt.Sprintf("tcp:127.0.0.1:%d,server=on,wait=on", port))
		cmd, out := startSystem(t, ctx, args)
		c := dialRetry(t, fmt.Sprintf("127.0.0.1:%d", port))
		console := readConsole(t, c)
		c.Close()
		waitExit(t, cmd, out)
		cancel()
		if !strings.Contains(console, "\n"+bootMarker+"\n") {
			t.Errorf("run %d: the TCP console lacks the marker:\n%s", run, tail(console))
		}
		if strings.Contains(out.String(), bootMarker) {
			t.Errorf("run %d: the console went to stdout too", run)
		}
	}
}

func TestSystemSerialFD(t *testing.T) {
	dir := systemImage(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // the child holds the socket through f
	ctx, cancel := context.WithTimeout(context.Background(), systemBootTimeout)
	defer cancel()
	args := append(systemArgs(dir, ""), "-chardev", "socket,id=con0,fd=3,server=on,wait=on", "-serial", "chardev:con0")
	cmd, out := startSystem(t, ctx, args, f)
	f.Close()
	c := dialRetry(t, addr)
	console := readConsole(t, c)
	c.Close()
	waitExit(t, cmd, out)
	if !strings.Contains(console, "\n"+bootMarker+"\n") {
		t.Errorf("the console on the handed-in socket lacks the marker:\n%s", tail(console))
	}
}

// qmpClient speaks QMP (docs/interop/qmp-spec.rst) line by line.
type qmpClient struct {
	t  *testing.T
	c  net.Conn
	rd *bufio.Reader
}

// next reads one message.
func (q *qmpClient) next() map[string]any {
	q.t.Helper()
	q.c.SetReadDeadline(time.Now().Add(30 * time.Second))
	line, err := q.rd.ReadBytes('\n')
	if err != nil {
		q.t.Fatalf("qmp: read: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(line, &m); err != nil {
		q.t.Fatalf("qmp: %q: %v", line, err)
	}
	return m
}

// cmd sends a command and returns its return value, collecting the
// events that come before it.
func (q *qmpClient) cmd(name string, args map[string]any) (ret any, events []string) {
	q.t.Helper()
	msg := map[string]any{"execute": name, "id": name}
	if args != nil {
		msg["arguments"] = args
	}
	b, _ := json.Marshal(msg)
	if _, err := q.c.Write(append(b, '\n')); err != nil {
		q.t.Fatal(err)
	}
	for {
		m := q.next()
		if ev, ok := m["event"].(string); ok {
			events = append(events, ev)
			continue
		}
		if e, ok := m["error"]; ok {
			q.t.Fatalf("qmp %s: error %v", name, e)
		}
		if m["id"] != name {
			q.t.Fatalf("qmp %s: reply %v", name, m)
		}
		return m["return"], events
	}
}

func TestSystemQMP(t *testing.T) {
	dir := systemImage(t)
	port := freeTCPPort(t)
	ctx, cancel := context.WithTimeout(context.Background(), systemBootTimeout)
	defer cancel()
	// gemutest=shell: the guest waits on its console until QMP ends it.
	args := append(systemArgs(dir, "shell"), "-qmp", fmt.Sprintf("tcp:127.0.0.1:%d,server=on,wait=off", port),
		"-serial", "null")
	cmd, out := startSystem(t, ctx, args)
	c := dialRetry(t, fmt.Sprintf("127.0.0.1:%d", port))
	defer c.Close()
	q := &qmpClient{t: t, c: c, rd: bufio.NewReader(c)}
	if g := q.next(); g["QMP"] == nil {
		t.Fatalf("greeting %v", g)
	}
	q.cmd("qmp_capabilities", nil)
	status := func() string {
		r, _ := q.cmd("query-status", nil)
		return r.(map[string]any)["status"].(string)
	}
	if s := status(); s != "running" {
		t.Errorf("status %q, want running", s)
	}
	if _, ev := q.cmd("stop", nil); !slices.Contains(ev, "STOP") {
		t.Errorf("stop: events %v, want STOP", ev)
	}
	if s := status(); s != "paused" {
		t.Errorf("after stop: status %q, want paused", s)
	}
	r, _ := q.cmd("query-cpus-fast", nil)
	if cpus, _ := r.([]any); len(cpus) != 1 {
		t.Errorf("query-cpus-fast: %v, want one CPU", r)
	}
	r, _ = q.cmd("human-monitor-command", map[string]any{"command-line": "info registers"})
	if s, _ := r.(string); !strings.Contains(s, "mstatus") || !strings.Contains(s, "x2/sp") {
		t.Errorf("info registers: %q", r)
	}
	if _, ev := q.cmd("cont", nil); !slices.Contains(ev, "RESUME") {
		t.Errorf("cont: events %v, want RESUME", ev)
	}
	if s := status(); s != "running" {
		t.Errorf("after cont: status %q, want running", s)
	}
	q.cmd("quit", nil)
	waitExit(t, cmd, out)
	if cmd.ProcessState.ExitCode() != 0 {
		t.Errorf("exit status %d after quit, want 0", cmd.ProcessState.ExitCode())
	}
}

// TestSystemVirtconsole: a virtio console (-device virtconsole) on a TCP
// chardev: the guest writes a line to /dev/hvc0 and reads one back.
func TestSystemVirtconsole(t *testing.T) {
	dir := systemImage(t)
	port := freeTCPPort(t)
	ctx, cancel := context.WithTimeout(context.Background(), systemBootTimeout)
	defer cancel()
	args := append(systemArgs(dir, "hvc"),
		"-chardev", fmt.Sprintf("socket,id=vc,host=127.0.0.1,port=%d,server=on,wait=off", port),
		"-device", "virtio-serial-device", "-device", "virtconsole,chardev=vc")
	cmd, out := startSystem(t, ctx, args)
	c := dialRetry(t, fmt.Sprintf("127.0.0.1:%d", port))
	defer c.Close()
	rd := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(systemBootTimeout))
	line, err := rd.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "GEMU-HVC-OK" {
		t.Fatalf("hvc0: read %q, %v", line, err)
	}
	fmt.Fprintf(c, "hello-from-host\n")
	waitExit(t, cmd, out)
	if !strings.Contains(out.String(), "HVC-IN: hello-from-host") {
		t.Errorf("the guest did not read the host's line:\n%s", tail(out.String()))
	}
}
