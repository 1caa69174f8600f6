package riscv64

import (
	"encoding/hex"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/translate"
)

// rvcProgram was assembled by GNU as (-march=rv64gc) from:
//
//	c.li a0,-5; c.addi a0,3; c.addiw a0,1; c.lui a1,0xfffe1
//	c.addi16sp sp,-64; c.addi4spn a2,sp,16; c.mv a3,a0; c.add a3,a0
//	c.li s0,12; c.li s1,10; c.sub s0,s1; c.li a4,6; c.li a5,3
//	c.xor a4,a5; c.or a5,s0; c.and s1,a5; c.li a4,-1; c.subw a4,s0
//	c.addw s0,s0; c.sd a1,8(a2); c.ld a5,8(a2); c.sw a1,4(a2)
//	c.lw s1,4(a2); c.sdsp a0,24(sp); c.ldsp t0,24(sp); c.swsp a1,28(sp)
//	c.lwsp t1,28(sp); c.fsd fa0,0(a2); c.fld fa1,0(a2)
//	c.fsdsp fa0,40(sp); c.fldsp fa2,40(sp); c.li t2,-1; c.slli t2,60
//	c.srli a4,1; c.srai s0,1; c.andi s1,-16; c.li t3,0
//	c.beqz s1,1f; c.li t3,1; 1: c.bnez s1,2f; c.li t3,2; 2: c.j 3f
//	c.li t3,3; 3: c.li t4,0; auipc t5,0; c.addi t5,10; c.jalr t5
//	c.li t4,7; ecall
const rvcProgram = "6d550d050525857539711008aa86aa963144a944058c19478d473d8fc18ffd8c" +
	"7d57019f219c0ce61c664cc244422aece2622ece724308a20c222ab42236fd53" +
	"f21305830584c198014e91c0054e91e0094e11a00d4e814e170f0000290f029f" +
	"9d4e73000000"

func TestCompressed(t *testing.T) {
	raw, _ := hex.DecodeString(rvcProgram)
	const pi = 0x400921fb54442d18
	c := exec(t, &prog{b: raw}, func(c *translate.CPU) { c.R[RegF0+10] = pi })
	sp := uint64(stackTop - 64)
	want := map[int]uint64{
		10: all1, 11: 0xfffffffffffe1000, 2: sp, 12: sp + 16, 13: all1 - 1,
		8: 2, 9: 0xfffffffffffe1000, 14: 0x7ffffffffffffffe, 15: 0xfffffffffffe1000,
		5: all1, 6: 0xfffffffffffe1000, 7: 0xf000000000000000,
		28: 1, 29: 0, 1: codeBase + 0x60,
		RegF0 + 11: pi, RegF0 + 12: pi,
	}
	for r, v := range want {
		if c.R[r] != v {
			t.Errorf("R[%d] = %#x, want %#x", r, c.R[r], v)
		}
	}
	if c.PC != codeBase+0x66 {
		t.Errorf("pc = %#x", c.PC)
	}
}

func TestAtomics(t *testing.T) {
	c := exec(t, code(
		S("sd", 2, 1, 0),         // [d] = 10
		R("amoadd.d", 3, 1, 4),   // x3 = 10, [d] = 15
		R("amoswap.d", 5, 1, 6),  // x5 = 15, [d] = -1
		R("amomaxu.d", 7, 1, 4),  // x7 = -1, [d] = -1
		R("amomin.d", 8, 1, 4),   // x8 = -1, [d] = -1
		R("amoadd.w", 9, 1, 4),   // x9 = sext(0xffffffff) = -1, low word 4
		R("amoxor.w", 10, 1, 0),  // x10 = 4
		R("lr.d", 11, 1, 0),      // x11 = [d]
		R("sc.d", 12, 1, 4),      // succeeds: x12 = 0, [d] = 5
		R("sc.d", 13, 1, 4),      // no reservation: x13 = 1
		I("ld", 14, 1, 0),        // 5
		R("lr.w", 15, 1, 0),      // 5
		R("sc.w", 16, 1, 6),      // x16 = 0; low word = 0xffffffff
		R("amominu.w", 17, 1, 4), // x17 = -1 (sext), word = 5
		R("amomax.w", 18, 1, 6),  // x18 = 5, word = max(5, -1) = 5
		R("amoand.w", 19, 1, 4),  // x19 = 5
		R("amoor.d", 20, 1, 0),   // x20 = [d]
		ecall,
	), regs(1, dataBase, 2, 10, 4, 5, 6, all1))
	want := map[int]uint64{3: 10, 5: 15, 7: all1, 8: all1, 9: all1, 10: 4,
		11: 0xffffffff00000004, 12: 0, 13: 1, 14: 5, 15: 5, 16: 0, 17: all1, 18: 5, 19: 5,
		20: 5}
	for r, v := range want {
		if c.R[r] != v {
			t.Errorf("x%d = %#x, want %#x", r, c.R[r], v)
		}
	}
}

