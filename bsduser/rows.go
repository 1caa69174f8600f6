package bsduser

import (
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/usermode"
)

var rows []usermode.Row

// register adds rows to the FreeBSD table; sys_<area>.go files call it
// from init, one row per call.
func register(rs ...usermode.Row) { rows = append(rows, rs...) }

// def is a fully supported call returning an int, shown with its
// arguments' kinds.
func def(name string, h usermode.Handler, args ...syscalls.ArgKind) usermode.Row {
	return usermode.Row{Name: name, Handler: h, Args: usermode.Kinds(args...), Ret: syscalls.RetInt,
		Support: syscalls.Full}
}

// noReturn is a call that does not return (exit): -strace shows it
// before it runs.
func noReturn(name string, h usermode.Handler, args ...syscalls.ArgKind) usermode.Row {
	r := def(name, h, args...)
	r.Ret = syscalls.RetNone
	return r
}

// partial is def for a call that does only part of what FreeBSD's does.
func partial(name string, h usermode.Handler, note string, args ...syscalls.ArgKind) usermode.Row {
	r := def(name, h, args...)
	r.Support, r.Note = syscalls.Partial, note
	return r
}

// Argument-kind shorthands.
const (
	aInt = syscalls.ArgInt
	aHex = syscalls.ArgHex
	aOct = syscalls.ArgOct
	aPtr = syscalls.ArgPtr
	aStr = syscalls.ArgStr
)
