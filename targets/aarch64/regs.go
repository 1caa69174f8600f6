// Package aarch64 is the A64 (AArch64 EL0) guest CPU for user mode: a
// table-driven decoder, lowering to the translate micro-op IR, helpers for
// floating point and AdvSIMD, and the conventions the loader and the Linux
// personality need (ARM ARM = Arm Architecture Reference Manual for A-profile,
// DDI 0487).
//
// Decisions:
//   - Integer, branch and scalar/vector load-store instructions are generic
//     ops; FP, most AdvSIMD and the rare system instructions are helpers.
//   - A compare followed by B.cond also branches on the compared registers
//     (the flags are still computed); ADRP+ADD on one register is one
//     constant.
//   - Exclusives: value-compare (4/8 bytes: the core's OpLR/OpSC; 1/2 bytes:
//     CAS on the containing word; 16-byte pairs: an address-striped lock).
//   - STLR is a sequentially consistent host store and DMB ISH/SY a host
//     fence, so LDAR/STLR are RCsc on the x86 host.
//   - IC IVAU drops the translations of one 64-byte line; ISB ends a block.
//   - CPU models ("max", "v8.0", "cortex-a53") gate optional instructions;
//     HWCAP and the ID registers Linux's MRS emulation shows follow them.
//   - The crypto extensions (AES, PMULL, SHA1, SHA256, SHA512, SHA3) are in
//     max, and AES, PMULL, SHA1, SHA256 in cortex-a53 (as QEMU's models).
//     They are helpers reading the vector registers in place (SHA3's
//     bitwise EOR3/BCAX/RAX1/XAR are generic ops), tested by guest
//     programs that hash and encrypt against Go's crypto packages.
package aarch64

import "github.com/gemu-project/gemu/translate"

// Layout of the architectural state in translate.CPU.R.
const (
	RegX0    = 0  // X0..X30 live in R[0..30]
	RegLR    = 30 // X30, the link register
	RegSP    = 31 // the stack pointer (register 31 in SP contexts)
	RegNZCV  = 32 // PSTATE.NZCV packed as in the NZCV register (N bit 31 .. V bit 28)
	RegFPCR  = 33 // FPCR (AHP, DN, FZ, RMode, FZ16)
	RegFPSR  = 34 // FPSR cumulative flags (IOC..IXC, IDC, QC)
	RegTPIDR = 35 // TPIDR_EL0
	RegResHi = 36 // exclusive monitor: the high half of a 16-byte LDXP
	RegFence = 37 // scratch word for host memory barriers
	RegTmp0  = 40 // block-local temporaries RegTmp0..RegTmp0+7
	RegV0    = 64 // V0..V31: V[n] bits 63:0 in R[RegV0+2n], bits 127:64 in R[RegV0+2n+1]
	NumRegs  = RegV0 + 64

	// regScratch..+7 hold a helper's lane context (simd.go), so vector
	// helpers need no heap allocation; not architectural state.
	regScratch = 200
)

const (
	tmp0 = RegTmp0 + iota
	tmp1
	tmp2
	tmp3
)

// Register 31 reads as XZR or SP depending on the instruction (ARM ARM
// C1.2.5 "Register names"). These map an encoded register number to a slot.

// xr is a source register where 31 is XZR.
func xr(n uint32) uint8 {
	if n&31 == 31 {
		return translate.RegZero
	}
	return uint8(n & 31)
}

// xw is a destination register where 31 is XZR (writes discarded).
func xw(n uint32) uint8 {
	if n&31 == 31 {
		return translate.RegSink
	}
	return uint8(n & 31)
}

// xsp is a source or destination where 31 is SP.
func xsp(n uint32) uint8 { return uint8(n & 31) }

// vlo and vhi are the two halves of vector register n.
func vlo(n uint32) uint8 { return uint8(RegV0 + 2*(n&31)) }
func vhi(n uint32) uint8 { return uint8(RegV0 + 2*(n&31) + 1) }

// FPCR and FPSR fields (ARM ARM D17.2.47 FPCR, D17.2.50 FPSR); FPCRMask
// and FPSRMask are the bits this CPU keeps (what MSR writes).
const (
	fpcrFZ16  = 1 << 19
	fpcrRMode = 3 << 22
	fpcrFZ    = 1 << 24
	fpcrDN    = 1 << 25
	fpcrAHP   = 1 << 26
	FPCRMask  = fpcrRMode | fpcrFZ | fpcrDN | fpcrAHP

	fpsrIOC  = 1 << 0
	fpsrDZC  = 1 << 1
	fpsrOFC  = 1 << 2
	fpsrUFC  = 1 << 3
	fpsrIXC  = 1 << 4
	fpsrIDC  = 1 << 7
	fpsrQC   = 1 << 27
	FPSRMask = fpsrIOC | fpsrDZC | fpsrOFC | fpsrUFC | fpsrIXC | fpsrIDC | fpsrQC
)
