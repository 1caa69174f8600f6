// Package seccomp is Linux's syscall filtering (kernel/seccomp.c) as an
// emulator needs it: classic BPF programs checked as the kernel checks
// them (net/core/filter.c bpf_check_classic, then seccomp_check_filter),
// run over the guest's struct seccomp_data, and chained as a thread's
// filters are, the lowest action winning.
package seccomp

import (
	"encoding/binary"
	"errors"
)

// Insn is struct sock_filter (Linux include/uapi/linux/filter.h).
type Insn struct {
	Code   uint16
	Jt, Jf uint8
	K      uint32
}

// InsnSize is sizeof(struct sock_filter).
const InsnSize = 8

// Limits (include/uapi/linux/bpf_common.h BPF_MAXINSNS, filter.h
// BPF_MEMWORDS; kernel/seccomp.c MAX_INSNS_PER_PATH: 256 KiB of insns).
const (
	MaxInsns        = 4096
	memWords        = 16
	MaxInsnsPerPath = (1 << 18) / InsnSize
	// DataSize is sizeof(struct seccomp_data).
	DataSize = 64
)

// Return values (include/uapi/linux/seccomp.h).
const (
	RetKillProcess = 0x80000000
	RetKillThread  = 0x00000000
	RetTrap        = 0x00030000
	RetErrno       = 0x00050000
	RetUserNotif   = 0x7fc00000
	RetTrace       = 0x7ff00000
	RetLog         = 0x7ffc0000
	RetAllow       = 0x7fff0000
	RetActionFull  = 0xffff0000
	RetData        = 0x0000ffff
)

// KnownAction is whether SECCOMP_GET_ACTION_AVAIL reports action.
func KnownAction(action uint32) bool {
	switch action {
	case RetKillProcess, RetKillThread, RetTrap, RetErrno, RetUserNotif, RetTrace, RetLog, RetAllow:
		return true
	}
	return false
}

// Classic BPF opcode fields (include/uapi/linux/bpf_common.h, filter.h).
const (
	clsLD, clsLDX, clsST, clsSTX, clsALU, clsJMP, clsRET, clsMISC = 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07

	szW, szH, szB = 0x00, 0x08, 0x10

	modeIMM, modeABS, modeIND, modeMEM, modeLEN, modeMSH = 0x00, 0x20, 0x40, 0x60, 0x80, 0xa0

	aluADD, aluSUB, aluMUL, aluDIV, aluOR, aluAND, aluLSH, aluRSH, aluNEG, aluMOD, aluXOR = 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0

	jmpJA, jmpJEQ, jmpJGT, jmpJGE, jmpJSET = 0x00, 0x10, 0x20, 0x30, 0x40

	srcK, srcX = 0x00, 0x08
	retA       = 0x10

	miscTAX, miscTXA = 0x00, 0x80
)

// ErrInvalid is the kernel's EINVAL for a program it refuses.
var ErrInvalid = errors.New("invalid seccomp filter")

// Decode reads n instructions of struct sock_filter from b.
func Decode(b []byte) []Insn {
	prog := make([]Insn, len(b)/InsnSize)
	for i := range prog {
		e := b[i*InsnSize:]
		prog[i] = Insn{Code: binary.LittleEndian.Uint16(e), Jt: e[2], Jf: e[3], K: binary.LittleEndian.Uint32(e[4:])}
	}
	return prog
}

// Encode is the inverse of Decode.
func Encode(prog []Insn) []byte {
	b := make([]byte, 0, len(prog)*InsnSize)
	for _, in := range prog {
		b = binary.LittleEndian.AppendUint16(b, in.Code)
		b = append(b, in.Jt, in.Jf)
		b = binary.LittleEndian.AppendUint32(b, in.K)
	}
	return b
}

