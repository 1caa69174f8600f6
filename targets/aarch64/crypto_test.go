package aarch64

import (
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"math/rand"
	"strings"
	"testing"

	"github.com/gemu-project/gemu/internal/testenv"
	"github.com/gemu-project/gemu/translate"
)

// The cryptographic extensions, one instruction at a time: encodings,
// models, and known answers. Whole algorithms driven through the
// instructions are in cryptoalgo_test.go.

// cryptoWords were assembled by GNU as (aarch64-linux-gnu-as
// -march=armv8.2-a+crypto+sha3) and disassembled by its objdump: the
// text is objdump's.
var cryptoWords = []struct {
	x    uint32
	text string
	feat feature
}{
	{0x4e284841, "aese v1.16b, v2.16b", featAES},
	{0x4e285841, "aesd v1.16b, v2.16b", featAES},
	{0x4e286841, "aesmc v1.16b, v2.16b", featAES},
	{0x4e287841, "aesimc v1.16b, v2.16b", featAES},
	{0x5e030041, "sha1c q1, s2, v3.4s", featSHA1},
	{0x5e031041, "sha1p q1, s2, v3.4s", featSHA1},
	{0x5e032041, "sha1m q1, s2, v3.4s", featSHA1},
	{0x5e033041, "sha1su0 v1.4s, v2.4s, v3.4s", featSHA1},
	{0x5e280841, "sha1h s1, s2", featSHA1},
	{0x5e281841, "sha1su1 v1.4s, v2.4s", featSHA1},
	{0x5e034041, "sha256h q1, q2, v3.4s", featSHA256},
	{0x5e035041, "sha256h2 q1, q2, v3.4s", featSHA256},
	{0x5e036041, "sha256su1 v1.4s, v2.4s, v3.4s", featSHA256},
	{0x5e282841, "sha256su0 v1.4s, v2.4s", featSHA256},
	{0xce638041, "sha512h q1, q2, v3.2d", featSHA512},
	{0xce638441, "sha512h2 q1, q2, v3.2d", featSHA512},
	{0xcec08041, "sha512su0 v1.2d, v2.2d", featSHA512},
	{0xce638841, "sha512su1 v1.2d, v2.2d, v3.2d", featSHA512},
	{0xce031041, "eor3 v1.16b, v2.16b, v3.16b, v4.16b", featSHA3},
	{0xce231041, "bcax v1.16b, v2.16b, v3.16b, v4.16b", featSHA3},
	{0xce638c41, "rax1 v1.2d, v2.2d, v3.2d", featSHA3},
	{0xce831441, "xar v1.2d, v2.2d, v3.2d, #5", featSHA3},
	{0x0ee3e041, "pmull v1.1q, v2.1d, v3.1d", featPMULL},
	{0x4ee3e041, "pmull2 v1.1q, v2.2d, v3.2d", featPMULL},
}

// normAsm makes arm64asm's and objdump's spellings comparable.
func normAsm(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.ReplaceAll(s, ".1q", ".q")
}

func TestCryptoDecode(t *testing.T) {
	for _, w := range cryptoWords {
		got, _ := (&Arch{model: models["max"]}).Disassemble(words(w.x), 0)
		if normAsm(got) != normAsm(w.text) {
			t.Errorf("%08x: disassembles to %q, objdump says %q", w.x, got, w.text)
		}
		r := lookup(w.x)
		if r == nil || r.feat != w.feat || !strings.HasPrefix(w.text, strings.ToLower(r.name())) {
			t.Errorf("%08x (%s): row %v", w.x, w.text, r)
		}
		for name, m := range models {
			if _, ok := decodeOnly(w.x, m); ok != m.has(w.feat) {
				t.Errorf("%08x (%s): model %s decodes %v, has feature %v", w.x, w.text, name, ok, m.has(w.feat))
			}
		}
	}
	// Neighbouring reserved encodings stay unallocated: other sizes and
	// opcodes of the SHA classes, SM3/SM4 (not implemented).
	for _, x := range []uint32{0x5e430041, 0x5e037041, 0x5e283841, 0x4e288841, 0x4e684841,
		0xce63c041, 0xcec08441, 0xce431041, 0xce63b041} {
		if r, ok := decodeOnly(x, models["max"]); ok {
			t.Errorf("%08x: reserved, decoded as %s", x, r.name())
		}
	}
}

// TestCryptoInDiffRows: the differential tester against qemu-aarch64
// (diff_test.go) draws the crypto instructions too.
func TestCryptoInDiffRows(t *testing.T) {
	in := map[*row]bool{}
	for _, r := range dtRows("") {
		in[r] = true
	}
	for _, w := range cryptoWords {
		if !in[lookup(w.x)] {
			t.Errorf("%s: not drawn by the differential tester", w.text)
		}
	}
}

