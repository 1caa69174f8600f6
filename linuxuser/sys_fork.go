package linuxuser

import "github.com/gemu-project/gemu/usermode"

// vfork (docs/design.md): a CLONE_VM|CLONE_VFORK child runs on a goroutine of
// its own host thread, sharing guest memory, while the parent waits. The
// thread unshares its host fd table and cwd first, so the child's dup2,
// close and chdir (posix_spawn's file actions) stay its own, as after a real vfork. Its
// execve starts the program as a host child of gemu from that thread (the
// fd table it inherits is the child's); its _exit leaves a real zombie
// with the status, so the parent's wait4 works either way.

// vforkExec runs a program for a vfork child from its thread (the child's
// fd table) and releases the parent with the new pid.
func vforkExec(t *Thread, exe string, args, env []string, mask, ignored uint64) uint64 {
	vs := t.P.Vfork
	j := &usermode.SpawnJob{Setsid: vs.Setsid, Setpgid: vs.Setpgid, Pgid: vs.Pgid, Mask: mask, Ignored: ignored,
		CloneFlags: vs.NsFlags, Traceme: vs.Traceme}
	// Descriptors: the thread's fd table, close-on-exec done by execve.
	// The thread's own cwd (unshared CLONE_FS) is inherited as it is.
	landlockVforkChild(t)
	pid, err := usermode.Spawn(exe, args, env, j)
	if err != nil {
		return usermode.ErrRet(err)
	}
	p := t.P
	var px *ptraceProxy
	if vs.Traceme {
		px = newPtraceProxy(vs.Parent, pid) // before the parent can ask
	}
	p.DoneOnce.Do(func() { p.Ended.Store(true); close(p.Done) })
	p.Vfork.Done <- pid
	t.Exited = true
	t.NoResult = true
	if px != nil {
		// This host thread is the tracer until the tracee ends. Its fd
		// table is the child's own (unshared): closed, as the child's
		// exit would, so that pipes the parent reads see EOF. gemu's own
		// descriptors stay: the runtime polls with its epoll fd from
		// whichever thread starts a GC (closing it here was a fatal
		// "netpoll failed", exit status 2).
		usermode.CloseGuestFDs(0, uint64(^uint32(0)), 0)
		px.serve()
	}
	return 0
}
