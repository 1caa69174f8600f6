package riscv64

import (
	"encoding/binary"
	"encoding/hex"
	"testing"
	"time"

	"github.com/gemu-project/gemu/translate"
)

func fuzzSeeds(f *testing.F) {
	raw, _ := hex.DecodeString(rvcProgram)
	f.Add(raw)
	f.Add(code(R("add", 3, 1, 2), I("ld", 4, 10, 8), B("bne", 1, 2, -8), ecall).b)
	f.Add(code(F4("fmadd.d", 4, 1, 2, 3, dyn), F("fcvt.w.s", 5, 1, 0, 7), R("amoadd.w", 1, 10, 2)).b)
	f.Add(code(CSR("csrrw", 1, csrFcsr, 2), 0x0000100f, I("jalr", 1, 1, 0)).b)
	f.Add([]byte{0, 0, 0xff, 0xff, 0x73, 0, 0x10, 0})
}

// FuzzDecode: decoding, lowering and disassembling arbitrary bytes never
// panics, and every block ends in a terminator.
func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	m := newMachine(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 512 { // keep executions fast, so minimization is too
			data = data[:512]
		}
		buf := make([]byte, len(data)+4)
		copy(buf, data)
		for i := 0; i+2 <= len(buf); i += 2 {
			x := uint32(binary.LittleEndian.Uint16(buf[i:]))
			if x&3 == 3 && i+4 <= len(buf) {
				x = binary.LittleEndian.Uint32(buf[i:])
			}
			var d inst
			if decode(x, codeBase+uint64(i), &d) {
				_ = d.String()
			}
			if i < 64 { // x/arch is slow; a few are enough to exercise it
				m.arch.Disassemble(buf[i:], uint64(i))
			}
		}
		if err := m.as.WriteForce(codeBase, buf); err != nil {
			t.Fatal(err)
		}
		for off := 0; off < len(data); off += 2 {
			b := m.e.Translate(codeBase + uint64(off))
			if n := len(b.Ops); n == 0 || !b.Ops[n-1].Code.IsTerminator() {
				t.Fatalf("block at +%d does not end in a terminator", off)
			}
		}
	})
}

// FuzzExec runs arbitrary code in a sandbox for a moment: any exit is
// fine, a Go panic is not.
func FuzzExec(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1024 {
			data = data[:1024]
		}
		if len(data) == 0 {
			return
		}
		m := newMachine(t)
		m.load(t, &prog{b: data})
		for i := 1; i < 32; i++ {
			m.c.R[i] = dataBase + uint64(i*64)
		}
		for i := 0; i < 32; i++ {
			m.c.R[RegF0+i] = uint64(i) * 0x3ff0_1234_5678_9abc
		}
		m.c.R[RegSP] = stackTop - 256
		timer := time.AfterFunc(20*time.Millisecond, m.c.RequestExit)
		defer timer.Stop()
		for n := 0; n < 4; n++ {
			k := m.e.Run(m.c)
			if k != translate.ExitSyscall {
				return
			}
		}
	})
}
