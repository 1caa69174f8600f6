package chardev

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// muxOnStdio opens -serial mon:stdio over a pipe: the serial console's
// Stream first (it has the focus), then the monitor's recorder.
func muxOnStdio(t *testing.T) (keys io.Writer, out *output, serial *Stream, mon *recorder, m *Mux) {
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	out, stdout := newOutput(t)
	d := newDevices(t)
	d.Stdin, d.Stdout = pr, stdout
	c, err := d.OpenShorthand(mustShorthand(t, "-serial", "mon:stdio"), "serial0")
	if err != nil {
		t.Fatal(err)
	}
	if serial, err = NewStream(c.Port()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serial.Close() })
	mon = attach(t, c.Port())
	return pw, out, serial, mon, c.Mux()
}

func readStream(t *testing.T, s *Stream, want string) {
	t.Helper()
	buf := make([]byte, len(want))
	done := make(chan error, 1)
	go func() { _, err := io.ReadFull(s, buf); done <- err }()
	select {
	case err := <-done:
		if err != nil || string(buf) != want {
			t.Fatalf("serial read %q, %v; want %q", buf, err, want)
		}
	case <-time.After(waitLong):
		t.Fatalf("serial never got %q", want)
	}
}

func TestMuxEscapes(t *testing.T) {
	keys, out, serial, mon, m := muxOnStdio(t)
	var quits atomic.Int32
	m.OnQuit(func() { quits.Add(1) })

	keys.Write([]byte("ls\r"))
	readStream(t, serial, "ls\r")
	mon.noEvent(t) // the monitor has not had the focus yet

	keys.Write([]byte("\x01c"))
	mon.waitEvent(t, EventOpened) // first focus: banner time
	keys.Write([]byte("info status\r"))
	mon.waitInput(t, "info status\r")

	keys.Write([]byte("\x01c"))
	mon.waitEvent(t, EventMuxOut)
	keys.Write([]byte("a\x01\x01b"))
	readStream(t, serial, "a\x01b")

	keys.Write([]byte("\x01c"))
	mon.waitEvent(t, EventMuxIn)
	keys.Write([]byte("\x01b"))
	mon.waitEvent(t, EventBreak)
	keys.Write([]byte("\x01z")) // unknown: swallowed
	keys.Write([]byte("q"))
	mon.waitInput(t, "q")

	keys.Write([]byte("\x01h"))
	out.waitFor(t, "C-a x    exit emulator\r\n")
	out.waitFor(t, "C-a C-a  sends C-a\r\n")

	// Both frontends' output goes out whoever has the focus.
	serial.Write([]byte("guest says hi\n"))
	out.waitFor(t, "guest says hi\n")

	keys.Write([]byte("\x01x"))
	out.waitFor(t, "QEMU: Terminated\r\n")
	deadline := time.Now().Add(waitLong)
	for quits.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("C-a x did not quit")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if m.Focus() != 1 {
		t.Errorf("focus %d, want the monitor (1)", m.Focus())
	}
}

func TestMuxTimestampsAndEscapeKey(t *testing.T) {
	keys, out, serial, _, m := muxOnStdio(t)
	keys.Write([]byte("\x01t"))
	time.Sleep(20 * time.Millisecond) // the toggle is read before the writes below
	serial.Write([]byte("one\ntwo\n"))
	out.waitFor(t, "one\n[00:00:00.")
	if !strings.Contains(out.String(), "] two\n") {
		t.Errorf("output %q has no stamp before two", out.String())
	}
	m.SetEscape(0x02) // -echr 2: Ctrl-B
	keys.Write([]byte("\x01\x02h"))
	readStream(t, serial, "\x01")
	out.waitFor(t, "C-b h    print this help")
}

func TestStdioFileAndPipe(t *testing.T) {
	dir := t.TempDir()
	d := newDevices(t)
	out, stdout := newOutput(t)
	d.Stdin, d.Stdout = strings.NewReader("typed"), stdout
	st := openChardev(t, d, "stdio,id=con")
	rec := attach(t, st)
	rec.waitEvent(t, EventOpened)
	rec.waitInput(t, "typed")
	st.Write([]byte("printed"))
	out.waitFor(t, "printed")

	log := filepath.Join(dir, "serial.log")
	os.WriteFile(log, []byte("old\n"), 0o644)
	f := openChardev(t, d, "file,id=log,path="+log)
	f.Write([]byte("new\n"))
	f.Close()
	a := openChardev(t, d, "file,id=log2,append=on,path="+log)
	a.Write([]byte("more\n"))
	a.Close()
	if b, _ := os.ReadFile(log); string(b) != "new\nmore\n" {
		t.Errorf("file has %q", b)
	}

	// path=/dev/fdset/N takes a descriptor of the right access mode.
	fd, err := unix.Open(filepath.Join(dir, "fdset.log"), unix.O_WRONLY|unix.O_CREAT|unix.O_CLOEXEC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.FDSets.Add(AddFD{FD: fd, Set: 3, Opaque: "log"}); err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	fs := openChardev(t, d, "file,id=viaset,path=/dev/fdset/3")
	fs.Write([]byte("through the set\n"))
	fs.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, "fdset.log")); string(b) != "through the set\n" {
		t.Errorf("fd set file has %q", b)
	}
	sp, _ := ParseChardev("file,id=noset,path=/dev/fdset/9")
	if _, err := d.Open(sp); err == nil || !strings.Contains(err.Error(), "no such fd set") {
		t.Errorf("missing set: %v", err)
	}

	// pipe: PATH.in and PATH.out.
	base := filepath.Join(dir, "guest")
	for _, s := range []string{".in", ".out"} {
		if err := unix.Mkfifo(base+s, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := openChardev(t, d, "pipe,id=p,path="+base)
	prec := attach(t, p)
	prec.waitEvent(t, EventOpened)
	in, err := os.OpenFile(base+".in", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	in.Write([]byte("to guest"))
	prec.waitInput(t, "to guest")
	outp, err := os.OpenFile(base+".out", os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer outp.Close()
	p.Write([]byte("from guest"))
	buf := make([]byte, 10)
	if _, err := io.ReadFull(outp, buf); err != nil || string(buf) != "from guest" {
		t.Errorf("pipe out: %q, %v", buf, err)
	}

	n := openChardev(t, d, "null,id=n")
	if _, err := n.Write([]byte("dropped")); err != nil {
		t.Error(err)
	}
}
