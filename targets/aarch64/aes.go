package aarch64

import "encoding/binary"

// FEAT_AES (ARM ARM C7.2 AESE, AESD, AESMC, AESIMC and the shared
// pseudocode AESSubBytes, AESShiftRows, AESMixColumns and their inverses).
// The 128-bit register is the AES state with byte i = state[i mod 4][i/4]
// (FIPS-197 §3.4: the input bytes fill the state column by column).

// aesSbox and aesInvSbox are FIPS-197 §5.1.1 SubBytes and §5.3.2
// InvSubBytes, computed at start-up: the multiplicative inverse in GF(2^8)
// (0 maps to 0) followed by the affine transformation.
var aesSbox, aesInvSbox [256]byte

// gmulK[x] is x·K in GF(2^8), for the MixColumns coefficients K.
var gmul1, gmul2, gmul3, gmul9, gmul11, gmul13, gmul14 [256]byte

// gfMul multiplies in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 §4.2).
func gfMul(a, b byte) byte {
	var p byte
	for b != 0 {
		if b&1 != 0 {
			p ^= a
		}
		carry := a & 0x80
		a <<= 1
		if carry != 0 {
			a ^= 0x1b
		}
		b >>= 1
	}
	return p
}

func init() {
	for x := 0; x < 256; x++ {
		inv := byte(0)
		for y := 1; y < 256 && x != 0; y++ {
			if gfMul(byte(x), byte(y)) == 1 {
				inv = byte(y)
				break
			}
		}
		// b'_i = b_i ^ b_(i+4) ^ b_(i+5) ^ b_(i+6) ^ b_(i+7) ^ c_i, c = 0x63
		s := inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63
		aesSbox[x] = s
		aesInvSbox[s] = byte(x)
		b := byte(x)
		gmul1[x], gmul2[x], gmul3[x], gmul9[x] = b, gfMul(b, 2), gfMul(b, 3), gfMul(b, 9)
		gmul11[x], gmul13[x], gmul14[x] = gfMul(b, 11), gfMul(b, 13), gfMul(b, 14)
	}
}

func rotl8(b byte, n uint) byte { return b<<n | b>>(8-n) }

// aesShiftRowsSrc[i] is the state byte ShiftRows moves to byte i: row r
// rotates left by r columns (FIPS-197 §5.1.2); aesInvShiftRowsSrc undoes it.
var aesShiftRowsSrc, aesInvShiftRowsSrc [16]byte

func init() {
	for c := 0; c < 4; c++ {
		for r := 0; r < 4; r++ {
			aesShiftRowsSrc[r+4*c] = byte(r + 4*((c+r)%4))
			aesInvShiftRowsSrc[r+4*c] = byte(r + 4*((c-r+4)%4))
		}
	}
}

type aesState = [16]byte

func vecToState(v vec) (s aesState) {
	binary.LittleEndian.PutUint64(s[:8], v[0])
	binary.LittleEndian.PutUint64(s[8:], v[1])
	return s
}

func stateToVec(s *aesState) vec {
	return vec{binary.LittleEndian.Uint64(s[:8]), binary.LittleEndian.Uint64(s[8:])}
}

// aesRound is AESE and AESD: the key added, then the (inverse) ShiftRows
// and SubBytes (the two commute).
func aesRound(d, n vec, shiftSrc *[16]byte, sbox *[256]byte) vec {
	in := vecToState(vec{d[0] ^ n[0], d[1] ^ n[1]})
	var out aesState
	for i := range out {
		out[i] = sbox[in[shiftSrc[i]]]
	}
	return stateToVec(&out)
}

// mixColumns multiplies each column by the circulant matrix whose first
// row's products are the tables k: MixColumns (FIPS-197 §5.1.3, {02}{03}
// {01}{01}) and InvMixColumns (§5.3.3, {0e}{0b}{0d}{09}).
func mixColumns(n vec, k *[4]*[256]byte) vec {
	s := vecToState(n)
	var out aesState
	for c := 0; c < 16; c += 4 {
		for i := 0; i < 4; i++ {
			out[c+i] = k[0][s[c+i]] ^ k[1][s[c+(i+1)%4]] ^ k[2][s[c+(i+2)%4]] ^ k[3][s[c+(i+3)%4]]
		}
	}
	return stateToVec(&out)
}

var (
	mixCoeffs    = [4]*[256]byte{&gmul2, &gmul3, &gmul1, &gmul1}
	invMixCoeffs = [4]*[256]byte{&gmul14, &gmul11, &gmul13, &gmul9}
)

// The instructions (Vd is d, Vn is n).
func aese(d, n vec) vec      { return aesRound(d, n, &aesShiftRowsSrc, &aesSbox) }
func aesd(d, n vec) vec      { return aesRound(d, n, &aesInvShiftRowsSrc, &aesInvSbox) }
func aesmc(_, n, _ vec) vec  { return mixColumns(n, &mixCoeffs) }
func aesimc(_, n, _ vec) vec { return mixColumns(n, &invMixCoeffs) }
func aeseOp(d, n, _ vec) vec { return aese(d, n) }
func aesdOp(d, n, _ vec) vec { return aesd(d, n) }
