package x64

// Scalar SSE2 and FMA3 forms for tier 2's floating point (Intel SDM Vol. 2:
// §2.1 legacy prefixes before REX, §2.3 VEX). XMM registers share the
// GP numbering of ModR/M (X0 = 0 … X15 = 15); compiled code uses X0-X3
// (X15 is Go's zero register and is never written).

// X is an XMM register number.
type X uint8

const (
	X0 X = iota
	X1
	X2
	X3
)

// FOp is a scalar SSE arithmetic opcode (the byte after 0F).
type FOp byte

const (
	SQRT FOp = 0x51
	FADD FOp = 0x58
	FMUL FOp = 0x59
	FSUB FOp = 0x5c
	FDIV FOp = 0x5e
)

// sse emits prefix [REX] 0F op ModRM(reg=r, rm=rm), both registers.
func (a *Asm) sse(prefix byte, w bool, op byte, r, rm Reg) {
	if prefix != 0 {
		a.b(prefix)
	}
	a.opRR(w, []byte{0x0f, op}, r, rm, false)
}

// scalarPrefix selects the double (F2) or single (F3) form.
func scalarPrefix(double bool) byte {
	if double {
		return 0xf2
	}
	return 0xf3
}

// Arith is dst = dst op src (ADDSD, MULSS, SQRTSD dst, src, …).
func (a *Asm) Arith(double bool, op FOp, dst, src X) {
	a.sse(scalarPrefix(double), false, byte(op), Reg(dst), Reg(src))
}

// MovXR moves a general register into the low lane (MOVQ xmm, r64 when
// w, else MOVD xmm, r32); the rest of the register is zeroed.
func (a *Asm) MovXR(w bool, dst X, src Reg) { a.sse(0x66, w, 0x6e, Reg(dst), src) }

// MovRX moves the low lane to a general register (MOVQ r64, xmm / MOVD).
func (a *Asm) MovRX(w bool, dst Reg, src X) { a.sse(0x66, w, 0x7e, Reg(src), dst) }

// Ucomi compares the low lanes and sets ZF, PF, CF (UCOMISD / UCOMISS):
// unordered 111, less 001, equal 100, greater 000.
func (a *Asm) Ucomi(double bool, x, y X) {
	var p byte
	if double {
		p = 0x66
	}
	a.sse(p, false, 0x2e, Reg(x), Reg(y))
}

// CvtToInt converts the low lane to a signed integer (64-bit when w),
// truncating (CVTTSD2SI) or in the MXCSR mode (CVTSD2SI). Out of range and
// NaN give the "integer indefinite" 1<<31 or 1<<63.
func (a *Asm) CvtToInt(double, w, truncate bool, dst Reg, src X) {
	op := byte(0x2d)
	if truncate {
		op = 0x2c
	}
	a.sse(scalarPrefix(double), w, op, dst, Reg(src))
}

// CvtFromInt converts a signed integer (64-bit when w) into the low lane
// (CVTSI2SD / CVTSI2SS), rounding in the MXCSR mode.
func (a *Asm) CvtFromInt(double, w bool, dst X, src Reg) {
	a.sse(scalarPrefix(double), w, 0x2a, Reg(dst), src)
}

// FMA is a fused multiply-add form of the 231 family (Intel SDM
// "VFMADD231SD" …): dst = ±(x*y) ± dst, one rounding.
type FMA byte

const (
	FMADD  FMA = 0xb9 // x*y + dst
	FMSUB  FMA = 0xbb // x*y - dst
	FNMADD FMA = 0xbd // -(x*y) + dst
	FNMSUB FMA = 0xbf // -(x*y) - dst
)

// Fma231 emits VF…231SD/SS dst, x, y (VEX.LIG.66.0F38.W1/W0).
func (a *Asm) Fma231(double bool, k FMA, dst, x, y X) {
	a.vex3(double, Reg(dst), Reg(y), Reg(x), 2, 1) // map 0F38, pp 66
	a.b(byte(k), 0xc0|byte(dst&7)<<3|byte(y&7))
}

// Packed integer forms for tier 2's vector ops (Intel SDM Vol. 2: PMOVSX,
// PMOVZX, PMULLW/D, PMULDQ, PMULUDQ, PADD, PSUB, MOVDQU; the 66 0F 38
// forms are SSE4.1).

// PI is a packed integer opcode: its escape (0F or 0F 38) and byte.
type PI struct {
	esc38 bool
	op    byte
}

