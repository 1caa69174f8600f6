package bsduser

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
	"github.com/gemu-project/gemu/usermode"
)

// The path calls from before the *at() ones, which FreeBSD keeps and Go's
// syscall package and libc still use: each is its *at() handler with
// AT_FDCWD (sys/kern/vfs_syscalls.c does the same: sys_mkdir calls
// kern_mkdirat with AT_FDCWD), and the rest of the file calls.

func init() {
	register(
		def("mkdir", atCWD(sysMkdirat, 2, 0), aStr, aOct),
		def("rmdir", atCWD(sysUnlinkat, 1, freebsd.AT_REMOVEDIR), aStr),
		def("unlink", atCWD(sysUnlinkat, 1, 0), aStr),
		def("readlink", atCWD(sysReadlinkat, 3, 0), aStr, aPtr, aInt),
		def("chmod", atCWD(sysFchmodat, 2, 0), aStr, aOct),
		def("chown", atCWD(sysFchownat, 3, 0), aStr, aInt, aInt),
		def("lchown", atCWD(sysFchownat, 3, freebsd.AT_SYMLINK_NOFOLLOW), aStr, aInt, aInt),
		def("access", atCWD(sysFaccessat, 2, 0), aStr, aOct),
		def("eaccess", atCWD(sysFaccessat, 2, freebsd.AT_EACCESS), aStr, aOct),
		def("mkfifo", atCWD(sysMkfifoat, 2, 0), aStr, aOct),
		def("rename", sysRename, aStr, aStr),
		// link follows a symbolic link (vfs_syscalls.c sys_link: AT_SYMLINK_FOLLOW).
		def("link", sysLink, aStr, aStr),
		def("symlink", sysSymlink, aStr, aStr),
		def("fchown", func(t *Thread, a *Args) uint64 {
			return usermode.OK(unix.Fchown(fdArg(a[0]), int(int32(a[1])), int(int32(a[2]))))
		}, aInt, aInt, aInt),
		def("chroot", sysChroot, aStr),
		def("truncate", sysTruncate, aStr, aInt),
		def("mknodat", sysMknodat, aInt, aStr, aOct, aHex),
		def("mkfifoat", sysMkfifoat, aInt, aStr, aOct),
		def("flock", sysFlock, aInt, aInt),
	)
}

// cwdArg is AT_FDCWD (-100) as an argument register.
const cwdArg = ^uint64(99)

// atCWD runs an *at() handler for an old call of n arguments: AT_FDCWD
// first, the old call's arguments, then flags when flags is not 0.
func atCWD(h usermode.Handler, n int, flags uint64) usermode.Handler {
	return func(t *Thread, a *Args) uint64 {
		b := Args{cwdArg}
		copy(b[1:], a[:n])
		if flags != 0 {
			b[n+1] = flags
		}
		return h(t, &b)
	}
}

func sysRename(t *Thread, a *Args) uint64 {
	return sysRenameat(t, &Args{cwdArg, a[0], cwdArg, a[1]})
}

func sysLink(t *Thread, a *Args) uint64 {
	return sysLinkat(t, &Args{cwdArg, a[0], cwdArg, a[1], freebsd.AT_SYMLINK_FOLLOW})
}

func sysSymlink(t *Thread, a *Args) uint64 {
	return sysSymlinkat(t, &Args{a[0], cwdArg, a[1]})
}

func sysChroot(t *Thread, a *Args) uint64 {
	path, e := t.HostPath(a[0])
	if e != 0 {
		return e
	}
	return usermode.OK(unix.Chroot(path))
}

func sysTruncate(t *Thread, a *Args) uint64 {
	path, e := t.HostPath(a[0])
	if e != 0 {
		return e
	}
	return usermode.OK(unix.Truncate(path, int64(a[1])))
}

// sysMkfifoat(fd, path, mode) is mknodat of a FIFO.
func sysMkfifoat(t *Thread, a *Args) uint64 {
	return mknod(t, a[0], a[1], unix.S_IFIFO|a[2]&0o7777, 0)
}

// sysMknodat(fd, path, mode, dev): the S_IF* file types are Linux's
// numbers too (FreeBSD sys/sys/stat.h); dev is FreeBSD's 64-bit dev_t,
// made the host's from its major and minor (sys/sys/types.h major()
// and minor()).
func sysMknodat(t *Thread, a *Args) uint64 {
	dev := a[3]
	major := dev>>32&0xffffff00 | dev>>8&0xff
	minor := dev>>24&0xff00 | dev&0xffff00ff
	return mknod(t, a[0], a[1], a[2], unix.Mkdev(uint32(major), uint32(minor)))
}

