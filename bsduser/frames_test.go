package bsduser

import (
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
	"golang.org/x/arch/riscv64/riscv64asm"
)

// TestSigcodeDisassembly checks the sigcode words against the
// instructions FreeBSD's sigcode has: blr x8 (arm64 only), a0/x0 = sp +
// SF_UC (80), sigreturn (417), exit (1) if it returns, and a branch back (sys/arm64/arm64/sigtramp.S, the
// riscv sigcode in sys/riscv/riscv/locore.S), decoded by x/arch.
func TestSigcodeDisassembly(t *testing.T) {
	cases := []struct {
		name string
		code []byte
		dis  func(w []byte, pc uint64) string
		want []string
	}{
		{"arm64", arm64Machine{}.sigcode(), func(w []byte, pc uint64) string {
			in, err := arm64asm.Decode(w)
			if err != nil {
				return err.Error()
			}
			return arm64asm.GoSyntax(in, pc, nil, nil)
		}, []string{"CALL (R8)", "MOVD RSP, R0", "ADD $80, R0, R0", "MOVD $417, R8", "SVC $0",
			"MOVD $1, R8", "SVC $0", "JMP -4(PC)"}},
		{"riscv64", riscv64Machine{}.sigcode(), func(w []byte, pc uint64) string {
			in, err := riscv64asm.Decode(w)
			if err != nil {
				return err.Error()
			}
			return riscv64asm.GNUSyntax(in)
		}, []string{"mv x10,x2", "addi x10,x10,80", "li x5,417", "ecall", "li x5,1", "ecall", "j -16"}},
	}
	for _, c := range cases {
		var got []string
		for pc := 0; pc < len(c.code); pc += 4 {
			got = append(got, c.dis(c.code[pc:pc+4], uint64(pc)))
		}
		if strings.Join(got, "; ") != strings.Join(c.want, "; ") {
			t.Errorf("%s sigcode:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
