package loader

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"runtime"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// FreeBSD's auxiliary-vector tags (sys/sys/elf_common.h, FreeBSD 14; the
// ones Linux numbers alike are AT_NULL, AT_PHDR..AT_ENTRY and AT_HWCAP2).
// AT_TIMEKEEP (22), AT_FXRNG (33) and AT_KPRELOAD (34) point into the
// kernel's shared page and vdso, which gemu does not give a FreeBSD guest:
// without them libc and Go's runtime make the system calls instead.
const (
	BSD_AT_EXECPATH     = 15
	BSD_AT_CANARY       = 16
	BSD_AT_CANARYLEN    = 17
	BSD_AT_OSRELDATE    = 18
	BSD_AT_NCPUS        = 19
	BSD_AT_PAGESIZES    = 20
	BSD_AT_PAGESIZESLEN = 21
	BSD_AT_TIMEKEEP     = 22
	BSD_AT_STACKPROT    = 23
	BSD_AT_EHDRFLAGS    = 24
	BSD_AT_HWCAP        = 25
	BSD_AT_HWCAP2       = 26
	BSD_AT_BSDFLAGS     = 27
	BSD_AT_ARGC         = 28
	BSD_AT_ARGV         = 29
	BSD_AT_ENVC         = 30
	BSD_AT_ENVV         = 31
	BSD_AT_PS_STRINGS   = 32
	BSD_AT_USRSTACKBASE = 35
	BSD_AT_USRSTACKLIM  = 36
	// bsdATCount is AT_COUNT: the kernel reserves room for this many
	// pairs and copies them all out, zeros after AT_NULL.
	bsdATCount = 37
)

// FreeBSDOSRelDate is AT_OSRELDATE: __FreeBSD_version of 14.0-RELEASE
// (sys/sys/param.h at release/14.0.0; the Porter's Handbook's table).
const FreeBSDOSRelDate = 1400097

// Sizes FreeBSD's exec_copyout_strings (sys/kern/kern_exec.c) uses: the
// canary is sizeof(long) * 8 bytes, struct ps_strings (sys/sys/exec.h) is
// two pointers and two unsigned ints, each int padded to 8 on LP64.
const (
	bsdCanaryLen    = 64
	bsdPSStringsLen = 32
)

// vm_prot_t bits (sys/vm/vm.h) for AT_STACKPROT.
const (
	vmProtRead  = 1
	vmProtWrite = 2
	vmProtExec  = 4
)

// FreeBSDOptions tune what only a FreeBSD load builds.
type FreeBSDOptions struct {
	// OSRelDate is AT_OSRELDATE (default FreeBSDOSRelDate).
	OSRelDate uint32
	// NCPUs is AT_NCPUS (default runtime.NumCPU()).
	NCPUs int
	// BSDFlags is AT_BSDFLAGS. FreeBSD sets ELF_BSDF_SIGFASTBLK (1) by
	// default; leave it 0 unless the personality implements sigfastblock(2),
	// which libthr then relies on to defer signals.
	BSDFlags uint64
}

// bsdPageSizes is the pagesizes[MAXPAGESIZES] array AT_PAGESIZES points
// at, as longs. arm64 with 4 KiB pages: 4 KiB, 2 MiB (L2) and 1 GiB (L1)
// blocks (sys/arm64/arm64/pmap.c pmap_init); riscv64 (MAXPAGESIZES 3 in
// sys/riscv/include/param.h): 4 KiB and 2 MiB superpages (riscv pmap_init).
func bsdPageSizes(m elf.Machine) []uint64 {
	if m == elf.EM_AARCH64 {
		return []uint64{4096, 2 << 20, 1 << 30}
	}
	return []uint64{4096, 2 << 20, 0}
}

// bsdVectors is where the argument block's parts went.
type bsdVectors struct {
	execpath, canary, pagesizes, argv, envv, psStrings uint64
	argc, envc                                         int
}

// buildFreeBSDStack lays the stack out as FreeBSD 14's exec_copyout_strings
// and freebsd_fixup do, from the top: struct ps_strings, the executable's
// path, the 64 canary bytes, the page sizes, the argv and envp strings,
// room for AT_COUNT auxv pairs, then envp[] and argv[] with their NULLs,
// and argc below them. SP points at argc, and the entry registers hold it
// twice (exec_setregs: x0/a0 = stack, sp = STACKALIGN(stack)); gemu aligns
// argc to 16 bytes so the two agree.
func (img *Image) buildFreeBSDStack(as *translate.AddressSpace, arch targets.Arch, p *program,
	argv, envp []string, opts Options) error {
	w, err := img.mapStack(as, arch, opts)
	if err != nil {
		return err
	}
	var v bsdVectors
	v.psStrings = w.push(make([]byte, bsdPSStringsLen))
	v.execpath = w.pushString(img.Path)
	v.canary = w.push(randomBytes(opts.Seed, bsdCanaryLen))
	w.pos &^= 7
	v.pagesizes = w.push(uint64Bytes(bsdPageSizes(arch.Machine())))
	argAddrs, envAddrs := img.pushStrings(w, argv, envp)
	if img.phdrCopy != nil {
		w.pos &^= 7
		img.Phdr = w.push(img.phdrCopy)
	}
	w.pos &^= 7
	v.argc, v.envc = len(argAddrs), len(envAddrs)
	vecWords := 1 + v.argc + 1 + v.envc + 1
	need := uint64(vecWords*8 + bsdATCount*16)
	if w.err != nil || need > w.pos-w.low {
		return fmt.Errorf("argument list too long for the %d KiB stack", opts.StackSize>>10)
	}
	sp := (w.pos - need) &^ 15
	v.argv = sp + 8
	v.envv = v.argv + uint64(v.argc+1)*8
	aux := img.freebsdAuxv(arch, p, opts, v)
	buf := binary.LittleEndian.AppendUint64(nil, uint64(v.argc))
	buf = appendVector(buf, argAddrs)
	buf = appendVector(buf, envAddrs)
	buf = appendAuxv(buf, aux)
	if err := as.Write(sp, buf); err != nil {
		return err
	}
	if err := as.Write(v.psStrings, psStrings(v)); err != nil {
		return err
	}
	img.SP, img.Auxv, img.SPInArg0, img.PSStrings = sp, aux, true, v.psStrings
	return nil
}

