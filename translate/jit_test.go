package translate

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"testing"
)

// The random-block differential test of tier 2: programs of random blocks
// of micro-ops run once in the interpreter and once with every block
// compiled, each in an address space of its own with the same contents;
// registers, PC, exit and memory must agree.

// script is a Target whose blocks are given as op lists by PC; each op
// stands for one 4-byte instruction.
type script map[uint64][]Op

func (script) Name() string { return "script" }

// BlockTemps declares regTemp and regTemp+1 block-local, as the targets'
// temporaries: the generator writes each before reading it in a block.
func (script) BlockTemps() (uint8, uint8) { return regTemp, 2 }

func (s script) Translate(b *Builder) {
	ops, ok := s[b.PC()]
	if !ok {
		b.EndFault(ExcUnmapped, b.PC())
		return
	}
	for _, op := range ops {
		b.Emit(op)
		b.Next(4)
		if b.Ended() {
			return
		}
	}
}

const (
	scriptCode   = 0x10000
	scriptData   = 0x40000
	scriptBlocks = 12
	scriptStride = 0x400
	regCount     = 20 // step counter
	regDataBase  = 21 // data base address, never written by random ops
	regFlagsT    = 9  // packed NZCV
	regTemp      = 22 // two block-local temporaries
)

// helperMix is an OpCall helper: Dst = A*3 + B, or a breakpoint exception when A is 7.
func helperMix(c *CPU, op *Op) ExitKind {
	if c.R[op.A] == 7 {
		return c.Raise(op, ExcBreakpoint, c.InsnPC(op))
	}
	c.R[op.Dst] = c.R[op.A]*3 + c.R[op.B]
	return ExitNone
}

type opGen struct {
	r *rand.Rand
}

func (g *opGen) reg() uint8 {
	switch n := g.r.Intn(20); {
	case n == 0:
		return RegZero
	case n < 2:
		return regFlagsT
	default:
		return uint8(g.r.Intn(9))
	}
}

func (g *opGen) dst() uint8 {
	if g.r.Intn(15) == 0 {
		return RegSink
	}
	return uint8(g.r.Intn(9))
}

func (g *opGen) imm() int64 {
	switch g.r.Intn(5) {
	case 0:
		return int64(g.r.Intn(64))
	case 1:
		return -int64(g.r.Intn(4096))
	case 2:
		return int64(g.r.Uint64())
	case 3:
		return int64(int32(g.r.Uint32()))
	}
	return int64(g.r.Intn(8))
}

var randomALU = []Code{OpMovI, OpMov, OpAdd, OpSub, OpAnd, OpOr, OpXor, OpSll, OpSrl, OpSra, OpSlt, OpSltu,
	OpMul, OpMulh, OpMulhu, OpMulhsu, OpDivRV, OpDivuRV, OpRemRV, OpRemuRV, OpAndn, OpOrn, OpXnor,
	OpMin, OpMax, OpMinu, OpMaxu, OpRol, OpRor, OpShAdd, OpShAddUW, OpAddI, OpAndI, OpOrI, OpXorI,
	OpSllI, OpSrlI, OpSraI, OpSltI, OpSltuI, OpRorI, OpAddW, OpSubW, OpSllW, OpSrlW, OpSraW, OpMulW,
	OpDivW, OpDivuW, OpRemW, OpRemuW, OpRolW, OpRorW, OpAddIW, OpSllIW, OpSrlIW, OpSraIW, OpRorIW,
	OpClz, OpCtz, OpCpop, OpClzW, OpCtzW, OpCpopW, OpRev8, OpOrcB, OpSext8, OpSext16, OpSext32,
	OpZext8, OpZext16, OpZext32, OpSDivA64, OpUDivA64, OpExtr, OpRbit,
	OpAddFlags, OpSubFlags, OpAdcFlags, OpSbcFlags, OpAdc, OpSbc, OpLogicFlags, OpCondSel, OpSetFlags}

