package aarch64

import "github.com/gemu-project/gemu/translate"

// Small emitters for the generic micro-ops.

type (
	op   = translate.Op
	code = translate.Code
)

func emit(b *translate.Builder, c code, dst, a, bb uint8, imm int64) {
	b.Emit(op{Code: c, Dst: dst, A: a, B: bb, Imm: imm})
}

// emitS emits an op with an operand width (Size) and flags slot C.
func emitS(b *translate.Builder, c code, dst, a, bb uint8, size uint8) {
	b.Emit(op{Code: c, Dst: dst, A: a, B: bb, C: RegNZCV, Size: size})
}

func movI(b *translate.Builder, dst uint8, v int64) {
	emit(b, translate.OpMovI, dst, 0, 0, v)
}

func mov(b *translate.Builder, dst, src uint8) {
	if dst == src {
		return
	}
	if src == translate.RegZero {
		movI(b, dst, 0)
		return
	}
	emit(b, translate.OpMov, dst, src, 0, 0)
}

func zext32(b *translate.Builder, dst, src uint8) {
	emit(b, translate.OpZext32, dst, src, 0, 0)
}

// fix32 zero-extends a 32-bit result in place (W-register writes clear
// bits 63:32, ARM ARM C1.2.5).
func fix32(b *translate.Builder, sf bool, dst uint8) {
	if !sf && dst != translate.RegSink {
		zext32(b, dst, dst)
	}
}

// call emits a helper call.
func call(b *translate.Builder, fn translate.HelperFn, o op) {
	o.Code = translate.OpCall
	o.Fn = fn
	b.Emit(o)
}

// sigill ends the block with SIGILL/ILL_ILLOPC at the instruction (Linux
// arch/arm64/kernel/traps.c do_el0_undef: si_addr is the PC).
func sigill(b *translate.Builder, d *inst) bool {
	b.EndFault(translate.ExcIllegal, d.pc)
	return true
}

func ones(n uint) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

func wmask(sf bool) uint64 {
	if sf {
		return ^uint64(0)
	}
	return 0xffffffff
}
