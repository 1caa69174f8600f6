package aarch64

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/translate"
)

// System instructions (ARM ARM C4.1.87 "System" and C5.3 "A64 system
// instructions"), as Linux runs them at EL0.
var sysRows = []row{
	{mask: 0xfffff01f, match: 0xd503201f, names: "HINT NOP YIELD WFE WFI SEV SEVL", lower: lowerNop},
	{mask: 0xfffff0ff, match: 0xd503305f, names: "CLREX", lower: lowerCLREX},
	{mask: 0xfffff0ff, match: 0xd503309f, names: "DSB", lower: lowerBarrier},
	{mask: 0xfffff0ff, match: 0xd50330bf, names: "DMB", lower: lowerBarrier},
	{mask: 0xfffff0ff, match: 0xd50330df, names: "ISB", lower: lowerISB},
	{mask: 0xffffffff, match: 0xd500401f, names: "CFINV", lower: lowerCFINV, feat: featFlagM},
	{mask: 0xfff8f01f, match: 0xd500401f, names: "MSR", lower: sigill},
	{mask: 0xfff80000, match: 0xd5080000, names: "SYS IC DC AT TLBI", lower: lowerSYS},
	{mask: 0xfff80000, match: 0xd5280000, names: "SYSL", lower: sigill},
	{mask: 0xfff00000, match: 0xd5300000, names: "MRS", lower: lowerMRS},
	{mask: 0xfff00000, match: 0xd5100000, names: "MSR", lower: lowerMSR},
}

func lowerNop(b *translate.Builder, d *inst) bool { return true }

// ARM ARM C6.2.82 DMB, C6.2.84 DSB. The host is x86 (TSO): only barriers
// that order stores before later loads (CRm<1:0> = 11, "full") need a host
// fence; load-only and store-only barriers are implied.
func lowerBarrier(b *translate.Builder, d *inst) bool {
	if d.x>>8&3 == 3 {
		call(b, fenceHelper, op{})
	}
	return true
}

// ARM ARM C6.2.134 ISB: a context synchronization event. The block ends,
// so code patched and invalidated (IC IVAU) before it is translated anew.
func lowerISB(b *translate.Builder, d *inst) bool {
	b.EndJump(uint64(d.next()))
	return true
}

// ARM ARM C6.2.61 CLREX: clear the local exclusive monitor.
func lowerCLREX(b *translate.Builder, d *inst) bool {
	call(b, clrexHelper, op{})
	return true
}

func clrexHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	c.ClearReservation()
	return translate.ExitNone
}

// ARM ARM C6.2.54 CFINV (FEAT_FlagM): invert the carry flag.
func lowerCFINV(b *translate.Builder, d *inst) bool {
	emit(b, translate.OpXorI, RegNZCV, RegNZCV, 0, translate.FlagC)
	return true
}

// sysKey packs op0<0>:op1:CRn:CRm:op2 (x[19:5]); op0 is 2 or 3 for
// MRS/MSR and 1 for SYS.
func sysKey(op0, op1, crn, crm, op2 uint32) uint32 {
	return (op0&1)<<14 | op1<<11 | crn<<7 | crm<<3 | op2
}

// System registers reachable at EL0 (ARM ARM D17, Linux arch/arm64).
var (
	sysNZCV        = sysKey(3, 3, 4, 2, 0)
	sysFPCR        = sysKey(3, 3, 4, 4, 0)
	sysFPSR        = sysKey(3, 3, 4, 4, 1)
	sysTPIDR       = sysKey(3, 3, 13, 0, 2)
	sysTPIDRRO     = sysKey(3, 3, 13, 0, 3)
	sysCTR         = sysKey(3, 3, 0, 0, 1)
	sysDCZID       = sysKey(3, 3, 0, 0, 7)
	sysCNTFRQ      = sysKey(3, 3, 14, 0, 0)
	sysCNTPCT      = sysKey(3, 3, 14, 0, 1)
	sysCNTVCT      = sysKey(3, 3, 14, 0, 2)
	sysMIDR        = sysKey(3, 0, 0, 0, 0)
	sysMPIDR       = sysKey(3, 0, 0, 0, 5)
	sysREVIDR      = sysKey(3, 0, 0, 0, 6)
	sysIDAA64PFR0  = sysKey(3, 0, 0, 4, 0)
	sysIDAA64ISAR0 = sysKey(3, 0, 0, 6, 0)
	sysIDAA64ISAR1 = sysKey(3, 0, 0, 6, 1)
)

const (
	// ctrEL0: IminLine = DminLine = 64 bytes, L1Ip PIPT, ERG = CWG = 64
	// bytes, IDC = DIC = 0 so guests clean and invalidate (IC IVAU) after
	// writing code (ARM ARM D17.2.34 CTR_EL0).
	ctrEL0 = 0x8444c004
	// dczidEL0: DC ZVA allowed, block size 4 words << 4 = 64 bytes.
	dczidEL0  = 4
	zvaBlock  = 64
	cntFreqHz = 1_000_000_000 // CNTVCT counts host monotonic nanoseconds
)

