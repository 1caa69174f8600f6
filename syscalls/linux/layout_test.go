package linux

import (
	"encoding/binary"
	"slices"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func u64(b []byte, off int) uint64 { return binary.LittleEndian.Uint64(b[off:]) }
func u32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }
func u16(b []byte, off int) uint16 { return binary.LittleEndian.Uint16(b[off:]) }

// Offsets from Linux include/uapi/asm-generic/stat.h (64-bit).
func TestStatLayout(t *testing.T) {
	host := unix.Stat_t{Dev: 0x801, Ino: 123456789, Nlink: 3, Mode: 0o100644, Uid: 1000, Gid: 100,
		Rdev: 0x1234, Size: 1 << 40, Blksize: 4096, Blocks: 77,
		Atim: unix.Timespec{Sec: 11, Nsec: 12}, Mtim: unix.Timespec{Sec: 21, Nsec: 22},
		Ctim: unix.Timespec{Sec: 31, Nsec: 32}}
	b := make([]byte, StatSize)
	for i := range b {
		b[i] = 0xee
	}
	s := StatFromHost(&host)
	s.Encode(b)
	checks := []struct {
		name      string
		off, size int
		want      uint64
	}{
		{"st_dev", 0, 8, 0x801}, {"st_ino", 8, 8, 123456789}, {"st_mode", 16, 4, 0o100644},
		{"st_nlink", 20, 4, 3}, {"st_uid", 24, 4, 1000}, {"st_gid", 28, 4, 100},
		{"st_rdev", 32, 8, 0x1234}, {"__pad1", 40, 8, 0}, {"st_size", 48, 8, 1 << 40},
		{"st_blksize", 56, 4, 4096}, {"__pad2", 60, 4, 0}, {"st_blocks", 64, 8, 77},
		{"st_atime", 72, 8, 11}, {"st_atime_nsec", 80, 8, 12}, {"st_mtime", 88, 8, 21},
		{"st_mtime_nsec", 96, 8, 22}, {"st_ctime", 104, 8, 31}, {"st_ctime_nsec", 112, 8, 32},
		{"__unused4", 120, 4, 0}, {"__unused5", 124, 4, 0},
	}
	for _, c := range checks {
		var got uint64
		if c.size == 8 {
			got = u64(b, c.off)
		} else {
			got = uint64(u32(b, c.off))
		}
		if got != c.want {
			t.Errorf("%s at %d = %#x, want %#x", c.name, c.off, got, c.want)
		}
	}
}

func TestTimespecLayout(t *testing.T) {
	b := make([]byte, TimespecSize)
	Timespec{Sec: -5, Nsec: 999999999}.Encode(b)
	if int64(u64(b, 0)) != -5 || u64(b, 8) != 999999999 {
		t.Fatalf("timespec bytes %x", b)
	}
	if got := DecodeTimespec(b); got != (Timespec{-5, 999999999}) {
		t.Fatalf("round trip %v", got)
	}
}

// Linux include/uapi/linux/utsname.h: struct new_utsname, 6 x 65 bytes.
func TestUtsnameLayout(t *testing.T) {
	b := make([]byte, UtsnameSize)
	u := Utsname{"Linux", "host", "6.1.0", "#1", "riscv64", "(none)"}
	u.Encode(b)
	for i, want := range []string{"Linux", "host", "6.1.0", "#1", "riscv64", "(none)"} {
		f := b[i*65 : i*65+65]
		if string(f[:len(want)]) != want || f[len(want)] != 0 {
			t.Errorf("field %d = %q", i, f)
		}
	}
	if UtsnameSize != 390 {
		t.Fatal("utsname size")
	}
}

