// As in cmd/gemu: no runtime-held cgroup descriptors at 3 and 4.
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0

package linuxuser

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/gemu-project/gemu/usermode"

	"github.com/gemu-project/gemu/targets"
	_ "github.com/gemu-project/gemu/targets/riscv64"
)

// The end-to-end tests run each guest in a child process: the test binary
// re-executed with GEMU_TEST_GUEST set runs one guest and exits with its
// status, so exit codes, signals and leftover threads stay isolated.

func init() { runtime.LockOSThread() } // main runs on the main OS thread: TID == PID

const guestEnv = "GEMU_TEST_GUEST"

func TestMain(m *testing.M) {
	if os.Getenv(guestEnv) != "" {
		os.Exit(runGuestChild(os.Args))
	}
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// runGuestChild runs "ARGS... -- arch path arg..." with options from the environment.
func runGuestChild(args []string) int {
	parts := args
	for i, a := range args {
		if a == "--" {
			parts = args[i+1:]
			break
		}
	}
	if len(parts) < 2 {
		fmt.Fprintln(os.Stderr, "gemu test: no guest given")
		return 1
	}
	if err := usermode.ParkHostFDs(func() error { return nil }); err != nil {
		fmt.Fprintln(os.Stderr, "gemu test:", err)
		return 1
	}
	arch, err := targets.ByName(parts[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gemu:", err)
		return 1
	}
	opts := usermode.Options{Env: []string{"LANG=C", "PATH=/usr/bin:/bin"}, Prefix: os.Getenv("GEMU_TEST_PREFIX")}
	argv := parts[1:]
	if os.Getenv("GEMU_TEST_EXECED") != "" {
		// Started by a guest execve through Reexec: the guest's env and argv[0].
		opts.Env = nil
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GEMU_TEST_") {
				opts.Env = append(opts.Env, kv)
			}
		}
		argv = append([]string{os.Getenv("GEMU_TEST_ARGV0")}, parts[2:]...)
	}
	opts.Reexec = func(path string, argv, env []string) (string, []string, []string) {
		args := append([]string{os.Args[0], "-test.run=^$", "--", parts[0], path}, argv[min(1, len(argv)):]...)
		a0 := ""
		if len(argv) > 0 {
			a0 = argv[0]
		}
		env = append(env, guestEnv+"=1", "GEMU_TEST_EXECED=1", "GEMU_TEST_ARGV0="+a0)
		for _, k := range []string{"GEMU_TEST_STRACE", "GEMU_TEST_UNIMP", "GEMU_TEST_PREFIX"} {
			if v, ok := os.LookupEnv(k); ok {
				env = append(env, k+"="+v)
			}
		}
		return os.Args[0], args, env
	}
	if os.Getenv("GEMU_TEST_STRACE") != "" {
		opts.Strace = os.Stderr
	}
	if os.Getenv("GEMU_TEST_UNIMP") != "" {
		opts.Unimp = os.Stderr
	}
	if err := Run(arch, parts[1], argv, opts); err != nil {
		fmt.Fprintln(os.Stderr, "gemu:", err)
	}
	return 1
}
