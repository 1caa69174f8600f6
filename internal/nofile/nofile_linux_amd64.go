package nofile

// prlimitNofile stores the process's RLIMIT_NOFILE in out
// (nofile_amd64.s): assembly, since calling package syscall or x/sys/unix
// would import them and initialize them first.
//
//go:noescape
func prlimitNofile(out *[2]uint64)
