package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate regenerates the tables from the installed headers
// and compares them with the committed files byte for byte.
func TestGeneratedUpToDate(t *testing.T) {
	for _, a := range defaultArchs {
		if _, err := os.Stat(filepath.Join(a.Root, "asm/unistd.h")); err != nil {
			msg := "kernel headers missing (make deps installs linux-libc-dev-riscv64-cross and linux-libc-dev-arm64-cross): " + err.Error()
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	files, err := generate(defaultArchs)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./syscalls/linux", name)
		}
	}
}

func TestEval(t *testing.T) {
	p := newPreproc(t.TempDir())
	p.define("__BITS_PER_LONG", "64")
	p.define("__NR_arch_specific_syscall", "244")
	p.define("__NR_x", "(__NR_arch_specific_syscall + 15)")
	p.define("W", "")
	for expr, want := range map[string]int64{
		"__NR_x":                               259,
		"__BITS_PER_LONG == 32 || defined(Q)":  0,
		"defined(W) || __BITS_PER_LONG != 32":  1,
		"__BITS_PER_LONG == 64 && !defined(W)": 0,
		"defined W":                            1,
		"(1 << 4) - 2*3":                       10,
		"UNDEFINED_NAME":                       0,
		"0x10 + 010":                           24,
	} {
		got, err := p.eval(expr)
		if err != nil || got != want {
			t.Errorf("eval(%q) = %d, %v; want %d", expr, got, err, want)
		}
	}
}

func TestConditionals(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "asm"), 0o755)
	src := `#define A 1
#if A == 2
#define __NR_no 1
#elif A == 1
#define __NR_yes 2 /* comment */
#else
#define __NR_no2 3
#endif
#ifndef B
#define __NR_multi \
	4
#endif
`
	os.WriteFile(filepath.Join(dir, "asm/t.h"), []byte(src), 0o644)
	p := newPreproc(dir)
	if err := p.file("asm/t.h"); err != nil {
		t.Fatal(err)
	}
	if _, ok := p.macros["__NR_no"]; ok {
		t.Error("false #if branch taken")
	}
	if _, ok := p.macros["__NR_no2"]; ok {
		t.Error("#else taken after a true #elif")
	}
	if p.macros["__NR_yes"] != "2" || p.macros["__NR_multi"] != "4" {
		t.Errorf("macros = %v", p.macros)
	}
}
