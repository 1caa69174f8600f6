package aarch64

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"

	"github.com/gemu-project/gemu/internal/testenv"
	"github.com/gemu-project/gemu/translate"
)

// A differential tester against qemu-aarch64: random instructions (one
// decode row picked at random, its open bits random) run from random
// register state inside a harness program that loads every register,
// runs the case and stores every register back; the same ELF runs under
// qemu-user and in-process on our engine, and the dumps must agree.
//
// GEMU_DIFF_N sets the number of cases compared (default 300), GEMU_DIFF_SEED the
// seed, GEMU_DIFF_ROWS a comma-separated list of row names to draw from.

const (
	dtCode    = 0x400000
	dtData    = 0x1000000
	dtPad     = 0x20000 // beyond the reach of immediate offsets from scratch pointers
	dtState   = 0x320   // X0..X30, SP, NZCV, FPCR, FPSR, pad, V0..V31
	dtScratch = 0x200
	dtStride  = 2 * dtState
	dtOffNZCV = 0x100
	dtOffV    = 0x120
)

// Harness encodings (checked against arm64asm in TestHarnessEncodings).
func encLdrLit(rt uint32, off int32) uint32 { return 0x58000000 | uint32(off/4)&0x7ffff<<5 | rt }
func encLdp(rt, rt2, rn uint32, imm int) uint32 {
	return 0xa9400000 | uint32(imm/8)&0x7f<<15 | rt2<<10 | rn<<5 | rt
}
func encStp(rt, rt2, rn uint32, imm int) uint32 {
	return 0xa9000000 | uint32(imm/8)&0x7f<<15 | rt2<<10 | rn<<5 | rt
}
func encLdrX(rt, rn uint32, imm int) uint32 { return 0xf9400000 | uint32(imm/8)<<10 | rn<<5 | rt }
func encStrX(rt, rn uint32, imm int) uint32 { return 0xf9000000 | uint32(imm/8)<<10 | rn<<5 | rt }
func encLdrQ(rt, rn uint32, imm int) uint32 { return 0x3dc00000 | uint32(imm/16)<<10 | rn<<5 | rt }
func encStrQ(rt, rn uint32, imm int) uint32 { return 0x3d800000 | uint32(imm/16)<<10 | rn<<5 | rt }
func encMSR(key, rt uint32) uint32          { return 0xd5100000 | key<<5 | rt }
func encMRS(key, rt uint32) uint32          { return 0xd5300000 | key<<5 | rt }
func encMovToSP(rn uint32) uint32           { return 0x91000000 | rn<<5 | 31 }
func encMovFromSP(rd uint32) uint32         { return 0x91000000 | 31<<5 | rd }
func encMovz(rd, imm uint32) uint32         { return 0xd2800000 | imm<<5 | rd }
func encB(off int32) uint32                 { return 0x14000000 | uint32(off/4)&0x3ffffff }

type dtCase struct {
	insns []uint32
	state [dtState]byte
}

// loadAddr emits "ldr rt, 1f; b 2f; 1: .quad v; 2:".
func loadAddr(code []uint32, rt uint32, v uint64) []uint32 {
	return append(code, encLdrLit(rt, 8), encB(12), uint32(v), uint32(v>>32))
}

var dtSysKeys = []uint32{sysNZCV, sysFPCR, sysFPSR}

// caseCode is the harness around one case: restore state, run, dump.
func caseCode(code []uint32, c *dtCase, st, dump uint64) []uint32 {
	code = loadAddr(code, 28, st)
	for i := uint32(0); i < 32; i++ {
		code = append(code, encLdrQ(i, 28, dtOffV+16*int(i)))
	}
	for i, k := range dtSysKeys {
		code = append(code, encLdrX(0, 28, dtOffNZCV+8*i), encMSR(k, 0))
	}
	code = append(code, encLdrX(0, 28, 0xf8), encMovToSP(0))
	for i := uint32(0); i < 28; i += 2 {
		code = append(code, encLdp(i, i+1, 28, 8*int(i)))
	}
	code = append(code, encLdp(29, 30, 28, 8*29))
	code = append(code, c.insns...)
	code = loadAddr(code, 28, dump)
	for i := uint32(0); i < 28; i += 2 {
		code = append(code, encStp(i, i+1, 28, 8*int(i)))
	}
	code = append(code, encStp(29, 30, 28, 8*29), encMovFromSP(0), encStrX(0, 28, 0xf8))
	for i, k := range dtSysKeys {
		code = append(code, encMRS(k, 0), encStrX(0, 28, dtOffNZCV+8*i))
	}
	for i := uint32(0); i < 32; i++ {
		code = append(code, encStrQ(i, 28, dtOffV+16*int(i)))
	}
	return code
}

