package usermode

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// gemu's own use of the host's procfs: its descriptor table, its maps and
// pagemap for fork, its own executable for fork and foreign execs. A
// chroot made by debootstrap --foreign, or entered through a binfmt_misc
// entry with flag F, often has no /proc mounted (or an empty directory
// there), and gemu's binary is not inside it at all. gemu then makes a
// procfs instance of its own with the new mount API that is attached
// nowhere (fsopen(2), fsmount(2); Linux 5.2): the guest cannot see it,
// and nothing in the mount table changes. The guest's own /proc paths
// keep going through the guest's root as natively.

// procSuperMagic is PROC_SUPER_MAGIC (Linux include/uapi/linux/magic.h).
const procSuperMagic = 0x9fa0

// HostProcRoot is a descriptor of a procfs root for gemu's own use.
var HostProcRoot = sync.OnceValues(func() (int, error) {
	return OwnFD(func() (int, error) {
		fd, err := unix.Open("/proc", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err == nil {
			var st unix.Statfs_t
			if unix.Fstatfs(fd, &st) == nil && st.Type == procSuperMagic {
				return fd, nil
			}
			unix.Close(fd)
		}
		return detachedProc()
	})
})

// detachedProc mounts a procfs that no path leads to (it needs
// CAP_SYS_ADMIN, as mounting /proc in the chroot would).
func detachedProc() (int, error) {
	fs, err := unix.Fsopen("proc", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("no /proc in this root and no procfs of gemu's own (fsopen: %w); mount proc in the chroot", err)
	}
	defer unix.Close(fs)
	if err := unix.FsconfigCreate(fs); err != nil {
		return -1, fmt.Errorf("no /proc in this root and no procfs of gemu's own (fsconfig: %w)", err)
	}
	return unix.Fsmount(fs, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV)
}

// SelfExeFD is a descriptor of gemu's own executable, opened once at
// start (ParkHostFDs), for execveat(AT_EMPTY_PATH) by fork children and
// foreign execs.
var SelfExeFD = sync.OnceValues(func() (int, error) {
	root, err := HostProcRoot()
	if err != nil {
		return -1, err
	}
	return OwnFD(func() (int, error) {
		return unix.Openat(root, "self/exe", unix.O_PATH|unix.O_CLOEXEC, 0)
	})
})

// openSelfExe opens gemu's executable now; later calls reuse it.
func openSelfExe() { SelfExeFD() }

// procOpen opens name (relative to /proc, such as "self/maps") in the
// host's procfs.
func procOpen(name string, flags int) (int, error) {
	root, err := HostProcRoot()
	if err != nil {
		return -1, err
	}
	return unix.Openat(root, name, flags|unix.O_CLOEXEC, 0)
}

// procReadFile reads a host procfs file.
func procReadFile(name string) ([]byte, error) {
	fd, err := procOpen(name, unix.O_RDONLY)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "/proc/"+name)
	defer f.Close()
	return io.ReadAll(f)
}

// procReadlink reads a host procfs link, such as "self/fd/3".
func procReadlink(name string) (string, error) {
	root, err := HostProcRoot()
	if err != nil {
		return "", err
	}
	for size := 256; ; size *= 4 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(root, name, buf)
		if err != nil {
			return "", &os.PathError{Op: "readlink", Path: "/proc/" + name, Err: err}
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// FDLink is the target of the host's /proc/self/fd/<fd>.
func FDLink(fd int) (string, error) {
	return procReadlink("self/fd/" + strconv.Itoa(fd))
}

// SelfExe, as the executable Options.Reexec returns, names this gemu
// binary: it is run through selfExeFD, which needs no path in the
// process's root.
const SelfExe = "/proc/self/exe"

// hostExe is an executable as execveat(2) takes it.
type hostExe struct {
	dirfd uintptr
	path  *byte
	flags uintptr
}

// resolveExe turns a host path, or SelfExe, into execveat's arguments.
func resolveExe(exe string) (hostExe, error) {
	if exe == SelfExe {
		fd, err := SelfExeFD()
		if err != nil {
			return hostExe{}, err
		}
		return hostExe{dirfd: uintptr(fd), path: &emptyPath[0], flags: unix.AT_EMPTY_PATH}, nil
	}
	b, err := unix.BytePtrFromString(exe)
	return hostExe{dirfd: AtFDCWD, path: b}, err
}

var emptyPath = [1]byte{}

// HostExec is execve(2) of exe (a path or SelfExe) from this process.
func HostExec(exe string, args, env []string) error {
	if exe != SelfExe {
		return unix.Exec(exe, args, env)
	}
	x, err := resolveExe(exe)
	if err != nil {
		return err
	}
	argv, err := syscall.SlicePtrFromStrings(args)
	if err != nil {
		return err
	}
	envp, err := syscall.SlicePtrFromStrings(env)
	if err != nil {
		return err
	}
	_, _, e := unix.Syscall6(unix.SYS_EXECVEAT, x.dirfd, uintptr(unsafe.Pointer(x.path)),
		uintptr(unsafe.Pointer(&argv[0])), uintptr(unsafe.Pointer(&envp[0])), x.flags, 0)
	return e
}

// AtFDCWD is AT_FDCWD as a system call argument.
var AtFDCWD = uintptr(unix.AT_FDCWD & (1<<64 - 1))
