package riscv64

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"golang.org/x/arch/riscv64/riscv64asm"
)

// Agreement with golang.org/x/arch/riscv64/riscv64asm. x/arch is not safe
// for concurrent use (a package-level coverage slice), so nothing here
// runs in parallel.

// ourNames is the set of mnemonics our table decodes.
var ourNames = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range allRows() {
		m[r.name] = true
	}
	return m
}()

// xarchName turns an x/arch Op into our mnemonic: lower case, '.' for
// '_', and the AMO ordering suffixes dropped (we ignore aq/rl).
func xarchName(op riscv64asm.Op) string {
	n := strings.ReplaceAll(strings.ToLower(op.String()), "_", ".")
	for _, s := range []string{".aqrl", ".aq", ".rl"} {
		if strings.HasSuffix(n, s) && (strings.HasPrefix(n, "amo") || strings.HasPrefix(n, "lr.") ||
			strings.HasPrefix(n, "sc.")) {
			return strings.TrimSuffix(n, s)
		}
	}
	return n
}

// xarchNorm renders an x/arch instruction in our operand syntax.
func xarchNorm(in riscv64asm.Inst) string {
	name := xarchName(in.Op)
	var ops []string
	for _, a := range in.Args {
		if a == nil {
			break
		}
		ops = append(ops, xarchArg(a, name))
	}
	if len(ops) == 0 {
		return name
	}
	return name + " " + strings.Join(ops, ",")
}

func xarchReg(r riscv64asm.Reg) string {
	if r >= riscv64asm.F0 && r <= riscv64asm.F31 {
		return fmt.Sprintf("f%d", r-riscv64asm.F0)
	}
	return fmt.Sprintf("x%d", r-riscv64asm.X0)
}

func xarchArg(a riscv64asm.Arg, name string) string {
	switch a := a.(type) {
	case riscv64asm.Reg:
		return xarchReg(a)
	case riscv64asm.Simm:
		return fmt.Sprint(a.Imm)
	case riscv64asm.Uimm:
		if name == "lui" || name == "auipc" {
			return fmt.Sprint(a.Imm & 0xfffff)
		}
		return fmt.Sprint(a.Imm)
	case riscv64asm.RegOffset:
		return fmt.Sprintf("%d(%s)", a.Ofs.Imm, xarchReg(a.OfsReg))
	case riscv64asm.RegPtr:
		return strings.ReplaceAll(a.String(), "X", "x")
	case riscv64asm.CSR:
		return fmt.Sprintf("csr%d", uint16(a))
	case riscv64asm.MemOrder:
		return fmt.Sprint(uint8(a))
	}
	return "?" + a.String()
}

// xarchDecode decodes the instruction at the start of b with x/arch.
func xarchDecode(x uint32) (riscv64asm.Inst, bool) {
	var buf [4]byte
	binary.LittleEndian.PutUint32(buf[:], x)
	n := 4
	if x&3 != 3 {
		n = 2
	}
	in, err := riscv64asm.Decode(buf[:n])
	return in, err == nil
}

// exceptionReason explains why our decoder may legitimately disagree with
// x/arch on word x; "" means it must not disagree.
func exceptionReason(x uint32, ours bool) string {
	if x&3 != 3 {
		return rvcReason(uint16(x), ours)
	}
	buildIndex()
	var d inst
	for _, r := range buckets[bucketKey(x)] {
		if x&r.mask == r.match {
			d = inst{row: r, raw: x, rd: uint8(x >> 7 & 31), rs1: uint8(x >> 15 & 31), rm: uint8(x >> 12 & 7)}
			d.imm = extractImm(r.imm, x)
			break
		}
	}
	switch {
	case d.row == nil:
		return ""
	case d.row.flags&flagRM != 0 && (d.rm == 5 || d.rm == 6):
		return "reserved static rounding mode 5/6: illegal"
	case d.row.flags&flagCSR != 0 && !csrKnown(uint32(d.imm)):
		return "CSR not accessible in user mode (or unimplemented): illegal"
	case d.row.flags&flagCSR != 0 && !csrAllowed(&d):
		return "write to a read-only CSR: illegal"
	}
	return ""
}

