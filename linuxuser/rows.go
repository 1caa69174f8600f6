package linuxuser

import (
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"
)

// row is how sys_*.go files describe their syscalls: one row each
// (usermode.Row's fields, kept local so the rows stay positional).
type row struct {
	name    string
	h       usermode.Handler
	args    []syscalls.ArgKind
	ret     syscalls.RetKind
	support syscalls.Support
	note    string
}

var rows []row

// register adds rows to the table every Linux process uses.
func register(rs ...row) { rows = append(rows, rs...) }

// Argument-kind shorthands for the rows.
const (
	aInt   = syscalls.ArgInt
	aLong  = syscalls.ArgLong
	aHex   = syscalls.ArgHex
	aOct   = syscalls.ArgOct
	aPtr   = syscalls.ArgPtr
	aStr   = syscalls.ArgStr
	aDirFD = syscalls.ArgDirFD
)

var kinds = usermode.Kinds

// coreRows are the rows as the core's table takes them.
func coreRows(rs []row) []usermode.Row {
	out := make([]usermode.Row, len(rs))
	for i, r := range rs {
		out[i] = usermode.Row{Name: r.name, Handler: r.h, Args: r.args, Ret: r.ret, Support: r.support, Note: r.note}
	}
	return out
}

// NewTable assembles the syscall table for a guest architecture from the
// generated numbers and the registered rows.
func NewTable(abi *linux.LinuxABI) (*syscalls.Table[usermode.Handler], error) {
	t := syscalls.NewTable[usermode.Handler](linux.LinuxGeneric, abi.Mask)
	return t, usermode.DefineRows(t, coreRows(rows))
}
