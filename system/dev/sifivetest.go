package dev

// SiFive test finisher (QEMU's hw/misc/sifive_test.c; virt maps it at
// 0x100000). A write to offset 0 carries a status in bits 15:0 and, for a
// failure, an exit code in bits 31:16.
const (
	SiFiveTestSize = 0x1000
	finisherFail   = 0x3333
	finisherPass   = 0x5555
	finisherReset  = 0x7777
)

// SiFiveTest ends or resets the machine when the guest asks (OpenSBI's
// system reset and Linux's poweroff on virt use it). It keeps no state.
type SiFiveTest struct {
	onExit func(code int, reset bool)
	// Logf, if set before the machine runs, reports writes that do nothing.
	Logf func(format string, args ...any)
}

// NewSiFiveTest returns a finisher that calls onExit(0, false) for a
// poweroff, onExit(code, false) for a failure with that code and
// onExit(0, true) for a reset.
func NewSiFiveTest(onExit func(code int, reset bool)) *SiFiveTest {
	return &SiFiveTest{onExit: onExit}
}

// Read implements Device; every register reads 0.
func (t *SiFiveTest) Read(off uint64, size int) uint64 { return 0 }

// Write implements Device. QEMU accepts 16- and 32-bit accesses.
func (t *SiFiveTest) Write(off uint64, size int, v uint64) {
	if off == 0 && (size == 2 || size == 4) {
		code := int(v >> 16 & 0xffff)
		switch v & 0xffff {
		case finisherFail:
			t.onExit(code, false)
			return
		case finisherPass:
			t.onExit(0, false)
			return
		case finisherReset:
			t.onExit(0, true)
			return
		}
	}
	if t.Logf != nil {
		t.Logf("sifive_test: ignored write of %#x (size %d) at offset %#x", v, size, off)
	}
}
