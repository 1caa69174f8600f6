package linuxuser

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"testing"

	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/targets/riscv64"
	"github.com/gemu-project/gemu/translate"
)

// testProcess is a process with an address space and a main thread but no
// program: handlers are called directly.
func testProcess(t *testing.T) (*Process, *Thread) {
	t.Helper()
	arch, err := targets.ByName("riscv64")
	if err != nil {
		t.Fatal(err)
	}
	img := &loader.Image{Path: "/bin/guest", BrkStart: 0x200000, StackLow: 0x3f00000000, StackHigh: 0x3f00800000}
	p, th, err := usermode.NewBareProcess(arch, img, usermode.Options{Personality: linuxOS{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.AS.Close)
	return p, th
}

// scratch maps a read-write page at addr.
func scratch(t *testing.T, p *Process, addr uint64) {
	t.Helper()
	if _, err := p.AS.Map(translate.MapSpec{Addr: addr, Length: 0x4000, Fixed: true, FD: -1,
		Prot: translate.ProtRead | translate.ProtWrite}); err != nil {
		t.Fatal(err)
	}
}

func TestTablesBuild(t *testing.T) {
	for _, arch := range []string{"riscv64", "aarch64"} {
		abi, _ := linux.LinuxABIFor(arch)
		tb, err := NewTable(abi)
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		for _, name := range []string{"read", "write", "openat", "mmap", "clone", "futex", "exit_group", "brk"} {
			if r := tb.ByName(name); r == nil || r.Handler == nil {
				t.Errorf("%s: %s has no handler", arch, name)
			}
		}
	}
	abi, _ := linux.LinuxABIFor("riscv64")
	tb, _ := NewTable(abi)
	if r := tb.Lookup(linux.SysRiscvFlushIcache); r.Handler == nil || r.Support != syscalls.Full {
		t.Error("riscv_flush_icache")
	}
	var write row
	for _, r := range rows {
		if r.name == "write" {
			write = r
		}
	}
	fresh := syscalls.NewTable[usermode.Handler](linux.LinuxGeneric, abi.Mask)
	if err := usermode.DefineRows(fresh, coreRows(append(rows[:len(rows):len(rows)], write))); err == nil {
		t.Error("a row given twice is accepted")
	}
}

func TestBrk(t *testing.T) {
	p, th := testProcess(t)
	brk := func(v uint64) uint64 { return sysBrk(th, &Args{v}) }
	if got := brk(0); got != 0x200000 {
		t.Fatalf("brk(0) = %#x", got)
	}
	if got := brk(0x100000); got != 0x200000 {
		t.Errorf("brk below start = %#x", got)
	}
	if got := brk(0x203456); got != 0x203456 {
		t.Fatalf("grow = %#x", got)
	}
	if err := p.AS.Write(0x203000, []byte{1}); err != nil {
		t.Errorf("heap not writable: %v", err)
	}
	v, ok := p.AS.ProtAt(0x200000)
	if !ok || v != translate.ProtRead|translate.ProtWrite {
		t.Error("heap vma")
	}
	if got := brk(0x201000); got != 0x201000 {
		t.Errorf("shrink = %#x", got)
	}
	if _, mapped := p.AS.ProtAt(0x202000); mapped {
		t.Error("shrunk pages still mapped")
	}
	// Growing into another mapping fails and keeps the break.
	scratch(t, p, 0x300000)
	if got := brk(0x400000); got != 0x201000 {
		t.Errorf("grow over a mapping = %#x", got)
	}
	if got := brk(p.Image().StackLow + 0x1000); got != 0x201000 {
		t.Errorf("grow into the stack = %#x", got)
	}
	// Shrinking back to the start unmaps the whole heap.
	if got := brk(0x200000); got != 0x200000 {
		t.Errorf("shrink to start = %#x", got)
	}
}

func TestMemorySyscalls(t *testing.T) {
	_, th := testProcess(t)
	mm := func(addr, n, prot, flags uint64, fd int64) uint64 {
		return sysMmap(th, &Args{addr, n, prot, flags, uint64(fd), 0})
	}
	anon := uint64(linux.MapPrivate | linux.MapAnonymous)
	a := mm(0, 8192, 3, anon, -1)
	if usermode.IsErr(a) || a%4096 != 0 {
		t.Fatalf("mmap = %#x", a)
	}
	if r := mm(a, 4096, 3, anon|linux.MapFixedNoreplace, -1); r != usermode.Errno(unix.EEXIST) {
		t.Errorf("noreplace = %d", int64(r))
	}
	if r := mm(0, 0, 3, anon, -1); r != usermode.Errno(unix.EINVAL) {
		t.Errorf("zero length = %d", int64(r))
	}
	if r := mm(0, 4096, 3, linux.MapAnonymous, -1); r != usermode.Errno(unix.EINVAL) {
		t.Errorf("no map type = %d", int64(r))
	}
	if r := mm(a+1, 4096, 3, anon|linux.MapFixed, -1); r != usermode.Errno(unix.EINVAL) {
		t.Errorf("unaligned fixed = %d", int64(r))
	}
	if r := sysMprotect(th, &Args{a, 4096, 1}); r != 0 {
		t.Errorf("mprotect = %d", int64(r))
	}
	if r := sysMprotect(th, &Args{0x7000000, 4096, 1}); r != usermode.Errno(unix.ENOMEM) {
		t.Errorf("mprotect unmapped = %d", int64(r))
	}
	if r := sysMadvise(th, &Args{a, 8192, 4}); r != 0 {
		t.Errorf("madvise = %d", int64(r))
	}
	if r := sysMunmap(th, &Args{a, 8192}); r != 0 {
		t.Errorf("munmap = %d", int64(r))
	}
	if r := sysMunmap(th, &Args{a + 4, 8192}); r != usermode.Errno(unix.EINVAL) {
		t.Errorf("munmap unaligned = %d", int64(r))
	}
}

func TestGuestPointers(t *testing.T) {
	p, th := testProcess(t)
	scratch(t, p, 0x100000)
	// A bad buffer is EFAULT, never a crash: where the kernel touches it
	// (with data to read), not at end of file (fs/read_write.c).
	var pfd [2]int
	if err := unix.Pipe(pfd[:]); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(pfd[0])
	unix.Write(pfd[1], []byte("data"))
	if r := sysRead(th, &Args{uint64(pfd[0]), 0x5000000, 16}); r != usermode.Errno(unix.EFAULT) {
		t.Errorf("read into unmapped = %d", int64(r))
	}
	unix.Close(pfd[1])
	unix.Read(pfd[0], make([]byte, 4))
	if r := sysRead(th, &Args{uint64(pfd[0]), 0x5000000, 16}); r != 0 {
		t.Errorf("read into unmapped at end of file = %d", int64(r))
	}
	if r := sysWrite(th, &Args{1, 0x5000000, 16}); r != usermode.Errno(unix.EFAULT) {
		t.Errorf("write from unmapped = %d", int64(r))
	}
	if r := sysNewfstatat(th, &Args{atFdcwd, 0x5000000, 0x100000, 0}); r != usermode.Errno(unix.EFAULT) {
		t.Errorf("stat bad path = %d", int64(r))
	}
	// A count past the mapping is cut at its end.
	b, err := th.IOSlice(0x103000, 0x10000, translate.ProtWrite)
	if err != nil || len(b) != 0x1000 {
		t.Errorf("ioSlice = %d bytes, %v", len(b), err)
	}
	// uname fills the guest struct with the guest machine.
	if r := sysUname(th, &Args{0x100000}); r != 0 {
		t.Fatalf("uname = %d", int64(r))
	}
	m, _ := p.AS.ReadString(0x100000+4*65, 65)
	s, _ := p.AS.ReadString(0x100000, 65)
	if m != "riscv64" || s != "Linux" {
		t.Errorf("uname %q %q", s, m)
	}
	// clock_gettime writes a struct timespec.
	if r := sysClockGettime(th, &Args{1, 0x100100}); r != 0 {
		t.Errorf("clock_gettime = %d", int64(r))
	}
	// readlinkat of /proc/self/exe names the guest program.
	p.AS.Write(0x101000, []byte("/proc/self/exe\x00"))
	n := sysReadlinkat(th, &Args{atFdcwd, 0x101000, 0x102000, 100})
	got := make([]byte, n)
	p.AS.Read(0x102000, got)
	if string(got) != "/bin/guest" {
		t.Errorf("readlink /proc/self/exe = %q", got)
	}
}

func TestSignalState(t *testing.T) {
	p, th := testProcess(t)
	scratch(t, p, 0x100000)
	// rt_sigaction stores the riscv64 layout (no sa_restorer) and returns it.
	act := make([]byte, 24)
	usermode.LE.PutUint64(act[0:], 0x12345)
	usermode.LE.PutUint64(act[8:], linux.SaSiginfo|linux.SaRestart)
	usermode.LE.PutUint64(act[16:], 1<<(linux.SIGKILL-1)|1<<1)
	p.AS.Write(0x100000, act)
	if r := sysRtSigaction(th, &Args{linux.SIGUSR1, 0x100000, 0, 8}); r != 0 {
		t.Fatalf("sigaction = %d", int64(r))
	}
	if r := sysRtSigaction(th, &Args{linux.SIGUSR1, 0, 0x100100, 8}); r != 0 {
		t.Fatal(int64(r))
	}
	old, _ := th.ReadBytes(0x100100, 24)
	if usermode.LE.Uint64(old) != 0x12345 || usermode.LE.Uint64(old[16:]) != 1<<1 {
		t.Errorf("old action %x", old)
	}
	if r := sysRtSigaction(th, &Args{linux.SIGKILL, 0x100000, 0, 8}); r != usermode.Errno(unix.EINVAL) {
		t.Error("SIGKILL action accepted")
	}
	if r := sysRtSigaction(th, &Args{linux.SIGUSR1, 0, 0, 16}); r != usermode.Errno(unix.EINVAL) {
		t.Error("bad sigsetsize accepted")
	}
	// rt_sigprocmask keeps per-thread masks; SIGKILL stays unblockable.
	p.AS.Store64(0x100200, 1<<(linux.SIGKILL-1)|1<<(linux.SIGUSR2-1))
	sysRtSigprocmask(th, &Args{linux.SigBlock, 0x100200, 0, 8})
	sysRtSigprocmask(th, &Args{linux.SigBlock, 0, 0x100208, 8})
	if v, _ := p.AS.Load64(0x100208); v != 1<<(linux.SIGUSR2-1) {
		t.Errorf("mask %#x", v)
	}
	// sigaltstack: disabled at first, then what was set.
	sysSigaltstack(th, &Args{0, 0x100300})
	b, _ := th.ReadBytes(0x100300, 24)
	if linux.DecodeStackT(b).Flags != linux.SsDisable {
		t.Error("initial altstack not disabled")
	}
	var ss [24]byte
	linux.StackT{SP: 0x500000, Size: 8192}.Encode(ss[:])
	p.AS.Write(0x100400, ss[:])
	if r := sysSigaltstack(th, &Args{0x100400, 0}); r != 0 {
		t.Fatal(int64(r))
	}
	sysSigaltstack(th, &Args{0, 0x100300})
	b, _ = th.ReadBytes(0x100300, 24)
	if got := linux.DecodeStackT(b); got.SP != 0x500000 || got.Size != 8192 {
		t.Errorf("altstack %+v", got)
	}
	linux.StackT{SP: 0x500000, Size: 100}.Encode(ss[:])
	p.AS.Write(0x100400, ss[:])
	if r := sysSigaltstack(th, &Args{0x100400, 0}); r != usermode.Errno(unix.ENOMEM) {
		t.Errorf("tiny altstack = %d", int64(r))
	}
	// Ignored signals to self do nothing.
	if r := tkill(th, th.TID, linux.SIGCHLD); r != 0 || p.Exiting() || th.Pending.Mask != 0 {
		t.Error("SIGCHLD killed the process")
	}
}

// TestStraceDispatch runs syscalls through the dispatcher with -strace on.
func TestStraceDispatch(t *testing.T) {
	p, th := testProcess(t)
	var out bytes.Buffer
	p.Opts.Strace = &out
	p.Tracer = &linux.Tracer{ABI: p.ABI, Mem: p.AS}
	var unimp bytes.Buffer
	p.Opts.Unimp = &unimp
	scratch(t, p, 0x100000)
	p.AS.Write(0x100000, []byte("/nonexistent\x00"))
	call := func(nr uint64, args ...uint64) uint64 {
		c := th.CPU
		c.R[riscv64.RegA7] = nr
		for i, a := range args {
			c.R[riscv64.RegA0+i] = a
		}
		th.Syscall()
		return c.R[riscv64.RegA0]
	}
	call(linux.SysOpenat, atFdcwd, 0x100000, 0, 0)
	call(linux.SysGetpid)
	call(linux.SysIoUringSetup, 1, 2, 3, 4, 5, 6)
	call(9999)
	pid := p.PID
	want := []string{
		`openat(AT_FDCWD,"/nonexistent",O_RDONLY) = -1 errno=2 (No such file or directory)`,
		"getpid() = " + strconv.Itoa(pid),
		"io_uring_setup(1,2,3,4,5,6) = -1 errno=38 (Function not implemented)",
		"Unknown syscall 9999",
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("strace output:\n%s", out.String())
	}
	for i, w := range want {
		if lines[i] != strconv.Itoa(th.TID)+" "+w { // the calling thread's id
			t.Errorf("line %d: %q, want %q", i, lines[i], w)
		}
	}
	if !strings.Contains(unimp.String(), "Unsupported syscall: 425 (io_uring_setup)") ||
		!strings.Contains(unimp.String(), "Unsupported syscall: 9999 (unknown)") {
		t.Errorf("unimp log %q", unimp.String())
	}
}

// atFdcwd is AT_FDCWD (-100) as a register value.
const atFdcwd = uint64(0xffffffffffffff9c)

func TestProcFiles(t *testing.T) {
	p, _ := testProcess(t)
	scratch(t, p, 0x100000)
	p.Image().Auxv = []loader.AuxEntry{{Tag: 6, Val: 4096}, {}}
	for _, c := range []struct {
		name string
		file string
		ok   bool
	}{
		{"/proc/self/exe", "exe", true}, {"/proc/thread-self/maps", "maps", true},
		{"/proc/" + strconv.Itoa(p.PID) + "/auxv", "auxv", true}, {"/proc/1/exe", "", false},
		{"/proc/self", "", false}, {"/etc/passwd", "", false},
	} {
		f, ok := procSelfFile(p, unix.AT_FDCWD, c.name)
		if ok != c.ok || f != c.file {
			t.Errorf("%s: %q %v", c.name, f, ok)
		}
	}
	fd, handled := openProc(p, unix.AT_FDCWD, "/proc/self/auxv", unix.O_RDONLY)
	if !handled || usermode.IsErr(fd) {
		t.Fatalf("open auxv: %d", int64(fd))
	}
	defer unix.Close(int(fd))
	buf := make([]byte, 64)
	n, _ := unix.Read(int(fd), buf)
	if n != 32 || usermode.LE.Uint64(buf) != 6 || usermode.LE.Uint64(buf[8:]) != 4096 {
		t.Errorf("auxv %x", buf[:n])
	}
	maps := mapsText(p)
	if !strings.Contains(maps, "00100000-00104000 rw-p 00000000 00:00 0") {
		t.Errorf("maps:\n%s", maps)
	}
}

func TestErrRet(t *testing.T) {
	for err, want := range map[error]unix.Errno{
		translate.ErrFault: unix.EFAULT, translate.ErrNoMem: unix.ENOMEM, translate.ErrInvalid: unix.EINVAL,
		translate.ErrExist: unix.EEXIST, unix.ENOENT: unix.ENOENT,
	} {
		if got := usermode.ErrRet(err); got != usermode.Errno(want) {
			t.Errorf("%v -> %d", err, int64(got))
		}
	}
	if usermode.Ret(5, nil) != 5 || !usermode.IsErr(usermode.Errno(unix.EPERM)) || usermode.IsErr(0xfffffffffffff000-1) {
		t.Error("ret/isErr")
	}
}

func TestStatusExitCode(t *testing.T) {
	if (usermode.Status{Code: 3}).ExitCode() != 3 || (usermode.Status{Signal: 11}).ExitCode() != 139 || (usermode.Status{Code: 256 + 4}).ExitCode() != 4 {
		t.Error("exit codes")
	}
}

// semid64_ds: sem_otime, sem_ctime and sem_nsems sit at 48, 56, 64 on the
// guests (asm-generic/sembuf.h) and at 48, 64, 80 on x86_64, where an
// unused long follows each time (arch/x86/include/uapi/asm/sembuf.h).
func TestSemidConversion(t *testing.T) {
	var host [hostSemidSize]byte
	for i := range host[:48] {
		host[i] = byte(i + 1) // struct ipc64_perm, copied as it is
	}
	binary.LittleEndian.PutUint64(host[48:], 111) // sem_otime
	binary.LittleEndian.PutUint64(host[56:], 999) // x86_64 __unused1
	binary.LittleEndian.PutUint64(host[64:], 222) // sem_ctime
	binary.LittleEndian.PutUint64(host[80:], 3)   // sem_nsems
	g := semidToGuest(host)
	if len(g) != semidDsSize || semidDsSize != 88 {
		t.Fatalf("guest semid64_ds is %d bytes, want 88", len(g))
	}
	for i, want := range map[int]uint64{48: 111, 56: 222, 64: 3, 72: 0, 80: 0} {
		if got := binary.LittleEndian.Uint64(g[i:]); got != want {
			t.Errorf("guest offset %d = %d, want %d", i, got, want)
		}
	}
	if g[0] != 1 || g[47] != 48 {
		t.Errorf("ipc64_perm not copied: %d %d", g[0], g[47])
	}
	var guest [semidDsSize]byte
	copy(guest[:], g)
	back := semidToHost(guest)
	binary.LittleEndian.PutUint64(host[56:], 0) // padding does not survive the trip
	if back != host {
		t.Errorf("host -> guest -> host changed the struct:\n%v\n%v", back, host)
	}
}
