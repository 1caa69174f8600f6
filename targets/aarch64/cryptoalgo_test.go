package aarch64

import (
	"bytes"
	"crypto/aes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"math/big"
	"math/rand"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// Whole algorithms driven through the crypto instructions: guest programs
// that compress SHA-1, SHA-256 and SHA-512 blocks, encrypt and decrypt AES
// blocks and run Keccak-f[1600], in the instruction sequences the ARM ARM
// describes for them, on the engine. The results must equal Go's crypto
// packages, and the constants are derived here from their definitions
// (FIPS 180-4 §4.2, FIPS 202 §3.2), not copied.

// Encodings of the vector instructions the programs use besides the
// crypto ones (checked against arm64asm in TestCryptoProgramEncodings).
const (
	insAdd4S   = 0x4ea08400 // add vd.4s, vn.4s, vm.4s
	insAdd2D   = 0x4ee08400 // add vd.2d, vn.2d, vm.2d
	insOrr16B  = 0x4ea01c00 // orr vd.16b, vn.16b, vm.16b (mov with n = m)
	insEor16B  = 0x6e201c00 // eor vd.16b, vn.16b, vm.16b
	insExt16B  = 0x6e000000 // ext vd.16b, vn.16b, vm.16b, #imm4 (bits 14:11)
	insRev32   = 0x6e200800 // rev32 vd.16b, vn.16b
	insRev64   = 0x4e200800 // rev64 vd.16b, vn.16b
	insSHA1C   = 0x5e000000
	insSHA1P   = 0x5e001000
	insSHA1M   = 0x5e002000
	insSHA1SU0 = 0x5e003000
	insSHA1H   = 0x5e280800
	insSHA1SU1 = 0x5e281800
	insSHA256H = 0x5e004000
	insSHA2H2  = 0x5e005000
	insSHA2SU1 = 0x5e006000
	insSHA2SU0 = 0x5e282800
	insSHA5H   = 0xce608000
	insSHA5H2  = 0xce608400
	insSHA5SU1 = 0xce608800
	insSHA5SU0 = 0xcec08000
	insAESE    = 0x4e284800
	insAESD    = 0x4e285800
	insAESMC   = 0x4e286800
	insAESIMC  = 0x4e287800
	insEOR3    = 0xce000000 // Va in bits 14:10
	insBCAX    = 0xce200000
	insRAX1    = 0xce608c00
	insXAR     = 0xce800000 // imm6 in bits 15:10
)

func rrr(base, d, n, m uint32) uint32 { return base | m<<16 | n<<5 | d }

// cprog is a guest program under construction: code, and data that
// LDR Q loads through X1 (the data base).
type cprog struct {
	code []uint32
	data []byte
}

func (p *cprog) op(xs ...uint32)           { p.code = append(p.code, xs...) }
func (p *cprog) mov(d, n uint32)           { p.op(rrr(insOrr16B, d, n, n)) }
func (p *cprog) ext(d, n, m, bytes uint32) { p.op(rrr(insExt16B, d, n, m) | bytes<<11) }

// loadQ appends 16 bytes of data and loads them into Vt.
func (p *cprog) loadQ(t uint32, b []byte) {
	if len(b) != 16 {
		panic("loadQ wants 16 bytes")
	}
	p.op(encLdrQ(t, 1, len(p.data)))
	p.data = append(p.data, b...)
}

// loadMessage loads a message block into V(first) on, its big-endian
// words made native by rev (REV32 or REV64).
func (p *cprog) loadMessage(block []byte, first, rev uint32) {
	for i := uint32(0); i < uint32(len(block)/16); i++ {
		p.loadQ(first+i, block[16*i:16*i+16])
		p.op(rrr(rev, first+i, first+i, 0))
	}
}

func (p *cprog) loadWords32(t uint32, w ...uint32) {
	var b []byte
	for _, x := range w {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	p.loadQ(t, b)
}

func (p *cprog) loadWords64(t uint32, w ...uint64) {
	var b []byte
	for _, x := range w {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	p.loadQ(t, b)
}

// run executes the program on a max CPU with the vector registers vs set
// and returns the CPU.
func (p *cprog) run(t *testing.T, vs map[uint32]vec) *translate.CPU {
	t.Helper()
	if len(p.data) > dataSize {
		t.Fatalf("program data %d bytes", len(p.data))
	}
	m := newMachine(t)
	if err := m.as.WriteForce(dataBase, p.data); err != nil {
		t.Fatal(err)
	}
	k := m.run(t, words(append(p.code, svc0)...), func(c *translate.CPU) {
		c.R[1] = dataBase
		for r, v := range vs {
			c.R[vlo(r)], c.R[vhi(r)] = v[0], v[1]
		}
	})
	if k != translate.ExitSyscall {
		t.Fatalf("exit %v (%+v) at pc %#x", k, m.c.Exit, m.c.PC)
	}
	return m.c
}

// rootFraction returns the first 64 bits of the fractional part of the
// n-th root of p (FIPS 180-4 §4.2.2, §4.2.3, §5.3.2, §5.3.5), by Newton's
// method at 256 bits of precision.
func rootFraction(p int64, n int) uint64 {
	const prec = 256
	P := new(big.Float).SetPrec(prec).SetInt64(p)
	x := new(big.Float).SetPrec(prec).SetInt64(2)
	for i := 0; i < 100; i++ { // x -= (x^n - p) / (n x^(n-1))
		pow := new(big.Float).SetPrec(prec).SetInt64(1)
		for j := 0; j < n-1; j++ {
			pow.Mul(pow, x)
		}
		num := new(big.Float).SetPrec(prec).Mul(pow, x)
		num.Sub(num, P)
		den := new(big.Float).SetPrec(prec).Mul(pow, big.NewFloat(float64(n)))
		x.Sub(x, num.Quo(num, den))
	}
	whole, _ := x.Int(nil)
	frac := new(big.Float).SetPrec(prec).Sub(x, new(big.Float).SetInt(whole))
	frac.Mul(frac, new(big.Float).SetMantExp(big.NewFloat(1), 64))
	v, _ := frac.Int(nil)
	return v.Uint64()
}

func primes(n int) []int64 {
	var out []int64
	for c := int64(2); len(out) < n; c++ {
		prime := true
		for _, p := range out {
			if c%p == 0 {
				prime = false
				break
			}
		}
		if prime {
			out = append(out, c)
		}
	}
	return out
}

// mdPad pads a message for SHA-1/SHA-256 (block 64, 64-bit length) or
// SHA-512 (block 128, 128-bit length) (FIPS 180-4 §5.1).
func mdPad(msg []byte, block int) []byte {
	out := append(append([]byte(nil), msg...), 0x80)
	lenBytes := block / 8
	for (len(out)+lenBytes)%block != 0 {
		out = append(out, 0)
	}
	out = append(out, make([]byte, lenBytes-8)...)
	return binary.BigEndian.AppendUint64(out, uint64(len(msg))*8)
}

var cryptoMessages = [][]byte{nil, []byte("abc"), bytes.Repeat([]byte("gemu "), 57), make([]byte, 300)}

func init() {
	r := rand.New(rand.NewSource(180))
	r.Read(cryptoMessages[3])
}

func TestSHA256Program(t *testing.T) {
	var k [64]uint32
	for i, p := range primes(64) {
		k[i] = uint32(rootFraction(p, 3) >> 32)
	}
	var h [8]uint32
	for i, p := range primes(8) {
		h[i] = uint32(rootFraction(p, 2) >> 32)
	}
	for _, msg := range cryptoMessages {
		var p cprog
		blocks := mdPad(msg, 64)
		for b := 0; b < len(blocks); b += 64 {
			p.loadMessage(blocks[b:b+64], 16, insRev32) // W[0..15] in v16..v19
			p.mov(20, 0)
			p.mov(21, 1)
			for i := uint32(0); i < 16; i++ {
				w := 16 + i%4
				p.loadWords32(22, k[4*i:4*i+4]...)
				p.op(rrr(insAdd4S, 23, w, 22))
				if i < 12 {
					p.op(rrr(insSHA2SU0, w, 16+(i+1)%4, 0))
				}
				p.mov(24, 0)
				p.op(rrr(insSHA256H, 0, 1, 23), rrr(insSHA2H2, 1, 24, 23))
				if i < 12 {
					p.op(rrr(insSHA2SU1, w, 16+(i+2)%4, 16+(i+3)%4))
				}
			}
			p.op(rrr(insAdd4S, 0, 0, 20), rrr(insAdd4S, 1, 1, 21))
		}
		c := p.run(t, map[uint32]vec{0: {uint64(h[0]) | uint64(h[1])<<32, uint64(h[2]) | uint64(h[3])<<32},
			1: {uint64(h[4]) | uint64(h[5])<<32, uint64(h[6]) | uint64(h[7])<<32}})
		var got []byte
		for _, r := range []uint32{0, 1} {
			for _, half := range getV(c, r) {
				got = binary.BigEndian.AppendUint32(got, uint32(half))
				got = binary.BigEndian.AppendUint32(got, uint32(half>>32))
			}
		}
		if want := sha256.Sum256(msg); !bytes.Equal(got, want[:]) {
			t.Errorf("SHA-256 of %d bytes: %x, want %x", len(msg), got, want)
		}
	}
}

func TestSHA1Program(t *testing.T) {
	// FIPS 180-4 §4.2.1: K = floor(2^30 sqrt(n)) for n = 2, 3, 5, 10.
	var k [4]uint32
	for i, n := range []int64{2, 3, 5, 10} {
		whole := map[int64]uint64{2: 1, 3: 1, 5: 2, 10: 3}[n]
		k[i] = uint32((whole<<62 | rootFraction(n, 2)>>2) >> 32)
	}
	h := [5]uint32{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0} // §5.3.1
	for _, msg := range cryptoMessages {
		var p cprog
		blocks := mdPad(msg, 64)
		for b := 0; b < len(blocks); b += 64 {
			p.loadMessage(blocks[b:b+64], 16, insRev32)
			p.mov(20, 0)
			p.mov(21, 1)
			for i := uint32(0); i < 20; i++ {
				w := 16 + i%4
				kk := k[i/5]
				p.loadWords32(22, kk, kk, kk, kk)
				p.op(rrr(insAdd4S, 23, w, 22))
				p.op(rrr(insSHA1H, 2, 0, 0)) // the e of the next four rounds
				p.op(rrr([4]uint32{insSHA1C, insSHA1P, insSHA1M, insSHA1P}[i/5], 0, 1, 23))
				p.mov(1, 2)
				if i < 16 {
					p.op(rrr(insSHA1SU0, w, 16+(i+1)%4, 16+(i+2)%4), rrr(insSHA1SU1, w, 16+(i+3)%4, 0))
				}
			}
			p.op(rrr(insAdd4S, 0, 0, 20), rrr(insAdd4S, 1, 1, 21))
		}
		c := p.run(t, map[uint32]vec{0: {uint64(h[0]) | uint64(h[1])<<32, uint64(h[2]) | uint64(h[3])<<32},
			1: {uint64(h[4]), 0}})
		var got []byte
		v0 := getV(c, 0)
		for _, w := range []uint64{v0[0], v0[0] >> 32, v0[1], v0[1] >> 32, c.R[vlo(1)]} {
			got = binary.BigEndian.AppendUint32(got, uint32(w))
		}
		if want := sha1.Sum(msg); !bytes.Equal(got, want[:]) {
			t.Errorf("SHA-1 of %d bytes: %x, want %x", len(msg), got, want)
		}
	}
}

// TestSHA512Program: two rounds per SHA512H/SHA512H2 pair. The state is
// four registers [a b] [c d] [e f] [g h] (the first letter in bits 63:0)
// that rotate by renaming; W[t..t+1] + K in the order SHA512H wants is
// built with EXT and ADD.
func TestSHA512Program(t *testing.T) {
	var k [80]uint64
	for i, p := range primes(80) {
		k[i] = rootFraction(p, 3)
	}
	var h [8]uint64
	for i, p := range primes(8) {
		h[i] = rootFraction(p, 2)
	}
	for _, msg := range cryptoMessages {
		var p cprog
		blocks := mdPad(msg, 128)
		for b := 0; b < len(blocks); b += 128 {
			s := [5]uint32{0, 1, 2, 3, 4}                // [ab] [cd] [ef] [gh], spare
			p.loadMessage(blocks[b:b+128], 16, insRev64) // W[0..15] in v16..v23
			for i := uint32(0); i < 4; i++ {
				p.mov(24+i, i)
			}
			for j := uint32(0); j < 40; j++ { // rounds 2j, 2j+1
				w := 16 + j%8
				p.loadWords64(28, k[2*j], k[2*j+1])
				p.op(rrr(insAdd2D, 28, w, 28))
				p.ext(28, 28, 28, 8)              // [KW1 KW0]
				p.op(rrr(insAdd2D, 29, s[3], 28)) // [g+KW1, h+KW0]
				p.ext(30, s[2], s[3], 8)          // [f g]
				p.ext(31, s[1], s[2], 8)          // [d e]
				if j < 32 {
					p.op(rrr(insSHA5SU0, w, 16+(j+1)%8, 0))
				}
				p.op(rrr(insSHA5H, 29, 30, 31))     // [T1(2j+1), T1(2j)]
				p.op(rrr(insAdd2D, s[4], s[1], 29)) // the new [e f]
				p.op(rrr(insSHA5H2, 29, s[1], s[0]))
				if j < 32 {
					p.ext(30, 16+(j+4)%8, 16+(j+5)%8, 8)
					p.op(rrr(insSHA5SU1, w, 16+(j+7)%8, 30))
				}
				p.mov(s[1], s[0]) // the new [c d]
				p.mov(s[0], 29)   // the new [a b]
				s = [5]uint32{s[0], s[1], s[4], s[2], s[3]}
			}
			for i := uint32(0); i < 4; i++ { // add the saved state, back in v0..v3
				p.op(rrr(insAdd2D, 28+i, s[i], 24+i))
			}
			for i := uint32(0); i < 4; i++ {
				p.mov(i, 28+i)
			}
		}
		c := p.run(t, map[uint32]vec{0: {h[0], h[1]}, 1: {h[2], h[3]}, 2: {h[4], h[5]}, 3: {h[6], h[7]}})
		var got []byte
		for r := uint32(0); r < 4; r++ {
			v := getV(c, r)
			got = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(got, v[0]), v[1])
		}
		if want := sha512.Sum512(msg); !bytes.Equal(got, want[:]) {
			t.Errorf("SHA-512 of %d bytes: %x, want %x", len(msg), got, want)
		}
	}
}

// aesRoundKeys is the FIPS-197 §5.2 key expansion (with this package's
// S-box: a wrong one fails the known answers below anyway).
func aesRoundKeys(key []byte) [][]byte {
	nk := len(key) / 4
	nr := nk + 6
	var w [][4]byte
	for i := 0; i < nk; i++ {
		w = append(w, [4]byte(key[4*i:4*i+4]))
	}
	rcon := byte(1)
	for i := nk; i < 4*(nr+1); i++ {
		t := w[i-1]
		switch {
		case i%nk == 0: // SubWord(RotWord(t)) ^ Rcon
			t = [4]byte{aesSbox[t[1]] ^ rcon, aesSbox[t[2]], aesSbox[t[3]], aesSbox[t[0]]}
			rcon = byte(xtimes(uint64(rcon)))
		case nk > 6 && i%nk == 4:
			t = [4]byte{aesSbox[t[0]], aesSbox[t[1]], aesSbox[t[2]], aesSbox[t[3]]}
		}
		for j := range t {
			t[j] ^= w[i-nk][j]
		}
		w = append(w, t)
	}
	var keys [][]byte
	for r := 0; r <= nr; r++ {
		keys = append(keys, append(append(append(append([]byte(nil), w[4*r][:]...), w[4*r+1][:]...), w[4*r+2][:]...), w[4*r+3][:]...))
	}
	return keys
}

// aesProgram encrypts pt (AESE, AESMC; the last round without MixColumns,
// then the last key) into v0 and decrypts ct with the equivalent inverse
// cipher (AESD, AESIMC, the round keys through AESIMC) into v16.
func aesProgram(t *testing.T, key, pt, ct []byte) (enc, dec []byte) {
	keys := aesRoundKeys(key)
	nr := uint32(len(keys) - 1)
	var p cprog
	for r := uint32(0); r <= nr; r++ {
		p.loadQ(1+r, keys[r])
	}
	p.loadQ(0, pt)
	for r := uint32(0); r < nr-1; r++ {
		p.op(rrr(insAESE, 0, 1+r, 0), rrr(insAESMC, 0, 0, 0))
	}
	p.op(rrr(insAESE, 0, nr, 0), rrr(insEor16B, 0, 0, nr+1))
	p.loadQ(16, ct)
	p.op(rrr(insAESD, 16, nr+1, 0))
	for r := nr - 1; r >= 1; r-- {
		p.op(rrr(insAESIMC, 16, 16, 0), rrr(insAESIMC, 18, 1+r, 0), rrr(insAESD, 16, 18, 0))
	}
	p.op(rrr(insEor16B, 16, 16, 1))
	c := p.run(t, nil)
	le := binary.LittleEndian
	enc = le.AppendUint64(le.AppendUint64(nil, c.R[vlo(0)]), c.R[vhi(0)])
	dec = le.AppendUint64(le.AppendUint64(nil, c.R[vlo(16)]), c.R[vhi(16)])
	return enc, dec
}

func TestAESProgram(t *testing.T) {
	unhex := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// FIPS-197 Appendix C.1-C.3.
	pt := unhex("00112233445566778899aabbccddeeff")
	key := unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	for _, tc := range []struct {
		keyLen int
		ct     string
	}{{16, "69c4e0d86a7b0430d8cdb78070b4c55a"}, {24, "dda97ca4864cdfe06eaf70a0ec0d7191"},
		{32, "8ea2b7ca516745bfeafc49904b496089"}} {
		enc, dec := aesProgram(t, key[:tc.keyLen], pt, unhex(tc.ct))
		if hex.EncodeToString(enc) != tc.ct || !bytes.Equal(dec, pt) {
			t.Errorf("AES-%d: encrypt %x, want %s; decrypt %x, want %x", 8*tc.keyLen, enc, tc.ct, dec, pt)
		}
	}
	// Random keys and blocks against crypto/aes.
	r := rand.New(rand.NewSource(197))
	for i := 0; i < 12; i++ {
		key := make([]byte, []int{16, 24, 32}[i%3])
		pt, ct := make([]byte, 16), make([]byte, 16)
		r.Read(key)
		r.Read(pt)
		r.Read(ct)
		b, _ := aes.NewCipher(key)
		wantEnc, wantDec := make([]byte, 16), make([]byte, 16)
		b.Encrypt(wantEnc, pt)
		b.Decrypt(wantDec, ct)
		enc, dec := aesProgram(t, key, pt, ct)
		if !bytes.Equal(enc, wantEnc) || !bytes.Equal(dec, wantDec) {
			t.Errorf("AES-%d key %x: encrypt %x, want %x; decrypt %x, want %x", 8*len(key), key, enc, wantEnc, dec, wantDec)
		}
	}
}

// keccakProgram is Keccak-f[1600] (FIPS 202 §3.3) on lane (x, y) in
// V(5y+x), each 64-bit half of the registers a separate state: theta with
// EOR3 and RAX1, rho and pi with XAR along pi's cycle, chi with BCAX.
func keccakProgram() *cprog {
	lane := func(x, y int) uint32 { return uint32(5*(y%5) + x%5) }
	// FIPS 202 §3.2.2: the rotation offsets, and pi's cycle from (1, 0).
	var rot [25]int
	var cycle []uint32
	x, y := 1, 0
	for t := 0; t < 24; t++ {
		rot[lane(x, y)] = (t + 1) * (t + 2) / 2 % 64
		cycle = append(cycle, lane(x, y))
		x, y = y, (2*x+3*y)%5
	}
	// FIPS 202 §3.2.5: rc(t) from the LFSR x^8 + x^6 + x^5 + x^4 + 1.
	rc := func(t int) uint64 {
		r := uint16(1)
		for i := 0; i < t%255; i++ {
			r <<= 1
			if r&0x100 != 0 {
				r ^= 0x171
			}
		}
		return uint64(r & 1)
	}
	var p cprog
	const zero, t0, t1 = 25, 30, 31
	for ir := 0; ir < 24; ir++ {
		for x := 0; x < 5; x++ { // C[x] in V(25+x)
			c := uint32(25 + x)
			p.op(rrr(insEOR3, c, lane(x, 0), lane(x, 1))|lane(x, 2)<<10, rrr(insEOR3, c, c, lane(x, 3))|lane(x, 4)<<10)
		}
		for x := 0; x < 5; x++ { // D[x] = C[x-1] ^ ROL(C[x+1], 1)
			d := uint32(t0 + x%2)
			p.op(rrr(insRAX1, d, uint32(25+(x+4)%5), uint32(25+(x+1)%5)))
			for y := 0; y < 5; y++ {
				p.op(rrr(insEor16B, lane(x, y), lane(x, y), d))
			}
		}
		p.op(rrr(insEor16B, zero, zero, zero))
		ror := func(l uint32) uint32 { return uint32((64 - rot[l]) % 64) }
		last := cycle[len(cycle)-1]
		p.op(rrr(insXAR, t0, last, zero) | ror(last)<<10)
		for k := len(cycle) - 2; k >= 0; k-- {
			p.op(rrr(insXAR, cycle[k+1], cycle[k], zero) | ror(cycle[k])<<10)
		}
		p.mov(cycle[0], t0)
		for y := 0; y < 5; y++ { // A[x] ^= ~A[x+1] & A[x+2]
			p.mov(t0, lane(0, y))
			p.mov(t1, lane(1, y))
			for x := 0; x < 5; x++ {
				n1, n2 := lane(x+1, y), lane(x+2, y)
				switch x {
				case 3:
					n2 = t0
				case 4:
					n1, n2 = t0, t1
				}
				p.op(rrr(insBCAX, lane(x, y), lane(x, y), n2) | n1<<10)
			}
		}
		var iota uint64
		for j := 0; j < 7; j++ {
			iota |= rc(j+7*ir) << (1<<j - 1)
		}
		p.loadWords64(26, iota, iota)
		p.op(rrr(insEor16B, 0, 0, 26))
	}
	return &p
}

// TestSHA3Program hashes pairs of messages with SHA3-256 (FIPS 202 §6.1),
// one in each half of the registers, the permutation run by keccakProgram.
func TestSHA3Program(t *testing.T) {
	prog := keccakProgram()
	const rate = 136
	pad := func(m []byte) []byte {
		out := append(append([]byte(nil), m...), 0x06)
		for len(out)%rate != 0 {
			out = append(out, 0)
		}
		out[len(out)-1] |= 0x80
		return out
	}
	long := make([]byte, 271)
	rand.New(rand.NewSource(202)).Read(long)
	for _, pair := range [][2][]byte{{nil, []byte("abc")}, {long[:135], long[:100]}, {long[:136], long}} {
		a, b := pad(pair[0]), pad(pair[1])
		if len(a) != len(b) {
			t.Fatalf("pair of %d and %d bytes: different block counts", len(pair[0]), len(pair[1]))
		}
		state := map[uint32]vec{}
		for i := uint32(0); i < 25; i++ {
			state[i] = vec{}
		}
		le := binary.LittleEndian
		for off := 0; off < len(a); off += rate {
			for i := uint32(0); i < rate/8; i++ {
				v := state[i]
				v[0] ^= le.Uint64(a[off+8*int(i):])
				v[1] ^= le.Uint64(b[off+8*int(i):])
				state[i] = v
			}
			c := prog.run(t, state)
			for i := uint32(0); i < 25; i++ {
				state[i] = getV(c, i)
			}
		}
		for h, m := range pair {
			var got []byte
			for i := uint32(0); i < 4; i++ {
				got = le.AppendUint64(got, state[i][h])
			}
			if want := sha3.Sum256(m); !bytes.Equal(got, want[:]) {
				t.Errorf("SHA3-256 of %d bytes: %x, want %x", len(m), got, want)
			}
		}
	}
}

func TestCryptoProgramEncodings(t *testing.T) {
	for _, tc := range []struct {
		x    uint32
		want string
	}{
		{rrr(insAdd4S, 1, 2, 3), "add v1.4s, v2.4s, v3.4s"},
		{rrr(insAdd2D, 1, 2, 3), "add v1.2d, v2.2d, v3.2d"},
		{rrr(insOrr16B, 1, 2, 2), "mov v1.16b, v2.16b"},
		{rrr(insEor16B, 1, 2, 3), "eor v1.16b, v2.16b, v3.16b"},
		{rrr(insExt16B, 1, 2, 3) | 8<<11, "ext v1.16b, v2.16b, v3.16b, #8"},
		{rrr(insRev32, 1, 2, 0), "rev32 v1.16b, v2.16b"},
		{rrr(insRev64, 1, 2, 0), "rev64 v1.16b, v2.16b"},
		{encLdrQ(5, 1, 32), "ldr q5, [x1,#32]"},
	} {
		if got, _ := (&Arch{}).Disassemble(words(tc.x), 0); normAsm(got) != normAsm(tc.want) {
			t.Errorf("%08x = %q, want %q", tc.x, got, tc.want)
		}
	}
	// The crypto encodings are cryptoWords (objdump's) with other registers.
	for _, w := range cryptoWords {
		base := w.x & lookup(w.x).mask
		known := map[uint32]bool{insSHA1C: true, insSHA1P: true, insSHA1M: true, insSHA1SU0: true, insSHA1H: true,
			insSHA1SU1: true, insSHA256H: true, insSHA2H2: true, insSHA2SU1: true, insSHA2SU0: true, insSHA5H: true,
			insSHA5H2: true, insSHA5SU1: true, insSHA5SU0: true, insAESE: true, insAESD: true, insAESMC: true,
			insAESIMC: true, insEOR3: true, insBCAX: true, insRAX1: true, insXAR: true, 0x0ee0e000: true}
		if !known[base] {
			t.Errorf("%s: base %08x is not one of the program constants", w.text, base)
		}
	}
}
