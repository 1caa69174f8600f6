package tests

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/gemu-project/gemu/internal/testenv"
)

// Socket fixtures run each program in a private network namespace: its own
// loopback, port range and TIME_WAIT table (net.ipv4.tcp_max_tw_buckets is
// per namespace), so 20,000-connection storms of several runs and of other
// tests cannot change what the kernel answers (a full TIME_WAIT table makes
// a re-listen without SO_REUSEADDR succeed).
//
// The test binary re-executes itself with CLONE_NEWNET (and CLONE_NEWUSER
// when not root); TestMain sees netnsExecVar, brings lo up and execs the
// program.

const netnsExecVar = "GEMU_TEST_NETNS_EXEC"

func TestMain(m *testing.M) {
	if os.Getenv(netnsExecVar) != "" {
		os.Exit(netnsExec(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// netnsExec runs inside the new namespace: lo up, then exec argv.
func netnsExec(argv []string) int {
	os.Unsetenv(netnsExecVar)
	if err := testenv.LoopbackUp(); err != nil {
		fmt.Fprintf(os.Stderr, "netns helper: bringing lo up: %v\n", err)
		return 125
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "netns helper: %v\n", err)
		return 127
	}
	err = syscall.Exec(path, argv, os.Environ())
	fmt.Fprintf(os.Stderr, "netns helper: exec %s: %v\n", path, err)
	return 126
}

// netnsCommand wraps argv so that it runs in a private network namespace.
func netnsCommand(t *testing.T, argv []string) []string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{self}, argv...)
}
