// Exceptions: ecall from M/S/U, ebreak, illegal instructions, misaligned
// AMOs and LR/SC, misaligned plain accesses, access faults, delegation
// to S (medeleg), mret/sret to lower modes and the xPP/xPIE/xIE
// transitions, vectored mtvec/stvec for exceptions.
#include "rt.h"

extern char s_stack_top[];

static u64 buf[8] __attribute__((aligned(64)));

// Runs probe in mode; prints the last M and S traps.
static u64 lower(const char *name, int mode, char *probe, u64 a0, u64 a1)
{
	u64 r = run_lower(mode, probe, a0, a1);
	pt(name, 0);
	pt(name, 1);
	return r;
}

// lower for an illegal instruction (pti: xtval is the bits or 0).
static void lower_ill(const char *name, int mode, char *probe)
{
	run_lower(mode, probe, 0, 0);
	pti(name, 0);
	pti(name, 1);
}

// ebreak's xtval: "0|pc" when it is 0 or the ebreak's address. §3.1.16
// leaves the choice to the implementation: qemu 7.2 writes 0, gemu the pc.
static void pbrk(const char *name, int s_mode)
{
	volatile struct trap *t = s_mode ? &st : &mt;
	u64 n = s_mode ? s_count : m_count;
	puts_(name);
	p(s_mode ? " S n" : " M n", n);
	p("  cause", t->cause);
	p("  epc", t->epc);
	p("  tval-0|pc", t->tval == 0 || t->tval == t->epc);
}

static void ecalls(void)
{
	trap_reset();
	__asm__ volatile("li a7, 0; ecall" ::: "a7", "memory");
	pt("ecall.m", 0);
	lower("ecall.s", MODE_S, probe_ecall, 0, 0);
	lower("ecall.u", MODE_U, probe_ecall, 0, 0);

	RUN_M("ebreak");
	pbrk("ebreak.m", 0);
	RUN_M(".option push; .option rvc; c.ebreak; .option pop");
	pbrk("c.ebreak.m", 0);
	run_lower(MODE_S, probe_ebreak, 0, 0);
	pbrk("ebreak.s", 0);
	run_lower(MODE_U, probe_ebreak, 0, 0);
	pbrk("ebreak.u", 0);

	RUN_M(".word 0x0000000b");
	pti("illegal.custom0", 0);
	RUN_M(".half 0"); // the all-zero 16-bit instruction
	pti("illegal.c0", 0);
	RUN_M(".word 0xffffffff"); // not an instruction
	pti("illegal.ones", 0);
}

// AMOs and LR/SC need natural alignment; plain loads and stores are
// done by both harts in hardware (§3.6.3.3 allows either).
static void misaligned(void)
{
	u64 a = (u64)buf, v;
	buf[0] = 0x1122334455667788ul;
	buf[1] = 0x99aabbccddeeff00ul;

#define AMO(name, insn, off)                                                         \
	do {                                                                          \
		trap_reset();                                                         \
		v = -1;                                                               \
		__asm__ volatile(insn " %0, %1, (%2)" : "+r"(v) : "r"(1ul), "r"(a + off) : "memory"); \
		pt(name, 0);                                                          \
		p("  value", v);                                                      \
	} while (0)
	AMO("amoadd.w+2", "amoadd.w", 2);
	AMO("amoswap.d+4", "amoswap.d", 4);
	AMO("amoor.w+1", "amoor.w", 1);
	AMO("amomax.d+8", "amomax.d", 8); // aligned: works
	AMO("sc.w+2", "sc.w", 2);
	AMO("sc.d+4", "sc.d", 4);
	trap_reset();
	v = -1;
	__asm__ volatile("lr.w %0, (%1)" : "+r"(v) : "r"(a + 2) : "memory");
	pt("lr.w+2", 0);
	trap_reset();
	v = -1;
	__asm__ volatile("lr.d %0, (%1)" : "+r"(v) : "r"(a + 4) : "memory");
	pt("lr.d+4", 0);
	p("buf0", buf[0]);
	p("buf1", buf[1]);

	trap_reset();
	__asm__ volatile("lw %0, 1(%1)" : "=r"(v) : "r"(a) : "memory");
	p("lw+1", v);
	__asm__ volatile("ld %0, 3(%1)" : "=r"(v) : "r"(a) : "memory");
	p("ld+3", v);
	__asm__ volatile("sd %0, 5(%1)" ::"r"(0xa1a2a3a4a5a6a7a8ul), "r"(a) : "memory");
	__asm__ volatile("sh %0, 1(%1)" ::"r"(0xb1b2ul), "r"(a) : "memory");
	p("buf0", buf[0]);
	p("buf1", buf[1]);
	p("misaligned.traps", m_count);
	// the same from U and S
	v = lower("u.ld+3", MODE_U, probe_ld, a + 3, 0);
	p("  value", v);
	v = lower("s.lw+6", MODE_S, probe_lw, a + 6, 0);
	p("  value", v);
	v = lower("u.amoadd.w+2", MODE_U, probe_amoadd_w, a + 2, 1);
	p("  value", v);
}

