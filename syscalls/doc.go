// Package syscalls holds OS ABI data and machinery shared by the
// personalities: generated Linux syscall numbers and errno values, the
// syscall record type that drives dispatch, -strace and the compatibility
// listing, guest struct layouts with their converters, and flag tables.
package syscalls

//go:generate go run ./gen -o .
