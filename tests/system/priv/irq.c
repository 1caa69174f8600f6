// Interrupts: CLINT msip and mtimecmp with mie/mip, vectored mtvec/stvec,
// WFI waking on a pending timer, the priority order, delegation to S
// (mideleg) and the global enables per mode, and Sstc's stimecmp.
#include "rt.h"

#define MIP(n) (1ul << (n))
static volatile u32 *const msip = (volatile u32 *)CLINT_MSIP;
static volatile u64 *const mtimecmp = (volatile u64 *)CLINT_MTIMECMP;

// Enables MIE at a known place (the interrupts taken then have that
// epc: a CSR write makes them deliverable at once, §3.1.9) and disables
// it again; returns the address after the csrsi.
static u64 enable_mie(void)
{
	u64 at;
	__asm__ volatile("la %0, 1f; csrsi mstatus, 8; 1: csrci mstatus, 8" : "=r"(at) : : "memory");
	return at;
}

static void msi(void)
{
	csrc(mstatus, MS_MIE);
	*mtimecmp = -1ul; // MTIP is up from reset (mtimecmp 0) until this
	p("mip.reset", csrr(mip) & IRQ_CMP);
	csrw(mtvec, (u64)m_vectors | 1);
	csrw(mie, MIP(IRQ_MSI));
	*msip = 1;
	p("msip.read", *msip);
	p("mip.msip", csrr(mip) & IRQ_CMP);
	p("msi.not-taken-mie0", m_count);
	trap_reset();
	u64 at = enable_mie();
	pt("msi", 0);
	p("  at-csrsi", mt.epc == at);
	p("  vec", mt.vec);
	p("  mie-after", csrr(mie)); // the handler turned MSIE off
	p("  mip", csrr(mip) & IRQ_CMP);
	*msip = 0;
	p("mip.msip-cleared", csrr(mip) & IRQ_CMP);
	csrw(mtvec, (u64)m_trap);
}

// A timer interrupt at mtime + ticks; WFI with MIE = 0 (mie.MTIE = 1)
// waits for it and resumes without a trap (§3.3.3); then it is taken.
static void mti(u64 ticks)
{
	csrc(mstatus, MS_MIE);
	csrw(mtvec, (u64)m_vectors | 1);
	csrw(mie, MIP(IRQ_MTI));
	trap_reset();
	u64 cmp = mtime() + ticks;
	*mtimecmp = cmp;
	u64 pend = csrr(mip) & MIP(IRQ_MTI);
	// MTIP must be low while mtime < mtimecmp (read after mip)
	p("mtip.before-consistent", !pend || mtime() >= cmp);
	u64 n = 0;
	while (!(csrr(mip) & MIP(IRQ_MTI)) && n < 100000) {
		__asm__ volatile("wfi");
		n++;
	}
	p("wfi.mtip", csrr(mip) >> IRQ_MTI & 1);
	p("wfi.time-reached", mtime() >= cmp);
	p("wfi.traps", m_count);
	u64 at = enable_mie();
	pt("mti", 0);
	p("  at-csrsi", mt.epc == at);
	p("  vec", mt.vec);
	*mtimecmp = -1ul;
	p("mip.mtip-cleared", csrr(mip) & IRQ_CMP);
	csrw(mtvec, (u64)m_trap);
}

// MTI while the hart is in U-mode: M interrupts are enabled below M
// whatever mstatus.MIE says.
static void mti_in_u(void)
{
	csrc(mstatus, MS_MIE);
	csrw(mie, MIP(IRQ_MTI));
	trap_reset();
	*mtimecmp = mtime() + 10000;
	u64 r = lower_call(MODE_U, probe_busy, (u64)&irq_flag, 200000000, 0);
	p("mti.u.flag", r);
	p("mti.u.count", m_count);
	p("mti.u.cause", mt.cause);
	p("mti.u.mpp", mt.status >> 11 & 3);
	*mtimecmp = -1ul;
	csrw(mie, 0);
}

