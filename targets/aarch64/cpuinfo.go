package aarch64

import (
	"fmt"
	"strings"
)

// hwcapNames are /proc/cpuinfo's "Features" words for AT_HWCAP bits 0–31,
// in bit order (Linux arch/arm64/include/uapi/asm/hwcap.h, the HWCAP_*
// names in lower case; checked against the installed header by a test).
var hwcapNames = [32]string{
	"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32",
	"atomics", "fphp", "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma", "lrcpc",
	"dcpop", "sha3", "sm3", "sm4", "asimddp", "sha512", "sve", "asimdfhm",
	"dit", "uscat", "ilrcpc", "flagm", "ssbs", "sb", "paca", "pacg",
}

// CPUInfo is one processor's block of /proc/cpuinfo for the model, in the
// format of Linux arch/arm64/kernel/cpuinfo.c (c_show).
func (a *Arch) CPUInfo(cpu int) string {
	m := a.mod()
	var feats []string
	for bit, name := range hwcapNames {
		if a.HWCap()>>bit&1 != 0 {
			feats = append(feats, name)
		}
	}
	midr := m.midr
	// BogoMIPS is twice the generic timer's rate in MHz (CNTFRQ_EL0).
	return fmt.Sprintf("processor\t: %d\nBogoMIPS\t: %d.00\nFeatures\t: %s\nCPU implementer\t: 0x%02x\n"+
		"CPU architecture: 8\nCPU variant\t: 0x%x\nCPU part\t: 0x%03x\nCPU revision\t: %d\n\n",
		cpu, 2*cntFreqHz/1000000, strings.Join(feats, " "), midr>>24&0xff, midr>>20&0xf, midr>>4&0xfff, midr&0xf)
}