// Access faults: nothing is mapped at 0, nor past the end of RAM (-m 128M).
static void access(void)
{
	u64 v;
#define LOAD(name, addr)                                                                      \
	do {                                                                                  \
		trap_reset();                                                                 \
		v = -1;                                                                       \
		__asm__ volatile("ld %0, 0(%1)" : "+r"(v) : "r"((u64)(addr)) : "memory");      \
		pt(name, 0);                                                                  \
		p("  value", v);                                                              \
	} while (0)
	LOAD("load.0", 0);
	LOAD("load.0x18", 0x18);
	LOAD("load.ramend", 0x88000000ul);
	LOAD("load.ramend-8", 0x88000000ul - 8);
	trap_reset();
	__asm__ volatile("sd zero, 0(%0)" ::"r"(0x10ul) : "memory");
	pt("store.0x10", 0);
	trap_reset();
	__asm__ volatile("sw zero, 0(%0)" ::"r"(0x88000100ul) : "memory");
	pt("store.ramend", 0);
	trap_reset();
	__asm__ volatile("amoadd.d zero, zero, (%0)" ::"r"(0x20ul) : "memory");
	pt("amo.0x20", 0);
	trap_reset();
	__asm__ volatile("li ra, 0; jalr ra, 0(%0)" ::"r"(0ul) : "ra", "memory");
	pt("fetch.0", 0);
	trap_reset();
	__asm__ volatile("jalr ra, 0(%0)" ::"r"(0x88000000ul) : "ra", "memory");
	pt("fetch.ramend", 0);
	lower("s.load.0", MODE_S, probe_ld, 0, 0);
	lower("u.store.0x8", MODE_U, probe_sd, 8, 0);
	lower("u.fetch.0x40", MODE_U, probe_jalr, 0x40, 0);
}

// medeleg sends exceptions from S and U to S; M's own never leave M
// (§3.1.8). sstatus at the S handler's entry shows SPP and SPIE.
static void delegation(void)
{
	u64 deleg = 1ul << 2 | 1ul << 3 | 1ul << 5 | 1ul << 7 | 1ul << 8 | 1ul << 1;
	csrw(medeleg, deleg);
	csrs(sstatus, MS_SIE); // no S interrupt is enabled in sie
	lower_ill("deleg.s.illegal", MODE_S, probe_illegal);
	p("  sstatus", st.status & (MS_SIE | MS_SPIE | MS_SPP));
	lower_ill("deleg.u.illegal", MODE_U, probe_illegal);
	p("  sstatus", st.status & (MS_SIE | MS_SPIE | MS_SPP));
	run_lower(MODE_S, probe_ebreak, 0, 0);
	pbrk("deleg.s.ebreak.m", 0);
	pbrk("deleg.s.ebreak.s", 1);
	lower("deleg.u.ecall", MODE_U, probe_ecall, 0, 0);
	lower("deleg.s.ecall-not", MODE_S, probe_ecall, 0, 0);
	lower("deleg.u.load.0", MODE_U, probe_ld, 0, 0);
	lower("deleg.s.store.0", MODE_S, probe_sd, 0, 0);
	lower("deleg.u.fetch.0", MODE_U, probe_jalr, 0, 0);
	lower_ill("deleg.s.mret", MODE_S, probe_mret);
	csrw(stvec, (u64)s_vectors | 1); // exceptions use the base
	lower_ill("deleg.s.illegal.vectored", MODE_S, probe_illegal);
	p("  vec", st.vec);
	csrw(stvec, (u64)s_trap);
	// M's exceptions stay in M whatever medeleg says
	RUN_M(".word 0x0000000b");
	pti("deleg.m.illegal", 0);
	p("  s_count", s_count);
	csrw(mtvec, (u64)m_vectors | 1);
	RUN_M(".word 0x0000000b");
	pti("m.illegal.vectored", 0);
	p("  vec", mt.vec);
	csrw(mtvec, (u64)m_trap);
	csrw(medeleg, 0);
	csrc(sstatus, MS_SIE);
}

