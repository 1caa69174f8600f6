package usermode

import (
	"golang.org/x/sys/unix"
)

// threadAttrs are the per-thread attributes a new thread inherits from
// the thread that clones it (clone(2), capabilities(7), prctl(2)). A guest
// thread's host thread is made by Go's runtime from some other Go thread,
// so clone copies them from the calling guest thread by hand.
type threadAttrs struct {
	keepCaps, secureBits, noNewPrivs, timerSlack int
	caps                                         [2]unix.CapUserData
	capsOK                                       bool
}

// CurrentThreadAttrs reads the calling thread's attributes.
func CurrentThreadAttrs() threadAttrs {
	var a threadAttrs
	a.keepCaps, _ = unix.PrctlRetInt(unix.PR_GET_KEEPCAPS, 0, 0, 0, 0)
	a.secureBits, _ = unix.PrctlRetInt(unix.PR_GET_SECUREBITS, 0, 0, 0, 0)
	a.noNewPrivs, _ = unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	a.timerSlack, _ = unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0)
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	a.capsOK = unix.Capget(&hdr, &a.caps[0]) == nil
	return a
}

// Apply gives the calling thread the attributes of a, changing only
// those that differ (some need privilege to set even to the same value).
func (a threadAttrs) Apply() {
	cur := CurrentThreadAttrs()
	if a.capsOK && cur.capsOK && a.caps != cur.caps {
		hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
		unix.Capset(&hdr, &a.caps[0])
	}
	if a.secureBits != cur.secureBits {
		unix.Prctl(unix.PR_SET_SECUREBITS, uintptr(a.secureBits), 0, 0, 0)
	}
	if a.keepCaps != cur.keepCaps {
		unix.Prctl(unix.PR_SET_KEEPCAPS, uintptr(a.keepCaps), 0, 0, 0)
	}
	if a.noNewPrivs == 1 && cur.noNewPrivs == 0 {
		unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
	}
	if a.timerSlack != cur.timerSlack && a.timerSlack > 0 {
		unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(a.timerSlack), 0, 0, 0)
	}
}
