package translate

import (
	"testing"
)

// toy is a 4-byte-per-instruction test ISA: [op, rd, rs, imm8].
type toy struct{}

const (
	toyAddi = 1 // rd = rs + imm
	toyBne  = 2 // if rd != rs goto pc + imm*4
	toyLd   = 3 // rd = mem64[rs + imm]
	toySt   = 4 // mem64[rs + imm] = rd
	toySys  = 5
	toyJr   = 6 // goto rs
)

func (toy) Name() string { return "toy" }

func (toy) Translate(b *Builder) {
	for {
		pc := b.PC()
		w, ok, bad := b.Fetch(pc, 4)
		if !ok {
			if b.insns > 0 {
				b.EndJump(pc)
			} else {
				b.EndFault(ExcProtection, bad)
			}
			return
		}
		op, rd, rs, imm := uint8(w), uint8(w>>8), uint8(w>>16), int64(int8(w>>24))
		switch op {
		case toyAddi:
			b.Emit(Op{Code: OpAddI, Dst: rd, A: rs, Imm: imm})
		case toyBne:
			b.EndBranch(CondNE, rd, rs, pc+uint64(imm*4), pc+4)
		case toyLd:
			b.Emit(Op{Code: OpLoad64, Dst: rd, A: rs, Imm: imm})
		case toySt:
			b.Emit(Op{Code: OpStore64, B: rd, A: rs, Imm: imm})
		case toySys:
			b.Emit(Op{Code: OpSyscall, Imm: int64(pc + 4)})
		case toyJr:
			b.Emit(Op{Code: OpJumpReg, A: rs})
		default:
			b.EndFault(ExcIllegal, pc)
		}
		if b.Ended() {
			b.Next(4)
			return
		}
		b.Next(4)
		if b.Full(b.PC()) {
			b.EndJump(b.PC())
			return
		}
	}
}

func ins(op, rd, rs uint8, imm int8) []byte { return []byte{op, rd, rs, byte(imm)} }

func prog(words ...[]byte) []byte {
	var out []byte
	for _, w := range words {
		out = append(out, w...)
	}
	return out
}

const codeAddr = 0x10000

func newToy(t *testing.T, code []byte, prot int) (*Engine, *CPU) {
	t.Helper()
	as, err := NewAddressSpace(1 << 32)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(as.Close)
	if _, err := as.Map(MapSpec{Addr: codeAddr, Length: PageSize, Prot: prot, Fixed: true, FD: -1}); err != nil {
		t.Fatal(err)
	}
	if err := as.WriteForce(codeAddr, code); err != nil {
		t.Fatal(err)
	}
	e := NewEngine(toy{}, as)
	c := e.NewCPU()
	c.PC = codeAddr
	return e, c
}

func TestLoopAndSyscall(t *testing.T) {
	// r1 = 0; r2 = 100; loop: r1 += 3; r2 -= 1; bne r2, r0, loop; sys
	e, c := newToy(t, prog(ins(toyAddi, 2, 0, 100), ins(toyAddi, 1, 1, 3), ins(toyAddi, 2, 2, -1),
		ins(toyBne, 2, 0, -2), ins(toySys, 0, 0, 0)), ProtRead|ProtExec)
	if k := e.Run(c); k != ExitSyscall {
		t.Fatalf("exit %v, want syscall", k)
	}
	if c.R[1] != 300 || c.R[2] != 0 || c.PC != codeAddr+20 {
		t.Fatalf("r1=%d r2=%d pc=%#x", c.R[1], c.R[2], c.PC)
	}
}

func TestLoadFaultReportsAddressAndPC(t *testing.T) {
	e, c := newToy(t, prog(ins(toyAddi, 1, 0, 0), ins(toyLd, 2, 1, 8)), ProtRead|ProtExec)
	if k := e.Run(c); k != ExitException {
		t.Fatalf("exit %v, want signal", k)
	}
	if c.Exit.Exception != ExcUnmapped || c.Exit.Addr != 8 || c.PC != codeAddr+4 {
		t.Fatalf("got %+v pc=%#x", c.Exit, c.PC)
	}
}

func TestStoreToReadOnlyCodeFaults(t *testing.T) {
	e, c := newToy(t, prog(ins(toyAddi, 1, 0, 0), ins(toyAddi, 3, 0, 0)), ProtRead|ProtExec)
	c.R[1] = codeAddr
	e2 := prog(ins(toySt, 2, 1, 0))
	e.Mem().WriteForce(codeAddr, e2)
	if k := e.Run(c); k != ExitException || c.Exit.Exception != ExcProtection || c.Exit.Addr != codeAddr {
		t.Fatalf("exit %v %+v", k, c.Exit)
	}
}

