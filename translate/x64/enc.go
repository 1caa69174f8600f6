// Package x64 is a small amd64 machine-code encoder for the tier-2
// translator: the instruction forms it needs, encoded straight into a byte
// slice (no assembler, no allocation per instruction). Encodings follow the
// Intel SDM Vol. 2 (§2.1 instruction format, §2.2.1 REX prefixes, Table 2-2
// ModR/M, Table 2-3 SIB); every form has a test that decodes it back with
// golang.org/x/arch/x86/x86asm.
package x64

import "encoding/binary"

// Reg is a general-purpose register number (Intel SDM Table 3-1 order).
type Reg uint8

const (
	RAX Reg = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
	NoReg Reg = 0xff
)

// Mem is a memory operand [Base + Index*Scale + Disp]. Index NoReg means
// none; Scale is 1, 2, 4 or 8.
type Mem struct {
	Base  Reg
	Index Reg
	Scale uint8
	Disp  int32
}

// M is [base+disp].
func M(base Reg, disp int32) Mem { return Mem{Base: base, Index: NoReg, Scale: 1, Disp: disp} }

// MI is [base+index*scale+disp].
func MI(base, index Reg, scale uint8, disp int32) Mem {
	return Mem{Base: base, Index: index, Scale: scale, Disp: disp}
}

// Cond is an x86 condition code (the low nibble of Jcc/SETcc/CMOVcc).
type Cond uint8

const (
	CondO  Cond = 0x0
	CondNO Cond = 0x1
	CondB  Cond = 0x2 // unsigned <, CF=1
	CondAE Cond = 0x3 // unsigned >=
	CondE  Cond = 0x4
	CondNE Cond = 0x5
	CondBE Cond = 0x6
	CondA  Cond = 0x7
	CondS  Cond = 0x8
	CondNS Cond = 0x9
	CondP  Cond = 0xa // parity: an unordered UCOMISD
	CondNP Cond = 0xb
	CondL  Cond = 0xc // signed <
	CondGE Cond = 0xd
	CondLE Cond = 0xe
	CondG  Cond = 0xf
)

// Invert is the opposite condition.
func (c Cond) Invert() Cond { return c ^ 1 }

// Asm accumulates machine code.
type Asm struct {
	Buf []byte
}

// Len is the number of bytes emitted so far.
func (a *Asm) Len() int { return len(a.Buf) }

func (a *Asm) b(bs ...byte) { a.Buf = append(a.Buf, bs...) }

func (a *Asm) u32(v uint32) { a.Buf = binary.LittleEndian.AppendUint32(a.Buf, v) }

func (a *Asm) u64(v uint64) { a.Buf = binary.LittleEndian.AppendUint64(a.Buf, v) }

// rex emits a REX prefix when needed. w selects 64-bit operand size; r, x
// and b are the registers whose high bit goes into REX.R, REX.X, REX.B.
// byteReg forces a REX for SPL/BPL/SIL/DIL.
func (a *Asm) rex(w bool, r, x, b Reg, byteReg bool) {
	v := byte(0x40)
	if w {
		v |= 8
	}
	if r != NoReg && r&8 != 0 {
		v |= 4
	}
	if x != NoReg && x&8 != 0 {
		v |= 2
	}
	if b != NoReg && b&8 != 0 {
		v |= 1
	}
	if v != 0x40 || byteReg {
		a.b(v)
	}
}

// modrmMem emits ModR/M (+SIB, +displacement) for reg field r and memory m.
func (a *Asm) modrmMem(r byte, m Mem) {
	r &= 7
	base := byte(m.Base) & 7
	var mod byte
	switch {
	case m.Disp == 0 && base != 5: // [rbp]/[r13] need an explicit disp
		mod = 0
	case m.Disp >= -128 && m.Disp <= 127:
		mod = 1
	default:
		mod = 2
	}
	if m.Index == NoReg && base != 4 {
		a.b(mod<<6 | r<<3 | base)
	} else {
		idx := byte(4) // none
		if m.Index != NoReg {
			idx = byte(m.Index) & 7
		}
		var ss byte
		switch m.Scale {
		case 2:
			ss = 1
		case 4:
			ss = 2
		case 8:
			ss = 3
		}
		a.b(mod<<6|r<<3|4, ss<<6|idx<<3|base)
	}
	switch mod {
	case 1:
		a.b(byte(int8(m.Disp)))
	case 2:
		a.u32(uint32(m.Disp))
	}
}

