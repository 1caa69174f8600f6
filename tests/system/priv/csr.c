// CSRs: identification, WARL fields of mstatus/medeleg/mideleg/mie/mip/
// xtvec/xepc, unimplemented and read-only CSRs, and the privilege checks
// on CSR accesses and privileged instructions from S and U.
#include "rt.h"

// A CSR read in M-mode that may trap: the handler skips it, leaving -1.
#define TRY_CSRR(csr) ({ u64 __v = -1; __asm__ volatile("csrr %0, " #csr : "+r"(__v)::"memory"); __v; })

static void csr_ids(void)
{
	trap_reset();
	u64 misa = csrr(misa);
	// H (bit 7) is in qemu 7.2's default misa, not in gemu's.
	p("misa", misa & ~(1ul << 7));
	csrw(misa, misa & ~(1ul << 3 | 1ul << 5)); // WARL: neither lets F, D go
	p("misa.after-write", csrr(misa) & ~(1ul << 7));
	p("mhartid", csrr(mhartid));
	csrr(mvendorid); // values are the implementation's; they must read
	csrr(marchid);
	csrr(mimpid);
	p("id.traps", m_count);
}

static void csr_mstatus(void)
{
	u64 saved = csrr(mstatus);
	// UXL is not written: qemu 7.2's write_mstatus stores any non-zero
	// UXL as written, the reserved 3 included; gemu keeps it read-only at
	// 2 (64 bits), which §3.1.6.2 allows. Both must read 2 here.
	csrw(mstatus, -1ul & ~(MS_MIE | MS_SIE | MS_UXL));
	p("mstatus.ones", csrr(mstatus) & MSTATUS_CMP);
	p("sstatus.ones", csrr(sstatus) & MSTATUS_CMP);
	csrw(mstatus, 0);
	p("mstatus.zero", csrr(mstatus) & MSTATUS_CMP);
	p("sstatus.zero", csrr(sstatus) & MSTATUS_CMP);
	csrw(mstatus, MS_MPP_S | MS_FS);
	p("mstatus.mpp-s", csrr(mstatus) & MSTATUS_CMP);
	// sstatus writes reach only the S fields
	csrw(sstatus, -1ul & ~MS_UXL);
	p("sstatus.write-ones", csrr(mstatus) & MSTATUS_CMP);
	csrw(sstatus, 0);
	p("sstatus.write-zero", csrr(mstatus) & MSTATUS_CMP);
	csrw(mstatus, saved);
}

static void csr_deleg(void)
{
	csrw(medeleg, -1ul);
	p("medeleg.ones", csrr(medeleg) & EXC_CMP);
	csrw(medeleg, 0);
	p("medeleg.zero", csrr(medeleg));
	csrw(mideleg, -1ul);
	p("mideleg.ones", csrr(mideleg) & IRQ_CMP);
	csrw(mideleg, 0);
	p("mideleg.zero", csrr(mideleg) & IRQ_CMP);

	u64 s = csrr(mstatus);
	csrc(mstatus, MS_MIE | MS_SIE);
	csrw(mie, -1ul);
	p("mie.ones", csrr(mie) & IRQ_CMP);
	csrw(mip, -1ul); // M-mode writes SSIP, STIP, SEIP only (§3.1.9)
	p("mip.ones", csrr(mip) & IRQ_CMP);
	p("sie.nodeleg", csrr(sie) & IRQ_CMP);
	p("sip.nodeleg", csrr(sip) & IRQ_CMP);
	csrw(mideleg, 1ul << IRQ_SSI | 1ul << IRQ_STI | 1ul << IRQ_SEI);
	p("sie.deleg", csrr(sie) & IRQ_CMP);
	p("sip.deleg", csrr(sip) & IRQ_CMP);
	csrw(sie, 0);
	p("mie.after-sie0", csrr(mie) & IRQ_CMP);
	csrw(sip, 0); // S writes SSIP only
	p("mip.after-sip0", csrr(mip) & IRQ_CMP);
	csrw(mip, 0);
	p("mip.zero", csrr(mip) & IRQ_CMP);
	csrw(mie, 0);
	csrw(mideleg, 0);
	csrw(mstatus, s);
}

