package riscv64

import "github.com/gemu-project/gemu/translate"

// Encodings: RISC-V ISA manual, Volume I, "RV32/64G Instruction Set
// Listings" and the Zba/Zbb/Zbs chapter ("B" extension, version 1.0.0).

// Masks of the common formats.
const (
	maskOpc    = 0x0000007f // opcode only (U, J)
	maskF3     = 0x0000707f // opcode + funct3 (I, S, B)
	maskR      = 0xfe00707f // opcode + funct3 + funct7
	maskSh6    = 0xfc00707f // RV64 shift immediates: funct6
	maskUnary  = 0xfff0707f // funct12 (rs2 field fixed)
	maskAmo    = 0xf800707f // funct5 (aq/rl open)
	maskExact  = 0xffffffff
	maskR4     = 0x0600007f // fused multiply-add: fmt + opcode
	maskFPR    = 0xfe00007f // OP-FP with rounding mode
	maskFPR1   = 0xfff0007f // OP-FP unary with rounding mode
	maskFPRF3  = 0xfe00707f // OP-FP with funct3 fixed
	maskFPUnF3 = 0xfff0707f // OP-FP unary with funct3 fixed
)

var (
	argsR     = [4]argKind{aRd, aRs1, aRs2}
	argsI     = [4]argKind{aRd, aRs1, aImm}
	argsSh    = [4]argKind{aRd, aRs1, aShamt}
	argsUnary = [4]argKind{aRd, aRs1}
	argsLoad  = [4]argKind{aRd, aMem}
	argsStore = [4]argKind{aRs2, aMem}
	argsB     = [4]argKind{aRs1, aRs2, aImm}
	argsAmo   = [4]argKind{aRd, aRs2, aPtr}
)

func rAlu(name string, match uint32, code translate.Code) row {
	return row{mask: maskR, match: match, name: name, args: argsR, lower: lowerALU, code: code}
}

func iAlu(name string, match uint32, code translate.Code) row {
	return row{mask: maskF3, match: match, name: name, imm: immI, args: argsI, lower: lowerALUI, code: code}
}

func sh6(name string, match uint32, code translate.Code) row {
	return row{mask: maskSh6, match: match, name: name, imm: immShamt, args: argsSh, lower: lowerALUI, code: code}
}

func sh5(name string, match uint32, code translate.Code) row {
	return row{mask: maskR, match: match, name: name, imm: immShamt, args: argsSh, lower: lowerALUI, code: code}
}

func unary(name string, match uint32, code translate.Code) row {
	return row{mask: maskUnary, match: match, name: name, args: argsUnary, lower: lowerUnary, code: code}
}

func load(name string, match uint32, code translate.Code) row {
	return row{mask: maskF3, match: match, name: name, imm: immI, args: argsLoad, lower: lowerLoad, code: code}
}

func store(name string, match uint32, code translate.Code) row {
	return row{mask: maskF3, match: match, name: name, imm: immS, args: argsStore, lower: lowerStore, code: code}
}

func branch(name string, match uint32, cond uint8) row {
	return row{mask: maskF3, match: match, name: name, imm: immB, args: argsB, lower: lowerBranch, aux: cond}
}

