package dev

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSiFiveTest(t *testing.T) {
	type exit struct {
		code  int
		reset bool
	}
	var got []exit
	d := NewSiFiveTest(func(code int, reset bool) { got = append(got, exit{code, reset}) })
	var logged int
	d.Logf = func(string, ...any) { logged++ }
	d.Write(0, 4, 0x5555)
	d.Write(0, 4, 42<<16|0x3333)
	d.Write(0, 4, 0x7777)
	d.Write(0, 4, 0x1234) // unknown status
	d.Write(4, 4, 0x5555) // not offset 0
	d.Write(0, 8, 0x5555) // QEMU takes 2- and 4-byte accesses only
	want := []exit{{0, false}, {42, false}, {0, true}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("exits %v, want %v", got, want)
	}
	if logged != 3 || d.Read(0, 4) != 0 {
		t.Fatalf("logged %d", logged)
	}
}

// fakeWall is a settable wall clock.
type fakeWall struct {
	mu sync.Mutex
	t  time.Time
}

func (w *fakeWall) now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.t
}

func (w *fakeWall) set(ns int64) {
	w.mu.Lock()
	w.t = time.Unix(0, ns)
	w.mu.Unlock()
}

func TestGoldfishTime(t *testing.T) {
	wall := &fakeWall{}
	wall.set(0x1_0000_0010)
	r := NewGoldfishRTC(wall.now, nil)
	if r.Read(rtcTimeLow, 4) != 0x10 {
		t.Fatal("TIME_LOW")
	}
	wall.set(0x2_0000_0000)
	if r.Read(rtcTimeHigh, 4) != 1 {
		t.Fatal("TIME_HIGH must return the half latched by the TIME_LOW read")
	}
	if r.Read(rtcTimeLow, 4) != 0 || r.Read(rtcTimeHigh, 4) != 2 {
		t.Fatal("a new TIME_LOW read latches again")
	}
	// Linux's set_time: HIGH, then LOW.
	r.Write(rtcTimeHigh, 4, 0x5)
	r.Write(rtcTimeLow, 4, 0x777)
	if r.Read(rtcTimeLow, 4) != 0x777 || r.Read(rtcTimeHigh, 4) != 5 {
		t.Fatal("time writes must set the counter")
	}
	wall.set(0x2_0000_0100)
	if r.Read(rtcTimeLow, 4) != 0x877 {
		t.Fatal("the counter keeps running from the written time")
	}
}

func TestGoldfishAlarm(t *testing.T) {
	wall, line := &fakeWall{}, &fakeLine{}
	wall.set(1_000_000)
	r := NewGoldfishRTC(wall.now, line.irq)
	r.Write(rtcIRQEnabled, 4, 1)
	r.Write(rtcAlarmHigh, 4, 0)
	r.Write(rtcAlarmLow, 4, 500) // in the past: at once
	if !line.level.Load() || r.Read(rtcAlarmStatus, 4) != 0 {
		t.Fatal("an alarm in the past must interrupt at once")
	}
	r.Write(rtcClearIRQ, 4, 1)
	if line.level.Load() {
		t.Fatal("CLEAR_INTERRUPT must lower irq")
	}
	r.Write(rtcAlarmLow, 4, 1_500_000) // 500 µs ahead
	if r.Read(rtcAlarmStatus, 4) != 1 || r.Read(rtcAlarmLow, 4) != 1_500_000 {
		t.Fatal("alarm must be running")
	}
	stays(t, "alarm before its time", 3*time.Millisecond, line.level.Load)
	wall.set(1_500_000)
	eventually(t, "alarm", line.level.Load)
	if r.Read(rtcAlarmStatus, 4) != 0 {
		t.Fatal("a fired alarm stops running")
	}
	r.Write(rtcClearIRQ, 4, 1)
	r.Write(rtcAlarmLow, 4, 1_600_000)
	r.Write(rtcClearAlarm, 4, 1)
	wall.set(2_000_000)
	stays(t, "cleared alarm", 3*time.Millisecond, line.level.Load)
	r.Write(rtcIRQEnabled, 4, 0)
	r.Write(rtcAlarmLow, 4, 0)
	if line.level.Load() {
		t.Fatal("IRQ_ENABLED = 0 masks the interrupt")
	}
}

type regDev struct{ last atomic.Uint64 }

func (d *regDev) Read(off uint64, size int) uint64     { return off<<8 | uint64(size) }
func (d *regDev) Write(off uint64, size int, v uint64) { d.last.Store(off<<32 | v) }

func TestBus(t *testing.T) {
	b := NewBus()
	ram := make([]byte, 0x1000)
	uart, clint := &regDev{}, &regDev{}
	b.AddRAM(0x80000000, ram)
	b.AddDevice(0x10000000, 0x100, uart, "serial")
	b.AddDevice(0x2000000, 0x10000, clint, "clint")
	if d, off, ok := b.Lookup(0x10000000); !ok || d != uart || off != 0 {
		t.Fatal("first byte")
	}
	if d, off, ok := b.Lookup(0x100000ff); !ok || d != uart || off != 0xff {
		t.Fatal("last byte")
	}
	for _, a := range []uint64{0x0fffffff, 0x10000100, 0, 0x2010000, 0x80000000, ^uint64(0)} {
		if _, _, ok := b.Lookup(a); ok {
			t.Fatalf("%#x: no device there", a)
		}
	}
	if mem, off, ok := b.RAM(0x80000fff); !ok || &mem[0] != &ram[0] || off != 0xfff {
		t.Fatal("RAM")
	}
	if v, ok := b.Read(0x200bff8, 8); !ok || v != 0xbff8<<8|8 {
		t.Fatal("Read")
	}
	if !b.Write(0x10000005, 1, 0x42) || uart.last.Load() != 5<<32|0x42 {
		t.Fatal("Write")
	}
	if _, ok := b.Read(0x100000fc, 8); ok {
		t.Fatal("an access crossing the region's end")
	}
	if _, ok := b.Read(0x10000000, 3); ok || b.Write(0x80000000, 4, 0) {
		t.Fatal("odd size, RAM through the device path")
	}
	rs := b.Regions()
	if len(rs) != 3 || rs[0].Name != "clint" || rs[2].Name != "ram" ||
		rs[1].String() != "0000000010000000-00000000100000ff (prio 0, i/o): serial" {
		t.Fatalf("regions %v", rs)
	}
}

func TestBusOverlap(t *testing.T) {
	b := NewBus()
	b.AddDevice(0x1000, 0x1000, &regDev{}, "a")
	for _, r := range [][2]uint64{{0x1fff, 1}, {0x800, 0x801}, {0x1800, 0x10}, {0x0, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("%#x+%#x must not map", r[0], r[1])
				}
			}()
			b.AddDevice(r[0], r[1], &regDev{}, "b")
		}()
	}
	b.AddDevice(0x2000, 0x10, &regDev{}, "next") // touching is fine
}
