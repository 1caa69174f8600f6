// Package fdtable gives gemu a descriptor table big enough for its own
// descriptors before it is slow to grow.
//
// gemu parks its descriptors at 1000 or above (usermode/hostfd.go), so
// the kernel grows the process's descriptor table from its first 64 slots
// at start. Growing the table of a process whose table is shared by
// several threads waits for an RCU grace period (Linux fs/file.c
// expand_fdtable: synchronize_rcu when files->count > 1), and a Go program
// has several threads before its first package initializer runs: 10 to
// 15 ms on the project's VM, most of a static hello's 18 ms.
//
// So a gemu started with a small table, from a shell or any program that
// never had a descriptor that high, execs once more through a 500-byte
// program of its own (trampoline.S, from a memfd): single-threaded, it
// grows the table at no such cost and execs gemu again with the same
// argv and environment. The table stays grown across the exec, and fork
// children and foreign execs of gemu inherit it. A binfmt_misc start's
// auxv facts (AT_FLAGS, AT_EXECFD, AT_EXECFN) go through in an environment
// variable that gemu removes (PassedAux). A start whose table is already
// big, a host without /proc or memfd exec, and a failed step go on without
// it.
//
//go:generate go run ./gen -o .
package fdtable
