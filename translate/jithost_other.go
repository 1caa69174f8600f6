//go:build !amd64

package translate

import "errors"

// Tier 2 emits amd64 code; on other hosts everything runs in tier 1.

func jitHostOK() bool { return false }

func jitArena() ([]byte, error) { return nil, errors.New("tier 2 needs an amd64 host") }

func jitCall(regs, base, entry, limit uintptr) uint64 { panic("tier 2 needs an amd64 host") }

func jitG() uintptr { return 0 }

func hostCPU() hostFeatures { return hostFeatures{} }

var jitFaultStub uintptr

func jitMarkSites(n *nativeBlock) {}

func jitClearSites(used int) {}
