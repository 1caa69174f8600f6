package aarch64

import "math/bits"

// FEAT_AES (ARM ARM C7.2 AESE, AESD, AESMC, AESIMC and the shared
// pseudocode AESSubBytes, AESShiftRows, AESMixColumns and their inverses).
// The 128-bit register is the AES state with byte i = state[i mod 4][i/4]
// (FIPS-197 §3.4: the input bytes fill the state column by column).

// aesSbox and aesInvSbox are FIPS-197 §5.1.1 SubBytes and §5.3.2
// InvSubBytes, computed at start-up: the multiplicative inverse in GF(2^8)
// (0 maps to 0) followed by the affine transformation.
var aesSbox, aesInvSbox [256]byte

// The S-boxes are built from powers of the generator {03} of GF(2^8)'s
// multiplicative group (FIPS-197 §4.2, modulo x^8 + x^4 + x^3 + x + 1):
// the inverse of g^i is g^(255-i).
func init() {
	var exp [255]byte
	var log [256]int
	x := byte(1)
	for i := range exp {
		exp[i], log[x] = x, i
		x ^= byte(xtimes(uint64(x))) // x·{03} = x·{02} ^ x
	}
	for v := 0; v < 256; v++ {
		inv := byte(0)
		if v != 0 {
			inv = exp[(255-log[v])%255]
		}
		// b'_i = b_i ^ b_(i+4) ^ b_(i+5) ^ b_(i+6) ^ b_(i+7) ^ c_i, c = {63}
		s := inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63
		aesSbox[v] = s
		aesInvSbox[s] = byte(v)
	}
}

func rotl8(b byte, n uint) byte { return b<<n | b>>(8-n) }

// subBytes64 applies the S-box to each byte of x.
func subBytes64(x uint64, box *[256]byte) uint64 {
	return uint64(box[byte(x)]) | uint64(box[byte(x>>8)])<<8 | uint64(box[byte(x>>16)])<<16 |
		uint64(box[byte(x>>24)])<<24 | uint64(box[byte(x>>32)])<<32 | uint64(box[byte(x>>40)])<<40 |
		uint64(box[byte(x>>48)])<<48 | uint64(box[byte(x>>56)])<<56
}

// shiftRows is ShiftRows (FIPS-197 §5.1.2: row r moves r columns left, so
// byte r of column c comes from column c+r) or, with inverse, InvShiftRows
// (§5.3.1: from column c-r). Column c is bits 32c+31:32c of the state; the
// halves hold columns 0,1 and 2,3, a holds 1,2 and b holds 3,0.
func shiftRows(v vec, inverse bool) vec {
	const row0, row1, row2, row3 = 0x000000ff000000ff, 0x0000ff000000ff00, 0x00ff000000ff0000, 0xff000000ff000000
	lo, hi := v[0], v[1]
	a, b := lo>>32|hi<<32, hi>>32|lo<<32
	if inverse {
		a, b = b, a
	}
	return vec{lo&row0 | a&row1 | hi&row2 | b&row3, hi&row0 | b&row1 | lo&row2 | a&row3}
}

// aesRound is AESE and AESD: the key added, then the (inverse) ShiftRows
// and SubBytes (the two commute).
func aesRound(d, n *vec, inverse bool, box *[256]byte) vec {
	v := shiftRows(vec{d[0] ^ n[0], d[1] ^ n[1]}, inverse)
	return vec{subBytes64(v[0], box), subBytes64(v[1], box)}
}

// xtimes multiplies each byte by {02} (FIPS-197 §4.2.1 xtime).
func xtimes(x uint64) uint64 {
	const top = 0x8080808080808080
	return (x&^top)<<1 ^ (x&top)>>7*0x1b
}

// rotColumns turns each 32-bit column so that byte i takes byte i+k.
func rotColumns(x uint64, k uint) uint64 {
	s := 8 * k
	low := (uint64(1)<<(32-s) - 1) * 0x0000000100000001
	return x>>s&low | x<<(32-s)&^low
}

