package dev

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeHart records the mip bits a device sets.
type fakeHart struct {
	mu     sync.Mutex
	bits   map[[2]int]bool
	events []string
}

func newFakeHart() *fakeHart { return &fakeHart{bits: map[[2]int]bool{}} }

func (f *fakeHart) SetPending(hart int, bit uint, level bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bits[[2]int{hart, int(bit)}] = level
	f.events = append(f.events, fmt.Sprintf("%d/%d=%v", hart, bit, level))
}

func (f *fakeHart) level(hart int, bit uint) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bits[[2]int{hart, int(bit)}]
}

func (f *fakeHart) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.events)
}

// fakeLine records an IRQLine.
type fakeLine struct {
	level   atomic.Bool
	changes atomic.Int32
}

func (l *fakeLine) irq(level bool) {
	l.level.Store(level)
	l.changes.Add(1)
}

// fakeClock is a settable tick clock.
type fakeClock struct{ t atomic.Uint64 }

func (c *fakeClock) now() uint64 { return c.t.Load() }

// eventually fails t unless cond turns true within two seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not within 2s", what)
}

// stays fails t if cond turns true within d.
func stays(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if cond() {
			t.Fatalf("%s: happened", what)
		}
	}
}

// expect fails t unless mip bit of hart is at want.
func (f *fakeHart) expect(t *testing.T, hart int, bit uint, want bool, why string) {
	t.Helper()
	if got := f.level(hart, bit); got != want {
		t.Fatalf("hart %d mip bit %d = %v, want %v: %s", hart, bit, got, want, why)
	}
}
