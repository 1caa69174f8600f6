package seccomp

import (
	"errors"
	"testing"
)

func stmt(code uint16, k uint32) Insn { return Insn{Code: code, K: k} }
func jeq(k uint32, jt, jf uint8) Insn {
	return Insn{Code: clsJMP | jmpJEQ | srcK, Jt: jt, Jf: jf, K: k}
}
func only(nr, ret uint32) []Insn {
	return []Insn{stmt(clsLD|szW|modeABS, 0), jeq(nr, 0, 1), stmt(clsRET, ret), stmt(clsRET, RetAllow)}
}
func data(nr int32, args ...uint64) *Data {
	var a [6]uint64
	copy(a[:], args)
	return NewData(nr, 0xc00000b7, 0x1000, &a)
}
func mustCheck(t *testing.T, p []Insn) []Insn {
	t.Helper()
	c, err := Check(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCheckRefuses lists programs the kernel refuses with EINVAL.
func TestCheckRefuses(t *testing.T) {
	ret := stmt(clsRET, 0)
	for name, p := range map[string][]Insn{
		"empty":             nil,
		"no RET":            {stmt(clsLD|szW|modeABS, 0)},
		"jump out":          {jeq(1, 1, 0), ret},
		"load at 64":        {stmt(clsLD|szW|modeABS, 64), ret},
		"unaligned":         {stmt(clsLD|szW|modeABS, 6), ret},
		"MOD":               {stmt(clsALU|aluMOD|srcK, 3), ret},
		"DIV 0":             {stmt(clsALU|aluDIV|srcK, 0), ret},
		"LSH 32":            {stmt(clsALU|aluLSH|srcK, 32), ret},
		"read before write": {stmt(clsLD|modeMEM, 1), ret},
		"unknown code":      {stmt(0x37, 0), ret},
	} {
		if _, err := Check(p); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Check gave %v, want ErrInvalid", name, err)
		}
	}
}

// TestRun checks loads of both argument words, ALU, scratch memory, LEN
// and division by a zero X (the program ends with 0, KILL_THREAD).
func TestRun(t *testing.T) {
	p := mustCheck(t, []Insn{
		stmt(clsLD|szW|modeABS, 16+4), // args[0] high word
		stmt(clsALU|aluMUL|srcK, 3),
		stmt(clsST, 2),
		stmt(clsLD|szW|modeLEN, 0),
		stmt(clsLDX|modeMEM, 2),
		stmt(clsALU|aluADD|srcX, 0),
		stmt(clsRET|retA, 0),
	})
	if got := Run(p, data(1, 5<<32)); got != 64+15 {
		t.Errorf("Run = %d, want 79", got)
	}
	div := mustCheck(t, []Insn{stmt(clsLDX|modeIMM, 0), stmt(clsALU|aluDIV|srcX, 0), stmt(clsRET, RetAllow)})
	if got := Run(div, data(1)); got != 0 {
		t.Errorf("division by zero X gave %#x, want 0", got)
	}
}

// TestEvalPrecedence: the lowest action as a signed number wins, the
// newest filter on a tie; the chain survives Marshal and Unmarshal.
func TestEvalPrecedence(t *testing.T) {
	f := &Filter{Prog: mustCheck(t, only(7, RetErrno|1))}
	f = &Filter{Prog: mustCheck(t, only(7, RetErrno|2)), Prev: f}
	f = &Filter{Prog: mustCheck(t, only(8, RetKillProcess)), Prev: f, Log: true}
	f = &Filter{Prog: mustCheck(t, only(8, RetTrap)), Prev: f}
	for _, c := range []struct {
		nr   int32
		want uint32
	}{{7, RetErrno | 2}, {8, RetKillProcess}, {9, RetAllow}} {
		if got := f.Eval(data(c.nr)); got != c.want {
			t.Errorf("nr %d: %#x, want %#x", c.nr, got, c.want)
		}
	}
	g, err := Unmarshal(f.Marshal())
	if err != nil || g.Count() != 4 || !g.Prev.Log || g.Eval(data(8)) != RetKillProcess {
		t.Fatalf("round trip: %v, %d filters", err, g.Count())
	}
	if f.PathInsns(10) != 10+4*(4+4) {
		t.Errorf("PathInsns = %d", f.PathInsns(10))
	}
	if !f.HasAncestor(f.Prev.Prev) || f.Prev.HasAncestor(f) {
		t.Error("HasAncestor")
	}
}
