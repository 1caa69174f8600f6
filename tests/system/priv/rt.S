// Start-up, trap entries and lower-mode probes of the privileged-ISA test
// programs (rt.h says how they fit together).

#define EXIT_MAGIC 0x4558
#define FRAME 272 // x0..x31 and the vector index, 16-byte aligned

	.option norvc

	.section .text.start, "ax"
	.globl _start
_start:
	la sp, stack_top
	la t0, m_stack_top
	csrw mscratch, t0
	la t0, m_trap
	csrw mtvec, t0
	la t0, s_stack_top
	csrw sscratch, t0
	la t0, s_trap
	csrw stvec, t0
	// PMP entry 0: all of memory, RWX, NAPOT. Without a matching entry
	// qemu denies S and U every access (§3.7.1); gemu does not check PMP.
	li t0, -1
	srli t0, t0, 10
	csrw pmpaddr0, t0
	li t0, 0x1f
	csrw pmpcfg0, t0
	// clear .bss
	la t0, __bss_start
	la t1, _end
1:	bgeu t0, t1, 2f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 1b
2:	call main
	li a0, 0
	call poweroff

// Trap entry. The vector tables send entry N here with t0 = N; the direct
// entry (m_trap, s_trap) with t0 = -1. The frame goes on the trap stack
// (mscratch, sscratch); the C handler may change any register in it.
.macro SAVE scratch
	sd t0, 32*8(sp)
	.irp r, 1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd x\r, \r*8(sp)
	.endr
	csrr t0, \scratch
	sd t0, 2*8(sp)
.endm

.macro RESTORE scratch
	addi t0, sp, FRAME
	csrw \scratch, t0
	.irp r, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld x\r, \r*8(sp)
	.endr
	ld sp, 2*8(sp)
.endm

.macro ENTRY scratch, n, save
	csrrw sp, \scratch, sp
	addi sp, sp, -FRAME
	sd t0, 5*8(sp)
	li t0, \n
	j \save
.endm

// HANDLER x makes x_trap, the direct entry, and x_vectors, a table of 16
// for the vectored mode, for the C handler fn, which returns with ret.
.macro HANDLER x, scratch, fn, ret
	.balign 4
	.globl \x\()_trap
\x\()_trap:
	ENTRY \scratch, -1, \x\()_save
\x\()_save:
	SAVE \scratch
	mv a0, sp
	call \fn
	RESTORE \scratch
	\ret

	.balign 256
	.globl \x\()_vectors
\x\()_vectors:
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	j \x\()_vec\n
	.endr
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
\x\()_vec\n:
	ENTRY \scratch, \n, \x\()_save
	.endr
.endm

	.text
	HANDLER m, mscratch, m_trap_c, mret

// lower_call(mode, fn, a0, a1, a2): the M-mode context is kept in m_ctx for
// the M handler, which returns there on the exit ecall (rt.c).
	.globl lower_call
lower_call:
	la t0, m_ctx
	sd ra, 0(t0)
	sd sp, 8(t0)
	sd s0, 16(t0)
	sd s1, 24(t0)
	.irp i, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	sd s\i, (\i+2)*8(t0)
	.endr
	csrr t1, mstatus
	sd t1, 14*8(t0)
	li t2, 0x1800
	csrc mstatus, t2
	slli t2, a0, 11
	csrs mstatus, t2
	csrw mepc, a1
	mv a0, a2
	mv a1, a3
	mv a2, a4
	mret

// Everything that runs below M-mode is in these pages, which the paging
// tests map for S (identity) and U (an alias). No compressed instructions.
	.section .probe, "ax"
	.balign 4096
	.globl probe_start
probe_start:

	HANDLER s, sscratch, s_trap_c, sret

	.globl probe_exit
probe_exit:
	li a7, EXIT_MAGIC
	ecall
1:	j 1b

.macro PROBE name
	.balign 4
	.globl \name
\name:
.endm

