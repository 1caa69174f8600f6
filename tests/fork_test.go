package tests

import (
	"strings"
	"testing"
)

// Process creation: fork (tests/guest/fork.c) and a Go guest's os/exec
// (tests/guest/goexec). Each mode runs natively and under gemu, which must
// agree exactly. qemu-user, when installed, runs the modes it can (it
// cannot exec a foreign program without binfmt_misc, and its clone3 may be
// missing), and only its stdout and exit status are compared: it reports
// the children that die of SIGSEGV on its own stderr.

// spawnCase is one program and the modes it runs in.
type spawnCase struct {
	prog  string
	modes [][]string // argument lists; qemu runs only the first
}

var spawnCases = []spawnCase{
	{prog: "fork", modes: [][]string{nil, {"strict"}}},
	{prog: "goexec", modes: [][]string{nil, {"self"}}},
}

func TestSpawn(t *testing.T) {
	for _, arch := range guestArches() {
		for _, c := range spawnCases {
			if !selected(c.prog) {
				continue
			}
			t.Run(arch+"/"+c.prog, func(t *testing.T) {
				t.Parallel()
				runSpawnCase(t, arch, c)
			})
		}
	}
}

func runSpawnCase(t *testing.T, arch string, c spawnCase) {
	gemu := gemuBin(t)
	native := fixture(t, "x86_64", c.prog)
	guest := fixture(t, arch, c.prog)
	invoke := func(prefix []string, args []string) result {
		tmp := t.TempDir()
		argv := append(append([]string{}, prefix...), args...)
		return run(t, argv, baseEnv(tmp), tmp)
	}
	q := qemuFor(t, arch)
	for i, mode := range c.modes {
		name := strings.Join(append([]string{c.prog}, mode...), " ")
		want := invoke(nil, append([]string{native}, mode...))
		if want.code != 0 {
			t.Fatalf("native %s exited %d: the fixture itself is broken\nstdout:\n%s\nstderr:\n%s",
				name, want.code, tail(want.stdout), tail(want.stderr))
		}
		compare(t, "gemu "+name, want, invoke([]string{gemu}, append([]string{guest}, mode...)))
		if i == 0 && q != "" && q != gemu {
			got := invoke([]string{q}, append([]string{guest}, mode...))
			got.stderr = want.stderr
			compare(t, "qemu-"+arch+" "+name, want, got)
		}
	}
}
