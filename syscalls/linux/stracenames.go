package linux

// Names -strace prints for constant arguments (values from the Linux UAPI
// headers cited beside each constant in consts.go).

var protNames = []flagName{{ProtRead, "PROT_READ"}, {ProtWrite, "PROT_WRITE"}, {ProtExec, "PROT_EXEC"},
	{ProtSem, "PROT_SEM"}, {0x10, "PROT_BTI"}, {0x20, "PROT_MTE"},
	{0x01000000, "PROT_GROWSDOWN"}, {0x02000000, "PROT_GROWSUP"}}

var mmapNames = []flagName{{MapAnonymous, "MAP_ANONYMOUS"}, {MapDenywrite, "MAP_DENYWRITE"},
	{MapFixed, "MAP_FIXED"}, {MapGrowsdown, "MAP_GROWSDOWN"}, {MapExecutable, "MAP_EXECUTABLE"},
	{MapLocked, "MAP_LOCKED"}, {MapNonblock, "MAP_NONBLOCK"}, {MapNoreserve, "MAP_NORESERVE"},
	{MapPopulate, "MAP_POPULATE"}, {MapStack, "MAP_STACK"}, {MapHugetlb, "MAP_HUGETLB"},
	{MapSync, "MAP_SYNC"}, {MapFixedNoreplace, "MAP_FIXED_NOREPLACE"}}

var cloneNames = []flagName{{CloneVM, "CLONE_VM"}, {CloneFS, "CLONE_FS"}, {CloneFiles, "CLONE_FILES"},
	{CloneSighand, "CLONE_SIGHAND"}, {ClonePidfd, "CLONE_PIDFD"}, {ClonePtrace, "CLONE_PTRACE"},
	{CloneVfork, "CLONE_VFORK"}, {CloneParent, "CLONE_PARENT"}, {CloneThread, "CLONE_THREAD"},
	{CloneNewns, "CLONE_NEWNS"}, {CloneSysvsem, "CLONE_SYSVSEM"}, {CloneSettls, "CLONE_SETTLS"},
	{CloneParentSettid, "CLONE_PARENT_SETTID"}, {CloneChildCleartid, "CLONE_CHILD_CLEARTID"},
	{CloneDetached, "CLONE_DETACHED"}, {CloneUntraced, "CLONE_UNTRACED"},
	{CloneChildSettid, "CLONE_CHILD_SETTID"}, {CloneNewcgroup, "CLONE_NEWCGROUP"},
	{CloneNewuts, "CLONE_NEWUTS"}, {CloneNewipc, "CLONE_NEWIPC"}, {CloneNewuser, "CLONE_NEWUSER"},
	{CloneNewpid, "CLONE_NEWPID"}, {CloneNewnet, "CLONE_NEWNET"}, {CloneIO, "CLONE_IO"}}

// Linux include/uapi/linux/time.h.
var clockNames = map[uint64]string{0: "CLOCK_REALTIME", 1: "CLOCK_MONOTONIC",
	2: "CLOCK_PROCESS_CPUTIME_ID", 3: "CLOCK_THREAD_CPUTIME_ID", 4: "CLOCK_MONOTONIC_RAW",
	5: "CLOCK_REALTIME_COARSE", 6: "CLOCK_MONOTONIC_COARSE", 7: "CLOCK_BOOTTIME",
	8: "CLOCK_REALTIME_ALARM", 9: "CLOCK_BOOTTIME_ALARM", 11: "CLOCK_TAI"}

var futexNames = map[uint64]string{FutexWait: "FUTEX_WAIT", FutexWake: "FUTEX_WAKE", FutexFD: "FUTEX_FD",
	FutexRequeue: "FUTEX_REQUEUE", FutexCmpRequeue: "FUTEX_CMP_REQUEUE", FutexWakeOp: "FUTEX_WAKE_OP",
	FutexLockPI: "FUTEX_LOCK_PI", FutexUnlockPI: "FUTEX_UNLOCK_PI", FutexTrylockPI: "FUTEX_TRYLOCK_PI",
	FutexWaitBitset: "FUTEX_WAIT_BITSET", FutexWakeBitset: "FUTEX_WAKE_BITSET",
	FutexWaitRequeuePI: "FUTEX_WAIT_REQUEUE_PI", FutexCmpRequeuePI: "FUTEX_CMP_REQUEUE_PI",
	FutexLockPI2: "FUTEX_LOCK_PI2"}

var fcntlNames = map[uint64]string{FDupfd: "F_DUPFD", FGetfd: "F_GETFD", FSetfd: "F_SETFD",
	FGetfl: "F_GETFL", FSetfl: "F_SETFL", FGetlk: "F_GETLK", FSetlk: "F_SETLK", FSetlkw: "F_SETLKW",
	FSetown: "F_SETOWN", FGetown: "F_GETOWN", FSetsig: "F_SETSIG", FGetsig: "F_GETSIG",
	FSetownEx: "F_SETOWN_EX", FGetownEx: "F_GETOWN_EX", FOfdGetlk: "F_OFD_GETLK",
	FOfdSetlk: "F_OFD_SETLK", FOfdSetlkw: "F_OFD_SETLKW", FSetlease: "F_SETLEASE",
	FGetlease: "F_GETLEASE", FNotify: "F_NOTIFY", FDupfdCloexec: "F_DUPFD_CLOEXEC",
	FSetpipeSz: "F_SETPIPE_SZ", FGetpipeSz: "F_GETPIPE_SZ", FAddSeals: "F_ADD_SEALS",
	FGetSeals: "F_GET_SEALS", FDupfdQuery: "F_DUPFD_QUERY", FCreatedQuery: "F_CREATED_QUERY",
	FGetRwHint: "F_GET_RW_HINT", FSetRwHint: "F_SET_RW_HINT"}

var sigHowNames = map[uint64]string{SigBlock: "SIG_BLOCK", SigUnblock: "SIG_UNBLOCK", SigSetmask: "SIG_SETMASK"}

// Linux include/uapi/asm-generic/mman-common.h.
var madviseNames = map[uint64]string{0: "MADV_NORMAL", 1: "MADV_RANDOM", 2: "MADV_SEQUENTIAL",
	3: "MADV_WILLNEED", 4: "MADV_DONTNEED", 8: "MADV_FREE", 9: "MADV_REMOVE", 10: "MADV_DONTFORK",
	11: "MADV_DOFORK", 12: "MADV_MERGEABLE", 13: "MADV_UNMERGEABLE", 14: "MADV_HUGEPAGE",
	15: "MADV_NOHUGEPAGE", 16: "MADV_DONTDUMP", 17: "MADV_DODUMP", 18: "MADV_WIPEONFORK",
	19: "MADV_KEEPONFORK", 20: "MADV_COLD", 21: "MADV_PAGEOUT", 22: "MADV_POPULATE_READ",
	23: "MADV_POPULATE_WRITE", 24: "MADV_DONTNEED_LOCKED", 25: "MADV_COLLAPSE", 100: "MADV_HWPOISON"}
