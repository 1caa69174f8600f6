package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gemu-project/gemu/bsduser"
	"github.com/gemu-project/gemu/linuxuser"
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/usermode"
)

func infoCommand() *cli.Command {
	return &cli.Command{
		Name:  "info",
		Usage: "describe what gemu supports",
		Subcommands: []*cli.Command{{
			Name:  "targets",
			Usage: "list guest CPUs and their models",
			Action: func(c *cli.Context) error {
				printTargets()
				return nil
			},
		}, {
			Name:  "syscalls",
			Usage: "list system calls with their support level (from the dispatch table)",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "os", Value: "linux", Usage: "guest OS"},
				&cli.StringFlag{Name: "arch", Value: "riscv64", Usage: "guest CPU"},
			},
			Action: func(c *cli.Context) error { return printSyscalls(c.String("os"), c.String("arch")) },
		}, {
			Name:   "tiers",
			Usage:  "list the execution tiers and which one runs by default",
			Action: func(c *cli.Context) error { printTiers(); return nil },
		}},
	}
}

// printSyscalls lists the same records that drive dispatch and -strace.
func printSyscalls(osName, archName string) error {
	arch, err := targets.ByName(archName)
	if err != nil {
		return &exitError{status: 1, msg: "info syscalls: " + err.Error()}
	}
	table, err := syscallTable(osName, arch)
	if err != nil {
		return &exitError{status: 1, msg: "info syscalls: " + err.Error()}
	}
	counts := map[syscalls.Support]int{}
	fmt.Printf("%-4s %-24s %-13s %s\n", "nr", "name", "support", "note")
	for _, r := range table.All() {
		counts[r.Support]++
		fmt.Printf("%-4d %-24s %-13s %s\n", r.Num, r.Name, r.Support, r.Note)
	}
	fmt.Printf("\n%s/%s: %d full, %d partial, %d stub, %d unimplemented\n", osName, arch.Name(),
		counts[syscalls.Full], counts[syscalls.Partial], counts[syscalls.Stub], counts[syscalls.Unimplemented])
	return nil
}

// syscallTable is the dispatch table of a personality on arch.
func syscallTable(osName string, arch targets.Arch) (*syscalls.Table[usermode.Handler], error) {
	switch osName {
	case "linux":
		abi, err := linux.LinuxABIFor(arch.Name())
		if err != nil {
			return nil, err
		}
		return linuxuser.NewTable(abi)
	case "freebsd":
		return bsduser.NewTable(arch)
	}
	return nil, fmt.Errorf("OS %q is not supported (have: linux, freebsd)", osName)
}

func printTargets() {
	for _, a := range targets.All() {
		fmt.Printf("%-8s %-20s models: %s\n", a.Name(), a.Machine(), strings.Join(a.Models(), ", "))
	}
}