// op makes one random non-control op.
func (g *opGen) op() Op {
	r := g.r
	size := uint8(8)
	if r.Intn(2) == 0 {
		size = 4
	}
	switch k := r.Intn(10); {
	case k < 2: // memory, mostly inside the data page, sometimes anywhere
		code := []Code{OpLoad8, OpLoad8S, OpLoad16, OpLoad16S, OpLoad32, OpLoad32S, OpLoad64,
			OpStore8, OpStore16, OpStore32, OpStore64}[r.Intn(11)]
		// Offsets up to 16 past the page run into the PROT_NONE page after it.
		op := Op{Code: code, Dst: g.dst(), A: regDataBase, B: g.reg(), Imm: int64(r.Intn(4096 + 16))}
		if r.Intn(40) == 0 {
			op.A, op.Imm = g.reg(), g.imm()
		}
		return op
	case k == 2 && r.Intn(4) == 0:
		if r.Intn(2) == 0 {
			return Op{Code: OpCall, Fn: helperMix, Dst: g.dst(), A: g.reg(), B: g.reg()}
		}
		asize := uint8(1) << r.Intn(4)
		if r.Intn(3) == 0 {
			return Op{Code: OpCas, Size: asize, Dst: g.dst(), A: regDataBase, B: g.reg(), C: g.reg()}
		}
		return Op{Code: OpAmo, Aux: uint8(r.Intn(9)), Size: asize, Dst: g.dst(), A: regDataBase, B: g.reg()}
	}
	code := randomALU[r.Intn(len(randomALU))]
	op := Op{Code: code, Dst: g.dst(), A: g.reg(), B: g.reg(), C: regFlagsT, Size: size, Imm: g.imm()}
	switch code {
	case OpShAdd, OpShAddUW:
		op.Imm &= 3
	case OpExtr:
		op.Imm &= int64(size*8 - 1)
	case OpCondSel:
		op.Aux, op.Imm = uint8(r.Intn(16)), int64(r.Intn(4))
	case OpSetFlags:
		op.Aux, op.Imm = uint8(r.Intn(16)), int64(r.Intn(16))<<28
		op.Size |= uint8(r.Intn(2)) << 4
	}
	return op
}

// program makes the blocks: a step-counter check, random ops, a random
// side exit, and a direct or indirect jump to another block.
func (g *opGen) program() script {
	s := script{}
	exitPC := uint64(scriptCode + scriptBlocks*scriptStride)
	s[exitPC] = []Op{{Code: OpSyscall, Imm: int64(exitPC + 4)}}
	blockPC := func() uint64 { return scriptCode + uint64(g.r.Intn(scriptBlocks))*scriptStride }
	for i := 0; i < scriptBlocks; i++ {
		self := scriptCode + uint64(i)*scriptStride
		// A third of the direct exits loop to the block itself (in-block
		// loops in tier 2).
		target := func() uint64 {
			if g.r.Intn(3) == 0 {
				return self
			}
			return blockPC()
		}
		ops := []Op{
			{Code: OpAddI, Dst: regCount, A: regCount, Imm: -1},
			{Code: OpBranch, Aux: CondEQ, A: regCount, B: RegZero, Imm: int64(exitPC)},
		}
		temps := 0 // temporaries written so far in this block
		for n := g.r.Intn(30); n > 0; n-- {
			op := g.op()
			if temps < 2 && g.r.Intn(6) == 0 {
				ops = append(ops, Op{Code: OpAdd, Dst: regTemp + uint8(temps), A: g.reg(), B: g.reg()})
				temps++
			}
			if temps > 0 && g.r.Intn(3) == 0 {
				op.A = regTemp + uint8(g.r.Intn(temps))
			}
			if (op.Code == OpSubFlags || op.Code == OpAddFlags) && op.A < 9 && g.r.Intn(3) == 0 {
				op.Dst = op.A // SUBS x0, x0, …: the operand is gone after it
			}
			if (op.Code == OpAddFlags || op.Code == OpSubFlags) && g.r.Intn(4) == 0 {
				op.C = RegSink // a 32-bit ADD as aarch64 lowers it: no flags
			}
			ops = append(ops, op)
			if writesFlags(&op) && g.r.Intn(2) == 0 {
				// A consumer right after the flags' producer (tier 2
				// redoes the producer's compare for it).
				if g.r.Intn(2) == 0 {
					ops = append(ops, Op{Code: OpCondSel, Dst: g.dst(), A: g.reg(), B: g.reg(), C: regFlagsT,
						Aux: uint8(g.r.Intn(16)), Imm: int64(g.r.Intn(4)), Size: op.Size})
				} else {
					ops = append(ops, Op{Code: OpBranch, Aux: CondArm + uint8(g.r.Intn(15)), A: regFlagsT, Imm: int64(target())})
				}
			}
			if g.r.Intn(12) == 0 {
				ops = append(ops, g.branch(target()))
			}
		}
		if g.r.Intn(3) == 0 {
			ops = append(ops, Op{Code: OpMovI, Dst: 10, Imm: int64(blockPC() + 1)},
				Op{Code: OpJumpReg, A: 10, C: 1})
		} else {
			ops = append(ops, Op{Code: OpJump, Imm: int64(target())})
		}
		s[self] = ops
	}
	return s
}