// dtProgram lays out code and data and returns the ELF image, the data
// segment's initial bytes, and each case's code range.
func dtProgram(cases []*dtCase) (img []byte, data []byte, ranges [][2]uint64) {
	data = make([]byte, dtLayoutSize(len(cases)))
	rng := rand.New(rand.NewSource(int64(len(cases))))
	rng.Read(data)
	var code []uint32
	for i, c := range cases {
		st := uint64(dtStateOff(len(cases), i))
		copy(data[st:], c.state[:])
		clear(data[st+dtState : st+2*dtState])
		start := dtCode + 4*uint64(len(code))
		code = caseCode(code, c, dtData+st, dtData+st+dtState)
		ranges = append(ranges, [2]uint64{start, dtCode + 4*uint64(len(code))})
	}
	code = append(code, encMovz(8, 64), encMovz(0, 1))
	code = loadAddr(code, 1, dtData)
	code = loadAddr(code, 2, uint64(len(data)))
	code = append(code, svc0, encMovz(8, 94), encMovz(0, 0), svc0)
	return buildELF(code, data), data, ranges
}

// The data segment: pad, per-case scratch areas, pad, per-case state and
// dump blocks, pad. Random stores relative to the scratch pointers cannot
// reach the register dumps, and scratch addresses do not depend on the
// number of cases.
func dtLayoutSize(n int) int { return 3*dtPad + n*(dtStride+dtScratch) }

func dtStateOff(n, i int) int { return 2*dtPad + n*dtScratch + i*dtStride }

func dtScratchOff(i int) int { return dtPad + i*dtScratch }

// buildELF writes a static ELF64 executable with a code and a data segment.
func buildELF(code []uint32, data []byte) []byte {
	var text []byte
	for _, w := range code {
		text = binary.LittleEndian.AppendUint32(text, w)
	}
	const hdr = 0x1000
	dataOff := (hdr + uint64(len(text)) + 0xfff) &^ 0xfff
	// Whole pages: QEMU maps the file, and a page past its end is SIGBUS.
	out := make([]byte, (dataOff+uint64(len(data))+0xfff)&^0xfff)
	le := binary.LittleEndian
	copy(out, []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0})
	le.PutUint16(out[16:], uint16(elf.ET_EXEC))
	le.PutUint16(out[18:], uint16(elf.EM_AARCH64))
	le.PutUint32(out[20:], 1)
	le.PutUint64(out[24:], dtCode)
	le.PutUint64(out[32:], 64)
	le.PutUint16(out[52:], 64)
	le.PutUint16(out[54:], 56)
	le.PutUint16(out[56:], 2)
	ph := func(i int, off, vaddr, size uint64, flags elf.ProgFlag) {
		p := out[64+56*i:]
		le.PutUint32(p[0:], uint32(elf.PT_LOAD))
		le.PutUint32(p[4:], uint32(flags))
		le.PutUint64(p[8:], off)
		le.PutUint64(p[16:], vaddr)
		le.PutUint64(p[24:], vaddr)
		le.PutUint64(p[32:], size)
		le.PutUint64(p[40:], size)
		le.PutUint64(p[48:], 0x1000)
	}
	ph(0, hdr, dtCode, uint64(len(text)), elf.PF_R|elf.PF_X)
	ph(1, dataOff, dtData, uint64(len(data)), elf.PF_R|elf.PF_W)
	copy(out[hdr:], text)
	copy(out[dataOff:], data)
	return out
}