// MEI > MSI > MTI > SEI > SSI > STI for interrupts to M (§3.1.9).
static void priority(void)
{
	csrc(mstatus, MS_MIE);
	csrw(mideleg, 0);
	*mtimecmp = 0;
	*msip = 1;
	csrs(mip, MIP(IRQ_SSI) | MIP(IRQ_STI) | MIP(IRQ_SEI));
	csrw(mie, -1ul);
	p("prio.mip", csrr(mip) & IRQ_CMP);
	trap_reset();
	enable_mie();
	plog("prio.m");
	csrc(mip, MIP(IRQ_SSI) | MIP(IRQ_STI) | MIP(IRQ_SEI));
	*msip = 0;
	*mtimecmp = -1ul;
	csrw(mie, 0);
}

// Delegated interrupts go to S: never taken in M, taken in S when
// sstatus.SIE is set, always taken in U (§4.1.3). Non-delegated ones go to
// M from S and U whatever MIE is.
static void delegated(void)
{
	csrc(mstatus, MS_MIE | MS_SIE);
	csrw(mideleg, MIP(IRQ_SSI) | MIP(IRQ_STI) | MIP(IRQ_SEI));
	csrw(mie, MIP(IRQ_SSI));
	csrs(mip, MIP(IRQ_SSI));
	trap_reset();
	enable_mie();
	p("deleg.in-m.traps", m_count + s_count);

	lower_call(MODE_S, probe_nop, 0, 0, 0);
	p("deleg.s-sie0.traps", m_count + s_count);
	csrs(mstatus, MS_SIE);
	run_lower(MODE_S, probe_nop, 0, 0);
	pt("deleg.s-sie1", 1);
	p("  at-probe", st.epc == (u64)probe_nop);
	p("  sstatus", st.status & (MS_SIE | MS_SPIE | MS_SPP));
	p("  sie-after", csrr(sie) & IRQ_CMP);
	p("  m-traps", m_count);

	csrc(mstatus, MS_SIE);
	csrw(stvec, (u64)s_vectors | 1);
	csrs(mie, MIP(IRQ_SSI));
	run_lower(MODE_U, probe_nop, 0, 0);
	pt("deleg.u-sie0", 1);
	p("  at-probe", st.epc == (u64)probe_nop);
	p("  vec", st.vec);
	p("  sstatus", st.status & (MS_SIE | MS_SPIE | MS_SPP));
	csrw(stvec, (u64)s_trap);

	// S itself sets SSIP through sip (§4.1.3) and takes it.
	csrs(mstatus, MS_SIE);
	csrs(mie, MIP(IRQ_SSI));
	csrc(mip, MIP(IRQ_SSI));
	run_lower(MODE_S, probe_csrw_sip, MIP(IRQ_SSI), 0);
	pt("deleg.s-sets-ssip", 1);
	p("  at-after-csrw", st.epc == (u64)probe_csrw_sip + 4);
	csrc(mip, MIP(IRQ_SSI));

	// Non-delegated S-level interrupt in S with MIE = 0: to M.
	csrw(mideleg, 0);
	csrs(mie, MIP(IRQ_SSI));
	csrs(mip, MIP(IRQ_SSI));
	run_lower(MODE_S, probe_nop, 0, 0);
	pt("nodeleg.s-mie0", 0);
	p("  at-probe", mt.epc == (u64)probe_nop);
	p("  s-traps", s_count);
	csrc(mip, MIP(IRQ_SSI));

	// An interrupt to M comes before one to S, whatever their causes:
	// SSI delegated and STI not, both pending in S with SIE = 1.
	csrw(mideleg, MIP(IRQ_SSI));
	csrw(mie, MIP(IRQ_SSI) | MIP(IRQ_STI));
	csrs(mip, MIP(IRQ_SSI) | MIP(IRQ_STI));
	run_lower(MODE_S, probe_nop, 0, 0);
	plog("prio.m-before-s");
	csrc(mip, MIP(IRQ_SSI) | MIP(IRQ_STI));

	// WFI in S returns when an enabled interrupt is pending even if SIE
	// keeps it from being taken.
	csrw(mideleg, MIP(IRQ_SSI) | MIP(IRQ_STI) | MIP(IRQ_SEI));
	csrc(mstatus, MS_SIE);
	csrw(mie, MIP(IRQ_STI));
	csrs(mip, MIP(IRQ_STI));
	run_lower(MODE_S, probe_wfi, 0, 0);
	p("s.wfi-pending.traps", m_count + s_count);
	csrc(mip, MIP(IRQ_STI));
	csrw(mie, 0);
	csrw(mideleg, 0);
}

