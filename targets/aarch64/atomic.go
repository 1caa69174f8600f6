package aarch64

import "github.com/gemu-project/gemu/translate"

// Exclusives, load-acquire/store-release, and FEAT_LSE atomics (ARM ARM
// C4.1.88 "Load/store exclusive", "Atomic memory operations", "Compare and
// swap"). LSE operations and CAS are the core's OpAmo and OpCas; 4- and
// 8-byte exclusives its OpLR/OpSC, other sizes and pairs helpers in excl.go.
var atomicRows = []row{
	{mask: 0x3f000000, match: 0x08000000, names: "STXR STLXR LDXR LDAXR STXRB STLXRB LDXRB LDAXRB STXRH STLXRH LDXRH LDAXRH " +
		"STXP STLXP LDXP LDAXP STLR STLRB STLRH LDAR LDARB LDARH CAS CASP", lower: lowerExclusive},
	{mask: 0x3ffffc00, match: 0x38bfc000, names: "LDAPR LDAPRB LDAPRH", lower: lowerLDAPR, feat: featLRCPC},
	{mask: 0x3f200c00, match: 0x38200000, names: "LDADD LDCLR LDEOR LDSET LDSMAX LDSMIN LDUMAX LDUMIN SWP", lower: lowerLSE, feat: featLSE},
}

// lowerExclusive sub-decodes o2:L:o1 (x[23:21]) and o0 (x[15]).
func lowerExclusive(b *translate.Builder, d *inst) bool {
	size := d.x >> 30
	o2, l, o1, o0 := d.x>>23&1, d.x>>22&1, d.x>>21&1, d.x>>15&1
	// Fields the ARM ARM marks should-be-one (Rs of loads, Rt2 of non-pair
	// forms) are ignored, as hardware and QEMU do.
	rs, rt2 := d.rm(), d.ra()
	switch {
	case o2 == 0 && o1 == 0: // STXR/LDXR and acquire/release forms
		if l == 1 {
			return lowerLDXR(b, d, size)
		}
		return lowerSTXR(b, d, size)
	case o2 == 0 && size >= 2: // pair exclusives
		return lowerPairExclusive(b, d, l == 1)
	case o2 == 0: // CASP
		if !d.model().has(featLSE) || rt2 != 31 || rs&1 != 0 || d.rd()&1 != 0 {
			return false
		}
		call(b, caspHelper, op{A: xsp(d.rn()), B: uint8(d.rd()), Dst: uint8(rs), Size: uint8(4 << size)})
		return true
	case o1 == 0: // LDAR/STLR (o0 = 0 is FEAT_LOR's LDLAR/STLLR: not implemented)
		if o0 == 0 {
			return false
		}
		if l == 1 {
			b.Emit(op{Code: intLoads[size], Dst: xw(d.rd()), A: xsp(d.rn())})
			return true
		}
		// STLR: a sequentially consistent store (RCsc, ordered before a
		// later LDAR) is an atomic exchange whose old value is dropped.
		b.Emit(op{Code: translate.OpAmo, Aux: translate.AmoSwap, Dst: translate.RegSink, A: xsp(d.rn()), B: xr(d.rd()),
			Size: uint8(1 << size)})
		return true
	default: // CAS
		if !d.model().has(featLSE) || rt2 != 31 {
			return false
		}
		b.Emit(op{Code: translate.OpCas, A: xsp(d.rn()), B: xr(d.rd()), C: xr(rs), Dst: xw(rs), Size: uint8(1 << size)})
		return true
	}
}

// ARM ARM C6.2.161 LDXR/LDAXR: load and arm the exclusive monitor.
func lowerLDXR(b *translate.Builder, d *inst, size uint32) bool {
	rt, rn := xw(d.rd()), xsp(d.rn())
	if size < 2 {
		call(b, ldxrSmallHelper, op{Dst: rt, A: rn, Size: uint8(1 << size)})
		return true
	}
	b.Emit(op{Code: translate.OpLR, Dst: rt, A: rn, Size: uint8(1 << size)})
	if size == 2 {
		fix32(b, false, rt) // OpLR sign-extends 32-bit values
	}
	return true
}

