package usermode

import (
	"github.com/gemu-project/gemu/translate"
	"golang.org/x/sys/unix"
)

// KeptLimit is a limit gemu keeps for the guest: the host's until the
// guest sets its own.
func KeptLimit(kept *unix.Rlimit, res int) unix.Rlimit {
	if kept != nil {
		return *kept
	}
	var rl unix.Rlimit
	if unix.Getrlimit(res, &rl) != nil {
		rl = unix.Rlimit{Cur: unix.RLIM_INFINITY, Max: unix.RLIM_INFINITY}
	}
	return rl
}

// sigpendingLimit is the guest's RLIMIT_SIGPENDING. Call with p.mu held.
func (p *Process) sigpendingLimit() unix.Rlimit {
	return KeptLimit(p.Sigpending.Load(), unix.RLIMIT_SIGPENDING)
}

// stackGrowth is the address space's StackGrowth (no lock: it runs
// while signal frames are written under p.mu): the guest's
// RLIMIT_STACK, and Linux's default stack_guard_gap of 256 pages
// (mm/mmap.c).
func (p *Process) stackGrowth() (uint64, uint64) {
	rl := KeptLimit(p.StackLimit.Load(), unix.RLIMIT_STACK)
	return rl.Cur, 256 * translate.PageSize
}
