package aarch64

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
)

// Agreement with golang.org/x/arch/arm64/arm64asm: on every word, either
// both decoders accept it (and arm64asm's mnemonic is one our row names)
// or the disagreement has a listed reason.

func xarch(x uint32) (arm64asm.Inst, bool) {
	in, err := arm64asm.Decode(binary.LittleEndian.AppendUint32(nil, x))
	return in, err == nil
}

// notImplemented lists arm64asm mnemonics gemu does not implement (so they
// raise SIGILL, and HWCAP does not advertise them).
var notImplemented = map[string]string{}

// ourExtras lists the instructions our decoder knows and arm64asm does not.
var ourExtras = map[string]string{
	"LDADD": "FEAT_LSE", "STXR": "FEAT_LSE CAS/CASP", "LDAPR": "FEAT_LRCPC", "UDF": "permanently undefined",
	"CFINV": "FEAT_FlagM", "RMIF": "FEAT_FlagM", "SETF8": "FEAT_FlagM", "FCVTNS": "FEAT_JSCVT FJCVTZS", "scalar-three-same-extra": "FEAT_RDM",
	"three-same-extra": "FEAT_RDM, FEAT_DotProd", "by-element": "FEAT_RDM, FEAT_DotProd",
	"scalar-by-element": "FEAT_RDM", "SHA512H": "FEAT_SHA512", "SHA512H2": "FEAT_SHA512",
	"SHA512SU0": "FEAT_SHA512", "SHA512SU1": "FEAT_SHA512",
	"EOR3": "FEAT_SHA3", "BCAX": "FEAT_SHA3", "RAX1": "FEAT_SHA3", "XAR": "FEAT_SHA3",
}

// disagreement explains why the decoders may differ on x ("" = a bug).
func disagreement(x uint32, r *row, ours bool, in arm64asm.Inst) string {
	if !ours {
		if why, ok := notImplemented[in.Op.String()]; ok {
			return why + " not implemented"
		}
		return knownXarchQuirk(x, in)
	}
	if why, ok := ourExtras[r.name()]; ok {
		return why
	}
	switch r.name() {
	case "HVC", "SMC", "MSR", "SYS", "SYSL", "DCPS1", "ERET", "DRPS":
		return "allocated but undefined at EL0: SIGILL (arm64asm rejects some operands)"
	}
	return ""
}

// knownXarchQuirk covers encodings arm64asm accepts that the ARM ARM makes
// unallocated or that only exist with extensions.
func knownXarchQuirk(x uint32, in arm64asm.Inst) string {
	switch {
	case x&0x1f200000 == 0x0b200000 && x>>10&7 > 4:
		return "arm64asm quirk: extended-register shift > 4 is UNDEFINED (ARM ARM C6.2.3)"
	case x&0x1f800000 == 0x12000000:
		return "arm64asm quirk: reserved all-ones logical immediate (ARM ARM DecodeBitMasks)"
	}
	return ""
}

func checkWord(t *testing.T, x uint32, counts map[string]int) {
	r, ours := decodeOnly(x, models["max"])
	in, theirs := xarch(x)
	switch {
	case ours && theirs:
		if !strings.Contains(r.names, "-") && !hasName(r.names, in.Op.String()) {
			key := fmt.Sprintf("name %s row %s", in.Op, r.name())
			if counts[key]++; counts[key] <= 3 {
				t.Errorf("%08x: arm64asm %q, our row %q", x, arm64asm.GNUSyntax(in), r.names)
			}
		}
	case ours != theirs:
		why := disagreement(x, r, ours, in)
		if why != "" {
			counts["ok: "+why]++
			return
		}
		key := "ours-only "
		name := ""
		if r != nil {
			name = r.name()
		}
		if theirs {
			key, name = "xarch-only ", in.Op.String()
		}
		key += name
		if counts[key]++; counts[key] <= 3 {
			s := ""
			if theirs {
				s = arm64asm.GNUSyntax(in)
			}
			t.Errorf("%08x: ours=%v xarch=%v %q (row %s)", x, ours, theirs, s, name)
		}
	}
}

func hasName(names, n string) bool {
	for _, f := range strings.Fields(names) {
		if f == n {
			return true
		}
	}
	return false
}

func TestAgreeXArch(t *testing.T) {
	counts := map[string]int{}
	r := rand.New(rand.NewSource(1))
	n := 300000
	if testing.Short() {
		n = 30000
	}
	for i := 0; i < n; i++ {
		checkWord(t, r.Uint32(), counts)
	}
	// Structured sweeps: every row with random open bits.
	per := 4000
	if testing.Short() {
		per = 400
	}
	for _, rw := range allRows() {
		for i := 0; i < per; i++ {
			checkWord(t, rw.match|r.Uint32()&^rw.mask, counts)
		}
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%6d %s", counts[k], k)
	}
}
