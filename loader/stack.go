package loader

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"os"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// Auxiliary-vector tags (Linux include/uapi/linux/auxvec.h; AT_MINSIGSTKSZ
// from arch/arm64/include/uapi/asm/auxvec.h and, since 6.5,
// arch/riscv/include/uapi/asm/auxvec.h).
const (
	AT_NULL        = 0
	AT_PHDR        = 3
	AT_PHENT       = 4
	AT_PHNUM       = 5
	AT_PAGESZ      = 6
	AT_BASE        = 7
	AT_FLAGS       = 8
	AT_ENTRY       = 9
	AT_UID         = 11
	AT_EUID        = 12
	AT_GID         = 13
	AT_EGID        = 14
	AT_PLATFORM    = 15
	AT_HWCAP       = 16
	AT_CLKTCK      = 17
	AT_SECURE      = 23
	AT_RANDOM      = 25
	AT_HWCAP2      = 26
	AT_EXECFN      = 31
	AT_MINSIGSTKSZ = 51
)

// minSigStkSz is AT_MINSIGSTKSZ when the target does not say: the size of
// the kernel's rt_sigframe without optional state. riscv64: siginfo 128 +
// ucontext 960 (get_rt_frame_size, arch/riscv/kernel/signal.c, no V);
// aarch64: sizeof(rt_sigframe) 4688 + frame record 16 + 16 for alignment
// (minsigstksz_setup, arch/arm64/kernel/signal.c, no SVE/SME).
var minSigStkSz = map[string]uint64{"riscv64": 1088, "aarch64": 4720}

// MinSigStackSizer is implemented by targets that know their signal-frame size.
type MinSigStackSizer interface{ MinSigStackSize() uint64 }

func minSigStackSize(arch targets.Arch) uint64 {
	if m, ok := arch.(MinSigStackSizer); ok {
		return m.MinSigStackSize()
	}
	return minSigStkSz[arch.Name()]
}

// stackWriter fills the stack from the top down.
type stackWriter struct {
	as  *translate.AddressSpace
	pos uint64
	low uint64
	err error
}

// push copies b below pos and returns its guest address.
func (w *stackWriter) push(b []byte) uint64 {
	if w.err != nil {
		return 0
	}
	if uint64(len(b)) > w.pos-w.low {
		w.err = fmt.Errorf("argument list too long for the %d KiB stack", (w.pos-w.low)>>10)
		return 0
	}
	w.pos -= uint64(len(b))
	w.err = w.as.Write(w.pos, b)
	return w.pos
}

func (w *stackWriter) pushString(s string) uint64 { return w.push(append([]byte(s), 0)) }

// buildStack maps the stack and lays out, from the top: an end marker,
// AT_EXECFN's string, the argv and envp strings (contiguous, argv first,
// as /proc/self/cmdline expects), AT_PLATFORM's string, the 16 AT_RANDOM
// bytes, then 16-byte aligned argc, argv[], NULL, envp[], NULL and the
// auxv pairs (Linux fs/binfmt_elf.c create_elf_tables).
func (img *Image) buildStack(as *translate.AddressSpace, arch targets.Arch, argv, envp []string, opts Options) error {
	w, err := img.mapStack(as, arch, opts)
	if err != nil {
		return err
	}
	w.push(make([]byte, 8))
	execfn := opts.ExecFn
	if execfn == "" {
		execfn = img.Path
	}
	execfnAddr := w.pushString(execfn)
	argAddrs, envAddrs := img.pushStrings(w, argv, envp)
	var platAddr uint64
	if p := arch.Platform(); p != "" {
		platAddr = w.pushString(p)
	}
	if img.phdrCopy != nil {
		w.pos &^= 7
		img.Phdr = w.push(img.phdrCopy)
	}
	w.pos &^= 15
	randAddr := w.push(randomBytes(opts.Seed, 16))
	aux := img.auxv(arch, opts, execfnAddr, platAddr, randAddr)
	words := 1 + len(argAddrs) + 1 + len(envAddrs) + 1 + 2*len(aux)
	if w.err != nil || uint64(words*8) > w.pos-w.low {
		return fmt.Errorf("argument list too long for the %d KiB stack", opts.StackSize>>10)
	}
	sp := (w.pos - uint64(words*8)) &^ 15
	buf := make([]byte, 0, words*8)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(argAddrs)))
	buf = appendVector(appendVector(buf, argAddrs), envAddrs)
	buf = appendAuxv(buf, aux)
	if err := as.Write(sp, buf); err != nil {
		return err
	}
	img.SP = sp
	img.Auxv = aux
	return nil
}