// TestCryptoModels: without the feature the instructions are SIGILL;
// HWCAP, ID_AA64ISAR0_EL1 and /proc/cpuinfo follow the model.
func TestCryptoModels(t *testing.T) {
	for _, name := range []string{"v8.0", "cortex-a53", "max"} {
		m := models[name]
		a := &Arch{model: m}
		sb := testenv.NewSandbox(t, a, codeBase, dataBase, dataSize, stackTop)
		for _, w := range cryptoWords {
			sb.AS.WriteForce(codeBase, words(w.x, svc0))
			sb.E.FlushAll()
			a.ResetCPU(sb.CPU, codeBase, stackTop)
			k := sb.E.Run(sb.CPU)
			sigill := k == translate.ExitException && sb.CPU.Exit.Exception == translate.ExcIllegal && sb.CPU.PC == codeBase
			if want := !m.has(w.feat); sigill != want {
				t.Errorf("%s: %s: exit %v %+v, want SIGILL %v", name, w.text, k, sb.CPU.Exit, want)
			}
		}
	}
	for _, tc := range []struct {
		model, cpuinfo string
		isar0          uint64
		hwcap          uint64
	}{
		// qemu-aarch64 7.2 shows the same crypto HWCAP bits and fields for
		// these models (-cpu cortex-a53: HWCAP 0x8fb, ID_AA64ISAR0_EL1
		// 0x11120; checked with getauxval and MRS).
		{"v8.0", "", 0, 0},
		{"cortex-a53", "aes pmull sha1 sha2 crc32", 0x00011120, hwcapAES | hwcapPMULL | hwcapSHA1 | hwcapSHA2},
		{"max", "aes pmull sha1 sha2 crc32", 0x1_0001_2120, hwcapAES | hwcapPMULL | hwcapSHA1 | hwcapSHA2 | hwcapSHA3 | hwcapSHA512},
	} {
		m := models[tc.model]
		const cryptoHW = hwcapAES | hwcapPMULL | hwcapSHA1 | hwcapSHA2 | hwcapSHA3 | hwcapSHA512
		if got := m.hwcap() & cryptoHW; got != tc.hwcap {
			t.Errorf("%s: crypto HWCAP %#x, want %#x", tc.model, got, tc.hwcap)
		}
		// AES, SHA1, SHA2, CRC32 (bits 19:4) and SHA3 (bits 35:32).
		if got := m.idReg(sysIDAA64ISAR0) & 0xf_000f_fff0; got != tc.isar0 {
			t.Errorf("%s: ID_AA64ISAR0_EL1 crypto fields %#x, want %#x", tc.model, got, tc.isar0)
		}
		info := (&Arch{model: m}).CPUInfo(0)
		if !strings.Contains(info, tc.cpuinfo) {
			t.Errorf("%s: cpuinfo lacks %q:\n%s", tc.model, tc.cpuinfo, info)
		}
		for _, f := range []string{" sha3", " sha512"} {
			if strings.Contains(info, f) != (tc.model == "max") {
				t.Errorf("%s: cpuinfo %q presence wrong:\n%s", tc.model, f, info)
			}
		}
	}
}

// vecHex reads a 16-byte vector written as bytes 0..15 in hex.
func vecHex(t *testing.T, s string) vec {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil || len(b) != 16 {
		t.Fatalf("bad vector %q", s)
	}
	return vec{binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])}
}

// runVec runs one instruction with the vector registers set and returns
// the CPU.
func runVec(t *testing.T, x uint32, vs map[uint32]vec) *translate.CPU {
	t.Helper()
	return exec(t, func(c *translate.CPU) {
		for r, v := range vs {
			c.R[vlo(r)], c.R[vhi(r)] = v[0], v[1]
		}
	}, x)
}

func getV(c *translate.CPU, r uint32) vec { return vec{c.R[vlo(r)], c.R[vhi(r)]} }

