// Package linux holds Linux's ABI data: the generated asm-generic syscall
// numbers and errno values, constants, signal facts, guest struct layouts
// with their converters, the per-architecture ABI differences and the
// -strace formatter. Linux is also the host, so the user-mode core keeps
// its signals and errnos in these numbers (docs/decisions.md).
package linux

//go:generate go run ./gen -o .
