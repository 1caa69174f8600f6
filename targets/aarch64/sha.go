package aarch64

import (
	"math/bits"

	"github.com/gemu-project/gemu/translate"
)

// FEAT_SHA1, FEAT_SHA256 and FEAT_SHA512 (ARM ARM C7.2 SHA1C … SHA512SU1
// and the shared pseudocode SHAchoose, SHAparity, SHAmajority,
// SHA256hash). A vector is four 32-bit words (w[0] = bits 31:0) or two
// 64-bit ones (lo = bits 63:0).

type words4 = [4]uint32

func vecWords(v vec) words4 {
	return words4{uint32(v[0]), uint32(v[0] >> 32), uint32(v[1]), uint32(v[1] >> 32)}
}

func wordsVec(w words4) vec {
	return vec{uint64(w[0]) | uint64(w[1])<<32, uint64(w[2]) | uint64(w[3])<<32}
}

func shaChoose(x, y, z uint32) uint32   { return (y^z)&x ^ z }
func shaParity(x, y, z uint32) uint32   { return x ^ y ^ z }
func shaMajority(x, y, z uint32) uint32 { return x&y | (x|y)&z }

func rol32(x uint32, n int) uint32 { return bits.RotateLeft32(x, n) }
func ror32(x uint32, n int) uint32 { return bits.RotateLeft32(x, -n) }
func ror64(x uint64, n int) uint64 { return bits.RotateLeft64(x, -n) }

// sha1Hash is four SHA-1 rounds of SHA1C, SHA1P or SHA1M: x = abcd (a in
// word 0), y = e, w = the four message words plus constants.
func sha1Hash(x vec, y uint32, w vec, f func(x, y, z uint32) uint32) vec {
	s, m := vecWords(x), vecWords(w)
	for e := 0; e < 4; e++ {
		t := f(s[1], s[2], s[3])
		y += rol32(s[0], 5) + t + m[e]
		s[1] = rol32(s[1], 30)
		// <Y, X> = ROL(Y:X, 32)
		s, y = words4{y, s[0], s[1], s[2]}, s[3]
	}
	return wordsVec(s)
}

// sha1su0 is SHA1SU0: (n<63:0>:d<127:64>) ^ d ^ m.
func sha1su0(d, n, m vec) vec {
	return vec{d[1] ^ d[0] ^ m[0], n[0] ^ d[1] ^ m[1]}
}

// sha1su1 is SHA1SU1.
func sha1su1(d, n, _ vec) vec {
	t := vecWords(vec{d[0] ^ (n[0]>>32 | n[1]<<32), d[1] ^ n[1]>>32})
	return wordsVec(words4{rol32(t[0], 1), rol32(t[1], 1), rol32(t[2], 1), rol32(t[3], 1) ^ rol32(t[0], 2)})
}

func sha256Sigma0(x uint32) uint32 { return ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22) }
func sha256Sigma1(x uint32) uint32 { return ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25) }

// sha256Hash is the ARM ARM's SHA256hash: four SHA-256 rounds on x = abcd
// and y = efgh (a and e in word 0); part1 returns the new abcd (SHA256H),
// otherwise the new efgh (SHA256H2).
func sha256Hash(xv, yv, wv vec, part1 bool) vec {
	x, y, w := vecWords(xv), vecWords(yv), vecWords(wv)
	for e := 0; e < 4; e++ {
		chs := shaChoose(y[0], y[1], y[2])
		maj := shaMajority(x[0], x[1], x[2])
		t := y[3] + sha256Sigma1(y[0]) + chs + w[e]
		x[3] += t
		y[3] = t + sha256Sigma0(x[0]) + maj
		// <Y, X> = ROL(Y:X, 32)
		x, y = words4{y[3], x[0], x[1], x[2]}, words4{x[3], y[0], y[1], y[2]}
	}
	if part1 {
		return wordsVec(x)
	}
	return wordsVec(y)
}

// sha256su0 is SHA256SU0: d + σ0 of the words one along (n<31:0>:d<127:32>).
func sha256su0(d, n, _ vec) vec {
	dw, t := vecWords(d), vecWords(vec{d[0]>>32 | d[1]<<32, d[1]>>32 | n[0]<<32})
	var r words4
	for e := range r {
		r[e] = ror32(t[e], 7) ^ ror32(t[e], 18) ^ t[e]>>3 + dw[e]
	}
	return wordsVec(r)
}

