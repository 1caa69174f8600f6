// Page-based virtual memory, Sv39 and then Sv48 (§4.3-§4.5): loads,
// stores and fetches from S and U through 4K pages and 2M/1G superpages;
// page faults and their xtval for invalid PTEs, W without R, U pages from
// S with and without SUM, MXR, execute-only pages, misaligned superpages,
// reserved PTE bits, non-canonical addresses; the A and D bits the
// hardware sets; SFENCE.VMA; MPRV; page faults delegated to S.
#include "rt.h"

#define PTE_V 1ul
#define PTE_R 2ul
#define PTE_W 4ul
#define PTE_X 8ul
#define PTE_U 16ul
#define PTE_G 32ul
#define PTE_A 64ul
#define PTE_D 128ul
#define RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

#define RAM 0x80000000ul
#define UALIAS 0xc0000000ul   // RAM again, as U pages (the U probes run here)
#define T 0x100000000ul       // the 4K test pages
#define MEGA 0x140000000ul    // 2M superpages
#define GIGA 0x200000000ul    // 1G superpage of RAM
#define GIGA_BAD 0x240000000ul // misaligned 1G superpage
#define NOPT 0x180000000ul    // its page table is at PA 0: nothing there
#define SUPER_PA 0x82000000ul // RAM for the 2M superpage

static u64 pool[48][512] __attribute__((aligned(4096)));
static u64 data[20][512] __attribute__((aligned(4096)));
static int npool, levels;
static u64 *root;

static u64 *alloc_pt(void)
{
	u64 *t = pool[npool++];
	for (int i = 0; i < 512; i++)
		t[i] = 0;
	return t;
}

// pte returns the PTE that maps va at level (0: 4K, 1: 2M, 2: 1G), making
// the tables above it.
static volatile u64 *pte(u64 va, int level)
{
	u64 *t = root;
	for (int l = levels - 1; l > level; l--) {
		u64 *e = &t[va >> (12 + 9 * l) & 511];
		if (!(*e & PTE_V))
			*e = (u64)alloc_pt() >> 12 << 10 | PTE_V;
		t = (u64 *)(*e >> 10 << 12);
	}
	return &t[va >> (12 + 9 * level) & 511];
}

static void map(u64 va, u64 pa, int level, u64 flags) { *pte(va, level) = pa >> 12 << 10 | flags; }

static void sfence(void) { __asm__ volatile("sfence.vma" ::: "memory"); }

#define UA(probe) ((u64)(probe) - RAM + UALIAS)
#define PG(i) (T + 0x1000ul * (i))

// Code for the test pages: li a0, imm; ret.
static void put_code(u32 *at, u32 imm)
{
	at[0] = imm << 20 | 10 << 7 | 0x13; // addi a0, zero, imm
	at[1] = 0x00008067;                   // ret
}

static void hex_(u64 v)
{
	for (int i = 60; i >= 0; i -= 4)
		if (v >> i || i == 0) {
			putc_("0123456789abcdef"[v >> i & 15]);
		}
}

// The last access's outcome on one line: its value and any trap.
static void show(const char *name, u64 r)
{
	puts_(name);
	puts_(" r=");
	hex_(r);
	if (m_count) {
		puts_(" M:");
		hex_(mt.cause);
		puts_(" epc=");
		hex_(mt.epc);
		puts_(" tval=");
		hex_(mt.tval);
	}
	if (s_count) {
		puts_(" S:");
		hex_(st.cause);
		puts_(" epc=");
		hex_(st.epc);
		puts_(" tval=");
		hex_(st.tval);
	}
	if (m_count + s_count > 1) {
		puts_(" traps=");
		hex_(m_count + s_count);
	}
	putc_('\n');
}

static void s_(const char *name, char *probe, u64 a0, u64 a1)
{
	u64 r = run_lower(MODE_S, probe, a0, a1);
	show(name, r);
}

static void u_(const char *name, char *probe, u64 a0, u64 a1)
{
	u64 r = run_lower(MODE_U, (void *)UA(probe), a0, a1);
	show(name, r);
}

