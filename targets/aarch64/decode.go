package aarch64

import (
	"math/bits"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gemu-project/gemu/translate"
)

// An instruction is one decode row (mask/match of an encoding class from
// the ARM ARM C4.1 "A64 instruction set encoding" index) plus one lowering
// function. The lowering validates the remaining fields first and returns
// false, having emitted nothing, for unallocated encodings; decoding is
// therefore "a row matches and its lowering accepts".

// feature is an optional architecture extension a row needs; CPU models
// enable a set of them.
type feature uint16

const (
	featLSE    feature = 1 << iota // FEAT_LSE atomics (ARMv8.1)
	featCRC                        // FEAT_CRC32
	featLRCPC                      // FEAT_LRCPC (LDAPR)
	featRDM                        // FEAT_RDM (SQRDMLAH/SQRDMLSH)
	featDot                        // FEAT_DotProd (SDOT/UDOT)
	featJSCVT                      // FEAT_JSCVT (FJCVTZS)
	featFlagM                      // FEAT_FlagM (CFINV, RMIF, SETF)
	featAES                        // FEAT_AES (AESE, AESD, AESMC, AESIMC)
	featPMULL                      // FEAT_PMULL (PMULL/PMULL2 .1Q)
	featSHA1                       // FEAT_SHA1
	featSHA256                     // FEAT_SHA256
	featSHA512                     // FEAT_SHA512
	featSHA3                       // FEAT_SHA3 (EOR3, RAX1, XAR, BCAX)
	featAll    feature = 1<<iota - 1
)

// lowerFn emits the micro-ops of one instruction; false means the encoding
// is unallocated (nothing was emitted).
type lowerFn func(b *translate.Builder, d *inst) bool

// row is one encoding class in the decode table.
type row struct {
	mask, match uint32
	// names lists the mnemonics this row may disassemble to in
	// golang.org/x/arch/arm64/arm64asm (aliases included); the first is the
	// row's own name. Used by the agreement tests and -d in_asm fallbacks.
	names string
	lower lowerFn
	feat  feature
}

func (r *row) name() string {
	if i := strings.IndexByte(r.names, ' '); i >= 0 {
		return r.names[:i]
	}
	return r.names
}

// inst is one instruction being lowered.
type inst struct {
	row *row
	x   uint32
	pc  uint64
	m   *model
	// flags describes how the instruction set NZCV, prev the previous
	// instruction's: B.cond right after a compare branches on registers.
	flags, prev flagSrc
	// consumed counts following instructions the lowering folded in.
	consumed int
	// scratch: lowering into a throw-away builder (no guest memory to peek).
	scratch bool
}

// flagSrc records slots from which a following B.cond can be evaluated
// directly: Z is zslot == 0 (the zero-extended result), and for a 64-bit
// subtraction the ordered conditions compare a with b.
type flagSrc struct {
	valid bool
	zslot uint8
	cmp   bool
	a, b  uint8
}

// model is the CPU model being translated for (max when unset).
func (d *inst) model() *model {
	if d.m == nil {
		return models[defaultModel]
	}
	return d.m
}

// Common fields (ARM ARM C4.1 encoding diagrams).
func (d *inst) rd() uint32  { return d.x & 31 }
func (d *inst) rn() uint32  { return d.x >> 5 & 31 }
func (d *inst) rm() uint32  { return d.x >> 16 & 31 }
func (d *inst) ra() uint32  { return d.x >> 10 & 31 }
func (d *inst) sf() bool    { return d.x>>31 != 0 }
func (d *inst) next() int64 { return int64(d.pc + 4) }

// size is the operand width in bytes selected by sf.
func (d *inst) size() uint8 {
	if d.sf() {
		return 8
	}
	return 4
}

// field extracts x[lo+n-1:lo].
func field(x uint32, lo, n uint) uint32 { return x >> lo & (1<<n - 1) }

// sext sign-extends the low n bits of v.
func sext(v uint32, n uint) int64 { return int64(int32(v<<(32-n)) >> (32 - n)) }

// The decode index: rows bucketed by x[31:21]; a row whose mask leaves some
// of those bits open sits in every compatible bucket, more specific rows
// (more mask bits) first. A bucket is filled the first time an encoding
// falls in it: filling all 2048 at start-up cost every gemu process about
// a millisecond, a short guest uses a few hundred.
var (
	buckets    [2048]atomic.Pointer[[]*row]
	sortedRows = sync.OnceValue(func() []*row {
		all := allRows()
		sort.SliceStable(all, func(i, j int) bool {
			return bits.OnesCount32(all[i].mask) > bits.OnesCount32(all[j].mask)
		})
		return all
	})
)

// bucket returns the rows that can match an encoding with x[31:21] = k.
func bucket(k uint32) []*row {
	if b := buckets[k].Load(); b != nil {
		return *b
	}
	const top = 0xffe00000
	var rows []*row
	for _, r := range sortedRows() {
		if (k<<21^r.match)&r.mask&top == 0 {
			rows = append(rows, r)
		}
	}
	buckets[k].Store(&rows)
	return rows
}

func allRows() []*row {
	var out []*row
	for _, t := range [][]row{dpImmRows, branchRows, sysRows, dpRegRows, ldstRows,
		atomicRows, fpRows, simdLdStRows, simdRows, simd2Rows, flagmRows, cryptoRows} {
		for i := range t {
			out = append(out, &t[i])
		}
	}
	return out
}

// lookup finds the row for x (nil when no encoding class matches).
func lookup(x uint32) *row {
	for _, r := range bucket(x >> 21) {
		if x&r.mask == r.match {
			return r
		}
	}
	return nil
}

// decodeOnly reports whether x is an allocated instruction of model m,
// lowering it into a throw-away builder.
func decodeOnly(x uint32, m *model) (*row, bool) {
	r := lookup(x)
	if r == nil || !m.has(r.feat) {
		return r, false
	}
	var b translate.Builder
	d := inst{row: r, x: x, m: m, scratch: true}
	return r, r.lower(&b, &d)
}