// mixColumns is MixColumns (FIPS-197 §5.1.3) on the two columns of one
// half: byte i = {02}a_i ^ {03}a_(i+1) ^ a_(i+2) ^ a_(i+3).
func mixColumns(x uint64) uint64 {
	r1 := rotColumns(x, 1)
	return xtimes(x^r1) ^ r1 ^ rotColumns(x, 2) ^ rotColumns(x, 3)
}

// invMixColumns is InvMixColumns (FIPS-197 §5.3.3): the matrix
// {0e}{0b}{0d}{09} is MixColumns times {04}x^2 + {05} ("The Design of
// Rijndael" §4.1.3), so a_i ^= {04}(a_i ^ a_(i+2)) first.
func invMixColumns(x uint64) uint64 {
	return mixColumns(x ^ xtimes(xtimes(x^rotColumns(x, 2))))
}

// The instructions (Vd is d, Vn is n).
func aese(d, n *vec) vec      { return aesRound(d, n, false, &aesSbox) }
func aesd(d, n *vec) vec      { return aesRound(d, n, true, &aesInvSbox) }
func aeseOp(d, n, _ *vec) vec { return aese(d, n) }
func aesdOp(d, n, _ *vec) vec { return aesd(d, n) }
func aesmc(_, n, _ *vec) vec  { return vec{mixColumns(n[0]), mixColumns(n[1])} }
func aesimc(_, n, _ *vec) vec { return vec{invMixColumns(n[0]), invMixColumns(n[1])} }

// aesemc and aesdimc are AESE then AESMC, AESD then AESIMC, on Vd: a whole
// round but the key, by tables of each input byte's contribution to its
// output column (SubBytes, then MixColumns or InvMixColumns: the 32-bit
// table form the Rijndael proposal describes), ShiftRows choosing the
// columns. (The init that fills the tables runs after the S-boxes': Go
// runs a file's init functions in order.)
func aesemc(d, n, _ *vec) vec  { return aesTableRound(d, n, &aesEncColumn, false) }
func aesdimc(d, n, _ *vec) vec { return aesTableRound(d, n, &aesDecColumn, true) }

// aesEncColumn[x] is the column MixColumns makes of S(x) in row 0 and
// zeros elsewhere ({02}, {01}, {01}, {03} times S(x), row 0 in the low
// byte); aesDecColumn the same for InvSubBytes and InvMixColumns ({0e},
// {09}, {0d}, {0b}). A byte in row r contributes the column rotated by r.
var aesEncColumn, aesDecColumn [256]uint32

func init() {
	mul := func(b byte, k int) uint32 { // b·k in GF(2^8), k < 16
		var p byte
		for i := 0; i < 4; i++ {
			if k>>i&1 != 0 {
				p ^= b
			}
			b = byte(xtimes(uint64(b)))
		}
		return uint32(p)
	}
	for x := 0; x < 256; x++ {
		s, si := aesSbox[x], aesInvSbox[x]
		aesEncColumn[x] = mul(s, 2) | mul(s, 1)<<8 | mul(s, 1)<<16 | mul(s, 3)<<24
		aesDecColumn[x] = mul(si, 14) | mul(si, 9)<<8 | mul(si, 13)<<16 | mul(si, 11)<<24
	}
}

func aesTableRound(d, n *vec, t *[256]uint32, inverse bool) vec {
	v0, v1 := d[0]^n[0], d[1]^n[1]
	col := [4]uint32{uint32(v0), uint32(v0 >> 32), uint32(v1), uint32(v1 >> 32)}
	var out [4]uint32
	for c := 0; c < 4; c++ {
		c1, c2, c3 := (c+1)&3, (c+2)&3, (c+3)&3 // row r from column c+r
		if inverse {
			c1, c3 = c3, c1 // row r from column c-r
		}
		out[c] = t[byte(col[c])] ^ bits.RotateLeft32(t[byte(col[c1]>>8)], 8) ^
			bits.RotateLeft32(t[byte(col[c2]>>16)], 16) ^ bits.RotateLeft32(t[byte(col[c3]>>24)], 24)
	}
	return vec{uint64(out[0]) | uint64(out[1])<<32, uint64(out[2]) | uint64(out[3])<<32}
}