// opMem emits [REX] opcode ModRM(mem) with reg field r (a register or an
// opcode extension).
func (a *Asm) opMem(w bool, op []byte, r Reg, m Mem, byteReg bool) {
	a.rex(w, r, m.Index, m.Base, byteReg && r >= 4 && r < 8)
	a.b(op...)
	a.modrmMem(byte(r), m)
}

// opRR emits [REX] opcode ModRM(reg=r, rm=rm).
func (a *Asm) opRR(w bool, op []byte, r, rm Reg, byteRM bool) {
	a.rex(w, r, NoReg, rm, byteRM && rm >= 4 && rm < 8)
	a.b(op...)
	a.b(0xc0 | byte(r&7)<<3 | byte(rm&7))
}

// ALU is a classic two-operand integer operation (its /digit and the base
// of its opcode row: Intel SDM "ADD", "OR", ...).
type ALU uint8

const (
	ADD ALU = 0
	OR  ALU = 1
	ADC ALU = 2
	SBB ALU = 3
	AND ALU = 4
	SUB ALU = 5
	XOR ALU = 6
	CMP ALU = 7
)

// AluRR is dst op= src (64-bit when w).
func (a *Asm) AluRR(w bool, op ALU, dst, src Reg) {
	a.opRR(w, []byte{byte(op)<<3 | 1}, src, dst, false)
}

// AluRM is dst op= [m].
func (a *Asm) AluRM(w bool, op ALU, dst Reg, m Mem) {
	a.opMem(w, []byte{byte(op)<<3 | 3}, dst, m, false)
}

// AluMR is [m] op= src.
// Lock is the LOCK prefix of the next read-modify-write instruction.
func (a *Asm) Lock() { a.b(0xf0) }

// sized emits a memory-operand instruction of an access size (1, 2, 4 or
// 8 bytes): op8 is the byte form's opcode, op the others'.
func (a *Asm) sized(size int, op8, op []byte, r Reg, m Mem) {
	switch size {
	case 1:
		a.opMem(false, op8, r, m, true)
	case 2:
		a.b(0x66)
		a.opMem(false, op, r, m, false)
	default:
		a.opMem(size == 8, op, r, m, false)
	}
}

// AluMRSized is AluMR of a size (LOCK-able: ADD, OR, AND, SUB, XOR).
func (a *Asm) AluMRSized(size int, op ALU, m Mem, src Reg) {
	a.sized(size, []byte{byte(op) << 3}, []byte{byte(op)<<3 | 1}, src, m)
}

// XchgMR swaps r with memory; with a memory operand it is always locked.
func (a *Asm) XchgMR(size int, m Mem, r Reg) { a.sized(size, []byte{0x86}, []byte{0x87}, r, m) }

// XaddMR adds r to memory and leaves the old value in r (with Lock).
func (a *Asm) XaddMR(size int, m Mem, r Reg) {
	a.sized(size, []byte{0x0f, 0xc0}, []byte{0x0f, 0xc1}, r, m)
}

// CmpxchgMR compares RAX (its low size bytes) with memory: equal, r is
// stored and ZF set; else memory is loaded into RAX (with Lock).
func (a *Asm) CmpxchgMR(size int, m Mem, r Reg) {
	a.sized(size, []byte{0x0f, 0xb0}, []byte{0x0f, 0xb1}, r, m)
}

func (a *Asm) AluMR(w bool, op ALU, m Mem, src Reg) {
	a.opMem(w, []byte{byte(op)<<3 | 1}, src, m, false)
}

// AluRI is dst op= imm (sign-extended imm32 when w).
func (a *Asm) AluRI(w bool, op ALU, dst Reg, imm int32) {
	if imm >= -128 && imm <= 127 {
		a.opRR(w, []byte{0x83}, Reg(op), dst, false)
		a.b(byte(int8(imm)))
		return
	}
	a.opRR(w, []byte{0x81}, Reg(op), dst, false)
	a.u32(uint32(imm))
}

// AluMI is [m] op= imm.
func (a *Asm) AluMI(w bool, op ALU, m Mem, imm int32) {
	if imm >= -128 && imm <= 127 {
		a.opMem(w, []byte{0x83}, Reg(op), m, false)
		a.b(byte(int8(imm)))
		return
	}
	a.opMem(w, []byte{0x81}, Reg(op), m, false)
	a.u32(uint32(imm))
}

// MovRR is dst = src.
func (a *Asm) MovRR(w bool, dst, src Reg) { a.opRR(w, []byte{0x89}, src, dst, false) }

