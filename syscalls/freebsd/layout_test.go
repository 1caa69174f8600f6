package freebsd

import (
	"bytes"
	"testing"

	"golang.org/x/sys/unix"
)

// checkLayout compares sizes and offsets with x/sys's or the runtime's
// layout of the same struct on both guests.
func checkLayout(t *testing.T, typ string, size int64, offsets map[string]int64) {
	t.Helper()
	for _, arch := range []string{"arm64", "riscv64"} {
		l, ok := xsysLayouts[arch][typ]
		if !ok {
			t.Fatalf("%s: no %s in the generated data", arch, typ)
		}
		if size >= 0 && l.Size != size {
			t.Errorf("%s %s: size %d here, %d in the source", arch, typ, size, l.Size)
		}
		for f, off := range offsets {
			if got, ok := l.Offsets[f]; !ok || got != off {
				t.Errorf("%s %s.%s: offset %d here, %d (%v) in the source", arch, typ, f, off, got, ok)
			}
		}
	}
}

func TestLayoutsMatchSources(t *testing.T) {
	checkLayout(t, "Stat_t", StatSize, map[string]int64{"Dev": statDev, "Ino": statIno,
		"Nlink": statNlink, "Mode": statMode, "Uid": statUID, "Gid": statGID, "Rdev": statRdev,
		"Atim": statAtim, "Mtim": statMtim, "Ctim": statCtim, "Btim": statBirthtim, "Size": statSize,
		"Blocks": statBlocks, "Blksize": statBlksize, "Flags": statFlags, "Gen": statGen,
		"Spare": statFilerevOrSp})
	checkLayout(t, "Dirent", -1, map[string]int64{"Off": direntOff, "Reclen": direntReclen,
		"Type": direntType, "Namlen": direntNamlen, "Name": DirentHeader})
	checkLayout(t, "Timespec", TimespecSize, nil)
	checkLayout(t, "Timeval", TimespecSize, nil)
	checkLayout(t, "Rusage", RusageSize, map[string]int64{"Stime": 16, "Maxrss": 32, "Nivcsw": 136})
	checkLayout(t, "Rlimit", RlimitSize, map[string]int64{"Max": 8})
	checkLayout(t, "Kevent_t", KeventSize, map[string]int64{"Filter": 8, "Flags": 10,
		"Fflags": 12, "Data": 16, "Udata": 24, "Ext": 32})
	checkLayout(t, "RawSockaddrInet4", SockaddrInSize, map[string]int64{"Family": 1, "Port": 2, "Addr": 4})
	checkLayout(t, "RawSockaddrInet6", SockaddrIn6Size, map[string]int64{"Family": 1,
		"Flowinfo": 4, "Addr": 8, "Scope_id": 24})
	checkLayout(t, "RawSockaddrUnix", SockaddrUnSize, map[string]int64{"Path": 2})
	checkLayout(t, "Msghdr", MsghdrSize, map[string]int64{"Namelen": 8, "Iov": 16,
		"Iovlen": 24, "Control": 32, "Controllen": 40, "Flags": 44})
	checkLayout(t, "Cmsghdr", CmsghdrSize, nil)
	checkLayout(t, "PollFd", PollfdSize, map[string]int64{"Events": 4, "Revents": 6})
	checkLayout(t, "Flock_t", FlockSize, map[string]int64{"Len": 8, "Pid": 16, "Type": 20,
		"Whence": 22, "Sysid": 24})
	checkLayout(t, "Sigset_t", SigsetSize, nil)
	checkLayout(t, "thrparam", ThrParamSize, map[string]int64{"stack_base": 16, "tls_base": 32,
		"child_tid": 48, "parent_tid": 56, "flags": 64, "rtp": 72})
	checkLayout(t, "stackt", StackTSize, map[string]int64{"ss_size": 8, "ss_flags": 16})
	checkLayout(t, "siginfo", SiginfoSize, map[string]int64{"si_pid": 12, "si_addr": 24,
		"si_value": 32, "_reason": 40})
	checkLayout(t, "umtx_time", UmtxTimeSize, map[string]int64{"_flags": 16, "_clockid": 20})
}

