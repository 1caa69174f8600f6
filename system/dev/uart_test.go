package dev

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestUART() (*UART, *syncBuffer, *fakeLine) {
	out, line := &syncBuffer{}, &fakeLine{}
	return NewUART(out, line.irq), out, line
}

func expectReg(t *testing.T, u *UART, off uint64, want byte) {
	t.Helper()
	if got := u.Read(off, 1); got != uint64(want) {
		t.Fatalf("reg %d = %#x, want %#x", off, got, want)
	}
}

func TestUARTResetAndTransmit(t *testing.T) {
	u, out, line := newTestUART()
	expectReg(t, u, uartLSR, lsrTHRE|lsrTEMT)
	expectReg(t, u, uartIIR, iirNoInt)
	expectReg(t, u, uartMSR, msrDCD|msrDSR|msrCTS)
	expectReg(t, u, uartMCR, mcrOut2)
	for _, c := range []byte("hi\n") {
		u.Write(uartRBR, 1, uint64(c))
	}
	if out.String() != "hi\n" {
		t.Fatalf("out = %q", out.String())
	}
	expectReg(t, u, uartLSR, lsrTHRE|lsrTEMT)
	if line.changes.Load() != 0 {
		t.Fatal("irq moved with IER = 0")
	}
	u.Write(uartSCR, 1, 0xa5)
	expectReg(t, u, uartSCR, 0xa5)
	if u.Read(8, 1) != 0 {
		t.Fatal("offset 8 is not a register")
	}
}

func TestUARTTHREInterrupt(t *testing.T) {
	u, _, line := newTestUART()
	u.Write(uartIER, 1, ierTHRI)
	if !line.level.Load() {
		t.Fatal("enabling THRI with THR empty must raise irq at once")
	}
	expectReg(t, u, uartIIR, iirTHRI)
	if line.level.Load() {
		t.Fatal("reading IIR=THRI must clear the interrupt")
	}
	expectReg(t, u, uartIIR, iirNoInt)
	u.Write(uartRBR, 1, 'x') // the byte leaves at once: THR empty again
	if !line.level.Load() {
		t.Fatal("THR write must re-raise THRE")
	}
	u.Write(uartIER, 1, 0)
	if line.level.Load() {
		t.Fatal("IER = 0 must lower irq")
	}
	// Re-enabling resamples THRE even though the IIR read cleared it.
	u.Write(uartIER, 1, ierTHRI)
	if !line.level.Load() {
		t.Fatal("IER.THRI rising edge must raise irq")
	}
}

func TestUARTDLAB(t *testing.T) {
	u, out, _ := newTestUART()
	u.Write(uartIER, 1, ierRDI)
	u.Write(uartLCR, 1, lcrDLAB|0x03)
	expectReg(t, u, uartRBR, 0x0c) // reset divisor: 9600 baud
	u.Write(uartRBR, 1, 0x02)
	u.Write(uartIER, 1, 0x01)
	expectReg(t, u, uartRBR, 0x02)
	expectReg(t, u, uartIER, 0x01)
	if out.String() != "" {
		t.Fatalf("DLL write transmitted %q", out.String())
	}
	u.Write(uartLCR, 1, 0x03)
	expectReg(t, u, uartIER, ierRDI)
	expectReg(t, u, uartLCR, 0x03)
	if u.divider != 0x0102 {
		t.Fatalf("divider = %#x", u.divider)
	}
}

func TestUARTReceiveNoFIFO(t *testing.T) {
	u, _, line := newTestUART()
	u.Write(uartIER, 1, ierRDI|ierTHRI)
	expectReg(t, u, uartIIR, iirTHRI)
	u.Input([]byte("ab"))
	expectReg(t, u, uartLSR, lsrDR|lsrTHRE|lsrTEMT)
	if !line.level.Load() {
		t.Fatal("received data must raise irq")
	}
	expectReg(t, u, uartIIR, iirRDI)
	expectReg(t, u, uartRBR, 'a')
	expectReg(t, u, uartIIR, iirRDI) // 'b' moved in from the host queue
	expectReg(t, u, uartRBR, 'b')
	expectReg(t, u, uartLSR, lsrTHRE|lsrTEMT)
	if line.level.Load() {
		t.Fatal("irq must drop with no data and THRE read")
	}
}

func TestUARTPriority(t *testing.T) {
	u, _, _ := newTestUART()
	u.Write(uartIER, 1, ierRDI|ierTHRI|ierRLSI)
	u.Input([]byte("z"))
	expectReg(t, u, uartIIR, iirRDI) // data beats THRE
	// Loopback: a second byte overruns the unread RBR, and the line
	// status interrupt beats data.
	u.Write(uartMCR, 1, mcrLoop)
	u.Write(uartRBR, 1, 'y')
	expectReg(t, u, uartIIR, iirRLSI)
	expectReg(t, u, uartLSR, lsrDR|lsrOE|lsrTHRE|lsrTEMT)
	expectReg(t, u, uartIIR, iirRDI) // the LSR read cleared OE
	expectReg(t, u, uartRBR, 'y')
	expectReg(t, u, uartIIR, iirTHRI)
	expectReg(t, u, uartIIR, iirNoInt)
}

func TestUARTLoopbackMSR(t *testing.T) {
	u, out, _ := newTestUART()
	u.Write(uartMCR, 1, mcrLoop|0x0a) // OUT2 | RTS
	expectReg(t, u, uartMSR, 0x90)    // DCD | CTS
	u.Write(uartRBR, 1, 'q')
	expectReg(t, u, uartRBR, 'q')
	if out.String() != "" {
		t.Fatal("loopback byte reached out")
	}
}

func TestUARTFIFOTriggerAndTimeout(t *testing.T) {
	u, _, line := newTestUART()
	u.Write(uartIIR, 1, fcrEnable|fcrClrRx|fcrClrTx|0x80) // trigger 8
	u.Write(uartLCR, 1, lcrDLAB|0x03)
	u.Write(uartRBR, 1, 1) // fast line: short character timeout
	u.Write(uartLCR, 1, 0x03)
	u.Write(uartIER, 1, ierRDI)
	expectReg(t, u, uartIIR, iirFIFO|iirNoInt)
	u.Input([]byte("abc"))
	if u.Read(uartIIR, 1) != iirFIFO|iirNoInt {
		t.Fatal("3 bytes under trigger 8 must not raise RDI at once")
	}
	eventually(t, "character timeout", line.level.Load)
	expectReg(t, u, uartIIR, iirFIFO|iirCTI)
	for _, c := range []byte("abc") {
		expectReg(t, u, uartRBR, c)
	}
	if line.level.Load() {
		t.Fatal("irq must drop once the FIFO is read empty")
	}
	u.Input([]byte("0123456789"))
	expectReg(t, u, uartIIR, iirFIFO|iirRDI)
}

func TestUARTInputBackpressure(t *testing.T) {
	u, _, _ := newTestUART()
	done := make(chan struct{})
	total := uartHostQueue + 100
	go func() {
		u.Input(bytes.Repeat([]byte{'x'}, total))
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("Input returned with the queue over its bound")
	case <-time.After(20 * time.Millisecond):
	}
	for i := 0; i < 200; i++ {
		expectReg(t, u, uartRBR, 'x')
	}
	<-done
	u.Close()
	u.Input([]byte("dropped")) // returns at once after Close
}
