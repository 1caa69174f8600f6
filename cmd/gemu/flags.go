package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// userFlags are qemu-user's flags with their QEMU_* environment variables
// (qemu linux-user/main.c arg_table gives the names; the behaviour is ours).
func userFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "L", Usage: "guest path prefix (sysroot) for absolute paths", EnvVars: []string{"QEMU_LD_PREFIX"}},
		&cli.StringSliceFlag{Name: "E", Usage: "set `var=value` in the guest environment (comma-separated list)", EnvVars: []string{"QEMU_SET_ENV"}},
		&cli.StringSliceFlag{Name: "U", Usage: "remove `var` from the guest environment", EnvVars: []string{"QEMU_UNSET_ENV"}},
		&cli.StringFlag{Name: "0", Usage: "guest argv[0]", EnvVars: []string{"QEMU_ARGV0"}},
		&cli.StringFlag{Name: "cpu", Usage: "CPU `model` (-cpu help lists them)", EnvVars: []string{"QEMU_CPU"}},
		&cli.StringFlag{Name: "d", Usage: "log `items` (comma-separated; -d help lists them)", EnvVars: []string{"QEMU_LOG"}},
		&cli.StringFlag{Name: "D", Usage: "write logs to `file` instead of stderr", EnvVars: []string{"QEMU_LOG_FILENAME"}},
		&cli.BoolFlag{Name: "strace", Usage: "log system calls", EnvVars: []string{"QEMU_STRACE"}},
		&cli.StringFlag{Name: "seed", Usage: "seed for the guest's random numbers (AT_RANDOM)", EnvVars: []string{"QEMU_RAND_SEED"}},
		&cli.StringFlag{Name: "s", Usage: "stack `size` in bytes (k/M/G suffixes)", EnvVars: []string{"QEMU_STACK_SIZE"}},
		&cli.StringFlag{Name: "r", Usage: "`release` reported by uname", EnvVars: []string{"QEMU_UNAME"}},
		&cli.BoolFlag{Name: "one-insn-per-tb", Usage: "translate one guest instruction per block"},
		&cli.StringFlag{Name: "jit", Usage: "tier 2, hot guest code compiled to host code: `on`, off, force (every block) or lockstep (every block checked against the interpreter)", EnvVars: []string{"GEMU_JIT"}},
		&cli.StringFlag{Name: "g", Usage: "wait for gdb on `address` before the first instruction: PORT, HOST:PORT, " +
			"unix:PATH or fd:N (PORT 0: any free port, printed)", EnvVars: []string{"QEMU_GDB"}},
		&cli.BoolFlag{Name: "version", Usage: "print the version and exit"},
		// Flags qemu-user has that gemu does not offer yet: refused clearly.
		&cli.StringFlag{Name: "B", Usage: "guest base (not supported: gemu places the guest itself)", EnvVars: []string{"QEMU_GUEST_BASE"}},
		&cli.StringFlag{Name: "R", Usage: "reserved VA size (not supported yet)", EnvVars: []string{"QEMU_RESERVED_VA"}},
		&cli.StringFlag{Name: "plugin", Usage: "TCG plugins (not supported)"},
	}
}

// tuningVars are gemu's settings read from the environment outside the
// flags (translate/jit.go, translate/jitflush.go, translate/jitqueue.go,
// profile.go, usermode/exec_here.go, usermode/archive.go).
var tuningVars = []string{"GEMU_JIT_ARENA", "GEMU_JIT_PERFMAP", "GEMU_JIT_THRESHOLD", "GEMU_CPUPROFILE", "GEMU_EXEC",
	"GEMU_ARCHIVE"}

// emulatorVars lists every environment variable that configures gemu:
// the flags' and tuningVars.
func emulatorVars() []string {
	out := append([]string(nil), tuningVars...)
	for _, f := range userFlags() {
		if e, ok := f.(interface{ GetEnvVars() []string }); ok {
			out = append(out, e.GetEnvVars()...)
		}
	}
	return out
}

// unsupported lists flags accepted by qemu-user that gemu refuses, with why.
var unsupported = map[string]string{
	"B":      "gemu chooses the guest base itself",
	"R":      "the reserved address space is sized per target",
	"plugin": "TCG plugins are a QEMU interface",
}

func checkUnsupported(c *cli.Context) error {
	for name, why := range unsupported {
		if c.IsSet(name) {
			return &exitError{status: 1, msg: fmt.Sprintf("option -%s is not supported: %s", name, why)}
		}
	}
	return nil
}

// parseSize reads qemu's -s syntax: a number with an optional k/M/G suffix.
func parseSize(s string) (uint64, error) {
	mult := uint64(1)
	switch {
	case strings.HasSuffix(s, "k"), strings.HasSuffix(s, "K"):
		mult, s = 1<<10, s[:len(s)-1]
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, s[:len(s)-1]
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, s[:len(s)-1]
	}
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("invalid stack size %q", s)
	}
	return n * mult, nil
}

// guestEnv builds the guest environment: the host's, with -E and -U applied.
func guestEnv(set, unset []string) ([]string, error) {
	env := os.Environ()
	for _, kv := range set {
		name, _, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("-E needs var=value, got %q", kv)
		}
		env = removeVar(env, name)
		env = append(env, kv)
	}
	for _, name := range unset {
		env = removeVar(env, name)
	}
	return env, nil
}

func removeVar(env []string, name string) []string {
	out := env[:0]
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != name {
			out = append(out, kv)
		}
	}
	return out
}
