package linuxuser

import (
	"runtime"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// The kernel's key retention service (security/keys/keyctl.c) on the host:
// keys and keyrings belong to the host thread and process, which are the
// guest's. Strings, payloads and buffers are guest pointers made host ones
// (the host checks and copies them, guest protections mirrored on its
// pages); a vector of them (KEYCTL_INSTANTIATE_IOV) is copied with its
// bases made host ones. KEYCTL_DH_COMPUTE's KDF parameters hold pointers
// of their own and are refused (EOPNOTSUPP, named under -d unimp).

func init() {
	register(
		row{"add_key", sysAddKey, kinds(aStr, aStr, aPtr, aLong, aInt), syscalls.RetInt, syscalls.Full, "host keyrings"},
		row{"request_key", sysRequestKey, kinds(aStr, aStr, aStr, aInt), syscalls.RetInt, syscalls.Full, "host keyrings"},
		row{"keyctl", sysKeyctl, kinds(aInt, aHex, aHex, aHex, aHex), syscalls.RetInt, syscalls.Partial,
			"host keyrings; DH_COMPUTE without KDF parameters"},
	)
}

// keyctl operations (include/uapi/linux/keyctl.h) and which of arg2..arg5
// (a[1]..a[4]) are guest pointers.
const (
	keyctlInstantiateIOV = 20
	keyctlDHCompute      = 23
)

var keyctlPointers = map[uint64][]int{
	1:  {1},          // JOIN_SESSION_KEYRING name
	2:  {2},          // UPDATE payload
	6:  {2},          // DESCRIBE buffer
	10: {2, 3},       // SEARCH type, description
	11: {2},          // READ buffer
	12: {2},          // INSTANTIATE payload
	17: {2},          // GET_SECURITY buffer
	23: {1, 2},       // DH_COMPUTE params, buffer (KDF parameters: below)
	24: {3, 4},       // PKEY_QUERY info, result
	25: {1, 2, 3, 4}, // PKEY_ENCRYPT params, info, in, out
	26: {1, 2, 3, 4}, // PKEY_DECRYPT
	27: {1, 2, 3, 4}, // PKEY_SIGN
	28: {1, 2, 3, 4}, // PKEY_VERIFY params, info, in, in2
	29: {2, 3},       // RESTRICT_KEYRING type, restriction
	31: {1},          // CAPABILITIES buffer
}

func sysAddKey(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_ADD_KEY, t.HostAddr(a[0]), t.HostAddr(a[1]), t.HostAddr(a[2]), uintptr(a[3]),
		uintptr(int32(a[4])), 0))
}

func sysRequestKey(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_REQUEST_KEY, t.HostAddr(a[0]), t.HostAddr(a[1]), t.HostAddr(a[2]),
		uintptr(int32(a[3])), 0, 0))
}

func sysKeyctl(t *Thread, a *Args) uint64 {
	op := a[0]
	args := [5]uintptr{uintptr(int32(op)), uintptr(a[1]), uintptr(a[2]), uintptr(a[3]), uintptr(a[4])}
	for _, i := range keyctlPointers[op] {
		args[i] = t.HostAddr(a[i])
	}
	switch op {
	case keyctlDHCompute:
		if a[4] != 0 {
			t.P.Unimp("gemu: keyctl(KEYCTL_DH_COMPUTE) with KDF parameters (guest pointers inside)")
			return usermode.Errno(unix.EOPNOTSUPP)
		}
	case keyctlInstantiateIOV:
		iov, p := t.HostIovecs(a[2], a[3])
		r := usermode.Ret(usermode.Raw(unix.SYS_KEYCTL, args[0], args[1], p, args[3], args[4], 0))
		runtime.KeepAlive(iov)
		return r
	}
	return usermode.Ret(usermode.Raw(unix.SYS_KEYCTL, args[0], args[1], args[2], args[3], args[4], 0))
}
