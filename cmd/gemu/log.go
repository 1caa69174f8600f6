package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// logItems are the -d items gemu understands, with qemu's names.
var logItems = map[string]string{
	"in_asm":  "show guest code as it is translated",
	"exec":    "show each translated block as it runs",
	"cpu":     "show the CPU registers before each block",
	"strace":  "log system calls (same as -strace)",
	"unimp":   "log unimplemented system calls and features",
	"page":    "show the guest memory layout after loading",
	"gdb":     "trace the gdbstub's packets (-g)",
	"out_asm": "show the host code tier 2 generates",
	"nochain": "do not chain compiled blocks to each other",
	"jit":     "print tier 2's totals at exit (blocks compiled, code bytes, compile time, arena flushes)",
}

type logConfig struct {
	items map[string]bool
	out   io.Writer
	mu    sync.Mutex
}

func (l *logConfig) on(item string) bool { return l.items[item] }

// parseLog reads -d and -D. "-d help" prints the list and stops.
func parseLog(items, file string) (*logConfig, error) {
	l := &logConfig{items: map[string]bool{}, out: os.Stderr}
	if items == "help" {
		names := make([]string, 0, len(logItems))
		for n := range logItems {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Println("Log items (comma separated):")
		for _, n := range names {
			fmt.Printf("%-8s %s\n", n, logItems[n])
		}
		return nil, &exitError{status: 0}
	}
	for _, it := range strings.Split(items, ",") {
		if it == "" {
			continue
		}
		if _, ok := logItems[it]; !ok {
			return nil, fmt.Errorf("unknown -d item %q (try -d help)", it)
		}
		l.items[it] = true
	}
	if file != "" {
		f, err := os.Create(file)
		if err != nil {
			return nil, fmt.Errorf("-D: %v", err)
		}
		l.out = f
	}
	return l, nil
}

// hook installs the engine callbacks the chosen items need. It runs after
// the program is loaded, so -d page can show the initial layout.
func (l *logConfig) hook(e *translate.Engine, arch targets.Arch) {
	if l.on("page") {
		l.pages(e)
	}
	if l.on("in_asm") {
		e.OnTranslate = func(b *translate.Block) { l.inAsm(e, arch, b) }
	}
	if l.on("exec") || l.on("cpu") {
		e.OnExec = func(c *translate.CPU, b *translate.Block) {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.on("cpu") {
				arch.DumpRegs(l.out, c)
			}
			if l.on("exec") {
				fmt.Fprintf(l.out, "Trace %d: [%016x] \n", len(b.Ops), b.PC)
			}
		}
	}
}

// inAsm prints a block's guest instructions in qemu's IN: format.
func (l *logConfig) inAsm(e *translate.Engine, arch targets.Arch, b *translate.Block) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.out, "----------------")
	fmt.Fprintln(l.out, "IN: ")
	buf := make([]byte, 4)
	for pc := b.PC; pc < b.End; {
		if err := e.Mem().Read(pc, buf); err != nil {
			if err := e.Mem().Read(pc, buf[:2]); err != nil {
				break
			}
		}
		text, n := arch.Disassemble(buf, pc)
		fmt.Fprintf(l.out, "0x%016x:  %s\n", pc, text)
		pc += uint64(max(n, 2))
	}
	fmt.Fprintln(l.out)
}

// pages prints the guest memory layout in /proc/self/maps style.
func (l *logConfig) pages(e *translate.Engine) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.out, "guest memory layout:")
	for _, v := range e.Mem().VMAs() {
		perm := []byte("---p")
		for i, bit := range []int{translate.ProtRead, translate.ProtWrite, translate.ProtExec} {
			if v.Prot&bit != 0 {
				perm[i] = "rwx"[i]
			}
		}
		if v.Shared {
			perm[3] = 's'
		}
		fmt.Fprintf(l.out, "%012x-%012x %s %s\n", v.Start, v.End, perm, v.Name)
	}
}