var (
	PMOVSXBW   = PI{true, 0x20}
	PMOVSXWD   = PI{true, 0x23}
	PMOVSXDQ   = PI{true, 0x25}
	PMOVZXBW   = PI{true, 0x30}
	PMOVZXWD   = PI{true, 0x33}
	PMOVZXDQ   = PI{true, 0x35}
	PMULLW     = PI{false, 0xd5}
	PMULLD     = PI{true, 0x40}
	PMULDQ     = PI{true, 0x28}
	PMULUDQ    = PI{false, 0xf4}
	PAND       = PI{false, 0xdb}
	PANDN      = PI{false, 0xdf} // dst = ^dst & src
	PXOR       = PI{false, 0xef}
	PADDB      = PI{false, 0xfc}
	PSUBB      = PI{false, 0xf8}
	PADDW      = PI{false, 0xfd}
	PADDD      = PI{false, 0xfe}
	PADDQ      = PI{false, 0xd4}
	PSUBW      = PI{false, 0xf9}
	PSUBD      = PI{false, 0xfa}
	PSUBQ      = PI{false, 0xfb}
	PSHUFB     = PI{true, 0x00} // SSSE3: dst's bytes picked by src's indices
	PSADBW     = PI{false, 0xf6}
	PUNPCKLQDQ = PI{false, 0x6c}
	PUNPCKHQDQ = PI{false, 0x6d}
	PACKUSWB   = PI{false, 0x67}
	PCMPEQB    = PI{false, 0x74}
	PCMPEQW    = PI{false, 0x75}
	PCMPEQD    = PI{false, 0x76}
	PCMPEQQ    = PI{true, 0x29} // SSE4.1
	PHADDW     = PI{true, 0x01} // SSSE3
	PHADDD     = PI{true, 0x02} // SSSE3
	// AES-NI: dst is the state, src the round key (AESIMC: dst = InvMixColumns(src)).
	AESENC     = PI{true, 0xdc}
	AESENCLAST = PI{true, 0xdd}
	AESDEC     = PI{true, 0xde}
	AESDECLAST = PI{true, 0xdf}
	AESIMC     = PI{true, 0xdb}
)

// PsrlwI shifts each 16-bit lane of x right by n (66 0F 71 /2 ib).
func (a *Asm) PsrlwI(x X, n uint8) {
	a.b(0x66)
	a.opRR(false, []byte{0x0f, 0x71}, 2, Reg(x), false)
	a.b(n)
}

func (p PI) bytes() []byte {
	if p.esc38 {
		return []byte{0x0f, 0x38, p.op}
	}
	return []byte{0x0f, p.op}
}

// PackedRR is dst = dst op src (66 [REX] 0F [38] op /r).
func (a *Asm) PackedRR(op PI, dst, src X) {
	a.b(0x66)
	a.opRR(false, op.bytes(), Reg(dst), Reg(src), false)
}

// PackedRM is dst = dst op [m]; for PMOVSX/ZX, dst = extend([m]) of 64 bits.
func (a *Asm) PackedRM(op PI, dst X, m Mem) {
	a.b(0x66)
	a.opMem(false, op.bytes(), Reg(dst), m, false)
}

// LoadDQU is MOVDQU dst, [m] (16 bytes, any alignment).
func (a *Asm) LoadDQU(dst X, m Mem) {
	a.b(0xf3)
	a.opMem(false, []byte{0x0f, 0x6f}, Reg(dst), m, false)
}

// StoreDQU is MOVDQU [m], src.
func (a *Asm) StoreDQU(m Mem, src X) {
	a.b(0xf3)
	a.opMem(false, []byte{0x0f, 0x7f}, Reg(src), m, false)
}

// xop emits [prefix] [REX] op ModRM(dst, src) [imm8] for XMM registers.
func (a *Asm) xop(prefix byte, op []byte, dst, src X, imm int) {
	if prefix != 0 {
		a.b(prefix)
	}
	a.opRR(false, op, Reg(dst), Reg(src), false)
	if imm >= 0 {
		a.b(byte(imm))
	}
}

// MovqXX is MOVQ dst, src: the low 64 bits, the upper ones cleared.
func (a *Asm) MovqXX(dst, src X) { a.xop(0xf3, []byte{0x0f, 0x7e}, dst, src, -1) }

// MovXX is MOVDQA dst, src.
func (a *Asm) MovXX(dst, src X) { a.xop(0x66, []byte{0x0f, 0x6f}, dst, src, -1) }

// Shufps is SHUFPS dst, src, imm: dst's lanes 0-1 from dst, 2-3 from src.
func (a *Asm) Shufps(dst, src X, imm uint8) { a.xop(0, []byte{0x0f, 0xc6}, dst, src, int(imm)) }

// Pshufd is PSHUFD dst, src, imm.
func (a *Asm) Pshufd(dst, src X, imm uint8) { a.xop(0x66, []byte{0x0f, 0x70}, dst, src, int(imm)) }

// Palignr is PALIGNR dst, src, imm (SSSE3): the low 16 bytes of dst:src
// shifted right by imm bytes.
func (a *Asm) Palignr(dst, src X, imm uint8) {
	a.xop(0x66, []byte{0x0f, 0x3a, 0x0f}, dst, src, int(imm))
}

// SHA extensions (Intel SDM Vol. 2 SHA256RNDS2, SHA256MSG1, SHA256MSG2).

// Sha256Rnds2 does two rounds on dst (CDGH) and src (ABEF) with the
// message words plus constants in X0's low 64 bits; dst becomes ABEF.
func (a *Asm) Sha256Rnds2(dst, src X) { a.xop(0, []byte{0x0f, 0x38, 0xcb}, dst, src, -1) }

// Sha256Msg1 is SHA256MSG1 dst, src.
func (a *Asm) Sha256Msg1(dst, src X) { a.xop(0, []byte{0x0f, 0x38, 0xcc}, dst, src, -1) }

// Sha256Msg2 is SHA256MSG2 dst, src.
func (a *Asm) Sha256Msg2(dst, src X) { a.xop(0, []byte{0x0f, 0x38, 0xcd}, dst, src, -1) }
