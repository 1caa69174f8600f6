package dev

import (
	"io"
	"sync"
	"time"
)

// NS16550A registers at stride 1 (reg-shift 0) and their bits, from the
// NS16550A datasheet and Linux's include/uapi/linux/serial_reg.h; the
// behaviour below is QEMU's hw/char/serial.c.
const (
	UARTSize = 0x100 // virt_memmap[VIRT_UART0].size

	uartRBR = 0 // RBR (read) / THR (write); DLL with LCR.DLAB
	uartIER = 1 // DLM with LCR.DLAB
	uartIIR = 2 // IIR (read) / FCR (write)
	uartLCR = 3
	uartMCR = 4
	uartLSR = 5
	uartMSR = 6
	uartSCR = 7

	ierRDI  = 0x01 // received data available
	ierTHRI = 0x02 // transmitter holding register empty
	ierRLSI = 0x04 // receiver line status
	ierMSI  = 0x08 // modem status

	iirNoInt = 0x01
	iirID    = 0x06 // the interrupt identification bits
	iirMSI   = 0x00
	iirTHRI  = 0x02
	iirRDI   = 0x04
	iirRLSI  = 0x06
	iirCTI   = 0x0c // character timeout
	iirFIFO  = 0xc0 // FIFOs enabled

	fcrEnable = 0x01
	fcrClrRx  = 0x02
	fcrClrTx  = 0x04
	fcrKeep   = 0xc9 // FCR bits QEMU keeps: trigger level, DMA mode, enable

	lcrDLAB = 0x80

	mcrLoop = 0x10
	mcrOut2 = 0x08

	lsrDR     = 0x01
	lsrOE     = 0x02
	lsrBI     = 0x10
	lsrTHRE   = 0x20
	lsrTEMT   = 0x40
	lsrIntAny = 0x1e // OE, PE, FE, BI: the line status interrupt causes

	msrDCD   = 0x80
	msrDSR   = 0x20
	msrCTS   = 0x10
	msrDelta = 0x0f

	uartFIFO = 16 // the 16550A's receive FIFO
	// uartHostQueue bounds the bytes queued by the host but not yet in the
	// FIFO; Input blocks beyond it, as QEMU stops reading its chardev while
	// serial_can_receive says no.
	uartHostQueue = 4096
	// uartBaudBase is the reference clock QEMU virt passes serial_mm_init
	// (hw/riscv/virt.c); it only sets the character time here.
	uartBaudBase = 399193
)

// uartTriggers are the receive FIFO trigger levels of FCR bits 7:6.
var uartTriggers = [4]int{1, 4, 8, 14}

// UART is an NS16550A. Transmitted bytes go to the host writer at once, so
// THRE and TEMT are set again as soon as a THR write returns; received bytes
// come from Input through a bounded host queue into the 16-byte FIFO (or the
// single RBR without FIFOs).
type UART struct {
	mu             sync.Mutex
	rbr, ier, iir  byte
	lcr, mcr, lsr  byte
	msr, scr, fcr  byte
	divider        uint16
	thrPending     bool // THRE interrupt wanted (QEMU's thr_ipending)
	timeoutPending bool // character timeout (QEMU's timeout_ipending)
	trigger        int
	rx, host       byteRing
	space          *sync.Cond // Input waits on it for room in host
	closed         bool
	charTime       time.Duration
	timeout        *time.Timer
	timeoutArmed   bool
	outMu          sync.Mutex // orders the writes to out; taken under mu
	out            io.Writer
	line           *outLines
}

// NewUART returns a UART in its reset state that writes transmitted bytes
// to out (nil: discard) and drives irq.
func NewUART(out io.Writer, irq IRQLine) *UART {
	if out == nil {
		out = io.Discard
	}
	u := &UART{
		// Reset values of serial_reset in QEMU.
		iir:      iirNoInt,
		lsr:      lsrTEMT | lsrTHRE,
		msr:      msrDCD | msrDSR | msrCTS,
		mcr:      mcrOut2,
		divider:  0x0c,
		trigger:  1,
		charTime: time.Second / 9600 * 10,
		rx:       byteRing{buf: make([]byte, uartFIFO)},
		host:     byteRing{buf: make([]byte, uartHostQueue)},
		out:      out,
		line:     oneLine(irq),
	}
	u.space = sync.NewCond(&u.mu)
	u.timeout = time.AfterFunc(time.Hour, u.timeoutFired)
	u.timeout.Stop()
	return u
}

// Input queues bytes received from the host. It blocks while the host queue
// is full (the guest is not reading) and returns early, dropping the rest,
// once Close has been called.
func (u *UART) Input(p []byte) {
	for len(p) > 0 {
		u.mu.Lock()
		for u.host.free() == 0 && !u.closed {
			u.space.Wait()
		}
		if u.closed {
			u.mu.Unlock()
			return
		}
		n := min(len(p), u.host.free())
		for _, b := range p[:n] {
			u.host.push(b)
		}
		p = p[n:]
		u.pull()
		u.update()
		u.line.flushUnlock(&u.mu)
	}
}

