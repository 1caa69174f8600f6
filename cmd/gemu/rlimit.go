package main

import "syscall"

// startNofile is the RLIMIT_NOFILE {soft, hard} gemu was started with,
// saved by gemuEntry; zero when gemu was linked without it (go build).
var startNofile [2]uint64

// restoreNofile gives the soft RLIMIT_NOFILE back its starting value.
// Go raises it for itself at start; the guest must see, and its children
// inherit, the limit a native run would have (`ulimit -n`, Go's own
// rlimit handling in a Go guest, prlimit from other processes).
func restoreNofile() {
	if startNofile[1] == 0 {
		return
	}
	var cur syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &cur) == nil && cur.Cur != startNofile[0] && cur.Max == startNofile[1] {
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: startNofile[0], Max: startNofile[1]})
	}
}
