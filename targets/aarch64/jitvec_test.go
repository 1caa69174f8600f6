package aarch64

import (
	"math/rand"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// randomWideningInsn is mostly an AdvSIMD three-different op (ARM ARM C4.1.91):
// mostly the widening forms tier 2 computes inline (xADDL, xSUBL, xMLAL,
// xMLSL, xMULL), some it leaves to the helper (the W and ABD forms), and
// FMOVs between general and vector registers, so cached halves of vector
// registers meet the inline forms, vector ADD and SUB, and BSL, BIT, BIF.
func randomWideningInsn(r *rand.Rand) uint32 {
	switch r.Intn(11) {
	case 10: // bsl, bit, bif vD.8B/16B, vN, vM
		return uint32(r.Intn(2))<<30 | 0x2e201c00 | uint32(1+r.Intn(3))<<22 |
			uint32(r.Intn(4))<<16 | uint32(r.Intn(4))<<5 | uint32(r.Intn(4))
	case 8, 9: // add, sub vD.T, vN.T, vM.T for every arrangement
		return uint32(r.Intn(2))<<30 | uint32(r.Intn(2))<<29 | 0x0e208400 | uint32(r.Intn(4))<<22 |
			uint32(r.Intn(4))<<16 | uint32(r.Intn(4))<<5 | uint32(r.Intn(4))
	case 0:
		return 0x9e670000 | uint32(r.Intn(4))<<5 | uint32(r.Intn(4)) // fmov dN, xM
	case 1:
		return 0x9e660000 | uint32(r.Intn(4))<<5 | uint32(r.Intn(4)) // fmov xN, dM
	case 2:
		return 0x8b000000 | uint32(r.Intn(4))<<16 | uint32(r.Intn(4))<<5 | uint32(r.Intn(4)) // add xD, xN, xM
	}
	opc := []uint32{0x0, 0x2, 0x8, 0xa, 0xc, 0x0, 0x8, 0xc, 0x1, 0x3, 0x5, 0x7}[r.Intn(12)]
	q, u, size := uint32(r.Intn(2)), uint32(r.Intn(2)), uint32(r.Intn(3))
	return q<<30 | u<<29 | 0x0e<<24 | size<<22 | 1<<21 | uint32(r.Intn(4))<<16 | opc<<12 |
		uint32(r.Intn(4))<<5 | uint32(r.Intn(4))
}

// The inline SSE forms of the widening ops agree with their helpers.
func TestJITWideningAgrees(t *testing.T) {
	seeds := 2000
	if testing.Short() {
		seeds = 200
	}
	compareTiers(t, seeds, func(r *rand.Rand) ([]uint32, func(*translate.CPU)) {
		var code []uint32
		for n := 2 + r.Intn(10); n > 0; n-- {
			code = append(code, randomWideningInsn(r))
		}
		init := randomVectors(r, true)
		return code, init
	})
}

// randomVectors sets x0-x3 and v0-v3 to random values (with edge values
// when edges is set).
func randomVectors(r *rand.Rand, edges bool) func(c *translate.CPU) {
	var init [12]uint64
	for i := range init {
		init[i] = r.Uint64()
		if edges && r.Intn(4) == 0 {
			init[i] = []uint64{0, ^uint64(0), 0x8000800080008000, 0x7fff7fff7fff7fff, 0x80000000_7fffffff}[r.Intn(5)]
		}
	}
	return func(c *translate.CPU) {
		for i := 0; i < 4; i++ {
			c.R[i] = init[i]
			c.R[vlo(uint32(i))], c.R[vlo(uint32(i))+1] = init[4+2*i], init[5+2*i]
		}
	}
}

// randomSHA256Insn is one of the SHA-256 instructions tier 2 computes
// with the host's SHA extensions, on v0-v3, or a vector ADD or ORR.
func randomSHA256Insn(r *rand.Rand) uint32 {
	rd, rn, rm := uint32(r.Intn(4)), uint32(r.Intn(4)), uint32(r.Intn(4))
	switch r.Intn(6) {
	case 0:
		return 0x5e004000 | rm<<16 | rn<<5 | rd // sha256h qd, qn, vm.4s
	case 1:
		return 0x5e005000 | rm<<16 | rn<<5 | rd // sha256h2
	case 2:
		return 0x5e006000 | rm<<16 | rn<<5 | rd // sha256su1 vd.4s, vn.4s, vm.4s
	case 3:
		return 0x5e282800 | rn<<5 | rd // sha256su0 vd.4s, vn.4s
	case 4:
		return 0x4ea08400 | rm<<16 | rn<<5 | rd // add vd.4s, vn.4s, vm.4s
	}
	return 0x9e670000 | rn<<5 | rd // fmov dD, xN
}

// The SHA-256 instructions computed with the host's SHA extensions agree
// with their helpers.
func TestJITSHA256Agrees(t *testing.T) {
	compareTiers(t, 2000, func(r *rand.Rand) ([]uint32, func(*translate.CPU)) {
		var code []uint32
		for n := 1 + r.Intn(8); n > 0; n-- {
			code = append(code, randomSHA256Insn(r))
		}
		return code, randomVectors(r, false)
	})
}

// TestJITByteAndAESAgree runs random sequences of the vector forms tier 2
// computes with SSE (CNT, UADDLV of bytes, CMEQ and ADDP of every
// arrangement, AESE, AESD, AESMC, AESIMC and the fused AESE+AESMC and
// AESD+AESIMC pairs) on V1-V6
// from random values, in the interpreter (the helpers) and compiled.
func TestJITByteAndAESAgree(t *testing.T) {
	compareTiers(t, 400, func(r *rand.Rand) ([]uint32, func(*translate.CPU)) {
		var code []uint32
		reg := func() uint32 { return uint32(1 + r.Intn(6)) }
		for n := 2 + r.Intn(10); n > 0; n-- {
			d, n := reg(), reg()
			q := uint32(r.Intn(2)) << 30
			m, size := reg(), uint32(r.Intn(4))<<22
			if size == 3<<22 {
				q = 1 << 30 // .2D only
			}
			switch r.Intn(7) {
			case 5:
				code = append(code, 0x2e208c00|q|size|m<<16|n<<5|d) // CMEQ (register)
			case 6:
				code = append(code, 0x0e20bc00|q|size|m<<16|n<<5|d) // ADDP (vector)
			case 0:
				code = append(code, 0x0e205800|q|n<<5|d) // CNT
			case 1:
				code = append(code, 0x2e303800|q|n<<5|d) // UADDLV
			case 2:
				aes := []uint32{0x4e284800, 0x4e285800, 0x4e286800, 0x4e287800}[r.Intn(4)] // AESE AESD AESMC AESIMC
				code = append(code, aes|n<<5|d)
			case 3: // AESE+AESMC on the same register: fused
				code = append(code, 0x4e284800|n<<5|d, 0x4e286800|d<<5|d)
			default: // AESD+AESIMC
				code = append(code, 0x4e285800|n<<5|d, 0x4e287800|d<<5|d)
			}
		}
		var init [14]uint64
		for i := range init {
			init[i] = r.Uint64()
		}
		return code, func(c *translate.CPU) {
			for i, v := range init {
				c.R[RegV0+2+i] = v
			}
		}
	})
}
