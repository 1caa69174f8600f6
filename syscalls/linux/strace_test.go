package linux

import (
	"testing"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

func TestStraceFormat(t *testing.T) {
	as, err := translate.NewAddressSpace(1 << 24)
	if err != nil {
		t.Fatal(err)
	}
	defer as.Close()
	addr, err := as.Map(translate.MapSpec{Addr: 0x10000, Length: 4096, Prot: translate.ProtRead | translate.ProtWrite, Fixed: true, FD: -1})
	if err != nil {
		t.Fatal(err)
	}
	as.Write(addr, []byte("/nonexistent\x00"))
	sin := addr + 64 // struct sockaddr_in for 127.0.0.1:8080
	as.Write(sin, []byte{2, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	sun := addr + 128 // abstract AF_UNIX name "gemu"
	as.Write(sun, []byte{1, 0, 0, 'g', 'e', 'm', 'u'})
	ts := addr + 256
	as.Write(ts, []byte{1, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x42, 0x0f, 0, 0, 0, 0, 0})
	rv, _ := LinuxABIFor("riscv64")
	tr := &Tracer{ABI: rv, Mem: as}
	a64, _ := LinuxABIFor("aarch64")
	ta := &Tracer{ABI: a64, Mem: as}
	neg := func(v int64) uint64 { return uint64(v) }
	cases := []struct {
		tr    *Tracer
		name  string
		kinds []syscalls.ArgKind
		args  [6]uint64
		want  string
	}{
		{tr, "openat", []syscalls.ArgKind{syscalls.ArgDirFD, syscalls.ArgStr, syscalls.ArgOpenFlags, syscalls.ArgOpenMode}, [6]uint64{neg(-100), addr, 0}, `openat(AT_FDCWD,"/nonexistent",O_RDONLY)`},
		{tr, "openat", []syscalls.ArgKind{syscalls.ArgDirFD, syscalls.ArgStr, syscalls.ArgOpenFlags, syscalls.ArgOpenMode}, [6]uint64{3, addr, OWronly | OCreat | OTrunc | OCloexec, 0o644}, `openat(3,"/nonexistent",O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,0644)`},
		{ta, "openat", []syscalls.ArgKind{syscalls.ArgDirFD, syscalls.ArgStr, syscalls.ArgOpenFlags}, [6]uint64{3, 0, 0o40000}, `openat(3,NULL,O_RDONLY|O_DIRECTORY)`},
		{tr, "write", []syscalls.ArgKind{syscalls.ArgInt, syscalls.ArgHex, syscalls.ArgLong}, [6]uint64{1, 0x7df90, 11}, "write(1,0x7df90,11)"},
		{tr, "mmap", []syscalls.ArgKind{syscalls.ArgPtr, syscalls.ArgLong, syscalls.ArgProt, syscalls.ArgMmapFlags, syscalls.ArgInt, syscalls.ArgLong}, [6]uint64{0, 262144, 3, 0x22, neg(-1), 0}, "mmap(NULL,262144,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0)"},
		{tr, "mprotect", []syscalls.ArgKind{syscalls.ArgPtr, syscalls.ArgLong, syscalls.ArgProt}, [6]uint64{0x71000, 16384, 1}, "mprotect(0x0000000000071000,16384,PROT_READ)"},
		{tr, "futex", []syscalls.ArgKind{syscalls.ArgPtr, syscalls.ArgFutexOp, syscalls.ArgInt, syscalls.ArgPtr, syscalls.ArgPtr, syscalls.ArgInt}, [6]uint64{0x43bc24d0a160, 128, 0}, "futex(0x000043bc24d0a160,FUTEX_PRIVATE_FLAG|FUTEX_WAIT,0,NULL,NULL,0)"},
		{tr, "rt_sigaction", []syscalls.ArgKind{syscalls.ArgSignal, syscalls.ArgPtr, syscalls.ArgPtr}, [6]uint64{1, 0, 0x40008006b8}, "rt_sigaction(SIGHUP,NULL,0x00000040008006b8)"},
		{tr, "fcntl", []syscalls.ArgKind{syscalls.ArgInt, syscalls.ArgFcntlCmd, syscalls.ArgFcntlArg}, [6]uint64{0, FGetfd}, "fcntl(0,F_GETFD)"},
		{tr, "socket", []syscalls.ArgKind{syscalls.ArgSockDomain, syscalls.ArgSockType, syscalls.ArgInt}, [6]uint64{2, 1 | OCloexec, 0}, "socket(PF_INET,SOCK_STREAM|SOCK_CLOEXEC,0)"},
		{tr, "bind", []syscalls.ArgKind{syscalls.ArgInt, syscalls.ArgSockaddr, syscalls.ArgInt}, [6]uint64{3, sin, 16}, `bind(3,{sin_family=AF_INET,sin_port=htons(8080),sin_addr=inet_addr("127.0.0.1")},16)`},
		{tr, "connect", []syscalls.ArgKind{syscalls.ArgInt, syscalls.ArgSockaddr, syscalls.ArgInt}, [6]uint64{3, sun, 7}, `connect(3,{sun_family=AF_UNIX,sun_path=@"gemu"},7)`},
		{tr, "nanosleep", []syscalls.ArgKind{syscalls.ArgTimespec, syscalls.ArgPtr}, [6]uint64{ts, 0}, "nanosleep({tv_sec = 1,tv_nsec = 1000000},NULL)"},
		{tr, "fcntl", []syscalls.ArgKind{syscalls.ArgInt, syscalls.ArgFcntlCmd, syscalls.ArgFcntlArg}, [6]uint64{3, FDupfdCloexec, 10}, "fcntl(3,F_DUPFD_CLOEXEC,10)"},
		{tr, "clock_gettime", []syscalls.ArgKind{syscalls.ArgClockID, syscalls.ArgPtr}, [6]uint64{1, 0x4000800670}, "clock_gettime(CLOCK_MONOTONIC,0x0000004000800670)"},
		{tr, "tgkill", []syscalls.ArgKind{syscalls.ArgInt, syscalls.ArgInt, syscalls.ArgSignal}, [6]uint64{5, 5, 23}, "tgkill(5,5,SIGURG)"},
		{tr, "rt_sigprocmask", []syscalls.ArgKind{syscalls.ArgSigHow, syscalls.ArgPtr, syscalls.ArgPtr}, [6]uint64{2, 0, 0x16be78}, "rt_sigprocmask(SIG_SETMASK,NULL,0x000000000016be78)"},
		{tr, "clone", []syscalls.ArgKind{syscalls.ArgCloneFlags, syscalls.ArgPtr}, [6]uint64{CloneVM | CloneThread | SIGCHLD, 0}, "clone(CLONE_VM|CLONE_THREAD|SIGCHLD,NULL)"},
		{tr, "madvise", []syscalls.ArgKind{syscalls.ArgPtr, syscalls.ArgLong, syscalls.ArgMadvise}, [6]uint64{0x1000, 4096, 15}, "madvise(0x0000000000001000,4096,MADV_NOHUGEPAGE)"},
		{tr, "set_tid_address", nil, [6]uint64{512208, 466392, 0, 508848, 512192, neg(-32)}, "set_tid_address(512208,466392,0,508848,512192,-32)"},
	}
	for _, c := range cases {
		if got := c.tr.Call(c.name, c.kinds, c.args); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
	for _, c := range []struct {
		kind syscalls.RetKind
		ret  uint64
		want string
	}{
		{syscalls.RetInt, 11, " = 11"}, {syscalls.RetInt, neg(-2), " = -1 errno=2 (No such file or directory)"},
		{syscalls.RetPtr, 0x7d000, " = 0x000000000007d000"}, {syscalls.RetInt, neg(-38), " = -1 errno=38 (Function not implemented)"},
	} {
		if got := Result(c.kind, c.ret); got != c.want {
			t.Errorf("Result = %q, want %q", got, c.want)
		}
	}
}
