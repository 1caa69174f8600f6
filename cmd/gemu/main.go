// The runtime would keep two cgroup files open at descriptors 3 and 4 to
// follow the CPU quota (Go 1.25's container-aware GOMAXPROCS): guest
// descriptors must start at 3 as they do natively (usermode/hostfd.go).
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0

// Command gemu runs programs built for another CPU on this host, the way
// qemu-user does: `gemu [flags] PROGRAM [ARGS...]`.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"

	_ "github.com/gemu-project/gemu/internal/fdtable" // grows the descriptor table first
	"github.com/gemu-project/gemu/targets"
	_ "github.com/gemu-project/gemu/targets/aarch64"
	_ "github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/usermode"
)

// Version is the gemu release, printed by -version.
const Version = "0.1.0"

// exitError carries a guest exit status or a usage failure out of urfave/cli.
type exitError struct {
	status int
	msg    string
}

func (e *exitError) Error() string { return e.msg }

// The guest's first thread runs on the goroutine main runs on; keeping it
// on the main OS thread makes its TID equal the PID, as natively.
func init() { runtime.LockOSThread() }

func main() {
	usermode.CoreWatcherMain() // returns unless gemu runs as a core watcher
	restoreNofile()
	hugeHeap()
	os.Exit(run(os.Args))
}

func run(args []string) int {
	if arch := systemArch(args[0]); arch != "" {
		return systemMain(arch, args[1:])
	}
	if len(args) > 2 && args[1] == "system" {
		return systemMain(args[2], args[3:])
	}
	start := detectBinfmt(args)
	app := newApp(multiCallArch(args[0]), start)
	if start != nil {
		args = start.cliArgs(args[0])
	}
	err := app.Run(args)
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintln(os.Stderr, "gemu: "+ee.msg)
		}
		return ee.status
	default:
		fmt.Fprintln(os.Stderr, "gemu: "+err.Error())
		return 1
	}
}

// multiCallArch returns the architecture a `gemu-<arch>` or
// `gemu-<arch>-static` name selects. Any other name, `gemu-static` or a
// download renamed `gemu-linux-amd64` or `gemu-v0.1` among them, selects
// none: that gemu takes the target from the program's ELF header.
func multiCallArch(argv0 string) string {
	rest, ok := strings.CutPrefix(filepath.Base(argv0), "gemu-")
	if !ok {
		return ""
	}
	rest = strings.TrimSuffix(rest, "-static")
	if _, err := targets.ByName(rest); err != nil {
		return ""
	}
	return rest
}

// newApp is gemu's command line; started by binfmt_misc for a program
// (start not nil) it has no subcommands: the program is the argument.
func newApp(forcedArch string, start *binfmtStart) *cli.App {
	name := "gemu"
	if forcedArch != "" {
		name += "-" + forcedArch
	}
	cmds := commands()
	if start != nil {
		cmds = nil
	}
	return &cli.App{
		Name:            name,
		Usage:           "run a program built for another CPU or OS",
		UsageText:       name + " [options] PROGRAM [ARGUMENTS...]",
		HideVersion:     true,
		Flags:           userFlags(),
		Commands:        cmds,
		HideHelpCommand: true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &exitError{status: 1, msg: err.Error() + " (see -h)"}
		},
		Action: func(c *cli.Context) error { return userMode(c, forcedArch, start) },
	}
}

func commands() []*cli.Command {
	return []*cli.Command{infoCommand(), binfmtCommand()}
}