// Sstc (the Sstc extension, v1.0): with menvcfg.STCE, STIP is
// time >= stimecmp and mip.STIP is read-only; S reaches stimecmp only with
// STCE and mcounteren.TM set.
static void sstc(void)
{
	csrc(mstatus, MS_MIE | MS_SIE);
	csrw(0x14d, -1ul); // M may always; the reset value is unspecified
	csrw(menvcfg, 0);
	csrw(mcounteren, 0);
	csrs(mip, MIP(IRQ_STI));
	p("sstc.stce0.mip-writable", csrr(mip) >> IRQ_STI & 1);
	csrc(mip, MIP(IRQ_STI));
	run_lower(MODE_S, probe_csrr_stimecmp, 0, 0);
	pti("sstc.stce0.s-read", 0);
	csrw(menvcfg, 1ul << 63);
	p("sstc.menvcfg", csrr(menvcfg) & (1ul | 1ul << 63));
	p("sstc.stimecmp", csrr(0x14d));
	run_lower(MODE_S, probe_csrr_stimecmp, 0, 0);
	pti("sstc.stce1.tm0.s-read", 0);
	csrw(mcounteren, 2);
	u64 v = run_lower(MODE_S, probe_csrr_stimecmp, 0, 0);
	pt("sstc.stce1.tm1.s-read", 0);
	p("  value", v);
	run_lower(MODE_U, probe_csrr_stimecmp, 0, 0);
	pti("sstc.u-read", 0);

	csrs(mip, MIP(IRQ_STI)); // read-only now
	p("sstc.mip-readonly", csrr(mip) >> IRQ_STI & 1);
	csrw(0x14d, 0);
	p("sstc.past.stip", csrr(mip) >> IRQ_STI & 1);
	p("sstc.past.sip", csrr(sip) >> IRQ_STI & 1); // not delegated: sip hides it
	csrc(mip, MIP(IRQ_STI));
	p("sstc.past.stip-after-clear", csrr(mip) >> IRQ_STI & 1);
	csrw(0x14d, -1ul);
	p("sstc.future.stip", csrr(mip) >> IRQ_STI & 1);

	// S arms stimecmp at time + 2 ms and waits in WFI for the interrupt.
	csrw(mideleg, MIP(IRQ_STI));
	csrw(mie, 0);
	v = run_lower(MODE_S, probe_s_timer, 20000, 0);
	p("sstc.s-timer.flag", v);
	pt("sstc.s-timer", 1);
	p("  m-traps", m_count);
	p("  sip.stip", csrr(sip) >> IRQ_STI & 1);
	csrw(0x14d, -1ul);
	p("sstc.after.sip.stip", csrr(sip) >> IRQ_STI & 1);
	csrc(mstatus, MS_SIE);

	// Not delegated: the same interrupt goes to M, in S even with MIE = 0.
	csrw(mideleg, 0);
	csrw(mie, MIP(IRQ_STI)); // S's sie write does not reach it now
	v = run_lower(MODE_S, probe_s_timer, 20000, 0);
	p("sstc.m-timer.flag", v);
	pt("sstc.m-timer", 0);
	p("  s-traps", s_count);
	csrw(0x14d, -1ul);
	csrw(mie, 0);
	csrw(menvcfg, 0);
	csrw(mcounteren, 0);
	csrc(mstatus, MS_SIE);
}

int main(void)
{
	puts_("irq\n");
	msi();
	mti(20000);
	mti(0); // already due
	mti_in_u();
	priority();
	delegated();
	sstc();
	puts_("irq done\n");
	return 0;
}
