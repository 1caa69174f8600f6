package linuxuser

import (
	"encoding/binary"
	"runtime"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
)

// System administration calls on the host's kernel: disk quotas,
// rebooting, kexec and kernel modules. They go to the host with the
// guest's pointers made host ones and its paths through the -L prefix,
// so the host checks them in its own order (capabilities first, then the
// arguments) as the guest's kernel would: natively a root program in a
// chroot does the same to the kernel it runs on. Also the calls every
// kernel answers alone: restart_syscall and two that are gone.

func init() {
	register(
		row{"quotactl", sysQuotactl, kinds(aHex, aStr, aInt, aPtr), syscalls.RetInt, syscalls.Full,
			"passed through; special and Q_QUOTAON's quota file through -L"},
		row{"quotactl_fd", sysQuotactlFD, kinds(aInt, aHex, aInt, aPtr), syscalls.RetInt, syscalls.Full, "passed through"},
		row{"reboot", sysReboot, kinds(aHex, aHex, aHex, aPtr), syscalls.RetInt, syscalls.Full,
			"passed through: the host reboots (root only)"},
		row{"kexec_load", sysKexecLoad, kinds(aHex, aLong, aPtr, aHex), syscalls.RetInt, syscalls.Partial,
			"the host's kexec, which refuses the guest's architecture (EINVAL)"},
		row{"kexec_file_load", sysKexecFileLoad, kinds(aInt, aInt, aLong, aPtr, aHex), syscalls.RetInt, syscalls.Partial,
			"the host's kexec, which loads only kernels of its own architecture (ENOEXEC)"},
		row{"init_module", sysInitModule, kinds(aPtr, aLong, aStr), syscalls.RetInt, syscalls.Partial,
			"the host's kernel, which loads only modules built for itself (ENOEXEC)"},
		passRowAs("finit_module", unix.SYS_FINIT_MODULE, syscalls.Partial,
			"the host's kernel, which loads only modules built for itself (ENOEXEC)", i32, str, val),
		passRow("delete_module", unix.SYS_DELETE_MODULE, false, str, val),
		row{"restart_syscall", sysRestartSyscall, kinds(), syscalls.RetInt, syscalls.Full,
			"no interrupted call to restart: EINTR (do_no_restart_syscall)"},
		row{"nfsservctl", sysGone, kinds(), syscalls.RetInt, syscalls.Full,
			"ENOSYS as in the kernel: removed in Linux 3.1 (nfsd is configured through its filesystem)"},
		row{"lookup_dcookie", sysGone, kinds(), syscalls.RetInt, syscalls.Full,
			"ENOSYS as in the kernel: removed in Linux 6.9 with oprofile's dcookies"},
	)
}

// passRowAs is passRow with the row's support and note given.
func passRowAs(name string, nr uintptr, support syscalls.Support, note string, spec ...pk) row {
	r := passRow(name, nr, false, spec...)
	r.support, r.note = support, note
	return r
}

// sysGone is a call the guests' kernels no longer have: sys_ni_syscall.
func sysGone(t *Thread, a *Args) uint64 { return usermode.Errno(unix.ENOSYS) }

// sysRestartSyscall is restart_syscall called by the program itself: the
// thread's restart block is do_no_restart_syscall's (kernel/signal.c),
// as every signal handler's return leaves it (rt_sigreturn), so EINTR.
// gemu restarts interrupted calls itself, never through this call.
func sysRestartSyscall(t *Thread, a *Args) uint64 { return usermode.Errno(unix.EINTR) }

// Quota commands (include/uapi/linux/quota.h, dqblk_xfs.h): the
// subcommand is cmd >> SUBCMDSHIFT.
const (
	quotaSubcmdShift = 8
	qQuotaon         = 0x800002
)

// quotaArgSize is how many bytes each subcommand reads or writes at addr.
// The structs have one layout on x86_64 and the LP64 guests (checked with
// each target's compiler): struct if_dqblk and if_nextdqblk 72 bytes,
// if_dqinfo 24, fs_disk_quota 112, fs_quota_stat 80 (its fs_qfilestat_t
// members 24 bytes at offsets 8 and 32: u64 alignment is 8 on all three;
// i386's 4 is why fs/quota/compat.c exists), fs_quota_statv 160, the
// XFS flag words 4. Subcommands without a buffer (Q_SYNC, Q_QUOTAOFF,
// Q_XQUOTASYNC) and unknown ones, which the kernel refuses first, get 0.
var quotaArgSize = map[uint32]uint64{
	0x800004: 4,   // Q_GETFMT
	0x800005: 24,  // Q_GETINFO
	0x800006: 24,  // Q_SETINFO
	0x800007: 72,  // Q_GETQUOTA
	0x800008: 72,  // Q_SETQUOTA
	0x800009: 72,  // Q_GETNEXTQUOTA
	0x5801:   4,   // Q_XQUOTAON
	0x5802:   4,   // Q_XQUOTAOFF
	0x5803:   112, // Q_XGETQUOTA
	0x5804:   112, // Q_XSETQLIM
	0x5805:   80,  // Q_XGETQSTAT
	0x5806:   4,   // Q_XQUOTARM
	0x5808:   160, // Q_XGETQSTATV
	0x5809:   112, // Q_XGETNEXTQUOTA
}