func TestMisalignedAMO(t *testing.T) {
	m := newMachine(t)
	k := m.run(t, code(R("amoadd.w", 3, 1, 2), ecall), regs(1, dataBase+2))
	if k != translate.ExitException || m.c.Exit.Exception != translate.ExcMisaligned || m.c.Exit.Addr != dataBase+2 {
		t.Errorf("misaligned AMO: %v %+v", k, m.c.Exit)
	}
}

func TestCSR(t *testing.T) {
	c := exec(t, code(
		CSR("csrrwi", 1, csrFrm, 3),     // x1 = 0, frm = 3
		CSR("csrrsi", 2, csrFflags, 5),  // x2 = 0, fflags = 5
		CSR("csrrs", 3, csrFcsr, 0),     // x3 = 3<<5|5, no write
		CSR("csrrc", 4, csrFcsr, 10),    // x4 = 0x65, clear bits 0x21 → fcsr = 0x44
		CSR("csrrw", 5, csrFcsr, 11),    // x5 = 0x44, fcsr = 0xff & ...
		CSR("csrrs", 6, csrFrm, 0),      // frm after writing 0x1ff → 7
		CSR("csrrs", 7, csrFflags, 0),   // 0x1f
		CSR("csrrs", 8, csrTime, 0),     // rdtime
		CSR("csrrs", 9, csrCycle, 0),    // rdcycle
		CSR("csrrs", 12, csrInstret, 0), // rdinstret
		CSR("csrrci", 13, csrFflags, 1), // x13 = 0x1f, fflags = 0x1e
		CSR("csrrs", 14, csrFflags, 0),
		ecall,
	), regs(10, 0x21, 11, 0x1ff))
	want := map[int]uint64{1: 0, 2: 0, 3: 0x65, 4: 0x65, 5: 0x44, 6: 7, 7: 0x1f, 13: 0x1f, 14: 0x1e}
	for r, v := range want {
		if c.R[r] != v {
			t.Errorf("x%d = %#x, want %#x", r, c.R[r], v)
		}
	}
	var now unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &now)
	ts := now.Nano() / 100
	if d := ts - int64(c.R[8]); d < 0 || d > int64(time.Second/100) {
		t.Errorf("time CSR %d vs host CLOCK_MONOTONIC %d (10 MHz ticks)", c.R[8], ts)
	}
	if c.R[9] == 0 || c.R[12] == 0 {
		t.Errorf("cycle/instret = %d/%d", c.R[9], c.R[12])
	}
}

// expectException runs p and expects exception exc.
func expectException(t *testing.T, p *prog, setup func(*translate.CPU), exc translate.Exception, pc, addr uint64) {
	t.Helper()
	m := newMachine(t)
	k := m.run(t, p, setup)
	if k != translate.ExitException || m.c.Exit.Exception != exc || m.c.PC != pc || m.c.Exit.Addr != addr {
		t.Errorf("got exit %v exception %d pc %#x addr %#x; want exception %d pc %#x addr %#x",
			k, m.c.Exit.Exception, m.c.PC, m.c.Exit.Addr, exc, pc, addr)
	}
}

func TestIllegal(t *testing.T) {
	ill := []struct {
		name string
		p    *prog
	}{
		{"zero halfword", new(prog).h(0)},
		{"all ones", code(0xffffffff)},
		{"c.addi4spn imm 0", new(prog).h(0x0004)},
		{"c.lwsp x0", new(prog).h(0x4002)},
		{"c.jr x0", new(prog).h(0x8002)},
		{"c.addiw x0", new(prog).h(0x2001)},
		{"c.lui imm 0", new(prog).h(0x6081)},
		{"c.addi16sp 0", new(prog).h(0x6101)},
		{"quadrant 0 funct3 100", new(prog).h(0x8000)},
		{"c.subw reserved funct2", new(prog).h(0x9c41)},
		{"wfi", code(0x10500073)},
		{"mret", code(0x30200073)},
		{"sfence.vma", code(0x12000073)},
		{"csr mstatus", code(CSR("csrrs", 1, 0x300, 0))},
		{"csr vlenb", code(CSR("csrrs", 1, 0xc22, 0))},
		{"write cycle", code(CSR("csrrw", 0, csrCycle, 1))},
		{"unimp", code(0xc0001073)},
		{"fadd rm 5", code(F("fadd.d", 1, 2, 3, 5))},
		{"fmul.s rm 6", code(F("fmul.s", 1, 2, 3, 6))},
		{"slliw shamt 32", code(I("slliw", 1, 1, 0) | 1<<25)},
		{"lr.w rs2 != 0", code(R("lr.w", 1, 2, 3))},
		{"fmadd.q", code(0x06000043)},
	}
	for _, tc := range ill {
		t.Run(tc.name, func(t *testing.T) {
			// Put a valid instruction first so the fault is mid-block.
			p := code(I("addi", 5, 0, 1))
			p.b = append(p.b, tc.p.b...)
			p.w(ecall)
			expectException(t, p, nil, translate.ExcIllegal, codeBase+4, codeBase+4)
			expectException(t, tc.p, nil, translate.ExcIllegal, codeBase, codeBase)
		})
	}
}

