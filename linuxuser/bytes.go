package linuxuser

import (
	"encoding/binary"
	"unsafe"
)

// structBytes views a host struct whose layout equals the guest's (checked
// by the callers' comments against the kernel headers) as bytes.
func structBytes[T any](v *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(v)), unsafe.Sizeof(*v))
}

var le = binary.LittleEndian
