package translate

import (
	"testing"
	"unsafe"
)

// jitG must be the running goroutine's g: its stack bounds (g.stack.lo,
// hi at offsets 0 and 8, runtime/runtime2.go) hold a local's address, and
// stackguard0 (offset 16) lies inside them.
func TestJITGIsTheGoroutine(t *testing.T) {
	if err := JITAvailable(); err != nil {
		t.Skip(err)
	}
	var local int
	g := jitG()
	lo := *(*uintptr)(unsafe.Add(unsafe.Pointer(nil), g))
	hi := *(*uintptr)(unsafe.Add(unsafe.Pointer(nil), g+8))
	guard := *(*uintptr)(unsafe.Add(unsafe.Pointer(nil), g+16))
	sp := uintptr(unsafe.Pointer(&local))
	if !(lo < sp && sp < hi) || !(lo <= guard && guard < hi) {
		t.Errorf("g %#x: stack [%#x, %#x), stackguard0 %#x, a local at %#x", g, lo, hi, guard, sp)
	}
}
