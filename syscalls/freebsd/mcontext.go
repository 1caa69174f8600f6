package freebsd

// ucontext_t (FreeBSD sys/sys/_ucontext.h): uc_sigmask, uc_mcontext,
// uc_link, uc_stack, uc_flags, __spare__[4]. The machine context differs
// per architecture, so the offsets after it do too; the ucontext is
// aligned like its mcontext (16 on arm64 for the __uint128_t registers,
// 8 on riscv64).

// UcontextLayout gives the per-architecture offsets of ucontext_t and the
// mcontext_t inside it (all relative to the ucontext).
type UcontextLayout struct {
	Arch     string
	Size     int // sizeof(ucontext_t)
	Mcontext int // uc_mcontext
	Link     int // uc_link
	Stack    int // uc_stack (stack_t)
	Flags    int // uc_flags

	GPRegs  int // mc_gpregs
	FPRegs  int // mc_fpregs
	MCFlags int // mc_flags (_MC_FP_VALID 1)
}

// ucontextSigmask is uc_sigmask's offset on every architecture.
const ucontextSigmask = 0

// MC_FP_VALID marks valid FP registers in mc_flags (FreeBSD
// sys/{arm64,riscv}/include/ucontext.h).
const MC_FP_VALID = 0x1

// Arm64Ucontext is aarch64's (FreeBSD sys/arm64/include/ucontext.h).
// struct gpregs: gp_x[30] 0, gp_lr 240, gp_sp 248, gp_elr 256, gp_spsr
// 264 (a 64-bit field in current headers, a 32-bit one plus padding in
// 14.0; the same bytes on a little-endian machine); 272 bytes.
// struct fpregs: fp_q[32] (128-bit) 0, fp_sr 512, fp_cr 516, fp_flags
// 520, fp_pad 524; 528 bytes. __mcontext: gpregs 0, fpregs 272, mc_flags
// 800, mc_pad 804, then 64 bytes (mc_ptr, mc_esr, mc_spare[6] today,
// mc_spare[8] before) to 872, padded to 880 by the 16-byte alignment.
var Arm64Ucontext = UcontextLayout{
	Arch: "aarch64", Size: 960, Mcontext: 16, Link: 896, Stack: 904, Flags: 928,
	GPRegs: 16, FPRegs: 16 + 272, MCFlags: 16 + 800,
}

// aarch64 register offsets inside struct gpregs and struct fpregs.
const (
	Arm64GPX    = 0   // x0..x29, 8 bytes each
	Arm64GPLR   = 240 // x30
	Arm64GPSP   = 248
	Arm64GPELR  = 256 // the PC
	Arm64GPSPSR = 264 // NZCV in bits 28-31
	Arm64FPQ    = 0   // v0..v31, 16 bytes each
	Arm64FPSR   = 512
	Arm64FPCR   = 516
)

// Riscv64Ucontext is riscv64's (FreeBSD sys/riscv/include/ucontext.h).
// struct gpregs: gp_ra 0, gp_sp 8, gp_gp 16, gp_tp 24, gp_t[7] 32,
// gp_s[12] 88, gp_a[8] 184, gp_sepc 248, gp_sstatus 256; 264 bytes.
// struct fpregs: fp_x[32][2] 0, fp_fcsr 512, fp_flags 520, pad 524; 528
// bytes. __mcontext: gpregs 0, fpregs 264, mc_flags 792, mc_pad 796,
// mc_spare[8] 800; 864 bytes.
var Riscv64Ucontext = UcontextLayout{
	Arch: "riscv64", Size: 936, Mcontext: 16, Link: 880, Stack: 888, Flags: 912,
	GPRegs: 16, FPRegs: 16 + 264, MCFlags: 16 + 792,
}

// riscv64 register offsets inside struct gpregs and struct fpregs.
const (
	Riscv64GPRA      = 0
	Riscv64GPSP      = 8
	Riscv64GPGP      = 16
	Riscv64GPTP      = 24
	Riscv64GPT       = 32  // t0..t6
	Riscv64GPS       = 88  // s0..s11
	Riscv64GPA       = 184 // a0..a7
	Riscv64GPSepc    = 248 // the PC
	Riscv64GPSstatus = 256
	Riscv64FPX       = 0 // f0..f31, 16 bytes each (low 8 used by D)
	Riscv64FPFcsr    = 512
)

// Riscv64GPROffset returns the offset in struct gpregs of integer
// register x1..x31 (x0 has no slot), following the ABI names.
func Riscv64GPROffset(x int) int {
	switch {
	case x == 1:
		return Riscv64GPRA
	case x == 2:
		return Riscv64GPSP
	case x == 3:
		return Riscv64GPGP
	case x == 4:
		return Riscv64GPTP
	case x >= 5 && x <= 7:
		return Riscv64GPT + 8*(x-5) // t0-t2
	case x == 8 || x == 9:
		return Riscv64GPS + 8*(x-8) // s0-s1
	case x >= 10 && x <= 17:
		return Riscv64GPA + 8*(x-10) // a0-a7
	case x >= 18 && x <= 27:
		return Riscv64GPS + 8*(x-16) // s2-s11
	case x >= 28 && x <= 31:
		return Riscv64GPT + 8*(x-25) // t3-t6
	}
	return -1
}

// UcontextFor returns the layout of a guest architecture by target name.
func UcontextFor(arch string) (UcontextLayout, bool) {
	switch arch {
	case "aarch64":
		return Arm64Ucontext, true
	case "riscv64":
		return Riscv64Ucontext, true
	}
	return UcontextLayout{}, false
}
