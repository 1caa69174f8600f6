package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/gdbstub"
	"github.com/gemu-project/gemu/system"
	"github.com/gemu-project/gemu/system/virtio"
)

// Full-system mode's command line: `gemu-system-riscv64 OPTIONS` or
// `gemu system riscv64 OPTIONS`, with qemu-system's option syntax
// (-name [value], one or two dashes; qemu-options.hx for their meaning).

// systemArch is the machine a `gemu-system-<arch>` name selects, "" for
// any other name.
func systemArch(argv0 string) string {
	rest, _ := strings.CutPrefix(filepath.Base(argv0), "gemu-system-")
	if rest == filepath.Base(argv0) {
		return ""
	}
	return strings.TrimSuffix(rest, "-static")
}

// systemOption is one qemu-system option: whether it takes a value, and
// what it does to the configuration.
type systemOption struct {
	arg bool
	set func(s *systemSetup, v string) error
}

// systemSetup is the parsed command line.
type systemSetup struct {
	cfg    system.Config
	serial string // -serial's chardev spec; "" is stdio
	gdb    string // -gdb's listener spec
	// -drive if=none and -netdev backends waiting for their -device.
	drives  map[string]*virtio.Block
	netdevs map[string]virtio.FrameIO
	// -device virtconsole entries, given their chardev once it is open.
	virtconsoles []pendingConsole
	name         string // the program name for messages
}

var systemOptions = map[string]systemOption{
	"M":       {true, setMachine},
	"machine": {true, setMachine},
	"m":       {true, setMemory},
	"smp":     {true, setSMP},
	"bios":    {true, func(s *systemSetup, v string) error { s.cfg.BIOS = v; return nil }},
	"kernel":  {true, func(s *systemSetup, v string) error { s.cfg.Kernel = v; return nil }},
	"initrd":  {true, func(s *systemSetup, v string) error { s.cfg.Initrd = v; return nil }},
	"append":  {true, func(s *systemSetup, v string) error { s.cfg.Append = v; return nil }},
	"dtb":     {true, func(s *systemSetup, v string) error { s.cfg.DTB = v; return nil }},
	"serial":  {true, func(s *systemSetup, v string) error { s.serial = v; return nil }},
	"nographic": {false, func(s *systemSetup, v string) error {
		return nil // the console is on stdio in any case
	}},
	"display": {true, func(s *systemSetup, v string) error {
		if v != "none" {
			return fmt.Errorf("-display %s: only -display none (there is no graphical console)", v)
		}
		return nil
	}},
	"s": {false, func(s *systemSetup, v string) error { s.gdb = "tcp::1234"; return nil }},
	"gdb": {true, func(s *systemSetup, v string) error {
		s.gdb = v
		return nil
	}},
	"S":         {false, func(s *systemSetup, v string) error { return nil }}, // always so with a debugger
	"no-reboot": {false, func(s *systemSetup, v string) error { s.cfg.NoReboot = true; return nil }},
}

func setMachine(s *systemSetup, v string) error {
	name, _, _ := strings.Cut(v, ",")
	if name == "help" || name == "?" {
		fmt.Println("Supported machines are:\nvirt                 RISC-V VirtIO board")
		os.Exit(0)
	}
	if name != "virt" {
		return fmt.Errorf("-M %s: unsupported machine type (supported: virt)", name)
	}
	s.cfg.Machine = name
	return nil
}

// setMemory takes -m [size=]N[KMGT], in MiB without a suffix.
func setMemory(s *systemSetup, v string) error {
	v = strings.TrimPrefix(v, "size=")
	mult := uint64(1 << 20)
	if n := len(v); n > 0 {
		switch strings.ToUpper(v[n-1:]) {
		case "K":
			mult, v = 1<<10, v[:n-1]
		case "M":
			mult, v = 1<<20, v[:n-1]
		case "G":
			mult, v = 1<<30, v[:n-1]
		case "T":
			mult, v = 1<<40, v[:n-1]
		}
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		return fmt.Errorf("-m %s: not a memory size", v)
	}
	s.cfg.MemSize = n * mult
	return nil
}

