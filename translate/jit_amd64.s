#include "textflag.h"

// Tier-2 host glue (jit.go): entering compiled code and catching its
// memory faults. Compiled code runs with R15 = the CPU's register file
// (biased, jitBias), R14 = guest memory base and R13 = guest address
// limit; every other register but RSP is its to use (BP is saved here).
// It returns to jitCall with RET and the exit word in AX.

// func jitCall(regs, base, entry, limit uintptr) uint64
TEXT ·jitCall(SB), NOSPLIT, $8-40
	MOVQ BP, saved-8(SP)
	MOVQ regs+0(FP), R15
	MOVQ base+8(FP), R14
	MOVQ entry+16(FP), AX
	MOVQ limit+24(FP), R13
	CALL AX
	MOVQ saved-8(SP), BP
	MOVQ AX, ret+32(FP)
	RET

// func jitG() uintptr: the running goroutine's g, whose stackguard0 the
// compiled code polls for preemption requests.
TEXT ·jitG(SB), NOSPLIT, $0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET

// jitSigHandler is installed for SIGSEGV, SIGBUS and SIGURG (jithost_amd64.go). Entered by
// the kernel with DI = signal, SI = *siginfo_t, DX = *ucontext_t. A fault
// raised by the kernel (si_code > 0) at a PC inside the code arena is a
// guest access that compiled code made: it records the PC and si_addr in
// the CPU (found through the interrupted R15) with a copy of the host
// registers (the guest registers compiled code had not yet stored), and
// resumes at the arena's fault stub, which leaves compiled code. Anything else goes on to the
// handler that was there before (Go's), as if the kernel had called it.
// ucontext_t offsets: uc_mcontext.gregs at 40, REG_R15 = 7, REG_RIP = 16
// (Linux arch/x86/include/uapi/asm/sigcontext.h, glibc sys/ucontext.h).
TEXT ·jitSigHandler(SB), NOSPLIT|NOFRAME, $0
	CMPL DI, $23            // SIGURG, from any sender (Go's is a tgkill)
	JEQ  arena
	MOVL 8(SI), AX          // si_code
	CMPL AX, $0
	JLE  chain
arena:
	MOVQ 168(DX), AX        // RIP
	MOVQ ·jitArenaLo(SB), CX
	CMPQ AX, CX
	JB   chain
	MOVQ ·jitArenaHi(SB), R9
	CMPQ AX, R9
	JAE  chain
	CMPL DI, $23
	JEQ  urg
	MOVQ 16(SI), R10        // si_addr
	XORL R11, R11           // then return to the fault stub
// leave records the access at AX (RIP) with address R10 and makes the
// signal return to the fault stub; R11 != 0 goes on to Go's SIGURG handler.
leave:
	MOVQ 96(DX), R8         // R15: the biased CPU registers
	MOVQ ·jitFaultPCOff(SB), CX
	MOVQ AX, (R8)(CX*1)
	MOVQ ·jitFaultAddrOff(SB), CX
	MOVQ R10, (R8)(CX*1)
	MOVQ ·jitFaultRegsOff(SB), CX
	LEAQ (R8)(CX*1), R9
	XORL CX, CX
copy:
	MOVQ 40(DX)(CX*8), AX   // gregs[CX]
	MOVQ AX, (R9)(CX*8)
	INCQ CX
	CMPQ CX, $16
	JB   copy
	MOVQ ·jitFaultStub(SB), AX
	MOVQ AX, 168(DX)
	TESTQ R11, R11
	JNE  urgchain
	RET
chain:
	CMPL DI, $7             // SIGBUS
	JEQ  bus
	CMPL DI, $23
	JEQ  urgchain
	MOVQ ·jitOldSegv(SB), AX
	JMP  AX
bus:
	MOVQ ·jitOldBus(SB), AX
	JMP  AX

// SIGURG is Go's preemption request, which compiled code polls for. A
// thread that a second SIGURG finds at the same compiled access (a
// jitSites bit) makes no progress: the host holds it in that access's
// page fault (a userfaultfd's, until another thread resolves it), and a
// stop-the-world would wait for it for ever. It leaves compiled code as a
// fault there does, and the interpreter retries the access, where Go can
// preempt it. Go's handler runs after either way (it acknowledges the
// request: runtime doSigPreempt). Here AX = RIP, CX = the arena's start.
urg:
	MOVQ AX, R9
	SUBQ CX, R9             // arena offset
	MOVQ R9, CX
	SHRQ $3, CX
	ADDQ ·jitSiteBits(SB), CX
	MOVBLZX (CX), CX
	ANDL $7, R9
	BTL  R9, CX
	JCC  urgchain           // not an access
	MOVQ 96(DX), R8
	MOVQ ·jitUrgPCOff(SB), CX
	CMPQ AX, (R8)(CX*1)
	MOVQ AX, (R8)(CX*1)
	JNE  urgchain           // first seen here
	MOVQ $0, (R8)(CX*1)
	XORL R10, R10
	MOVL $1, R11
	JMP  leave
urgchain:
	MOVQ ·jitOldUrg(SB), AX
	JMP  AX

// func jitSigHandlerPC() uintptr
TEXT ·jitSigHandlerPC(SB), NOSPLIT, $0-8
	MOVQ $·jitSigHandler(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func cpuid(leaf, sub uint32) (a, b, c, d uint32) (Intel SDM Vol. 2A
// CPUID).
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, a+8(FP)
	MOVL BX, b+12(FP)
	MOVL CX, c+16(FP)
	MOVL DX, d+20(FP)
	RET

// func xgetbv0() uint32: XCR0's low half (Intel SDM Vol. 2C XGETBV).
TEXT ·xgetbv0(SB), NOSPLIT, $0-4
	XORL CX, CX
	XGETBV
	MOVL AX, ret+0(FP)
	RET
