package translate

// Vector helpers described for tier 2. A target's AdvSIMD operation is an
// OpCall whose helper is exact; when the helper computes one of the
// integer forms below, the target also names it in Op.Vec, and tier 2
// computes it inline with SSE4.1 instead of leaving compiled code for the
// helper. The vector registers are pairs of slots in CPU.R (low half
// first). Op.Dst is the destination's low slot, A and B the sources'.

// VecKind is the operation of a described vector helper.
type VecKind uint8

const (
	VecNone VecKind = iota
	// Widening ops (Arm xADDL, xSUBL, xMULL, xMLAL, xMLSL): the narrow
	// elements of one half of A and B (VecHigh: the upper half) are
	// sign- or zero-extended (VecSigned) to twice their size; the wide
	// results fill Dst's 128 bits.
	VecAddLong // Dst = ext(A) + ext(B)
	VecSubLong // Dst = ext(A) - ext(B)
	VecMulLong // Dst = ext(A) * ext(B)
	VecMlaLong // Dst += ext(A) * ext(B)
	VecMlsLong // Dst -= ext(A) * ext(B)
	// SHA-256 steps as the Arm crypto extension lays them out (ARM ARM
	// SHA256H, SHA256H2, SHA256SU0, SHA256SU1; words in lane order): B
	// holds four message words plus constants.
	VecSHA256H   // Dst (abcd) = abcd after four rounds on Dst (abcd), A (efgh)
	VecSHA256H2  // Dst (efgh) = efgh after four rounds on A (abcd), Dst (efgh)
	VecSHA256SU0 // Dst = Dst + σ0 of the words one along (A's first after Dst's)
	VecSHA256SU1 // Dst = the next four schedule words from Dst, A, B
	// Lane-wise integer ops on whole registers (element size in the
	// flags, VecES64 too; VecHalf: 64-bit vectors, the upper half of Dst
	// cleared).
	VecAdd // Dst = A + B
	VecSub // Dst = A - B
	// Bitwise selects on whole registers (Arm BSL, BIT, BIF; VecHalf as
	// for VecAdd).
	VecBitSel  // Dst = A&Dst | B&^Dst
	VecBitInsT // Dst = A&B | Dst&^B
	VecBitInsF // Dst = Dst&B | A&^B
	// Bytes of A (VecHalf: its low 8, Dst's upper half cleared).
	VecCntB   // Dst = the number of ones in each byte of A (Arm CNT)
	VecAddlvB // Dst = the sum of A's bytes, 16 bits, the rest of Dst cleared (Arm UADDLV)
	// Lane-wise compare and pairwise add (element size in the flags,
	// VecHalf as for VecAdd).
	VecCmpEq // Dst = all ones in each lane where A's equals B's, else zero (Arm CMEQ)
	VecAddP  // Dst = sums of adjacent lanes of A, then of B (Arm ADDP)
	// AES rounds as Arm's crypto extension does them (ARM ARM AESE, AESD,
	// AESMC, AESIMC; state bytes in lane order, as x86's AES-NI has them).
	VecAESE    // Dst = SubBytes(ShiftRows(Dst ^ A))
	VecAESD    // Dst = InvSubBytes(InvShiftRows(Dst ^ A))
	VecAESMC   // Dst = MixColumns(A)
	VecAESIMC  // Dst = InvMixColumns(A)
	VecAESEMC  // AESE then AESMC of Dst
	VecAESDIMC // AESD then AESIMC of Dst
	numVecKinds
)

// Vector form flags: the narrow element size in the low bits.
const (
	VecES8    uint8 = 0
	VecES16   uint8 = 1
	VecES32   uint8 = 2
	VecES64   uint8 = 3 // VecAdd, VecSub, VecCmpEq, VecAddP only
	VecESMask uint8 = 3
	VecSigned uint8 = 1 << 2 // sign-extend the narrow elements
	VecHigh   uint8 = 1 << 3 // the narrow operands are the sources' upper halves
	VecHalf   uint8 = 1 << 4 // a 64-bit vector: Dst's upper half is cleared
)

// VecForm describes the helper of an OpCall (Kind VecNone: opaque).
type VecForm struct {
	Kind  VecKind
	Flags uint8
}
