package tests

// TestBusybox runs tests/busybox/applets.sh, a script of busybox applets
// (each its own process), with Debian's busybox-static for amd64 natively
// (the reference) and for arm64 under gemu and under qemu-aarch64 when it is
// installed; stdout and exit status must be identical. `make deps` puts both
// busyboxes in tests/build/busybox/<arch>/ (tests/busybox.sh fetch).
//
// GEMU_BUSYBOX_ONLY (space separated section names, as after "== " in the
// output) runs only those sections.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// busyboxTimeout bounds one whole script run (some 200 busybox processes).
const busyboxTimeout = 5 * time.Minute

// busyboxBin returns tests/build/busybox/<arch>/bin/busybox and its Debian
// version. Missing: fail in CI, skip elsewhere, like fixture().
func busyboxBin(t *testing.T, arch string) (path, version string) {
	t.Helper()
	dir := filepath.Join(repoRoot, "tests", "build", "busybox", arch)
	path = filepath.Join(dir, "bin", "busybox")
	v, err := os.ReadFile(filepath.Join(dir, "VERSION"))
	if err == nil {
		_, err = os.Stat(path)
	}
	if err != nil {
		if inCI() {
			t.Fatalf("busybox %s missing (CI must fetch it: make deps): %v", arch, err)
		}
		t.Skipf("busybox %s missing: run make deps (tests/busybox.sh fetch): %v", arch, err)
	}
	return path, strings.TrimSpace(string(v))
}

func TestBusybox(t *testing.T) {
	gemu := gemuBin(t)
	native, vn := busyboxBin(t, "amd64")
	guest, vg := busyboxBin(t, "arm64")
	if vn != vg {
		t.Fatalf("busybox versions differ: amd64 %s, arm64 %s (rerun tests/busybox.sh fetch)", vn, vg)
	}
	script := filepath.Join(repoRoot, "tests", "busybox", "applets.sh")
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash not found: %v", err)
	}

	invoke := func(prefix ...string) result {
		tmp := t.TempDir()
		env := baseEnv(tmp, "BB_ONLY="+os.Getenv("GEMU_BUSYBOX_ONLY"))
		return runScript(t, append([]string{bash, script}, prefix...), env, tmp)
	}
	want := invoke(native)
	if want.code != 0 || want.stdout == "" {
		t.Fatalf("native run of %s exited %d: the script itself is broken\nstdout tail:\n%s\nstderr:\n%s",
			script, want.code, tail(want.stdout), tail(want.stderr))
	}
	t.Logf("busybox %s: %d sections", vn, len(splitSections(want.stdout)))

	runners := map[string][]string{"gemu": {gemu, guest}}
	if q := qemuFor(t, "aarch64"); q != "" && q != gemu {
		runners["qemu-aarch64"] = []string{q, guest}
	}
	for name, prefix := range runners {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := invoke(prefix...)
			var ignore map[string]string
			if strings.HasPrefix(filepath.Base(prefix[0]), "qemu-") {
				ignore = qemuIgnore
			}
			compareSections(t, name, want, got, ignore)
		})
	}
}

// qemuIgnore: sections qemu-user cannot pass, with the reason. qemu-user 7.2
// hands execve to the host kernel, which has no binfmt_misc entry for
// aarch64 here: busybox's exec of /proc/self/exe fails with ENOEXEC.
var qemuIgnore = map[string]string{
	"exec":    "qemu-user passes execve(/proc/self/exe) to the host: ENOEXEC without binfmt_misc",
	"sh-path": "qemu-user passes the exec of a PATH symlink to the foreign busybox to the host: no binfmt_misc",
}

// runScript is run() with a deadline for a whole script.
func runScript(t *testing.T, argv, env []string, dir string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), busyboxTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env, cmd.Dir, cmd.WaitDelay = env, dir, 5*time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("%s: timed out after %v\nstdout tail:\n%s", strings.Join(argv, " "), busyboxTimeout, tail(res.stdout))
	case err == nil:
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.code = 128 + int(ws.Signal())
		}
	default:
		t.Fatalf("%s: %v", strings.Join(argv, " "), err)
	}
	return res
}

