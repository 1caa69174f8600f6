package gdbstub

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gemu-project/gemu/internal/testenv"
)

// TestGDBFreeBSD debugs a FreeBSD guest (#18): the same stub serves the
// FreeBSD personality. At the first instruction x0/a0 holds the argument
// block, as FreeBSD's exec leaves it; a breakpoint at cstart is hit and the
// program runs to its normal end.
func TestGDBFreeBSD(t *testing.T) {
	testenv.NeedTool(t, "gdb-multiarch")
	gemu := buildGemu(t)
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))
	for arch, arg0 := range map[string]string{"aarch64": "x0", "riscv64": "a0"} {
		t.Run(arch, func(t *testing.T) {
			prog := filepath.Join(root, "tests", "build", "freebsd-"+arch, "rawbasic")
			if _, err := os.Stat(prog); err != nil {
				t.Fatalf("fixture missing (make fixtures builds it): %v", err)
			}
			g := startGemu(t, gemu, "0", prog, "dbg")
			out := gdb(t, prog, g.port, "info registers sp "+arg0, "break cstart", "continue", "continue")
			sp := mustMatch(t, out, `(?m)^sp\s+(0x[0-9a-f]+)`)
			mustMatch(t, out, `(?m)^`+arg0+`\s+`+sp[1]+`\s`)
			mustMatch(t, out, `Breakpoint 1, (0x[0-9a-f]+ in )?cstart`)
			mustMatch(t, out, `exited normally\]`)
			if code := g.wait(t); code != 0 {
				t.Errorf("gemu exit code %d", code)
			}
			if !strings.HasPrefix(g.stdout.String(), "hello, bsd!\n") {
				t.Errorf("guest output %q", g.stdout.String())
			}
		})
	}
}