func (g *opGen) branch(to uint64) Op {
	switch g.r.Intn(3) {
	case 0:
		return Op{Code: OpBranch, Aux: CondArm + uint8(g.r.Intn(15)), A: regFlagsT, Imm: int64(to)}
	case 1:
		return Op{Code: OpBranch, Aux: CondBitSet + uint8(g.r.Intn(2)), A: g.reg(), B: uint8(g.r.Intn(64)), Imm: int64(to)}
	}
	return Op{Code: OpBranch, Aux: uint8(g.r.Intn(6)), A: g.reg(), B: g.reg(), Imm: int64(to)}
}

type scriptRun struct {
	cpu  *CPU
	kind ExitKind
	data []byte
}

func runScript(t *testing.T, s script, mode JITMode, seed int64) scriptRun {
	t.Helper()
	return runScriptWith(t, s, mode, seed, nil)
}

// runScriptWith is runScript with the registers set by init after the
// seed's (when init is not nil).
func runScriptWith(t *testing.T, s script, mode JITMode, seed int64, init func(c *CPU)) scriptRun {
	t.Helper()
	as, err := NewAddressSpace(1 << 32)
	if err != nil {
		t.Fatal(err)
	}
	defer as.Close()
	for _, m := range []MapSpec{
		{Addr: scriptCode, Length: 0x10000, Prot: ProtRead | ProtExec, Fixed: true, FD: -1},
		{Addr: scriptData, Length: 0x1000, Prot: ProtRead | ProtWrite, Fixed: true, FD: -1},
		{Addr: scriptData + 0x1000, Length: 0x1000, Prot: 0, Fixed: true, FD: -1},
	} {
		if _, err := as.Map(m); err != nil {
			t.Fatal(err)
		}
	}
	data := make([]byte, 0x1000)
	rand.New(rand.NewSource(seed)).Read(data)
	if err := as.Write(scriptData, data); err != nil {
		t.Fatal(err)
	}
	e := NewEngine(s, as)
	if err := e.SetJIT(mode); err != nil {
		t.Skipf("no tier 2 here: %v", err)
	}
	c := e.NewCPU()
	r := rand.New(rand.NewSource(seed))
	for i := 0; i < 9; i++ {
		c.R[i] = []uint64{0, 1, 7, ^uint64(0), 1 << 63, 1 << 31, uint64(r.Intn(100)), r.Uint64()}[r.Intn(8)]
	}
	c.R[regFlagsT] = uint64(r.Intn(16)) << 28
	c.R[regCount] = 200
	c.R[regDataBase] = scriptData
	c.PC = scriptCode
	if init != nil {
		init(c)
	}
	k := e.Run(c)
	out := make([]byte, 0x1000)
	if err := as.Read(scriptData, out); err != nil {
		t.Fatal(err)
	}
	return scriptRun{cpu: c, kind: k, data: out}
}

func TestJITRandomBlocks(t *testing.T) {
	n := 1500
	if s := os.Getenv("GEMU_JIT_SEEDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	if testing.Short() {
		n = 60
	}
	ends := map[string]int{}
	defer func() {
		t.Logf("how the programs ended: %v", ends)
		if ends["unmapped"] == 0 || ends["syscall"] == 0 || ends["helper"] == 0 {
			t.Errorf("the programs do not reach every kind of end: %v", ends)
		}
	}()
	for seed := int64(1); seed <= int64(n); seed++ {
		g := &opGen{r: rand.New(rand.NewSource(seed))}
		s := g.program()
		want := runScript(t, s, JITOff, seed)
		switch {
		case want.kind == ExitSyscall:
			ends["syscall"]++
		case want.kind == ExitException && want.cpu.Exit.Exception == ExcUnmapped:
			ends["unmapped"]++
		case want.kind == ExitException && want.cpu.Exit.Exception == ExcBreakpoint:
			ends["helper"]++
		case want.kind == ExitException && want.cpu.Exit.Exception == ExcMisaligned:
			ends["misaligned"]++
		default:
			ends[fmt.Sprint("exit ", want.kind)]++
		}
		for _, mode := range []JITMode{JITForce, JITNochain, JITLockstep} {
			got := runScript(t, s, mode, seed)
			if d := diffRuns(want, got); d != "" {
				t.Fatalf("seed %d, mode %d: %s\nprogram:\n%s", seed, mode, d, dumpScript(s))
			}
		}
	}
}

