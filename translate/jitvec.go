package translate

import (
	"github.com/gemu-project/gemu/translate/x64"
)

// Tier 2's SSE4.1 forms of described vector helpers (vec.go). The
// operands are read from CPU.R after storing any dirty cached copy of
// their slots; the result is written to CPU.R and the destination's
// cached copies are dropped.

// The widening moves and PMULLD/PMULDQ are SSE4.1; the SHA-256 kinds
// need the SHA extensions and SSSE3 (hostCPU).

// hostVec reports whether op gets an SSE form.
func (c *jitCompiler) hostVec(op *Op) bool {
	k := op.Vec.Kind
	switch {
	case op.Code != OpCall || k == VecNone || k >= numVecKinds:
		return false
	case k >= VecAESE:
		return hostCPU().aes
	case k == VecCntB:
		return hostCPU().ssse3
	case k == VecCmpEq:
		return op.Vec.Flags&VecESMask != VecES64 || hostCPU().sse41
	case k == VecAddP:
		es := op.Vec.Flags & VecESMask
		return es == VecES8 || es == VecES64 || hostCPU().ssse3
	case k >= VecAdd:
		return true // SSE2 (the adds and the selects)
	case k >= VecSHA256H:
		return hostCPU().sha && hostCPU().ssse3
	}
	return hostCPU().sse41 && op.Vec.Flags&VecESMask <= VecES32
}

// Per narrow element size (8, 16, 32 bits): the widening moves and the
// wide multiply.
var (
	vecExtend = [2][3]x64.PI{{x64.PMOVZXBW, x64.PMOVZXWD, x64.PMOVZXDQ}, {x64.PMOVSXBW, x64.PMOVSXWD, x64.PMOVSXDQ}}
	vecMul    = [2][3]x64.PI{{x64.PMULLW, x64.PMULLD, x64.PMULUDQ}, {x64.PMULLW, x64.PMULLD, x64.PMULDQ}}
	// Lane-wise add and subtract by element size (8 to 64 bits); the
	// widening ops use them one size up.
	laneAdd = [4]x64.PI{x64.PADDB, x64.PADDW, x64.PADDD, x64.PADDQ}
	laneSub = [4]x64.PI{x64.PSUBB, x64.PSUBW, x64.PSUBD, x64.PSUBQ}
)

// vecGroups are the kinds lowered apart from the widening ones, each
// group from its first kind (vec.go's order), the last group first.
var vecGroups = []struct {
	from  VecKind
	lower func(*jitCompiler, *Op)
}{
	{VecAESE, (*jitCompiler).aesOp},
	{VecCmpEq, (*jitCompiler).compareOrPairOp},
	{VecCntB, (*jitCompiler).byteCountOp},
	{VecBitSel, (*jitCompiler).selectOp},
	{VecAdd, (*jitCompiler).laneOp},
	{VecSHA256H, (*jitCompiler).sha256Op},
}

// vecOp lowers a described vector helper call.
func (c *jitCompiler) vecOp(op *Op) {
	f := op.Vec
	for _, g := range vecGroups {
		if f.Kind >= g.from {
			g.lower(c, op)
			return
		}
	}
	a := &c.a
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
		a.PackedRR(laneAdd[es+1], x64.X0, x64.X1)
	case VecSubLong:
		a.PackedRR(laneSub[es+1], x64.X0, x64.X1)
	case VecMulLong:
		a.PackedRR(vecMul[signed][es], x64.X0, x64.X1)
	case VecMlaLong, VecMlsLong:
		a.PackedRR(vecMul[signed][es], x64.X0, x64.X1)
		a.LoadDQU(x64.X2, regMem(op.Dst))
		if f.Kind == VecMlaLong {
			a.PackedRR(laneAdd[es+1], x64.X2, x64.X0)
		} else {
			a.PackedRR(laneSub[es+1], x64.X2, x64.X0)
		}
		res = x64.X2
	}
	c.vecResult(op, res, false)
}

