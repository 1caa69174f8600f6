package monitor

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/gemu-project/gemu/system/chardev"
)

const banner = "QEMU 7.2.0 monitor - type 'help' for more information\r\n(qemu) "

// hmp sends a line and returns what came back up to the next prompt,
// echo included.
func hmp(t *testing.T, q *qmpClient, line string) string {
	t.Helper()
	q.send(line + "\r\n")
	return readUntil(t, q.conn, "(qemu) ")
}

func TestHMPSession(t *testing.T) {
	m := newFake()
	mon := New(m)
	c := listen(t, newDevices(t), "hmp")
	if err := mon.ServeHMP(c); err != nil {
		t.Fatal(err)
	}
	q := dialQMP(t, c)
	if got := readUntil(t, q.conn, "(qemu) "); got != banner {
		t.Fatalf("banner %q", got)
	}
	for _, tc := range []struct{ line, want string }{
		{"info status", "info status\r\nVM status: running\r\n(qemu) "},
		{"stop", "stop\r\n(qemu) "},
		{"info status", "info status\r\nVM status: paused\r\n(qemu) "},
		{"c", "c\r\n(qemu) "},
		{"info status", "info status\r\nVM status: running\r\n(qemu) "},
		{"info registers", "info registers\r\n\r\nCPU#0\r\n pc       0000000080000000\r\n mhartid  0000000000000000\r\n(qemu) "},
		{"cpu 1", "cpu 1\r\n(qemu) "},
		{"info cpus", "info cpus\r\n  CPU #0: thread_id=1001\r\n* CPU #1: thread_id=1002\r\n(qemu) "},
		{"info registers", "info registers\r\n\r\nCPU#1\r\n pc       0000000080000004\r\n mhartid  0000000000000001\r\n(qemu) "},
		{"cpu 5", "cpu 5\r\ninvalid CPU index\r\n(qemu) "},
		{"cpu", "cpu\r\nunexpected end of expression\r\nTry \"help cpu\" for more information\r\n(qemu) "},
		{"bogus", "bogus\r\nunknown command: 'bogus'\r\n(qemu) "},
		{"info bogus", "info bogus\r\nunknown command: 'info bogus'\r\n(qemu) "},
		{"help stop", "help stop\r\nstop|s  -- stop emulation\r\n(qemu) "},
		{"", "\r\n(qemu) "},
		{"system_reset", "system_reset\r\n(qemu) "},
		{"system_powerdown", "system_powerdown\r\n(qemu) "},
	} {
		if got := hmp(t, q, tc.line); got != tc.want {
			t.Errorf("%q:\n got  %q\n want %q", tc.line, got, tc.want)
		}
	}
	for _, want := range []string{"cont|c  -- resume emulation", "quit|q  -- quit the emulator", "info [subcommand] -- "} {
		if got := hmp(t, q, "help"); !strings.Contains(got, want+"") {
			t.Errorf("help lacks %q:\n%s", want, got)
		}
	}
	if got := hmp(t, q, "info"); !strings.Contains(got, "info registers [-a] -- show the cpu registers") {
		t.Errorf("info: %q", got)
	}
	if got := hmp(t, q, "info registers -a"); !strings.Contains(got, "CPU#0") || !strings.Contains(got, "CPU#1") {
		t.Errorf("info registers -a: %q", got)
	}

	// Line editing: backspace, Ctrl-U, an arrow key, history.
	if got := hmp(t, q, "info statx\x7fus"); !strings.HasSuffix(got, "\b \bus\r\nVM status: running\r\n(qemu) ") {
		t.Errorf("backspace: %q", got)
	}
	if got := hmp(t, q, "garbage\x15info status\x1b[C"); !strings.Contains(got, "VM status: running") {
		t.Errorf("Ctrl-U: %q", got)
	}
	q.send("\x1b[A")
	if got := readUntil(t, q.conn, "\x1b[K"); got != "\r(qemu) info status\x1b[K" {
		t.Errorf("history: %q", got)
	}
	if got := hmp(t, q, ""); !strings.Contains(got, "VM status: running") {
		t.Errorf("history line: %q", got)
	}

	// A new client gets the banner again.
	q.conn.Close()
	q = dialQMP(t, c)
	if got := readUntil(t, q.conn, "(qemu) "); got != banner {
		t.Fatalf("second banner %q", got)
	}
	q.send("q\n")
	m.waitQuit(t)
	if got := readUntil(t, q.conn, "\r\n"); got != "q\r\n" {
		t.Errorf("quit printed %q", got)
	}
}

// -serial mon:stdio: the console has the focus; C-a c brings up the
// monitor, its banner the first time.
func TestHMPBehindMux(t *testing.T) {
	m := newFake()
	mon := New(m)
	pr, pw := io.Pipe()
	defer pw.Close()
	out, stdout, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	defer stdout.Close()
	d := newDevices(t)
	d.Stdin, d.Stdout = pr, stdout
	sp, err := chardev.ParseShorthand("-serial", "mon:stdio")
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.OpenShorthand(sp, "serial0")
	if err != nil {
		t.Fatal(err)
	}
	serial, err := chardev.NewStream(c.Port())
	if err != nil {
		t.Fatal(err)
	}
	defer serial.Close()
	if err := mon.ServeHMP(c.Port()); err != nil {
		t.Fatal(err)
	}
	c.Mux().OnQuit(m.Quit)
	go io.Copy(io.Discard, serial)

	serial.Write([]byte("login: "))
	readUntil(t, out, "login: ")
	pw.Write([]byte("\x01c"))
	readUntil(t, out, banner)
	pw.Write([]byte("info status\r"))
	readUntil(t, out, "info status\r\nVM status: running\r\n(qemu) ")
	pw.Write([]byte("\x01c"))
	readUntil(t, out, "\r\n")
	pw.Write([]byte("\x01c"))
	readUntil(t, out, "(qemu) ")
	pw.Write([]byte("\x01x"))
	readUntil(t, out, "QEMU: Terminated\r\n")
	m.waitQuit(t)
}
