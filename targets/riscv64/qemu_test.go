package riscv64

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"
	"os"
	osexec "os/exec"
	"path/filepath"
	"testing"

	"github.com/gemu-project/gemu/internal/testenv"
	"github.com/gemu-project/gemu/translate"
)

// Differential test against qemu-riscv64 (docs/design.md "Tests": qemu-user
// as an oracle). Each program loads random register values, runs random
// straight-line instructions from our table, dumps x1..x30, f0..f31 and
// fcsr with write(2) and exits. The same image runs under gemu's
// translator and the dumps must match.

const (
	diffBase    = 0x10000
	diffEntry   = diffBase + 64 + 56 // after the ELF and program headers
	diffInit    = 0                  // data offsets: x table, then f table at +256
	diffFcsr    = 512                // initial fcsr
	diffScratch = 520                // 512 bytes of scratch for loads and stores
	diffDump    = 1032               // output: x[32], f[32], fcsr (in imm12 reach)
	diffDumpLen = 65 * 8
	diffDataLen = diffDump + diffDumpLen
)

// diffProgram builds the code (with the data address in x31).
type diffProgram struct {
	words []uint32
	body  []uint32
	data  []byte
}

func interestingValue(rng *rand.Rand) uint64 {
	vals := []uint64{0, 1, all1, minI64, math.MaxInt64, 0x80000000, 0x7fffffff, 0xffffffff,
		dbl(1), dbl(-2.5), dbl(math.Inf(1)), qnanD, snanD, 1, 0x8000000000000000, dbl(1e300),
		dbl(0x1p-1070), sgl(1.5), sgl(-0.0), qnanS, snanS, sgl(3e38), sgl(1e-40), 0x3f800000,
		dbl(4.5), dbl(-0.5), dbl(2147483647.5), dbl(-9.3e18), sgl(2.5), sgl(-1e10)}
	if rng.Intn(3) == 0 {
		return rng.Uint64()
	}
	return vals[rng.Intn(len(vals))]
}

// diffInsn returns a random instruction we can run in both emulators.
// left is the number of body instructions after this one: branches and
// jal go forward by at most that many, so control stays in the body.
func diffInsn(rng *rand.Rand, rows []*row, left int) uint32 {
	for {
		r := rows[rng.Intn(len(rows))]
		x := r.match | rng.Uint32()&^r.mask
		switch {
		case r.imm == immB:
			off := uint32(4 * (1 + rng.Intn(min(left, 6)+1)))
			x = x&^(0x7f<<25|31<<7) | off>>5&0x3f<<25 | off>>1&15<<8 | off>>11&1<<7
		case r.imm == immJ:
			off := uint32(4 * (1 + rng.Intn(min(left, 6)+1)))
			x = x&^0xfffff000 | off>>1&0x3ff<<21
		case r.args[1] == aMem && r.imm == immI: // loads
			x = x&^(31<<15|0xfff<<20) | 31<<15 | uint32(diffScratch+rng.Intn(504))<<20
		case r.imm == immS:
			off := uint32(diffScratch + rng.Intn(504))
			x = x&^(31<<15|0x7f<<25|31<<7) | 31<<15 | off>>5<<25 | off&31<<7
		case r.args[1] == aPtr || r.args[2] == aPtr: // atomics: address = x31 (aligned)
			x = x&^(31<<15) | 31<<15
		case r.flags&flagCSR != 0:
			x = x&^(0xfff<<20) | csrFflags<<20 // only fflags may be written freely
		}
		if r.flags&flagRM != 0 && x>>12&7 >= 5 {
			x |= 7 << 12 // dynamic
		}
		if r.args[0] == aRd && x>>7&31 == 31 {
			x &^= 1 << 7
		}
		var d inst
		if decode32(x, &d) {
			return x
		}
	}
}

func diffRows() []*row {
	skip := map[string]bool{"jalr": true, "ecall": true, "ebreak": true, "fence.i": true,
		// QEMU 7.2 returns ctz of all 64 bits when the low word is zero
		// (ctzw 0xc004000000000000 gives 50); the ISA says 32. Covered
		// by TestUnary instead.
		"ctzw": true}
	var out []*row
	for _, r := range allRows() {
		if !skip[r.name] {
			out = append(out, r)
		}
	}
	return out
}