// TestAESRoundFIPS197 checks round 1 of FIPS-197 Appendix B (the cipher
// example, key 2b7e1516…): AESE with the round-0 key gives the state after
// ShiftRows, AESMC the state after MixColumns; AESD and AESIMC undo them.
func TestAESRoundFIPS197(t *testing.T) {
	input := vecHex(t, "32 43 f6 a8 88 5a 30 8d 31 31 98 a2 e0 37 07 34")
	key0 := vecHex(t, "2b 7e 15 16 28 ae d2 a6 ab f7 15 88 09 cf 4f 3c")
	afterShift := vecHex(t, "d4 bf 5d 30 e0 b4 52 ae b8 41 11 f1 1e 27 98 e5")
	afterMix := vecHex(t, "04 66 81 e5 e0 cb 19 9a 48 f8 d3 7a 28 06 26 4c")
	startRound1 := vecHex(t, "19 3d e3 be a0 f4 e2 2b 9a c6 8d 2a e9 f8 48 08")
	if got := getV(runVec(t, 0x4e284841, map[uint32]vec{1: input, 2: key0}), 1); got != afterShift { // aese v1.16b, v2.16b
		t.Errorf("AESE: %x, want %x", got, afterShift)
	}
	if got := getV(runVec(t, 0x4e286841, map[uint32]vec{2: afterShift}), 1); got != afterMix { // aesmc v1.16b, v2.16b
		t.Errorf("AESMC: %x, want %x", got, afterMix)
	}
	if got := getV(runVec(t, 0x4e287841, map[uint32]vec{2: afterMix}), 1); got != afterShift { // aesimc v1.16b, v2.16b
		t.Errorf("AESIMC: %x, want %x", got, afterShift)
	}
	// AESD with a zero key: InvSubBytes(InvShiftRows(x)) takes the state
	// after ShiftRows back to the start of round 1.
	if got := getV(runVec(t, 0x4e285841, map[uint32]vec{1: afterShift}), 1); got != startRound1 { // aesd v1.16b, v2.16b
		t.Errorf("AESD: %x, want %x", got, startRound1)
	}
	// FIPS-197 §5.1.1 Figure 7 S-box spot values.
	for in, want := range map[byte]byte{0x00: 0x63, 0x01: 0x7c, 0x53: 0xed, 0xff: 0x16, 0x9a: 0xb8} {
		if aesSbox[in] != want || aesInvSbox[want] != in {
			t.Errorf("S-box[%#02x] = %#02x, want %#02x", in, aesSbox[in], want)
		}
	}
}

// refClmul is the carry-less product, bit by bit over a (clmul64 goes by
// nibbles of b).
func refClmul(a, b uint64) (lo, hi uint64) {
	for i := uint(0); i < 64; i++ {
		if a>>i&1 != 0 {
			lo ^= b << i
			if i > 0 {
				hi ^= b >> (64 - i)
			}
		}
	}
	return lo, hi
}

func TestPMULL(t *testing.T) {
	r := rand.New(rand.NewSource(15))
	vals := []uint64{0, 1, 2, 1 << 63, ^uint64(0), 0x87, 0xc200000000000000}
	pick := func() uint64 {
		if r.Intn(3) == 0 {
			return vals[r.Intn(len(vals))]
		}
		return r.Uint64()
	}
	// A known answer: (x^63 + 1)·(x^63 + x) = x^126 + x^64 + x^63 + x.
	if lo, hi := clmul64(1<<63|1, 1<<63|2); lo != 1<<63|2 || hi != 1<<62|1 {
		t.Errorf("clmul64 known answer: %x:%x", hi, lo)
	}
	for i := 0; i < 300; i++ {
		n, m := vec{pick(), pick()}, vec{pick(), pick()}
		for _, q := range []int{0, 1} {
			x := uint32(0x0ee3e041) | uint32(q)<<30 // pmull{2} v1.1q, v2, v3
			c := runVec(t, x, map[uint32]vec{2: n, 3: m})
			lo, hi := refClmul(n[q], m[q])
			if got := getV(c, 1); got != (vec{lo, hi}) {
				t.Fatalf("pmull%d %x * %x = %x, want %x:%x", q+1, n[q], m[q], got, hi, lo)
			}
		}
		// PMULL .8H: eight 8x8 -> 16 products.
		c := runVec(t, 0x0e23e041, map[uint32]vec{2: n, 3: m}) // pmull v1.8h, v2.8b, v3.8b
		var want vec
		for e := 0; e < 8; e++ {
			lo, _ := refClmul(n[0]>>(8*e)&0xff, m[0]>>(8*e)&0xff)
			want[e/4] |= lo << (16 * (e % 4))
		}
		if got := getV(c, 1); got != want {
			t.Fatalf("pmull.8h %x * %x = %x, want %x", n[0], m[0], got, want)
		}
	}
}

var cryptoSemantics = map[string]vecOp{
	"aese": aeseOp, "aesd": aesdOp, "aesmc": aesmc, "aesimc": aesimc,
	"sha1c": sha1c, "sha1p": sha1p, "sha1m": sha1m, "sha1su0": sha1su0, "sha1su1": sha1su1,
	"sha256h": sha256h, "sha256h2": sha256h2, "sha256su0": sha256su0, "sha256su1": sha256su1,
	"sha512h": sha512h, "sha512h2": sha512h2, "sha512su0": sha512su0, "sha512su1": sha512su1,
}

