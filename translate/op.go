package translate

import "unsafe"

// Register-file conventions shared by every target. Targets lay out their
// architectural registers in CPU.R[0:RegZero]; these two are reserved.
const (
	RegZero = 254 // always reads 0; nothing writes it
	RegSink = 255 // writes are discarded (destination x0/xzr)
)

// Code is a micro-op opcode. Ops read registers A and B (and C), write Dst,
// and use Imm as an immediate, memory displacement or branch target.
type Code uint16

const (
	OpNop Code = iota

	// Moves and constants.
	OpMovI // Dst = Imm
	OpMov  // Dst = A

	// 64-bit ALU, register-register.
	OpAdd
	OpSub
	OpAnd
	OpOr
	OpXor
	OpSll // shift amount is B&63
	OpSrl
	OpSra
	OpSlt  // signed less-than: 1/0
	OpSltu // unsigned less-than: 1/0
	OpMul
	OpMulh   // high 64 of signed*signed
	OpMulhu  // high 64 of unsigned*unsigned
	OpMulhsu // high 64 of signed A * unsigned B
	OpDivRV  // RISC-V DIV: x/0 = -1, MIN/-1 = MIN (RISC-V ISA manual §M "Division")
	OpDivuRV // x/0 = all ones
	OpRemRV  // x%0 = x, MIN%-1 = 0
	OpRemuRV // x%0 = x
	OpAndn   // A &^ B
	OpOrn    // A | ^B
	OpXnor   // ^(A ^ B)
	OpMin
	OpMax
	OpMinu
	OpMaxu
	OpRol
	OpRor
	OpShAdd   // (A << Imm) + B
	OpShAddUW // (uint32(A) << Imm) + B

	// 64-bit ALU with immediate B operand (Imm).
	OpAddI
	OpAndI
	OpOrI
	OpXorI
	OpSllI
	OpSrlI
	OpSraI
	OpSltI
	OpSltuI
	OpRorI

	// 32-bit ops whose result is sign-extended to 64 bits (RV64 "W" forms).
	OpAddW
	OpSubW
	OpSllW
	OpSrlW
	OpSraW
	OpMulW
	OpDivW
	OpDivuW
	OpRemW
	OpRemuW
	OpRolW
	OpRorW
	OpAddIW
	OpSllIW
	OpSrlIW
	OpSraIW
	OpRorIW

	// Unary.
	OpClz
	OpCtz
	OpCpop
	OpClzW
	OpCtzW
	OpCpopW
	OpRev8  // byte swap 64
	OpOrcB  // each byte: 0xff if non-zero
	OpSext8 // sign-extend low byte
	OpSext16
	OpSext32
	OpZext8
	OpZext16
	OpZext32

	// Memory: address R[A]+Imm. Loads write Dst; stores store R[B].
	OpLoad8
	OpLoad8S
	OpLoad16
	OpLoad16S
	OpLoad32
	OpLoad32S
	OpLoad64
	OpStore8
	OpStore16
	OpStore32
	OpStore64

	// Atomics at address R[A] (no displacement), which must be aligned to
	// Size. OpAmo's Aux is the AmoKind; its Size is 4 or 8 (32-bit results
	// sign-extended, as RISC-V's) or 1 or 2 (zero-extended, Arm's LSE B/H).
	OpAmo // Dst = old; mem = f(old, R[B])
	OpLR  // load-reserved, Size 4 or 8
	OpSC  // store-conditional of R[B]; Dst = 0 on success, 1 on failure; Aux = SCAlignFirst or 0
	OpCas // Dst = old (Size 1-8, zero-extended); mem = R[B] if old equals R[C]'s low Size bytes

	// Arm-style condition flags. The flags live packed in register C as
	// PSTATE.NZCV (N bit 31, Z 30, C 29, V 28); Size 4 or 8 selects the
	// operand width (32-bit results are zero-extended into Dst).
	OpAddFlags   // Dst = A + B, flags from the addition
	OpSubFlags   // Dst = A - B, flags from the subtraction (CMP writes RegSink)
	OpAdcFlags   // Dst = A + B + C.carry, flags
	OpSbcFlags   // Dst = A - B - !C.carry, flags
	OpAdc        // Dst = A + B + carry (flags unchanged)
	OpSbc        // Dst = A - B - !carry
	OpLogicFlags // flags N,Z from R[A] (width Size), C=V=0; Dst unused
	OpCondSel    // Dst = condArm(Aux, R[C]) ? R[A] : f(R[B]); f by Imm: 0 id, 1 +1, 2 not, 3 neg; Size 4 zero-extends
	OpSetFlags   // R[C] = uint64(Imm) if condArm(Aux, R[C]) is false, else flags of (A - B) when Size bit 4 clear or (A + B) when set (CCMP/CCMN)
	OpSDivA64    // Arm SDIV: x/0 = 0, MIN/-1 = MIN; Size 4 or 8
	OpUDivA64    // Arm UDIV: x/0 = 0
	OpExtr       // Dst = (A:B) >> Imm, width Size (EXTR)
	OpRbit       // bit reverse, width Size

	// Helper call into target code: Fn(cpu, op). A non-zero return ends the
	// block with that exit (details in cpu.Exit).
	OpCall

	// Block terminators.
	OpJump    // to Imm (block exit slot Dst)
	OpBranch  // if cond(Aux, R[A], R[B]) to Imm (exit slot Dst), else go on (a side exit, not a terminator)
	OpJumpReg // to (R[A] + Imm) &^ uint64(C) via the jump cache

	// OpBranch specialised by condition (the Builder picks them): the
	// interpreter then needs no second dispatch on Aux.
	OpBeq
	OpBne
	OpBlt
	OpBge
	OpBltu
	OpBgeu
	OpBranchArm // Arm condition Aux-CondArm on the packed NZCV in R[A]
	OpSyscall   // exit ExitSyscall; cpu.PC = Imm (the next instruction)
	OpTrap      // exit ExitException: exception Aux, address Imm
	OpFlushAll  // drop every translation (fence.i, IC IALLU), continue at Imm
	OpExit      // exit with ExitKind Aux, cpu.PC = Imm

	numCodes
)