static void csr_vectors(void)
{
	u64 base = (u64)m_vectors;
	csrw(mtvec, base);
	p("mtvec.direct", csrr(mtvec));
	csrw(mtvec, base | 1);
	p("mtvec.vectored", csrr(mtvec));
	// Mode 2 and 3 are reserved; mtvec is WARL (§3.1.7). qemu 7.2 keeps
	// the old value, gemu clears the mode: both legal, only "not a
	// reserved mode" is compared.
	csrw(mtvec, base | 2);
	p("mtvec.mode2-legal", (csrr(mtvec) & 3) < 2);
	csrw(mtvec, (u64)m_trap);
	csrw(stvec, (u64)s_vectors | 1);
	p("stvec.vectored", csrr(stvec));
	csrw(stvec, (u64)s_vectors | 3);
	p("stvec.mode3-legal", (csrr(stvec) & 3) < 2);
	csrw(stvec, (u64)s_trap);

	// With C, xepc[1] is writable (§3.1.14). "mepc[0] is always zero",
	// but qemu 7.2 keeps bit 0 as written (and ignores it on mret), so
	// bit 0 is not compared; gemu reads it as 0.
	csrw(mepc, 0x80000003ul);
	p("mepc.odd", csrr(mepc) & ~1ul);
	csrw(mepc, -1ul);
	p("mepc.ones", csrr(mepc) & ~1ul);
	csrw(sepc, -1ul);
	p("sepc.ones", csrr(sepc) & ~1ul);
	u64 ms = csrr(mscratch); // the M trap stack
	csrw(mscratch, 0x123456789abcdef0ul);
	p("mscratch", csrr(mscratch));
	csrw(mscratch, ms);
	u64 ss = csrr(sscratch);
	csrw(sscratch, 0xfedcba9876543210ul);
	p("sscratch", csrr(sscratch));
	csrw(sscratch, ss);
	csrw(mtval, -1ul);
	p("mtval.ones", csrr(mtval));
	csrw(stval, 0x1234);
	p("stval", csrr(stval));
	csrw(mcause, 0x800000000000000bul);
	p("mcause", csrr(mcause));
	csrw(scause, 0xd);
	p("scause", csrr(scause));
}

static void csr_misc(void)
{
	// mcounteren and scounteren are 32-bit registers (§3.1.11, §4.1.5);
	// qemu 7.2 keeps all 64 bits written, so only the low 32 are compared.
	csrw(mcounteren, -1ul);
	p("mcounteren.ones", csrr(mcounteren) & 0xffffffff);
	csrw(mcounteren, 0);
	csrw(scounteren, -1ul);
	p("scounteren.ones", csrr(scounteren) & 0xffffffff);
	csrw(scounteren, 0);
	// menvcfg: FIOM (bit 0) and Sstc's STCE (63) in both; qemu 7.2 also
	// has Zicbom/Zicboz's CBIE, CBCFE, CBZE (bits 4-7), gemu not.
	csrw(menvcfg, -1ul);
	p("menvcfg.ones", csrr(menvcfg) & (1ul | 1ul << 63));
	csrw(menvcfg, 0);
	p("menvcfg.zero", csrr(menvcfg));

	// satp (§4.1.11): Sv39 and Sv48 are supported by both; mode 1-7 and
	// 11 are reserved or undefined, so the write has no effect. qemu 7.2
	// has Sv57 (10), gemu not: either outcome is allowed.
	u64 sv39 = 8ul << 60 | 0x1234ul << 44 | 0x80123;
	csrw(satp, sv39);
	p("satp.sv39", csrr(satp));
	csrw(satp, 9ul << 60 | 0x80456);
	p("satp.sv48", csrr(satp));
	csrw(satp, 8ul << 60 | 0xfffful << 44 | 0x80456); // every ASID bit
	p("satp.asid-ones", csrr(satp));
	csrw(satp, 8ul << 60 | 1ul << 44 | 0x80456);
	p("satp.asid1", csrr(satp));
	csrw(satp, sv39);
	csrw(satp, 1ul << 60 | 0x80789);
	p("satp.mode1-ignored", csrr(satp));
	csrw(satp, 11ul << 60 | 0x80789);
	p("satp.mode11-ignored", csrr(satp));
	csrw(satp, 10ul << 60 | 0x80789);
	u64 v = csrr(satp);
	p("satp.sv57-all-or-nothing", v == sv39 || v == (10ul << 60 | 0x80789));
	csrw(satp, 0);
	p("satp.bare", csrr(satp));
}