func TestDynamicRMInvalid(t *testing.T) {
	for _, frm := range []uint64{5, 6, 7} {
		p := code(I("addi", 5, 0, 1), F("fadd.d", 1, 2, 3, 7), ecall)
		expectException(t, p, func(c *translate.CPU) { c.R[RegFrm] = frm },
			translate.ExcIllegal, codeBase+4, codeBase+4)
	}
	// Static modes do not look at frm.
	exec(t, code(F("fadd.d", 1, 2, 3, 0), ecall), func(c *translate.CPU) { c.R[RegFrm] = 7 })
}

func TestEbreak(t *testing.T) {
	expectException(t, code(I("addi", 1, 0, 1), 0x00100073), nil, translate.ExcBreakpoint,
		codeBase+4, codeBase+4)
	expectException(t, new(prog).h(0x9002), nil, translate.ExcBreakpoint, codeBase, codeBase)
}

func TestMemoryFaults(t *testing.T) {
	// Load from an unmapped address: exact si_addr and the load's PC.
	expectException(t, code(I("addi", 2, 0, 1), I("ld", 3, 1, 16), ecall), regs(1, 0x7000_0000),
		translate.ExcUnmapped, codeBase+4, 0x7000_0010)
	// Store to the read-only code page.
	expectException(t, code(S("sw", 0, 1, 0), ecall), regs(1, codeBase),
		translate.ExcProtection, codeBase, codeBase)
}

func TestFetchFaults(t *testing.T) {
	// Jump into a mapped, non-executable page: a protection fault at the target.
	expectException(t, code(I("jalr", 0, 1, 0)), regs(1, dataBase),
		translate.ExcProtection, dataBase, dataBase)
	// Jump to an unmapped page: an unmapped-address fault.
	expectException(t, code(I("jalr", 0, 1, 0)), regs(1, 0x5000_0000),
		translate.ExcUnmapped, 0x5000_0000, 0x5000_0000)
	// Running off the end of the code mapping after some instructions: the
	// fault is reported at the first unfetchable instruction.
	m := newMachine(t)
	end := uint64(codeBase + 0x10000)
	nops := new(prog)
	for i := 0; i < 3; i++ {
		nops.w(I("addi", 5, 5, 1))
	}
	if err := m.as.WriteForce(end-12, nops.b); err != nil {
		t.Fatal(err)
	}
	m.arch.ResetCPU(m.c, end-12, stackTop)
	k := m.e.Run(m.c)
	if k != translate.ExitException || m.c.Exit.Exception != translate.ExcUnmapped || m.c.PC != end ||
		m.c.Exit.Addr != end || m.c.R[5] != 3 {
		t.Errorf("run off the end: %v %+v pc %#x x5 %d", k, m.c.Exit, m.c.PC, m.c.R[5])
	}
	// A 4-byte instruction straddling into an unmapped page faults at the
	// second half's address with the instruction's PC.
	m = newMachine(t)
	m.as.WriteForce(end-2, []byte{0x13, 0x00})
	m.arch.ResetCPU(m.c, end-2, stackTop)
	k = m.e.Run(m.c)
	if k != translate.ExitException || m.c.PC != end-2 || m.c.Exit.Addr != end ||
		m.c.Exit.Exception != translate.ExcUnmapped {
		t.Errorf("straddling fetch: %v %+v pc %#x", k, m.c.Exit, m.c.PC)
	}
}

func TestFenceI(t *testing.T) {
	m := newMachine(t)
	// Make the code page writable for the guest.
	if err := m.as.Protect(codeBase, 0x1000, translate.ProtRead|translate.ProtWrite|translate.ProtExec); err != nil {
		t.Fatal(err)
	}
	// x1 = address of the patched slot; x2 = the new instruction.
	p := code(
		I("addi", 3, 0, 1), // 0
		J(0, 8),            // 4 -> 12
		ecall,              // 8
		I("addi", 3, 0, 7), // 12: patched slot
		B("beq", 4, 0, 12), // 16: x4 == 0 -> 28 (first pass)
		ecall,              // 20: second pass ends here with x3 from slot
		ecall,              // 24
		I("addi", 4, 0, 1), // 28
		S("sw", 2, 1, 0),   // 32: patch slot
		0x0000100f,         // 36: fence.i
		J(0, -28),          // 40 -> 12
	)
	m.load(t, p)
	m.c.R[1] = codeBase + 12
	m.c.R[2] = uint64(I("addi", 3, 0, 42))
	if k := m.e.Run(m.c); k != translate.ExitSyscall {
		t.Fatalf("exit %v %+v", k, m.c.Exit)
	}
	if m.c.R[3] != 42 || m.c.PC != codeBase+24 {
		t.Errorf("after fence.i: x3 = %d pc = %#x, want 42 at %#x", m.c.R[3], m.c.PC, codeBase+24)
	}
}