// storeVecSlots stores the dirty cached copies of both halves of op's
// Dst, A and B, which the SSE forms read from CPU.R.
func (c *jitCompiler) storeVecSlots(op *Op) {
	for _, r := range []uint8{op.Dst, op.Dst + 1, op.A, op.A + 1, op.B, op.B + 1} {
		c.storeSlot(r)
	}
}

// vecResult writes x to op's Dst in CPU.R (its upper half cleared when
// half) and drops the stale cached copies.
func (c *jitCompiler) vecResult(op *Op, x x64.X, half bool) {
	if half {
		c.a.MovqXX(x, x)
	}
	c.a.StoreDQU(regMem(op.Dst), x)
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

// sha256Op lowers the SHA-256 kinds with SHA256RNDS2/MSG1/MSG2. x86
// keeps the state as ABEF and CDGH (A in the top lane), Arm as abcd and
// efgh (a in lane 0): SHUFPS converts. Two SHA256RNDS2 make Arm's four
// rounds; after two rounds the old ABEF is the new CDGH.
func (c *jitCompiler) sha256Op(op *Op) {
	a := &c.a
	c.storeVecSlots(op)
	switch op.Vec.Kind {
	case VecSHA256H, VecSHA256H2:
		abcd, efgh := op.Dst, op.A
		if op.Vec.Kind == VecSHA256H2 {
			abcd, efgh = op.A, op.Dst
		}
		a.LoadDQU(x64.X1, regMem(abcd))
		a.LoadDQU(x64.X2, regMem(efgh))
		a.MovXX(x64.X3, x64.X2)
		a.Shufps(x64.X3, x64.X1, 0x11) // ABEF
		a.Shufps(x64.X2, x64.X1, 0xbb) // CDGH
		a.LoadDQU(x64.X0, regMem(op.B))
		a.Sha256Rnds2(x64.X2, x64.X3) // X2: ABEF after two rounds; X3 is their CDGH
		a.Pshufd(x64.X0, x64.X0, 0x0e)
		a.Sha256Rnds2(x64.X3, x64.X2) // X3: ABEF after four; X2 their CDGH
		if op.Vec.Kind == VecSHA256H {
			a.Shufps(x64.X3, x64.X2, 0xbb) // abcd
		} else {
			a.Shufps(x64.X3, x64.X2, 0x11) // efgh
		}
	case VecSHA256SU0:
		a.LoadDQU(x64.X3, regMem(op.Dst))
		a.LoadDQU(x64.X2, regMem(op.A))
		a.Sha256Msg1(x64.X3, x64.X2)
	case VecSHA256SU1:
		// Arm adds the words seven back (A's last three, B's first),
		// which SHA256MSG2 expects already added.
		a.LoadDQU(x64.X1, regMem(op.B))
		a.LoadDQU(x64.X2, regMem(op.A))
		a.Palignr(x64.X1, x64.X2, 4)
		a.LoadDQU(x64.X3, regMem(op.Dst))
		a.PackedRR(x64.PADDD, x64.X3, x64.X1)
		a.LoadDQU(x64.X2, regMem(op.B))
		a.Sha256Msg2(x64.X3, x64.X2)
	}
	c.vecResult(op, x64.X3, false)
}

// laneOp lowers VecAdd and VecSub: PADD/PSUB of the element size.
func (c *jitCompiler) laneOp(op *Op) {
	c.storeVecSlots(op)
	es := op.Vec.Flags & VecESMask
	c.a.LoadDQU(x64.X0, regMem(op.A))
	c.a.LoadDQU(x64.X1, regMem(op.B))
	if op.Vec.Kind == VecAdd {
		c.a.PackedRR(laneAdd[es], x64.X0, x64.X1)
	} else {
		c.a.PackedRR(laneSub[es], x64.X0, x64.X1)
	}
	c.vecResult(op, x64.X0, op.Vec.Flags&VecHalf != 0)
}

// selectOp lowers the bitwise selects as x ^ ((y ^ x) & mask).
func (c *jitCompiler) selectOp(op *Op) {
	a := &c.a
	c.storeVecSlots(op)
	a.LoadDQU(x64.X0, regMem(op.A))
	a.LoadDQU(x64.X1, regMem(op.B))
	a.LoadDQU(x64.X2, regMem(op.Dst))
	res := x64.X0
	switch op.Vec.Kind {
	case VecBitSel: // B ^ ((A ^ B) & Dst)
		a.PackedRR(x64.PXOR, x64.X0, x64.X1)
		a.PackedRR(x64.PAND, x64.X0, x64.X2)
		a.PackedRR(x64.PXOR, x64.X0, x64.X1)
	case VecBitInsT: // Dst ^ ((A ^ Dst) & B)
		a.PackedRR(x64.PXOR, x64.X0, x64.X2)
		a.PackedRR(x64.PAND, x64.X0, x64.X1)
		a.PackedRR(x64.PXOR, x64.X0, x64.X2)
	case VecBitInsF: // Dst ^ ((A ^ Dst) &^ B)
		a.PackedRR(x64.PXOR, x64.X0, x64.X2)
		a.PackedRR(x64.PANDN, x64.X1, x64.X0)
		a.PackedRR(x64.PXOR, x64.X1, x64.X2)
		res = x64.X1
	}
	c.vecResult(op, res, op.Vec.Flags&VecHalf != 0)
}

// Nibble masks and the ones in each nibble value, for CNT by PSHUFB.
const (
	nibbleMask     = 0x0f0f0f0f0f0f0f0f
	nibbleOnesLow  = 0x0302020102010100 // nibbles 0-7
	nibbleOnesHigh = 0x0403030203020201 // nibbles 8-15
)

// byteCountOp lowers VecCntB (each byte's low and high nibble looked up
// in a 16-entry table by PSHUFB) and VecAddlvB (PSADBW against zero sums
// each 8-byte half).
func (c *jitCompiler) byteCountOp(op *Op) {
	a := &c.a
	c.storeVecSlots(op)
	a.LoadDQU(x64.X0, regMem(op.A))
	half := op.Vec.Flags&VecHalf != 0
	if op.Vec.Kind == VecAddlvB {
		if half {
			a.MovqXX(x64.X0, x64.X0)
		}
		a.PackedRR(x64.PXOR, x64.X1, x64.X1)
		a.PackedRR(x64.PSADBW, x64.X0, x64.X1)
		a.Pshufd(x64.X1, x64.X0, 0x0e) // the upper half's sum
		a.PackedRR(x64.PADDQ, x64.X0, x64.X1)
		c.vecResult(op, x64.X0, true)
		return
	}
	a.MovImm64(x64.RAX, nibbleMask)
	a.MovXR(true, x64.X2, x64.RAX)
	a.Pshufd(x64.X2, x64.X2, 0x44)
	a.MovXX(x64.X1, x64.X0)
	a.PsrlwI(x64.X1, 4)
	a.PackedRR(x64.PAND, x64.X1, x64.X2)
	a.PackedRR(x64.PAND, x64.X0, x64.X2)
	a.MovImm64(x64.RAX, nibbleOnesLow)
	a.MovXR(true, x64.X2, x64.RAX)
	a.MovImm64(x64.RAX, nibbleOnesHigh)
	a.MovXR(true, x64.X3, x64.RAX)
	a.PackedRR(x64.PUNPCKLQDQ, x64.X2, x64.X3)
	a.MovXX(x64.X3, x64.X2)
	a.PackedRR(x64.PSHUFB, x64.X2, x64.X0)
	a.PackedRR(x64.PSHUFB, x64.X3, x64.X1)
	a.PackedRR(x64.PADDB, x64.X2, x64.X3)
	c.vecResult(op, x64.X2, half)
}

// aesRounds are the AES-NI instruction of each AES round kind.
var aesRounds = map[VecKind]x64.PI{VecAESE: x64.AESENCLAST, VecAESD: x64.AESDECLAST,
	VecAESEMC: x64.AESENC, VecAESDIMC: x64.AESDEC}

// aesOp lowers the AES kinds with AES-NI and a zero round key: AESENCLAST
// is ShiftRows and SubBytes (which commute), AESENC also MixColumns,
// AESDECLAST and AESDEC their inverses; MixColumns alone is AESENC after
// AESDECLAST, whose steps cancel the others'.
func (c *jitCompiler) aesOp(op *Op) {
	a := &c.a
	c.storeVecSlots(op)
	a.LoadDQU(x64.X0, regMem(op.A))
	a.PackedRR(x64.PXOR, x64.X1, x64.X1)
	switch k := op.Vec.Kind; k {
	case VecAESMC:
		a.PackedRR(x64.AESDECLAST, x64.X0, x64.X1)
		a.PackedRR(x64.AESENC, x64.X0, x64.X1)
	case VecAESIMC:
		a.PackedRR(x64.AESIMC, x64.X0, x64.X0)
	default:
		a.LoadDQU(x64.X2, regMem(op.Dst))
		a.PackedRR(x64.PXOR, x64.X0, x64.X2)
		a.PackedRR(aesRounds[k], x64.X0, x64.X1)
	}
	c.vecResult(op, x64.X0, false)
}

var (
	laneCmpEq = [4]x64.PI{x64.PCMPEQB, x64.PCMPEQW, x64.PCMPEQD, x64.PCMPEQQ}
	laneHAdd  = [4]x64.PI{2: x64.PHADDD, 1: x64.PHADDW}
)

// compareOrPairOp lowers VecCmpEq (PCMPEQ of the size) and VecAddP:
// PHADDW/PHADDD, two unpacks and PADDQ for 64-bit lanes, and for bytes
// each 16-bit lane's two bytes added into its low byte (PSRLW, PADDB,
// masked) and packed (PACKUSWB). A 64-bit form pairs A's and B's low
// halves in one register first.
func (c *jitCompiler) compareOrPairOp(op *Op) {
	a := &c.a
	c.storeVecSlots(op)
	es := op.Vec.Flags & VecESMask
	half := op.Vec.Flags&VecHalf != 0
	a.LoadDQU(x64.X0, regMem(op.A))
	a.LoadDQU(x64.X1, regMem(op.B))
	if op.Vec.Kind == VecCmpEq {
		a.PackedRR(laneCmpEq[es], x64.X0, x64.X1)
		c.vecResult(op, x64.X0, half)
		return
	}
	if half {
		a.PackedRR(x64.PUNPCKLQDQ, x64.X0, x64.X1)
		a.MovXX(x64.X1, x64.X0)
	}
	switch es {
	case VecES64:
		a.MovXX(x64.X2, x64.X0)
		a.PackedRR(x64.PUNPCKLQDQ, x64.X0, x64.X1)
		a.PackedRR(x64.PUNPCKHQDQ, x64.X2, x64.X1)
		a.PackedRR(x64.PADDQ, x64.X0, x64.X2)
	case VecES8:
		a.MovImm64(x64.RAX, 0x00ff00ff00ff00ff)
		a.MovXR(true, x64.X2, x64.RAX)
		a.Pshufd(x64.X2, x64.X2, 0x44)
		for _, x := range []x64.X{x64.X0, x64.X1} {
			a.MovXX(x64.X3, x)
			a.PsrlwI(x64.X3, 8)
			a.PackedRR(x64.PADDB, x, x64.X3)
			a.PackedRR(x64.PAND, x, x64.X2)
		}
		a.PackedRR(x64.PACKUSWB, x64.X0, x64.X1)
	default:
		a.PackedRR(laneHAdd[es], x64.X0, x64.X1)
	}
	c.vecResult(op, x64.X0, half)
}