func TestRlimitSysinfoLayout(t *testing.T) {
	b := make([]byte, RlimitSize)
	Rlimit{Cur: 8 << 20, Max: ^uint64(0)}.Encode(b)
	if u64(b, 0) != 8<<20 || u64(b, 8) != ^uint64(0) || DecodeRlimit(b).Cur != 8<<20 {
		t.Fatalf("rlimit %x", b)
	}
	// Linux include/uapi/linux/sysinfo.h on 64-bit.
	s := Sysinfo{Uptime: 1, Loads: [3]uint64{2, 3, 4}, Totalram: 5, Freeram: 6, Sharedram: 7,
		Bufferram: 8, Totalswap: 9, Freeswap: 10, Procs: 11, Totalhigh: 12, Freehigh: 13, MemUnit: 14}
	b = make([]byte, SysinfoSize)
	s.Encode(b)
	for i, off := range []int{0, 8, 16, 24, 32, 40, 48, 56, 64, 72} {
		if u64(b, off) != uint64(i+1) {
			t.Errorf("sysinfo word at %d = %d, want %d", off, u64(b, off), i+1)
		}
	}
	if u16(b, 80) != 11 || u64(b, 88) != 12 || u64(b, 96) != 13 || u32(b, 104) != 14 {
		t.Errorf("sysinfo tail %x", b[80:])
	}
}

// Linux include/uapi/asm-generic/termbits.h and termios.h.
func TestTermiosWinsizeLayout(t *testing.T) {
	g := Termios{Iflag: 0x11, Oflag: 0x22, Cflag: 0x33, Lflag: 0x44, Line: 5}
	for i := range g.Cc {
		g.Cc[i] = byte(100 + i)
	}
	b := make([]byte, TermiosSize)
	g.Encode(b)
	if u32(b, 0) != 0x11 || u32(b, 4) != 0x22 || u32(b, 8) != 0x33 || u32(b, 12) != 0x44 ||
		b[16] != 5 || b[17] != 100 || b[35] != 118 {
		t.Fatalf("termios bytes %x", b)
	}
	if DecodeTermios(b) != g {
		t.Fatal("termios round trip")
	}
	var h unix.Termios
	g.ToHost(&h)
	if TermiosFromHost(&h) != g {
		t.Fatal("termios host round trip")
	}
	w := Winsize{Row: 24, Col: 80, Xpixel: 1, Ypixel: 2}
	b = make([]byte, WinsizeSize)
	w.Encode(b)
	if u16(b, 0) != 24 || u16(b, 2) != 80 || u16(b, 4) != 1 || u16(b, 6) != 2 || DecodeWinsize(b) != w {
		t.Fatalf("winsize %x", b)
	}
}

func TestIovecSigactionStackLayout(t *testing.T) {
	b := make([]byte, 2*IovecSize)
	binary.LittleEndian.PutUint64(b[0:], 0x1000)
	binary.LittleEndian.PutUint64(b[8:], 5)
	binary.LittleEndian.PutUint64(b[16:], 0x2000)
	binary.LittleEndian.PutUint64(b[24:], 7)
	if v := DecodeIovecs(b); len(v) != 2 || v[1] != (Iovec{0x2000, 7}) {
		t.Fatalf("iovecs %v", v)
	}
	sa := Sigaction{Handler: 1, Flags: 2, Restorer: 3, Mask: 4}
	rv, _ := LinuxABIFor("riscv64")
	b = make([]byte, rv.Sigaction.Size)
	rv.Sigaction.Encode(b, sa)
	if rv.Sigaction.Size != 24 || u64(b, 16) != 4 {
		t.Fatalf("riscv64 sigaction %x", b)
	}
	if got := rv.Sigaction.Decode(b); got != (Sigaction{Handler: 1, Flags: 2, Mask: 4}) {
		t.Fatalf("riscv64 sigaction decode %v", got)
	}
	a64, _ := LinuxABIFor("aarch64")
	b = make([]byte, a64.Sigaction.Size)
	a64.Sigaction.Encode(b, sa)
	if a64.Sigaction.Size != 32 || u64(b, 16) != 3 || u64(b, 24) != 4 || a64.Sigaction.Decode(b) != sa {
		t.Fatalf("aarch64 sigaction %x", b)
	}
	st := StackT{SP: 0x7000, Flags: SsDisable, Size: 8192}
	b = make([]byte, StackTSize)
	st.Encode(b)
	if u64(b, 0) != 0x7000 || u32(b, 8) != 2 || u64(b, 16) != 8192 || DecodeStackT(b) != st {
		t.Fatalf("stack_t %x", b)
	}
}