// ARM ARM C6.2.343 STXR/STLXR: Ws = 0 when the store happened, else 1.
func lowerSTXR(b *translate.Builder, d *inst, size uint32) bool {
	rs, rt, rn := xw(d.rm()), xr(d.rd()), xsp(d.rn())
	if size < 2 {
		call(b, stxrSmallHelper, op{Dst: rs, A: rn, B: rt, Size: uint8(1 << size)})
		return true
	}
	b.Emit(op{Code: translate.OpSC, Dst: rs, A: rn, B: rt, Size: uint8(1 << size), Aux: translate.SCAlignFirst})
	return true
}

// ARM ARM C6.2.160 LDXP, C6.2.342 STXP. A 32-bit pair is one 8-byte
// exclusive; a 64-bit pair goes through a helper.
func lowerPairExclusive(b *translate.Builder, d *inst, load bool) bool {
	rt, rt2, rn := d.rd(), d.ra(), xsp(d.rn())
	wide := d.x>>30&1 != 0
	switch {
	case wide && load:
		call(b, ldxpHelper, op{Dst: xw(rt), C: xw(rt2), A: rn})
	case wide:
		call(b, stxpHelper, op{Dst: xw(d.rm()), A: rn, B: xr(rt), C: xr(rt2)})
	case load:
		b.Emit(op{Code: translate.OpLR, Dst: tmp0, A: rn, Size: 8})
		emit(b, translate.OpSrlI, xw(rt2), tmp0, 0, 32)
		zext32(b, xw(rt), tmp0)
	default:
		zext32(b, tmp0, xr(rt))
		emit(b, translate.OpSllI, tmp1, xr(rt2), 0, 32)
		emit(b, translate.OpOr, tmp0, tmp0, tmp1, 0)
		b.Emit(op{Code: translate.OpSC, Dst: xw(d.rm()), A: rn, B: tmp0, Size: 8, Aux: translate.SCAlignFirst})
	}
	return true
}

// ARM ARM C6.2.136 LDAPR (FEAT_LRCPC): an ordinary load on the host.
func lowerLDAPR(b *translate.Builder, d *inst) bool {
	b.Emit(op{Code: intLoads[d.x>>30], Dst: xw(d.rd()), A: xsp(d.rn())})
	return true
}

// LSE atomic memory operations: ARM ARM C6.2.118 LDADD, C6.2.127 LDCLR,
// C6.2.130 LDEOR, C6.2.145 LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN,
// C6.2.370 SWP. Rt gets the old value; the A/R ordering bits need nothing
// more because host atomics are sequentially consistent.
func lowerLSE(b *translate.Builder, d *inst) bool {
	o3, opc := d.x>>15&1, field(d.x, 12, 3)
	if d.x>>26&1 != 0 || (o3 == 1 && opc != 0) {
		return false
	}
	kinds := [8]uint8{translate.AmoAdd, translate.AmoAnd, translate.AmoXor, translate.AmoOr,
		translate.AmoMax, translate.AmoMin, translate.AmoMaxu, translate.AmoMinu}
	kind := kinds[opc]
	if o3 == 1 {
		kind = translate.AmoSwap
	}
	size := uint8(1 << (d.x >> 30))
	rs, rt, rn := xr(d.rm()), xw(d.rd()), xsp(d.rn())
	if o3 == 0 && opc == 1 { // LDCLR: AND with the complement
		emit(b, translate.OpXorI, tmp0, rs, 0, -1)
		rs = tmp0
	}
	b.Emit(op{Code: translate.OpAmo, Dst: rt, A: rn, B: rs, Aux: kind, Size: size})
	if size == 4 {
		fix32(b, false, rt) // OpAmo sign-extends 32-bit values
	}
	return true
}
