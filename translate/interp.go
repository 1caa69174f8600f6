package translate

import (
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// The tier-1 interpreter: one switch over pre-decoded ops (docs/design.md "Tier 1").

func (c *CPU) ptr(a uint64, size uint64) unsafe.Pointer {
	if a > c.memLimit-size || c.slow {
		return c.slowPtr(a, size)
	}
	return unsafe.Add(c.memBase, a)
}

// slowPtr is ptr out of range, in lockstep's shadow CPU or in system mode.
func (c *CPU) slowPtr(a uint64, size uint64) unsafe.Pointer {
	if c.mmu != nil {
		if p := c.tlbHit(c.curOp, a, size); p != nil {
			return p
		}
		return c.mmu.Access(c, c.curOp, a, size)
	}
	if c.shadow != nil {
		return c.shadowPtr(a, size)
	}
	panic(guestFault{addr: a})
}

func sx32(v uint64) uint64 { return uint64(int64(int32(v))) }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// exec runs c.block from op (its first op, or where tier 2 left it). It
// returns an ExitKind (>= 0) to leave the loop, or one of the next* codes
// naming the successor.
//
// Every block ends in a terminator, so the op pointer simply advances: the
// loop carries only c, r and op, which keeps the dispatch free of spills.
func exec(c *CPU, op *Op) int {
	r := &c.R
	for {
		switch op.Code {
		case OpNop:
		case OpMovI:
			r[op.Dst] = uint64(op.Imm)
		case OpMov:
			r[op.Dst] = r[op.A]

		case OpAdd:
			r[op.Dst] = r[op.A] + r[op.B]
		case OpSub:
			r[op.Dst] = r[op.A] - r[op.B]
		case OpAnd:
			r[op.Dst] = r[op.A] & r[op.B]
		case OpOr:
			r[op.Dst] = r[op.A] | r[op.B]
		case OpXor:
			r[op.Dst] = r[op.A] ^ r[op.B]
		case OpSll:
			r[op.Dst] = r[op.A] << (r[op.B] & 63)
		case OpSrl:
			r[op.Dst] = r[op.A] >> (r[op.B] & 63)
		case OpSra:
			r[op.Dst] = uint64(int64(r[op.A]) >> (r[op.B] & 63))
		case OpSlt:
			r[op.Dst] = b2u(int64(r[op.A]) < int64(r[op.B]))
		case OpSltu:
			r[op.Dst] = b2u(r[op.A] < r[op.B])
		case OpMul:
			r[op.Dst] = r[op.A] * r[op.B]
		case OpMulh:
			r[op.Dst] = mulh(r[op.A], r[op.B])
		case OpMulhu:
			r[op.Dst], _ = bits.Mul64(r[op.A], r[op.B])
		case OpMulhsu:
			r[op.Dst] = mulhsu(r[op.A], r[op.B])
		case OpDivRV:
			r[op.Dst] = divRV(r[op.A], r[op.B])
		case OpDivuRV:
			r[op.Dst] = divuRV(r[op.A], r[op.B])
		case OpRemRV:
			r[op.Dst] = remRV(r[op.A], r[op.B])
		case OpRemuRV:
			r[op.Dst] = remuRV(r[op.A], r[op.B])
		case OpAndn:
			r[op.Dst] = r[op.A] &^ r[op.B]
		case OpOrn:
			r[op.Dst] = r[op.A] | ^r[op.B]
		case OpXnor:
			r[op.Dst] = ^(r[op.A] ^ r[op.B])
		case OpMin:
			r[op.Dst] = uint64(min(int64(r[op.A]), int64(r[op.B])))
		case OpMax:
			r[op.Dst] = uint64(max(int64(r[op.A]), int64(r[op.B])))
		case OpMinu:
			r[op.Dst] = min(r[op.A], r[op.B])
		case OpMaxu:
			r[op.Dst] = max(r[op.A], r[op.B])
		case OpRol:
			r[op.Dst] = bits.RotateLeft64(r[op.A], int(r[op.B]&63))
		case OpRor:
			r[op.Dst] = bits.RotateLeft64(r[op.A], -int(r[op.B]&63))
		case OpShAdd:
			r[op.Dst] = r[op.A]<<uint(op.Imm) + r[op.B]
		case OpShAddUW:
			r[op.Dst] = uint64(uint32(r[op.A]))<<uint(op.Imm) + r[op.B]

		case OpAddI:
			r[op.Dst] = r[op.A] + uint64(op.Imm)
		case OpAndI:
			r[op.Dst] = r[op.A] & uint64(op.Imm)
		case OpOrI:
			r[op.Dst] = r[op.A] | uint64(op.Imm)
		case OpXorI:
			r[op.Dst] = r[op.A] ^ uint64(op.Imm)
		case OpSllI:
			r[op.Dst] = r[op.A] << (uint64(op.Imm) & 63)
		case OpSrlI:
			r[op.Dst] = r[op.A] >> (uint64(op.Imm) & 63)
		case OpSraI:
			r[op.Dst] = uint64(int64(r[op.A]) >> (uint64(op.Imm) & 63))
		case OpSltI:
			r[op.Dst] = b2u(int64(r[op.A]) < op.Imm)
		case OpSltuI:
			r[op.Dst] = b2u(r[op.A] < uint64(op.Imm))
		case OpRorI:
			r[op.Dst] = bits.RotateLeft64(r[op.A], -int(op.Imm&63))

		case OpAddW:
			r[op.Dst] = sx32(r[op.A] + r[op.B])
		case OpSubW:
			r[op.Dst] = sx32(r[op.A] - r[op.B])
		case OpSllW:
			r[op.Dst] = sx32(uint64(uint32(r[op.A]) << (r[op.B] & 31)))
		case OpSrlW:
			r[op.Dst] = sx32(uint64(uint32(r[op.A]) >> (r[op.B] & 31)))
		case OpSraW:
			r[op.Dst] = uint64(int64(int32(r[op.A]) >> (r[op.B] & 31)))
		case OpMulW:
			r[op.Dst] = sx32(r[op.A] * r[op.B])
		case OpDivW:
			r[op.Dst] = divW(r[op.A], r[op.B])
		case OpDivuW:
			r[op.Dst] = divuW(r[op.A], r[op.B])
		case OpRemW:
			r[op.Dst] = remW(r[op.A], r[op.B])
		case OpRemuW:
			r[op.Dst] = remuW(r[op.A], r[op.B])
		case OpRolW:
			r[op.Dst] = sx32(uint64(bits.RotateLeft32(uint32(r[op.A]), int(r[op.B]&31))))
		case OpRorW:
			r[op.Dst] = sx32(uint64(bits.RotateLeft32(uint32(r[op.A]), -int(r[op.B]&31))))
		case OpAddIW:
			r[op.Dst] = sx32(r[op.A] + uint64(op.Imm))
		case OpSllIW:
			r[op.Dst] = sx32(uint64(uint32(r[op.A]) << (uint64(op.Imm) & 31)))
		case OpSrlIW:
			r[op.Dst] = sx32(uint64(uint32(r[op.A]) >> (uint64(op.Imm) & 31)))
		case OpSraIW:
			r[op.Dst] = uint64(int64(int32(r[op.A]) >> (uint64(op.Imm) & 31)))
		case OpRorIW:
			r[op.Dst] = sx32(uint64(bits.RotateLeft32(uint32(r[op.A]), -int(op.Imm&31))))

		case OpClz:
			r[op.Dst] = uint64(bits.LeadingZeros64(r[op.A]))
		case OpCtz:
			r[op.Dst] = uint64(bits.TrailingZeros64(r[op.A]))
		case OpCpop:
			r[op.Dst] = popcount64(r[op.A])
		case OpClzW:
			r[op.Dst] = uint64(bits.LeadingZeros32(uint32(r[op.A])))
		case OpCtzW:
			r[op.Dst] = uint64(bits.TrailingZeros32(uint32(r[op.A])))
		case OpCpopW:
			r[op.Dst] = popcount32(r[op.A])
		case OpRev8:
			r[op.Dst] = bits.ReverseBytes64(r[op.A])
		case OpOrcB:
			r[op.Dst] = orcB(r[op.A])
		case OpSext8:
			r[op.Dst] = uint64(int64(int8(r[op.A])))
		case OpSext16:
			r[op.Dst] = uint64(int64(int16(r[op.A])))
		case OpSext32:
			r[op.Dst] = sx32(r[op.A])
		case OpZext8:
			r[op.Dst] = uint64(uint8(r[op.A]))
		case OpZext16:
			r[op.Dst] = uint64(uint16(r[op.A]))
		case OpZext32:
			r[op.Dst] = uint64(uint32(r[op.A]))

		case OpLoad8:
			c.curOp = op
			r[op.Dst] = uint64(*(*uint8)(c.ptr(r[op.A]+uint64(op.Imm), 1)))
		case OpLoad8S:
			c.curOp = op
			r[op.Dst] = uint64(int64(*(*int8)(c.ptr(r[op.A]+uint64(op.Imm), 1))))
		case OpLoad16:
			c.curOp = op
			r[op.Dst] = uint64(*(*uint16)(c.ptr(r[op.A]+uint64(op.Imm), 2)))
		case OpLoad16S:
			c.curOp = op
			r[op.Dst] = uint64(int64(*(*int16)(c.ptr(r[op.A]+uint64(op.Imm), 2))))
		case OpLoad32:
			c.curOp = op
			r[op.Dst] = uint64(*(*uint32)(c.ptr(r[op.A]+uint64(op.Imm), 4)))
		case OpLoad32S:
			c.curOp = op
			r[op.Dst] = uint64(int64(*(*int32)(c.ptr(r[op.A]+uint64(op.Imm), 4))))
		case OpLoad64:
			c.curOp = op
			r[op.Dst] = *(*uint64)(c.ptr(r[op.A]+uint64(op.Imm), 8))
		case OpStore8:
			c.curOp = op
			*(*uint8)(c.ptr(r[op.A]+uint64(op.Imm), 1)) = uint8(r[op.B])
		case OpStore16:
			c.curOp = op
			*(*uint16)(c.ptr(r[op.A]+uint64(op.Imm), 2)) = uint16(r[op.B])
		case OpStore32:
			c.curOp = op
			*(*uint32)(c.ptr(r[op.A]+uint64(op.Imm), 4)) = uint32(r[op.B])
		case OpStore64:
			c.curOp = op
			*(*uint64)(c.ptr(r[op.A]+uint64(op.Imm), 8)) = r[op.B]

		case OpAmo:
			c.curOp = op
			r[op.Dst] = c.amo(op, r[op.A], r[op.B])
		case OpLR:
			c.curOp = op
			r[op.Dst] = c.loadReserved(op, r[op.A])
		case OpSC:
			c.curOp = op
			r[op.Dst] = c.storeConditional(op, r[op.A], r[op.B])
		case OpCas:
			c.curOp = op
			r[op.Dst] = c.cas(op, r[op.A], r[op.C], r[op.B])

		case OpAddFlags:
			if op.Size == 4 {
				r[op.Dst], r[op.C] = addWithCarry32(r[op.A], r[op.B], 0)
			} else {
				r[op.Dst], r[op.C] = addWithCarry64(r[op.A], r[op.B], 0)
			}
		case OpSubFlags:
			if op.Size == 4 {
				r[op.Dst], r[op.C] = addWithCarry32(r[op.A], ^r[op.B], 1)
			} else {
				r[op.Dst], r[op.C] = addWithCarry64(r[op.A], ^r[op.B], 1)
			}
		case OpAdcFlags:
			r[op.Dst], r[op.C] = addWithCarry(r[op.A], r[op.B], r[op.C]>>29&1, op.Size)
		case OpSbcFlags:
			r[op.Dst], r[op.C] = addWithCarry(r[op.A], ^r[op.B], r[op.C]>>29&1, op.Size)
		case OpAdc:
			r[op.Dst] = widthMask(r[op.A]+r[op.B]+r[op.C]>>29&1, op.Size)
		case OpSbc:
			r[op.Dst] = widthMask(r[op.A]+^r[op.B]+r[op.C]>>29&1, op.Size)
		case OpLogicFlags:
			r[op.C] = logicFlags(r[op.A], op.Size)
		case OpCondSel:
			r[op.Dst] = condSelect(op, r[op.C], r[op.A], r[op.B])
		case OpSetFlags:
			r[op.C] = condCompare(op, r[op.C], r[op.A], r[op.B])
		case OpSDivA64:
			r[op.Dst] = sdivA64(r[op.A], r[op.B], op.Size)
		case OpUDivA64:
			r[op.Dst] = udivA64(r[op.A], r[op.B], op.Size)
		case OpExtr:
			r[op.Dst] = extr(r[op.A], r[op.B], uint(op.Imm), op.Size)
		case OpRbit:
			r[op.Dst] = rbit(r[op.A], op.Size)

		case OpCall:
			c.curOp = op
			if k := op.Fn(c, op); k != ExitNone {
				return int(k)
			}

		case OpJump:
			goto taken
		case OpBeq:
			if r[op.A] == r[op.B] {
				goto taken
			}
		case OpBne:
			if r[op.A] != r[op.B] {
				goto taken
			}
		case OpBlt:
			if int64(r[op.A]) < int64(r[op.B]) {
				goto taken
			}
		case OpBge:
			if int64(r[op.A]) >= int64(r[op.B]) {
				goto taken
			}
		case OpBltu:
			if r[op.A] < r[op.B] {
				goto taken
			}
		case OpBgeu:
			if r[op.A] >= r[op.B] {
				goto taken
			}
		case OpBranchArm:
			if armCondTable[uint64(op.Aux-CondArm)<<4|r[op.A]>>28&15] {
				goto taken
			}
		case OpBranch:
			bv := r[op.B]
			if op.Aux >= CondBitSet {
				bv = uint64(op.B)
			}
			if cond(op.Aux, r[op.A], bv) {
				goto taken
			}
		case OpJumpReg:
			pc := (r[op.A] + uint64(op.Imm)) &^ uint64(op.C)
			nb := c.jumpCache[interpSlot(pc)]
			if nb == nil || nb.PC != pc || !nb.valid.Load() || c.exitReq.Load() != 0 || !c.chain ||
				c.engine.jit != JITOff && c.engine.jitWanted(nb) {
				c.PC = pc
				return nextIndirect
			}
			c.block = nb
			op = &nb.Ops[0]
			continue
		case OpSyscall:
			c.PC = uint64(op.Imm)
			return int(ExitSyscall)
		case OpTrap:
			c.PC = c.block.PC + uint64(op.PCOff)
			c.Exit = ExitInfo{Exception: Exception(op.Aux), Addr: uint64(op.Imm)}
			return int(ExitException)
		case OpFlushAll:
			c.engine.FlushAll()
			c.PC = uint64(op.Imm)
			return nextRefetch
		case OpExit:
			c.PC = uint64(op.Imm)
			return int(op.Aux)
		default:
			c.PC = c.block.PC + uint64(op.PCOff)
			c.Exit = ExitInfo{Exception: ExcIllegal, Addr: c.PC}
			return int(ExitException)
		}
		op = (*Op)(unsafe.Add(unsafe.Pointer(op), unsafe.Sizeof(Op{})))
		continue
	taken: // a direct exit (OpJump or a taken branch): follow its chain
		{
			nb := (*Block)(atomic.LoadPointer(&op.link))
			if nb == nil || c.exitReq.Load() != 0 || c.engine.jit != JITOff && c.engine.jitWanted(nb) {
				c.exitOp = op
				return nextExit
			}
			c.block = nb
			op = &nb.Ops[0]
		}
	}
}

func cond(k uint8, a, b uint64) bool {
	switch k {
	case CondEQ:
		return a == b
	case CondNE:
		return a != b
	case CondLT:
		return int64(a) < int64(b)
	case CondGE:
		return int64(a) >= int64(b)
	case CondLTU:
		return a < b
	case CondGEU:
		return a >= b
	case CondBitSet:
		return a&(1<<(b&63)) != 0
	case CondBitClear:
		return a&(1<<(b&63)) == 0
	}
	if k >= CondArm {
		return ConditionHolds(k-CondArm, a)
	}
	return false
}
