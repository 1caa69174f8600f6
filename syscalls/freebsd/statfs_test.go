package freebsd

import (
	"bytes"
	"testing"

	"golang.org/x/sys/unix"
)

// TestStatfsLayout checks the converter against the field offsets of
// FreeBSD's sys/sys/mount.h (x/sys's Statfs_t for freebsd/arm64 agrees:
// Bsize 16, Namemax 184, Fsid 192, Fstypename 280, Mntfromname 296,
// Mntonname 1320, 2344 bytes).
func TestStatfsLayout(t *testing.T) {
	s := unix.Statfs_t{Type: 0xef53, Bsize: 4096, Frsize: 1024, Blocks: 100, Bfree: 50, Bavail: 40,
		Files: 30, Ffree: 20, Namelen: 255, Flags: unix.ST_RDONLY | unix.ST_NOSUID | unix.ST_NOATIME}
	s.Fsid.Val = [2]int32{7, 9}
	b := StatfsFromLinux(&s, Mount{TypeName: "ext2fs", From: "/dev/sda1", On: "/", Local: true})
	if len(b) != StatfsSize || StatfsSize != 2344 {
		t.Fatalf("size %d, want 2344", len(b))
	}
	u64 := func(off int) uint64 { return le.Uint64(b[off:]) }
	u32 := func(off int) uint32 { return le.Uint32(b[off:]) }
	checks := []struct {
		name      string
		got, want uint64
	}{
		{"f_version", uint64(u32(0)), StatfsVersion},
		{"f_type", uint64(u32(4)), uint64(TypeNum("ext2fs"))},
		{"f_flags", u64(8), MNT_RDONLY | MNT_NOSUID | MNT_NOATIME | MNT_LOCAL},
		{"f_bsize", u64(16), 1024},
		{"f_iosize", u64(24), 4096},
		{"f_blocks", u64(32), 100},
		{"f_bfree", u64(40), 50},
		{"f_bavail", u64(48), 40},
		{"f_files", u64(56), 30},
		{"f_ffree", u64(64), 20},
		{"f_namemax", uint64(u32(184)), 255},
		{"f_fsid[0]", uint64(u32(192)), 7},
		{"f_fsid[1]", uint64(u32(196)), 9},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
	for off, want := range map[int]string{280: "ext2fs", 296: "/dev/sda1", 1320: "/"} {
		if got, _, _ := bytes.Cut(b[off:], []byte{0}); string(got) != want {
			t.Errorf("name at %d = %q, want %q", off, got, want)
		}
	}
}

// TestStatfsNamesCut: a name longer than its field keeps its NUL.
func TestStatfsNamesCut(t *testing.T) {
	long := string(bytes.Repeat([]byte("x"), 40))
	b := StatfsFromLinux(&unix.Statfs_t{}, Mount{TypeName: long})
	if b[statfsTypename+mfsNameLen-1] != 0 || b[statfsTypename+mfsNameLen-2] != 'x' {
		t.Errorf("f_fstypename not cut to 15 bytes and a NUL: %q", b[statfsTypename:statfsTypename+mfsNameLen])
	}
}

// TestTypeNum: the FNV-1 low byte of the name (vfs_init.c).
func TestTypeNum(t *testing.T) {
	if got := TypeNum("ufs"); got != 0xdb {
		t.Errorf("TypeNum(ufs) = %#x, want 0xdb", got)
	}
	if TypeNameFromLinux("ext4") != "ext2fs" || TypeNameFromLinux("btrfs") != "btrfs" {
		t.Error("TypeNameFromLinux")
	}
}
