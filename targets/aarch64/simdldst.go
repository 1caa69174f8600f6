package aarch64

import (
	"encoding/binary"
	"unsafe"

	"github.com/gemu-project/gemu/translate"
)

// AdvSIMD structure loads and stores (ARM ARM C4.1.88 "Advanced SIMD load/
// store multiple structures" and "single structure", with post-index).
// LD1/ST1 of whole registers, single elements and LD1R are generic ops;
// the interleaving forms (LD2-4, ST2-4, LDnR, n>1 single) use a helper.
var simdLdStRows = []row{
	{mask: 0xbfbf0000, match: 0x0c000000, names: "ST1 ST2 ST3 ST4 LD1 LD2 LD3 LD4", lower: lowerLdStMulti},
	{mask: 0xbfa00000, match: 0x0c800000, names: "ST1 ST2 ST3 ST4 LD1 LD2 LD3 LD4", lower: lowerLdStMulti},
	{mask: 0xbf9f0000, match: 0x0d000000, names: "ST1 ST2 ST3 ST4 LD1 LD2 LD3 LD4 LD1R LD2R LD3R LD4R", lower: lowerLdStSingle},
	{mask: 0xbf800000, match: 0x0d800000, names: "ST1 ST2 ST3 ST4 LD1 LD2 LD3 LD4 LD1R LD2R LD3R LD4R", lower: lowerLdStSingle},
}

// vreg returns register t+i modulo 32 (structure lists wrap).
func vreg(t uint32, i int) uint32 { return (t + uint32(i)) & 31 }

// postIndex emits the writeback of a post-indexed form: Rm = 31 adds the
// transfer size, any other Rm adds that register.
func postIndex(b *translate.Builder, d *inst, rn uint8, bytes int64) {
	if d.x>>23&1 == 0 {
		return
	}
	if rm := d.rm(); rm == 31 {
		emit(b, translate.OpAddI, rn, rn, 0, bytes)
	} else {
		emit(b, translate.OpAdd, rn, rn, xr(rm), 0)
	}
}

// ARM ARM C7.2.173 LD1 (multiple structures) and siblings.
func lowerLdStMulti(b *translate.Builder, d *inst) bool {
	q, load := d.x>>30&1 != 0, d.x>>22&1 != 0
	size := field(d.x, 10, 2)
	var regs, selems int
	switch field(d.x, 12, 4) {
	case 0:
		regs, selems = 4, 4
	case 2:
		regs, selems = 4, 1
	case 4:
		regs, selems = 3, 3
	case 6:
		regs, selems = 3, 1
	case 7:
		regs, selems = 1, 1
	case 8:
		regs, selems = 2, 2
	case 10:
		regs, selems = 2, 1
	default:
		return false
	}
	if size == 3 && !q && selems > 1 {
		return false
	}
	rn, rt := xsp(d.rn()), d.rd()
	step := int64(8)
	if q {
		step = 16
	}
	if selems == 1 {
		for r := 0; r < regs; r++ {
			moveWhole(b, load, q, vreg(rt, r), rn, int64(r)*step)
		}
	} else {
		call(b, structHelper(structOp{load: load, q: q, es: 8 << size, regs: regs, t: rt}), op{A: rn})
	}
	postIndex(b, d, rn, int64(regs)*step)
	return true
}

// moveWhole loads or stores one 64- or 128-bit register at base+off.
func moveWhole(b *translate.Builder, load, q bool, t uint32, base uint8, off int64) {
	lo := vlo(t)
	if load {
		emit(b, translate.OpLoad64, lo, base, 0, off)
		if q {
			emit(b, translate.OpLoad64, lo+1, base, 0, off+8)
		} else {
			movI(b, lo+1, 0)
		}
		return
	}
	emit(b, translate.OpStore64, 0, base, lo, off)
	if q {
		emit(b, translate.OpStore64, 0, base, lo+1, off+8)
	}
}

