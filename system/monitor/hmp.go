package monitor

import (
	"fmt"
	"strconv"
	"strings"
)

// hmpContext runs HMP command lines. cpu is the monitor's current CPU
// (HMP's cpu command; human-monitor-command's cpu-index).
type hmpContext struct {
	mon *Monitor
	cpu int
	out strings.Builder
}

func (h *hmpContext) printf(format string, args ...any) { fmt.Fprintf(&h.out, format, args...) }

// hmpCommand is one HMP command. names is "name|alias", params the
// argument synopsis shown by help.
type hmpCommand struct {
	names, params, help string
	nargs               int // exact number of arguments; -1: any (the command checks)
	run                 func(h *hmpContext, args []string) (after func())
}

var hmpCommands, hmpInfo []hmpCommand

func init() {
	hmpCommands = []hmpCommand{
		{"help|?", "[cmd]", "show the help", -1, hmpHelp},
		{"info", "[subcommand]", "show various information about the system state", -1, hmpInfoCmd},
		{"stop|s", "", "stop emulation", 0, func(h *hmpContext, _ []string) func() {
			h.mon.stop()
			return nil
		}},
		{"cont|c", "", "resume emulation", 0, func(h *hmpContext, _ []string) func() {
			if err := h.mon.cont(); err != nil {
				h.printf("%v\n", err)
			}
			return nil
		}},
		{"system_reset", "", "reset the system", 0, func(h *hmpContext, _ []string) func() {
			h.mon.reset()
			return nil
		}},
		{"system_powerdown", "", "send system power down event", 0, func(h *hmpContext, _ []string) func() {
			h.mon.powerdown()
			return nil
		}},
		{"quit|q", "", "quit the emulator", 0, func(h *hmpContext, _ []string) func() {
			h.mon.quitEvent()
			return h.mon.m.Quit
		}},
		{"cpu", "index", "set the default CPU", 1, hmpCPU},
	}
	hmpInfo = []hmpCommand{
		{"info cpus", "", "show infos for each CPU", 0, hmpInfoCPUs},
		{"info registers", "[-a]", "show the cpu registers (-a: all CPUs)", -1, hmpInfoRegisters},
		{"info status", "", "show the current VM status (running|paused)", 0, hmpInfoStatus},
		{"info version", "", "show the version of QEMU", 0, func(h *hmpContext, _ []string) func() {
			h.printf("%s (%s)\n", h.mon.version, h.mon.version.Package)
			return nil
		}},
	}
}

// run executes one line and returns its output ("\n" line ends) and what
// to do once the output has gone out (quit).
func (h *hmpContext) run(line string) (string, func()) {
	h.out.Reset()
	words := strings.Fields(line)
	if len(words) == 0 {
		return "", nil
	}
	c := findHMP(hmpCommands, words[0])
	if c == nil {
		h.printf("unknown command: '%s'\n", words[0])
		return h.out.String(), nil
	}
	var after func()
	if h.checkArgs(c, words[0], words[1:]) {
		after = c.run(h, words[1:])
	}
	return h.out.String(), after
}

func findHMP(table []hmpCommand, name string) *hmpCommand {
	for i := range table {
		full := table[i].names
		if _, sub, ok := strings.Cut(full, " "); ok {
			full = sub
		}
		for _, n := range strings.Split(full, "|") {
			if n == name {
				return &table[i]
			}
		}
	}
	return nil
}

// checkArgs reports a wrong argument count as QEMU's HMP parser does.
func (h *hmpContext) checkArgs(c *hmpCommand, typed string, args []string) bool {
	switch {
	case c.nargs < 0 || len(args) == c.nargs:
		return true
	case len(args) > c.nargs:
		h.printf("%s: extraneous characters at the end of line\n", c.names)
	default:
		h.printf("unexpected end of expression\n")
	}
	h.printf("Try \"help %s\" for more information\n", typed)
	return false
}

func (h *hmpContext) describe(c *hmpCommand) {
	h.printf("%s %s -- %s\n", c.names, c.params, c.help)
}

func hmpHelp(h *hmpContext, args []string) func() {
	switch {
	case len(args) == 0:
		for i := range hmpCommands {
			h.describe(&hmpCommands[i])
		}
	case len(args) == 1 && args[0] == "info":
		for i := range hmpInfo {
			h.describe(&hmpInfo[i])
		}
	default:
		c := findHMP(hmpCommands, args[0])
		if len(args) > 1 && args[0] == "info" {
			c = findHMP(hmpInfo, args[1])
		}
		if c == nil {
			h.printf("unknown command: '%s'\n", strings.Join(args, " "))
			return nil
		}
		h.describe(c)
	}
	return nil
}

func hmpInfoCmd(h *hmpContext, args []string) func() {
	if len(args) == 0 {
		return hmpHelp(h, []string{"info"})
	}
	c := findHMP(hmpInfo, args[0])
	if c == nil {
		h.printf("unknown command: 'info %s'\n", args[0])
		return nil
	}
	if h.checkArgs(c, "info "+args[0], args[1:]) {
		return c.run(h, args[1:])
	}
	return nil
}

func hmpCPU(h *hmpContext, args []string) func() {
	n, err := strconv.Atoi(args[0])
	if err != nil {
		h.printf("invalid char in expression\nTry \"help cpu\" for more information\n")
		return nil
	}
	if n < 0 || n >= len(h.mon.m.CPUs()) {
		h.printf("invalid CPU index\n")
		return nil
	}
	h.cpu = n
	return nil
}

// hmpInfoStatus: "VM status: running", "VM status: paused", or paused with
// the reason when the machine is not simply paused.
func hmpInfoStatus(h *hmpContext, _ []string) func() {
	st := h.mon.m.Status()
	switch st {
	case "running", "paused":
		h.printf("VM status: %s\n", st)
	default:
		h.printf("VM status: paused (%s)\n", st)
	}
	return nil
}

// hmpInfoCPUs marks the current CPU with '*'.
func hmpInfoCPUs(h *hmpContext, _ []string) func() {
	for _, c := range h.mon.m.CPUs() {
		mark := ' '
		if c.Index == h.cpu {
			mark = '*'
		}
		h.printf("%c CPU #%d: thread_id=%d\n", mark, c.Index, c.ThreadID)
	}
	return nil
}

// hmpInfoRegisters shows the current CPU, or all with -a.
func hmpInfoRegisters(h *hmpContext, args []string) func() {
	cpus := []int{h.cpu}
	switch {
	case len(args) == 1 && args[0] == "-a":
		cpus = cpus[:0]
		for _, c := range h.mon.m.CPUs() {
			cpus = append(cpus, c.Index)
		}
	case len(args) > 0:
		h.printf("info registers: extraneous characters at the end of line\n")
		return nil
	}
	for _, i := range cpus {
		regs := h.mon.m.Registers(i)
		if regs != "" && !strings.HasSuffix(regs, "\n") {
			regs += "\n"
		}
		h.printf("\nCPU#%d\n%s", i, regs)
	}
	return nil
}

// crlf turns "\n" into "\r\n", as the monitor's output has it.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}
