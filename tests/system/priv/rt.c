// Console, power-off and the C side of the trap handlers (rt.h).
#include "rt.h"

volatile struct trap mt, st;
volatile u64 m_count, s_count, exit_status, irq_flag;
volatile u64 trap_log[LOG_MAX];
volatile u64 log_n;
extern u64 m_ctx[16]; // rt.S lower_call: ra, sp, s0-s11, mstatus
extern char s_stack_top[];
static u64 storm;

// What rt.S's trap entries save: x0-x31 and the vector table entry.
struct frame {
	u64 x[32];
	long vec;
	u64 pad;
};

void putc_(char c)
{
	volatile u8 *u = (volatile u8 *)UART0;
	while (!(u[5] & 0x20)) // LSR.THRE
		;
	u[0] = c;
}

void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void hex(u64 v)
{
	int i = 60;
	while (i > 0 && !(v >> i & 15))
		i -= 4;
	for (; i >= 0; i -= 4)
		putc_("0123456789abcdef"[v >> i & 15]);
}

void p(const char *name, u64 v)
{
	puts_(name);
	putc_(' ');
	hex(v);
	putc_('\n');
}

// trap_head prints the start of pt's line: name, the trap count since
// trap_reset, cause and epc; it returns the trap.
static volatile struct trap *trap_head(const char *name, int s_mode)
{
	volatile struct trap *t = s_mode ? &st : &mt;
	puts_(name);
	puts_(s_mode ? " S n=" : " M n=");
	hex(s_mode ? s_count : m_count);
	puts_(" cause=");
	hex(t->cause);
	puts_(" epc=");
	hex(t->epc);
	puts_(" tval=");
	return t;
}

// pt prints the last trap of M (s_mode 0) or S: how many there were since
// trap_reset, cause, epc and tval.
void pt(const char *name, int s_mode)
{
	hex(trap_head(name, s_mode)->tval);
	putc_('\n');
}

// pti is pt for an illegal-instruction trap taken in M from code that is
// at its physical address. xtval may hold the instruction's bits or 0
// (§3.1.16): qemu 7.2 writes the bits, gemu 0, so tval is shown as "insn"
// or "0" for either.
void pti(const char *name, int s_mode)
{
	volatile struct trap *t = trap_head(name, s_mode);
	u64 insn = -1;
	if (t->epc != -1ul) {
		volatile u16 *h = (volatile u16 *)t->epc;
		insn = h[0];
		if ((insn & 3) == 3)
			insn |= (u64)h[1] << 16;
	}
	if (t->tval == 0 || t->tval == insn)
		puts_("0|insn");
	else
		hex(t->tval);
	putc_('\n');
}

void plog(const char *name)
{
	puts_(name);
	for (u64 i = 0; i < log_n && i < LOG_MAX; i++) {
		putc_(' ');
		putc_(trap_log[i] >> 56);
		putc_(':');
		if (trap_log[i] >> 55 & 1)
			putc_('i');
		hex(trap_log[i] & 0xff);
	}
	putc_('\n');
	log_n = 0;
}

static void log_trap(char who, u64 cause)
{
	if (log_n < LOG_MAX)
		trap_log[log_n] = (u64)who << 56 | (cause & 0xff) | (cause >> 63) << 55;
	log_n++;
}

// record keeps a trap of M or S (who) as the last one and in the log.
static void record(volatile struct trap *last, volatile u64 *count, char who, struct trap t)
{
	*last = t;
	++*count;
	log_trap(who, t.cause);
}

void trap_reset(void)
{
	m_count = s_count = 0;
	mt = (struct trap){-1ul, -1ul, -1ul, -1ul, -2};
	st = (struct trap){-1ul, -1ul, -1ul, -1ul, -2};
	log_n = 0;
	irq_flag = 0;
	storm = 0;
}

void poweroff(int code)
{
	volatile u32 *t = (volatile u32 *)TESTDEV;
	*t = code ? (u32)code << 16 | 0x3333 : 0x5555;
	for (;;)
		;
}

u64 run_lower(int mode, void *probe, u64 a0, u64 a1)
{
	trap_reset();
	return lower_call(mode, probe, a0, a1, 0);
}

u64 mtime(void) { return *(volatile u64 *)CLINT_MTIME; }

// resume is where a handler returns to: the same place after an
// interrupt (whose enable bit the handler clears), ra after a fetch fault
// (the probes call their targets), else past the instruction (len bytes).
static u64 resume(struct frame *f, u64 cause, u64 epc, u64 len)
{
	if (cause & INTR) {
		irq_flag = 1;
		return epc;
	}
	if (cause == 0 || cause == 1 || cause == 12)
		return f->x[1];
	return epc + len;
}

// m_trap_c handles every trap that reaches M-mode. The exit ecall of a
// lower-mode call (a7 = EXIT_MAGIC) returns from lower_call; an interrupt
// disables itself in mie; a fetch fault resumes at ra (the probes call
// their targets); any other exception is recorded and skipped.
void m_trap_c(struct frame *f)
{
	u64 cause = csrr(mcause), epc = csrr(mepc), tval = csrr(mtval), status = csrr(mstatus);
	if (++storm > 10000) {
		puts_("trap storm\n");
		poweroff(3);
	}
	if ((cause == 8 || cause == 9) && f->x[17] == EXIT_MAGIC) {
		exit_status = status;
		f->x[1] = m_ctx[0];
		f->x[2] = m_ctx[1];
		f->x[8] = m_ctx[2];
		f->x[9] = m_ctx[3];
		for (int i = 2; i < 12; i++)
			f->x[16 + i] = m_ctx[2 + i];
		csrw(mepc, m_ctx[0]);
		u64 s = (status & ~MS_MPIE) | MS_MPP;
		if (m_ctx[14] & MS_MIE)
			s |= MS_MPIE;
		csrw(mstatus, s);
		csrw(sscratch, s_stack_top);
		return;
	}
	record(&mt, &m_count, 'M', (struct trap){cause, epc, tval, status, f->vec});
	if (cause & INTR)
		csrc(mie, 1ul << (cause & 63));
	u64 len = 4;
	if ((status & MS_MPP) == MS_MPP && (*(volatile u16 *)epc & 3) != 3)
		len = 2;
	csrw(mepc, resume(f, cause, epc, len));
}

// s_trap_c is m_trap_c for traps delegated to S-mode. The exit ecall from
// U goes on to M as an exit ecall from S.
void s_trap_c(struct frame *f)
{
	u64 cause = csrr(scause), epc = csrr(sepc), tval = csrr(stval), status = csrr(sstatus);
	if (cause == 8 && f->x[17] == EXIT_MAGIC) {
		register u64 a0 __asm__("a0") = f->x[10];
		register u64 a7 __asm__("a7") = EXIT_MAGIC;
		__asm__ volatile("ecall" ::"r"(a0), "r"(a7));
		for (;;)
			;
	}
	record(&st, &s_count, 'S', (struct trap){cause, epc, tval, status, f->vec});
	if (cause & INTR)
		csrc(sie, 1ul << (cause & 63));
	csrw(sepc, resume(f, cause, epc, 4));
}