func diffRuns(want, got scriptRun) string {
	if want.kind != got.kind {
		return fmt.Sprintf("exit %d, want %d", got.kind, want.kind)
	}
	if want.cpu.PC != got.cpu.PC {
		return fmt.Sprintf("pc %#x, want %#x", got.cpu.PC, want.cpu.PC)
	}
	if want.cpu.Exit != got.cpu.Exit {
		return fmt.Sprintf("exit info %+v, want %+v", got.cpu.Exit, want.cpu.Exit)
	}
	for i := 0; i < 32; i++ {
		if i >= regTemp && i < regTemp+2 {
			// Dead once a block ends; a wrong value inside a block shows
			// in the registers computed from it.
			continue
		}
		if want.cpu.R[i] != got.cpu.R[i] {
			return fmt.Sprintf("R[%d] = %#x, want %#x", i, got.cpu.R[i], want.cpu.R[i])
		}
	}
	if !bytes.Equal(want.data, got.data) {
		for i := range want.data {
			if want.data[i] != got.data[i] {
				return fmt.Sprintf("data[%#x] = %#x, want %#x", i, got.data[i], want.data[i])
			}
		}
	}
	return ""
}

func dumpScript(s script) string {
	var b bytes.Buffer
	for pc := uint64(scriptCode); pc <= scriptCode+scriptBlocks*scriptStride; pc += scriptStride {
		fmt.Fprintf(&b, "%#x:\n", pc)
		for _, op := range s[pc] {
			fmt.Fprintf(&b, "  %+v\n", op)
		}
	}
	return b.String()
}

// FuzzJITBlocks runs the random-block comparison from fuzzer-chosen seeds
// (make fuzz).
func FuzzJITBlocks(f *testing.F) {
	f.Add(int64(1))
	f.Add(int64(-7))
	f.Fuzz(func(t *testing.T, seed int64) {
		s := (&opGen{r: rand.New(rand.NewSource(seed))}).program()
		want := runScript(t, s, JITOff, seed)
		if got := runScript(t, s, JITForce, seed); diffRuns(want, got) != "" {
			t.Fatalf("seed %d: %s\nprogram:\n%s", seed, diffRuns(want, got), dumpScript(s))
		}
	})
}

// TestJITFlagConditions checks every Arm condition right after each kind
// of flag producer, at both widths, over edge operands, in tier 2 (which
// redoes the producer's compare for CSEL and B.cond) against the
// interpreter.
func TestJITFlagConditions(t *testing.T) {
	vals := []uint64{0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 63, 1<<63 - 1, ^uint64(0)}
	producers := []Op{
		{Code: OpSubFlags, Dst: RegSink, A: 1, B: 2},
		{Code: OpSubFlags, Dst: 3, A: 1, B: 2},
		{Code: OpSubFlags, Dst: 1, A: 1, B: 2}, // SUBS x1, x1, x2
		{Code: OpAddFlags, Dst: 3, A: 1, B: 2},
		{Code: OpAddFlags, Dst: 2, A: 1, B: 2},
		{Code: OpSubFlags, Dst: RegSink, A: 1, B: RegZero},
		{Code: OpLogicFlags, A: 1},
	}
	taken := uint64(scriptCode + scriptStride)
	for _, p := range producers {
		for _, size := range []uint8{4, 8} {
			for cc := uint8(0); cc < 16; cc++ {
				p := p
				p.C, p.Size = regFlagsT, size
				s := script{
					scriptCode: {p,
						{Code: OpCondSel, Dst: 5, A: 6, B: 7, C: regFlagsT, Aux: cc, Size: size},
						{Code: OpBranch, Aux: CondArm + cc, A: regFlagsT, Imm: int64(taken)},
						{Code: OpSyscall, Imm: scriptCode + 0x100}},
					taken: {{Code: OpSyscall, Imm: int64(taken) + 4}},
				}
				for _, x := range vals {
					for _, y := range vals {
						init := func(c *CPU) { c.R[1], c.R[2], c.R[6], c.R[7] = x, y, 111, 222 }
						want := runScriptWith(t, s, JITOff, 1, init)
						got := runScriptWith(t, s, JITForce, 1, init)
						if d := diffRuns(want, got); d != "" {
							t.Fatalf("%+v then condition %d on %#x, %#x: %s", p, cc, x, y, d)
						}
					}
				}
			}
		}
	}
}