// runOurs runs the program in-process. It returns the data segment at the
// write system call and the indexes of the cases that faulted (execution
// skips to the next case after a fault).
func runOurs(t *testing.T, img, data []byte, ranges [][2]uint64) ([]byte, []int) {
	f, err := elf.NewFile(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	as, err := translate.NewAddressSpace(1 << 32)
	if err != nil {
		t.Fatal(err)
	}
	defer as.Close()
	for _, p := range f.Progs {
		prot := translate.ProtRead | translate.ProtWrite
		if p.Flags&elf.PF_X != 0 {
			prot = translate.ProtRead | translate.ProtExec
		}
		length := (p.Memsz + 0xfff) &^ 0xfff
		if _, err := as.Map(translate.MapSpec{Addr: p.Vaddr, Length: length, Prot: prot, Fixed: true, FD: -1}); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, p.Filesz)
		p.ReadAt(buf, 0)
		as.WriteForce(p.Vaddr, buf)
	}
	a := &Arch{model: models["max"]}
	e := translate.NewEngine(a, as)
	c := e.NewCPU()
	a.ResetCPU(c, dtCode, 0)
	var bad []int
	for {
		k := e.Run(c)
		if k == translate.ExitSyscall {
			break
		}
		i := sort.Search(len(ranges), func(i int) bool { return ranges[i][1] > c.PC })
		if i == len(ranges) || c.PC < ranges[i][0] {
			t.Fatalf("harness fault outside a case: exit %d at %#x %+v", k, c.PC, c.Exit)
		}
		bad = append(bad, i)
		if i+1 < len(ranges) {
			c.PC = ranges[i+1][0]
		} else {
			c.PC = ranges[i][1]
		}
	}
	out := make([]byte, len(data))
	as.Read(dtData, out)
	return out, bad
}

func runQEMU(t *testing.T, img []byte) ([]byte, error) {
	dir := t.TempDir()
	p := filepath.Join(dir, "diff.elf")
	if err := os.WriteFile(p, img, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := osexec.Command("qemu-aarch64", "-cpu", "max", p)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("qemu-aarch64: %v: %s", err, errb.String())
	}
	return out.Bytes(), nil
}