// ARM ARM C7.2.174 LD1 (single structure), C7.2.176 LD1R and siblings.
func lowerLdStSingle(b *translate.Builder, d *inst) bool {
	q, load, r := d.x>>30&1, d.x>>22&1 != 0, d.x>>21&1
	opc, s, size := field(d.x, 13, 3), field(d.x, 12, 1), field(d.x, 10, 2)
	selems := int(opc&1<<1|r) + 1
	scale := opc >> 1
	var idx int
	switch scale {
	case 0:
		idx = int(q<<3 | s<<2 | size)
	case 1:
		if size&1 != 0 {
			return false
		}
		idx = int(q<<2 | s<<1 | size>>1)
	case 2:
		switch {
		case size == 0:
			idx = int(q<<1 | s)
		case size == 1 && s == 0:
			scale, idx = 3, int(q)
		default:
			return false
		}
	case 3: // LDnR
		if !load || s != 0 {
			return false
		}
		return lowerLdRepl(b, d, selems, size, q != 0)
	}
	es := uint(8) << scale
	rn, rt := xsp(d.rn()), d.rd()
	if selems == 1 {
		if load {
			emit(b, intLoads[scale], tmp0, rn, 0, 0)
			insertElem(b, vlo(rt), es, idx, tmp0)
		} else {
			src, sh := laneSlot(vlo(rt), es, idx)
			extractElem(b, tmp0, src, sh, es, false)
			emit(b, stores[scale], 0, rn, tmp0, 0)
		}
	} else {
		call(b, structHelper(structOp{load: load, es: es, regs: selems, t: rt, single: true, idx: idx}), op{A: rn})
	}
	postIndex(b, d, rn, int64(selems)*int64(es/8))
	return true
}

// lowerLdRepl: LD1R..LD4R load one structure and replicate it.
func lowerLdRepl(b *translate.Builder, d *inst, selems int, size uint32, q bool) bool {
	es := uint(8) << size
	rn, rt := xsp(d.rn()), d.rd()
	for i := 0; i < selems; i++ {
		emit(b, intLoads[size], tmp0, rn, 0, int64(i)*int64(es/8))
		dupValue(b, vinst{d: vlo(vreg(rt, i)), q: q}, es, tmp0)
	}
	postIndex(b, d, rn, int64(selems)*int64(es/8))
	return true
}

// structOp describes an interleaving structure transfer.
type structOp struct {
	load, q, single bool
	es              uint
	regs            int // registers (= elements per structure)
	t               uint32
	idx             int // element index for single-structure forms
}

// structHelper moves structures between memory at R[A] and registers
// t..t+regs-1: element i of structure j is register t+j's lane i.
func structHelper(s structOp) translate.HelperFn {
	bytes := s.es / 8
	return func(c *translate.CPU, o *translate.Op) translate.ExitKind {
		lanes := nlanes(s.es, s.q)
		first := 0
		if s.single {
			lanes, first = 1, s.idx
		}
		total := uint64(lanes*s.regs) * uint64(bytes)
		p, k := hostPtr(c, o, c.R[o.A], total, !s.load)
		if k != translate.ExitNone {
			return k
		}
		mem := unsafe.Slice((*byte)(p), total)
		var regs [4]vec
		for j := 0; j < s.regs; j++ {
			regs[j] = readV(c, vlo(vreg(s.t, j)))
		}
		for i := 0; i < lanes; i++ {
			for j := 0; j < s.regs; j++ {
				at := mem[uint(i*s.regs+j)*bytes:]
				if s.load {
					setLane(&regs[j], first+i, s.es, getLE(at, bytes))
				} else {
					putLE(at, bytes, lane(&regs[j], first+i, s.es))
				}
			}
		}
		if s.load {
			for j := 0; j < s.regs; j++ {
				r := vlo(vreg(s.t, j))
				if s.single {
					c.R[r], c.R[r+1] = regs[j][0], regs[j][1]
				} else {
					writeV(c, r, regs[j], s.q)
				}
			}
		}
		return translate.ExitNone
	}
}

func getLE(b []byte, n uint) uint64 {
	switch n {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}

func putLE(b []byte, n uint, v uint64) {
	switch n {
	case 1:
		b[0] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(b, uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(v))
	default:
		binary.LittleEndian.PutUint64(b, v)
	}
}