// An M-mode load with MPRV = 1, MPP = mpp (§3.1.6.3).
static void mprv_ld(const char *name, u64 mpp, u64 va)
{
	u64 v = -1, s = csrr(mstatus);
	csrw(mstatus, (s & ~MS_MPP) | mpp << 11);
	trap_reset();
	__asm__ volatile("csrs mstatus, %1; ld %0, 0(%2); csrc mstatus, %1"
			 : "+r"(v) : "r"(MS_MPRV), "r"(va) : "memory");
	csrw(mstatus, s);
	show(name, v);
}

static void setup(int mode)
{
	levels = mode == 8 ? 3 : 4;
	npool = 0;
	root = alloc_pt();
	for (int i = 0; i < 20; i++) {
		for (int j = 0; j < 512; j++)
			data[i][j] = 0;
		data[i][0] = 0xd0d0000000000000ul | (u64)i << 8;
		data[i][1] = 0x1111111111111111ul * (u64)(i & 15);
	}
	map(RAM, RAM, 2, RW | PTE_X);
	map(UALIAS, RAM, 2, RW | PTE_X | PTE_U);
#define D(i) ((u64)data[i])
	map(PG(0), D(0), 0, RW);
	map(PG(1), D(1), 0, RW & ~PTE_V); // invalid
	map(PG(2), D(2), 0, PTE_V | PTE_W | PTE_A | PTE_D); // W without R: reserved
	map(PG(3), D(3), 0, RW | PTE_U);
	put_code((u32 *)data[4] + 4, 0x424);
	map(PG(4), D(4), 0, PTE_V | PTE_X | PTE_A); // execute-only
	map(PG(5), D(5), 0, PTE_V | PTE_R | PTE_A); // read-only
	map(PG(6), D(6), 0, PTE_V | PTE_R | PTE_W); // A = D = 0
	put_code((u32 *)data[7] + 4, 0x777);
	map(PG(7), D(7), 0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U); // A = D = 0
	map(PG(8), D(8), 0, RW); // remapped to data[9] later
	put_code((u32 *)data[10] + 4, 0x555);
	map(PG(10), D(10), 0, PTE_V | PTE_X | PTE_U | PTE_A); // U execute-only
	// A 4-byte instruction across the end of page 11 into page 12
	// (invalid): c.nop at 0xffc, then addi a0, zero, 0x111 at 0xffe.
	u16 *h = (u16 *)data[11];
	h[0x7fe] = 0x0001;
	h[0x7ff] = 0x0513;
	map(PG(11), D(11), 0, PTE_V | PTE_R | PTE_X | PTE_A);
	map(PG(13), D(13), 0, RW | 1ul << 61); // PBMT = NC without Svpbmt
	map(PG(14), D(14), 0, RW | 1ul << 63); // N without Svnapot
	map(PG(15), D(15), 0, PTE_V);          // a pointer at level 0
	// code: page 16 executable, page 17 the same memory writable; data[18]
	// other code
	put_code((u32 *)data[16] + 4, 0x161);
	map(PG(16), D(16), 0, PTE_V | PTE_R | PTE_X | PTE_A);
	map(PG(17), D(16), 0, RW);
	put_code((u32 *)data[18] + 4, 0x181);
	// 2M: RAM at SUPER_PA; misaligned (PPN[0] != 0) next to it; the same
	// RAM with A = D = 0
	map(MEGA, SUPER_PA, 1, RW);
	map(MEGA + 0x200000, SUPER_PA + 0x1000, 1, RW);
	map(MEGA + 0x400000, SUPER_PA, 1, PTE_V | PTE_R | PTE_W);
	*(volatile u64 *)(SUPER_PA + 0x1008) = 0x5151515151515151ul;
	*(volatile u64 *)(SUPER_PA + 0x1ffff8) = 0x5252525252525252ul;
	// 1G: RAM; misaligned 1G (PPN[1] != 0)
	map(GIGA, RAM, 2, RW);
	map(GIGA_BAD, RAM + 0x200000, 2, RW);
	// a level-1 table at physical address 0, where nothing is
	*pte(NOPT, 2) = PTE_V;
	// the top of the address space (canonical in both)
	map(0xfffffffffffff000ul, D(12), 0, RW);
	if (levels == 4) // 512 GiB: only Sv48 reaches it
		map(0x8000000000ul, D(12), 0, RW);
	__asm__ volatile("fence.i" ::: "memory");
	csrw(satp, (u64)mode << 60 | (u64)root >> 12);
	sfence();
}