func sysRegKey(x uint32) uint32 { return x >> 5 & 0x7fff }

// isIDSpace is Linux's is_emulated(): op0=3, op1=0, CRn=0, CRm 0 or 2..7.
func isIDSpace(k uint32) bool {
	return k>>11 == 1<<3 && k>>7&15 == 0 && (k>>3&15 == 0 || (k>>3&15 >= 2 && k>>3&15 <= 7))
}

// ARM ARM C6.2.194 MRS.
func lowerMRS(b *translate.Builder, d *inst) bool {
	k, rt := sysRegKey(d.x), xw(d.rd())
	switch k {
	case sysNZCV:
		mov(b, rt, RegNZCV)
	case sysFPCR:
		mov(b, rt, RegFPCR)
	case sysFPSR:
		mov(b, rt, RegFPSR)
	case sysTPIDR:
		mov(b, rt, RegTPIDR)
	case sysTPIDRRO:
		movI(b, rt, 0) // Linux zeroes it for native tasks
	case sysCTR:
		movI(b, rt, ctrEL0)
	case sysDCZID:
		movI(b, rt, dczidEL0)
	case sysCNTFRQ:
		movI(b, rt, cntFreqHz)
	case sysCNTVCT, sysCNTPCT:
		call(b, counterHelper, op{Dst: rt})
	default:
		// Linux emulates MRS of the ID space when HWCAP_CPUID is set; the
		// CRm=0 block only holds MIDR, MPIDR and REVIDR.
		if !isIDSpace(k) || (k>>3&15 == 0 && k != sysMIDR && k != sysMPIDR && k != sysREVIDR) {
			return sigill(b, d)
		}
		movI(b, rt, int64(d.model().idReg(k)))
	}
	return true
}

// counterHelper reads the host's CLOCK_MONOTONIC in nanoseconds: like the
// architected counter it is shared by every process and never goes back.
func counterHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	c.R[o.Dst] = c.Nondet(uint64(ts.Nano()))
	return translate.ExitNone
}

// ARM ARM C6.2.196 MSR (register).
func lowerMSR(b *translate.Builder, d *inst) bool {
	rt := xr(d.rd())
	switch sysRegKey(d.x) {
	case sysNZCV:
		emit(b, translate.OpAndI, RegNZCV, rt, 0, 0xf0000000)
	case sysFPCR:
		emit(b, translate.OpAndI, RegFPCR, rt, 0, FPCRMask)
	case sysFPSR:
		emit(b, translate.OpAndI, RegFPSR, rt, 0, FPSRMask)
	case sysTPIDR:
		mov(b, RegTPIDR, rt)
	default:
		return sigill(b, d)
	}
	return true
}

// ARM ARM C6.2.372 SYS: the cache maintenance EL0 may use (SCTLR_EL1.UCI
// and DZE are set by Linux). Data cache cleans are no-ops here.
func lowerSYS(b *translate.Builder, d *inst) bool {
	k := sysRegKey(d.x)
	switch k {
	case sysKey(1, 3, 7, 4, 1): // DC ZVA: eight zero stores to the aligned block
		emit(b, translate.OpAndI, tmp0, xr(d.rd()), 0, -zvaBlock)
		for off := int64(0); off < zvaBlock; off += 8 {
			b.Emit(op{Code: translate.OpStore64, A: tmp0, B: translate.RegZero, Imm: off})
		}
	case sysKey(1, 3, 7, 5, 1): // IC IVAU: drop translations of the line
		call(b, icIVAUHelper, op{A: xr(d.rd())})
	case sysKey(1, 3, 7, 10, 1), sysKey(1, 3, 7, 11, 1), sysKey(1, 3, 7, 12, 1),
		sysKey(1, 3, 7, 13, 1), sysKey(1, 3, 7, 14, 1): // DC CVAC, CVAU, CVAP, CVADP, CIVAC
	default:
		return sigill(b, d)
	}
	return true
}

// icIVAUHelper invalidates the translations of the instruction cache line
// (IminLine, 64 bytes) holding the address. The current block goes on:
// the architecture needs an ISB (or an exception return) before the PE
// must see new instructions, and the next block lookup happens by then.
func icIVAUHelper(c *translate.CPU, o *translate.Op) translate.ExitKind {
	a := c.R[o.A] &^ (zvaBlock - 1)
	c.Engine().Invalidate(a, a+zvaBlock)
	return translate.ExitNone
}

// hostPtr returns where a helper accesses guest range [a, a+n) (writing
// when write is set), or an ExcUnmapped exit when the range leaves the address
// space (translate.CPU.HostRange).
func hostPtr(c *translate.CPU, o *translate.Op, a, n uint64, write bool) (unsafe.Pointer, translate.ExitKind) {
	return c.HostRange(o, a, n, write)
}
