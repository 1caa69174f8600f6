package x64

import (
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// Each encoder form must decode (x86asm, Intel syntax) to what was meant,
// over the registers whose encodings are special (RSP/R12 need a SIB,
// RBP/R13 an explicit displacement, R8-R15 REX bits, SPL..DIL a REX).
func TestEncodings(t *testing.T) {
	cases := []struct {
		emit func(a *Asm)
		want string
	}{
		{func(a *Asm) { a.AluRR(true, ADD, RAX, RCX) }, "add rax, rcx"},
		{func(a *Asm) { a.AluRR(false, SUB, R9, R15) }, "sub r9d, r15d"},
		{func(a *Asm) { a.AluRM(true, XOR, RDX, M(R15, -128)) }, "xor rdx, qword ptr [r15-0x80]"},
		{func(a *Asm) { a.AluRM(true, CMP, R8, M(R12, 8)) }, "cmp r8, qword ptr [r12+0x8]"},
		{func(a *Asm) { a.AluRM(true, ADD, RAX, M(R13, 0)) }, "add rax, qword ptr [r13]"},
		{func(a *Asm) { a.AluRM(false, AND, RAX, M(RBP, 0)) }, "and eax, dword ptr [rbp]"},
		{func(a *Asm) { a.AluRM(true, OR, RSI, M(RSP, 0x1000)) }, "or rsi, qword ptr [rsp+0x1000]"},
		{func(a *Asm) { a.AluMR(true, ADD, M(R15, 16), RBX) }, "add qword ptr [r15+0x10], rbx"},
		{func(a *Asm) { a.AluRI(true, ADD, RAX, 5) }, "add rax, 0x5"},
		{func(a *Asm) { a.Lock(); a.XaddMR(8, MI(R14, RAX, 1, 0), RCX) }, "lock xadd qword ptr [r14+rax], rcx"},
		{func(a *Asm) { a.Lock(); a.XaddMR(4, MI(R14, R9, 1, 0), RDX) }, "lock xadd dword ptr [r14+r9], edx"},
		{func(a *Asm) { a.Lock(); a.XaddMR(2, MI(R14, RAX, 1, 0), RSI) }, "lock xadd word ptr [r14+rax], si"},
		{func(a *Asm) { a.Lock(); a.XaddMR(1, MI(R14, RAX, 1, 0), RSI) }, "lock xadd byte ptr [r14+rax], sil"},
		{func(a *Asm) { a.XchgMR(8, MI(R14, RAX, 1, 0), R10) }, "xchg qword ptr [r14+rax], r10"},
		{func(a *Asm) { a.XchgMR(1, MI(R14, RAX, 1, 0), RCX) }, "xchg byte ptr [r14+rax], cl"},
		{func(a *Asm) { a.Lock(); a.CmpxchgMR(8, MI(R14, RAX, 1, 0), RDX) }, "lock cmpxchg qword ptr [r14+rax], rdx"},
		{func(a *Asm) { a.Lock(); a.CmpxchgMR(4, MI(R14, RBX, 1, 0), RDX) }, "lock cmpxchg dword ptr [r14+rbx], edx"},
		{func(a *Asm) { a.Lock(); a.CmpxchgMR(2, MI(R14, RBX, 1, 0), RDX) }, "lock cmpxchg word ptr [r14+rbx], dx"},
		{func(a *Asm) { a.Lock(); a.CmpxchgMR(1, MI(R14, RBX, 1, 0), RDI) }, "lock cmpxchg byte ptr [r14+rbx], dil"},
		{func(a *Asm) { a.Lock(); a.AluMRSized(1, OR, MI(R14, RAX, 1, 0), RCX) }, "lock or byte ptr [r14+rax], cl"},
		{func(a *Asm) { a.Lock(); a.AluMRSized(2, AND, MI(R14, RAX, 1, 0), RCX) }, "lock and word ptr [r14+rax], cx"},
		{func(a *Asm) { a.Lock(); a.AluMRSized(4, XOR, MI(R14, RAX, 1, 0), R8) }, "lock xor dword ptr [r14+rax], r8d"},
		{func(a *Asm) { a.Lock(); a.AluMRSized(8, ADD, MI(R14, RAX, 1, 0), R8) }, "lock add qword ptr [r14+rax], r8"},
		{func(a *Asm) { a.AluRI(true, CMP, R11, -200000) }, "cmp r11, -0x30d40"},
		{func(a *Asm) { a.AluRI(false, AND, RCX, 0xff) }, "and ecx, 0xff"},
		{func(a *Asm) { a.AluMI(false, CMP, M(R15, 0x900), 0) }, "cmp dword ptr [r15+0x900], 0x0"},
		{func(a *Asm) { a.AluMI(true, CMP, M(RAX, 16), -1314) }, "cmp qword ptr [rax+0x10], -0x522"},
		{func(a *Asm) { a.MovRR(true, R10, RAX) }, "mov r10, rax"},
		{func(a *Asm) { a.Load(true, RCX, MI(R14, RAX, 1, 0)) }, "mov rcx, qword ptr [r14+rax]"},
		{func(a *Asm) { a.Load(true, RCX, MI(R13, R9, 8, 0)) }, "mov rcx, qword ptr [r13+8*r9]"},
		{func(a *Asm) { a.Load(false, R8, M(R15, -8)) }, "mov r8d, dword ptr [r15-0x8]"},
		{func(a *Asm) { a.LoadZX(1, RCX, MI(R14, RAX, 1, 0)) }, "movzx ecx, byte ptr [r14+rax]"},
		{func(a *Asm) { a.LoadZX(2, R9, MI(R14, RAX, 1, 0)) }, "movzx r9d, word ptr [r14+rax]"},
		{func(a *Asm) { a.LoadSX(1, RCX, MI(R14, RAX, 1, 0)) }, "movsx rcx, byte ptr [r14+rax]"},
		{func(a *Asm) { a.LoadSX(2, RCX, MI(R14, RAX, 1, 0)) }, "movsx rcx, word ptr [r14+rax]"},
		{func(a *Asm) { a.LoadSX(4, RCX, MI(R14, RAX, 1, 0)) }, "movsxd rcx, dword ptr [r14+rax]"},
		{func(a *Asm) { a.Store(1, MI(R14, RAX, 1, 0), RSI) }, "mov byte ptr [r14+rax], sil"},
		{func(a *Asm) { a.Store(1, MI(R14, RAX, 1, 0), RCX) }, "mov byte ptr [r14+rax], cl"},
		{func(a *Asm) { a.Store(2, MI(R14, RAX, 1, 0), R9) }, "mov word ptr [r14+rax], r9w"},
		{func(a *Asm) { a.Store(4, M(R15, 8), RCX) }, "mov dword ptr [r15+0x8], ecx"},
		{func(a *Asm) { a.Store(8, M(R15, 8), RCX) }, "mov qword ptr [r15+0x8], rcx"},
		{func(a *Asm) { a.MovMI(true, M(R15, 8), -1) }, "mov qword ptr [r15+0x8], -0x1"},
		{func(a *Asm) { a.MovImm(RAX, 0) }, "xor eax, eax"},
		{func(a *Asm) { a.MovImm(R9, 0x12345678) }, "mov r9d, 0x12345678"},
		{func(a *Asm) { a.MovImm(RAX, 0xfffffffffffffff0) }, "mov rax, -0x10"},
		{func(a *Asm) { a.MovImm(R12, 0x123456789a) }, "mov r12, 0x123456789a"},
		{func(a *Asm) { a.MovImm32(RCX, 0) }, "mov ecx, 0x0"},
		{func(a *Asm) { a.MovImm32(R10, 7) }, "mov r10d, 0x7"},
		{func(a *Asm) { a.Lea(RAX, M(RCX, 0x40)) }, "lea rax, ptr [rcx+0x40]"},
		{func(a *Asm) { a.ShiftCL(true, SHL, RAX) }, "shl rax, cl"},
		{func(a *Asm) { a.ShiftCL(false, SAR, R8) }, "sar r8d, cl"},
		{func(a *Asm) { a.ShiftI(true, ROR, RDX, 13) }, "ror rdx, 0xd"},
		{func(a *Asm) { a.Shrd(true, RAX, RDX, 7) }, "shrd rax, rdx, 0x7"},
		{func(a *Asm) { a.Not(true, RCX) }, "not rcx"},
		{func(a *Asm) { a.Neg(false, R10) }, "neg r10d"},
		{func(a *Asm) { a.MulR(true, RCX) }, "mul rcx"},
		{func(a *Asm) { a.IMul1R(true, RCX) }, "imul rcx"},
		{func(a *Asm) { a.DivR(false, RCX) }, "div ecx"},
		{func(a *Asm) { a.IDivR(true, R8) }, "idiv r8"},
		{func(a *Asm) { a.IMulRR(true, RAX, R9) }, "imul rax, r9"},
		{func(a *Asm) { a.Cqo(true) }, "cqo"},
		{func(a *Asm) { a.Cqo(false) }, "cdq"},
		{func(a *Asm) { a.TestRR(true, RAX, RAX) }, "test rax, rax"},
		{func(a *Asm) { a.TestRI8(RAX, 1) }, "test al, 0x1"},
		{func(a *Asm) { a.Setcc(CondL, RAX) }, "setl al"},
		{func(a *Asm) { a.Setcc(CondB, RSI) }, "setb sil"},
		{func(a *Asm) { a.Setcc(CondO, R9) }, "seto r9b"},
		{func(a *Asm) { a.Cmov(true, CondNE, RAX, R11) }, "cmovnz rax, r11"},
		{func(a *Asm) { a.Movzx8(RAX, RDI) }, "movzx eax, dil"},
		{func(a *Asm) { a.Movzx16(RAX, RCX) }, "movzx eax, cx"},
		{func(a *Asm) { a.Movsx8(RAX, RCX) }, "movsx rax, cl"},
		{func(a *Asm) { a.Movsx16(RAX, RCX) }, "movsx rax, cx"},
		{func(a *Asm) { a.Movsxd(RAX, R12) }, "movsxd rax, r12d"},
		{func(a *Asm) { a.Lzcnt(true, RAX, RCX) }, "lzcnt rax, rcx"},
		{func(a *Asm) { a.Tzcnt(false, RAX, RCX) }, "tzcnt eax, ecx"},
		{func(a *Asm) { a.Popcnt(true, R8, RCX) }, "popcnt r8, rcx"},
		{func(a *Asm) { a.Bswap(true, RAX) }, "bswap rax"},
		{func(a *Asm) { a.Bswap(false, R9) }, "bswap r9d"},
		{func(a *Asm) { a.BtI(false, RCX, 29) }, "bt ecx, 0x1d"},
		{func(a *Asm) { a.Cmc() }, "cmc"},
		{func(a *Asm) { a.Lahf() }, "lahf"},
		{func(a *Asm) { a.Pext(false, RAX, RAX, RCX) }, "pext eax, eax, ecx"},
		{func(a *Asm) { a.Pext(true, R9, R10, R11) }, "pext r9, r10, r11"},
		{func(a *Asm) { a.Rorx(false, RAX, RBX, 2) }, "rorx eax, ebx, 0x2"},
		{func(a *Asm) { a.Rorx(true, R13, R9, 63) }, "rorx r13, r9, 0x3f"},
		{func(a *Asm) { a.Arith(true, FADD, X0, X1) }, "addsd xmm0, xmm1"},
		{func(a *Asm) { a.Arith(false, FMUL, X2, X3) }, "mulss xmm2, xmm3"},
		{func(a *Asm) { a.Arith(true, FSUB, X1, X0) }, "subsd xmm1, xmm0"},
		{func(a *Asm) { a.PackedRM(PMOVSXWD, X0, M(R15, -128)) }, "pmovsxwd xmm0, qword ptr [r15-0x80]"},
		{func(a *Asm) { a.PackedRM(PMOVZXBW, X1, M(R15, 8)) }, "pmovzxbw xmm1, qword ptr [r15+0x8]"},
		{func(a *Asm) { a.PackedRM(PMOVSXDQ, X1, M(R15, 0)) }, "pmovsxdq xmm1, qword ptr [r15]"},
		{func(a *Asm) { a.PackedRM(PMOVZXDQ, X2, M(R15, 16)) }, "pmovzxdq xmm2, qword ptr [r15+0x10]"},
		{func(a *Asm) { a.PackedRM(PMOVSXBW, X0, M(R15, 0)) }, "pmovsxbw xmm0, qword ptr [r15]"},
		{func(a *Asm) { a.PackedRM(PMOVZXWD, X0, M(R15, 0)) }, "pmovzxwd xmm0, qword ptr [r15]"},
		{func(a *Asm) { a.PackedRR(PMULLW, X0, X1) }, "pmullw xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PMULLD, X0, X1) }, "pmulld xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PMULDQ, X2, X3) }, "pmuldq xmm2, xmm3"},
		{func(a *Asm) { a.PackedRR(PMULUDQ, X0, X1) }, "pmuludq xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PADDW, X2, X0) }, "paddw xmm2, xmm0"},
		{func(a *Asm) { a.PackedRR(PADDD, X2, X0) }, "paddd xmm2, xmm0"},
		{func(a *Asm) { a.PackedRR(PADDQ, X2, X0) }, "paddq xmm2, xmm0"},
		{func(a *Asm) { a.PackedRR(PSUBW, X2, X0) }, "psubw xmm2, xmm0"},
		{func(a *Asm) { a.PackedRR(PSUBD, X2, X0) }, "psubd xmm2, xmm0"},
		{func(a *Asm) { a.PackedRR(PSUBQ, X2, X0) }, "psubq xmm2, xmm0"},
		{func(a *Asm) { a.LoadDQU(X2, M(R15, -64)) }, "movdqu xmm2, xmmword ptr [r15-0x40]"},
		{func(a *Asm) { a.StoreDQU(M(R15, 24), X0) }, "movdqu xmmword ptr [r15+0x18], xmm0"},
		{func(a *Asm) { a.MovXX(X3, X2) }, "movdqa xmm3, xmm2"},
		{func(a *Asm) { a.MovqXX(X0, X0) }, "movq xmm0, xmm0"},
		{func(a *Asm) { a.PackedRR(PADDB, X0, X1) }, "paddb xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PSHUFB, X2, X0) }, "pshufb xmm2, xmm0"},
		{func(a *Asm) { a.PackedRR(PSADBW, X0, X1) }, "psadbw xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PUNPCKLQDQ, X2, X3) }, "punpcklqdq xmm2, xmm3"},
		{func(a *Asm) { a.PackedRR(AESENC, X0, X1) }, "aesenc xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(AESENCLAST, X0, X1) }, "aesenclast xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(AESDEC, X0, X1) }, "aesdec xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(AESDECLAST, X0, X1) }, "aesdeclast xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(AESIMC, X0, X0) }, "aesimc xmm0, xmm0"},
		{func(a *Asm) { a.PsrlwI(X1, 4) }, "psrlw xmm1, 0x4"},
		{func(a *Asm) { a.PackedRR(PCMPEQB, X0, X1) }, "pcmpeqb xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PCMPEQQ, X0, X1) }, "pcmpeqq xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PHADDW, X0, X1) }, "phaddw xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PHADDD, X0, X1) }, "phaddd xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PACKUSWB, X0, X1) }, "packuswb xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PUNPCKHQDQ, X2, X1) }, "punpckhqdq xmm2, xmm1"},
		{func(a *Asm) { a.PackedRR(PAND, X0, X2) }, "pand xmm0, xmm2"},
		{func(a *Asm) { a.PackedRR(PANDN, X1, X0) }, "pandn xmm1, xmm0"},
		{func(a *Asm) { a.PackedRR(PXOR, X0, X1) }, "pxor xmm0, xmm1"},
		{func(a *Asm) { a.PackedRR(PSUBB, X0, X1) }, "psubb xmm0, xmm1"},
		{func(a *Asm) { a.Shufps(X3, X1, 0x11) }, "shufps xmm3, xmm1, 0x11"},
		{func(a *Asm) { a.Pshufd(X0, X0, 0x0e) }, "pshufd xmm0, xmm0, 0xe"},
		{func(a *Asm) { a.Palignr(X1, X2, 4) }, "palignr xmm1, xmm2, 0x4"},
		{func(a *Asm) { a.Sha256Rnds2(X2, X3) }, "sha256rnds2 xmm2, xmm3, xmm0"},
		{func(a *Asm) { a.Sha256Msg1(X1, X2) }, "sha256msg1 xmm1, xmm2"},
		{func(a *Asm) { a.Sha256Msg2(X3, X2) }, "sha256msg2 xmm3, xmm2"},
		{func(a *Asm) { a.Arith(true, FDIV, X0, X2) }, "divsd xmm0, xmm2"},
		{func(a *Asm) { a.Arith(false, SQRT, X0, X0) }, "sqrtss xmm0, xmm0"},
		{func(a *Asm) { a.MovXR(true, X1, R9) }, "movq xmm1, r9"},
		{func(a *Asm) { a.MovXR(false, X0, RCX) }, "movd xmm0, ecx"},
		{func(a *Asm) { a.MovRX(true, RAX, X2) }, "movq rax, xmm2"},
		{func(a *Asm) { a.MovRX(false, R10, X0) }, "movd r10d, xmm0"},
		{func(a *Asm) { a.Ucomi(true, X0, X1) }, "ucomisd xmm0, xmm1"},
		{func(a *Asm) { a.Ucomi(false, X1, X0) }, "ucomiss xmm1, xmm0"},
		{func(a *Asm) { a.CvtToInt(true, true, true, RAX, X0) }, "cvttsd2si rax, xmm0"},
		{func(a *Asm) { a.CvtToInt(false, false, false, RCX, X1) }, "cvtss2si ecx, xmm1"},
		{func(a *Asm) { a.CvtFromInt(true, true, X0, R8) }, "cvtsi2sd xmm0, r8"},
		{func(a *Asm) { a.CvtFromInt(false, false, X1, RAX) }, "cvtsi2ss xmm1, eax"},
		{func(a *Asm) { a.Fma231(true, FMADD, X0, X1, X2) }, "vfmadd231sd xmm0, xmm1, xmm2"},
		{func(a *Asm) { a.Fma231(false, FNMSUB, X3, X0, X1) }, "vfnmsub231ss xmm3, xmm0, xmm1"},
		{func(a *Asm) { a.TestRI(false, R9, 0x10) }, "test r9d, 0x10"},
		{func(a *Asm) { a.TestMI(false, M(R15, -0x80), 0x1c00000) }, "test dword ptr [r15-0x80], 0x1c00000"},
		{func(a *Asm) { a.Jcc32(CondP) }, "jp .+0x0"},
		{func(a *Asm) { a.Ret() }, "ret"},
		{func(a *Asm) { a.JmpR(RAX) }, "jmp rax"},
		{func(a *Asm) { a.JmpM(MI(R15, RCX, 1, 0x800)) }, "jmp qword ptr [r15+rcx+0x800]"},
		{func(a *Asm) { a.Jmp32() }, "jmp .+0x0"},
		{func(a *Asm) { a.Jcc32(CondGE) }, "jnl .+0x0"},
		{func(a *Asm) { a.Jcc8(CondNE) }, "jnz .+0x0"},
		{func(a *Asm) { a.Jmp8() }, "jmp .+0x0"},
	}
	for i, c := range cases {
		var a Asm
		c.emit(&a)
		inst, err := x86asm.Decode(a.Buf, 64)
		if err != nil {
			t.Errorf("case %d (%s): % x does not decode: %v", i, c.want, a.Buf, err)
			continue
		}
		if inst.Len != len(a.Buf) {
			t.Errorf("case %d (%s): decoded %d of %d bytes (% x)", i, c.want, inst.Len, len(a.Buf), a.Buf)
		}
		if got := x86asm.IntelSyntax(inst, 0, nil); got != c.want {
			t.Errorf("case %d: % x decodes to %q, want %q", i, a.Buf, got, c.want)
		}
	}
}