// appendVector appends the addresses and a NULL.
func appendVector(b []byte, addrs []uint64) []byte {
	for _, a := range addrs {
		b = binary.LittleEndian.AppendUint64(b, a)
	}
	return binary.LittleEndian.AppendUint64(b, 0)
}

func uint64Bytes(vals []uint64) []byte {
	var b []byte
	for _, x := range vals {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b
}

// psStrings encodes struct ps_strings: ps_argvstr, ps_nargvstr, ps_envstr,
// ps_nenvstr (what ps(1) and kern.proc.args read).
func psStrings(v bsdVectors) []byte {
	b := make([]byte, bsdPSStringsLen)
	binary.LittleEndian.PutUint64(b[0:], v.argv)
	binary.LittleEndian.PutUint32(b[8:], uint32(v.argc))
	binary.LittleEndian.PutUint64(b[16:], v.envv)
	binary.LittleEndian.PutUint32(b[24:], uint32(v.envc))
	return b
}

// freebsdAuxv is the vector in the order of FreeBSD 14's
// __elfN(freebsd_copyout_auxargs) (sys/kern/imgact_elf.c), without the
// shared-page entries (AT_TIMEKEEP, AT_FXRNG, AT_KPRELOAD).
func (img *Image) freebsdAuxv(arch targets.Arch, p *program, opts Options, v bsdVectors) []AuxEntry {
	fo := opts.FreeBSD
	if fo.OSRelDate == 0 {
		fo.OSRelDate = FreeBSDOSRelDate
	}
	if fo.NCPUs <= 0 {
		fo.NCPUs = runtime.NumCPU()
	}
	pagesizes := bsdPageSizes(arch.Machine())
	aux := []AuxEntry{
		{AT_PHDR, img.Phdr}, {AT_PHENT, img.Phent}, {AT_PHNUM, img.Phnum},
		{AT_PAGESZ, translate.PageSize}, {AT_FLAGS, 0}, {AT_ENTRY, img.ProgEntry},
		{AT_BASE, img.bsdBase()}, {BSD_AT_EHDRFLAGS, uint64(p.flags)},
		{BSD_AT_EXECPATH, v.execpath}, {BSD_AT_OSRELDATE, uint64(fo.OSRelDate)},
		{BSD_AT_CANARY, v.canary}, {BSD_AT_CANARYLEN, bsdCanaryLen},
		{BSD_AT_NCPUS, uint64(fo.NCPUs)},
		{BSD_AT_PAGESIZES, v.pagesizes}, {BSD_AT_PAGESIZESLEN, uint64(8 * len(pagesizes))},
		{BSD_AT_STACKPROT, stackProt(p)}, {BSD_AT_HWCAP, arch.HWCap()},
	}
	// The targets' HWCAP words serve as they are: FreeBSD's arm64 HWCAP and
	// HWCAP2 bits are Linux's (sys/arm64/include/elf.h), riscv's
	// HWCAP_ISA_x is 1 << (x - 'A') as on Linux (sys/riscv/include/elf.h).
	if arch.Machine() == elf.EM_AARCH64 {
		// riscv's sysentvec has no sv_hwcap2 (sys/riscv/riscv/elf_machdep.c).
		aux = append(aux, AuxEntry{BSD_AT_HWCAP2, arch.HWCap2()})
	}
	return append(aux,
		AuxEntry{BSD_AT_BSDFLAGS, fo.BSDFlags},
		AuxEntry{BSD_AT_ARGC, uint64(v.argc)}, AuxEntry{BSD_AT_ARGV, v.argv},
		AuxEntry{BSD_AT_ENVC, uint64(v.envc)}, AuxEntry{BSD_AT_ENVV, v.envv},
		AuxEntry{BSD_AT_PS_STRINGS, v.psStrings},
		AuxEntry{BSD_AT_USRSTACKBASE, img.StackHigh},
		AuxEntry{BSD_AT_USRSTACKLIM, img.StackHigh - img.StackLow},
		AuxEntry{AT_NULL, 0})
}

// bsdBase is AT_BASE: the interpreter's base, or for a program without
// one the load bias (imgact_elf.c: addr = et_dyn_addr), 0 for ET_EXEC.
func (img *Image) bsdBase() uint64 {
	if img.Interp != "" {
		return img.InterpBase
	}
	return img.LoadBias
}

// stackProt is AT_STACKPROT: PT_GNU_STACK's flags when the program has
// one (imgact_elf.c with kern.elf64.nxstack=1, the arm64 and riscv
// default), else sv_stackprot, read and write.
func stackProt(p *program) uint64 {
	for _, ph := range p.progs {
		if ph.Type != elf.PT_GNU_STACK {
			continue
		}
		var prot uint64
		if ph.Flags&elf.PF_R != 0 {
			prot |= vmProtRead
		}
		if ph.Flags&elf.PF_W != 0 {
			prot |= vmProtWrite
		}
		if ph.Flags&elf.PF_X != 0 {
			prot |= vmProtExec
		}
		if prot != 0 {
			return prot
		}
	}
	return vmProtRead | vmProtWrite
}