static void pteflags(const char *name, u64 va)
{
	p(name, *pte(va, 0) & 0xff);
}

static void basic(void)
{
	s_("s.ld.rw", probe_ld, PG(0) + 8, 0);
	s_("s.sd.rw", probe_sd, PG(0) + 16, 0xabcd);
	p("  data0[2]", data[0][2]);
	u_("u.ld.s-page", probe_ld, PG(0) + 8, 0);
	u_("u.sd.s-page", probe_sd, PG(0) + 8, 0);
	u_("u.fetch.s-page", probe_jalr, PG(4) + 16, 0);

	s_("s.ld.invalid", probe_ld, PG(1) + 0x18, 0);
	s_("s.sd.invalid", probe_sd, PG(1) + 0x20, 1);
	s_("s.fetch.invalid", probe_jalr, PG(1) + 0x40, 0);
	u_("u.ld.invalid", probe_ld, PG(1), 0);
	s_("s.ld.w-only", probe_ld, PG(2), 0);
	s_("s.sd.w-only", probe_sd, PG(2) + 8, 1);
	s_("s.fetch.w-only", probe_jalr, PG(2), 0);

	csrc(mstatus, MS_SUM | MS_MXR);
	s_("s.ld.u-page.sum0", probe_ld, PG(3) + 8, 0);
	s_("s.sd.u-page.sum0", probe_sd, PG(3) + 8, 0);
	csrs(mstatus, MS_SUM);
	s_("s.ld.u-page.sum1", probe_ld, PG(3) + 8, 0);
	s_("s.sd.u-page.sum1", probe_sd, PG(3) + 16, 0x3333);
	s_("s.fetch.u-page.sum1", probe_jalr, PG(7) + 16, 0); // never
	csrc(mstatus, MS_SUM);
	u_("u.ld.u-page", probe_ld, PG(3) + 16, 0);
	u_("u.sd.u-page", probe_sd, PG(3) + 24, 0x4444);
	p("  data3[3]", data[3][3]);
	u_("u.lbu.u-page", probe_lbu, PG(3) + 9, 0);

	s_("s.fetch.x-only", probe_jalr, PG(4) + 16, 0);
	s_("s.ld.x-only.mxr0", probe_ld, PG(4) + 8, 0);
	csrs(mstatus, MS_MXR);
	s_("s.ld.x-only.mxr1", probe_ld, PG(4) + 8, 0);
	s_("s.sd.x-only.mxr1", probe_sd, PG(4) + 8, 0);
	u_("u.ld.u-x-only.mxr1", probe_ld, PG(10) + 8, 0);
	csrc(mstatus, MS_MXR);
	u_("u.ld.u-x-only.mxr0", probe_ld, PG(10) + 8, 0);
	u_("u.fetch.u-x-only", probe_jalr, PG(10) + 16, 0);
	s_("s.fetch.u-x-only", probe_jalr, PG(10) + 16, 0);

	s_("s.ld.r-only", probe_ld, PG(5), 0);
	s_("s.sd.r-only", probe_sd, PG(5) + 8, 0);
	s_("s.amo.r-only", probe_amoadd_w, PG(5) + 8, 1);
	s_("s.fetch.r-only", probe_jalr, PG(5) + 16, 0);

	s_("s.ld.pbmt", probe_ld, PG(13), 0);
	s_("s.ld.napot", probe_ld, PG(14), 0);
	s_("s.ld.level0-pointer", probe_ld, PG(15), 0);
	s_("s.ld.pte-at-0", probe_ld, NOPT + 0x1000, 0);
	s_("s.fetch.pte-at-0", probe_jalr, NOPT + 0x2000, 0);
	s_("s.sd.pte-at-0", probe_sd, NOPT, 0);

	// a fetch that crosses into an invalid page; a load that does
	s_("s.fetch.crossing", probe_jalr, PG(11) + 0xffc, 0);
	s_("s.ld.crossing", probe_ld, PG(0) + 0xffc, 0);
	s_("s.sd.crossing", probe_sd, PG(0) + 0xffa, 0);
	p("  data0[511]", data[0][511]); // the first page's part is not written
}

