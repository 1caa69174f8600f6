package aarch64

import (
	"hash/crc32"
	"sync"

	"github.com/gemu-project/gemu/translate"
)

// ARM ARM C6.2.79 CRC32B/H/W/X and C6.2.80 CRC32CB/H/W/X (FEAT_CRC32):
// the reflected CRC of the low 8<<sz bits of Rm into Wn, with neither pre-
// nor post-inversion (the guest does those).
func lowerCRC32(b *translate.Builder, d *inst) bool {
	sz := field(d.x, 10, 2)
	if !d.model().has(featCRC) || (sz == 3) != d.sf() {
		return false
	}
	call(b, crc32Helper, op{Dst: xw(d.rd()), A: xr(d.rn()), B: xr(d.rm()),
		Aux: uint8(field(d.x, 12, 1)), Size: uint8(1 << sz)})
	return true
}

// castagnoli is made at the first CRC32C instruction: making it costs
// every gemu start 0.2 ms otherwise.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

func crc32Helper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	var buf [8]byte
	v := c.R[o.B]
	for i := range buf {
		buf[i] = byte(v >> (8 * i))
	}
	tab := crc32.IEEETable
	if o.Aux != 0 {
		tab = castagnoli()
	}
	// crc32.Update inverts before and after; undo both.
	c.R[o.Dst] = uint64(^crc32.Update(^uint32(c.R[o.A]), tab, buf[:o.Size]))
	return translate.ExitNone
}