#define XS (MS_SIE | MS_MIE | MS_SPIE | MS_MPIE | MS_SPP | MS_MPP | MS_MPRV)

// mret and sret (§3.3.2): xIE = xPIE, xPIE = 1, xPP = U, MPRV = 0 when
// the new mode is below M; a trap does the reverse (§3.1.6.1).
static void xret(void)
{
	u64 s0 = csrr(mstatus) & ~XS;
	u64 v;

	// mret to M itself
	csrw(mstatus, s0 | MS_MPP | MS_MIE | MS_MPRV);
	__asm__ volatile("la t0, 1f; csrw mepc, t0; mret; 1: csrr %0, mstatus" : "=r"(v) : : "t0", "memory");
	p("mret.m.mstatus", v & XS);

	// mret to S with MPIE = 1, MPRV = 1: S reads sstatus; the exit
	// ecall shows MPIE = MIE (1 after the mret), MPP = S, MPRV = 0.
	csrw(mstatus, s0 | MS_MPIE | MS_MPRV | MS_SPIE);
	v = run_lower(MODE_S, probe_csrr_sstatus, 0, 0);
	p("mret.s.sstatus", v & XS);
	p("mret.s.exit", exit_status & XS);
	// mret to U with MPIE = 0
	csrw(mstatus, s0);
	run_lower(MODE_U, probe_nop, 0, 0);
	p("mret.u.exit", exit_status & XS);

	// sret from M to S: SIE = SPIE, SPIE = 1, SPP = U, MPRV = 0. The
	// probe's exit ecall comes to a temporary mtvec just after the sret
	// (this is no lower_call), with a0 = sstatus as S read it.
	u64 epc;
	csrw(mstatus, s0 | MS_SPP | MS_SPIE | MS_MPRV | MS_MPP);
	__asm__ volatile("la t0, 1f; csrw mtvec, t0; csrw sepc, %2; sret\n"
			 ".balign 4\n"
			 "1: csrr %0, mepc; mv %1, a0; la t0, m_trap; csrw mtvec, t0"
			 : "=r"(epc), "=r"(v) : "r"(probe_csrr_sstatus) : "t0", "a0", "a7", "memory");
	p("sret.m-to-s.epc", epc);
	p("sret.m-to-s.sstatus", v & XS);
	p("sret.m-to-s.mstatus", csrr(mstatus) & XS);
	csrw(sscratch, s_stack_top);

	// S sret to U: S sets sepc, SPP = U, SPIE = 1 and returns; U exits.
	csrw(mstatus, s0 | MS_SIE);
	trap_reset();
	lower_call(MODE_S, probe_sret_to, (u64)probe_nop, MS_SPIE, MS_SPP);
	p("sret.s-to-u.exit", exit_status & XS);
	pt("sret.s-to-u", 0);
	// S sret to S (SPP = S)
	csrw(mstatus, s0);
	trap_reset();
	v = lower_call(MODE_S, probe_sret_to, (u64)probe_csrr_sstatus, MS_SPP, MS_SPIE);
	p("sret.s-to-s.sstatus", v & XS);
	p("sret.s-to-s.exit", exit_status & XS);
	csrw(mstatus, s0 | MS_MPP);
}

int main(void)
{
	puts_("traps\n");
	ecalls();
	misaligned();
	access();
	delegation();
	xret();
	puts_("traps done\n");
	return 0;
}