// Loads and stores: a0 = address (a1 = value); a faulting access is
// skipped, leaving -1.
PROBE probe_ld
	mv t0, a0
	li a0, -1
	ld a0, 0(t0)
	j probe_exit
PROBE probe_lw
	mv t0, a0
	li a0, -1
	lw a0, 0(t0)
	j probe_exit
PROBE probe_lbu
	mv t0, a0
	li a0, -1
	lbu a0, 0(t0)
	j probe_exit
PROBE probe_sd
	mv t0, a0
	li a0, -1
	sd a1, 0(t0)
	li a0, 0
	j probe_exit
PROBE probe_amoadd_w
	mv t0, a0
	li a0, -1
	amoadd.w a0, a1, (t0)
	j probe_exit
// Calls the code at a0 (which returns a value in a0); a fetch fault
// comes back to the instruction after the jalr (the handlers resume at ra).
PROBE probe_jalr
	mv t0, a0
	li a0, -1
	jalr ra, 0(t0)
	j probe_exit

PROBE probe_ecall
	li a7, 0
	ecall
	li a0, 0
	j probe_exit
PROBE probe_ebreak
	ebreak
	li a0, 0
	j probe_exit
PROBE probe_wfi
	wfi
	li a0, 0
	j probe_exit
PROBE probe_sret
	sret
	li a0, 0
	j probe_exit
PROBE probe_mret
	mret
	li a0, 0
	j probe_exit
PROBE probe_sfence
	sfence.vma
	li a0, 0
	j probe_exit
PROBE probe_illegal
	li a0, 0
	.word 0x0000000b // custom-0: no instruction in either
	j probe_exit
PROBE probe_fadd
	li a0, 0
	fadd.d ft0, ft1, ft2
	j probe_exit
PROBE probe_nop
	.rept 16
	nop
	.endr
	li a0, 0
	j probe_exit
// Waits (WFI) for the word at a0 to become non-zero, at most a1 times;
// returns the word.
PROBE probe_spin
1:	ld t0, 0(a0)
	bnez t0, 2f
	addi a1, a1, -1
	beqz a1, 2f
	wfi
	j 1b
2:	mv a0, t0
	j probe_exit
// Busy-waits (no WFI: U may not) for the word at a0 to become non-zero,
// at most a1 rounds; returns the word.
PROBE probe_busy
1:	ld t0, 0(a0)
	bnez t0, 2f
	addi a1, a1, -1
	bnez a1, 1b
2:	mv a0, t0
	j probe_exit

.macro READPROBE which, csr
PROBE probe_csrr_\which
	li a0, -1
	csrr a0, \csr
	j probe_exit
.endm
	READPROBE sstatus, sstatus
	READPROBE mstatus, mstatus
	READPROBE mhartid, mhartid
	READPROBE time, time
	READPROBE cycle, cycle
	READPROBE satp, satp
	READPROBE sip, sip
	READPROBE stimecmp, 0x14d

PROBE probe_csrw_stimecmp
	csrw 0x14d, a0
	li a0, 0
	j probe_exit
PROBE probe_csrw_sip
	csrw sip, a0
	li a0, 0
	j probe_exit
// In S: sret to a0 with the sstatus bits a1 set and a2 cleared.
PROBE probe_sret_to
	csrw sepc, a0
	csrs sstatus, a1
	csrc sstatus, a2
	sret
// In S: arms stimecmp at time + a0, enables STIE and SIE, waits (WFI) for
// the handlers' irq_flag; returns it.
PROBE probe_s_timer
	csrr t0, time
	add t0, t0, a0
	csrw 0x14d, t0
	li t0, 1 << 5
	csrs sie, t0
	csrsi sstatus, 2
	la a0, irq_flag
	li a1, 100000
	j probe_spin

	.balign 4096
	.globl probe_end
probe_end:

	.bss
	.balign 16
	.globl m_ctx
m_ctx:	.space 16*8
	.balign 4096
	.space 16384
stack_top:
	.space 8192
	.globl m_stack_top
m_stack_top:
	.space 8192
	.globl s_stack_top
s_stack_top:
