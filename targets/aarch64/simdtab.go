package aarch64

import "github.com/gemu-project/gemu/translate"

// The AdvSIMD decode rows (ARM ARM C4.1.91): vector classes, then the
// scalar ones, which share the lowering with a scalar flag.
var simdRows = []row{
	{mask: 0x9f200400, match: 0x0e200400, names: "three-same", lower: lowerV3Same},
	{mask: 0x9f200c00, match: 0x0e200000, names: "three-different", lower: func(b *translate.Builder, d *inst) bool { return lowerV3Diff(b, d, false) }},
	{mask: 0x9f3e0c00, match: 0x0e200800, names: "two-reg-misc", lower: func(b *translate.Builder, d *inst) bool { return lowerV2Misc(b, d, false) }},
	{mask: 0x9f3e0c00, match: 0x0e300800, names: "across-lanes", lower: lowerVAcross},
	{mask: 0x9fe08400, match: 0x0e000400, names: "DUP INS MOV SMOV UMOV", lower: lowerVCopy},
	{mask: 0x9ff80400, match: 0x0f000400, names: "modified-imm", lower: lowerVModImm},
	{mask: 0x9f800400, match: 0x0f000400, names: "shift-imm", lower: func(b *translate.Builder, d *inst) bool { return lowerShiftImm(b, d, false) }},
	{mask: 0x9f000400, match: 0x0f000000, names: "by-element", lower: func(b *translate.Builder, d *inst) bool { return lowerVElem(b, d, false) }},
	{mask: 0xbf208c00, match: 0x0e000800, names: "UZP1 TRN1 ZIP1 UZP2 TRN2 ZIP2", lower: lowerVPerm},
	{mask: 0xbf208400, match: 0x2e000000, names: "EXT", lower: lowerVExt},
	{mask: 0xbf208c00, match: 0x0e000000, names: "TBL TBX", lower: lowerVTbl},
	{mask: 0x9f208400, match: 0x0e008400, names: "three-same-extra", lower: func(b *translate.Builder, d *inst) bool { return lowerV3Extra(b, d, false) }},
}

var simd2Rows = []row{
	{mask: 0xdf200400, match: 0x5e200400, names: "scalar-three-same", lower: lowerS3Same},
	{mask: 0xdf200c00, match: 0x5e200000, names: "scalar-three-different", lower: func(b *translate.Builder, d *inst) bool { return lowerV3Diff(b, d, true) }},
	{mask: 0xdf3e0c00, match: 0x5e200800, names: "scalar-two-reg-misc", lower: func(b *translate.Builder, d *inst) bool { return lowerV2Misc(b, d, true) }},
	{mask: 0xdf3e0c00, match: 0x5e300800, names: "scalar-pairwise", lower: lowerSPair},
	{mask: 0xdfe08400, match: 0x5e000400, names: "scalar-copy", lower: lowerSCopy},
	{mask: 0xdf800400, match: 0x5f000400, names: "scalar-shift-imm", lower: func(b *translate.Builder, d *inst) bool { return lowerShiftImm(b, d, true) }},
	{mask: 0xdf000400, match: 0x5f000000, names: "scalar-by-element", lower: func(b *translate.Builder, d *inst) bool { return lowerVElem(b, d, true) }},
	{mask: 0xdf208400, match: 0x5e008400, names: "scalar-three-same-extra", lower: func(b *translate.Builder, d *inst) bool { return lowerV3Extra(b, d, true) }},
}

// scalar3Int lists the integer three-same operations with scalar forms and
// their allowed sizes (ARM ARM "Advanced SIMD scalar three same").
var scalar3Int = map[uint32]uint8{
	0x01: szAll, 0x21: szAll, 0x05: szAll, 0x25: szAll,
	0x06: 8, 0x26: 8, 0x07: 8, 0x27: 8, 0x08: 8, 0x28: 8, 0x0a: 8, 0x2a: 8,
	0x09: szAll, 0x29: szAll, 0x0b: szAll, 0x2b: szAll,
	0x10: 8, 0x30: 8, 0x11: 8, 0x31: 8, 0x16: sz12, 0x36: sz12,
}

// scalar3FP lists the FP three-same keys (see lowerV3SameFP) with scalar forms.
var scalar3FP = map[uint32]bool{0x03: true, 0x04: true, 0x07: true, 0x0f: true, 0x14: true, 0x15: true,
	0x1a: true, 0x1c: true, 0x1d: true}

func lowerS3Same(b *translate.Builder, d *inst) bool {
	u, opc, size := d.x>>29&1, field(d.x, 11, 5), field(d.x, 22, 2)
	k := u<<5 | opc
	if opc >= 0x18 {
		if !scalar3FP[u<<4|size>>1<<3|(opc-0x18)] {
			return false
		}
	} else if scalar3Int[k]>>size&1 == 0 {
		return false
	}
	return lowerV3SameAny(b, d, true)
}

func lowerV3Same(b *translate.Builder, d *inst) bool { return lowerV3SameAny(b, d, false) }

// lowerSPair: ADDP (scalar), FADDP, FMAXP, FMINP, FMAXNMP, FMINNMP.
func lowerSPair(b *translate.Builder, d *inst) bool {
	v := vfields(d)
	v.scalar = true
	u, opc, size := d.x>>29&1, field(d.x, 12, 5), field(d.x, 22, 2)
	if u == 0 {
		if opc != 0x1b || size != 3 {
			return false
		}
		return vcall(b, pairwise(v, lAdd, false))
	}
	sel, ok := map[uint32]uint8{0x0c: fMaxNM, 0x2c: fMinNM, 0x0d: fAdd, 0x0f: fMax, 0x2f: fMin}[size>>1<<5|opc]
	if !ok {
		return false
	}
	v.es = 32 << (size & 1)
	return vcall(b, pairwise(v, fpLane(sel), true))
}

// lowerSCopy: DUP (element, scalar) a.k.a. MOV Vd, Vn.T[i].
func lowerSCopy(b *translate.Builder, d *inst) bool {
	es, idx := copyElem(field(d.x, 16, 5))
	if es == 0 || d.x>>29&1 != 0 || field(d.x, 11, 4) != 0 {
		return false
	}
	src, sh := laneSlot(vlo(d.rn()), es, idx)
	dst := vlo(d.rd())
	extractElem(b, dst, src, sh, es, false)
	movI(b, dst+1, 0)
	return true
}
