package riscv64

import (
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// newTestHart is a hart over 1 MiB of RAM at 0x80000000, without devices.
func newTestHart(t *testing.T) *Hart {
	t.Helper()
	ram := make([]byte, 1<<20)
	return NewHart(translate.NewSystemEngine(&Arch{}), HartConfig{
		RAMBase: 0x80000000, RAM: ram, Code: NewCodePages(0x80000000, uint64(len(ram))),
		Time: func() uint64 { return 0 },
	})
}

// csrrs runs CSRRS n, rs1=v as the instruction would (the helper), in M.
func csrrs(t *testing.T, h *Hart, n uint32, v uint64) uint64 {
	t.Helper()
	h.CPU.R[5] = v
	op := &translate.Op{Code: translate.OpCall, Fn: sysCSRHelper, Dst: 6, A: 5, Imm: int64(n), Aux: csrRS, C: 1}
	if k := sysCSRHelper(h.CPU, op); k != translate.ExitNone {
		t.Fatalf("csrrs %#x: exit %d", n, k)
	}
	return h.CPU.R[6]
}

// TestMipRMWKeepsSEIPLine: CSRRS on mip reads SEIP as the OR of the
// software bit and the PLIC's line, but only the software bit takes part
// in the write (Volume II §3.1.9), so a set of SSIP while the line is high
// leaves no software SEIP behind once the line drops.
func TestMipRMWKeepsSEIPLine(t *testing.T) {
	h := newTestHart(t)
	h.SetLine(IntSEI, true)
	if old := csrrs(t, h, csrMip, 1<<IntSSI); old&(1<<IntSEI) == 0 {
		t.Errorf("csrrs mip read %#x: SEIP from the line missing", old)
	}
	h.SetLine(IntSEI, false)
	if p := h.pending(); p != 1<<IntSSI {
		t.Errorf("mip after the line dropped: %#x, want only SSIP (%#x)", p, 1<<IntSSI)
	}
	// The software bit itself stays writable by M-mode.
	csrrs(t, h, csrMip, 1<<IntSEI)
	if p := h.pending(); p&(1<<IntSEI) == 0 {
		t.Errorf("software SEIP not set: mip %#x", p)
	}
}
