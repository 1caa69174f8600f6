package aarch64

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/gemu-project/gemu/translate"
)

func fuzzSeeds(f *testing.F) {
	f.Add(words(0xab020020, 0xf9400420, 0x54ffffe1, svc0))
	f.Add(words(0xc85f7c20, 0xc8027c23, 0xf8230020, 0x48247c22))
	f.Add(words(0x1f420c20, 0x9e780020, 0x4e20d420, 0x0cdf7000, 0x4cdf0800))
	f.Add(words(0xd53b0020, 0xd50b7421, 0xd50b7521, 0xd4200000, 0x00000000))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0xd4})
}

// FuzzDecode: decoding, lowering and disassembling arbitrary words never
// panics, and every block ends in a terminator.
func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	m := newMachine(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 512 {
			data = data[:512]
		}
		buf := make([]byte, (len(data)+7)&^3)
		copy(buf, data)
		for _, name := range []string{"max", "v8.0"} {
			for i := 0; i+4 <= len(buf); i += 4 {
				x := binary.LittleEndian.Uint32(buf[i:])
				decodeOnly(x, models[name])
				formatExtra(x, models[name])
			}
		}
		for i := 0; i+4 <= len(buf); i += 4 {
			m.arch.Disassemble(buf[i:], uint64(i))
		}
		if err := m.as.WriteForce(codeBase, buf); err != nil {
			t.Fatal(err)
		}
		for off := 0; off < len(data); off += 4 {
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
	m := newMachine(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1024 {
			data = data[:1024]
		}
		m.load(t, append(data[:len(data):len(data)], 0, 0, 0, 0))
		for i := 0; i < 31; i++ {
			m.c.R[i] = dataBase + uint64(i*64)
		}
		for i := uint32(0); i < 32; i++ {
			m.c.R[vlo(i)], m.c.R[vhi(i)] = uint64(i)*0x3ff0_1234_5678_9abc, ^uint64(i)
		}
		m.c.R[RegSP] = stackTop - 256
		timer := time.AfterFunc(20*time.Millisecond, m.c.RequestExit)
		defer timer.Stop()
		for n := 0; n < 4; n++ {
			if k := m.e.Run(m.c); k != translate.ExitSyscall {
				return
			}
		}
	})
}

func TestDumpRegs(t *testing.T) {
	var c translate.CPU
	c.PC, c.R[0], c.R[RegSP], c.R[RegNZCV] = 0x400000, 1, 0x7ffff000, translate.FlagZ|translate.FlagC
	var sb strings.Builder
	(&Arch{}).DumpRegs(&sb, &c)
	out := sb.String()
	for _, want := range []string{" PC=0000000000400000 X00=0000000000000001 X01=", "\nX02=",
		" SP=000000007ffff000\n", "PSTATE=60000000 -ZC- EL0t\n", "Q31="} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
