package main

import "testing"

// TestMultiCallArch: gemu-<target> and gemu-<target>-static force the
// target; a gemu-<suffix> that names none is plain gemu (issue 17).
func TestMultiCallArch(t *testing.T) {
	cases := map[string]string{
		"/usr/bin/gemu":                "",
		"gemu-aarch64":                 "aarch64",
		"/opt/bin/gemu-aarch64-static": "aarch64",
		"gemu-riscv64":                 "riscv64",
		"gemu-arm64":                   "arm64",
		"gemu-static":                  "",
		"gemu-linux-amd64":             "",
		"gemu-v0.1":                    "",
		"gemu-":                        "",
		"qemu-aarch64":                 "",
	}
	for argv0, want := range cases {
		if got := multiCallArch(argv0); got != want {
			t.Errorf("multiCallArch(%q) = %q, want %q", argv0, got, want)
		}
	}
}
