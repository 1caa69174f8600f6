package tests

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSandboxSecondStage is make test's part of make sandbox-test
// (tests/sandbox.sh --small aarch64): a minbase Debian bookworm arm64
// made by debootstrap --foreign on the host, its second stage run by gemu
// through a binfmt_misc entry of its own (flag F: gemu is not in the
// chroot, nor at first /proc), then a pipeline, dpkg, perl, useradd and su,
// ldconfig inside. The first stage is downloaded once and kept in
// tests/build/sandbox.
// sandboxTimeout bounds the download and the bootstrap (about 2 minutes).
const sandboxTimeout = 8 * time.Minute

func TestSandboxSecondStage(t *testing.T) {
	if mode := os.Getenv("GEMU_JIT"); mode != "" {
		// make test's later passes (tier 2 forced, off, lockstep) repeat
		// the guest-running packages; this one takes 90 s (lockstep: 5
		// minutes) and runs once, in the first pass.
		t.Skipf("GEMU_JIT=%s: the sandbox runs in the default mode only", mode)
	}
	needRoot(t, "debootstrap and binfmt_misc")
	for _, tool := range []string{"debootstrap", "chroot"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s missing (make deps installs it): %v", tool, err)
		}
	}
	gemu := gemuBin(t)
	script := filepath.Join(repoRoot, "tests", "sandbox.sh")
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), sandboxTimeout)
	defer cancel()
	argv := []string{"bash", script, "--small", "aarch64"}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(baseEnv(t.TempDir()), "GEMU="+gemu, "PATH=/usr/sbin:/usr/bin:/sbin:/bin")
	cmd.Dir = repoRoot
	got, ok := runCommand(t, ctx, cmd, argv)
	if !ok {
		t.Fatalf("timed out after %v\nstdout:\n%s\nstderr:\n%s", sandboxTimeout, got.stdout, tail(got.stderr))
	}
	t.Logf("%s in %v:\n%s", script, time.Since(start).Round(time.Second), got.stdout)
	if got.code != 0 || !strings.Contains(got.stdout, "ok second-stage-aarch64") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", got.code, got.stdout, tail(got.stderr))
	}
}
