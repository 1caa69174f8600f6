package freebsd

import (
	"hash/fnv"

	"golang.org/x/sys/unix"
)

// struct statfs of FreeBSD 12 and later (sys/sys/mount.h, STATFS_VERSION
// 0x20140518): f_version 0, f_type 4, f_flags 8, f_bsize 16, f_iosize
// 24, f_blocks 32, f_bfree 40, f_bavail 48, f_files 56, f_ffree 64, four
// I/O counters 72-103, f_spare[10] 104, f_namemax 184, f_owner 188,
// f_fsid 192 (two int32), f_charspare[80] 200, f_fstypename[16] 280,
// f_mntfromname[1024] 296, f_mntonname[1024] 1320; 2344 bytes.
const (
	StatfsSize    = 2344
	StatfsVersion = 0x20140518

	statfsType     = 4
	statfsFlags    = 8
	statfsBsize    = 16
	statfsIosize   = 24
	statfsBlocks   = 32
	statfsNamemax  = 184
	statfsFsid     = 192
	statfsTypename = 280
	statfsMntfrom  = 296
	statfsMnton    = 1320
	mfsNameLen     = 16
	mNameLen       = 1024
)

// Mount flags (sys/sys/mount.h) that a Linux statfs's f_flags (ST_*,
// Linux include/linux/statfs.h) can say; the I/O counters, f_owner (the
// mounting user: root) and f_charspare are left 0.
const (
	MNT_RDONLY      = 0x1
	MNT_SYNCHRONOUS = 0x2
	MNT_NOEXEC      = 0x4
	MNT_NOSUID      = 0x8
	MNT_LOCAL       = 0x1000
	MNT_NOSYMFOLLOW = 0x400000
	MNT_NOATIME     = 0x10000000
)

// MountFlags maps Linux's ST_* statfs flags to FreeBSD's MNT_* ones.
var MountFlags = &BitMap{pairs: [][2]uint64{
	{MNT_RDONLY, unix.ST_RDONLY}, {MNT_SYNCHRONOUS, unix.ST_SYNCHRONOUS},
	{MNT_NOEXEC, unix.ST_NOEXEC}, {MNT_NOSUID, unix.ST_NOSUID},
	{MNT_NOSYMFOLLOW, 0x2000}, // ST_NOSYMFOLLOW (Linux 5.10)
	{MNT_NOATIME, unix.ST_NOATIME},
}}

// Mount describes the file system a statfs is of: FreeBSD's type name
// and the mount's source and mount point.
type Mount struct {
	TypeName, From, On string
	Local              bool // MNT_LOCAL: not a network or FUSE file system
}

// TypeNum is f_type for a type name: FreeBSD numbers each file system
// type by the low byte of the FNV-1 hash of its name (sys/kern/
// vfs_init.c vfs_register with vfs.typenumhash, the default); the
// collision fixing among the types a kernel registers is not reproduced.
func TypeNum(name string) uint32 {
	h := fnv.New32()
	h.Write([]byte(name))
	return h.Sum32() & 0xff
}

// StatfsFromLinux encodes a host statfs for the guest. FreeBSD's f_bsize
// is the fragment size (Linux f_frsize) and f_iosize the transfer size
// (Linux f_bsize).
func StatfsFromLinux(s *unix.Statfs_t, m Mount) []byte {
	b := make([]byte, StatfsSize)
	le.PutUint32(b[0:], StatfsVersion)
	le.PutUint32(b[statfsType:], TypeNum(m.TypeName))
	flags := MountFlags.FromLinux(uint64(s.Flags))
	if m.Local {
		flags |= MNT_LOCAL
	}
	le.PutUint64(b[statfsFlags:], flags)
	frsize := s.Frsize
	if frsize == 0 {
		frsize = s.Bsize
	}
	le.PutUint64(b[statfsBsize:], uint64(frsize))
	le.PutUint64(b[statfsIosize:], uint64(s.Bsize))
	for i, v := range []uint64{s.Blocks, s.Bfree, s.Bavail, s.Files, s.Ffree} {
		le.PutUint64(b[statfsBlocks+8*i:], v)
	}
	le.PutUint32(b[statfsNamemax:], uint32(s.Namelen))
	le.PutUint32(b[statfsFsid:], uint32(s.Fsid.Val[0]))
	le.PutUint32(b[statfsFsid+4:], uint32(s.Fsid.Val[1]))
	putName(b[statfsTypename:statfsTypename+mfsNameLen], m.TypeName)
	putName(b[statfsMntfrom:statfsMntfrom+mNameLen], m.From)
	putName(b[statfsMnton:statfsMnton+mNameLen], m.On)
	return b
}

// putName copies a NUL-terminated name, cut to fit.
func putName(dst []byte, s string) {
	copy(dst[:len(dst)-1], s)
}

// linuxTypeNames are FreeBSD's names for the Linux file systems it has
// a driver of its own for (the rest keep their Linux name).
var linuxTypeNames = map[string]string{
	"ext2": "ext2fs", "ext3": "ext2fs", "ext4": "ext2fs", "proc": "procfs", "devtmpfs": "devfs",
	"vfat": "msdosfs", "msdos": "msdosfs", "nfs4": "nfs", "iso9660": "cd9660", "fuseblk": "fusefs",
	"fuse": "fusefs", "9p": "p9fs", "overlay": "unionfs",
}

// TypeNameFromLinux is FreeBSD's name for a Linux file-system type as
// /proc/self/mountinfo names it.
func TypeNameFromLinux(linux string) string {
	if n, ok := linuxTypeNames[linux]; ok {
		return n
	}
	return linux
}