// Branch conditions for OpBranch.
const (
	CondEQ uint8 = iota
	CondNE
	CondLT
	CondGE
	CondLTU
	CondGEU
	CondBitSet   // R[A] & (1<<B) != 0 (B is a bit number, not a register)
	CondBitClear // R[A] & (1<<B) == 0
	// CondArm+cc evaluates Arm condition code cc (EQ=0 … AL=14, NV=15) on
	// the packed NZCV in R[A] (ARM ARM ConditionHolds).
	CondArm
)

// AmoKind selects the read-modify-write function of OpAmo.
const (
	AmoSwap uint8 = iota
	AmoAdd
	AmoAnd
	AmoOr
	AmoXor
	AmoMin
	AmoMax
	AmoMinu
	AmoMaxu
)

// HelperFn implements a target instruction in Go. It returns 0 to continue
// with the next op or an ExitKind (with cpu.Exit filled in) to stop.
type HelperFn func(c *CPU, op *Op) ExitKind

// Op is one pre-decoded micro-op. Fixed size so a block is one flat slice.
type Op struct {
	Code  Code
	Dst   uint8
	A, B  uint8
	C     uint8
	Aux   uint8
	Size  uint8
	PCOff uint32    // guest PC of the instruction, relative to the block start
	Float FloatForm // an OpCall's IEEE operation, for tier 2's host form (float.go)
	Vec   VecForm   // an OpCall's vector operation, for tier 2's SSE form (vec.go)
	Imm   int64
	Fn    HelperFn
	// link is the chained successor (*Block) of a direct exit (OpJump,
	// OpBranch and its specialisations), read and written atomically;
	// invalidating the target clears it (Block.incoming).
	link unsafe.Pointer
}

// IsTerminator reports whether the op ends a block.
func (c Code) IsTerminator() bool {
	switch c {
	case OpJump, OpJumpReg, OpSyscall, OpTrap, OpFlushAll, OpExit:
		return true
	}
	return false
}
