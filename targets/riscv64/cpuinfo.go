package riscv64

import "fmt"

// isaString is the ISA the translator implements, in the form Linux
// prints (arch/riscv/kernel/cpu.c: base letters, then the multi-letter
// extensions, lower case, joined with underscores).
const isaString = "rv64imafdc_zicsr_zifencei_zba_zbb_zbc_zbs"

// CPUInfo is one hart's block of /proc/cpuinfo (Linux arch/riscv/kernel/cpu.c, c_show).
func (*Arch) CPUInfo(cpu int) string {
	return fmt.Sprintf("processor\t: %d\nhart\t\t: %d\nisa\t\t: %s\nmmu\t\t: sv39\n"+
		"mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\n\n", cpu, cpu, isaString)
}