// qemuCulprit finds the first case whose prefix makes QEMU fail; the
// cases after the prefix are emptied so the layout stays the same.
func qemuCulprit(t *testing.T, cases []*dtCase) int {
	lo, hi := 1, len(cases) // the prefix of length hi fails
	for lo < hi {
		mid := (lo + hi) / 2
		trial := append([]*dtCase(nil), cases[:mid]...)
		for _, c := range cases[mid:] {
			trial = append(trial, &dtCase{state: c.state})
		}
		img, _, _ := dtProgram(trial)
		if _, err := runQEMU(t, img); err != nil {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return hi - 1
}

// Interesting values for random register state.
var dtInts = []uint64{0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
	0xffffffff, 0x100000000, 1 << 63, 1<<63 - 1, ^uint64(0), ^uint64(1), 63, 64, 31, 32}

var dtF64 = []uint64{0, 1 << 63, 0x3ff0000000000000, 0xbff0000000000000, 0x7ff0000000000000,
	0xfff0000000000000, 0x7ff8000000000000, 0x7ff4000000000000, 0x0000000000000001, 0x000fffffffffffff,
	0x7fefffffffffffff, 0x4000000000000000, 0x3fe0000000000000, 0x4330000000000000, 0x43e0000000000000,
	0xc3e0000000000000, 0x41dfffffffc00000, 0x3ff8000000000000, 0x4004000000000000}

var dtF32 = []uint32{0, 1 << 31, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000,
	0x00000001, 0x007fffff, 0x7f7fffff, 0x40000000, 0x3f000000, 0x4b000000, 0x4f000000, 0xcf000000,
	0x3fc00000, 0x40200000, 0x3effffff}

func randReg(r *rand.Rand) uint64 {
	switch r.Intn(4) {
	case 0:
		return dtInts[r.Intn(len(dtInts))]
	case 1:
		return uint64(int64(r.Intn(33) - 16))
	}
	return r.Uint64()
}

func randVecHalf(r *rand.Rand) uint64 {
	switch r.Intn(5) {
	case 0:
		return dtF64[r.Intn(len(dtF64))]
	case 1:
		return uint64(dtF32[r.Intn(len(dtF32))]) | uint64(dtF32[r.Intn(len(dtF32))])<<32
	case 2:
		v := uint64(0)
		for i := 0; i < 8; i++ {
			v |= uint64(dtInts[r.Intn(len(dtInts))]&0xff) << (8 * i)
		}
		return v
	}
	return r.Uint64()
}

func randState(r *rand.Rand, st *[dtState]byte, scratch uint64) {
	le := binary.LittleEndian
	for i := 0; i < 31; i++ {
		v := randReg(r)
		if i >= 20 && i < 28 {
			v = scratch + uint64(64*(i-20))
		}
		le.PutUint64(st[8*i:], v)
	}
	le.PutUint64(st[0xf8:], scratch+256)
	le.PutUint64(st[dtOffNZCV:], uint64(r.Intn(16))<<28)
	if r.Intn(4) == 0 {
		le.PutUint64(st[dtOffNZCV+8:], uint64(r.Intn(16))<<22)
	}
	for i := 0; i < 64; i++ {
		le.PutUint64(st[dtOffV+8*i:], randVecHalf(r))
	}
}

// dtRows are the rows random cases draw from: no control flow, system or
// exception instructions.
func dtRows(filter string) []*row {
	skip := map[string]bool{"B": true, "CBZ": true, "TBZ": true, "BR": true, "BLR": true, "RET": true,
		"ERET": true, "DRPS": true, "SVC": true, "HVC": true, "SMC": true, "BRK": true, "HLT": true,
		"DCPS1": true, "UDF": true, "HINT": true, "CLREX": true, "DSB": true, "DMB": true, "ISB": true,
		"MSR": true, "SYS": true, "SYSL": true, "MRS": true, "CFINV": false}
	want := map[string]bool{}
	for _, n := range strings.Split(filter, ",") {
		if n != "" {
			want[n] = true
		}
	}
	var out []*row
	for _, r := range allRows() {
		if skip[r.name()] || (len(want) > 0 && !want[r.name()]) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// cryptoFeats are the crypto extensions' rows: one row per instruction
// there, where other rows are whole encoding classes, so they are drawn
// a sixth as often as the others (GEMU_DIFF_ROWS=AESE,SHA256H,… for them alone).
const cryptoFeats = featAES | featPMULL | featSHA1 | featSHA256 | featSHA512 | featSHA3

func randInsn(r *rand.Rand, rows []*row) uint32 {
	for {
		rw := rows[r.Intn(len(rows))]
		if rw.feat&cryptoFeats != 0 && r.Intn(6) != 0 {
			continue
		}
		x := rw.match | r.Uint32()&^rw.mask
		if rw.name() == "LDR" && x&0x3b000000 == 0x18000000 { // literal: stay near the case
			x = x&^(0x7ffff<<5) | uint32(r.Intn(512)-256)&0x7ffff<<5
		}
		if _, ok := decodeOnly(x, models["max"]); !ok {
			continue
		}
		// LDP and LDXP with Rt == Rt2 are CONSTRAINED UNPREDICTABLE.
		if (x&0x3a400000 == 0x28400000 || x&0xbf600000 == 0x88600000) && x&31 == x>>10&31 {
			continue
		}
		// X28 holds the harness's state pointer.
		if x&31 == 28 || x>>5&31 == 28 || x>>16&31 == 28 || x>>10&31 == 28 {
			continue
		}
		return x
	}
}

// withPartner follows half the AESE/AESD words with the AESMC/AESIMC of
// their result, the pair the translator fuses.
func withPartner(r *rand.Rand, x uint32) []uint32 {
	if x&0xffffec00 != 0x4e284800 || r.Intn(2) == 0 {
		return []uint32{x}
	}
	return []uint32{x, 0x4e286800 | x&0x1000<<1 | x&31<<5 | x&31}
}

func disasm(x uint32) string {
	s, _ := (&Arch{}).Disassemble(binary.LittleEndian.AppendUint32(nil, x), 0)
	return s
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func TestDiffQEMU(t *testing.T) {
	testenv.NeedTool(t, "qemu-aarch64")
	n, seed := envInt("GEMU_DIFF_N", 300), int64(envInt("GEMU_DIFF_SEED", 1))
	rows := dtRows(os.Getenv("GEMU_DIFF_ROWS"))
	r := rand.New(rand.NewSource(seed))
	// Cases that fault (random addresses) are dropped: batches go on until
	// n cases have been compared.
	for done := 0; done < n && !t.Failed(); {
		var cases []*dtCase
		for i := 0; i < min(n-done+n/4+8, 8000); i++ {
			c := &dtCase{}
			for k := 1 + r.Intn(3); k > 0; k-- {
				c.insns = append(c.insns, withPartner(r, randInsn(r, rows))...)
			}
			cases = append(cases, c)
		}
		done += diffCases(t, cases, r)
	}
}

// diffCases runs the cases and returns how many were compared.
func diffCases(t *testing.T, cases []*dtCase, r *rand.Rand) int {
	for _, c := range cases {
		randState(r, &c.state, 0)
	}
	// Drop the cases that fault on our side (random addresses), then
	// compare with QEMU.
	var img, data, ours []byte
	var ranges [][2]uint64
	for {
		for i, c := range cases { // state pointers follow the layout
			randScratch(&c.state, dtData+uint64(dtScratchOff(i)))
		}
		img, data, ranges = dtProgram(cases)
		var bad []int
		ours, bad = runOurs(t, img, data, ranges)
		if len(bad) == 0 {
			break
		}
		for j := len(bad) - 1; j >= 0; j-- {
			cases = append(cases[:bad[j]], cases[bad[j]+1:]...)
		}
	}
	theirs, err := runQEMU(t, img)
	for err != nil {
		i := qemuCulprit(t, cases)
		var sb strings.Builder
		for _, x := range cases[i].insns {
			fmt.Fprintf(&sb, "  %08x  %s\n", x, disasm(x))
		}
		t.Errorf("QEMU faults where we do not (%v):\n%s%s", err, sb.String(), initRegs(cases[i], cases[i].state[:]))
		cases = append(cases[:i], cases[i+1:]...)
		for i, c := range cases {
			randScratch(&c.state, dtData+uint64(dtScratchOff(i)))
		}
		img, data, ranges = dtProgram(cases)
		if ours, _ = runOurs(t, img, data, ranges); true {
			theirs, err = runQEMU(t, img)
		}
	}
	if len(theirs) != len(ours) {
		t.Fatalf("qemu wrote %d bytes, want %d", len(theirs), len(ours))
	}
	fails := 0
	for i, c := range cases {
		off, so := dtStateOff(len(cases), i), dtScratchOff(i)
		o := append(ours[off+dtState:off+dtStride:off+dtStride], ours[so:so+dtScratch]...)
		q := append(theirs[off+dtState:off+dtStride:off+dtStride], theirs[so:so+dtScratch]...)
		if msg := compareCase(c, data[off:off+dtState], o, q); msg != "" {
			t.Error(msg)
			if fails++; fails > 20 {
				t.Fatal("too many mismatches")
			}
		}
	}
	t.Logf("%d cases compared", len(cases))
	return len(cases)
}

func randScratch(st *[dtState]byte, scratch uint64) {
	for i := 20; i < 28; i++ {
		binary.LittleEndian.PutUint64(st[8*i:], scratch+uint64(64*(i-20)))
	}
	binary.LittleEndian.PutUint64(st[0xf8:], scratch+256)
}

func regName(off int) string {
	switch {
	case off < 0xf8:
		return fmt.Sprintf("x%d", off/8)
	case off < 0x100:
		return "sp"
	case off < dtOffV:
		return [4]string{"nzcv", "fpcr", "fpsr", "pad"}[(off-dtOffNZCV)/8]
	case off < dtState:
		return fmt.Sprintf("v%d.%s", (off-dtOffV)/16, [2]string{"lo", "hi"}[(off-dtOffV)/8%2])
	}
	return fmt.Sprintf("scratch+%#x", off-dtState)
}

func compareCase(c *dtCase, init, ours, theirs []byte) string {
	maskAArch32Bits(ours)
	maskAArch32Bits(theirs)
	if bytes.Equal(ours, theirs) {
		return ""
	}
	var sb strings.Builder
	for _, x := range c.insns {
		fmt.Fprintf(&sb, "  %08x  %s\n", x, disasm(x))
	}
	le := binary.LittleEndian
	for off := 0; off+8 <= len(ours); off += 8 {
		o, q := le.Uint64(ours[off:]), le.Uint64(theirs[off:])
		if o != q {
			in := uint64(0)
			if off < len(init) {
				in = le.Uint64(init[off:])
			}
			fmt.Fprintf(&sb, "  %-10s ours %016x qemu %016x (initial %016x)\n", regName(off), o, q, in)
		}
	}
	return "mismatch:\n" + sb.String() + initRegs(c, init)
}

// maskAArch32Bits clears FPCR.Len/Stride and FPSR's AArch32 NZCV in a dump.
// QEMU's max CPU has AArch32 at EL0, where those bits hold state; ours
// are AArch64-only (ID_AA64PFR0_EL1.EL0 = 1), where they are RES0 (ARM ARM
// D17.2.47, D17.2.50). They differ only when a case's random store
// overwrote a later case's saved state.
func maskAArch32Bits(dump []byte) {
	le := binary.LittleEndian
	le.PutUint64(dump[dtOffNZCV+8:], le.Uint64(dump[dtOffNZCV+8:])&^(0x3f<<16))
	le.PutUint64(dump[dtOffNZCV+16:], le.Uint64(dump[dtOffNZCV+16:])&^(0xf<<28))
}

// initRegs lists the initial values of the registers the case names.
func initRegs(c *dtCase, init []byte) string {
	le := binary.LittleEndian
	var sb strings.Builder
	seen := map[uint32]bool{}
	for _, x := range c.insns {
		for _, f := range []uint32{x & 31, x >> 5 & 31, x >> 16 & 31, x >> 10 & 31} {
			if seen[f] {
				continue
			}
			seen[f] = true
			v := le.Uint64(init[8*f:])
			if f == 31 {
				v = le.Uint64(init[0xf8:])
			}
			fmt.Fprintf(&sb, "  init x%d=%016x v%d=%016x:%016x\n", f, v, f,
				le.Uint64(init[dtOffV+16*int(f)+8:]), le.Uint64(init[dtOffV+16*int(f):]))
		}
	}
	fmt.Fprintf(&sb, "  init nzcv=%x fpcr=%x\n", le.Uint64(init[dtOffNZCV:]), le.Uint64(init[dtOffNZCV+8:]))
	return sb.String()
}

func TestHarnessEncodings(t *testing.T) {
	for _, tc := range []struct {
		x    uint32
		want string
	}{
		{encLdrLit(28, 8), "ldr x28, .+0x8"},
		{encLdp(2, 3, 28, 16), "ldp x2, x3, [x28,#16]"},
		{encStp(29, 30, 28, 232), "stp x29, x30, [x28,#232]"},
		{encLdrX(0, 28, 0x108), "ldr x0, [x28,#264]"},
		{encStrX(0, 28, 0xf8), "str x0, [x28,#248]"},
		{encLdrQ(5, 28, 0x120+80), "ldr q5, [x28,#368]"},
		{encStrQ(31, 28, 0x120+16*31), "str q31, [x28,#784]"},
		{encMSR(sysNZCV, 0), "msr s3_3_c4_c2_0, x0"},
		{encMRS(sysFPSR, 0), "mrs x0, s3_3_c4_c4_1"},
		{encMovToSP(0), "mov sp, x0"},
		{encMovFromSP(0), "mov x0, sp"},
		{encMovz(8, 64), "mov x8, #0x40"},
		{encB(12), "b .+0xc"},
	} {
		in, err := arm64asm.Decode(binary.LittleEndian.AppendUint32(nil, tc.x))
		if err != nil {
			t.Errorf("%08x: %v", tc.x, err)
			continue
		}
		if got := arm64asm.GNUSyntax(in); got != tc.want {
			t.Errorf("%08x = %q, want %q", tc.x, got, tc.want)
		}
	}
}