// Translated code must follow the page tables and stores to its memory:
// a store through a writable alias (then FENCE.I), a PTE pointing
// elsewhere or losing X (then SFENCE.VMA).
static void code(void)
{
	s_("code.s.fetch", probe_jalr, PG(16) + 16, 0);
	u64 insn = (u64)0x00008067 << 32 | 0x162 << 20 | 10 << 7 | 0x13;
	s_("code.s.store-alias", probe_sd, PG(17) + 16, insn);
	__asm__ volatile("fence.i" ::: "memory");
	s_("code.s.fetch-stored", probe_jalr, PG(16) + 16, 0);
	map(PG(16), D(18), 0, PTE_V | PTE_R | PTE_X | PTE_A);
	sfence();
	s_("code.s.fetch-remapped", probe_jalr, PG(16) + 16, 0);
	map(PG(16), D(18), 0, PTE_V | PTE_R | PTE_A);
	sfence();
	s_("code.s.fetch-not-x", probe_jalr, PG(16) + 16, 0);
	map(PG(16), D(16), 0, PTE_V | PTE_R | PTE_X | PTE_A | PTE_U);
	sfence();
	u_("code.u.fetch", probe_jalr, PG(16) + 16, 0);
	s_("code.s.fetch-u-page", probe_jalr, PG(16) + 16, 0);
}

static void superpages(void)
{
	s_("s.ld.2m", probe_ld, MEGA + 0x1008, 0);
	s_("s.ld.2m.end", probe_ld, MEGA + 0x1ffff8, 0);
	s_("s.sd.2m", probe_sd, MEGA + 0x1000, 0x5050);
	p("  pa", *(volatile u64 *)(SUPER_PA + 0x1000));
	s_("s.ld.2m.misaligned", probe_ld, MEGA + 0x200008, 0);
	p("2m.ad.initial", *pte(MEGA + 0x400000, 1) & 0xff);
	s_("s.ld.2m.a0", probe_ld, MEGA + 0x401008, 0);
	p("2m.ad.after-ld", *pte(MEGA + 0x400000, 1) & 0xff);
	s_("s.sd.2m.a0", probe_sd, MEGA + 0x401010, 0x5353);
	p("2m.ad.after-sd", *pte(MEGA + 0x400000, 1) & 0xff);
	s_("s.ld.1g", probe_ld, GIGA + (D(12) - RAM) + 8, 0);
	s_("s.fetch.1g", probe_jalr, GIGA + ((u64)probe_nop - RAM), 0);
	s_("s.ld.1g.misaligned", probe_ld, GIGA_BAD + 0x10, 0);
	s_("s.ld.top", probe_ld, 0xfffffffffffff008ul, 0);
	s_("s.ld.512g", probe_ld, 0x8000000000ul + 8, 0); // Sv39: not canonical
	// not canonical in either
	s_("s.ld.noncanon.bit47", probe_ld, 0x0000800000000000ul, 0);
	s_("s.ld.noncanon.high", probe_ld, 0x8000000000000000ul, 0);
	s_("s.sd.noncanon", probe_sd, 0x7fff000000000008ul, 0);
	s_("s.fetch.noncanon", probe_jalr, 0x4000000000000000ul, 0);
	// canonical in Sv48 (unmapped), not in Sv39
	s_("s.ld.4000000000", probe_ld, 0x4000000000ul, 0);
	s_("s.ld.ffffff8000000000", probe_ld, 0xffffff8000000000ul, 0);
}

// ad makes one access and prints the flags of its page's PTE after it.
static void ad(const char *name, int mode, char *probe, u64 va, u64 v)
{
	if (mode == MODE_S)
		s_(name, probe, va, v);
	else
		u_(name, probe, va, v);
	pteflags("  pte", va & ~0xffful);
}