// quotaAddr is quotactl's addr for the host: Q_QUOTAON's quota file path
// (for quotactl; quotactl_fd does not read it), else the host view of
// the subcommand's struct.
func quotaAddr(t *Thread, cmd, addr uint64, paths bool) (uintptr, []byte) {
	sub := uint32(cmd) >> quotaSubcmdShift
	if sub == qQuotaon && paths {
		return strArg(t, addr, t.P.Prefixed)
	}
	return t.UserRange(addr, quotaArgSize[sub]), nil
}

// sysQuotactl is quotactl(cmd, special, id, addr): special names the
// block device (NULL only for Q_SYNC).
func sysQuotactl(t *Thread, a *Args) uint64 {
	special, keep := strArg(t, a[1], t.P.Prefixed)
	addr, keepAddr := quotaAddr(t, a[0], a[3], true)
	r := usermode.Ret(usermode.Raw(unix.SYS_QUOTACTL, uintptr(uint32(a[0])), special, uintptr(uint32(a[2])), addr, 0, 0))
	runtime.KeepAlive(keep)
	runtime.KeepAlive(keepAddr)
	return r
}

// sysQuotactlFD is quotactl_fd(fd, cmd, id, addr) (fs/quota/quota.c).
func sysQuotactlFD(t *Thread, a *Args) uint64 {
	addr, _ := quotaAddr(t, a[1], a[3], false)
	return usermode.Ret(usermode.Raw(unix.SYS_QUOTACTL_FD, uintptr(uint32(a[0])), uintptr(uint32(a[1])),
		uintptr(uint32(a[2])), addr, 0, 0))
}

// LINUX_REBOOT_CMD_RESTART2, whose arg is a command string
// (include/uapi/linux/reboot.h).
const rebootCmdRestart2 = 0xa1b2c3d4

// sysReboot is reboot(magic1, magic2, cmd, arg) on the host (kernel/reboot.c:
// CAP_SYS_BOOT, then the magic numbers, then the command).
func sysReboot(t *Thread, a *Args) uint64 {
	arg := uintptr(a[3])
	if uint32(a[2]) == rebootCmdRestart2 {
		arg = t.HostAddr(a[3])
	}
	return usermode.Ret(usermode.Raw(unix.SYS_REBOOT, uintptr(int32(a[0])), uintptr(int32(a[1])), uintptr(uint32(a[2])),
		arg, 0, 0))
}

// kexec_load's flags and limits (include/uapi/linux/kexec.h).
const (
	kexecArchMask    = 0xffff0000
	kexecSegmentMax  = 16
	kexecSegmentSize = 32 // struct kexec_segment: buf, bufsz, mem, memsz
)

// kexecArchOf is each guest's KEXEC_ARCH_* value.
var kexecArchOf = map[string]uint64{"aarch64": 183 << 16, "riscv64": 243 << 16}

// sysKexecLoad is kexec_load(entry, nr_segments, segments, flags). The
// architecture in flags is the image's, which the guest's kernel accepts
// only as its own or KEXEC_ARCH_DEFAULT (kernel/kexec.c, EINVAL after the
// capability, the flags and the segment count): gemu names the guest's
// for the host, which refuses it as it refuses every architecture but its
// own, where the guest's kernel would refuse others. Each segment's buf
// is a guest pointer made a host one.
func sysKexecLoad(t *Thread, a *Args) uint64 {
	flags := a[3]&^kexecArchMask | kexecArchOf[t.P.Arch().Name()]
	segs, keep := kexecSegments(t, a[1], a[2])
	r := usermode.Ret(usermode.Raw(unix.SYS_KEXEC_LOAD, uintptr(a[0]), uintptr(a[1]), segs, uintptr(flags), 0, 0))
	runtime.KeepAlive(keep)
	return r
}

// kexecSegments is the host copy of the guest's n struct kexec_segment,
// or the host view of an array gemu does not read (too many segments, or
// unreadable), which the host fails on in its order.
func kexecSegments(t *Thread, n, addr uint64) (uintptr, []byte) {
	if n == 0 || n > kexecSegmentMax {
		return t.UserRange(addr, 0), nil
	}
	b, err := t.ReadBytes(addr, n*kexecSegmentSize)
	if err != nil {
		return t.UserRange(addr, n*kexecSegmentSize), nil
	}
	le := binary.LittleEndian
	for i := uint64(0); i < n; i++ {
		s := b[i*kexecSegmentSize:]
		le.PutUint64(s, uint64(t.UserRange(le.Uint64(s), le.Uint64(s[8:]))))
	}
	return uintptr(unsafe.Pointer(&b[0])), b
}

// sysKexecFileLoad is kexec_file_load(kernel_fd, initrd_fd, cmdline_len,
// cmdline, flags); the command line is cmdline_len bytes.
func sysKexecFileLoad(t *Thread, a *Args) uint64 {
	return usermode.Ret(usermode.Raw(unix.SYS_KEXEC_FILE_LOAD, uintptr(int32(a[0])), uintptr(int32(a[1])), uintptr(a[2]),
		t.UserRange(a[3], a[2]), uintptr(a[4]), 0))
}

// sysInitModule is init_module(image, len, params): the image is len
// bytes, params a string (kernel/module/main.c: CAP_SYS_MODULE first).
func sysInitModule(t *Thread, a *Args) uint64 {
	params, keep := strArg(t, a[2], nil)
	r := usermode.Ret(usermode.Raw(unix.SYS_INIT_MODULE, t.UserRange(a[0], a[1]), uintptr(a[1]), params, 0, 0, 0))
	runtime.KeepAlive(keep)
	return r
}
