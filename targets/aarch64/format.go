package aarch64

import (
	"fmt"
	"strings"
)

// formatExtra renders the instructions our decoder knows and arm64asm does
// not (FEAT_LSE, FEAT_LRCPC, FEAT_SHA512, FEAT_SHA3, UDF …) in GNU syntax
// where it is simple, and as the mnemonic class plus the word otherwise.
func formatExtra(x uint32, m *model) (string, bool) {
	r, ok := decodeOnly(x, m)
	if !ok {
		return "", false
	}
	rt, rn, rs := x&31, x>>5&31, x>>16&31
	sz := x >> 30
	reg := func(n uint32, wide bool) string {
		if n == 31 {
			return map[bool]string{true: "xzr", false: "wzr"}[wide]
		}
		return map[bool]string{true: "x", false: "w"}[wide] + fmt.Sprint(n)
	}
	base := "sp"
	if rn != 31 {
		base = fmt.Sprintf("x%d", rn)
	}
	suffix := [4]string{"b", "h", "", ""}[sz]
	ord := func(a, l uint32) string { return [2]string{"", "a"}[a] + [2]string{"", "l"}[l] }
	switch r.name() {
	case "LDADD":
		names := [8]string{"ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin"}
		n := names[x>>12&7]
		if x>>15&1 != 0 {
			n = "swp"
		}
		return fmt.Sprintf("%s%s%s %s, %s, [%s]", n, ord(x>>23&1, x>>22&1), suffix,
			reg(rs, sz == 3), reg(rt, sz == 3), base), true
	case "LDAPR":
		return fmt.Sprintf("ldapr%s %s, [%s]", suffix, reg(rt, sz == 3), base), true
	case "FCVTNS": // FJCVTZS
		return fmt.Sprintf("fjcvtzs w%d, d%d", rt, rn), true
	case "RMIF":
		return fmt.Sprintf("rmif x%d, #%d, #%d", rn, x>>15&63, x&15), true
	case "SETF8":
		return fmt.Sprintf("setf%d w%d", 8<<(x>>14&1), rn), true
	case "CFINV":
		return "cfinv", true
	case "SHA512H", "SHA512H2":
		return fmt.Sprintf("%s q%d, q%d, v%d.2d", strings.ToLower(r.name()), rt, rn, rs), true
	case "SHA512SU1", "RAX1":
		return fmt.Sprintf("%s v%d.2d, v%d.2d, v%d.2d", strings.ToLower(r.name()), rt, rn, rs), true
	case "SHA512SU0":
		return fmt.Sprintf("sha512su0 v%d.2d, v%d.2d", rt, rn), true
	case "EOR3", "BCAX":
		return fmt.Sprintf("%s v%d.16b, v%d.16b, v%d.16b, v%d.16b", strings.ToLower(r.name()), rt, rn, rs, x>>10&31), true
	case "XAR":
		return fmt.Sprintf("xar v%d.2d, v%d.2d, v%d.2d, #%d", rt, rn, rs, x>>10&63), true
	case "UDF":
		return fmt.Sprintf("udf #%d", x&0xffff), true
	case "STXR":
		if x>>23&1 == 1 && x>>21&1 == 1 { // CAS
			return fmt.Sprintf("cas%s%s %s, %s, [%s]", ord(x>>22&1, x>>15&1), suffix,
				reg(rs, sz == 3), reg(rt, sz == 3), base), true
		}
		if x>>23&1 == 0 && x>>21&1 == 1 && sz < 2 { // CASP
			w := sz == 1
			return fmt.Sprintf("casp%s %s, %s, %s, %s, [%s]", ord(x>>22&1, x>>15&1),
				reg(rs, w), reg(rs+1, w), reg(rt, w), reg(rt+1, w), base), true
		}
	}
	return fmt.Sprintf("%s .inst 0x%08x", strings.ToLower(r.name()), x), true
}
