package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/gemu-project/gemu/internal/binfmt"
	"github.com/gemu-project/gemu/targets"
)

// defaultPrefix names gemu's entries: gemu-aarch64, gemu-riscv64.
const defaultPrefix = "gemu-"

// stateDir keeps what install --replace disabled (binfmt.Installer).
const stateDir = "/run/gemu"

func binfmtCommand() *cli.Command {
	arch := &cli.StringSliceFlag{Name: "arch", Usage: "only these targets (comma-separated; default: all)"}
	prefix := &cli.StringFlag{Name: "name-prefix", Value: defaultPrefix, Hidden: true,
		Usage: "name entries PREFIX<arch>; another prefix than gemu- also limits the conflict check to " +
			"entries under it (tests: the machine's own entries are left alone)"}
	persistent := &cli.BoolFlag{Name: "persistent", Usage: "also write (uninstall: remove) " + binfmt.DefaultBinfmtD + "/<name>.conf for systemd-binfmt at boot"}
	return &cli.Command{
		Name:  "binfmt",
		Usage: "register gemu with binfmt_misc, so that guest programs run as if native",
		Subcommands: []*cli.Command{{
			Name:   "install",
			Usage:  "register an entry per target (needs root)",
			Flags:  append(entryFlags(arch, prefix), persistent, &cli.BoolFlag{Name: "replace", Usage: "disable conflicting entries of others (qemu-user-binfmt's); uninstall enables them again"}),
			Action: binfmtInstall,
		}, {
			Name:   "uninstall",
			Usage:  "remove gemu's entries, and enable again what install --replace disabled (needs root)",
			Flags:  []cli.Flag{arch, prefix, persistent},
			Action: binfmtUninstall,
		}, {
			Name:   "status",
			Usage:  "list every registered entry: gemu's (*) and others'",
			Flags:  []cli.Flag{prefix},
			Action: binfmtStatus,
		}, {
			Name:   "print",
			Usage:  "write the entries as binfmt.d lines (systemd-binfmt) on stdout",
			Flags:  entryFlags(arch, prefix),
			Action: binfmtPrint,
		}},
	}
}

// entryFlags are the flags that shape the entries (install and print).
func entryFlags(arch, prefix cli.Flag) []cli.Flag {
	return []cli.Flag{arch, prefix,
		&cli.StringFlag{Name: "path", Usage: "the gemu binary entries name (default: this one)"},
		&cli.BoolFlag{Name: "no-fix-binary", Usage: "no flag F: the kernel opens gemu at each start, by its path, which must then exist in chroots"},
		&cli.BoolFlag{Name: "no-preserve-argv0", Usage: "no flag P: the program's argv[0] becomes its path"},
		&cli.BoolFlag{Name: "open-binary", Usage: "flag O: the kernel opens the program for gemu (execute-only programs run)"},
		&cli.BoolFlag{Name: "credentials", Usage: "flag C (implies O): set-id programs get their credentials (gemu then runs with them)"},
	}
}

// binfmtFailure is the one-line error of a binfmt subcommand.
func binfmtFailure(c *cli.Context, format string, args ...any) error {
	return &exitError{status: 1, msg: "binfmt " + c.Command.Name + ": " + fmt.Sprintf(format, args...)}
}

// entries builds the selected targets' entries from the flags.
func entries(c *cli.Context) ([]binfmt.Entry, error) {
	interp, err := interpreterPath(c.String("path"))
	if err != nil {
		return nil, binfmtFailure(c, "%v", err)
	}
	sel, err := selectTargets(c)
	if err != nil {
		return nil, err
	}
	var out []binfmt.Entry
	for _, t := range sel {
		out = append(out, t.Entry(c.String("name-prefix")+t.Name, interp, flagLetters(c)))
	}
	return out, nil
}

// flagLetters are the entry flags: F and P unless dropped, O and C on
// request.
func flagLetters(c *cli.Context) string {
	var b strings.Builder
	add := func(letter rune, on bool) {
		if on {
			b.WriteRune(letter)
		}
	}
	add(binfmt.FlagFixBinary, !c.Bool("no-fix-binary"))
	add(binfmt.FlagPreserveArgv0, !c.Bool("no-preserve-argv0"))
	add(binfmt.FlagOpenBinary, c.Bool("open-binary"))
	add(binfmt.FlagCredentials, c.Bool("credentials"))
	return b.String()
}