// Close releases Input callers and makes later Input calls drop their
// bytes; register accesses keep working.
func (u *UART) Close() {
	u.mu.Lock()
	u.closed = true
	u.space.Broadcast()
	u.mu.Unlock()
	u.timeout.Stop()
}

// Read implements Device; every access size reads one 8-bit register.
func (u *UART) Read(off uint64, size int) uint64 {
	if off > uartSCR {
		return 0
	}
	u.mu.Lock()
	v := u.readReg(off)
	u.update()
	u.line.flushUnlock(&u.mu)
	return uint64(v)
}

// Write implements Device; every access size writes the low byte of v to
// one 8-bit register.
func (u *UART) Write(off uint64, size int, v uint64) {
	if off > uartSCR {
		return
	}
	b := byte(v)
	u.mu.Lock()
	if off == uartRBR && u.lcr&lcrDLAB == 0 {
		u.transmit(b)
		return
	}
	u.writeReg(off, b)
	u.update()
	u.line.flushUnlock(&u.mu)
}

// transmit handles a THR write: the byte leaves through the shift register
// at once, or loops back to the receiver in loopback mode (MCR bit 4).
// u.mu is held and is released.
func (u *UART) transmit(b byte) {
	loop := u.mcr&mcrLoop != 0
	if loop {
		u.receive(b)
	}
	u.lsr |= lsrTHRE | lsrTEMT
	u.thrPending = true
	u.update()
	if loop {
		u.line.flushUnlock(&u.mu)
		return
	}
	// Take outMu before letting mu go so that bytes reach out in the order
	// their THR writes were made, without holding mu during the write.
	u.outMu.Lock()
	u.line.flushUnlock(&u.mu)
	_, _ = u.out.Write([]byte{b}) // a serial line has no error path
	u.outMu.Unlock()
}

// readReg performs a register read with its side effects; u.mu is held.
func (u *UART) readReg(off uint64) byte {
	dlab := u.lcr&lcrDLAB != 0
	switch off {
	case uartRBR:
		if dlab {
			return byte(u.divider)
		}
		return u.readRBR()
	case uartIER:
		if dlab {
			return byte(u.divider >> 8)
		}
		return u.ier
	case uartIIR:
		v := u.iir
		// Reading IIR that reports THRE clears that interrupt.
		if v&iirID == iirTHRI {
			u.thrPending = false
		}
		return v
	case uartLCR:
		return u.lcr
	case uartMCR:
		return u.mcr
	case uartLSR:
		v := u.lsr
		u.lsr &^= lsrBI | lsrOE // reading LSR clears the error bits
		return v
	case uartMSR:
		return u.readMSR()
	}
	return u.scr
}

// readRBR pops a received byte; u.mu is held.
func (u *UART) readRBR() byte {
	var v byte
	if u.fcr&fcrEnable != 0 {
		if u.rx.len() > 0 {
			v = u.rx.pop()
		}
		if u.rx.len() == 0 {
			u.lsr &^= lsrDR | lsrBI
		} else {
			u.armTimeout()
		}
		u.timeoutPending = false
	} else {
		v = u.rbr
		u.lsr &^= lsrDR | lsrBI
	}
	u.pull()
	return v
}

// readMSR returns MSR; in loopback mode the modem outputs appear on the
// inputs (OUT2→DCD, OUT1→RI, RTS→CTS, DTR→DSR). u.mu is held.
func (u *UART) readMSR() byte {
	if u.mcr&mcrLoop != 0 {
		return (u.mcr&0x0c)<<4 | (u.mcr&0x02)<<3 | (u.mcr&0x01)<<5
	}
	v := u.msr
	u.msr &^= msrDelta
	return v
}

// writeReg performs a register write other than THR; u.mu is held.
func (u *UART) writeReg(off uint64, b byte) {
	dlab := u.lcr&lcrDLAB != 0
	switch off {
	case uartRBR: // DLL
		u.divider = u.divider&0xff00 | uint16(b)
		u.updateParams()
	case uartIER:
		if dlab {
			u.divider = u.divider&0x00ff | uint16(b)<<8
			u.updateParams()
			return
		}
		u.writeIER(b)
	case uartIIR:
		u.writeFCR(b)
	case uartLCR:
		u.lcr = b
		u.updateParams()
	case uartMCR:
		u.mcr = b & 0x1f
		u.pull() // leaving loopback mode accepts host input again
	case uartSCR:
		u.scr = b
	}
	// LSR and MSR writes are ignored, as in QEMU.
}

// writeIER: enabling the THRE interrupt while THR is empty makes it pending
// at once, even if an IIR read had cleared it (QEMU does this on the rising
// edge of IER.THRI; Windows and Linux's THRE test rely on it).
func (u *UART) writeIER(b byte) {
	changed := (u.ier ^ b) & 0x0f
	u.ier = b & 0x0f
	if changed&ierTHRI != 0 {
		u.thrPending = u.ier&ierTHRI != 0 && u.lsr&lsrTHRE != 0
	}
}