// setSMP takes -smp [cpus=]N[,...].
func setSMP(s *systemSetup, v string) error {
	first, _, _ := strings.Cut(v, ",")
	first = strings.TrimPrefix(first, "cpus=")
	n, err := strconv.Atoi(first)
	if err != nil || n < 1 {
		return fmt.Errorf("-smp %s: not a CPU count", v)
	}
	s.cfg.SMP = n
	return nil
}

// parseSystemArgs reads qemu-system options.
func parseSystemArgs(name string, args []string) (*systemSetup, error) {
	s := &systemSetup{name: name, drives: map[string]*virtio.Block{}, netdevs: map[string]virtio.FrameIO{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			return nil, fmt.Errorf("%s: unexpected argument (options start with -)", a)
		}
		key := strings.TrimLeft(a, "-")
		if key == "h" || key == "help" {
			printSystemHelp(name)
			os.Exit(0)
		}
		opt, ok := systemOptions[key]
		if !ok {
			return nil, fmt.Errorf("-%s: unsupported option", key)
		}
		v := ""
		if opt.arg {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("-%s: requires an argument", key)
			}
			i++
			v = args[i]
		}
		if err := opt.set(s, v); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func printSystemHelp(name string) {
	fmt.Printf(`usage: %s [options] (qemu-system-riscv64's option syntax)
  -M virt            the machine (QEMU 7.2's riscv64 virt)
  -m SIZE            RAM (MiB, or with K/M/G)      -smp N      harts (1-8)
  -bios FILE|none    firmware: OpenSBI fw_jump/fw_dynamic, ELF or binary
  -kernel FILE       ELF vmlinux or RISC-V Image   -initrd FILE    -append CMDLINE
  -dtb FILE          device tree instead of the generated one
  -nographic         the console (and monitor, C-a c) on stdio
  -serial DEV        stdio, null, none, tcp:[HOST]:PORT[,server=on][,wait=off], unix:PATH, file:PATH, chardev:ID, mon:stdio
  -chardev BACKEND,id=ID[,...]   socket (host=,port=,path=,fd=N,server=on|off,wait=on|off), stdio, null, file, pipe
  -add-fd fd=N,set=S  descriptor sets (/dev/fdset/S)
  -monitor DEV       the human monitor        -qmp DEV     QMP     -mon chardev=ID[,mode=control]
  -drive file=F[,format=raw],if=virtio|none[,id=ID][,readonly=on]
  -device virtio-blk-device,drive=ID | virtio-rng-device | virtio-net-device,netdev=ID[,mac=M]
  -netdev socket,id=ID,listen=[HOST]:PORT|connect=HOST:PORT
  -s, -gdb DEV       wait for GDB (tcp::1234 for -s) before the first instruction
  -no-reboot         a guest reset ends gemu
`, name)
}

// systemMain runs a machine and returns gemu's exit status.
func systemMain(arch string, args []string) int {
	name := "gemu-system-" + arch
	fail := func(err error) int {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 1
	}
	if arch != "riscv64" {
		return fail(fmt.Errorf("no system emulation for %q (have riscv64)", arch))
	}
	s, err := parseSystemArgs(name, args)
	if err != nil {
		return fail(err)
	}
	s.cfg.Logf = func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }
	defer startProfile()()
	if s.gdb != "" {
		ln, err := listenGDB(s.gdb)
		if err != nil {
			return fail(err)
		}
		s.cfg.Debugger = gdbstub.New(ln, nil)
	}
	con, err := s.openConsoles()
	if err != nil {
		return fail(err)
	}
	defer con.close()
	if err := s.openVirtconsoles(con); err != nil {
		return fail(err)
	}
	m, err := system.New(s.cfg)
	if err != nil {
		return fail(err)
	}
	defer m.Close()
	if err := con.startMonitors(m); err != nil {
		return fail(err)
	}
	code, err := m.Run()
	con.finished()
	if err != nil {
		con.close()
		return fail(err)
	}
	return code
}

// rawTerminal puts a terminal in raw mode, as qemu does for a stdio
// console, and returns what undoes it.
func rawTerminal(fd int) func() {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() {}
	}
	raw := *old
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.IEXTEN
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	unix.IoctlSetTermios(fd, unix.TCSETS, &raw)
	done := false
	return func() {
		if !done {
			unix.IoctlSetTermios(fd, unix.TCSETS, old)
			done = true
		}
	}
}