func TestOutOfRangeAddressFaults(t *testing.T) {
	e, c := newToy(t, prog(ins(toyLd, 2, 1, 0)), ProtRead|ProtExec)
	c.R[1] = 1 << 40
	if k := e.Run(c); k != ExitException || c.Exit.Addr != 1<<40 || c.PC != codeAddr {
		t.Fatalf("exit %v %+v pc=%#x", k, c.Exit, c.PC)
	}
}

func TestIllegalAndFetchFaults(t *testing.T) {
	e, c := newToy(t, prog(ins(99, 0, 0, 0)), ProtRead|ProtExec)
	if k := e.Run(c); k != ExitException || c.Exit.Exception != ExcIllegal || c.PC != codeAddr {
		t.Fatalf("exit %v %+v", k, c.Exit)
	}
	e, c = newToy(t, prog(ins(toySys, 0, 0, 0)), ProtRead)
	if k := e.Run(c); k != ExitException || c.Exit.Exception != ExcProtection || c.Exit.Addr != codeAddr {
		t.Fatalf("non-exec fetch: exit %v %+v", k, c.Exit)
	}
}

func TestSelfModifyingCodeNeedsInvalidate(t *testing.T) {
	e, c := newToy(t, prog(ins(toyAddi, 1, 0, 1), ins(toySys, 0, 0, 0)), ProtRead|ProtWrite|ProtExec)
	e.Run(c)
	if c.R[1] != 1 {
		t.Fatalf("first run r1=%d", c.R[1])
	}
	e.Mem().Write(codeAddr, ins(toyAddi, 1, 0, 2))
	c.PC = codeAddr
	e.Run(c)
	if c.R[1] != 1 {
		t.Fatalf("cached block should still run before invalidation, r1=%d", c.R[1])
	}
	e.Invalidate(codeAddr, codeAddr+4)
	c.PC = codeAddr
	e.Run(c)
	if c.R[1] != 2 {
		t.Fatalf("after invalidate r1=%d, want 2", c.R[1])
	}
}

func TestRemapInvalidatesAndChainsFollow(t *testing.T) {
	// Block A at codeAddr jumps (via full-block split) into code we replace.
	e, c := newToy(t, prog(ins(toyAddi, 1, 0, 5), ins(toyBne, 1, 0, 1), ins(toySys, 0, 0, 0)), ProtRead|ProtExec)
	e.Run(c)
	if c.R[1] != 5 {
		t.Fatal("first run")
	}
	// Map a fresh page over the code (mmap over an existing mapping).
	if _, err := e.Mem().Map(MapSpec{Addr: codeAddr, Length: PageSize, Prot: ProtRead | ProtExec, Fixed: true, FD: -1}); err != nil {
		t.Fatal(err)
	}
	e.Mem().WriteForce(codeAddr, prog(ins(toyAddi, 1, 0, 7), ins(toyBne, 1, 0, 1), ins(toySys, 0, 0, 0)))
	c.PC = codeAddr
	e.Run(c)
	if c.R[1] != 7 {
		t.Fatalf("after remap r1=%d, want 7", c.R[1])
	}
}

func TestIndirectJumpCache(t *testing.T) {
	// r3 = target; loop 50 times jumping through r3.
	code := prog(ins(toyAddi, 2, 0, 50), ins(toyAddi, 2, 2, -1), ins(toyJr, 0, 3, 0), ins(0, 0, 0, 0),
		ins(toyBne, 2, 0, -3), ins(toySys, 0, 0, 0))
	e, c := newToy(t, code, ProtRead|ProtExec)
	c.R[3] = codeAddr + 16
	if k := e.Run(c); k != ExitSyscall || c.R[2] != 0 {
		t.Fatalf("exit %v r2=%d", k, c.R[2])
	}
}

func TestExitRequest(t *testing.T) {
	// An endless loop stops when another goroutine requests an exit.
	e, c := newToy(t, prog(ins(toyAddi, 1, 1, 1), ins(toyBne, 1, 0, -1)), ProtRead|ProtExec)
	go c.RequestExit()
	if k := e.Run(c); k != ExitInterrupt {
		t.Fatalf("exit %v", k)
	}
}

func BenchmarkToyLoop(b *testing.B) {
	// 8 addi + counter decrement + bne per iteration: 10 guest instructions.
	var t testing.T
	code := prog(ins(toyAddi, 2, 0, 100),
		ins(toyAddi, 1, 1, 1), ins(toyAddi, 3, 3, 1), ins(toyAddi, 4, 4, 1), ins(toyAddi, 5, 5, 1),
		ins(toyAddi, 6, 6, 1), ins(toyAddi, 7, 7, 1), ins(toyAddi, 8, 8, 1), ins(toyAddi, 9, 9, 1),
		ins(toyAddi, 2, 2, -1), ins(toyBne, 2, 0, -9), ins(toySys, 0, 0, 0))
	e, c := newToy(&t, code, ProtRead|ProtExec)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.PC = codeAddr
		e.Run(c)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/insn")
}
