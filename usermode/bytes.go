package usermode

import (
	"encoding/binary"
	"unsafe"

	"github.com/gemu-project/gemu/translate"
	"golang.org/x/sys/unix"
)

// StructBytes views a host struct whose layout equals the guest's (checked
// by the callers' comments against the kernel headers) as bytes.
func StructBytes[T any](v *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(v)), unsafe.Sizeof(*v))
}

var LE = binary.LittleEndian

func PageUp(x uint64) uint64 { return (x + PageMask) &^ PageMask }

const PageMask = translate.PageSize - 1

func Cstr(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// Raw runs a host syscall and converts its result.
func Raw(nr, a0, a1, a2, a3, a4, a5 uintptr) (int, error) {
	r, _, e := unix.Syscall6(nr, a0, a1, a2, a3, a4, a5)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