// intRows: RV64I and RV64M.
var intRows = []row{
	{mask: maskOpc, match: 0x00000037, name: "lui", imm: immU, args: [4]argKind{aRd, aUimm}, lower: lowerLUI},
	{mask: maskOpc, match: 0x00000017, name: "auipc", imm: immU, args: [4]argKind{aRd, aUimm}, lower: lowerAUIPC},
	{mask: maskOpc, match: 0x0000006f, name: "jal", imm: immJ, args: [4]argKind{aRd, aImm}, lower: lowerJAL},
	{mask: maskF3, match: 0x00000067, name: "jalr", imm: immI, args: argsLoad, lower: lowerJALR},

	branch("beq", 0x00000063, translate.CondEQ),
	branch("bne", 0x00001063, translate.CondNE),
	branch("blt", 0x00004063, translate.CondLT),
	branch("bge", 0x00005063, translate.CondGE),
	branch("bltu", 0x00006063, translate.CondLTU),
	branch("bgeu", 0x00007063, translate.CondGEU),

	load("lb", 0x00000003, translate.OpLoad8S),
	load("lh", 0x00001003, translate.OpLoad16S),
	load("lw", 0x00002003, translate.OpLoad32S),
	load("ld", 0x00003003, translate.OpLoad64),
	load("lbu", 0x00004003, translate.OpLoad8),
	load("lhu", 0x00005003, translate.OpLoad16),
	load("lwu", 0x00006003, translate.OpLoad32),
	store("sb", 0x00000023, translate.OpStore8),
	store("sh", 0x00001023, translate.OpStore16),
	store("sw", 0x00002023, translate.OpStore32),
	store("sd", 0x00003023, translate.OpStore64),

	iAlu("addi", 0x00000013, translate.OpAddI),
	iAlu("slti", 0x00002013, translate.OpSltI),
	iAlu("sltiu", 0x00003013, translate.OpSltuI),
	iAlu("xori", 0x00004013, translate.OpXorI),
	iAlu("ori", 0x00006013, translate.OpOrI),
	iAlu("andi", 0x00007013, translate.OpAndI),
	sh6("slli", 0x00001013, translate.OpSllI),
	sh6("srli", 0x00005013, translate.OpSrlI),
	sh6("srai", 0x40005013, translate.OpSraI),

	rAlu("add", 0x00000033, translate.OpAdd),
	rAlu("sub", 0x40000033, translate.OpSub),
	rAlu("sll", 0x00001033, translate.OpSll),
	rAlu("slt", 0x00002033, translate.OpSlt),
	rAlu("sltu", 0x00003033, translate.OpSltu),
	rAlu("xor", 0x00004033, translate.OpXor),
	rAlu("srl", 0x00005033, translate.OpSrl),
	rAlu("sra", 0x40005033, translate.OpSra),
	rAlu("or", 0x00006033, translate.OpOr),
	rAlu("and", 0x00007033, translate.OpAnd),

	iAlu("addiw", 0x0000001b, translate.OpAddIW),
	sh5("slliw", 0x0000101b, translate.OpSllIW),
	sh5("srliw", 0x0000501b, translate.OpSrlIW),
	sh5("sraiw", 0x4000501b, translate.OpSraIW),
	rAlu("addw", 0x0000003b, translate.OpAddW),
	rAlu("subw", 0x4000003b, translate.OpSubW),
	rAlu("sllw", 0x0000103b, translate.OpSllW),
	rAlu("srlw", 0x0000503b, translate.OpSrlW),
	rAlu("sraw", 0x4000503b, translate.OpSraW),

	// M extension.
	rAlu("mul", 0x02000033, translate.OpMul),
	rAlu("mulh", 0x02001033, translate.OpMulh),
	rAlu("mulhsu", 0x02002033, translate.OpMulhsu),
	rAlu("mulhu", 0x02003033, translate.OpMulhu),
	rAlu("div", 0x02004033, translate.OpDivRV),
	rAlu("divu", 0x02005033, translate.OpDivuRV),
	rAlu("rem", 0x02006033, translate.OpRemRV),
	rAlu("remu", 0x02007033, translate.OpRemuRV),
	rAlu("mulw", 0x0200003b, translate.OpMulW),
	rAlu("divw", 0x0200403b, translate.OpDivW),
	rAlu("divuw", 0x0200503b, translate.OpDivuW),
	rAlu("remw", 0x0200603b, translate.OpRemW),
	rAlu("remuw", 0x0200703b, translate.OpRemuW),
}

// extRows: Zba, Zbb, Zbs and the A extension.
var extRows = []row{
	// Zba.
	{mask: maskR, match: 0x0800003b, name: "add.uw", args: argsR, lower: lowerShAddUW, aux: 0},
	{mask: maskR, match: 0x20002033, name: "sh1add", args: argsR, lower: lowerShAdd, aux: 1},
	{mask: maskR, match: 0x20004033, name: "sh2add", args: argsR, lower: lowerShAdd, aux: 2},
	{mask: maskR, match: 0x20006033, name: "sh3add", args: argsR, lower: lowerShAdd, aux: 3},
	{mask: maskR, match: 0x2000203b, name: "sh1add.uw", args: argsR, lower: lowerShAddUW, aux: 1},
	{mask: maskR, match: 0x2000403b, name: "sh2add.uw", args: argsR, lower: lowerShAddUW, aux: 2},
	{mask: maskR, match: 0x2000603b, name: "sh3add.uw", args: argsR, lower: lowerShAddUW, aux: 3},
	{mask: maskSh6, match: 0x0800101b, name: "slli.uw", imm: immShamt, args: argsSh, lower: lowerSlliUW},

	// Zbb.
	rAlu("andn", 0x40007033, translate.OpAndn),
	rAlu("orn", 0x40006033, translate.OpOrn),
	rAlu("xnor", 0x40004033, translate.OpXnor),
	rAlu("min", 0x0a004033, translate.OpMin),
	rAlu("minu", 0x0a005033, translate.OpMinu),
	rAlu("max", 0x0a006033, translate.OpMax),
	rAlu("maxu", 0x0a007033, translate.OpMaxu),
	rAlu("rol", 0x60001033, translate.OpRol),
	rAlu("ror", 0x60005033, translate.OpRor),
	rAlu("rolw", 0x6000103b, translate.OpRolW),
	rAlu("rorw", 0x6000503b, translate.OpRorW),
	sh6("rori", 0x60005013, translate.OpRorI),
	sh5("roriw", 0x6000501b, translate.OpRorIW),
	unary("clz", 0x60001013, translate.OpClz),
	unary("ctz", 0x60101013, translate.OpCtz),
	unary("cpop", 0x60201013, translate.OpCpop),
	unary("clzw", 0x6000101b, translate.OpClzW),
	unary("ctzw", 0x6010101b, translate.OpCtzW),
	unary("cpopw", 0x6020101b, translate.OpCpopW),
	unary("sext.b", 0x60401013, translate.OpSext8),
	unary("sext.h", 0x60501013, translate.OpSext16),
	unary("zext.h", 0x0800403b, translate.OpZext16),
	unary("orc.b", 0x28705013, translate.OpOrcB),
	unary("rev8", 0x6b805013, translate.OpRev8),

	// Zbs.
	{mask: maskR, match: 0x48001033, name: "bclr", args: argsR, lower: lowerBitR, code: translate.OpAndn},
	{mask: maskR, match: 0x28001033, name: "bset", args: argsR, lower: lowerBitR, code: translate.OpOr},
	{mask: maskR, match: 0x68001033, name: "binv", args: argsR, lower: lowerBitR, code: translate.OpXor},
	{mask: maskR, match: 0x48005033, name: "bext", args: argsR, lower: lowerBext},
	{mask: maskSh6, match: 0x48001013, name: "bclri", imm: immShamt, args: argsSh, lower: lowerBitI, code: translate.OpAndI},
	{mask: maskSh6, match: 0x28001013, name: "bseti", imm: immShamt, args: argsSh, lower: lowerBitI, code: translate.OpOrI},
	{mask: maskSh6, match: 0x68001013, name: "binvi", imm: immShamt, args: argsSh, lower: lowerBitI, code: translate.OpXorI},
	{mask: maskSh6, match: 0x48005013, name: "bexti", imm: immShamt, args: argsSh, lower: lowerBexti},

	// A extension: LR/SC (AMOs are in amoRows), word (funct3 2) and
	// doubleword (funct3 3).
	{mask: maskUnary &^ 0x06000000, match: 0x1000202f, name: "lr.w", args: [4]argKind{aRd, aPtr}, lower: lowerLR, size: 4},
	{mask: maskUnary &^ 0x06000000, match: 0x1000302f, name: "lr.d", args: [4]argKind{aRd, aPtr}, lower: lowerLR, size: 8},
	{mask: maskAmo, match: 0x1800202f, name: "sc.w", args: argsAmo, lower: lowerSC, size: 4},
	{mask: maskAmo, match: 0x1800302f, name: "sc.d", args: argsAmo, lower: lowerSC, size: 8},
}

