// Package syscalls is the OS-neutral machinery of the personalities'
// system calls: the record type that drives dispatch, -strace and the
// compatibility listing, the number tables it is built from, argument
// kinds and flag maps. Each OS's numbers, errnos, constants and struct
// layouts are in its own package: syscalls/linux, syscalls/freebsd.
package syscalls