// selectTargets is --arch (names or aliases), or every target.
func selectTargets(c *cli.Context) ([]binfmt.Target, error) {
	all := binfmt.Targets()
	if len(c.StringSlice("arch")) == 0 {
		return all, nil
	}
	var names []string
	for _, t := range all {
		names = append(names, t.Name)
	}
	var out []binfmt.Target
	for _, name := range c.StringSlice("arch") {
		a, err := targets.ByName(name)
		if err != nil {
			return nil, binfmtFailure(c, "unknown arch %q (have: %s)", name, strings.Join(names, ", "))
		}
		for _, t := range all {
			if t.Name == a.Name() {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// interpreterPath is the absolute path, symlinks resolved, of the gemu
// binary the entries run: p, or the running one. The kernel opens it by
// this path (at each start, or once with flag F).
func interpreterPath(p string) (string, error) {
	if p == "" {
		exe, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("cannot find this gemu binary (%v): give --path", err)
		}
		p = exe
	}
	abs, err := filepath.Abs(p)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return "", fmt.Errorf("--path %s: %v", p, errors.Unwrap(err))
	}
	st, err := os.Stat(abs)
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("--path %s: not an executable file", p)
	}
	return abs, nil
}

// installer is the binfmt.Installer for the real binfmt_misc and /etc,
// after the root check; it mounts binfmt_misc when it is not mounted.
func installer(c *cli.Context) (binfmt.Installer, error) {
	prefix := c.String("name-prefix")
	if prefix == "" || strings.ContainsAny(prefix, "/\n") {
		return binfmt.Installer{}, binfmtFailure(c, "--name-prefix %q cannot start an entry name", prefix)
	}
	if os.Geteuid() != 0 {
		return binfmt.Installer{}, binfmtFailure(c, "needs root (binfmt_misc registrations are system-wide)")
	}
	in := binfmt.Installer{Sys: binfmt.System{Dir: binfmt.DefaultDir}, BinfmtD: binfmt.DefaultBinfmtD,
		StateFile: filepath.Join(stateDir, prefix+"binfmt-replaced"), Out: c.App.Writer}
	if prefix != defaultPrefix {
		in.Scope = prefix
	}
	if err := in.Sys.Mount(); err != nil {
		return binfmt.Installer{}, binfmtFailure(c, "%v", err)
	}
	return in, nil
}

func binfmtInstall(c *cli.Context) error {
	es, err := entries(c)
	if err != nil {
		return err
	}
	in, err := installer(c)
	if err != nil {
		return err
	}
	if cgoBuild {
		fmt.Fprintln(os.Stderr, "gemu: note: this gemu is linked dynamically (built with cgo): a chroot or container "+
			"without the host's C library cannot start it; build it with CGO_ENABLED=0")
	}
	err = in.Install(es, c.Bool("replace"), c.Bool("persistent"))
	var ce *binfmt.ConflictError
	if errors.As(err, &ce) {
		return binfmtFailure(c, "%v; --replace disables it for %s (uninstall enables it again)", err, ce.Entry.Name)
	}
	if err != nil {
		return binfmtFailure(c, "%v", err)
	}
	return nil
}

func binfmtUninstall(c *cli.Context) error {
	sel, err := selectTargets(c)
	if err != nil {
		return err
	}
	in, err := installer(c)
	if err != nil {
		return err
	}
	var names []string
	for _, t := range sel {
		names = append(names, c.String("name-prefix")+t.Name)
	}
	if err := in.Uninstall(names, c.Bool("persistent")); err != nil {
		return binfmtFailure(c, "%v", err)
	}
	return nil
}

func binfmtPrint(c *cli.Context) error {
	es, err := entries(c)
	if err != nil {
		return err
	}
	for _, e := range es {
		text, err := binfmt.Conf(e)
		if err != nil {
			return binfmtFailure(c, "%v", err)
		}
		fmt.Fprint(c.App.Writer, text)
	}
	return nil
}

func binfmtStatus(c *cli.Context) error {
	sys := binfmt.System{Dir: binfmt.DefaultDir}
	w := c.App.Writer
	if !sys.Mounted() {
		fmt.Fprintf(w, "binfmt_misc is not mounted on %s (gemu binfmt install mounts it)\n", sys.Dir)
		return nil
	}
	list, err := sys.List()
	if err != nil {
		return binfmtFailure(c, "%v", err)
	}
	state := "enabled"
	if !sys.Enabled() {
		state = "disabled (no entry is used)"
	}
	fmt.Fprintf(w, "binfmt_misc on %s: %s; %d entries\n", sys.Dir, state, len(list))
	self, _ := interpreterPath("")
	writeStatus(w, list, c.String("name-prefix"), self)
	return nil
}

// writeStatus prints one row per entry; gemu's own (its prefix and a
// target name) are marked *, and WHO says whose interpreter it is.
func writeStatus(w io.Writer, list []binfmt.Entry, prefix, self string) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tSTATE\tMATCHES\tFLAGS\tWHO\tINTERPRETER")
	for _, e := range list {
		mark := " "
		if a, err := targets.ByName(strings.TrimPrefix(e.Name, prefix)); err == nil && e.Name == prefix+a.Name() {
			mark = "*"
		}
		state := "enabled"
		if !e.Enabled {
			state = "disabled"
		}
		flags := e.Flags
		if flags == "" {
			flags = "-"
		}
		fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%s\t%s\n", mark, e.Name, state, e.Describe(), flags, who(e, self), e.Interpreter)
	}
	tw.Flush()
}

// who names whose interpreter an entry runs.
func who(e binfmt.Entry, self string) string {
	base := filepath.Base(e.Interpreter)
	switch {
	case self != "" && e.Interpreter == self:
		return "this gemu"
	case strings.HasPrefix(base, "gemu"):
		return "gemu"
	case strings.Contains(base, "qemu") || strings.Contains(e.Name, "qemu"):
		return "qemu"
	}
	return "-"
}
