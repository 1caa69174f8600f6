package dev

import (
	"sync/atomic"
	"testing"
	"time"
)

func newTestCLINT(harts int) (*CLINT, *fakeHart, *fakeClock) {
	h, clk := newFakeHart(), &fakeClock{}
	clk.t.Store(1000)
	return NewCLINT(harts, h, clk.now), h, clk
}

func TestCLINTMSIP(t *testing.T) {
	c, h, _ := newTestCLINT(2)
	c.Write(4, 4, 0xffffffff)
	if !h.level(1, MSIP) || h.level(0, MSIP) {
		t.Fatal("msip[1] bit 0 must set hart 1 MSIP only")
	}
	if c.Read(4, 4) != 1 || c.Read(0, 4) != 0 {
		t.Fatal("msip reads back bit 0")
	}
	c.Write(4, 4, 2)
	h.expect(t, 1, MSIP, false, "bit 0 clear must lower MSIP")
	c.Write(8, 4, 1) // no hart 2
	if c.Read(8, 4) != 0 {
		t.Fatal("msip past the last hart")
	}
}

func TestCLINTTimecmpPast(t *testing.T) {
	c, h, _ := newTestCLINT(1)
	h.expect(t, 0, MTIP, true, "mtimecmp resets to 0, so MTIP starts up (as QEMU)")
	c.Write(clintMTimecmp, 8, ^uint64(0))
	h.expect(t, 0, MTIP, false, "mtimecmp all ones must lower MTIP")
	c.Write(clintMTimecmp, 8, 999)
	h.expect(t, 0, MTIP, true, "mtimecmp in the past must raise MTIP at once")
}

func TestCLINTTimecmpFuture(t *testing.T) {
	c, h, clk := newTestCLINT(2)
	c.Write(clintMTimecmp+8, 8, 1000+5000) // hart 1, 500 µs ahead
	h.expect(t, 1, MTIP, false, "mtimecmp ahead must lower MTIP")
	// The host timer runs out but the (fake) clock has not moved: no MTIP.
	stays(t, "MTIP before mtime reaches mtimecmp", 5*time.Millisecond,
		func() bool { return h.level(1, MTIP) })
	clk.t.Store(6000)
	eventually(t, "MTIP once mtime >= mtimecmp", func() bool { return h.level(1, MTIP) })
	h.expect(t, 0, MTIP, true, "hart 0 keeps its own MTIP")
}

func TestCLINTHalves(t *testing.T) {
	c, h, clk := newTestCLINT(1)
	c.Write(clintMTimecmp+4, 4, 0x12345678)
	c.Write(clintMTimecmp, 4, 0x9abcdef0)
	if got := c.Read(clintMTimecmp, 8); got != 0x123456789abcdef0 {
		t.Fatalf("mtimecmp = %#x", got)
	}
	if c.Read(clintMTimecmp+4, 4) != 0x12345678 || c.Read(clintMTimecmp, 4) != 0x9abcdef0 {
		t.Fatal("mtimecmp halves")
	}
	if c.Read(clintMTime, 8) != 1000 || c.Time() != 1000 {
		t.Fatal("mtime follows now")
	}
	c.Write(clintMTime+4, 4, 0x12345678)
	if got := c.Read(clintMTime+4, 4); got != 0x12345678 {
		t.Fatalf("mtime high = %#x", got)
	}
	h.expect(t, 0, MTIP, false, "mtime just below mtimecmp")
	c.Write(clintMTime, 4, 0x9abcdef0)
	if c.Time() != 0x123456789abcdef0 || !h.level(0, MTIP) {
		t.Fatal("an mtime write reaching mtimecmp must raise MTIP")
	}
	clk.t.Add(5)
	if c.Read(clintMTime, 4) != 0x9abcdef5 {
		t.Fatal("mtime keeps counting from the written value")
	}
	c.Write(clintMTime, 8, 0)
	h.expect(t, 0, MTIP, false, "mtime set back must lower MTIP")
}

func TestCLINTTimerAt(t *testing.T) {
	c, _, clk := newTestCLINT(1)
	var fired, cancelled atomic.Bool
	c.TimerAt(3000, func() { fired.Store(true) })
	cancel := c.TimerAt(3000, func() { cancelled.Store(true) })
	cancel()
	stays(t, "TimerAt before its time", 3*time.Millisecond, fired.Load)
	c.Write(clintMTime, 8, 3000) // a jump forward fires it without clock motion
	eventually(t, "TimerAt after mtime write", fired.Load)
	clk.t.Add(1 << 20)
	stays(t, "cancelled TimerAt", 3*time.Millisecond, cancelled.Load)
	var later atomic.Bool
	c.TimerAt(c.Time()+10, func() { later.Store(true) })
	clk.t.Add(10)
	eventually(t, "TimerAt after the clock passes", later.Load)
}

func TestTicks10MHz(t *testing.T) {
	now := Ticks10MHz()
	a := now()
	time.Sleep(2 * time.Millisecond)
	if d := now() - a; d < 20000 {
		t.Fatalf("2 ms gave %d ticks", d)
	}
}