// sha256su1 is SHA256SU1: adds σ1 of the words two back (the first two from
// m<127:64>, the last two from the result) and the words seven back
// (m<31:0>:n<127:32>).
func sha256su1(d, n, m vec) vec {
	dw := vecWords(d)
	t0 := vecWords(vec{n[0]>>32 | n[1]<<32, n[1]>>32 | m[0]<<32})
	mw := vecWords(m)
	sigma1 := func(x uint32) uint32 { return ror32(x, 17) ^ ror32(x, 19) ^ x>>10 }
	var r words4
	r[0] = sigma1(mw[2]) + dw[0] + t0[0]
	r[1] = sigma1(mw[3]) + dw[1] + t0[1]
	r[2] = sigma1(r[0]) + dw[2] + t0[2]
	r[3] = sigma1(r[1]) + dw[3] + t0[3]
	return wordsVec(r)
}

func sha512Sigma0(x uint64) uint64 { return ror64(x, 28) ^ ror64(x, 34) ^ ror64(x, 39) }
func sha512Sigma1(x uint64) uint64 { return ror64(x, 14) ^ ror64(x, 18) ^ ror64(x, 41) }

// sha512h is SHA512H Qd, Qn, Vm.2D with w = Vd, x = Vn, y = Vm: the T1
// terms of two rounds (y<127:64> = e, x<63:0> = f, x<127:64> = g,
// y<63:0> = d, w = h + K + W per round, the first round in the top half).
func sha512h(w, x, y vec) vec {
	var r vec
	r[1] = y[1]&x[0] ^ ^y[1]&x[1]
	r[1] += sha512Sigma1(y[1]) + w[1]
	tmp := r[1] + y[0]
	r[0] = tmp&y[1] ^ ^tmp&x[0]
	r[0] += sha512Sigma1(tmp) + w[0]
	return r
}

// sha512h2 is SHA512H2 Qd, Qn, Vm.2D with w = Vd (the T1 terms), x = Vn,
// y = Vm: the new a of two rounds (y<63:0> = a, y<127:64> = b, x<63:0> = c).
func sha512h2(w, x, y vec) vec {
	var r vec
	r[1] = x[0]&y[1] ^ x[0]&y[0] ^ y[1]&y[0]
	r[1] += sha512Sigma0(y[0]) + w[1]
	r[0] = r[1]&y[0] ^ r[1]&y[1] ^ y[1]&y[0]
	r[0] += sha512Sigma0(r[1]) + w[0]
	return r
}

func sha512sigma0(x uint64) uint64 { return ror64(x, 1) ^ ror64(x, 8) ^ x>>7 }
func sha512sigma1(x uint64) uint64 { return ror64(x, 19) ^ ror64(x, 61) ^ x>>6 }

// sha512su0 is SHA512SU0 Vd.2D, Vn.2D: w = Vd, x = Vn.
func sha512su0(w, x, _ vec) vec {
	return vec{w[0] + sha512sigma0(w[1]), w[1] + sha512sigma0(x[0])}
}

// sha512su1 is SHA512SU1 Vd.2D, Vn.2D, Vm.2D: w = Vd, x = Vn, y = Vm.
func sha512su1(w, x, y vec) vec {
	return vec{w[0] + sha512sigma1(x[0]) + y[0], w[1] + sha512sigma1(x[1]) + y[1]}
}

// vecOp is an instruction as a function of Vd, Vn and Vm (unused ones
// ignored); vecHelper turns it into the helper.
type vecOp func(d, n, m vec) vec

func vecHelper(f vecOp) translate.HelperFn {
	return func(c *translate.CPU, o *translate.Op) translate.ExitKind {
		r := f(readV(c, o.Dst), readV(c, o.A), readV(c, o.B))
		c.R[o.Dst], c.R[o.Dst+1] = r[0], r[1]
		return translate.ExitNone
	}
}

// The instructions in operand order: SHA1C/P/M Qd, Sn, Vm.4S; SHA256H
// Qd, Qn; SHA256H2 Qd (efgh), Qn (abcd); SHA1H Sd, Sn zeroes the rest of Vd.
func sha1c(d, n, m vec) vec    { return sha1Hash(d, uint32(n[0]), m, shaChoose) }
func sha1p(d, n, m vec) vec    { return sha1Hash(d, uint32(n[0]), m, shaParity) }
func sha1m(d, n, m vec) vec    { return sha1Hash(d, uint32(n[0]), m, shaMajority) }
func sha1h(_, n, _ vec) vec    { return vec{uint64(rol32(uint32(n[0]), 30)), 0} }
func sha256h(d, n, m vec) vec  { return sha256Hash(d, n, m, true) }
func sha256h2(d, n, m vec) vec { return sha256Hash(n, d, m, false) }