// TestJITPendingFlagsAtExits leaves compiled code between a compare whose
// operand is then overwritten and the next compare: the side exit, the
// fault and the limit miss must each see the first compare's NZCV.
func TestJITPendingFlagsAtExits(t *testing.T) {
	exitPC := int64(scriptCode + scriptStride)
	leave := map[string]Op{
		"side exit": {Code: OpBranch, Aux: CondNE, A: 3, B: RegZero, Imm: exitPC},
		"fault":     {Code: OpLoad64, Dst: 4, A: regDataBase, Imm: 0x1008},
		"limit":     {Code: OpStore32, A: RegZero, B: 4, Imm: -16},
	}
	for name, l := range leave {
		for _, k := range []Code{OpSubFlags, OpAddFlags, OpLogicFlags} {
			s := script{
				scriptCode: {
					{Code: k, Dst: RegSink, A: 1, B: 2, C: regFlagsT, Size: 8},
					{Code: OpMovI, Dst: 2, Imm: 5}, // the operands are gone...
					{Code: OpMovI, Dst: 1, Imm: 5},
					l, // ...when code is left here
					{Code: OpSubFlags, Dst: RegSink, A: 1, B: 2, C: regFlagsT, Size: 8},
					{Code: OpSyscall, Imm: scriptCode + 0x100}},
				uint64(exitPC): {{Code: OpSyscall, Imm: exitPC + 4}},
			}
			init := func(c *CPU) { c.R[1], c.R[2], c.R[3], c.R[regFlagsT] = 1<<63, 3, 1, 0 }
			want := runScriptWith(t, s, JITOff, 1, init)
			got := runScriptWith(t, s, JITForce, 1, init)
			if want.cpu.R[regFlagsT] == 0x60000000 {
				t.Fatalf("%s after op %d: the program does not leave before the second compare", name, k)
			}
			if d := diffRuns(want, got); d != "" {
				t.Errorf("%s after op %d: %s", name, k, d)
			}
		}
	}
}

// TestJITZeroFusion checks a flag-setting add or subtract into a
// temporary followed by a branch on the temporary being zero (CMP + B.EQ
// as aarch64 lowers it), with the temporary dead after the branch (tier 2
// then only compares) and read after it.
func TestJITZeroFusion(t *testing.T) {
	vals := []uint64{0, 1, 5, 0xffffffff, 0x100000000, 1 << 63, ^uint64(0)}
	taken := uint64(scriptCode + scriptStride)
	for _, k := range []Code{OpSubFlags, OpAddFlags} {
		for _, size := range []uint8{4, 8} {
			for _, br := range []Code{OpBeq, OpBne} {
				for _, readLater := range []bool{false, true} {
					after := Op{Code: OpMovI, Dst: 3, Imm: 7}
					if readLater {
						after = Op{Code: OpAdd, Dst: 3, A: regTemp, B: 3}
					}
					s := script{
						scriptCode: {
							{Code: k, Dst: regTemp, A: 1, B: 2, C: regFlagsT, Size: size},
							{Code: br, A: regTemp, B: RegZero, Imm: int64(taken)},
							after,
							{Code: OpMovI, Dst: regTemp, Imm: 9},
							{Code: OpMov, Dst: 4, A: regFlagsT},
							{Code: OpSyscall, Imm: scriptCode + 0x100}},
						taken: {{Code: OpMov, Dst: 5, A: regFlagsT}, {Code: OpSyscall, Imm: int64(taken) + 8}},
					}
					for _, x := range vals {
						for _, y := range vals {
							init := func(c *CPU) { c.R[1], c.R[2], c.R[3] = x, -y, 100 }
							want := runScriptWith(t, s, JITOff, 1, init)
							got := runScriptWith(t, s, JITForce, 1, init)
							if d := diffRuns(want, got); d != "" {
								t.Fatalf("op %d size %d branch %d (read later %v) on %#x, %#x: %s", k, size, br, readLater, x, -y, d)
							}
						}
					}
				}
			}
		}
	}
}

