#include "textflag.h"

// hostSigHandler is the host's SA_SIGINFO handler for forwarded signals
// (hostsig.go), entered by the kernel on the thread's signal stack with
// DI = signal, SI = *siginfo_t, DX = *ucontext; the kernel restores every
// register after it. It reserves the next ring entry, copies the 128-byte
// siginfo_t into it, publishes it (sequence + 1) and writes 1 to the
// ring's eventfd. The slot stride (256) and count (256) are ringSlotSize
// and ringSlots.
//
// The write is skipped when the signal interrupted a guest thread's
// Thread.wait ppoll (host_signal.go), which drains the ring itself when
// ppoll returns: then R9 (ppoll's unused sixth argument) holds
// waitCookie and RAX is -EINTR in the interrupted context
// (struct ucontext: uc_mcontext at 40, r9 at +8, rax at +104; Linux
// arch/x86/include/uapi/asm/sigcontext.h). Waking the reader thread too
// cost a round trip of thread switches for nothing.
TEXT ·hostSigHandler(SB), NOSPLIT|NOFRAME, $0
	MOVQ ·sigRing(SB), R8
	TESTQ R8, R8
	JZ   done
	MOVQ $1, AX
	LOCK
	XADDQ AX, 0(R8)
	MOVQ AX, R9
	ANDQ $255, AX
	SHLQ $8, AX
	LEAQ 64(R8)(AX*1), R10
	LEAQ 8(R10), DI
	MOVQ $128, CX
	CLD
	REP; MOVSB
	INCQ R9
	MOVQ R9, 0(R10)
	MOVQ $0x67656d7577616974, R11 // waitCookie
	CMPQ 48(DX), R11
	JNE  wake
	CMPQ 144(DX), $-4
	JEQ  done
wake:
	MOVQ $1, AX            // write(2)
	MOVQ 8(R8), DI
	LEAQ 16(R8), SI
	MOVQ $8, DX
	SYSCALL

done:
	RET

// hostSigHandlerPC is hostSigHandler's address, for rt_sigaction.
TEXT ·hostSigHandlerPC(SB), NOSPLIT, $0-8
	MOVQ $·hostSigHandler(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// hostSigReturn is the handler's SA_RESTORER: rt_sigreturn(2).
TEXT ·hostSigReturn(SB), NOSPLIT|NOFRAME, $0
	MOVQ $15, AX
	SYSCALL
	RET

// restorerPC is hostSigReturn's address.
TEXT ·restorerPC(SB), NOSPLIT, $0-8
	MOVQ $·hostSigReturn(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func vforkClone(flags, stack uintptr, j *forkJob, mask *uint64) (pid, errno uintptr)
// clone(flags, stack) for forkRaw's shared-memory child (CLONE_VM |
// CLONE_VFORK): the child starts on stack, a separate one, so nothing of
// the parent's stack is overwritten while the parent waits in clone; it
// runs forkChild(j, mask), which execs or exits and never returns. The
// two arguments are written where the child's stack pointer starts, as
// an ABI0 call finds them (stack is 16-byte aligned with room above).
// Linux x86-64 clone(flags, newsp, parent_tid, child_tid, tls) is
// system call 56 (arch/x86/entry/syscalls/syscall_64.tbl).
TEXT ·vforkClone(SB), NOSPLIT, $0-48
	MOVQ flags+0(FP), DI
	MOVQ stack+8(FP), SI
	MOVQ j+16(FP), R12
	MOVQ R12, 0(SI)
	MOVQ mask+24(FP), R13
	MOVQ R13, 8(SI)
	XORQ DX, DX
	XORQ R10, R10
	XORQ R8, R8
	MOVQ $56, AX
	SYSCALL
	CMPQ AX, $0
	JNE  parent
	CALL ·forkChild(SB)
	MOVQ $231, AX // exit_group(127): forkChild returned
	MOVQ $127, DI
	SYSCALL
parent:
	CMPQ AX, $0xfffffffffffff001
	JLS  ok
	NEGQ AX
	MOVQ $0, pid+32(FP)
	MOVQ AX, errno+40(FP)
	RET
ok:
	MOVQ AX, pid+32(FP)
	MOVQ $0, errno+40(FP)
	RET