// Load is dst = [m] (64-bit when w, else 32-bit zero-extending).
func (a *Asm) Load(w bool, dst Reg, m Mem) { a.opMem(w, []byte{0x8b}, dst, m, false) }

// Store is [m] = src with size 1, 2, 4 or 8 bytes.
func (a *Asm) Store(size int, m Mem, src Reg) {
	switch size {
	case 1:
		a.opMem(false, []byte{0x88}, src, m, true)
	case 2:
		a.b(0x66)
		a.opMem(false, []byte{0x89}, src, m, false)
	case 4:
		a.opMem(false, []byte{0x89}, src, m, false)
	default:
		a.opMem(true, []byte{0x89}, src, m, false)
	}
}

// LoadZX loads size bytes zero-extended into dst (size 1, 2, 4 or 8).
func (a *Asm) LoadZX(size int, dst Reg, m Mem) {
	switch size {
	case 1:
		a.opMem(false, []byte{0x0f, 0xb6}, dst, m, false)
	case 2:
		a.opMem(false, []byte{0x0f, 0xb7}, dst, m, false)
	case 4:
		a.Load(false, dst, m)
	default:
		a.Load(true, dst, m)
	}
}

// LoadSX loads size bytes (1, 2 or 4) sign-extended to 64 bits.
func (a *Asm) LoadSX(size int, dst Reg, m Mem) {
	switch size {
	case 1:
		a.opMem(true, []byte{0x0f, 0xbe}, dst, m, false)
	case 2:
		a.opMem(true, []byte{0x0f, 0xbf}, dst, m, false)
	default:
		a.opMem(true, []byte{0x63}, dst, m, false)
	}
}

// MovMI stores a sign-extended imm32 to [m] (64-bit when w).
func (a *Asm) MovMI(w bool, m Mem, imm int32) {
	a.opMem(w, []byte{0xc7}, 0, m, false)
	a.u32(uint32(imm))
}

// MovImm loads a 64-bit constant with the shortest form.
func (a *Asm) MovImm(dst Reg, v uint64) {
	switch {
	case v == 0:
		a.AluRR(false, XOR, dst, dst)
	case v <= 0xffffffff:
		a.rex(false, NoReg, NoReg, dst, false)
		a.b(0xb8 | byte(dst&7))
		a.u32(uint32(v))
	case int64(v) >= -1<<31 && int64(v) < 1<<31:
		a.opRR(true, []byte{0xc7}, 0, dst, false)
		a.u32(uint32(v))
	default:
		a.rex(true, NoReg, NoReg, dst, false)
		a.b(0xb8 | byte(dst&7))
		a.u64(v)
	}
}

// MovImm32 is mov dst32, imm32 (zero-extended) even for 0: unlike
// MovImm's xor, it leaves the flags alone.
func (a *Asm) MovImm32(dst Reg, v uint32) {
	a.rex(false, NoReg, NoReg, dst, false)
	a.b(0xb8 | byte(dst&7))
	a.u32(v)
}

// MovImm64 is mov dst, imm64 in its fixed 10-byte form.
func (a *Asm) MovImm64(dst Reg, v uint64) {
	a.rex(true, NoReg, NoReg, dst, false)
	a.b(0xb8 | byte(dst&7))
	a.u64(v)
}

// Lea is dst = address of m.
func (a *Asm) Lea(dst Reg, m Mem) { a.opMem(true, []byte{0x8d}, dst, m, false) }

// Shift kinds (the /digit of C1/D3).
type Shift uint8

const (
	ROL Shift = 0
	ROR Shift = 1
	SHL Shift = 4
	SHR Shift = 5
	SAR Shift = 7
)

// ShiftCL shifts dst by CL.
func (a *Asm) ShiftCL(w bool, k Shift, dst Reg) { a.opRR(w, []byte{0xd3}, Reg(k), dst, false) }

// ShiftI shifts dst by an immediate.
func (a *Asm) ShiftI(w bool, k Shift, dst Reg, n uint8) {
	a.opRR(w, []byte{0xc1}, Reg(k), dst, false)
	a.b(n)
}

// Shrd is dst = (src:dst) >> n.
func (a *Asm) Shrd(w bool, dst, src Reg, n uint8) {
	a.opRR(w, []byte{0x0f, 0xac}, src, dst, false)
	a.b(n)
}