// scriptEngine maps codeLen bytes of script code at scriptCode and makes
// an engine for s in tier-2 mode mode (the address space is closed when
// the test ends).
func scriptEngine(t *testing.T, s script, codeLen uint64, mode JITMode) *Engine {
	t.Helper()
	as, err := NewAddressSpace(1 << 32)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(as.Close)
	if _, err := as.Map(MapSpec{Addr: scriptCode, Length: codeLen, Prot: ProtRead | ProtExec, Fixed: true, FD: -1}); err != nil {
		t.Fatal(err)
	}
	e := NewEngine(s, as)
	if err := e.SetJIT(mode); err != nil {
		t.Skipf("no tier 2 here: %v", err)
	}
	return e
}

// TestJITAtomics runs every OpAmo kind and OpCas (failing and
// succeeding) at every size and at aligned and misaligned offsets, with
// and without a result, compiled and in the interpreter.
func TestJITAtomics(t *testing.T) {
	loads := map[uint8]Code{1: OpLoad8, 2: OpLoad16, 4: OpLoad32, 8: OpLoad64}
	var cases [][]Op
	for _, size := range []uint8{1, 2, 4, 8} {
		for off := int64(0); off < 16; off += int64(max(size/2, 1)) {
			at := Op{Code: OpAddI, Dst: 5, A: regDataBase, Imm: off}
			for kind := uint8(0); kind < 9; kind++ {
				cases = append(cases,
					[]Op{at, {Code: OpAmo, Aux: kind, Size: size, Dst: 3, A: 5, B: 1}},
					[]Op{at, {Code: OpAmo, Aux: kind, Size: size, Dst: RegSink, A: 5, B: 1}})
			}
			cases = append(cases,
				[]Op{at, {Code: OpCas, Size: size, Dst: 3, A: 5, B: 1, C: 2}},
				[]Op{at, {Code: loads[size], Dst: 2, A: 5}, {Code: OpCas, Size: size, Dst: 2, A: 5, B: 1, C: 2}})
			if size < 4 {
				continue
			}
			lr := Op{Code: OpLR, Size: size, Dst: 2, A: 5}
			sc := Op{Code: OpSC, Size: size, Dst: 3, A: 5, B: 1}
			scArm := sc
			scArm.Aux = SCAlignFirst
			other := Op{Code: OpAddI, Dst: 6, A: regDataBase, Imm: 64}
			cases = append(cases,
				[]Op{at, lr, sc},     // succeeds
				[]Op{at, lr, scArm},  // succeeds, alignment checked first
				[]Op{at, sc},         // no reservation
				[]Op{at, lr, sc, sc}, // the second has none left
				[]Op{at, lr, {Code: map[uint8]Code{4: OpStore32, 8: OpStore64}[size], A: 5, B: 1}, sc}, // changed (a store): fails
				[]Op{at, other, lr, {Code: OpSC, Size: size, Dst: 3, A: 6, B: 1}},                      // another address
				[]Op{at, lr, {Code: OpSC, Size: 12 - size, Dst: 3, A: 5, B: 1}},                        // another size
				[]Op{at, {Code: OpAddI, Dst: 7, A: 5, Imm: 1}, lr, {Code: OpSC, Size: size, Dst: 3, A: 7, B: 1, Aux: SCAlignFirst}})
		}
	}
	for i, ops := range cases {
		s := script{scriptCode: append(ops, Op{Code: OpSyscall, Imm: scriptCode + 4})}
		for seed := int64(1); seed <= 4; seed++ {
			want := runScript(t, s, JITOff, seed)
			got := runScript(t, s, JITForce, seed)
			if d := diffRuns(want, got); d != "" {
				t.Fatalf("case %d seed %d: %s\n%s", i, seed, d, dumpScript(s))
			}
		}
	}
}