func mknod(t *Thread, dir, pathAddr, mode, dev uint64) uint64 {
	path, e := t.HostPath(pathAddr)
	if e != 0 {
		return e
	}
	return usermode.OK(unix.Mknodat(dirArg(dir), path, uint32(mode), int(dev)))
}

// sysFlock: LOCK_SH 1, LOCK_EX 2, LOCK_NB 4, LOCK_UN 8 are Linux's too
// (FreeBSD sys/sys/fcntl.h); a blocking lock waits interruptibly.
func sysFlock(t *Thread, a *Args) uint64 {
	fd, how := fdArg(a[0]), int(int32(a[1]))
	return t.Interruptible(usermode.RestartSys, func() (int, error) { return 0, unix.Flock(fd, how) })
}

func init() {
	register(
		def("statfs", sysStatfs, aStr, aPtr),
		def("fstatfs", sysFstatfs, aInt, aPtr),
		partial("getfsstat", sysGetfsstat, "the host's mounts, MNT_WAIT and MNT_NOWAIT alike", aPtr, aInt, aInt),
		partial("pathconf", sysPathconf, pathconfNote, aStr, aInt),
		partial("lpathconf", sysLpathconf, pathconfNote, aStr, aInt),
		partial("fpathconf", sysFpathconf, pathconfNote, aInt, aInt),
	)
}

// sysStatfs and sysFstatfs fill FreeBSD's struct statfs from the host's
// and the mount the file is on (statfs.go).
func sysStatfs(t *Thread, a *Args) uint64 {
	path, e := t.HostPath(a[0])
	if e != 0 {
		return e
	}
	var s unix.Statfs_t
	if err := unix.Statfs(path, &s); err != nil {
		return usermode.ErrRet(err)
	}
	var st unix.Stat_t
	unix.Stat(path, &st)
	return usermode.OK(t.WriteBytes(a[1], freebsd.StatfsFromLinux(&s, mountOf(st.Dev, absPath(path)))))
}

func sysFstatfs(t *Thread, a *Args) uint64 {
	fd := fdArg(a[0])
	if usermode.IsHostFD(fd) {
		return usermode.Errno(unix.EBADF)
	}
	var s unix.Statfs_t
	if err := unix.Fstatfs(fd, &s); err != nil {
		return usermode.ErrRet(err)
	}
	var st unix.Stat_t
	unix.Fstat(fd, &st)
	path, _ := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
	return usermode.OK(t.WriteBytes(a[1], freebsd.StatfsFromLinux(&s, mountOf(st.Dev, path))))
}

// sysGetfsstat(buf, bufsize, mode) lists the mounted file systems: their
// number without a buffer, else as many statfs records as fit (sys/kern/
// vfs_syscalls.c kern_getfsstat).
func sysGetfsstat(t *Thread, a *Args) uint64 {
	mounts := hostMounts()
	if a[0] == 0 {
		return uint64(len(mounts))
	}
	n := 0
	for _, m := range mounts {
		if uint64(n+1)*freebsd.StatfsSize > a[1] {
			break
		}
		var s unix.Statfs_t
		if unix.Statfs(m.On, &s) != nil {
			continue
		}
		if t.WriteBytes(a[0]+uint64(n)*freebsd.StatfsSize, freebsd.StatfsFromLinux(&s, m.Mount)) != nil {
			return usermode.Errno(unix.EFAULT)
		}
		n++
	}
	return uint64(n)
}

// hostMount is one line of /proc/self/mountinfo.
type hostMount struct {
	freebsd.Mount
	dev uint64
}

// hostMounts reads the host's mount table (Linux
// Documentation/filesystems/proc.rst, /proc/<pid>/mountinfo).
func hostMounts() []hostMount {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	var out []hostMount
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		sep := slices.Index(f, "-")
		if len(f) < 5 || sep < 0 || len(f) < sep+3 {
			continue
		}
		var major, minor uint32
		fmt.Sscanf(f[2], "%d:%d", &major, &minor)
		typ := f[sep+1]
		m := freebsd.Mount{TypeName: freebsd.TypeNameFromLinux(typ), From: unescapeMount(f[sep+2]),
			On: unescapeMount(f[4]), Local: localFS(typ)}
		out = append(out, hostMount{Mount: m, dev: unix.Mkdev(major, minor)})
	}
	return out
}