func newDiffProgram(rng *rand.Rand, rows []*row, n int) *diffProgram {
	p := &diffProgram{data: make([]byte, diffDataLen)}
	for i := 0; i < diffDump; i += 8 {
		binary.LittleEndian.PutUint64(p.data[i:], interestingValue(rng))
	}
	binary.LittleEndian.PutUint64(p.data[diffFcsr:], uint64(rng.Intn(5))<<5|uint64(rng.Intn(32)))
	// An SC whose size differs from the LR before it is left out: the ISA
	// does not pin that down (we fail it; QEMU 7.2 stores but reports
	// failure). Branches may skip any LR, so a program uses one size for
	// all its LRs and SCs (seed 101 found a branch over an lr.w that left
	// an lr.d's reservation for an sc.w).
	var lrSize uint8
	for len(p.body) < n {
		x := diffInsn(rng, rows, n-1-len(p.body))
		var d inst
		decode32(x, &d)
		switch d.row.name {
		case "lr.w", "lr.d", "sc.w", "sc.d":
			if lrSize == 0 {
				lrSize = d.row.size
			}
			if d.row.size != lrSize {
				continue
			}
		}
		p.body = append(p.body, x)
	}
	return p
}

// image lays out the ELF file: headers, code, data.
func (p *diffProgram) image() []byte {
	codeLen := (len(p.body) + 200) * 4
	dataAddr := uint32(diffEntry+codeLen+4095) &^ 4095
	hi := (dataAddr + 0x800) >> 12
	lo := int32(dataAddr) - int32(hi<<12)
	w := []uint32{U("lui", 31, hi), I("addi", 31, 31, lo)}
	w = append(w, I("ld", 1, 31, diffFcsr), CSR("csrrw", 0, csrFcsr, 1))
	for i := uint32(1); i <= 30; i++ {
		w = append(w, I("ld", i, 31, int32(diffInit+8*i)))
	}
	for i := uint32(0); i < 32; i++ {
		w = append(w, I("fld", i, 31, int32(256+8*i)))
	}
	w = append(w, p.body...)
	for i := uint32(1); i <= 30; i++ {
		w = append(w, S("sd", i, 31, int32(diffDump+8*i)))
	}
	for i := uint32(0); i < 32; i++ {
		w = append(w, S("fsd", i, 31, int32(diffDump+256+8*i)))
	}
	w = append(w, CSR("csrrs", 1, csrFcsr, 0), S("sd", 1, 31, diffDump+512),
		I("addi", 10, 0, 1), I("addi", 11, 31, 0),
		I("addi", 12, 0, diffDataLen), I("addi", 17, 0, 64), ecall,
		I("addi", 10, 0, 0), I("addi", 17, 0, 93), ecall)
	p.words = w
	img := make([]byte, int(dataAddr-diffBase)+len(p.data))
	writeELFHeaders(img, uint64(len(img)))
	for i, x := range w {
		binary.LittleEndian.PutUint32(img[diffEntry-diffBase+4*i:], x)
	}
	copy(img[dataAddr-diffBase:], p.data)
	return img
}

// writeELFHeaders writes a static ELF64 RISC-V executable header with one
// RWX PT_LOAD covering the whole file at diffBase (ELF-64 Object File
// Format; RISC-V ELF psABI for e_machine 243 and e_flags RVC|double ABI).
func writeELFHeaders(img []byte, size uint64) {
	le := binary.LittleEndian
	copy(img, "\x7fELF\x02\x01\x01")
	le.PutUint16(img[16:], 2)   // ET_EXEC
	le.PutUint16(img[18:], 243) // EM_RISCV
	le.PutUint32(img[20:], 1)
	le.PutUint64(img[24:], diffEntry)
	le.PutUint64(img[32:], 64) // e_phoff
	le.PutUint32(img[48:], 5)  // EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE
	le.PutUint16(img[52:], 64)
	le.PutUint16(img[54:], 56)
	le.PutUint16(img[56:], 1)
	ph := img[64:]
	le.PutUint32(ph[0:], 1) // PT_LOAD
	le.PutUint32(ph[4:], 7) // RWX
	le.PutUint64(ph[16:], diffBase)
	le.PutUint64(ph[24:], diffBase)
	le.PutUint64(ph[32:], size)
	le.PutUint64(ph[40:], size)
	le.PutUint64(ph[48:], 0x1000)
}

// runOurs runs the image on the translator up to the write syscall.
func runOurs(t *testing.T, img []byte) []byte {
	as, err := translate.NewAddressSpace(1 << 32)
	if err != nil {
		t.Fatal(err)
	}
	defer as.Close()
	n := uint64(len(img)+4095) &^ 4095
	if _, err := as.Map(translate.MapSpec{Addr: diffBase, Length: n, Prot: 7, Fixed: true, FD: -1}); err != nil {
		t.Fatal(err)
	}
	as.WriteForce(diffBase, img)
	a := &Arch{}
	e := translate.NewEngine(a, as)
	c := e.NewCPU()
	a.ResetCPU(c, diffEntry, 0)
	if k := e.Run(c); k != translate.ExitSyscall || c.R[17] != 64 {
		return []byte(fmt.Sprintf("exit %v %+v at %#x", k, c.Exit, c.PC))
	}
	out := make([]byte, diffDataLen)
	as.Read(c.R[11], out)
	return out
}