// writeFCR enables, disables and clears the FIFOs and sets the receive
// trigger level; changing the enable bit clears both FIFOs.
func (u *UART) writeFCR(b byte) {
	if (b^u.fcr)&fcrEnable != 0 {
		b |= fcrClrRx | fcrClrTx
	}
	if b&fcrClrRx != 0 {
		u.lsr &^= lsrDR | lsrBI
		u.timeoutArmed = false
		u.timeout.Stop()
		u.timeoutPending = false
		u.rx.reset()
	}
	if b&fcrClrTx != 0 {
		u.lsr |= lsrTHRE
		u.thrPending = true
	}
	u.fcr = b & fcrKeep
	if u.fcr&fcrEnable != 0 {
		u.iir |= iirFIFO
		u.trigger = uartTriggers[b>>6]
	} else {
		u.iir &^= iirFIFO
	}
	u.pull()
}

// updateParams recomputes the character time from the divisor and LCR
// (frame: start bit, 5-8 data bits, parity bit, 1 or 2 stop bits).
func (u *UART) updateParams() {
	if u.divider == 0 || int(u.divider) > uartBaudBase {
		return
	}
	frame := 1 + 5 + int(u.lcr&0x03) + 1
	if u.lcr&0x04 != 0 {
		frame++
	}
	if u.lcr&0x08 != 0 {
		frame++
	}
	speed := uartBaudBase / int(u.divider)
	u.charTime = time.Second / time.Duration(speed) * time.Duration(frame)
}

// receive puts one byte into the receiver; a full FIFO or an unread RBR
// sets OE (overrun) and, with FIFOs, drops the byte. u.mu is held.
func (u *UART) receive(b byte) {
	if u.fcr&fcrEnable != 0 {
		if u.rx.free() == 0 {
			u.lsr |= lsrOE
		} else {
			u.rx.push(b)
		}
		u.lsr |= lsrDR
		u.armTimeout()
		return
	}
	if u.lsr&lsrDR != 0 {
		u.lsr |= lsrOE
	}
	u.rbr = b
	u.lsr |= lsrDR
}

// pull moves host input into the receiver while it has room; nothing is
// accepted in loopback mode. u.mu is held.
func (u *UART) pull() {
	if u.mcr&mcrLoop != 0 || u.host.len() == 0 {
		return
	}
	moved := false
	for u.host.len() > 0 {
		if u.fcr&fcrEnable != 0 && u.rx.free() == 0 ||
			u.fcr&fcrEnable == 0 && u.lsr&lsrDR != 0 {
			break
		}
		u.receive(u.host.pop())
		moved = true
	}
	if moved {
		u.space.Broadcast()
	}
}

// armTimeout (re)starts the character timeout: 4 character times after the
// last FIFO activity with data left below the trigger level, a CTI is
// raised. u.mu is held.
func (u *UART) armTimeout() {
	u.timeoutArmed = true
	u.timeout.Reset(4 * u.charTime)
}

func (u *UART) timeoutFired() {
	u.mu.Lock()
	if u.timeoutArmed && u.rx.len() > 0 {
		u.timeoutPending = true
	}
	u.timeoutArmed = false
	u.update()
	u.line.flushUnlock(&u.mu)
}

// update recomputes IIR and the interrupt line. Priorities, highest first:
// receiver line status, character timeout, received data (at the trigger
// level with FIFOs), THR empty, modem status (NS16550A datasheet, table
// "Interrupt Control Functions"; serial_update_irq). u.mu is held.
func (u *UART) update() {
	id := byte(iirNoInt)
	switch {
	case u.ier&ierRLSI != 0 && u.lsr&lsrIntAny != 0:
		id = iirRLSI
	case u.ier&ierRDI != 0 && u.timeoutPending:
		id = iirCTI
	case u.ier&ierRDI != 0 && u.lsr&lsrDR != 0 &&
		(u.fcr&fcrEnable == 0 || u.rx.len() >= u.trigger):
		id = iirRDI
	case u.ier&ierTHRI != 0 && u.thrPending:
		id = iirTHRI
	case u.ier&ierMSI != 0 && u.msr&msrDelta != 0:
		id = iirMSI
	}
	u.iir = id | u.iir&0xf0
	u.line.want[0] = id != iirNoInt
}

// byteRing is a fixed-size FIFO of bytes.
type byteRing struct {
	buf     []byte
	head, n int
}

func (r *byteRing) len() int  { return r.n }
func (r *byteRing) free() int { return len(r.buf) - r.n }
func (r *byteRing) reset()    { r.head, r.n = 0, 0 }

func (r *byteRing) push(b byte) {
	r.buf[(r.head+r.n)%len(r.buf)] = b
	r.n++
}

func (r *byteRing) pop() byte {
	b := r.buf[r.head]
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	return b
}