// mapStack maps the stack below the target's top and returns a writer at its top.
func (img *Image) mapStack(as *translate.AddressSpace, arch targets.Arch, opts Options) (*stackWriter, error) {
	top := arch.StackTop()
	low := top - opts.StackSize
	if _, err := as.Map(translate.MapSpec{Addr: low, Length: opts.StackSize, Fixed: true, FD: -1,
		Prot: translate.ProtRead | translate.ProtWrite, Name: "[stack]", Grows: true}); err != nil {
		return nil, fmt.Errorf("cannot map the guest stack: %v", err)
	}
	img.StackLow, img.StackHigh = low, top
	return &stackWriter{as: as, pos: top, low: low}, nil
}

// pushStrings stores argv then envp contiguously and returns their addresses.
func (img *Image) pushStrings(w *stackWriter, argv, envp []string) (args, envs []uint64) {
	total := 0
	for _, s := range append(append([]string(nil), argv...), envp...) {
		total += len(s) + 1
	}
	if uint64(total) > w.pos-w.low {
		w.err = fmt.Errorf("argument list too long")
		return nil, nil
	}
	base := w.pos - uint64(total)
	blob := make([]byte, 0, total)
	for _, s := range argv {
		args = append(args, base+uint64(len(blob)))
		blob = append(append(blob, s...), 0)
	}
	img.ArgStart, img.ArgEnd = base, base+uint64(len(blob))
	for _, s := range envp {
		envs = append(envs, base+uint64(len(blob)))
		blob = append(append(blob, s...), 0)
	}
	img.EnvStart, img.EnvEnd = img.ArgEnd, base+uint64(len(blob))
	w.push(blob)
	return args, envs
}

func (img *Image) auxv(arch targets.Arch, opts Options, execfn, platform, random uint64) []AuxEntry {
	aux := []AuxEntry{
		{AT_HWCAP, arch.HWCap()},
		{AT_PAGESZ, translate.PageSize},
		{AT_CLKTCK, 100},
		{AT_PHDR, img.Phdr},
		{AT_PHENT, img.Phent},
		{AT_PHNUM, img.Phnum},
		{AT_BASE, img.InterpBase},
		{AT_FLAGS, opts.ATFlags},
		{AT_ENTRY, img.ProgEntry},
		{AT_UID, uint64(os.Getuid())},
		{AT_EUID, uint64(os.Geteuid())},
		{AT_GID, uint64(os.Getgid())},
		{AT_EGID, uint64(os.Getegid())},
		{AT_SECURE, secureExec()},
		{AT_RANDOM, random},
		{AT_HWCAP2, arch.HWCap2()},
		{AT_EXECFN, execfn},
	}
	if platform != 0 {
		aux = append(aux, AuxEntry{AT_PLATFORM, platform})
	}
	if m := minSigStackSize(arch); m != 0 {
		aux = append(aux, AuxEntry{AT_MINSIGSTKSZ, m})
	}
	return append(aux, AuxEntry{AT_NULL, 0})
}

// secureExec is AT_SECURE: 1 when the program runs with other effective
// than real ids, as after a set-id exec (Linux security/commoncap.c
// cap_bprm_creds_from_file sets secureexec then; file capabilities are
// not looked at). gemu runs so when binfmt_misc's flag C gave it a
// set-id program's credentials; the guest's C library then ignores
// LD_LIBRARY_PATH and the like, as natively.
func secureExec() uint64 {
	if os.Getuid() != os.Geteuid() || os.Getgid() != os.Getegid() {
		return 1
	}
	return 0
}

// randomBytes is n bytes for AT_RANDOM (or FreeBSD's AT_CANARY): from the
// seed when given (-seed). n is a multiple of 8.
func randomBytes(seed *uint64, n int) []byte {
	b := make([]byte, n)
	if seed != nil {
		r := mrand.New(mrand.NewPCG(*seed, 0x67656d75))
		for i := 0; i+8 <= n; i += 8 {
			binary.LittleEndian.PutUint64(b[i:], r.Uint64())
		}
		return b
	}
	rand.Read(b)
	return b
}

// AuxvBytes encodes the auxiliary vector as /proc/self/auxv shows it.
func (img *Image) AuxvBytes() []byte { return appendAuxv(nil, img.Auxv) }

// appendAuxv appends the pairs as little-endian words.
func appendAuxv(b []byte, aux []AuxEntry) []byte {
	for _, e := range aux {
		b = binary.LittleEndian.AppendUint64(b, e.Tag)
		b = binary.LittleEndian.AppendUint64(b, e.Val)
	}
	return b
}