// Every NOP length decodes as one NOP per up-to-8-byte piece, and the
// rel32 alignment puts the field on a 4-byte boundary.
func TestNopAndAlign(t *testing.T) {
	for n := 1; n <= 8; n++ {
		var a Asm
		a.Nop(n)
		inst, err := x86asm.Decode(a.Buf, 64)
		if err != nil || inst.Op != x86asm.NOP || inst.Len != n {
			t.Errorf("nop %d: % x -> %v %v", n, a.Buf, inst, err)
		}
	}
	for pre := 0; pre < 4; pre++ {
		var a Asm
		a.Nop(pre)
		a.AlignRel32(2)
		f := a.Jcc32(CondE)
		if f%4 != 0 {
			t.Errorf("after %d bytes: rel32 at %d", pre, f)
		}
	}
}

// Bound labels land where they say.
func TestLabels(t *testing.T) {
	var a Asm
	j := a.Jcc8(CondE)
	a.Ret()
	a.Bind8(j)
	k := a.Jmp32()
	a.Ret()
	a.Bind32(k, 0)
	inst, _ := x86asm.Decode(a.Buf, 64)
	if got := x86asm.IntelSyntax(inst, 0, nil); got != "jz .+0x1" && got != "je .+0x1" {
		t.Errorf("jcc8 bound to %q", got)
	}
	inst, _ = x86asm.Decode(a.Buf[3:], 64)
	if rel := int32(inst.Args[0].(x86asm.Rel)); rel != -8 {
		t.Errorf("jmp32 rel %d, want -8", rel)
	}
}