func TestDifferentialQEMU(t *testing.T) {
	qemu := testenv.NeedTool(t, "qemu-riscv64")
	dir := t.TempDir()
	// GEMU_DIFF_N (programs, default 60) and GEMU_DIFF_SEED (default 7)
	// run a longer campaign: make difftest.
	progs, seed := 60, int64(7)
	if testing.Short() {
		progs = 10
	}
	if v := os.Getenv("GEMU_DIFF_N"); v != "" {
		fmt.Sscan(v, &progs)
	}
	if v := os.Getenv("GEMU_DIFF_SEED"); v != "" {
		fmt.Sscan(v, &seed)
	}
	rng := rand.New(rand.NewSource(seed))
	rows := diffRows()
	run := func(p *diffProgram) (got, want []byte) {
		img := p.image()
		path := filepath.Join(dir, "prog")
		if err := os.WriteFile(path, img, 0o755); err != nil {
			t.Fatal(err)
		}
		want, err := osexec.Command(qemu, "-cpu", "rv64,zba=on,zbb=on,zbs=on", path).Output()
		if err != nil {
			t.Fatalf("qemu: %v", err)
		}
		return runOurs(t, img), want
	}
	for i := 0; i < progs; i++ {
		p := newDiffProgram(rng, rows, 80)
		if got, want := run(p); !bytes.Equal(got, want) {
			// Find the shortest failing prefix and report its last instruction.
			full := p.body
			lo, hi := 0, len(full) // prefix lo agrees, prefix hi differs
			for hi-lo > 1 {
				mid := (lo + hi) / 2
				p.body = full[:mid]
				if g, w := run(p); bytes.Equal(g, w) {
					lo = mid
				} else {
					hi = mid
				}
			}
			p.body = full[:hi]
			got, want = run(p)
			p.body = full[:lo]
			_, before := run(p)
			t.Logf("program %d of seed %d", i, seed)
			reportDiff(t, full[:hi], before, got, want)
			return
		}
	}
	t.Logf("%d programs of 80 instructions agree with qemu-riscv64 (seed %d)", progs, seed)
}

// dumpReg reads register i (x0..x31, f0..f31, fcsr) from a data dump.
func dumpReg(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(b[diffDump+8*i:]) }

func regName(i int) string {
	switch {
	case i < 32:
		return fmt.Sprintf("x%d", i)
	case i < 64:
		return fmt.Sprintf("f%d", i-32)
	}
	return "fcsr"
}

// reportDiff shows the first instruction whose result differs, with the
// register state (from qemu) before it.
func reportDiff(t *testing.T, body []uint32, before, got, want []byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("dump sizes differ: gemu %d bytes, qemu %d bytes", len(got), len(want))
	}
	var d inst
	last := body[len(body)-1]
	decode32(last, &d)
	t.Errorf("first difference after %08x %v (rm %d), instruction %d", last, d.String(), last>>12&7, len(body))
	for i := 0; i < 65; i++ {
		if g, w := dumpReg(got, i), dumpReg(want, i); g != w {
			t.Errorf("  %s: gemu %#x, qemu %#x", regName(i), g, w)
		}
	}
	for off := 0; off < diffDump; off += 8 {
		g, w := binary.LittleEndian.Uint64(got[off:]), binary.LittleEndian.Uint64(want[off:])
		if g != w {
			t.Errorf("  memory +%d: gemu %#x, qemu %#x", off, g, w)
		}
	}
	t.Logf("state before: fcsr %#x, memory +0 %#x", dumpReg(before, 64), binary.LittleEndian.Uint64(before))
	if testing.Verbose() {
		for i, x := range body {
			var d inst
			decode32(x, &d)
			t.Logf("  %2d %08x %v", i+1, x, d.String())
		}
	}
	for _, k := range d.row.args {
		var r int
		switch k {
		case aRs1:
			r = int(d.rs1)
		case aRs2:
			r = int(d.rs2)
		case aFs1:
			r = 32 + int(d.rs1)
		case aFs2:
			r = 32 + int(d.rs2)
		case aFs3:
			r = 32 + int(d.rs3)
		default:
			continue
		}
		t.Logf("  %s = %#x", regName(r), dumpReg(before, r))
	}
}
