package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedUpToDate regenerates the tables and compares them with the
// committed files byte for byte. Without the x/sys module in the module
// cache it skips, or fails when CI is set.
func TestGeneratedUpToDate(t *testing.T) {
	if _, err := findSources(); err != nil {
		msg := "golang.org/x/sys FreeBSD files unavailable (go mod download golang.org/x/sys): " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	files, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./syscalls/freebsd", name)
		}
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"__sysctl": "Sysctl", "_umtx_op": "UmtxOp", "freebsd11_stat": "Freebsd11Stat",
		"thr_new": "ThrNew", "exit": "Exit",
	} {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseSysnumsRejectsShortFile(t *testing.T) {
	if _, err := parseSysnums("\tSYS_EXIT = 1 // x\n"); err == nil {
		t.Error("a file with one number was accepted")
	}
}
