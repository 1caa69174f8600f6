package translate

import "math/bits"

// NZCV bit positions in the packed flags register (ARM ARM PSTATE.NZCV).
const (
	FlagN = 1 << 31
	FlagZ = 1 << 30
	FlagC = 1 << 29
	FlagV = 1 << 28
)

func widthMask(v uint64, size uint8) uint64 {
	if size == 4 {
		return uint64(uint32(v))
	}
	return v
}

// addWithCarry is the ARM ARM AddWithCarry pseudocode for 32 or 64 bits:
// it returns the (zero-extended) result and the packed NZCV.
func addWithCarry(x, y, carry uint64, size uint8) (uint64, uint64) {
	if size == 4 {
		return addWithCarry32(x, y, carry)
	}
	return addWithCarry64(x, y, carry)
}

// The two widths are separate small functions so the interpreter can
// inline them.
func addWithCarry64(x, y, carry uint64) (uint64, uint64) {
	s, c := bits.Add64(x, y, carry)
	f := s>>63<<31 | c<<29 | ((x^s)&(y^s))>>63<<28
	if s == 0 {
		f |= FlagZ
	}
	return s, f
}

func addWithCarry32(x, y, carry uint64) (uint64, uint64) {
	s, c := bits.Add32(uint32(x), uint32(y), uint32(carry))
	f := uint64(s>>31)<<31 | uint64(c)<<29 | uint64(((uint32(x)^s)&(uint32(y)^s))>>31)<<28
	if s == 0 {
		f |= FlagZ
	}
	return uint64(s), f
}

func logicFlags(v uint64, size uint8) uint64 {
	v = widthMask(v, size)
	var f uint64
	if size == 4 {
		f = v >> 31 << 31
	} else {
		f = v >> 63 << 31
	}
	if v == 0 {
		f |= FlagZ
	}
	return f
}

// ConditionHolds evaluates an Arm condition code on packed NZCV.
func ConditionHolds(cc uint8, f uint64) bool {
	return armCondTable[uint64(cc&15)<<4|f>>28&15]
}

// armCondTable[cc<<4 | NZCV] is ConditionHolds precomputed (ARM ARM
// ConditionHolds), so a conditional branch costs one load.
var armCondTable = func() (t [256]bool) {
	for cc := 0; cc < 16; cc++ {
		for nzcv := 0; nzcv < 16; nzcv++ {
			t[cc<<4|nzcv] = conditionHoldsSlow(uint8(cc), uint64(nzcv)<<28)
		}
	}
	return t
}()

func conditionHoldsSlow(cc uint8, f uint64) bool {
	n, z, c, v := f&FlagN != 0, f&FlagZ != 0, f&FlagC != 0, f&FlagV != 0
	var r bool
	switch cc >> 1 {
	case 0:
		r = z
	case 1:
		r = c
	case 2:
		r = n
	case 3:
		r = v
	case 4:
		r = c && !z
	case 5:
		r = n == v
	case 6:
		r = n == v && !z
	case 7:
		return true // AL and NV both always hold
	}
	if cc&1 != 0 {
		return !r
	}
	return r
}

//go:noinline
func condSelect(op *Op, flags, a, b uint64) uint64 {
	if ConditionHolds(op.Aux, flags) {
		return widthMask(a, op.Size)
	}
	switch op.Imm {
	case 1:
		b++
	case 2:
		b = ^b
	case 3:
		b = -b
	}
	return widthMask(b, op.Size)
}

// condCompare implements CCMP/CCMN: Size&0xf is the width, Size&0x10 selects CCMN.
//
//go:noinline
func condCompare(op *Op, flags, a, b uint64) uint64 {
	if !ConditionHolds(op.Aux, flags) {
		return uint64(op.Imm)
	}
	size := op.Size & 0xf
	if op.Size&0x10 != 0 {
		_, f := addWithCarry(a, b, 0, size)
		return f
	}
	_, f := addWithCarry(a, ^b, 1, size)
	return f
}

// Arm division: ARM ARM C6.2 SDIV/UDIV: division by zero gives zero.
//
//go:noinline
func sdivA64(a, b uint64, size uint8) uint64 {
	if size == 4 {
		x, y := int32(a), int32(b)
		if y == 0 {
			return 0
		}
		if x == -1<<31 && y == -1 {
			return uint64(uint32(x))
		}
		return uint64(uint32(x / y))
	}
	x, y := int64(a), int64(b)
	if y == 0 {
		return 0
	}
	if x == -1<<63 && y == -1 {
		return uint64(x)
	}
	return uint64(x / y)
}

//go:noinline
func udivA64(a, b uint64, size uint8) uint64 {
	if size == 4 {
		if uint32(b) == 0 {
			return 0
		}
		return uint64(uint32(a) / uint32(b))
	}
	if b == 0 {
		return 0
	}
	return a / b
}

//go:noinline
func extr(hi, lo uint64, lsb uint, size uint8) uint64 {
	if size == 4 {
		v := uint64(uint32(hi))<<32 | uint64(uint32(lo))
		return uint64(uint32(v >> lsb))
	}
	if lsb == 0 {
		return lo
	}
	return lo>>lsb | hi<<(64-lsb)
}

//go:noinline
func rbit(v uint64, size uint8) uint64 {
	if size == 4 {
		return uint64(bits.Reverse32(uint32(v)))
	}
	return bits.Reverse64(v)
}