// classicCodes are the opcodes a classic BPF program may use
// (net/core/filter.c chk_code_allowed).
var classicCodes = func() map[uint16]bool {
	m := map[uint16]bool{}
	for _, op := range []uint16{aluADD, aluSUB, aluMUL, aluDIV, aluMOD, aluAND, aluOR, aluXOR, aluLSH, aluRSH} {
		m[clsALU|op|srcK], m[clsALU|op|srcX] = true, true
	}
	for _, sz := range []uint16{szW, szH, szB} {
		m[clsLD|sz|modeABS], m[clsLD|sz|modeIND] = true, true
	}
	for _, c := range []uint16{clsALU | aluNEG, clsLD | szW | modeLEN, clsLD | modeIMM, clsLD | modeMEM,
		clsLDX | szW | modeLEN, clsLDX | szB | modeMSH, clsLDX | modeIMM, clsLDX | modeMEM, clsST, clsSTX,
		clsMISC | miscTAX, clsMISC | miscTXA, clsRET | srcK, clsRET | retA, clsJMP | jmpJA} {
		m[c] = true
	}
	for _, op := range []uint16{jmpJEQ, jmpJGT, jmpJGE, jmpJSET} {
		m[clsJMP|op|srcK], m[clsJMP|op|srcX] = true, true
	}
	return m
}()

// Check validates prog as the kernel does before attaching it and
// returns it in the form Run takes (the LEN loads made immediates, as
// seccomp_check_filter rewrites them).
func Check(prog []Insn) ([]Insn, error) {
	n := len(prog)
	if n == 0 || n > MaxInsns {
		return nil, ErrInvalid
	}
	for pc, in := range prog {
		if !classicCodes[in.Code] || !classicInsnOK(in, pc, n) {
			return nil, ErrInvalid
		}
	}
	if last := prog[n-1].Code; last != clsRET|srcK && last != clsRET|retA {
		return nil, ErrInvalid
	}
	if !storesBeforeLoads(prog) {
		return nil, ErrInvalid
	}
	out := make([]Insn, n)
	for pc, in := range prog {
		in, ok := seccompInsn(in)
		if !ok {
			return nil, ErrInvalid
		}
		out[pc] = in
	}
	return out, nil
}

// classicInsnOK is bpf_check_classic's test of one instruction.
func classicInsnOK(in Insn, pc, n int) bool {
	switch in.Code {
	case clsALU | aluDIV | srcK, clsALU | aluMOD | srcK:
		return in.K != 0
	case clsALU | aluLSH | srcK, clsALU | aluRSH | srcK:
		return in.K < 32
	case clsLD | modeMEM, clsLDX | modeMEM, clsST, clsSTX:
		return in.K < memWords
	case clsJMP | jmpJA:
		return in.K < uint32(n-pc-1)
	}
	if in.Code&0x07 == clsJMP {
		return pc+int(in.Jt)+1 < n && pc+int(in.Jf)+1 < n
	}
	return true
}

// storesBeforeLoads is check_load_and_stores: a scratch word is read only
// after every path to the read has written it.
func storesBeforeLoads(prog []Insn) bool {
	masks := make([]uint16, len(prog))
	for i := range masks {
		masks[i] = 0xffff
	}
	var valid uint16
	for pc, in := range prog {
		valid &= masks[pc]
		switch {
		case in.Code == clsST || in.Code == clsSTX:
			valid |= 1 << in.K
		case in.Code == clsLD|modeMEM || in.Code == clsLDX|modeMEM:
			if valid&(1<<in.K) == 0 {
				return false
			}
		case in.Code == clsJMP|jmpJA:
			masks[pc+1+int(in.K)] &= valid
			valid = 0xffff
		case in.Code&0x07 == clsJMP:
			masks[pc+1+int(in.Jt)] &= valid
			masks[pc+1+int(in.Jf)] &= valid
			valid = 0xffff
		}
	}
	return true
}

// seccompInsn is seccomp_check_filter for one instruction: loads of
// seccomp_data must be aligned words inside it, and only the listed
// operations are allowed (no MOD, no byte or indirect loads).
func seccompInsn(in Insn) (Insn, bool) {
	switch in.Code {
	case clsLD | szW | modeABS:
		return in, in.K < DataSize && in.K&3 == 0
	case clsLD | szW | modeLEN:
		return Insn{Code: clsLD | modeIMM, K: DataSize}, true
	case clsLDX | szW | modeLEN:
		return Insn{Code: clsLDX | modeIMM, K: DataSize}, true
	case clsALU | aluMOD | srcK, clsALU | aluMOD | srcX, clsLD | szH | modeABS, clsLD | szB | modeABS,
		clsLD | szW | modeIND, clsLD | szH | modeIND, clsLD | szB | modeIND, clsLDX | szB | modeMSH:
		return in, false
	}
	return in, true
}
