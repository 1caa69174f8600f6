package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGeneratedUpToDate assembles trampoline.S again (binutils' as and ld)
// and compares the result with trampoline.go byte for byte.
func TestGeneratedUpToDate(t *testing.T) {
	code, err := Assemble("../trampoline.S")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../trampoline.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(Source(code), want) {
		t.Fatal("trampoline.go is stale: run go generate ./internal/fdtable")
	}
}
