package riscv64

// F and D extension encodings (RISC-V ISA manual, Volume I, "RV32F/RV64F"
// and "RV32D/RV64D" listings). inst[26:25] is the format (00 S, 01 D);
// rows with flagRM take a rounding mode in inst[14:12].

var (
	argsF3   = [4]argKind{aFd, aFs1, aFs2}
	argsF4   = [4]argKind{aFd, aFs1, aFs2, aFs3}
	argsF1   = [4]argKind{aFd, aFs1}
	argsFCmp = [4]argKind{aRd, aFs1, aFs2}
	argsFToX = [4]argKind{aRd, aFs1}
	argsXToF = [4]argKind{aFd, aRs1}
)

// fpRow is an OP-FP row lowered to a helper call.
func fpRow(mask, match uint32, name string, args [4]argKind, sel uint8, rm bool) row {
	r := row{mask: mask, match: match, name: name, args: args, lower: lowerFPCall, aux: sel}
	if rm {
		r.flags = flagRM
	}
	return r
}

// fpPair makes the .s and .d rows of one operation; the .d match has
// inst[25] set.
func fpPair(mask, match uint32, name string, args [4]argKind, sel uint8, rm bool) []row {
	return []row{
		fpRow(mask, match, name+".s", args, sel, rm),
		fpRow(mask, match|1<<25, name+".d", args, sel|selDouble, rm),
	}
}

// fpRows is built from the pairs below plus the loads, stores and moves.
var fpRows = concatRows(
	[]row{
		{mask: maskF3, match: 0x00002007, name: "flw", imm: immI, args: [4]argKind{aFd, aMem}, lower: lowerFLW},
		{mask: maskF3, match: 0x00003007, name: "fld", imm: immI, args: [4]argKind{aFd, aMem}, lower: lowerFLD},
		{mask: maskF3, match: 0x00002027, name: "fsw", imm: immS, args: [4]argKind{aFs2, aMem}, lower: lowerFSW},
		{mask: maskF3, match: 0x00003027, name: "fsd", imm: immS, args: [4]argKind{aFs2, aMem}, lower: lowerFSD},

		{mask: maskFPUnF3, match: 0xe0000053, name: "fmv.x.w", args: argsFToX, lower: lowerFMVXW},
		{mask: maskFPUnF3, match: 0xf0000053, name: "fmv.w.x", args: argsXToF, lower: lowerFMVWX},
		{mask: maskFPUnF3, match: 0xe2000053, name: "fmv.x.d", args: argsFToX, lower: lowerFMVXD},
		{mask: maskFPUnF3, match: 0xf2000053, name: "fmv.d.x", args: argsXToF, lower: lowerFMVDX},
		{mask: maskFPRF3, match: 0x22000053, name: "fsgnj.d", args: argsF3, lower: lowerFSGNJD, aux: 0},
		{mask: maskFPRF3, match: 0x22001053, name: "fsgnjn.d", args: argsF3, lower: lowerFSGNJD, aux: 1},
		{mask: maskFPRF3, match: 0x22002053, name: "fsgnjx.d", args: argsF3, lower: lowerFSGNJD, aux: 2},
		fpRow(maskFPRF3, 0x20000053, "fsgnj.s", argsF3, selSgnj, false),
		fpRow(maskFPRF3, 0x20001053, "fsgnjn.s", argsF3, selSgnjn, false),
		fpRow(maskFPRF3, 0x20002053, "fsgnjx.s", argsF3, selSgnjx, false),

		fpRow(maskFPR1, 0x40100053, "fcvt.s.d", argsF1, selCvtSD, true),
		fpRow(maskFPR1, 0x42000053, "fcvt.d.s", argsF1, selCvtDS, true),
	},
	fpPair(maskR4, 0x00000043, "fmadd", argsF4, selMadd, true),
	fpPair(maskR4, 0x00000047, "fmsub", argsF4, selMsub, true),
	fpPair(maskR4, 0x0000004b, "fnmsub", argsF4, selNmsub, true),
	fpPair(maskR4, 0x0000004f, "fnmadd", argsF4, selNmadd, true),
	fpPair(maskFPR, 0x00000053, "fadd", argsF3, selAdd, true),
	fpPair(maskFPR, 0x08000053, "fsub", argsF3, selSub, true),
	fpPair(maskFPR, 0x10000053, "fmul", argsF3, selMul, true),
	fpPair(maskFPR, 0x18000053, "fdiv", argsF3, selDiv, true),
	fpPair(maskFPR1, 0x58000053, "fsqrt", argsF1, selSqrt, true),
	fpPair(maskFPRF3, 0x28000053, "fmin", argsF3, selMin, false),
	fpPair(maskFPRF3, 0x28001053, "fmax", argsF3, selMax, false),
	fpPair(maskFPRF3, 0xa0002053, "feq", argsFCmp, selEq, false),
	fpPair(maskFPRF3, 0xa0001053, "flt", argsFCmp, selLt, false),
	fpPair(maskFPRF3, 0xa0000053, "fle", argsFCmp, selLe, false),
	fpPair(maskFPUnF3, 0xe0001053, "fclass", argsFToX, selClass, false),
	cvtRows(),
)

// cvtRows: fcvt.{w,wu,l,lu}.{s,d} and fcvt.{s,d}.{w,wu,l,lu}; inst[21:20]
// selects the integer type.
func cvtRows() []row {
	var out []row
	for i, t := range []string{"w", "wu", "l", "lu"} {
		rs2 := uint32(i) << 20
		out = append(out, fpPair(maskFPR1, 0xc0000053|rs2, "fcvt."+t, argsFToX, selToInt+uint8(i), true)...)
		out = append(out, fpPair(maskFPR1, 0xd0000053|rs2, "fcvt.?."+t, argsXToF, selFromInt+uint8(i), true)...)
	}
	for i := range out {
		r := &out[i]
		if r.aux&^selDouble >= selFromInt { // name it fcvt.s.w / fcvt.d.w
			n := len(r.name)
			r.name = "fcvt." + r.name[n-1:] + "." + r.name[len("fcvt.?."):n-2]
		}
	}
	return out
}

func concatRows(parts ...[]row) []row {
	var out []row
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
