package linuxuser

import (
	"fmt"

	"github.com/gemu-project/gemu/usermode"

	"github.com/gemu-project/gemu/syscalls"
)

// row is how sys_*.go files describe their syscalls: one row each.
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

const aInt = syscalls.ArgInt

const aLong = syscalls.ArgLong

const aHex = syscalls.ArgHex

const aOct = syscalls.ArgOct

const aPtr = syscalls.ArgPtr

const aStr = syscalls.ArgStr

const aDirFD = syscalls.ArgDirFD

// kinds lists argument kinds; kinds() (non-nil, empty) prints "name()".
func kinds(k ...syscalls.ArgKind) []syscalls.ArgKind { return append([]syscalls.ArgKind{}, k...) }

// NewTable assembles the syscall table for a guest architecture from the
// generated numbers and the registered rows.
func NewTable(abi *syscalls.LinuxABI) (*syscalls.Table[usermode.Handler], error) {
	t := syscalls.NewTable[usermode.Handler](syscalls.LinuxGeneric, abi.Mask)
	for _, r := range rows {
		err := t.Define(r.name, usermode.Record{Handler: r.h, Args: r.args, Ret: r.ret, Support: r.support, Note: r.note})
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (r row) String() string { return fmt.Sprintf("%s(%s)", r.name, r.support) }
