package main

import (
	"debug/elf"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/gemu-project/gemu/bsduser"
	"github.com/gemu-project/gemu/gdbstub"
	"github.com/gemu-project/gemu/hostsock"
	"github.com/gemu-project/gemu/linuxuser"
	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
	"github.com/gemu-project/gemu/usermode"
)

// userMode runs one guest program: the default action. start is how
// binfmt_misc started gemu, or nil.
func userMode(c *cli.Context, forcedArch string, start *binfmtStart) error {
	if c.Bool("version") {
		fmt.Printf("gemu version %s (qemu-user compatible command line)\n", Version)
		return nil
	}
	if err := checkUnsupported(c); err != nil {
		return err
	}
	if c.String("cpu") == "help" {
		return listModels(forcedArch)
	}
	// gemu's own descriptors (the runtime's poller, -D, the profile) go
	// high, out of the guest's way (usermode/hostfd.go).
	var logs *logConfig
	var stopProfile func()
	var gdb *hostsock.Listener
	err := usermode.ParkHostFDs(func() (err error) {
		stopProfile = startProfile()
		if logs, err = parseLog(c.String("d"), c.String("D")); err != nil {
			return err
		}
		gdb, err = listenGDB(c.String("g"))
		return err
	})
	if err != nil {
		return err
	}
	if c.NArg() == 0 {
		return &exitError{status: 1, msg: "no program given (usage: gemu [options] PROGRAM [ARGUMENTS...], see -h)"}
	}
	cfg, err := buildConfig(c, forcedArch, logs, start)
	if err != nil {
		return err
	}
	cfg.stopProfile = stopProfile
	cfg.gdb = gdb
	status, err := runGuest(cfg)
	if err != nil {
		return &exitError{status: 1, msg: err.Error()}
	}
	if status != 0 {
		return &exitError{status: status}
	}
	return nil
}

// config is everything a guest run needs, resolved from flags and env.
type config struct {
	path        string
	argv        []string
	env         []string
	prefix      string
	forcedArch  string
	cpuModel    string
	seed        *uint64
	stackSize   uint64
	uname       string
	strace      bool
	oneInsn     bool
	jit         string // -jit as given ("" = default)
	jitMode     translate.JITMode
	logs        *logConfig
	stopProfile func()
	gdb         *hostsock.Listener // -g: the gdbstub's listener
	execFile    *os.File           // the program open already (binfmt_misc's AT_EXECFD)
}

func buildConfig(c *cli.Context, forcedArch string, logs *logConfig, start *binfmtStart) (*config, error) {
	args := c.Args().Slice()
	cfg := &config{
		path:       args[0],
		argv:       append([]string(nil), args...),
		prefix:     c.String("L"),
		forcedArch: forcedArch,
		cpuModel:   c.String("cpu"),
		uname:      c.String("r"),
		strace:     c.Bool("strace") || logs.on("strace"),
		oneInsn:    c.Bool("one-insn-per-tb"),
		jit:        c.String("jit"),
		logs:       logs,
	}
	mode, err := parseJIT(cfg.jit, logs)
	if err != nil {
		return nil, err
	}
	cfg.jitMode = mode
	if start != nil {
		cfg.argv[0], cfg.execFile = start.argv0, start.execFile
	}
	if a0 := c.String("0"); a0 != "" {
		cfg.argv[0] = a0
	}
	env, err := guestEnv(c.StringSlice("E"), c.StringSlice("U"))
	if err != nil {
		return nil, err
	}
	cfg.env = env
	if s := c.String("seed"); s != "" {
		n, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("-seed: %q is not a number", s)
		}
		cfg.seed = &n
	}
	if s := c.String("s"); s != "" {
		n, err := parseSize(s)
		if err != nil {
			return nil, err
		}
		cfg.stackSize = n
	}
	return cfg, nil
}