// The A and D bits (§4.3.1): set by both harts in hardware, A on any
// access, D on a store; a fetch sets A only; a faulting access neither.
static void accessed_dirty(void)
{
	pteflags("ad.initial", PG(6));
	ad("ad.s.ld", MODE_S, probe_ld, PG(6) + 8, 0);
	ad("ad.s.sd", MODE_S, probe_sd, PG(6) + 8, 0x66);
	*pte(PG(6), 0) &= ~(PTE_A | PTE_D);
	sfence();
	ad("ad.s.sd-first", MODE_S, probe_sd, PG(6) + 16, 0x67);
	pteflags("ad.u-code.initial", PG(7));
	ad("ad.u.fetch", MODE_U, probe_jalr, PG(7) + 16, 0);
	ad("ad.u.amo", MODE_U, probe_amoadd_w, PG(7) + 8, 5);
	*pte(PG(5), 0) &= ~PTE_A;
	sfence();
	ad("ad.s.sd.r-only", MODE_S, probe_sd, PG(5), 0);
	p("ad.1g", *pte(GIGA, 2) & 0xff); // A and D were set by setup
}

static void fences(void)
{
	s_("sfence.before", probe_ld, PG(8), 0);
	map(PG(8), D(9), 0, RW);
	sfence();
	s_("sfence.remapped", probe_ld, PG(8), 0);
	*pte(PG(8), 0) = 0;
	__asm__ volatile("sfence.vma %0, zero" ::"r"(PG(8)) : "memory");
	s_("sfence.va.invalid", probe_ld, PG(8), 0);
	map(PG(8), D(8), 0, RW);
	// sfence.vma from S itself
	s_("sfence.s", probe_sfence, 0, 0);
	s_("sfence.s.after", probe_ld, PG(8), 0);
	// a new satp value with the same tables
	csrw(satp, csrr(satp) | 5ul << 44); // ASID 5
	s_("asid5", probe_ld, PG(8) + 8, 0);
	p("  satp.asid", csrr(satp) >> 44 & 0xffff);
}

static void mprv(void)
{
	mprv_ld("mprv.s.u-page.sum0", 1, PG(3) + 8);
	mprv_ld("mprv.u.u-page", 0, PG(3) + 8);
	mprv_ld("mprv.u.s-page", 0, PG(0) + 8);
	mprv_ld("mprv.s.s-page", 1, PG(0) + 8);
	mprv_ld("mprv.m.invalid", 3, D(1) + 8); // MPP = M: no translation
	csrs(mstatus, MS_MXR);
	mprv_ld("mprv.s.x-only.mxr1", 1, PG(4) + 8);
	csrc(mstatus, MS_MXR);
	mprv_ld("mprv.s.invalid", 1, PG(1));
}

// Page faults delegated to S: scause, sepc, stval (§4.1.9).
static void delegated(void)
{
	csrw(medeleg, 1ul << 12 | 1ul << 13 | 1ul << 15);
	s_("deleg.s.ld.invalid", probe_ld, PG(1) + 0x28, 0);
	s_("deleg.s.sd.r-only", probe_sd, PG(5) + 0x30, 0);
	s_("deleg.s.fetch.invalid", probe_jalr, PG(1) + 0x40, 0);
	u_("deleg.u.ld.s-page", probe_ld, PG(0) + 0x38, 0);
	u_("deleg.u.fetch.s-page", probe_jalr, PG(4) + 16, 0);
	s_("deleg.s.ld.noncanon", probe_ld, 0x8000000000000010ul, 0);
	p("  sstatus.spp", st.status >> 8 & 1);
	csrw(medeleg, 0);
}

int main(void)
{
	static const int modes[] = {8, 9};
	for (int i = 0; i < 2; i++) {
		puts_(modes[i] == 8 ? "sv39\n" : "sv48\n");
		setup(modes[i]);
		p("satp.mode", csrr(satp) >> 60);
		basic();
		code();
		superpages();
		accessed_dirty();
		fences();
		mprv();
		delegated();
		csrw(satp, 0);
		sfence();
	}
	puts_("vm done\n");
	return 0;
}
