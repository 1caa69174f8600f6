package riscv64

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/translate"
)

// Zicsr in user mode (RISC-V ISA manual, Volume I, "Zicsr" and "Zicntr";
// CSR numbers from Volume II, "CSR Listing").

// CSR numbers a user-mode program may access.
const (
	csrFflags  = 0x001
	csrFrm     = 0x002
	csrFcsr    = 0x003
	csrCycle   = 0xc00
	csrTime    = 0xc01
	csrInstret = 0xc02
)

// CSR access kinds (row.aux).
const (
	csrRW = iota + 1
	csrRS
	csrRC
)

// TimebaseHz is the frequency of the time CSR: 10 MHz, the
// timebase-frequency QEMU's riscv virt machine advertises in its device tree.
const TimebaseHz = 10_000_000

func csrKnown(n uint32) bool {
	switch n {
	case csrFflags, csrFrm, csrFcsr, csrCycle, csrTime, csrInstret:
		return true
	}
	return false
}

// csrWrites reports whether the instruction writes its CSR: CSRRW[I]
// always, CSRRS[I]/CSRRC[I] only when rs1 (or uimm) is not zero.
func csrWrites(d *inst) bool { return d.row.aux == csrRW || d.rs1 != 0 }

// csrAllowed is the decode-time check: unknown CSRs and writes to
// read-only CSRs (csr[11:10] == 3) are illegal instructions.
func csrAllowed(d *inst) bool {
	n := uint32(d.imm)
	if !csrKnown(n) {
		return false
	}
	return !(csrWrites(d) && n>>10 == 3)
}

func lowerCSR(b *translate.Builder, d *inst) {
	if b.System() {
		lowerSysCSR(b, d)
		return
	}
	op := translate.Op{Code: translate.OpCall, Fn: csrHelper, Dst: xd(d.rd), A: d.rs1,
		Imm: d.imm, Aux: d.row.aux, Size: d.row.size}
	if d.row.size == 1 { // immediate form: the rs1 field is the value
		op.A, op.B = 0, d.rs1
	}
	if csrWrites(d) {
		op.C = 1
	}
	b.Emit(op)
}

// csrHelper: Dst = CSR; CSR = f(CSR, value) when op.C is set.
func csrHelper(c *translate.CPU, op *translate.Op) translate.ExitKind {
	v := c.R[op.A]
	if op.Size == 1 {
		v = uint64(op.B)
	}
	n := uint32(op.Imm)
	old := csrRead(c, n)
	if op.C != 0 {
		switch op.Aux {
		case csrRS:
			v |= old
		case csrRC:
			v = old &^ v
		}
		csrWrite(c, n, v)
	}
	c.R[op.Dst] = old
	return translate.ExitNone
}

func csrRead(c *translate.CPU, n uint32) uint64 {
	switch n {
	case csrFflags:
		return c.R[RegFflags] & 31
	case csrFrm:
		return c.R[RegFrm] & 7
	case csrFcsr:
		return c.R[RegFrm]&7<<5 | c.R[RegFflags]&31
	case csrTime:
		return c.Nondet(uint64(monotonicNanos() / (1e9 / TimebaseHz)))
	case csrCycle, csrInstret:
		// A monotonic count, as qemu-user returns host ticks for both.
		return c.Nondet(uint64(monotonicNanos()))
	}
	return 0
}

func csrWrite(c *translate.CPU, n uint32, v uint64) {
	switch n {
	case csrFflags:
		c.R[RegFflags] = v & 31
	case csrFrm:
		c.R[RegFrm] = v & 7
	case csrFcsr:
		c.R[RegFflags] = v & 31
		c.R[RegFrm] = v >> 5 & 7
	}
}

// monotonicNanos reads the host's CLOCK_MONOTONIC: one clock_gettime at
// start-up, then Go's monotonic clock (the same clock, read via the vDSO)
// for the elapsed time.
func monotonicNanos() int64 { return monoBase + int64(time.Since(monoStart)) }

// monoBase is read just before monoStart, so the sum never runs ahead of
// the host clock.
var monoBase, monoStart = func() (int64, time.Time) {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano(), time.Now()
}()