// rvcReason covers compressed encodings: HINTs (we execute them as the
// no-op they are; x/arch refuses them) and c.unimp.
func rvcReason(x uint16, ours bool) string {
	if x == 0 {
		return "all-zero halfword is defined illegal (x/arch prints c.unimp)"
	}
	if !ours {
		return ""
	}
	rd, rs2 := x>>7&31, x>>2&31
	nz6 := x>>12&1 != 0 || x>>2&31 != 0
	switch x & 0xe003 {
	case 0x0001: // c.addi with imm 0, c.nop with imm != 0
		if !nz6 {
			return "HINT: c.addi with zero immediate"
		}
	case 0x4001: // c.li x0
		if rd == 0 {
			return "HINT: c.li to x0"
		}
	case 0x6001: // c.lui x0
		if rd == 0 {
			return "HINT: c.lui to x0"
		}
	case 0x0002: // c.slli
		if rd == 0 || !nz6 {
			return "HINT: c.slli to x0 or by 0"
		}
	case 0x8001: // c.srli/c.srai/c.andi
		if x&0x0800 == 0 && !nz6 {
			return "HINT: c.srli/c.srai by 0"
		}
	case 0x8002: // c.mv / c.add to x0
		if rd == 0 && rs2 != 0 {
			return "HINT: c.mv/c.add to x0"
		}
	}
	return ""
}

// xarchBug recognizes x/arch v0.32.0 decoding errors confirmed with GNU
// objdump: its c.j offset extractor (arg_c_imm12) takes offset[4:1] from
// inst[5:2] (OR offset[4] from inst[11]) instead of offset[3:1] from
// inst[5:3]. 0xa005 is "c.j 32" (objdump: c.j 20 <.text+0x20>), x/arch
// says 34.
func xarchBug(x uint32, d *inst, ours, theirs bool, theirStr string) string {
	if !ours || !theirs || x&0xe003 != 0xa001 {
		return ""
	}
	buggy := d.imm&^0x1e | int64(x>>2&15<<1|x>>11&1<<4)
	want := fmt.Sprintf("jal x0,%d", buggy)
	if theirStr == want {
		return "x/arch bug: c.j offset[4:1] taken from inst[5:2]"
	}
	return ""
}

type agreement struct {
	t       *testing.T
	reasons map[string]int
	checked int
	fails   int
}

func (a *agreement) check(x uint32) {
	a.t.Helper()
	var d inst
	ours := decode(x, 0, &d)
	xin, xok := xarchDecode(x)
	xin2 := xok && ourNames[xarchName(xin.Op)]
	if !ours && !xin2 {
		return
	}
	a.checked++
	var ourStr, theirStr string
	if ours {
		ourStr = d.String()
	}
	if xin2 {
		theirStr = xarchNorm(xin)
	}
	if ourStr == theirStr {
		return
	}
	if r := exceptionReason(x, ours); r != "" && (!ours || !xin2) {
		a.reasons[r]++
		return
	}
	if r := xarchBug(x, &d, ours, xin2, theirStr); r != "" {
		a.reasons[r]++
		return
	}
	a.fails++
	if a.fails <= 40 {
		other := ""
		if xok && !xin2 {
			other = " (x/arch: " + xin.String() + ", outside our ISA)"
		}
		a.t.Errorf("%#08x: ours %q, x/arch %q%s", x, ourStr, theirStr, other)
	}
}

func (a *agreement) report() {
	keys := make([]string, 0, len(a.reasons))
	for k := range a.reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	a.t.Logf("checked %d encodings", a.checked)
	for _, k := range keys {
		a.t.Logf("  %6d accepted differently: %s", a.reasons[k], k)
	}
}

func TestDecodeAgreesWithXArch16(t *testing.T) {
	a := &agreement{t: t, reasons: map[string]int{}}
	for x := uint32(0); x < 1<<16; x++ {
		if x&3 != 3 {
			a.check(x)
		}
	}
	a.report()
}

func TestDecodeAgreesWithXArch32(t *testing.T) {
	a := &agreement{t: t, reasons: map[string]int{}}
	rng := rand.New(rand.NewSource(1))
	// Every major opcode x funct3 x funct7 with random operand fields.
	for op := uint32(0); op < 32; op++ {
		for f3 := uint32(0); f3 < 8; f3++ {
			for f7 := uint32(0); f7 < 128; f7++ {
				for k := 0; k < 2; k++ {
					x := rng.Uint32()&0x01ff8f80 | f7<<25 | f3<<12 | op<<2 | 3
					a.check(x)
				}
			}
		}
	}
	// Every row of our table, random operands, including rs2 variants.
	for _, r := range allRows() {
		for k := 0; k < 64; k++ {
			a.check(r.match | rng.Uint32()&^r.mask)
		}
	}
	// Random words.
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for i := 0; i < n; i++ {
		a.check(rng.Uint32() | 3)
	}
	a.report()
}

// TestDecodeCoversTable makes sure every row is reachable.
func TestDecodeCoversTable(t *testing.T) {
	for _, r := range allRows() {
		var d inst
		x := r.match
		if r.flags&flagCSR != 0 {
			x |= csrFcsr << 20
		}
		if !decode32(x, &d) || d.row != r {
			got := "nothing"
			if d.row != nil {
				got = d.row.name
			}
			t.Errorf("%s (%#08x) decodes as %s", r.name, x, got)
		}
	}
}
