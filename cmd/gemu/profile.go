package main

import (
	"os"
	"runtime/pprof"
)

// startProfile writes a Go CPU profile of gemu itself to $GEMU_CPUPROFILE
// (a developer aid for the interpreter's hot paths). It returns the stop func.
func startProfile() func() {
	path := os.Getenv("GEMU_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