// Unary ops of the F7 group.
func (a *Asm) Not(w bool, r Reg) { a.opRR(w, []byte{0xf7}, 2, r, false) }
func (a *Asm) Neg(w bool, r Reg) { a.opRR(w, []byte{0xf7}, 3, r, false) }

// MulR is rdx:rax = rax * r unsigned; IMul1R signed.
func (a *Asm) MulR(w bool, r Reg)   { a.opRR(w, []byte{0xf7}, 4, r, false) }
func (a *Asm) IMul1R(w bool, r Reg) { a.opRR(w, []byte{0xf7}, 5, r, false) }

// DivR is rax, rdx = rdx:rax / r unsigned; IDivR signed.
func (a *Asm) DivR(w bool, r Reg)  { a.opRR(w, []byte{0xf7}, 6, r, false) }
func (a *Asm) IDivR(w bool, r Reg) { a.opRR(w, []byte{0xf7}, 7, r, false) }

// IMulRR is dst *= src (low half).
func (a *Asm) IMulRR(w bool, dst, src Reg) { a.opRR(w, []byte{0x0f, 0xaf}, dst, src, false) }

// Cqo sign-extends rax into rdx (cdq when !w).
func (a *Asm) Cqo(w bool) {
	if w {
		a.b(0x48)
	}
	a.b(0x99)
}

// TestRR sets flags from a & b.
func (a *Asm) TestRR(w bool, x, y Reg) { a.opRR(w, []byte{0x85}, y, x, false) }

// TestRI8 tests the low byte of r against imm.
func (a *Asm) TestRI8(r Reg, imm uint8) {
	a.opRR(false, []byte{0xf6}, 0, r, true)
	a.b(imm)
}

// TestRI sets the flags of r & imm.
func (a *Asm) TestRI(w bool, r Reg, imm int32) {
	a.opRR(w, []byte{0xf7}, 0, r, false)
	a.u32(uint32(imm))
}

// TestMI sets the flags of [m] & imm.
func (a *Asm) TestMI(w bool, m Mem, imm int32) {
	a.opMem(w, []byte{0xf7}, 0, m, false)
	a.u32(uint32(imm))
}

// Setcc sets the low byte of r to the condition.
func (a *Asm) Setcc(c Cond, r Reg) { a.opRR(false, []byte{0x0f, 0x90 | byte(c)}, 0, r, true) }

// Cmov is dst = src when c holds.
func (a *Asm) Cmov(w bool, c Cond, dst, src Reg) {
	a.opRR(w, []byte{0x0f, 0x40 | byte(c)}, dst, src, false)
}

// Movzx8 and friends extend within registers.
func (a *Asm) Movzx8(dst, src Reg)  { a.opRR(false, []byte{0x0f, 0xb6}, dst, src, true) }
func (a *Asm) Movzx16(dst, src Reg) { a.opRR(false, []byte{0x0f, 0xb7}, dst, src, false) }
func (a *Asm) Movsx8(dst, src Reg)  { a.opRR(true, []byte{0x0f, 0xbe}, dst, src, true) }
func (a *Asm) Movsx16(dst, src Reg) { a.opRR(true, []byte{0x0f, 0xbf}, dst, src, false) }
func (a *Asm) Movsxd(dst, src Reg)  { a.opRR(true, []byte{0x63}, dst, src, false) }

// Bit counts (LZCNT/TZCNT need ABM/BMI1, POPCNT its own CPUID bit).
func (a *Asm) Lzcnt(w bool, dst, src Reg) {
	a.b(0xf3)
	a.opRR(w, []byte{0x0f, 0xbd}, dst, src, false)
}
func (a *Asm) Tzcnt(w bool, dst, src Reg) {
	a.b(0xf3)
	a.opRR(w, []byte{0x0f, 0xbc}, dst, src, false)
}
func (a *Asm) Popcnt(w bool, dst, src Reg) {
	a.b(0xf3)
	a.opRR(w, []byte{0x0f, 0xb8}, dst, src, false)
}

// Bswap reverses the bytes of r.
func (a *Asm) Bswap(w bool, r Reg) {
	a.rex(w, NoReg, NoReg, r, false)
	a.b(0x0f, 0xc8|byte(r&7))
}

// BtI copies bit n of r into CF.
func (a *Asm) BtI(w bool, r Reg, n uint8) {
	a.opRR(w, []byte{0x0f, 0xba}, 4, r, false)
	a.b(n)
}

// Cmc complements CF; Lahf loads SF:ZF:0:AF:0:PF:1:CF into AH.
func (a *Asm) Cmc()  { a.b(0xf5) }
func (a *Asm) Lahf() { a.b(0x9f) }

