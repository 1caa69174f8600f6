package dev

import "testing"

func plicEnableOff(ctx, src int) uint64 {
	return plicEnable + uint64(ctx)*plicEnableStep + uint64(src/32)*4
}

func plicCtxOff(ctx int, reg uint64) uint64 {
	return plicContext + uint64(ctx)*plicContextLen + reg
}

func TestPLICGating(t *testing.T) {
	h := newFakeHart()
	p := NewPLIC(2, h)
	if p.Size() != 0x204000 {
		t.Fatalf("size %#x", p.Size())
	}
	irq := p.IRQ(10)
	irq(true)
	if p.Read(plicPending, 4) != 1<<10 {
		t.Fatal("a high line must make its source pending")
	}
	if h.count() != 0 {
		t.Fatal("no context enabled yet")
	}
	ctxS1 := 3 // hart 1, S mode
	p.Write(plicEnableOff(ctxS1, 10), 4, 1<<10)
	h.expect(t, 1, SEIP, false, "priority 0 must never interrupt")
	p.Write(4*10, 4, 5)
	if !h.level(1, SEIP) || h.level(1, MEIP) || h.level(0, SEIP) {
		t.Fatalf("want only hart 1 SEIP, got %v", h.events)
	}
	p.Write(plicCtxOff(ctxS1, 0), 4, 5)
	h.expect(t, 1, SEIP, false, "threshold 5 must mask priority 5")
	if p.Read(plicCtxOff(ctxS1, plicClaim), 4) != 0 {
		t.Fatal("a masked source must not be claimable")
	}
	p.Write(plicCtxOff(ctxS1, 0), 4, 4)
	h.expect(t, 1, SEIP, true, "threshold 4 must let priority 5 through")
	p.Write(plicEnableOff(0, 10), 4, 1<<10) // hart 0, M mode
	h.expect(t, 0, MEIP, true, "context 0 drives hart 0 MEIP")
	irq(false)
	if h.level(1, SEIP) || h.level(0, MEIP) || p.Read(plicPending, 4) != 0 {
		t.Fatal("a lowered line withdraws an unclaimed request")
	}
}

func TestPLICClaimComplete(t *testing.T) {
	h := newFakeHart()
	p := NewPLIC(1, h)
	a, b, c := p.IRQ(3), p.IRQ(40), p.IRQ(41)
	p.Write(4*3, 4, 2)
	p.Write(4*40, 4, 6)
	p.Write(4*41, 4, 6)
	p.Write(4*1, 4, 9) // WARL: 9 keeps its low 3 bits
	if p.Read(4*1, 4) != 1 {
		t.Fatal("priority must keep 3 bits")
	}
	p.Write(plicEnableOff(0, 3), 4, 1<<3)
	p.Write(plicEnableOff(0, 40), 4, 1<<(40-32)|1<<(41-32))
	a(true)
	b(true)
	c(true)
	claim := plicCtxOff(0, plicClaim)
	if got := p.Read(claim, 4); got != 40 {
		t.Fatalf("claim = %d, want 40 (highest priority, lowest id)", got)
	}
	if got := p.Read(claim, 4); got != 41 {
		t.Fatalf("claim = %d, want 41", got)
	}
	h.expect(t, 0, MEIP, true, "source 3 still pending")
	if got := p.Read(claim, 4); got != 3 {
		t.Fatalf("claim = %d, want 3", got)
	}
	h.expect(t, 0, MEIP, false, "claiming the last request must lower MEIP")
	p.Write(claim, 4, 40) // 40 still high: pending again
	if !h.level(0, MEIP) || p.Read(plicPending+4, 4) != 1<<(40-32) {
		t.Fatal("completing a still-high source must re-arm it")
	}
	a(false)
	p.Write(claim, 4, 3) // 3 went low: stays idle
	if p.Read(plicPending, 4) != 0 {
		t.Fatal("a low source must not come back on completion")
	}
	if got := p.Read(claim, 4); got != 40 {
		t.Fatalf("claim = %d, want 40", got)
	}
	b(false)
	b(true) // high again while claimed: held back until completion
	h.expect(t, 0, MEIP, false, "a claimed source must not interrupt again before completion")
	p.Write(claim, 4, 40)
	h.expect(t, 0, MEIP, true, "completion must forward the new request")
}

func TestPLICRegisters(t *testing.T) {
	p := NewPLIC(1, newFakeHart())
	p.Write(plicEnableOff(1, 0), 4, 0xffffffff)
	if p.Read(plicEnableOff(1, 0), 4) != 0xfffffffe {
		t.Fatal("source 0 cannot be enabled")
	}
	p.Write(0, 4, 7)
	if p.Read(0, 4) != 0 {
		t.Fatal("source 0 has no priority")
	}
	p.Write(plicEnableOff(2, 0), 4, 1) // no context 2 with one hart
	if p.Read(plicEnableOff(2, 0), 4) != 0 || p.Read(plicCtxOff(2, 0), 4) != 0 {
		t.Fatal("context 2 does not exist")
	}
	p.Write(plicCtxOff(1, 0), 2, 3)
	if p.Read(plicCtxOff(1, 0), 4) != 0 {
		t.Fatal("only 32-bit accesses")
	}
}
