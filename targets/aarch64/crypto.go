package aarch64

import "github.com/gemu-project/gemu/translate"

// The cryptographic extensions (ARM ARM C4.1.91 "Cryptographic AES",
// "Cryptographic three-register SHA", "Cryptographic two-register SHA",
// "Cryptographic three-register SHA 512", "Cryptographic two-register SHA
// 512", "Cryptographic four-register", "XAR"; PMULL .1Q is in "Advanced SIMD
// three different"). One row per encoding; each needs its feature, so a
// model without it raises SIGILL. Helpers get the register slots in the
// op: Dst = Vd, A = Vn, B = Vm.
var cryptoRows = []row{
	{mask: 0xfffffc00, match: 0x4e284800, names: "AESE", lower: lowerAESE, feat: featAES},
	{mask: 0xfffffc00, match: 0x4e285800, names: "AESD", lower: lowerAESD, feat: featAES},
	{mask: 0xfffffc00, match: 0x4e286800, names: "AESMC", lower: vecCryptoCall(aesmcHelper, translate.VecAESMC), feat: featAES},
	{mask: 0xfffffc00, match: 0x4e287800, names: "AESIMC", lower: vecCryptoCall(aesimcHelper, translate.VecAESIMC), feat: featAES},

	{mask: 0xffe0fc00, match: 0x5e000000, names: "SHA1C", lower: cryptoCall(sha1cHelper), feat: featSHA1},
	{mask: 0xffe0fc00, match: 0x5e001000, names: "SHA1P", lower: cryptoCall(sha1pHelper), feat: featSHA1},
	{mask: 0xffe0fc00, match: 0x5e002000, names: "SHA1M", lower: cryptoCall(sha1mHelper), feat: featSHA1},
	{mask: 0xffe0fc00, match: 0x5e003000, names: "SHA1SU0", lower: cryptoCall(sha1su0Helper), feat: featSHA1},
	{mask: 0xfffffc00, match: 0x5e280800, names: "SHA1H", lower: cryptoCall(sha1hHelper), feat: featSHA1},
	{mask: 0xfffffc00, match: 0x5e281800, names: "SHA1SU1", lower: cryptoCall(sha1su1Helper), feat: featSHA1},

	{mask: 0xffe0fc00, match: 0x5e004000, names: "SHA256H", lower: vecCryptoCall(sha256hHelper, translate.VecSHA256H), feat: featSHA256},
	{mask: 0xffe0fc00, match: 0x5e005000, names: "SHA256H2", lower: vecCryptoCall(sha256h2Helper, translate.VecSHA256H2), feat: featSHA256},
	{mask: 0xffe0fc00, match: 0x5e006000, names: "SHA256SU1", lower: vecCryptoCall(sha256su1Helper, translate.VecSHA256SU1), feat: featSHA256},
	{mask: 0xfffffc00, match: 0x5e282800, names: "SHA256SU0", lower: vecCryptoCall(sha256su0Helper, translate.VecSHA256SU0), feat: featSHA256},

	{mask: 0xffe0fc00, match: 0xce608000, names: "SHA512H", lower: cryptoCall(sha512hHelper), feat: featSHA512},
	{mask: 0xffe0fc00, match: 0xce608400, names: "SHA512H2", lower: cryptoCall(sha512h2Helper), feat: featSHA512},
	{mask: 0xffe0fc00, match: 0xce608800, names: "SHA512SU1", lower: cryptoCall(sha512su1Helper), feat: featSHA512},
	{mask: 0xfffffc00, match: 0xcec08000, names: "SHA512SU0", lower: cryptoCall(sha512su0Helper), feat: featSHA512},

	{mask: 0xffe08000, match: 0xce000000, names: "EOR3", lower: lowerEOR3, feat: featSHA3},
	{mask: 0xffe08000, match: 0xce200000, names: "BCAX", lower: lowerBCAX, feat: featSHA3},
	{mask: 0xffe0fc00, match: 0xce608c00, names: "RAX1", lower: lowerRAX1, feat: featSHA3},
	{mask: 0xffe00000, match: 0xce800000, names: "XAR", lower: lowerXAR, feat: featSHA3},

	{mask: 0xbfe0fc00, match: 0x0ee0e000, names: "PMULL PMULL2", lower: lowerPMULL64, feat: featPMULL},
}

// cryptoCall lowers an instruction to its helper, with the vector slots
// of Vd, Vn and Vm in the op.
func cryptoCall(fn translate.HelperFn) lowerFn {
	return func(b *translate.Builder, d *inst) bool {
		call(b, fn, op{Dst: vlo(d.rd()), A: vlo(d.rn()), B: vlo(d.rm())})
		return true
	}
}

// vecCryptoCall is cryptoCall with the operation described for tier 2
// (translate/vec.go), which computes it inline where the host can.
func vecCryptoCall(fn translate.HelperFn, k translate.VecKind) lowerFn {
	return func(b *translate.Builder, d *inst) bool {
		call(b, fn, op{Dst: vlo(d.rd()), A: vlo(d.rn()), B: vlo(d.rm()), Vec: translate.VecForm{Kind: k}})
		return true
	}
}

