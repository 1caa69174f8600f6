// Package testenv holds helpers shared by gemu's tests: finding the cross
// tools `make deps` installs, and a small guest sandbox for target tests.
package testenv

import (
	"os"
	"os/exec"
	"testing"

	"github.com/gemu-project/gemu/translate"
)

// NeedTool finds a tool on PATH. Missing is a failure when CI is set (make
// deps installs it there) and a skip elsewhere.
func NeedTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		msg := name + " not found (make deps installs it)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// Sandbox is a guest address space with code, data and stack mapped, an
// engine for a target and one CPU: what the targets' semantic tests run on.
type Sandbox struct {
	AS  *translate.AddressSpace
	E   *translate.Engine
	CPU *translate.CPU
}

// NewSandbox maps 64 KiB of code at code (read+exec), dataSize bytes at
// data and a 64 KiB stack ending at stackTop (read+write) in a 4 GiB space.
func NewSandbox(t testing.TB, target translate.Target, code, data, dataSize, stackTop uint64) *Sandbox {
	t.Helper()
	as, err := translate.NewAddressSpace(1 << 32)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(as.Close)
	maps := []translate.MapSpec{
		{Addr: code, Length: 0x10000, Prot: translate.ProtRead | translate.ProtExec, Fixed: true, FD: -1},
		{Addr: data, Length: dataSize, Prot: translate.ProtRead | translate.ProtWrite, Fixed: true, FD: -1},
		{Addr: stackTop - 0x10000, Length: 0x10000, Prot: translate.ProtRead | translate.ProtWrite, Fixed: true, FD: -1},
	}
	for _, s := range maps {
		if _, err := as.Map(s); err != nil {
			t.Fatal(err)
		}
	}
	e := translate.NewEngine(target, as)
	return &Sandbox{AS: as, E: e, CPU: e.NewCPU()}
}