// struct loop_info64 and struct loop_config have these offsets on every
// target (include/uapi/linux/loop.h: fixed-width fields only), which the
// host's types must match for the loop ioctls to pass through; the
// loopdev fixture prints the same table from each guest's own headers.
func TestLoopInfo64Layout(t *testing.T) {
	var li unix.LoopInfo64
	got := []uintptr{unsafe.Sizeof(li), unsafe.Offsetof(li.Device), unsafe.Offsetof(li.Inode),
		unsafe.Offsetof(li.Rdevice), unsafe.Offsetof(li.Offset), unsafe.Offsetof(li.Sizelimit),
		unsafe.Offsetof(li.Number), unsafe.Offsetof(li.Encrypt_type), unsafe.Offsetof(li.Encrypt_key_size),
		unsafe.Offsetof(li.Flags), unsafe.Offsetof(li.File_name), unsafe.Offsetof(li.Crypt_name),
		unsafe.Offsetof(li.Encrypt_key), unsafe.Offsetof(li.Init)}
	want := []uintptr{LoopInfo64Size, 0, 8, 16, 24, 32, 40, 44, 48, 52, 56, 120, 184, 216}
	if !slices.Equal(got, want) {
		t.Errorf("host struct loop_info64 size and offsets %v, want %v", got, want)
	}
	var lc unix.LoopConfig
	// __reserved[8] follows info: the struct ends 64 bytes after it.
	got = []uintptr{unsafe.Sizeof(lc), unsafe.Offsetof(lc.Fd), unsafe.Offsetof(lc.Size), unsafe.Offsetof(lc.Info),
		unsafe.Offsetof(lc.Info) + unsafe.Sizeof(lc.Info)}
	if want := []uintptr{LoopConfigSize, 0, 4, 8, 240}; !slices.Equal(got, want) {
		t.Errorf("host struct loop_config size and offsets %v, want %v", got, want)
	}
}

// The old struct loop_info: guest offsets (asm-generic: 32-bit
// __kernel_old_dev_t) and x86_64's, field by field, both ways.
func TestLoopInfoLayout(t *testing.T) {
	g := make([]byte, LoopInfoSize)
	put32 := func(off int, v uint32) { binary.LittleEndian.PutUint32(g[off:], v) }
	put32(0, 7)                                        // lo_number
	put32(4, 0x0801)                                   // lo_device
	binary.LittleEndian.PutUint64(g[8:], 0x1122334455) // lo_inode
	put32(16, 0x0702)                                  // lo_rdevice
	put32(20, 4096)                                    // lo_offset
	put32(32, 0x4)                                     // lo_flags
	copy(g[36:], "name")                               // lo_name
	g[100] = 0xaa                                      // lo_encrypt_key[0]
	binary.LittleEndian.PutUint64(g[136:], 9)          // lo_init[0]
	g[152] = 0x5a                                      // reserved[0]
	h := LoopInfoToHost(g)
	checks := []struct {
		name      string
		off, size int
		want      uint64
	}{
		{"lo_number", 0, 4, 7}, {"lo_device", 8, 8, 0x0801}, {"lo_inode", 16, 8, 0x1122334455},
		{"lo_rdevice", 24, 8, 0x0702}, {"lo_offset", 32, 4, 4096}, {"lo_flags", 44, 4, 4},
		{"lo_name", 48, 4, uint64(u32([]byte("name"), 0))}, {"lo_encrypt_key", 112, 1, 0xaa},
		{"lo_init", 144, 8, 9}, {"reserved", 160, 1, 0x5a},
	}
	for _, c := range checks {
		var v uint64
		switch c.size {
		case 8:
			v = u64(h, c.off)
		case 4:
			v = uint64(u32(h, c.off))
		default:
			v = uint64(h[c.off])
		}
		if v != c.want {
			t.Errorf("host %s at %d = %#x, want %#x", c.name, c.off, v, c.want)
		}
	}
	back, ok := LoopInfoFromHost(h)
	if !ok || !slices.Equal(back, g) {
		t.Errorf("round trip: ok %v\n got %x\nwant %x", ok, back, g)
	}
	binary.LittleEndian.PutUint64(h[8:], 1<<32) // a device number the guests cannot hold
	if _, ok := LoopInfoFromHost(h); ok {
		t.Error("a 33-bit lo_device converted without EOVERFLOW")
	}
}