// section is one "== NAME" block of the script's output.
type section struct {
	name  string
	lines []string
}

// splitSections cuts the output at its "== NAME" lines (text before the
// first one is a section named "(preamble)").
func splitSections(out string) []section {
	var secs []section
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if name, ok := strings.CutPrefix(l, "== "); ok {
			secs = append(secs, section{name: name})
			continue
		}
		if len(secs) == 0 {
			secs = append(secs, section{name: "(preamble)"})
		}
		secs[len(secs)-1].lines = append(secs[len(secs)-1].lines, l)
	}
	return secs
}

// compareSections reports, per section, a line diff of got against want,
// and the script's exit status and stderr. Sections in ignore (name ->
// reason) are only logged.
func compareSections(t *testing.T, who string, want, got result, ignore map[string]string) {
	t.Helper()
	ws, gs := splitSections(want.stdout), splitSections(got.stdout)
	gotBy := map[string][]string{}
	for _, s := range gs {
		gotBy[s.name] = s.lines
	}
	var bad []string
	skipped := 0
	for _, s := range ws {
		g, ok := gotBy[s.name]
		switch {
		case ignore[s.name] != "":
			t.Logf("%s: section %q not compared: %s", who, s.name, ignore[s.name])
			skipped++
			continue
		case !ok:
			t.Errorf("%s: section %q missing", who, s.name)
		case strings.Join(g, "\n") != strings.Join(s.lines, "\n"):
			t.Errorf("%s: section %q differs (- native, + %s):\n%s", who, s.name, who, lineDiff(s.lines, g))
		default:
			continue
		}
		bad = append(bad, s.name)
	}
	if len(gs) != len(ws) {
		wantBy := map[string]int{}
		for _, s := range ws {
			wantBy[s.name]++
		}
		var extra []string
		for _, s := range gs {
			if wantBy[s.name]--; wantBy[s.name] < 0 {
				extra = append(extra, fmt.Sprintf("%q: %q", s.name, s.lines))
			}
		}
		t.Errorf("%s: %d sections, native %d; extra: %v", who, len(gs), len(ws), extra)
	}
	if got.code != want.code {
		t.Errorf("%s: script exit status %d, native %d", who, got.code, want.code)
	}
	if got.stderr != want.stderr {
		t.Errorf("%s: script stderr differs:\n%s", who, lineDiff(strings.Split(want.stderr, "\n"), strings.Split(got.stderr, "\n")))
	}
	t.Logf("%s: %d of %d sections identical (%d not compared); differing: %v",
		who, len(ws)-len(bad)-skipped, len(ws), skipped, bad)
}

// lineDiff is a minimal diff of two short line lists (longest common
// subsequence): removed lines "- ", added "+ ", and up to diffContext
// common lines around each change.
func lineDiff(a, b []string) string {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []string // "  x", "- x", "+ x"
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, "  "+a[i])
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, "+ "+b[j])
			j++
		default:
			ops = append(ops, "- "+a[i])
			i++
		}
	}
	const diffContext = 3
	var sb strings.Builder
	last := -1 // index of the last op printed
	for k, op := range ops {
		near := false
		for d := max(0, k-diffContext); d <= min(len(ops)-1, k+diffContext); d++ {
			near = near || ops[d][0] != ' '
		}
		if !near {
			continue
		}
		if last >= 0 && k > last+1 || last < 0 && k > 0 {
			sb.WriteString("    ...\n")
		}
		fmt.Fprintf(&sb, "  %s\n", op)
		last = k
	}
	if last >= 0 && last < len(ops)-1 {
		sb.WriteString("    ...\n")
	}
	return sb.String()
}