// Pext is dst = parallel bit extract of src under mask (BMI2, VEX.LZ.F3.0F38 F5).
func (a *Asm) Pext(w bool, dst, src, mask Reg) {
	a.vex3(w, dst, mask, src, 2, 2) // map 0F38, pp F3
	a.b(0xf5, 0xc0|byte(dst&7)<<3|byte(mask&7))
}

// Rorx is dst = src rotated right by n, flags unchanged (BMI2,
// VEX.LZ.F2.0F3A F0 /r ib; the 32-bit form zero-extends).
func (a *Asm) Rorx(w bool, dst, src Reg, n uint8) {
	a.vex3(w, dst, src, 0, 3, 3) // map 0F3A, pp F2, no vvvv
	a.b(0xf0, 0xc0|byte(dst&7)<<3|byte(src&7), n)
}

// vex3 emits a 3-byte VEX prefix (Intel SDM §2.3.5): r and rm give R and
// B, v is the extra source (vvvv), m the opcode map, pp the implied
// prefix (1 = 66, 2 = F3, 3 = F2); L is 0.
func (a *Asm) vex3(w bool, r, rm, v Reg, m, pp byte) {
	rb := byte(0xe0) // R, X, B inverted: all set means "low registers"
	if r&8 != 0 {
		rb &^= 0x80
	}
	if rm&8 != 0 {
		rb &^= 0x20
	}
	wv := byte(^v&15)<<3 | pp
	if w {
		wv |= 0x80
	}
	a.b(0xc4, rb|m, wv)
}

// Ret returns.
func (a *Asm) Ret() { a.b(0xc3) }

// Int3 traps (padding that must never run).
func (a *Asm) Int3() { a.b(0xcc) }

// JmpR jumps to the address in r.
func (a *Asm) JmpR(r Reg) { a.opRR(false, []byte{0xff}, 4, r, false) }

// JmpM jumps to the address stored at m.
func (a *Asm) JmpM(m Mem) { a.opMem(false, []byte{0xff}, 4, m, false) }

// Nop emits n bytes of recommended multi-byte NOPs (Intel SDM Table 4-12).
func (a *Asm) Nop(n int) {
	nops := [][]byte{
		{0x90},
		{0x66, 0x90},
		{0x0f, 0x1f, 0x00},
		{0x0f, 0x1f, 0x40, 0x00},
		{0x0f, 0x1f, 0x44, 0x00, 0x00},
		{0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
		{0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
		{0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	}
	for n > 0 {
		k := min(n, 8)
		a.b(nops[k-1]...)
		n -= k
	}
}

// Jump sites: rel32 jumps whose target is set later with Patch.

// Jmp32 emits jmp rel32 and returns the offset of its rel32 field.
func (a *Asm) Jmp32() int {
	a.b(0xe9)
	a.u32(0)
	return len(a.Buf) - 4
}

// Jcc32 emits jcc rel32 and returns the offset of its rel32 field.
func (a *Asm) Jcc32(c Cond) int {
	a.b(0x0f, 0x80|byte(c))
	a.u32(0)
	return len(a.Buf) - 4
}

// Jcc8 emits jcc rel8 and returns the offset of its rel8 field.
func (a *Asm) Jcc8(c Cond) int {
	a.b(0x70|byte(c), 0)
	return len(a.Buf) - 1
}

// Jmp8 emits jmp rel8 and returns the offset of its rel8 field.
func (a *Asm) Jmp8() int {
	a.b(0xeb, 0)
	return len(a.Buf) - 1
}

// Bind8 points the rel8 at field to the current position.
func (a *Asm) Bind8(field int) {
	d := len(a.Buf) - (field + 1)
	if d > 127 {
		panic("x64: rel8 out of range")
	}
	a.Buf[field] = byte(int8(d))
}

// Bind32 points the rel32 at field to offset target of the same buffer.
func (a *Asm) Bind32(field, target int) {
	binary.LittleEndian.PutUint32(a.Buf[field:], uint32(int32(target-(field+4))))
}

// AlignRel32 pads with NOPs so that an instruction of prefix bytes before
// its rel32 field starts here with the field 4-byte aligned (for atomic
// patching of a chained jump).
func (a *Asm) AlignRel32(prefix int) {
	if pad := (4 - (len(a.Buf)+prefix)%4) % 4; pad > 0 {
		a.Nop(pad)
	}
}
