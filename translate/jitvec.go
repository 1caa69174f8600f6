package translate

import (
	"golang.org/x/sys/cpu"

	"github.com/gemu-project/gemu/translate/x64"
)

// Tier 2's SSE4.1 forms of described vector helpers (vec.go). The
// operands are read from CPU.R after storing any dirty cached copy of
// their slots; the result is written to CPU.R and the destination's
// cached copies are dropped.

// hostSSE41: the widening moves and PMULLD/PMULDQ are SSE4.1.
var hostSSE41 = cpu.X86.HasSSE41

// hostVec reports whether op gets an SSE form.
func (c *jitCompiler) hostVec(op *Op) bool {
	return op.Code == OpCall && op.Vec.Kind != VecNone && op.Vec.Kind < numVecKinds && hostSSE41 &&
		op.Vec.Flags&VecESMask <= VecES32
}

// Per narrow element size (8, 16, 32 bits): the widening moves, the wide
// multiply, add and subtract.
var (
	vecExtend = [2][3]x64.PI{{x64.PMOVZXBW, x64.PMOVZXWD, x64.PMOVZXDQ}, {x64.PMOVSXBW, x64.PMOVSXWD, x64.PMOVSXDQ}}
	vecMul    = [2][3]x64.PI{{x64.PMULLW, x64.PMULLD, x64.PMULUDQ}, {x64.PMULLW, x64.PMULLD, x64.PMULDQ}}
	vecAdd    = [3]x64.PI{x64.PADDW, x64.PADDD, x64.PADDQ}
	vecSub    = [3]x64.PI{x64.PSUBW, x64.PSUBD, x64.PSUBQ}
)

// vecOp lowers a described vector helper call.
func (c *jitCompiler) vecOp(op *Op) {
	a := &c.a
	f := op.Vec
	es, signed := f.Flags&VecESMask, 0
	if f.Flags&VecSigned != 0 {
		signed = 1
	}
	half := uint8(0)
	if f.Flags&VecHigh != 0 {
		half = 1
	}
	for _, r := range []uint8{op.A + half, op.B + half, op.Dst, op.Dst + 1} {
		c.storeSlot(r)
	}
	// PMULDQ/PMULUDQ multiply the low 32 bits of each 64-bit lane, which
	// is where PMOVSXDQ/PMOVZXDQ put the elements.
	a.PackedRM(vecExtend[signed][es], x64.X0, regMem(op.A+half))
	a.PackedRM(vecExtend[signed][es], x64.X1, regMem(op.B+half))
	res := x64.X0
	switch f.Kind {
	case VecAddLong:
		a.PackedRR(vecAdd[es], x64.X0, x64.X1)
	case VecSubLong:
		a.PackedRR(vecSub[es], x64.X0, x64.X1)
	case VecMulLong:
		a.PackedRR(vecMul[signed][es], x64.X0, x64.X1)
	case VecMlaLong, VecMlsLong:
		a.PackedRR(vecMul[signed][es], x64.X0, x64.X1)
		a.LoadDQU(x64.X2, regMem(op.Dst))
		if f.Kind == VecMlaLong {
			a.PackedRR(vecAdd[es], x64.X2, x64.X0)
		} else {
			a.PackedRR(vecSub[es], x64.X2, x64.X0)
		}
		res = x64.X2
	}
	a.StoreDQU(regMem(op.Dst), res)
	c.rc.forget(op.Dst)
	c.rc.forget(op.Dst + 1)
}

// storeSlot writes guest register r's cached value to CPU.R if it is
// dirty; it stays cached, now clean.
func (c *jitCompiler) storeSlot(r uint8) {
	if h, ok := c.rc.lookup(r); ok && c.rc.dirty[h] {
		c.a.Store(8, regMem(r), h)
		c.rc.dirty[h] = false
	}
}