// TestCryptoOperands runs every instruction with random registers, Vd
// sometimes aliasing a source, and compares with the semantic functions.
func TestCryptoOperands(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	ror := func(x uint64, n int) uint64 { return bits.RotateLeft64(x, -n) }
	for i := 0; i < 40; i++ {
		for _, w := range cryptoWords {
			d, n, m, a := uint32(r.Intn(32)), uint32(r.Intn(32)), uint32(r.Intn(32)), uint32(r.Intn(32))
			if r.Intn(3) == 0 {
				d = n
			}
			x := w.x&^(31|31<<5) | n<<5 | d
			if lookup(w.x).mask&(31<<16) == 0 { // three-register forms
				x = x&^(31<<16) | m<<16
			}
			if w.feat == featSHA3 && x&0xffe08000 != 0xce608000 {
				x = x&^(31<<10) | a<<10 // EOR3, BCAX: Va; XAR: imm6 (a < 32)
			}
			vs := map[uint32]vec{}
			for _, reg := range []uint32{a, m, n, d} {
				vs[reg] = vec{r.Uint64(), r.Uint64()}
			}
			vd, vn, vm, va := vs[d], vs[n], vs[m], vs[a]
			var want vec
			name := strings.Fields(w.text)[0]
			switch name {
			case "sha1h": // independent of the semantic function
				want = vec{uint64(bits.RotateLeft32(uint32(vn[0]), 30)), 0}
			case "eor3":
				want = vec{vn[0] ^ vm[0] ^ va[0], vn[1] ^ vm[1] ^ va[1]}
			case "bcax":
				want = vec{vn[0] ^ vm[0]&^va[0], vn[1] ^ vm[1]&^va[1]}
			case "rax1":
				want = vec{vn[0] ^ bits.RotateLeft64(vm[0], 1), vn[1] ^ bits.RotateLeft64(vm[1], 1)}
			case "xar":
				want = vec{ror(vn[0]^vm[0], int(a)), ror(vn[1]^vm[1], int(a))}
			case "pmull", "pmull2":
				q := x >> 30 & 1
				want[0], want[1] = refClmul(vn[q], vm[q])
			default:
				f, ok := cryptoSemantics[name]
				if !ok {
					t.Fatalf("no model for %s", w.text)
				}
				want = f(&vd, &vn, &vm)
			}
			if got := getV(runVec(t, x, vs), d); got != want {
				t.Fatalf("%08x %s (d=%d n=%d m=%d a=%d): %x, want %x", x, disasm(x), d, n, m, a, got, want)
			}
		}
	}
}

// TestAESFusedPairs: AESE+AESMC and AESD+AESIMC on the same register are
// one helper when not first in the block; other pairings stay apart.
func TestAESFusedPairs(t *testing.T) {
	const nop = 0xd503201f
	r := rand.New(rand.NewSource(12))
	for i := 0; i < 20; i++ {
		v1, v2, v3 := vec{r.Uint64(), r.Uint64()}, vec{r.Uint64(), r.Uint64()}, vec{r.Uint64(), r.Uint64()}
		vs := map[uint32]vec{1: v1, 2: v2, 3: v3}
		e, dd := aese(&v1, &v2), aesd(&v1, &v2)
		for _, tc := range []struct {
			name string
			code []uint32
			reg  uint32
			want vec
		}{
			{"aese; aesmc v1, v1", []uint32{nop, 0x4e284841, 0x4e286821}, 1, aesmc(nil, &e, nil)},
			{"aesd; aesimc v1, v1", []uint32{nop, 0x4e285841, 0x4e287821}, 1, aesimc(nil, &dd, nil)},
			{"first in block", []uint32{0x4e284841, 0x4e286821}, 1, aesmc(nil, &e, nil)},
			{"aesmc v3, v1", []uint32{nop, 0x4e284841, 0x4e286823}, 3, aesmc(nil, &e, nil)},
			{"aesmc v1, v3", []uint32{nop, 0x4e284841, 0x4e286861}, 1, aesmc(nil, &v3, nil)},
			{"aese; aesimc v1, v1", []uint32{nop, 0x4e284841, 0x4e287821}, 1, aesimc(nil, &e, nil)},
		} {
			c := exec(t, func(c *translate.CPU) {
				for r, v := range vs {
					c.R[vlo(r)], c.R[vhi(r)] = v[0], v[1]
				}
			}, tc.code...)
			if got := getV(c, tc.reg); got != tc.want {
				t.Fatalf("%s: v%d = %x, want %x", tc.name, tc.reg, got, tc.want)
			}
			if tc.reg == 3 && getV(c, 1) != e {
				t.Fatalf("%s: v1 = %x, want the AESE result %x", tc.name, getV(c, 1), e)
			}
		}
	}
}
