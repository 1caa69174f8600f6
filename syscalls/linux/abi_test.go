package linux

import (
	"testing"

	"github.com/gemu-project/gemu/syscalls"
	"golang.org/x/sys/unix"
)

func TestOpenFlagsRiscv64Identity(t *testing.T) {
	a, _ := LinuxABIFor("riscv64")
	for _, f := range []uint64{ORdonly, OWronly | OCreat | OTrunc, ODirectory | ONofollow | OCloexec,
		ODirect | OLargefile, OTmpfile | ORdwr, OPath} {
		if a.OpenFlags.ToHost(f) != f || a.OpenFlags.FromHost(f) != f {
			t.Errorf("riscv64 translated %#o", f)
		}
	}
}

// The asm-generic values equal the x86_64 host's (x86's asm/fcntl.h
// includes asm-generic/fcntl.h); O_LARGEFILE is 0 in x/sys on 64-bit hosts.
func TestHostOpenFlags(t *testing.T) {
	for _, c := range [][2]uint64{{OCreat, unix.O_CREAT}, {OExcl, unix.O_EXCL}, {OTrunc, unix.O_TRUNC},
		{OAppend, unix.O_APPEND}, {ONonblock, unix.O_NONBLOCK}, {ODirect, unix.O_DIRECT},
		{ODirectory, unix.O_DIRECTORY}, {ONofollow, unix.O_NOFOLLOW}, {OCloexec, unix.O_CLOEXEC},
		{OSync, unix.O_SYNC}, {OPath, unix.O_PATH}, {OTmpfile, unix.O_TMPFILE}, {ONoatime, unix.O_NOATIME}} {
		if c[0] != c[1] {
			t.Errorf("flag %#o != host %#o", c[0], c[1])
		}
	}
}

func TestOpenFlagsAarch64(t *testing.T) {
	a, _ := LinuxABIFor("aarch64")
	cases := [][2]uint64{
		{0o40000, ODirectory}, {0o100000, ONofollow}, {0o200000, ODirect}, {0o400000, OLargefile},
		{0o40000 | 0o100000 | OCloexec | ORdonly, ODirectory | ONofollow | OCloexec},
		{OWronly | OCreat | OExcl | OAppend, OWronly | OCreat | OExcl | OAppend},
		{0o20000000 | 0o40000 | ORdwr, OTmpfile | ORdwr},
	}
	for _, c := range cases {
		if got := a.OpenFlags.ToHost(c[0]); got != c[1] {
			t.Errorf("ToHost(%#o) = %#o, want %#o", c[0], got, c[1])
		}
		if got := a.OpenFlags.FromHost(c[1]); got != c[0] {
			t.Errorf("FromHost(%#o) = %#o, want %#o", c[1], got, c[0])
		}
	}
	if _, err := LinuxABIFor("mips"); err == nil {
		t.Error("mips has no ABI")
	}
}

func TestTable(t *testing.T) {
	tb := syscalls.NewTable[int](LinuxGeneric, syscalls.ArchRiscv64)
	if r := tb.Lookup(SysWrite); r == nil || r.Name != "write" || r.Support != syscalls.Unimplemented {
		t.Fatalf("write record %+v", r)
	}
	if err := tb.Define("write", syscalls.Record[int]{Handler: 7, Support: syscalls.Full}); err != nil {
		t.Fatal(err)
	}
	if r := tb.Lookup(64); r.Handler != 7 || r.Num != 64 {
		t.Fatalf("defined record %+v", r)
	}
	if tb.Lookup(38) != nil || tb.Define("renameat", syscalls.Record[int]{}) != nil {
		t.Error("renameat is aarch64-only")
	}
	if tb.Define("no_such_call", syscalls.Record[int]{}) == nil {
		t.Error("unknown name accepted")
	}
	if tb.Lookup(SysRiscvFlushIcache).Name != "riscv_flush_icache" || tb.Lookup(1<<40) != nil {
		t.Error("lookup")
	}
	a := syscalls.NewTable[int](LinuxGeneric, syscalls.ArchAarch64)
	if a.Lookup(38).Name != "renameat" || a.Lookup(259) != nil {
		t.Error("aarch64 table")
	}
	if GenericName(SysNewfstatat) != "newfstatat" || GenericName(80) != "fstat" || GenericName(222) != "mmap" {
		t.Error("3264 names")
	}
}

func TestErrno(t *testing.T) {
	for n, want := range map[int][2]string{
		2: {"ENOENT", "No such file or directory"}, 38: {"ENOSYS", "Function not implemented"},
		22: {"EINVAL", "Invalid argument"}, 513: {"ERESTARTNOINTR", "Successful exit from sigreturn"},
		11: {"EAGAIN", "Resource temporarily unavailable"},
	} {
		if ErrnoName(n) != want[0] || ErrnoMessage(n) != want[1] {
			t.Errorf("errno %d: %s %q", n, ErrnoName(n), ErrnoMessage(n))
		}
	}
	if LinuxErrno(unix.EBADF) != 9 || ErrnoMessage(4000) != "Unknown error 4000" {
		t.Error("errno conversions")
	}
}