// TestUcontextLayouts checks the machine contexts against Go's runtime
// definitions. Go's structs cannot express arm64's 16-byte alignment of
// the __uint128_t registers, so only offsets below the tail agree; the
// tail padding and the fields after uc_mcontext follow C's rules.
func TestUcontextLayouts(t *testing.T) {
	for arch, u := range map[string]UcontextLayout{"arm64": Arm64Ucontext, "riscv64": Riscv64Ucontext} {
		mc := xsysLayouts[arch]["mcontext"]
		if int64(u.FPRegs-u.Mcontext) != mc.Offsets["mc_fpregs"] || int64(u.MCFlags-u.Mcontext) != mc.Offsets["mc_flags"] {
			t.Errorf("%s: fpregs %d flags %d, runtime %v", arch, u.FPRegs-u.Mcontext, u.MCFlags-u.Mcontext, mc.Offsets)
		}
		align := int64(8)
		if arch == "arm64" {
			align = 16
		}
		mcSize := (mc.Size + align - 1) &^ (align - 1)
		if int64(u.Link) != int64(u.Mcontext)+mcSize || u.Stack != u.Link+8 || u.Flags != u.Stack+StackTSize {
			t.Errorf("%s: link %d stack %d flags %d after a %d-byte mcontext", arch, u.Link, u.Stack, u.Flags, mcSize)
		}
		if int64(u.Size) != (int64(u.Flags)+4+16+align-1)&^(align-1) {
			t.Errorf("%s: size %d", arch, u.Size)
		}
	}
	gp := xsysLayouts["riscv64"]["gpregs"].Offsets
	for name, off := range map[string]int{"gp_t": Riscv64GPT, "gp_s": Riscv64GPS, "gp_a": Riscv64GPA,
		"gp_sepc": Riscv64GPSepc, "gp_sstatus": Riscv64GPSstatus} {
		if gp[name] != int64(off) {
			t.Errorf("riscv64 %s at %d, runtime %d", name, off, gp[name])
		}
	}
	agp := xsysLayouts["arm64"]["gpregs"].Offsets
	if agp["gp_lr"] != Arm64GPLR || agp["gp_elr"] != Arm64GPELR || agp["gp_spsr"] != Arm64GPSPSR {
		t.Errorf("arm64 gpregs %v", agp)
	}
}

func TestRiscv64GPROffset(t *testing.T) {
	seen := map[int]bool{}
	for x := 1; x <= 31; x++ {
		off := Riscv64GPROffset(x)
		if off < 0 || off >= Riscv64GPSepc || off%8 != 0 || seen[off] {
			t.Errorf("x%d at %d", x, off)
		}
		seen[off] = true
	}
	if Riscv64GPROffset(10) != Riscv64GPA || Riscv64GPROffset(18) != Riscv64GPS+16 || Riscv64GPROffset(31) != Riscv64GPT+48 {
		t.Error("a0, s2 or t6 misplaced")
	}
}

func TestStatFromLinux(t *testing.T) {
	s := unix.Stat_t{Dev: 1, Ino: 2, Nlink: 3, Mode: 0o100644, Uid: 4, Gid: 5, Rdev: 6, Size: 7,
		Blksize: 8, Blocks: 9, Atim: unix.Timespec{Sec: 10, Nsec: 11}, Mtim: unix.Timespec{Sec: 12},
		Ctim: unix.Timespec{Sec: 13, Nsec: 14}}
	b := StatFromLinux(&s)
	if len(b) != StatSize || le.Uint64(b[statIno:]) != 2 || le.Uint16(b[statMode:]) != 0o100644 ||
		le.Uint32(b[statGID:]) != 5 || le.Uint64(b[statSize:]) != 7 || le.Uint32(b[statBlksize:]) != 8 {
		t.Errorf("stat bytes % x", b)
	}
	if sec, nsec := DecodeTimespec(b[statCtim:]); sec != 13 || nsec != 14 {
		t.Errorf("ctime %d.%d", sec, nsec)
	}
	if sec, _ := DecodeTimespec(b[statBirthtim:]); sec != -1 {
		t.Errorf("birth time %d, want -1", sec)
	}
}

