package aarch64

import (
	"math/bits"

	"github.com/gemu-project/gemu/translate"
)

// FEAT_FlagM: CFINV (sysreg.go), RMIF, SETF8, SETF16 (ARM ARM C6.2.253
// RMIF, C6.2.280 SETF8/SETF16).
var flagmRows = []row{
	{mask: 0xffe07c10, match: 0xba000400, names: "RMIF", lower: lowerRMIF, feat: featFlagM},
	{mask: 0xffffbc1f, match: 0x3a00080d, names: "SETF8 SETF16", lower: lowerSETF, feat: featFlagM},
}

// RMIF Xn, #shift, #mask: the low 4 bits of ROR(Xn, shift) replace the
// NZCV flags selected by mask.
func lowerRMIF(b *translate.Builder, d *inst) bool {
	call(b, rmifHelper, op{A: xr(d.rn()), Imm: int64(field(d.x, 15, 6)), Aux: uint8(d.x & 15)})
	return true
}

func rmifHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	v := bits.RotateLeft64(c.R[o.A], -int(o.Imm)) & 15 << 28
	m := uint64(o.Aux) << 28
	c.R[RegNZCV] = c.R[RegNZCV]&^m | v&m
	return translate.ExitNone
}

// SETF8/SETF16 Wn: N = bit 7 (15), Z = low 8 (16) bits zero, V = bit 8 (16)
// XOR bit 7 (15); C unchanged.
func lowerSETF(b *translate.Builder, d *inst) bool {
	w := uint8(8)
	if d.x>>14&1 != 0 {
		w = 16
	}
	call(b, setfHelper, op{A: xr(d.rn()), Aux: w})
	return true
}

func setfHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	v, w := c.R[o.A], uint(o.Aux)
	f := c.R[RegNZCV] & translate.FlagC
	f |= v >> (w - 1) & 1 << 31
	if v&(1<<w-1) == 0 {
		f |= translate.FlagZ
	}
	f |= (v>>w ^ v>>(w-1)) & 1 << 28
	c.R[RegNZCV] = f
	return translate.ExitNone
}
