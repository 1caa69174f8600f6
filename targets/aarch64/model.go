package aarch64

import (
	"fmt"
	"sort"
)

// HWCAP bits (Linux arch/arm64/include/uapi/asm/hwcap.h).
const (
	hwcapFP      = 1 << 0
	hwcapASIMD   = 1 << 1
	hwcapAES     = 1 << 3
	hwcapPMULL   = 1 << 4
	hwcapSHA1    = 1 << 5
	hwcapSHA2    = 1 << 6
	hwcapCRC32   = 1 << 7
	hwcapATOMICS = 1 << 8
	hwcapCPUID   = 1 << 11
	hwcapRDM     = 1 << 12
	hwcapJSCVT   = 1 << 13
	hwcapLRCPC   = 1 << 15
	hwcapSHA3    = 1 << 17
	hwcapDP      = 1 << 20
	hwcapSHA512  = 1 << 21
	hwcapFLAGM   = 1 << 27
)

// model is a -cpu choice: the optional features it implements, and what the
// guest can learn about them (HWCAP, and the ID registers Linux's MRS
// emulation exposes, arch/arm64/kernel/cpufeature.c emulate_mrs).
type model struct {
	name  string
	feats feature
	midr  uint64
}

var models = map[string]*model{
	// "max": everything gemu implements. MIDR implementer 0 is reserved for
	// software use, so guests apply no per-core tuning.
	"max": {name: "max", feats: featAll, midr: 0x000f0510},
	// A minimal ARMv8.0-A core: base A64 with FP and AdvSIMD only.
	"v8.0": {name: "v8.0", feats: 0, midr: 0x410fd034},
	// Cortex-A53 r0p4 with the CRC32 and the optional Cryptographic
	// Extension, as QEMU's cortex-a53 (target/arm/cpu64.c aarch64_a53_initfn:
	// ID_AA64ISAR0_EL1 = 0x00011120, i.e. AES+PMULL, SHA1, SHA256, CRC32).
	"cortex-a53": {name: "cortex-a53", feats: featCRC | featAES | featPMULL | featSHA1 | featSHA256, midr: 0x410fd034},
}

const defaultModel = "max"

func modelNames() []string {
	var out []string
	for n := range models {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func lookupModel(name string) (*model, error) {
	if name == "" {
		name = defaultModel
	}
	m, ok := models[name]
	if !ok {
		return nil, fmt.Errorf("aarch64: unknown CPU model %q (have %v)", name, modelNames())
	}
	return m, nil
}

func (m *model) has(f feature) bool { return m.feats&f == f }

// hwcap is AT_HWCAP: exactly the implemented features of the model.
func (m *model) hwcap() uint64 {
	v := uint64(hwcapFP | hwcapASIMD | hwcapCPUID)
	for _, p := range []struct {
		f   feature
		bit uint64
	}{{featCRC, hwcapCRC32}, {featLSE, hwcapATOMICS}, {featLRCPC, hwcapLRCPC},
		{featRDM, hwcapRDM}, {featDot, hwcapDP}, {featJSCVT, hwcapJSCVT}, {featFlagM, hwcapFLAGM},
		{featAES, hwcapAES}, {featPMULL, hwcapPMULL}, {featSHA1, hwcapSHA1}, {featSHA256, hwcapSHA2},
		{featSHA512, hwcapSHA512}, {featSHA3, hwcapSHA3}} {
		if m.has(p.f) {
			v |= p.bit
		}
	}
	return v
}

// idReg returns the value Linux shows EL0 for a feature ID register (only
// the user-visible fields; hidden fields read as their safe values).
func (m *model) idReg(key uint32) uint64 {
	var v uint64
	set := func(f feature, shift uint, val uint64) {
		if m.has(f) {
			v |= val << shift
		}
	}
	switch key {
	case sysMIDR:
		return m.midr
	case sysMPIDR:
		return 1 << 31 // SYS_MPIDR_SAFE_VAL
	case sysIDAA64PFR0:
		return 0x11 // EL0 and EL1 AArch64 only; FP and AdvSIMD fields 0 = implemented
	case sysIDAA64ISAR0:
		// ARM ARM "ID_AA64ISAR0_EL1" fields: AES 1 = AES, 2 = AES and
		// PMULL; SHA2 1 = SHA256, 2 = SHA256 and SHA512.
		v |= levels(m, 4, featAES, featPMULL)
		set(featSHA1, 8, 1)
		v |= levels(m, 12, featSHA256, featSHA512)
		set(featCRC, 16, 1)
		set(featSHA3, 32, 1)
		set(featLSE, 20, 2)
		set(featRDM, 28, 1)
		set(featDot, 44, 1)
		set(featFlagM, 52, 1)
	case sysIDAA64ISAR1:
		set(featJSCVT, 12, 1)
		set(featLRCPC, 20, 1)
	}
	return v
}

// levels is an ID register field whose value counts how many of the
// cumulative features are implemented (1 = the first, 2 = it and the
// second …), stopping at the first one missing.
func levels(m *model, shift uint, feats ...feature) uint64 {
	n := uint64(0)
	for _, f := range feats {
		if !m.has(f) {
			break
		}
		n++
	}
	return n << shift
}