func linuxDirent(ino, off uint64, typ byte, name string) []byte {
	n := (19 + len(name) + 1 + 7) &^ 7
	b := make([]byte, n)
	le.PutUint64(b[0:], ino)
	le.PutUint64(b[8:], off)
	le.PutUint16(b[16:], uint16(n))
	b[18] = typ
	copy(b[19:], name)
	return b
}

func TestDirentsFromLinux(t *testing.T) {
	src := append(linuxDirent(5, 1, unix.DT_DIR, "."), linuxDirent(77, 2, unix.DT_REG, "a-longer-name")...)
	out, used := DirentsFromLinux(src, 4096)
	if used != len(src) || len(out) != DirentLen(1)+DirentLen(13) || DirentLen(1) != 32 || DirentLen(13) != 40 {
		t.Fatalf("used %d of %d, out %d bytes", used, len(src), len(out))
	}
	second := out[32:]
	if le.Uint64(second) != 77 || le.Uint64(second[direntOff:]) != 2 || le.Uint16(second[direntReclen:]) != 40 ||
		second[direntType] != unix.DT_REG || le.Uint16(second[direntNamlen:]) != 13 ||
		!bytes.Equal(second[DirentHeader:DirentHeader+14], []byte("a-longer-name\x00")) {
		t.Errorf("second record % x", second)
	}
	if out, used := DirentsFromLinux(src, 40); len(out) != 32 || used != len(linuxDirent(5, 1, 4, ".")) {
		t.Errorf("short buffer: %d bytes out, %d used", len(out), used)
	}
}

func TestSigactionAndStack(t *testing.T) {
	var m Sigset
	m.Add(SIGUSR1)
	m.Add(SIGRTMIN)
	sa := Sigaction{Handler: 0x1234, Flags: SA_SIGINFO | SA_RESTART, Mask: m}
	b := make([]byte, SigactionSize)
	sa.Encode(b)
	if le.Uint32(b[12:]) != 1<<29 || le.Uint32(b[20:]) != 1 || DecodeSigaction(b) != sa {
		t.Errorf("sigaction % x", b)
	}
	st := StackT{SP: 0x7000, Size: 8192, Flags: SS_DISABLE}
	sb := make([]byte, StackTSize)
	st.Encode(sb)
	if le.Uint64(sb[8:]) != 8192 || DecodeStackT(sb) != st {
		t.Errorf("stack_t % x", sb)
	}
}

func TestSockaddrRoundTrip(t *testing.T) {
	g := []byte{SockaddrIn6Size, AF_INET6, 0x1f, 0x90, 0, 0, 0, 0}
	g = append(g, make([]byte, 20)...)
	g[23] = 1 // ::1
	h, ok := SockaddrToLinux(g)
	if !ok || le.Uint16(h) != unix.AF_INET6 || len(h) != len(g) || h[23] != 1 {
		t.Fatalf("to host % x %v", h, ok)
	}
	if back := SockaddrFromLinux(h); !bytes.Equal(back, g) {
		t.Errorf("back % x, want % x", back, g)
	}
}

func TestFlockRoundTrip(t *testing.T) {
	b := make([]byte, FlockSize)
	le.PutUint64(b[0:], 100)
	le.PutUint64(b[8:], 50)
	le.PutUint16(b[20:], F_WRLCK)
	f := FlockToLinux(b)
	if f.Start != 100 || f.Len != 50 || f.Type != unix.F_WRLCK {
		t.Errorf("flock %+v", f)
	}
	out := make([]byte, FlockSize)
	FlockFromLinux(&f, out)
	if !bytes.Equal(out, b) {
		t.Errorf("back % x", out)
	}
}
