package linuxuser

import (
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// fanotify, Landlock and the LSM attribute calls, on the host's kernel.
//
// fanotify (fs/notify/fanotify/fanotify_user.c): fanotify_init's
// event_f_flags are open flags, the guest's translated (arm64 numbers
// O_LARGEFILE and O_DIRECTORY otherwise than x86_64); fanotify_mark's
// path goes through -L. What a read of the descriptor gives needs nothing
// from gemu: struct fanotify_event_metadata ({u32, u8, u8, u16, u64 mask,
// s32 fd, s32 pid}, 24 bytes), the info records after it and struct
// fanotify_response are the same on every architecture
// (include/uapi/linux/fanotify.h); the event's fd is opened in this
// process, the guest's descriptor table, and its pid is the host's, which
// is the guest's. Events of gemu's own file accesses inside a marked
// object (the guest's program and libraries it reads for an execve) are
// the guest's natively too, as the kernel's reads.
//
// The LSM calls (security/lsm_syscalls.c): struct lsm_ctx ({u64 id, u64
// flags, u64 len, u64 ctx_len, u8 ctx[]}) and the u64 module ids are the
// same everywhere; size is a u32 the kernel reads and writes.

func init() {
	register(
		row{"fanotify_init", sysFanotifyInit, kinds(aHex, syscalls.ArgOpenFlags), syscalls.RetInt, syscalls.Full,
			"passed through; event_f_flags translated"},
		passRow("fanotify_mark", unix.SYS_FANOTIFY_MARK, false, i32, val, val, i32, path),
		row{"landlock_create_ruleset", sysLandlockCreateRuleset, kinds(aPtr, aLong, aHex), syscalls.RetInt,
			syscalls.Full, "passed through"},
		row{"landlock_add_rule", sysLandlockAddRule, kinds(aInt, aInt, aPtr, aHex), syscalls.RetInt, syscalls.Full,
			"passed through"},
		row{"landlock_restrict_self", sysLandlockRestrictSelf, kinds(aInt, aHex), syscalls.RetInt, syscalls.Partial,
			"the calling thread, threads it creates, a vfork child's program; gemu re-executes itself for fork and foreign execve"},
		row{"lsm_get_self_attr", sysLsmGetSelfAttr, kinds(aInt, aPtr, aPtr, aHex), syscalls.RetInt, syscalls.Full,
			"passed through"},
		passRow("lsm_set_self_attr", unix.SYS_LSM_SET_SELF_ATTR, false, val, inLen(2), val, val),
		row{"lsm_list_modules", sysLsmListModules, kinds(aPtr, aPtr, aHex), syscalls.RetInt, syscalls.Full,
			"passed through"},
	)
}

func sysFanotifyInit(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_FANOTIFY_INIT, uintptr(uint32(a[0])),
		uintptr(uint32(t.P.ABI.OpenFlags.ToHost(uint64(uint32(a[1]))))), 0, 0, 0, 0))
}

// Landlock rule types and the size of their attributes, packed structs
// of u64s and an s32 (include/uapi/linux/landlock.h).
var landlockRuleSize = map[uint64]uint64{
	1: 12, // LANDLOCK_RULE_PATH_BENEATH: struct landlock_path_beneath_attr
	2: 16, // LANDLOCK_RULE_NET_PORT: struct landlock_net_port_attr
}

// sysLandlockCreateRuleset is landlock_create_ruleset(attr, size, flags):
// the kernel reads size bytes of struct landlock_ruleset_attr
// (copy_min_struct_from_user) after its checks of flags and size.
func sysLandlockCreateRuleset(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_LANDLOCK_CREATE_RULESET, t.UserRange(a[0], a[1]), uintptr(a[1]),
		uintptr(uint32(a[2])), 0, 0, 0))
}

// sysLandlockAddRule is landlock_add_rule(ruleset_fd, type, attr, flags);
// the rule's parent_fd is a guest descriptor, the host's.
func sysLandlockAddRule(t *Thread, a *Args) uint64 {
	size, ok := landlockRuleSize[uint64(uint32(a[1]))]
	if !ok {
		size = 16 // an unknown type, refused before attr is read
	}
	return usermode.Ret(usermode.Raw(unix.SYS_LANDLOCK_ADD_RULE, uintptr(int32(a[0])), uintptr(uint32(a[1])),
		t.UserRange(a[2], size), uintptr(uint32(a[3])), 0, 0))
}

// u32At is the guest's u32 at addr, 0 when it cannot be read (the host
// then fails on addr itself).
func u32At(t *Thread, addr uint64) uint64 {
	v, err := t.P.AS.Load32(addr)
	if err != nil {
		return 0
	}
	return uint64(v)
}

// sysLsmGetSelfAttr is lsm_get_self_attr(attr, ctx, size, flags): the
// kernel reads *size, writes up to that many bytes at ctx and the size
// it needs at size.
func sysLsmGetSelfAttr(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_LSM_GET_SELF_ATTR, uintptr(uint32(a[0])), t.UserRange(a[1], u32At(t, a[2])),
		t.UserRange(a[2], 4), uintptr(uint32(a[3])), 0, 0))
}

// sysLsmListModules is lsm_list_modules(ids, size, flags), likewise.
func sysLsmListModules(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_LSM_LIST_MODULES, t.UserRange(a[0], u32At(t, a[1])), t.UserRange(a[1], 4),
		uintptr(uint32(a[2])), 0, 0, 0))
}

// sysLandlockRestrictSelf is landlock_restrict_self(ruleset_fd, flags)
// on the calling guest thread's host thread, which is the thread the
// kernel restricts (security/landlock/syscalls.c): its checks and errors
// are the host's. What follows from gemu's threads and processes:
//
//   - A thread the guest thread creates later runs on a host thread Go's
//     runtime makes from another, unrestricted thread, and a vfork child
//     runs on one too. gemu keeps a descriptor of each ruleset the thread
//     restricted itself with (landlock.go) and restricts a new
//     guest thread with the same rulesets before it runs, and a vfork
//     child's thread before it starts the child's program. Rules added
//     to a ruleset after landlock_restrict_self are in these copies
//     (the kernel's domain is the ruleset as it was); the vfork child's
//     own calls before its execve are not restricted.
//   - A fork child is a clone of the calling host thread, so it keeps the
//     domain, and so do every thread of the gemu it execs and the program
//     a foreign execve runs; the same for gemu's own execve in place.
//   - gemu re-executes itself for fork and for an execve of a foreign
//     program: a domain that handles LANDLOCK_ACCESS_FS_EXECUTE must allow
//     gemu's binary, and one that handles LANDLOCK_ACCESS_FS_READ_FILE the
//     guest programs and their interpreter (gemu reads them: natively the
//     kernel does), and /proc, which gemu reads for fork. Where the host
//     has AT_EXECVE_CHECK, execve still asks it for the program's execute
//     right (usermode/execve.go), so a program the domain does not let
//     run fails as natively.
//   - Other guest threads, and gemu's own threads, stay unrestricted, as
//     the guest's other threads natively are.
func sysLandlockRestrictSelf(t *Thread, a *Args) uint64 {
	fd, flags := int(int32(a[0])), uint64(uint32(a[1]))
	_, _, e := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(fd), uintptr(flags), 0)
	if e != 0 {
		return usermode.Errno(e)
	}
	keepLandlockLayer(t, fd, flags)
	return 0
}