// amoRows: the AMOs (funct5 in inst[31:27]), .w and .d.
var amoRows = amos([]amoDef{
	{"amoswap", 0x08000000, translate.AmoSwap},
	{"amoadd", 0x00000000, translate.AmoAdd},
	{"amoxor", 0x20000000, translate.AmoXor},
	{"amoand", 0x60000000, translate.AmoAnd},
	{"amoor", 0x40000000, translate.AmoOr},
	{"amomin", 0x80000000, translate.AmoMin},
	{"amomax", 0xa0000000, translate.AmoMax},
	{"amominu", 0xc0000000, translate.AmoMinu},
	{"amomaxu", 0xe0000000, translate.AmoMaxu},
})

type amoDef struct {
	name   string
	funct5 uint32
	kind   uint8
}

func amos(defs []amoDef) []row {
	var out []row
	for _, a := range defs {
		for _, sz := range []uint8{4, 8} {
			r := row{mask: maskAmo, match: a.funct5 | 0x0000202f, name: a.name + ".w", args: argsAmo,
				lower: lowerAmo, aux: a.kind, size: sz}
			if sz == 8 {
				r.match |= 1 << 12
				r.name = a.name + ".d"
			}
			out = append(out, r)
		}
	}
	return out
}

// sysRows: SYSTEM and MISC-MEM.
var sysRows = []row{
	{mask: maskExact, match: 0x00000073, name: "ecall", lower: lowerECALL},
	{mask: maskExact, match: 0x00100073, name: "ebreak", lower: lowerEBREAK},
	// FENCE: the fm, rs1 and rd fields are ignored for forward compatibility
	// (ISA manual, "Memory Ordering Instructions"); FENCE.TSO and PAUSE are
	// FENCE encodings too.
	{mask: maskF3, match: 0x0000000f, name: "fence", args: [4]argKind{aPred, aSucc}, lower: lowerNop},
	{mask: maskF3, match: 0x0000100f, name: "fence.i", lower: lowerFENCEI},
	csrRow("csrrw", 0x00001073, csrRW, false),
	csrRow("csrrs", 0x00002073, csrRS, false),
	csrRow("csrrc", 0x00003073, csrRC, false),
	csrRow("csrrwi", 0x00005073, csrRW, true),
	csrRow("csrrsi", 0x00006073, csrRS, true),
	csrRow("csrrci", 0x00007073, csrRC, true),
}

func csrRow(name string, match uint32, kind uint8, imm bool) row {
	r := row{mask: maskF3, match: match, name: name, imm: immCSR, args: [4]argKind{aRd, aCSR, aRs1},
		flags: flagCSR, lower: lowerCSR, aux: kind}
	if imm {
		r.args[2] = aZimm
		r.size = 1
	}
	return r
}
