package main

import (
	"syscall"

	"github.com/gemu-project/gemu/internal/nofile"
)

// restoreNofile gives the soft RLIMIT_NOFILE back its starting value,
// saved by package nofile before Go's syscall package raised it. The
// guest must see, and its children inherit, the limit a native run would
// have (`ulimit -n`, Go's own rlimit handling in a Go guest, prlimit from
// other processes).
func restoreNofile() {
	start := nofile.Start
	if start[1] == 0 {
		return
	}
	var cur syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &cur) == nil && cur.Cur != start[0] && cur.Max == start[1] {
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: start[0], Max: start[1]})
	}
}
