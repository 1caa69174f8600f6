package gdbstub

import (
	"bufio"
	"encoding/binary"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gemu-project/gemu/debugapi"
	"github.com/gemu-project/gemu/internal/testenv"
	"github.com/gemu-project/gemu/targets"
	_ "github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
)

// A session over a pipe with two guest threads on a real engine, each in
// a loop incrementing a register; the threads run as linuxuser's loop
// does (Enter, Run, Leave, Trap).

const (
	loopA = 0x10000 // addi a0,a0,1; j loopA
	loopB = 0x10008 // addi a1,a1,1; j loopB
)

type client struct {
	t  *testing.T
	c  net.Conn
	r  *bufio.Reader
	ok bool // acks still on
}

func (cl *client) send(pkt string) {
	cl.t.Helper()
	cl.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := cl.c.Write(frame([]byte(pkt))); err != nil {
		cl.t.Fatal(err)
	}
	if cl.ok {
		if it, err := readItem(cl.r); err != nil || !it.ack {
			cl.t.Fatalf("%s: no ack: %+v %v", pkt, it, err)
		}
	}
}

func (cl *client) reply() string {
	cl.t.Helper()
	cl.c.SetDeadline(time.Now().Add(10 * time.Second))
	it, err := readItem(cl.r)
	for err == nil && it.ack {
		it, err = readItem(cl.r) // a stray + is allowed
	}
	if err != nil || it.data == nil {
		cl.t.Fatalf("no reply: %+v %v", it, err)
	}
	if cl.ok {
		cl.c.Write([]byte{'+'})
	}
	return string(it.data)
}

func (cl *client) ask(pkt, want string) string {
	cl.t.Helper()
	cl.send(pkt)
	got := cl.reply()
	if want != "*" && got != want {
		cl.t.Fatalf("%s: got %q, want %q", pkt, got, want)
	}
	return got
}

// expect reads a stop reply.
func (cl *client) expect(want string) {
	cl.t.Helper()
	if got := cl.reply(); got != want {
		cl.t.Fatalf("got %q, want %q", got, want)
	}
}

// reg reads a 64-bit register of thread tid.
func (cl *client) reg(tid string, num string) uint64 {
	cl.t.Helper()
	cl.ask("Hg"+tid, "OK")
	b, err := decodeHex(cl.ask("p"+num, "*"))
	if err != nil || len(b) != 8 {
		cl.t.Fatalf("p%s: %x %v", num, b, err)
	}
	return binary.LittleEndian.Uint64(b)
}

func startSession(t *testing.T) (*Stub, *client, func()) {
	arch, err := targets.ByName("riscv64")
	if err != nil {
		t.Fatal(err)
	}
	sb := testenv.NewSandbox(t, arch, 0x10000, 0x20000, 0x1000, 0x80000)
	code := []uint32{0x00150513, 0xffdff06f, 0x00158593, 0xffdff06f}
	buf := make([]byte, 4*len(code))
	for i, w := range code {
		binary.LittleEndian.PutUint32(buf[4*i:], w)
	}
	if err := sb.AS.WriteForce(0x10000, buf); err != nil {
		t.Fatal(err)
	}
	s := New(nil, nil)
	s.engine, s.desc = sb.E, riscv64Desc()
	s.engine.StartDebug()
	var quit atomic.Bool
	var wg sync.WaitGroup
	var cpus []*translate.CPU
	for i, pc := range []uint64{loopA, loopB} {
		cpu := sb.E.NewCPU()
		cpus = append(cpus, cpu)
		cpu.PC = pc
		th := s.ThreadStarted(i+1, cpu)
		wg.Add(1)
		go func() {
			defer wg.Done()
			runGuestThread(th, sb.E, cpu, &quit)
		}()
	}
	s.last = &stopEvent{kind: evStart, tid: 1}
	here, there := net.Pipe()
	s.conn = newConn(here, s.logf)
	go s.serve()
	cl := &client{t: t, c: there, r: bufio.NewReader(there), ok: true}
	stop := func() {
		quit.Store(true)
		s.detach()
		there.Close()
		for _, c := range cpus {
			c.RequestExit()
		}
		wg.Wait()
	}
	return s, cl, stop
}

func runGuestThread(th debugapi.Thread, e *translate.Engine, c *translate.CPU, quit *atomic.Bool) {
	defer th.Exited()
	for !quit.Load() {
		th.Enter()
		k := e.Run(c)
		th.Leave()
		if k == translate.ExitDebug {
			th.Trap()
		}
	}
}

func TestSessionAllStop(t *testing.T) {
	s, cl, stop := startSession(t)
	defer stop()
	if got := cl.ask("qSupported:swbreak+", "*"); !strings.Contains(got, "QStartNoAckMode+") {
		t.Fatal(got)
	}
	cl.ask("QStartNoAckMode", "OK")
	cl.ok = false
	cl.ask("?", "T05thread:1;")
	cl.ask("qfThreadInfo", "m1,2")
	cl.ask("vCont?", "vCont;c;C;s;S")

	// A breakpoint in thread 1's loop: the stop names thread 1 and thread
	// 2 is held too.
	cl.ask("Z0,10004,4", "OK")
	cl.send("vCont;c")
	cl.expect("T05thread:1;swbreak:;")
	if pc := cl.reg("1", "20"); pc != loopA+4 {
		t.Fatalf("thread 1 pc %#x", pc)
	}
	a1 := cl.reg("2", "b")
	time.Sleep(20 * time.Millisecond)
	if again := cl.reg("2", "b"); again != a1 {
		t.Fatalf("thread 2 ran while stopped: a1 %d -> %d", a1, again)
	}
	s.mu.Lock()
	for _, th := range s.threads {
		if th.inGuest {
			t.Errorf("thread %d still in guest code", th.tid)
		}
	}
	s.mu.Unlock()

	// Step thread 1 alone (as GDB steps over a breakpoint).
	a0 := cl.reg("1", "a")
	cl.ask("z0,10004,4", "OK")
	cl.send("vCont;s:1")
	cl.expect("T05thread:1;")
	if pc := cl.reg("1", "20"); pc != loopA {
		t.Fatalf("after step pc %#x", pc)
	}
	if cl.reg("2", "b") != a1 || cl.reg("1", "a") != a0 {
		t.Fatal("a step ran more than one instruction of one thread")
	}

	// Run freely, then interrupt.
	cl.send("vCont;c")
	time.Sleep(20 * time.Millisecond)
	cl.c.Write([]byte{interruptByte})
	if got := cl.reply(); !strings.HasPrefix(got, "T02thread:") {
		t.Fatalf("interrupt: %s", got)
	}
	if cl.reg("2", "b") == a1 {
		t.Fatal("thread 2 did not run after the continue")
	}

	// Memory and breakpoints by PC write: c with an address.
	cl.ask("m10000,8", "130515006ff0dfff")
	cl.ask("m7fff0000,4", errFault)
	cl.ask("D", "OK")
}