// Unimplemented CSRs and writes to read-only ones are illegal
// instructions (§2.1: "Attempts to access a non-existent CSR raise an
// illegal instruction exception. Attempts to ... write a read-only
// register also raise illegal instruction exceptions").
static void csr_illegal(void)
{
	u64 v;
	trap_reset();
	v = TRY_CSRR(0x0ff);
	pti("csr.0x0ff", 0);
	p("csr.0x0ff.value", v);
	RUN_M("csrr t1, 0x5ff");
	pti("csr.0x5ff", 0);
	RUN_M("csrr t1, 0x7ff");
	pti("csr.0x7ff", 0);
	RUN_M("csrr t1, 0xbff");
	pti("csr.0xbff", 0);
	RUN_M("csrr t1, 0xfff");
	pti("csr.0xfff", 0);

	RUN_M("csrw mhartid, zero");
	pti("csrw.mhartid", 0);
	RUN_M("csrwi mvendorid, 0");
	pti("csrwi.mvendorid", 0);
	RUN_M("csrw cycle, zero");
	pti("csrw.cycle", 0);
	RUN_M("li t0, 1; csrrs t1, mhartid, t0");
	pti("csrrs.mhartid.t0", 0);
	// csrrs/csrrc with rs1 = x0 and the immediate forms with 0 do not
	// write: no trap.
	RUN_M("csrrs t1, mhartid, zero; csrrc t1, mimpid, zero; csrrsi t1, time, 0; csrrci t1, cycle, 0");
	p("csrrs.noreadonly-write.traps", m_count);
	// FS = Off: the FP CSRs and instructions are illegal (§3.1.6.6).
	u64 s = csrr(mstatus);
	csrc(mstatus, MS_FS);
	RUN_M("csrr t1, fcsr");
	pti("fs-off.fcsr", 0);
	RUN_M("fadd.d ft0, ft1, ft2");
	pti("fs-off.fadd", 0);
	csrs(mstatus, MS_FS);
	RUN_M("csrr t1, fcsr; fadd.d ft0, ft1, ft2");
	p("fs-dirty.traps", m_count);
	// the same code in S and U with FS off and on
	csrc(mstatus, MS_FS);
	run_lower(MODE_S, probe_fadd, 0, 0);
	pti("fs-off.s.fadd", 0);
	run_lower(MODE_U, probe_fadd, 0, 0);
	pti("fs-off.u.fadd", 0);
	csrs(mstatus, MS_FS);
	run_lower(MODE_S, probe_fadd, 0, 0);
	lower_call(MODE_U, probe_fadd, 0, 0, 0);
	p("fs-dirty.su.traps", m_count);
	csrw(mstatus, s);
}

// Runs probe in mode and prints the trap it took to M (or "none") and
// the mode it exited in.
static u64 lower(const char *name, int mode, char *probe, u64 a0)
{
	u64 r = run_lower(mode, probe, a0, 0);
	pti(name, 0);
	p("  exit.mpp", exit_status >> 11 & 3);
	return r;
}

static void csr_lower(void)
{
	u64 r;
	r = lower("s.csrr-mstatus", MODE_S, probe_csrr_mstatus, 0);
	p("  value", r);
	lower("s.csrr-mhartid", MODE_S, probe_csrr_mhartid, 0);
	lower("u.csrr-sstatus", MODE_U, probe_csrr_sstatus, 0);
	lower("u.csrr-satp", MODE_U, probe_csrr_satp, 0);
	csrw(mstatus, (csrr(mstatus) & ~MS_FS) | MS_SPIE | MS_SUM);
	r = lower("s.csrr-sstatus", MODE_S, probe_csrr_sstatus, 0);
	p("  value", r & MSTATUS_CMP);

	// Counters: mcounteren gates S and U, scounteren U (§3.1.11, §4.1.5).
	csrw(mcounteren, 0);
	csrw(scounteren, 0);
	lower("s.time.tm0", MODE_S, probe_csrr_time, 0);
	lower("s.cycle.cy0", MODE_S, probe_csrr_cycle, 0);
	csrw(mcounteren, 3);
	lower("s.time.tm1", MODE_S, probe_csrr_time, 0);
	lower("s.cycle.cy1", MODE_S, probe_csrr_cycle, 0);
	lower("u.time.stm0", MODE_U, probe_csrr_time, 0);
	csrw(scounteren, 2);
	lower("u.time.stm1", MODE_U, probe_csrr_time, 0);
	lower("u.cycle.scy0", MODE_U, probe_csrr_cycle, 0);
	csrw(mcounteren, 0);
	lower("u.time.mtm0", MODE_U, probe_csrr_time, 0);
	csrw(scounteren, 0);

	// TVM, TSR, TW (§3.1.6.5) and the instructions U may not use.
	csrs(mstatus, MS_TVM);
	lower("s.tvm.satp", MODE_S, probe_csrr_satp, 0);
	lower("s.tvm.sfence", MODE_S, probe_sfence, 0);
	csrc(mstatus, MS_TVM);
	lower("s.satp", MODE_S, probe_csrr_satp, 0);
	lower("s.sfence", MODE_S, probe_sfence, 0);
	csrs(mstatus, MS_TSR);
	lower("s.tsr.sret", MODE_S, probe_sret, 0);
	csrc(mstatus, MS_TSR);
	csrs(mstatus, MS_TW);
	lower("s.tw.wfi", MODE_S, probe_wfi, 0);
	csrc(mstatus, MS_TW);
	lower("s.mret", MODE_S, probe_mret, 0);
	lower("u.sret", MODE_U, probe_sret, 0);
	lower("u.mret", MODE_U, probe_mret, 0);
	lower("u.wfi", MODE_U, probe_wfi, 0);
	lower("u.sfence", MODE_U, probe_sfence, 0);
	lower("s.illegal", MODE_S, probe_illegal, 0);
	lower("u.illegal", MODE_U, probe_illegal, 0);
}

int main(void)
{
	puts_("csr\n");
	csr_ids();
	csr_mstatus();
	csr_deleg();
	csr_vectors();
	csr_misc();
	csr_illegal();
	csr_lower();
	puts_("csr done\n");
	return 0;
}