// localFS is MNT_LOCAL: not a network or FUSE file system.
func localFS(typ string) bool {
	switch typ {
	case "nfs", "nfs4", "cifs", "smb3", "9p", "ceph", "afs":
		return false
	}
	return !strings.HasPrefix(typ, "fuse")
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mountOf is the mount of device dev holding path: of the mounts of
// that device, the one with the longest mount point above path.
func mountOf(dev uint64, path string) freebsd.Mount {
	var best freebsd.Mount
	found := false
	for _, m := range hostMounts() {
		if m.dev != dev {
			continue
		}
		under := m.On == "/" || path == m.On || strings.HasPrefix(path, m.On+"/")
		if !found || under && len(m.On) >= len(best.On) {
			best, found = m.Mount, true
		}
	}
	return best
}

func absPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	a, _ := filepath.Abs(p)
	return a
}

const pathconfNote = "_PC_NAME_MAX from the host; FreeBSD's fixed values for the others it knows (UFS's LINK_MAX)"

// pathconf names (FreeBSD sys/sys/unistd.h).
const (
	pcLinkMax          = 1
	pcMaxCanon         = 2
	pcMaxInput         = 3
	pcNameMax          = 4
	pcPathMax          = 5
	pcPipeBuf          = 6
	pcChownRestricted  = 7
	pcNoTrunc          = 8
	pcVdisable         = 9
	pcFilesizebits     = 12
	pcSymlinkMax       = 18
	pcAsyncIO          = 53
	pcPrioIO           = 54
	pcSyncIO           = 55
	pcACLExtended      = 59
	pcACLNFS4          = 64
	freebsdPathMax     = 1024 // PATH_MAX, sys/sys/syslimits.h
	freebsdPipeBuf     = 512  // PIPE_BUF
	freebsdMaxCanon    = 255  // MAX_CANON and MAX_INPUT
	freebsdPosixVdis   = 0xff // _POSIX_VDISABLE
	freebsdLinkMaxUFS  = 32767
	posixFeatureAbsent = -1
)

// pathconf answers from the host's statfs of the file; a name FreeBSD
// does not know is EINVAL (sys/kern/vfs_default.c vop_stdpathconf and
// the file systems' own).
func pathconf(s *unix.Statfs_t, name int) uint64 {
	v := map[int]int64{
		pcLinkMax: freebsdLinkMaxUFS, pcMaxCanon: freebsdMaxCanon, pcMaxInput: freebsdMaxCanon,
		pcNameMax: s.Namelen, pcPathMax: freebsdPathMax, pcPipeBuf: freebsdPipeBuf,
		pcChownRestricted: 1, pcNoTrunc: 1, pcVdisable: freebsdPosixVdis, pcFilesizebits: 64,
		pcSymlinkMax: freebsdPathMax, pcAsyncIO: posixFeatureAbsent, pcPrioIO: posixFeatureAbsent,
		pcSyncIO: posixFeatureAbsent, pcACLExtended: 0, pcACLNFS4: 0,
	}
	r, ok := v[name]
	if !ok {
		return usermode.Errno(unix.EINVAL)
	}
	return uint64(r)
}

func sysPathconf(t *Thread, a *Args) uint64 { return pathconfAt(t, a, false) }

func sysLpathconf(t *Thread, a *Args) uint64 { return pathconfAt(t, a, true) }

// pathconfAt: the file must exist; lpathconf asks about a symbolic link
// itself, whose file system is the directory's.
func pathconfAt(t *Thread, a *Args, nofollow bool) uint64 {
	path, e := t.HostPath(a[0])
	if e != 0 {
		return e
	}
	var st unix.Stat_t
	stat := unix.Stat
	if nofollow {
		stat = unix.Lstat
	}
	if err := stat(path, &st); err != nil {
		return usermode.ErrRet(err)
	}
	if nofollow && st.Mode&unix.S_IFMT == unix.S_IFLNK {
		path = filepath.Dir(path)
	}
	var s unix.Statfs_t
	if err := unix.Statfs(path, &s); err != nil {
		return usermode.ErrRet(err)
	}
	return pathconf(&s, int(int32(a[1])))
}

func sysFpathconf(t *Thread, a *Args) uint64 {
	fd := fdArg(a[0])
	var s unix.Statfs_t
	if usermode.IsHostFD(fd) {
		return usermode.Errno(unix.EBADF)
	}
	if err := unix.Fstatfs(fd, &s); err != nil {
		return usermode.ErrRet(err)
	}
	return pathconf(&s, int(int32(a[1])))
}
