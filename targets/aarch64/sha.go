package aarch64

import (
	"math/bits"
	"unsafe"

	"github.com/gemu-project/gemu/translate"
)

// FEAT_SHA1, FEAT_SHA256 and FEAT_SHA512 (ARM ARM C7.2 SHA1C … SHA512SU1
// and the shared pseudocode SHAchoose, SHAparity, SHAmajority,
// SHA256hash). A vector is four 32-bit words (word 0 = bits 31:0) or two
// 64-bit ones (vec[0] = bits 63:0).

func shaChoose(x, y, z uint32) uint32   { return (y^z)&x ^ z }
func shaParity(x, y, z uint32) uint32   { return x ^ y ^ z }
func shaMajority(x, y, z uint32) uint32 { return x&y | (x|y)&z }

// The SHA-1 round functions of SHA1C, SHA1P and SHA1M.
const (
	sha1Choose = iota
	sha1Parity
	sha1Majority
)

func sha1F(kind int, x, y, z uint32) uint32 {
	switch kind {
	case sha1Choose:
		return shaChoose(x, y, z)
	case sha1Parity:
		return shaParity(x, y, z)
	}
	return shaMajority(x, y, z)
}

func rol32(x uint32, n int) uint32 { return bits.RotateLeft32(x, n) }
func ror32(x uint32, n int) uint32 { return bits.RotateLeft32(x, -n) }
func ror64(x uint64, n int) uint64 { return bits.RotateLeft64(x, -n) }

// sha1Hash is four SHA-1 rounds of SHA1C, SHA1P or SHA1M: x = abcd (a in
// word 0), e, and w = the four message words plus constants. Each round of
// the pseudocode ends with <Y, X> = ROL(Y:X, 32), the usual renaming of the
// working variables: here the names rotate instead of the values.
func sha1Hash(x *vec, e uint32, w *vec, kind int) vec {
	a, b, c, d := uint32(x[0]), uint32(x[0]>>32), uint32(x[1]), uint32(x[1]>>32)
	e += rol32(a, 5) + sha1F(kind, b, c, d) + uint32(w[0])
	b = rol32(b, 30)
	d += rol32(e, 5) + sha1F(kind, a, b, c) + uint32(w[0]>>32)
	a = rol32(a, 30)
	c += rol32(d, 5) + sha1F(kind, e, a, b) + uint32(w[1])
	e = rol32(e, 30)
	b += rol32(c, 5) + sha1F(kind, d, e, a) + uint32(w[1]>>32)
	d = rol32(d, 30)
	return vec{uint64(b) | uint64(c)<<32, uint64(d) | uint64(e)<<32}
}

// sha1su0 is SHA1SU0: (n<63:0>:d<127:64>) ^ d ^ m.
func sha1su0(d, n, m *vec) vec {
	return vec{d[1] ^ d[0] ^ m[0], n[0] ^ d[1] ^ m[1]}
}

// sha1su1 is SHA1SU1: T = d ^ (n >> 32), each word rotated left by one,
// the top one also xored with word 0 of T rotated by two.
func sha1su1(d, n, _ *vec) vec {
	t0, t1 := uint32(d[0])^uint32(n[0]>>32), uint32(d[0]>>32)^uint32(n[1])
	t2, t3 := uint32(d[1])^uint32(n[1]>>32), uint32(d[1]>>32)
	return vec{pack32(rol32(t0, 1), rol32(t1, 1)), pack32(rol32(t2, 1), rol32(t3, 1)^rol32(t0, 2))}
}

func sha256Sigma0(x uint32) uint32 { return ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22) }
func sha256Sigma1(x uint32) uint32 { return ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25) }

// sha256Hash is the ARM ARM's SHA256hash: four SHA-256 rounds on x = abcd
// and y = efgh (a and e in word 0); part1 returns the new abcd (SHA256H),
// otherwise the new efgh (SHA256H2). As in sha1Hash, the names rotate.
func sha256Hash(x, y, w *vec, part1 bool) vec {
	a, b, c, d := uint32(x[0]), uint32(x[0]>>32), uint32(x[1]), uint32(x[1]>>32)
	e, f, g, h := uint32(y[0]), uint32(y[0]>>32), uint32(y[1]), uint32(y[1]>>32)
	t := h + sha256Sigma1(e) + shaChoose(e, f, g) + uint32(w[0])
	d += t
	h = t + sha256Sigma0(a) + shaMajority(a, b, c)
	t = g + sha256Sigma1(d) + shaChoose(d, e, f) + uint32(w[0]>>32)
	c += t
	g = t + sha256Sigma0(h) + shaMajority(h, a, b)
	t = f + sha256Sigma1(c) + shaChoose(c, d, e) + uint32(w[1])
	b += t
	f = t + sha256Sigma0(g) + shaMajority(g, h, a)
	t = e + sha256Sigma1(b) + shaChoose(b, c, d) + uint32(w[1]>>32)
	a += t
	e = t + sha256Sigma0(f) + shaMajority(f, g, h)
	if part1 { // the new a, b, c, d are now named e, f, g, h
		return vec{uint64(e) | uint64(f)<<32, uint64(g) | uint64(h)<<32}
	}
	return vec{uint64(a) | uint64(b)<<32, uint64(c) | uint64(d)<<32}
}

func sha256sigma0(x uint32) uint32 { return ror32(x, 7) ^ ror32(x, 18) ^ x>>3 }
func sha256sigma1(x uint32) uint32 { return ror32(x, 17) ^ ror32(x, 19) ^ x>>10 }

func pack32(lo, hi uint32) uint64 { return uint64(lo) | uint64(hi)<<32 }

