package main

import (
	"debug/elf"
	"fmt"
	"runtime"
	"syscall"
)

// hostMachine is the ELF machine of programs this host runs itself.
var hostMachine = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64, "riscv64": elf.EM_RISCV}[runtime.GOARCH]

// runNative runs a program built for the host CPU as it is: a script or a
// binfmt_misc entry may hand gemu one, and it needs no emulator. The
// program replaces gemu (execve) with the guest's argv (-0 applied) and
// environment (-E/-U applied); the emulation flags have nothing to act on.
// It returns only on failure.
func runNative(cfg *config) error {
	if cfg.gdb != nil {
		return fmt.Errorf("%s: a program for this host's CPU runs natively, not under gemu's gdbstub (-g): debug it with gdb",
			cfg.path)
	}
	if cfg.stopProfile != nil {
		cfg.stopProfile()
	}
	// Go raised the soft RLIMIT_NOFILE for itself, and gemu's start-up
	// raises it too (usermode.ParkHostFDs): the program gets the limit
	// gemu was started with.
	restoreNofile()
	cfg.closeExecFile()
	err := syscall.Exec(cfg.path, cfg.argv, cfg.env)
	return fmt.Errorf("%s: %v", cfg.path, err)
}