// listModels prints -cpu help for the forced target, or for all of them.
func listModels(forcedArch string) error {
	for _, a := range targets.All() {
		if forcedArch != "" {
			if f, err := targets.ByName(forcedArch); err != nil || f != a {
				continue
			}
		}
		fmt.Printf("Available CPUs for %s:\n", a.Name())
		for _, m := range a.Models() {
			fmt.Printf("  %s\n", m)
		}
	}
	return nil
}

// pickArch selects the target from the ELF machine, checked against a
// multi-call name.
func pickArch(cfg *config, arch targets.Arch) error {
	if cfg.forcedArch == "" {
		return nil
	}
	f, err := targets.ByName(cfg.forcedArch)
	if err != nil {
		return fmt.Errorf("gemu-%s: %v", cfg.forcedArch, err)
	}
	if f != arch {
		return fmt.Errorf("%s: Invalid ELF image for this architecture (it is %s, this is gemu-%s)",
			cfg.path, arch.Name(), cfg.forcedArch)
	}
	return nil
}

// runGuest loads and runs the program, returning the status a shell sees.
func runGuest(cfg *config) (int, error) {
	arch, osKind, err := guestArch(cfg)
	if err != nil {
		return 1, err
	}
	opts := linuxuser.Options{
		Env: cfg.env, Prefix: cfg.prefix, Seed: cfg.seed, StackSize: cfg.stackSize,
		CPUModel: cfg.cpuModel, Uname: cfg.uname,
		Engine: func(e *translate.Engine) {
			e.SingleStep = cfg.oneInsn
			cfg.logs.hook(e, arch)
			setJIT(e, cfg)
		},
	}
	if cfg.strace {
		opts.Strace = cfg.logs.out
	}
	if cfg.logs.on("unimp") {
		opts.Unimp = cfg.logs.out
	}
	if cfg.gdb != nil {
		if !gdbstub.Supports(arch.Machine()) {
			return 1, fmt.Errorf("-g: no gdbstub for %s guests", arch.Name())
		}
		var trace io.Writer
		if cfg.logs.on("gdb") {
			trace = cfg.logs.out
		}
		ln, err := acceptGDB(cfg.gdb)
		if err != nil {
			return 1, fmt.Errorf("-g: %v", err)
		}
		opts.Debugger = gdbstub.New(ln, trace)
	}
	opts.Reexec = reexec(cfg)
	opts.EmulatorVars = emulatorVars()
	stop := cfg.stopProfile
	if stop == nil {
		stop = func() {}
	}
	opts.Exit = func(st linuxuser.Status) {
		stop()
		if cfg.logs.on("jit") {
			cfg.logs.jitTotals()
		}
		if f, ok := cfg.logs.out.(*os.File); ok && f != os.Stderr {
			f.Close()
		}
		st.Exit()
	}
	// The process runs until the guest's end exits the emulator through
	// opts.Exit; an error means the program could not be started.
	opts.ExecFile = cfg.execFile
	newProcess := linuxuser.NewProcess
	if osKind == loader.OSFreeBSD {
		newProcess = bsduser.NewProcess
	}
	p, err := newProcess(arch, cfg.path, cfg.argv, opts)
	cfg.closeExecFile()
	if err != nil {
		stop()
		return 1, err
	}
	p.Run()
	return 1, nil
}

// closeExecFile closes binfmt_misc's descriptor of the program once it
// is loaded: the guest's descriptors are its own (its first open gets
// the lowest free number, as natively).
func (cfg *config) closeExecFile() {
	if cfg.execFile != nil {
		cfg.execFile.Close()
		cfg.execFile = nil
	}
}