// sha256su0 is SHA256SU0: d + σ0 of the words one along (n<31:0>:d<127:32>).
func sha256su0(d, n, _ *vec) vec {
	return vec{
		pack32(uint32(d[0])+sha256sigma0(uint32(d[0]>>32)), uint32(d[0]>>32)+sha256sigma0(uint32(d[1]))),
		pack32(uint32(d[1])+sha256sigma0(uint32(d[1]>>32)), uint32(d[1]>>32)+sha256sigma0(uint32(n[0]))),
	}
}

// sha256su1 is SHA256SU1: adds σ1 of the words two back (the first two from
// m<127:64>, the last two from the result) and the words seven back
// (m<31:0>:n<127:32>).
func sha256su1(d, n, m *vec) vec {
	r0 := uint32(d[0]) + sha256sigma1(uint32(m[1])) + uint32(n[0]>>32)
	r1 := uint32(d[0]>>32) + sha256sigma1(uint32(m[1]>>32)) + uint32(n[1])
	r2 := uint32(d[1]) + sha256sigma1(r0) + uint32(n[1]>>32)
	r3 := uint32(d[1]>>32) + sha256sigma1(r1) + uint32(m[0])
	return vec{pack32(r0, r1), pack32(r2, r3)}
}

func sha512Sigma0(x uint64) uint64 { return ror64(x, 28) ^ ror64(x, 34) ^ ror64(x, 39) }
func sha512Sigma1(x uint64) uint64 { return ror64(x, 14) ^ ror64(x, 18) ^ ror64(x, 41) }

// sha512h is SHA512H Qd, Qn, Vm.2D with w = Vd, x = Vn, y = Vm: the T1
// terms of two rounds (y<127:64> = e, x<63:0> = f, x<127:64> = g,
// y<63:0> = d, w = h + K + W per round, the first round in the top half).
func sha512h(w, x, y *vec) vec {
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
func sha512h2(w, x, y *vec) vec {
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
func sha512su0(w, x, _ *vec) vec {
	return vec{w[0] + sha512sigma0(w[1]), w[1] + sha512sigma0(x[0])}
}

// sha512su1 is SHA512SU1 Vd.2D, Vn.2D, Vm.2D: w = Vd, x = Vn, y = Vm.
func sha512su1(w, x, y *vec) vec {
	return vec{w[0] + sha512sigma1(x[0]) + y[0], w[1] + sha512sigma1(x[1]) + y[1]}
}

// vecOp is an instruction as a function of Vd, Vn and Vm (unused ones
// ignored): the semantics the helpers below and the tests share.
type vecOp func(d, n, m *vec) vec

// operands points at Vd, Vn and Vm of a helper's op, put writes Vd (the
// semantic functions read every operand before put, so Vd may alias any):
// helpers are plain functions over them. (A closure around a vecOp costs a
// second indirect call, and vectors passed by value go through memory:
// together three quarters of SHA256H's time.)
func operands(c *translate.CPU, o *translate.Op) (d, n, m *vec) {
	return vecAt(c, o.Dst), vecAt(c, o.A), vecAt(c, o.B)
}

// vecAt is vector register slot s as a vec (slots are at most RegV0+63).
func vecAt(c *translate.CPU, s uint8) *vec { return (*vec)(unsafe.Pointer(&c.R[s])) }

func put(c *translate.CPU, o *translate.Op, r vec) translate.ExitKind {
	*vecAt(c, o.Dst) = r
	return translate.ExitNone
}

// The instructions in operand order: SHA1C/P/M Qd, Sn, Vm.4S; SHA256H
// Qd, Qn; SHA256H2 Qd (efgh), Qn (abcd); SHA1H Sd, Sn zeroes the rest of Vd.
func sha1c(d, n, m *vec) vec    { return sha1Hash(d, uint32(n[0]), m, sha1Choose) }
func sha1p(d, n, m *vec) vec    { return sha1Hash(d, uint32(n[0]), m, sha1Parity) }
func sha1m(d, n, m *vec) vec    { return sha1Hash(d, uint32(n[0]), m, sha1Majority) }
func sha1h(_, n, _ *vec) vec    { return vec{uint64(rol32(uint32(n[0]), 30)), 0} }
func sha256h(d, n, m *vec) vec  { return sha256Hash(d, n, m, true) }
func sha256h2(d, n, m *vec) vec { return sha256Hash(n, d, m, false) }

// The helpers.
func aeseHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, aeseOp(operands(c, o)))
}

func aesdHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, aesdOp(operands(c, o)))
}

func aesmcHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, aesmc(operands(c, o)))
}

func aesemcHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, aesemc(operands(c, o)))
}

func aesdimcHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, aesdimc(operands(c, o)))
}

func aesimcHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, aesimc(operands(c, o)))
}

func sha1cHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha1c(operands(c, o)))
}

func sha1pHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha1p(operands(c, o)))
}

func sha1mHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha1m(operands(c, o)))
}

func sha1su0Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha1su0(operands(c, o)))
}

func sha1hHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha1h(operands(c, o)))
}

func sha1su1Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha1su1(operands(c, o)))
}

func sha256hHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha256h(operands(c, o)))
}

func sha256h2Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha256h2(operands(c, o)))
}

func sha256su0Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha256su0(operands(c, o)))
}

func sha256su1Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha256su1(operands(c, o)))
}

func sha512hHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha512h(operands(c, o)))
}

func sha512h2Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha512h2(operands(c, o)))
}

func sha512su0Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha512su0(operands(c, o)))
}

func sha512su1Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	return put(c, o, sha512su1(operands(c, o)))
}