// AESE followed by AESMC of its result in place (AESD by AESIMC) is how
// AES code runs its rounds (ARM recommends the pairing, cores fuse it):
// one helper for both.
func lowerAESE(b *translate.Builder, d *inst) bool {
	return lowerAESRound(b, d, aesStep{aeseHelper, translate.VecAESE}, 0x4e286800,
		aesStep{aesemcHelper, translate.VecAESEMC})
}

func lowerAESD(b *translate.Builder, d *inst) bool {
	return lowerAESRound(b, d, aesStep{aesdHelper, translate.VecAESD}, 0x4e287800,
		aesStep{aesdimcHelper, translate.VecAESDIMC})
}

// aesStep is a round's helper and its description for tier 2.
type aesStep struct {
	fn   translate.HelperFn
	kind translate.VecKind
}

func lowerAESRound(b *translate.Builder, d *inst, round aesStep, mix uint32, fused aesStep) bool {
	if x, ok := nextToFuse(b, d); ok && x == mix|d.rd()<<5|d.rd() {
		round, d.consumed = fused, 1
	}
	call(b, round.fn, op{Dst: vlo(d.rd()), A: vlo(d.rn()), B: vlo(d.rm()), Vec: translate.VecForm{Kind: round.kind}})
	return true
}

// The SHA3 instructions are bitwise on both 64-bit halves: generic ops
// through a temporary, so Vd may alias any source.

// ARM ARM C7.2 EOR3: Vd = Vn ^ Vm ^ Va.
func lowerEOR3(b *translate.Builder, d *inst) bool {
	n, m, a, dst := vlo(d.rn()), vlo(d.rm()), vlo(d.ra()), vlo(d.rd())
	for h := uint8(0); h < 2; h++ {
		emit(b, translate.OpXor, tmp0, n+h, m+h, 0)
		emit(b, translate.OpXor, dst+h, tmp0, a+h, 0)
	}
	return true
}

// ARM ARM C7.2 BCAX: Vd = Vn ^ (Vm & ~Va).
func lowerBCAX(b *translate.Builder, d *inst) bool {
	n, m, a, dst := vlo(d.rn()), vlo(d.rm()), vlo(d.ra()), vlo(d.rd())
	for h := uint8(0); h < 2; h++ {
		emit(b, translate.OpAndn, tmp0, m+h, a+h, 0)
		emit(b, translate.OpXor, dst+h, n+h, tmp0, 0)
	}
	return true
}

// ARM ARM C7.2 RAX1: Vd.2D = Vn ^ ROL(Vm, 1).
func lowerRAX1(b *translate.Builder, d *inst) bool {
	n, m, dst := vlo(d.rn()), vlo(d.rm()), vlo(d.rd())
	emit(b, translate.OpRorI, tmp0, m, 0, 63)
	emit(b, translate.OpRorI, tmp1, m+1, 0, 63)
	emit(b, translate.OpXor, dst, n, tmp0, 0)
	emit(b, translate.OpXor, dst+1, n+1, tmp1, 0)
	return true
}

// ARM ARM C7.2 XAR: Vd.2D = ROR(Vn ^ Vm, imm6).
func lowerXAR(b *translate.Builder, d *inst) bool {
	n, m, dst, rot := vlo(d.rn()), vlo(d.rm()), vlo(d.rd()), int64(field(d.x, 10, 6))
	for h := uint8(0); h < 2; h++ {
		emit(b, translate.OpXor, tmp0, n+h, m+h, 0)
		emit(b, translate.OpRorI, dst+h, tmp0, 0, rot)
	}
	return true
}

// ARM ARM C7.2 PMULL, PMULL2 (FEAT_PMULL, size 11): the 128-bit
// polynomial product of the 64-bit elements of the lower (PMULL) or upper
// (PMULL2, Q = 1) halves.
func lowerPMULL64(b *translate.Builder, d *inst) bool {
	call(b, pmull64Helper, op{Dst: vlo(d.rd()), A: vlo(d.rn()), B: vlo(d.rm()), Aux: uint8(d.x >> 30 & 1)})
	return true
}

func pmull64Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	h := uint8(0)
	if o.Aux != 0 {
		h = 1
	}
	lo, hi := clmul64(c.R[o.A+h], c.R[o.B+h])
	c.R[o.Dst], c.R[o.Dst+1] = lo, hi
	return translate.ExitNone
}

// clmul64 is the carry-less product of a and b (ARM ARM PolynomialMult),
// four bits of b at a time against a table of a's multiples by 0..15.
func clmul64(a, b uint64) (lo, hi uint64) {
	var tlo, thi [16]uint64
	tlo[1] = a
	for k := 1; k < 4; k++ {
		p := 1 << k
		tlo[p], thi[p] = a<<k, a>>(64-k)
		for i := 1; i < p; i++ {
			tlo[p+i], thi[p+i] = tlo[p]^tlo[i], thi[p]^thi[i]
		}
	}
	for s := 60; s >= 0; s -= 4 {
		// (lo, hi) <<= 4, then add the multiple for the next nibble.
		hi = hi<<4 | lo>>60
		lo <<= 4
		n := b >> uint(s) & 15
		lo ^= tlo[n]
		hi ^= thi[n]
	}
	return lo, hi
}
