package linuxuser

import (
	"sync"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"
)

// The Landlock domains of guest threads, for the threads and vfork
// children they create (sysLandlockRestrictSelf says why).

// landlockLayer is one landlock_restrict_self of a guest thread: gemu's
// descriptor of the ruleset (-1 for none: LOG_SUBDOMAINS_OFF alone) and
// the flags; refs counts the threads that have it.
type landlockLayer struct {
	fd    int
	flags uint64
	refs  int
}

// landlockLogFlags are the flags a layer is made again with: the LOG_*
// bits (include/uapi/linux/landlock.h, Linux 6.15). A call with other
// flags, a later kernel's, is not repeated.
const landlockLogFlags = 7

var landlocked struct {
	sync.Mutex
	threads  map[*Thread][]*landlockLayer
	vforking map[*Process][]*Thread // threads waiting in vfork, by process
}

// keepLandlockLayer records the layer t's thread has just made.
func keepLandlockLayer(t *Thread, fd int, flags uint64) {
	if flags&^landlockLogFlags != 0 {
		t.P.Unimp("gemu: landlock_restrict_self flags %#x: threads created later are not restricted", flags)
		return
	}
	l := &landlockLayer{fd: -1, flags: flags, refs: 1}
	if fd >= 0 {
		dup, err := usermode.OwnFD(func() (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0) })
		if err != nil {
			t.P.Unimp("gemu: landlock_restrict_self: threads created later are not restricted: %v", err)
			return
		}
		l.fd = dup
	}
	landlocked.Lock()
	defer landlocked.Unlock()
	pruneLandlocked()
	if landlocked.threads == nil {
		landlocked.threads = map[*Thread][]*landlockLayer{}
	}
	landlocked.threads[t] = append(landlocked.threads[t], l)
}

// pruneLandlocked forgets the threads that are gone and closes the
// rulesets no thread has any more (landlocked held).
func pruneLandlocked() {
	for th, layers := range landlocked.threads {
		if th.P.Thread(th.TID) == th {
			continue
		}
		for _, l := range layers {
			if l.refs--; l.refs == 0 && l.fd >= 0 {
				usermode.UnparkFD(l.fd)
			}
		}
		delete(landlocked.threads, th)
	}
}

// inheritLandlock restricts child, on its own host thread before it runs
// guest code, as parent is (kernel/fork.c: a new thread has its creator's
// credentials, the Landlock domain among them).
func inheritLandlock(parent, child *Thread) {
	landlocked.Lock()
	layers := landlocked.threads[parent]
	landlocked.Unlock()
	applyLandlock(child, layers)
}

// applyLandlock makes layers on t's host thread (the calling thread) and
// records them for t.
func applyLandlock(t *Thread, layers []*landlockLayer) {
	if len(layers) == 0 {
		return
	}
	for _, l := range layers {
		if _, _, e := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(l.fd), uintptr(l.flags), 0); e != 0 {
			t.P.Unimp("gemu: thread %d is not restricted as its creator: landlock_restrict_self: %v", t.TID, e)
		}
	}
	landlocked.Lock()
	defer landlocked.Unlock()
	if landlocked.threads == nil {
		landlocked.threads = map[*Thread][]*landlockLayer{}
	}
	for _, l := range layers {
		l.refs++
		landlocked.threads[t] = append(landlocked.threads[t], l)
	}
}

// landlockVforking records that t waits in vfork until the returned
// function runs, so that the child's program gets t's domain.
func landlockVforking(t *Thread) func() {
	landlocked.Lock()
	defer landlocked.Unlock()
	if len(landlocked.threads[t]) == 0 {
		return func() {}
	}
	if landlocked.vforking == nil {
		landlocked.vforking = map[*Process][]*Thread{}
	}
	landlocked.vforking[t.P] = append(landlocked.vforking[t.P], t)
	return func() {
		landlocked.Lock()
		defer landlocked.Unlock()
		waiting := landlocked.vforking[t.P]
		for i, w := range waiting {
			if w == t {
				landlocked.vforking[t.P] = append(waiting[:i:i], waiting[i+1:]...)
				break
			}
		}
	}
}

// landlockVforkChild restricts a vfork child's thread t, before it starts
// the child's program, as the parent's thread in vfork is (all of them,
// should two threads of the parent be in vfork at once).
func landlockVforkChild(t *Thread) {
	landlocked.Lock()
	var layers []*landlockLayer
	seen := map[*landlockLayer]bool{}
	for _, l := range landlocked.threads[t] {
		seen[l] = true
	}
	for _, w := range landlocked.vforking[t.P.Vfork.Parent] {
		for _, l := range landlocked.threads[w] {
			if !seen[l] {
				seen[l] = true
				layers = append(layers, l)
			}
		}
	}
	landlocked.Unlock()
	applyLandlock(t, layers)
}
