// Runtime of the bare-metal privileged-ISA test programs (rt.S, rt.c):
// they start in M-mode at 0x80000000 on -M virt -bios none, print
// "name value" lines in hex on the NS16550A and power off through the
// SiFive test device. system_priv_test.go runs each under
// qemu-system-riscv64 and gemu-system-riscv64 and requires the same output.
// Section numbers are those of the RISC-V Privileged ISA v1.12.
#ifndef PRIV_RT_H
#define PRIV_RT_H

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

#define csrr(csr) ({ u64 __v; __asm__ volatile("csrr %0, " #csr : "=r"(__v)::"memory"); __v; })
#define csrw(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"r"((u64)(v)) : "memory")
#define csrs(csr, v) __asm__ volatile("csrs " #csr ", %0" ::"r"((u64)(v)) : "memory")
#define csrc(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"r"((u64)(v)) : "memory")
#define csrrw(csr, v) ({ u64 __v; __asm__ volatile("csrrw %0, " #csr ", %1" : "=r"(__v) : "r"((u64)(v)) : "memory"); __v; })
#define barrier() __asm__ volatile("" ::: "memory")

// mstatus fields (§3.1.6)
#define MS_SIE (1ul << 1)
#define MS_MIE (1ul << 3)
#define MS_SPIE (1ul << 5)
#define MS_MPIE (1ul << 7)
#define MS_SPP (1ul << 8)
#define MS_VS (3ul << 9)
#define MS_MPP (3ul << 11)
#define MS_MPP_S (1ul << 11)
#define MS_FS (3ul << 13)
#define MS_XS (3ul << 15)
#define MS_MPRV (1ul << 17)
#define MS_SUM (1ul << 18)
#define MS_MXR (1ul << 19)
#define MS_TVM (1ul << 20)
#define MS_TW (1ul << 21)
#define MS_TSR (1ul << 22)
#define MS_UXL (3ul << 32)
#define MS_SXL (3ul << 34)
#define MS_MPV (1ul << 39) // H extension (qemu 7.2 has it, gemu not)
#define MS_GVA (1ul << 38) // H extension
#define MS_SD (1ul << 63)

// The bits both harts implement the same way. qemu 7.2's default rv64
// hart has the H extension (gemu has not): mstatus.MPV and GVA are
// writable there. qemu 7.2 also keeps mstatus.VS writable without V,
// which §3.1.6.6 allows ("If S-mode is implemented but the v registers
// are not, VS may optionally be read-only zero"); gemu makes it zero.
#define MSTATUS_CMP (~(MS_MPV | MS_GVA | MS_VS))
// The interrupt bits of mie/mip/mideleg without the H extension's VS and
// SGEI bits (2, 6, 10, 12) and Sscofpmf's LCOFI (13).
#define IRQ_CMP 0xaaaul
// medeleg: exceptions 0-9, 12, 13, 15. Bit 10 (ecall from VS) and 20-23
// (guest page faults) belong to H. Bit 11 (ecall from M) is left out: qemu
// 7.2 lets it be set, §3.1.8 says "medeleg[11] is read-only zero".
#define EXC_CMP 0xb3fful

// Interrupts (§3.1.9)
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define INTR (1ul << 63)

// Devices of -M virt
#define UART0 0x10000000ul
#define TESTDEV 0x100000ul
#define CLINT_MSIP 0x2000000ul
#define CLINT_MTIMECMP 0x2004000ul
#define CLINT_MTIME 0x200bff8ul

#define EXIT_MAGIC 0x4558 // a7 of the ecall that ends a lower-mode call
#define MODE_U 0
#define MODE_S 1

// One trap as a handler saw it.
struct trap {
	u64 cause, epc, tval, status;
	long vec; // the vector table entry it came through, -1 for direct mode
};

extern volatile struct trap mt, st; // the last M and S trap (not the exit ecalls)
extern volatile u64 m_count, s_count; // traps seen since trap_reset
extern volatile u64 exit_status; // mstatus at the exit ecall of the last lower_call
extern volatile u64 irq_flag; // set by the handlers on an interrupt
// The trap log: 'M' or 'S' in bit 63..56 of each entry, the cause below.
#define LOG_MAX 16
extern volatile u64 trap_log[LOG_MAX];
extern volatile u64 log_n;

void putc_(char c);
void puts_(const char *s);
void p(const char *name, u64 v);      // "name v\n", v in hex
void pt(const char *name, int s_mode); // the last trap: count cause epc tval
void pti(const char *name, int s_mode); // pt for illegal instructions
void plog(const char *name);          // the trap log, then clears it
void trap_reset(void);
void poweroff(int code) __attribute__((noreturn));
u64 mtime(void);

// rt.S
extern char m_vectors[], s_vectors[], m_trap[], s_trap[];
// lower_call runs fn(a0, a1, a2) in mode (MODE_U or MODE_S) through mret;
// fn ends with the exit ecall (probe_exit), whose a0 is returned.
u64 lower_call(int mode, void *fn, u64 a0, u64 a1, u64 a2);
// run_lower is trap_reset, then lower_call(mode, probe, a0, a1, 0).
u64 run_lower(int mode, void *probe, u64 a0, u64 a1);
// RUN_M is trap_reset, then instructions in M-mode that may trap (the
// handler skips the one that does).
#define RUN_M(insn)                                                  \
	do {                                                         \
		trap_reset();                                        \
		__asm__ volatile(insn ::: "t0", "t1", "memory");     \
	} while (0)

// Probes (rt.S, section .probe: no compressed instructions, so that
// the handlers can skip a faulting one as 4 bytes).
extern char probe_start[], probe_end[];
extern char probe_ld[], probe_lw[], probe_lbu[], probe_sd[], probe_jalr[];
extern char probe_ecall[], probe_ebreak[], probe_wfi[], probe_sret[], probe_mret[];
extern char probe_sfence[], probe_nop[], probe_spin[], probe_amoadd_w[];
extern char probe_csrr_sstatus[], probe_csrr_mstatus[], probe_csrr_mhartid[];
extern char probe_csrr_time[], probe_csrr_satp[], probe_csrr_stimecmp[];
extern char probe_csrw_stimecmp[], probe_csrw_sip[], probe_csrr_sip[];
extern char probe_csrr_cycle[], probe_sret_to[], probe_illegal[];
extern char probe_s_timer[], probe_busy[], probe_fadd[];

#endif
