package seccomp

import "encoding/binary"

// Data is struct seccomp_data (include/uapi/linux/seccomp.h): the
// syscall number, AUDIT_ARCH_*, the address after the syscall
// instruction and the six argument registers, laid out little-endian as
// the filter loads it in 32-bit words.
type Data [DataSize]byte

// NewData fills a seccomp_data.
func NewData(nr int32, arch uint32, ip uint64, args *[6]uint64) *Data {
	var d Data
	le := binary.LittleEndian
	le.PutUint32(d[0:], uint32(nr))
	le.PutUint32(d[4:], arch)
	le.PutUint64(d[8:], ip)
	for i, a := range args {
		le.PutUint64(d[16+8*i:], a)
	}
	return &d
}

// Run runs a checked program over d and returns its 32-bit result.
func Run(prog []Insn, d *Data) uint32 {
	var a, x uint32
	var mem [memWords]uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Code & 0x07 {
		case clsLD:
			a = load(in, d, &mem, x)
		case clsLDX:
			x = load(in, d, &mem, x)
		case clsST:
			mem[in.K] = a
		case clsSTX:
			mem[in.K] = x
		case clsALU:
			var ok bool
			if a, ok = alu(in, a, x); !ok {
				return 0 // division by a zero X ends the program with 0 (net/core/filter.c)
			}
		case clsJMP:
			pc += jump(in, a, x)
		case clsRET:
			if in.Code&retA != 0 {
				return a
			}
			return in.K
		case clsMISC:
			if in.Code&miscTXA != 0 {
				a = x
			} else {
				x = a
			}
		}
	}
	return 0 // not reached: Check requires a final RET
}

func load(in Insn, d *Data, mem *[memWords]uint32, x uint32) uint32 {
	switch in.Code & 0xe0 {
	case modeABS:
		return binary.LittleEndian.Uint32(d[in.K:])
	case modeMEM:
		return mem[in.K]
	}
	return in.K // IMM
}

func alu(in Insn, a, x uint32) (uint32, bool) {
	v := in.K
	if in.Code&srcX != 0 {
		v = x
	}
	switch in.Code & 0xf0 {
	case aluADD:
		return a + v, true
	case aluSUB:
		return a - v, true
	case aluMUL:
		return a * v, true
	case aluDIV:
		if v == 0 {
			return 0, false
		}
		return a / v, true
	case aluOR:
		return a | v, true
	case aluAND:
		return a & v, true
	case aluLSH:
		return a << (v & 31), true
	case aluRSH:
		return a >> (v & 31), true
	case aluNEG:
		return -a, true
	case aluXOR:
		return a ^ v, true
	}
	return a, true
}

// jump returns how many instructions to skip.
func jump(in Insn, a, x uint32) int {
	op := in.Code & 0xf0
	if op == jmpJA {
		return int(in.K)
	}
	v := in.K
	if in.Code&srcX != 0 {
		v = x
	}
	var taken bool
	switch op {
	case jmpJEQ:
		taken = a == v
	case jmpJGT:
		taken = a > v
	case jmpJGE:
		taken = a >= v
	case jmpJSET:
		taken = a&v != 0
	}
	if taken {
		return int(in.Jt)
	}
	return int(in.Jf)
}

// Filter is one attached program; filters form a tree through Prev, each
// thread holding its newest (kernel/seccomp.c struct seccomp_filter).
type Filter struct {
	Prog []Insn
	Log  bool // SECCOMP_FILTER_FLAG_LOG
	Prev *Filter
}

// Eval runs every filter from f back to the first and returns the result
// whose action is lowest as a signed number, the newest on a tie
// (seccomp_run_filters).
func (f *Filter) Eval(d *Data) uint32 {
	ret := uint32(RetAllow)
	for ; f != nil; f = f.Prev {
		if r := Run(f.Prog, d); int32(r&RetActionFull) < int32(ret&RetActionFull) {
			ret = r
		}
	}
	return ret
}

// PathInsns is what seccomp_attach_filter counts against
// MaxInsnsPerPath for the chain f when n more instructions are added.
func (f *Filter) PathInsns(n int) int {
	for ; f != nil; f = f.Prev {
		n += len(f.Prog) + 4
	}
	return n
}

// HasAncestor is whether g is f or one of its predecessors (nil is
// everyone's).
func (f *Filter) HasAncestor(g *Filter) bool {
	if g == nil {
		return true
	}
	for ; f != nil; f = f.Prev {
		if f == g {
			return true
		}
	}
	return false
}

// Count is the number of filters in the chain.
func (f *Filter) Count() int {
	n := 0
	for ; f != nil; f = f.Prev {
		n++
	}
	return n
}

// Marshal lays the chain out oldest first, each filter as its log flag,
// its length and its instructions (for a fork child or an exec'd gemu).
func (f *Filter) Marshal() []byte {
	var chain []*Filter
	for ; f != nil; f = f.Prev {
		chain = append(chain, f)
	}
	var b []byte
	for i := len(chain) - 1; i >= 0; i-- {
		g := chain[i]
		log := byte(0)
		if g.Log {
			log = 1
		}
		b = append(b, log)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(g.Prog)))
		b = append(b, Encode(g.Prog)...)
	}
	return b
}

// Unmarshal rebuilds a chain Marshal wrote, checking each program again.
func Unmarshal(b []byte) (*Filter, error) {
	var f *Filter
	for len(b) > 0 {
		if len(b) < 3 {
			return nil, ErrInvalid
		}
		n := int(binary.LittleEndian.Uint16(b[1:]))
		if len(b) < 3+n*InsnSize {
			return nil, ErrInvalid
		}
		prog, err := Check(Decode(b[3 : 3+n*InsnSize]))
		if err != nil {
			return nil, err
		}
		f = &Filter{Prog: prog, Log: b[0] != 0, Prev: f}
		b = b[3+n*InsnSize:]
	}
	return f, nil
}
