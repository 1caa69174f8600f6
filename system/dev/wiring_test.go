package dev

import (
	"sync"
	"testing"
	"time"
)

// TestWiringConcurrent drives a UART wired to a PLIC from several
// goroutines at once, as harts and a host reader do, and checks that the
// hart's MEIP ends up matching the devices' state (no lost or stale level).
func TestWiringConcurrent(t *testing.T) {
	h := newFakeHart()
	p := NewPLIC(1, h)
	u := NewUART(nil, p.IRQ(10))
	p.Write(4*10, 4, 1)
	p.Write(plicEnableOff(0, 10), 4, 1<<10)
	u.Write(uartIER, 1, ierRDI|ierTHRI)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 200 {
			u.Input([]byte("0123456789"))
		}
	}()
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				src := p.Read(plicCtxOff(0, plicClaim), 4)
				u.Read(uartIIR, 1)
				u.Read(uartRBR, 1)
				u.Write(uartRBR, 1, '.')
				if src != 0 {
					p.Write(plicCtxOff(0, plicClaim), 4, src)
				}
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	u.Close() // releases the reader if it waits for room
	wg.Wait()
	for u.Read(uartLSR, 1)&lsrDR != 0 {
		u.Read(uartRBR, 1)
	}
	u.Write(uartIER, 1, 0)
	h.expect(t, 0, MEIP, false, "MEIP stuck high with the UART quiet")
	u.Write(uartIER, 1, ierTHRI)
	h.expect(t, 0, MEIP, true, "MEIP must follow the UART's THRE interrupt")
}

// TestCLINTRealClock checks MTIP arrives on time with the real clock.
func TestCLINTRealClock(t *testing.T) {
	h := newFakeHart()
	c := NewCLINT(1, h, Ticks10MHz())
	c.Write(clintMTimecmp, 8, c.Time()+TimebaseHz/1000) // 1 ms
	h.expect(t, 0, MTIP, false, "MTIP early")
	start := time.Now()
	eventually(t, "MTIP after 1 ms", func() bool { return h.level(0, MTIP) })
	if time.Since(start) < 900*time.Microsecond {
		t.Fatal("MTIP came before mtimecmp")
	}
}