// guestArch picks the target for the program; a fork child (re-executed
// by its parent with the guest state, usermode/fork.go) names it instead.
func guestArch(cfg *config) (targets.Arch, loader.OS, error) {
	if name, osKind, ok := usermode.ResumeArch(cfg.env); ok {
		arch, err := targets.ByName(name)
		return arch, osKind, err
	}
	machine, osKind, err := probe(cfg)
	if err != nil && osKind == loader.OSFreeBSD {
		// Never run natively: a FreeBSD x86_64 program is not Linux's.
		return nil, 0, fmt.Errorf("%s: FreeBSD %s programs are not supported (aarch64 and riscv64 are)", cfg.path, machine)
	}
	if err != nil && machine == hostMachine && machine != 0 && cfg.forcedArch == "" {
		return nil, 0, runNative(cfg)
	}
	if err != nil {
		return nil, 0, err
	}
	arch, err := targets.ByMachine(machine)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %v", cfg.path, err)
	}
	return arch, osKind, pickArch(cfg, arch)
}

// probe reads the program's ELF header, from binfmt_misc's descriptor
// when there is one (the program may be execute-only).
func probe(cfg *config) (elf.Machine, loader.OS, error) {
	if cfg.execFile == nil {
		return loader.Probe(cfg.path)
	}
	st, err := cfg.execFile.Stat()
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %v", cfg.path, err)
	}
	return loader.ProbeReader(cfg.execFile, st.Size(), cfg.path)
}

// reexec runs a foreign program the guest execs: this gemu binary again
// (usermode.SelfExe: reached without a path, which a chroot may not
// have), with the options that shape the guest (not -E/-U, already
// applied to env, nor -D, whose file belongs to this process).
func reexec(cfg *config) func(path string, argv, env []string) (string, []string, []string) {
	name, err := os.Executable() // argv[0], as ps shows it
	if err != nil {
		name = "gemu"
	}
	var flags []string
	add := func(name, v string) {
		if v != "" {
			flags = append(flags, "-"+name, v)
		}
	}
	add("L", cfg.prefix)
	add("cpu", cfg.cpuModel)
	add("r", cfg.uname)
	if cfg.stackSize != 0 {
		add("s", strconv.FormatUint(cfg.stackSize, 10))
	}
	if cfg.oneInsn {
		flags = append(flags, "-one-insn-per-tb")
	}
	add("jit", cfg.jit)
	if cfg.strace && cfg.logs.out == os.Stderr {
		flags = append(flags, "-strace")
	}
	return func(path string, argv, env []string) (string, []string, []string) {
		args := append([]string{name}, flags...)
		if len(argv) > 0 {
			args = append(args, "-0", argv[0])
		}
		args = append(args, path)
		if len(argv) > 1 {
			args = append(args, argv[1:]...)
		}
		// Programs the debugged guest runs are not debugged: a QEMU_GDB
		// the child inherits would make it wait for a gdb of its own.
		return usermode.SelfExe, args, removeVar(append([]string(nil), env...), "QEMU_GDB")
	}
}

// listenGDB opens the -g listener (nil without -g). Port 0 takes any free
// port and prints where it is, since nobody could guess it.
func listenGDB(addr string) (*hostsock.Listener, error) {
	if addr == "" {
		return nil, nil
	}
	sp, err := hostsock.Parse(addr)
	if err != nil {
		return nil, fmt.Errorf("-g: %v", err)
	}
	ln, err := hostsock.Listen(sp)
	if err != nil {
		return nil, fmt.Errorf("-g: %v", err)
	}
	if sp.Kind == hostsock.KindTCP && sp.Port == 0 {
		fmt.Fprintf(os.Stderr, "gemu: gdbstub listening on tcp:%s\n", connectAddr(ln))
	}
	return ln, nil
}

// connectAddr is HOST:PORT a client can connect to: a wildcard listener
// is reached through the loopback.
func connectAddr(ln *hostsock.Listener) string {
	ta, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return ln.Addr().String()
	}
	ip := ta.IP
	if ip.IsUnspecified() {
		ip = net.IPv6loopback
		if ip4 := ta.IP.To4(); ip4 != nil || ln.DualStack() {
			ip = net.IPv4(127, 0, 0, 1)
		}
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(ta.Port))
}
